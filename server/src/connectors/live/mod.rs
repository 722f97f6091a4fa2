//! Live mode: real calls to Google Ads and Meta with the connection's OAuth tokens, which are opened
//! only here, refreshed ahead of expiry and sealed again with the current key. A refused token marks
//! the connection as needing re-authorization.

mod google;
mod http;
mod meta;
mod oauth;
mod pinterest;

pub use http::Http;
pub use oauth::{AuthorizationError, Authorize};

use crate::connectors::settings::{ConnectorSettings, PlatformSettings};
use crate::secrets::{Keyring, SecretError, appsecret_proof};
use chrono::{Duration as Span, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use switchboard_core::connection::{ApiSettings, Connection, ConnectionStatus, StoredCredentials};
use switchboard_core::connectors::ConnectorError;
use switchboard_core::ports::{ConnectionRepo, ToolRunError};
use switchboard_core::time::Timestamp;
use switchboard_core::{Platform, ProjectId, RepoError};

const SYSTEM: &str = "system";

/// What is sealed for a live connection.
#[derive(Serialize, Deserialize)]
struct Tokens {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

/// The context a connection's tokens are sealed under: its identity, so sealed tokens copied onto
/// another connection's row do not open.
fn seal_context(project: &ProjectId, platform: Platform, account_id: &str) -> String {
    format!(
        "switchboard/credentials/{project}/{}/{account_id}",
        platform.as_str()
    )
}

/// How long before expiry a token is refreshed: Google's last an hour, Meta's long-lived ones 60 days.
fn refresh_lead(platform: Platform) -> Span {
    match platform {
        Platform::Meta => Span::days(7),
        // Pinterest's access tokens last 30 days; its refresh tokens renew on every refresh.
        Platform::Pinterest => Span::days(1),
        Platform::Google => Span::minutes(5),
    }
}

pub struct LiveConnectors {
    http: Http,
    settings: Arc<ConnectorSettings>,
    keyring: Arc<Keyring>,
    connections: Arc<dyn ConnectionRepo>,
    /// One refresh at a time, so two calls never spend the same refresh token.
    refreshing: tokio::sync::Mutex<()>,
}

fn secret_error(e: SecretError) -> ToolRunError {
    tracing::error!(error = %e, "cannot open a connection's tokens");
    ToolRunError::Connector(ConnectorError::Unauthorized(
        "the stored tokens cannot be opened with the configured key; connect the account again".into(),
    ))
}

impl LiveConnectors {
    pub fn new(
        settings: Arc<ConnectorSettings>,
        keyring: Arc<Keyring>,
        connections: Arc<dyn ConnectionRepo>,
    ) -> anyhow::Result<Self> {
        Ok(LiveConnectors {
            http: Http::new(settings.retry, settings.timeout)?,
            settings,
            keyring,
            connections,
            refreshing: tokio::sync::Mutex::new(()),
        })
    }

    /// The address users reach this server at.
    /// How long a test-mode call takes (the setting lives with the connectors').
    pub fn test_latency(&self) -> switchboard_core::connectors::testmode::latency::Latency {
        self.settings.test_latency
    }

    pub fn public_url(&self) -> &str {
        self.settings
            .public_url
            .as_deref()
            .unwrap_or("http://127.0.0.1:3000")
    }

    fn platform_settings(&self, platform: Platform) -> Result<&PlatformSettings, ConnectorError> {
        self.settings
            .platform(platform)
            .ok_or_else(|| ConnectorError::Permanent(format!("{} has no live connector", platform.label())))
    }

    fn root(&self, platform: Platform, api: &ApiSettings) -> Result<String, ConnectorError> {
        let defaults = self.platform_settings(platform)?;
        Ok(format!(
            "{}/{}",
            api.base_url.as_deref().unwrap_or(&defaults.api_base_url),
            api.version.as_deref().unwrap_or(&defaults.api_version)
        ))
    }

    /// Runs one tool on a live connection.
    pub async fn call(
        &self,
        connection: &Connection,
        tool: &str,
        params: &Value,
    ) -> Result<Value, ToolRunError> {
        let token = self.access_token(connection).await?;
        let result = self
            .call_with_token(
                connection.platform,
                &connection.account_id,
                &connection.api,
                &token,
                tool,
                params,
            )
            .await;
        if let Err(ConnectorError::Unauthorized(reason)) = &result {
            self.connections
                .set_status(&connection.id, ConnectionStatus::NeedsReauth, reason, SYSTEM)
                .await?;
        }
        Ok(result?)
    }

    async fn call_with_token(
        &self,
        platform: Platform,
        account_id: &str,
        api: &ApiSettings,
        token: &str,
        tool: &str,
        params: &Value,
    ) -> Result<Value, ConnectorError> {
        let root = self.root(platform, api)?;
        let settings = self.platform_settings(platform)?;
        match platform {
            Platform::Google => {
                let developer_token = settings.developer_token.as_deref().ok_or_else(|| {
                    ConnectorError::Permanent(
                        "Google Ads calls need a developer token: set SWITCHBOARD_GOOGLE_DEVELOPER_TOKEN"
                            .into(),
                    )
                })?;
                google::GoogleAds {
                    http: &self.http,
                    root,
                    customer_id: account_id,
                    access_token: token,
                    developer_token,
                    login_customer_id: api.login_customer_id.as_deref(),
                }
                .call(tool, params)
                .await
            }
            Platform::Meta => {
                meta::MetaAds {
                    http: &self.http,
                    root,
                    account_id,
                    access_token: token,
                    appsecret_proof: settings
                        .client_secret
                        .as_deref()
                        .map(|s| appsecret_proof(s, token)),
                }
                .call(tool, params)
                .await
            }
            Platform::Pinterest => {
                pinterest::PinterestAds {
                    http: &self.http,
                    root,
                    ad_account_id: account_id,
                    access_token: token,
                }
                .call(tool, params)
                .await
            }
        }
    }

    fn open(&self, connection: &Connection, stored: &StoredCredentials) -> Result<Tokens, ToolRunError> {
        let context = seal_context(
            &connection.project_id,
            connection.platform,
            &connection.account_id,
        );
        let plain = self
            .keyring
            .open(&stored.sealed, &context)
            .map_err(secret_error)?;
        serde_json::from_slice(&plain).map_err(|_| secret_error(SecretError::Tampered))
    }

    fn seal(
        &self,
        project: &ProjectId,
        platform: Platform,
        account_id: &str,
        tokens: &Tokens,
        expires_at: Option<Timestamp>,
    ) -> Result<StoredCredentials, SecretError> {
        let plain = serde_json::to_vec(tokens).map_err(|_| SecretError::Tampered)?;
        Ok(StoredCredentials {
            sealed: self
                .keyring
                .seal(&plain, &seal_context(project, platform, account_id))?,
            expires_at,
        })
    }

    /// The connection's access token, refreshed first when it is about to expire.
    async fn access_token(&self, connection: &Connection) -> Result<String, ToolRunError> {
        let stored = self
            .connections
            .credentials(&connection.id)
            .await
            .map_err(|e| match e {
                RepoError::NotFound { .. } => ToolRunError::Connector(ConnectorError::Unauthorized(
                    "the connection has no tokens; connect the account again".into(),
                )),
                other => other.into(),
            })?;
        let due = |s: &StoredCredentials| {
            s.expires_at
                .is_some_and(|at| at.as_datetime() - refresh_lead(connection.platform) <= Utc::now())
        };
        let tokens = self.open(connection, &stored)?;
        if !due(&stored) && stored.sealed.key_id == self.keyring.current_key_id() {
            return Ok(tokens.access_token);
        }
        let _one = self.refreshing.lock().await;
        // Another call may have refreshed while this one waited.
        let stored = self.connections.credentials(&connection.id).await?;
        let tokens = self.open(connection, &stored)?;
        if !due(&stored) {
            if stored.sealed.key_id != self.keyring.current_key_id() {
                // Sealed with a previous key: seal again with the current one.
                let resealed = self
                    .seal(
                        &connection.project_id,
                        connection.platform,
                        &connection.account_id,
                        &tokens,
                        stored.expires_at,
                    )
                    .map_err(secret_error)?;
                self.connections
                    .save_credentials(&connection.id, &resealed)
                    .await?;
            }
            return Ok(tokens.access_token);
        }
        let refreshed = match self.refresh(connection.platform, &tokens).await {
            Ok(refreshed) => refreshed,
            Err(ConnectorError::Unauthorized(reason)) => {
                self.connections
                    .set_status(&connection.id, ConnectionStatus::NeedsReauth, &reason, SYSTEM)
                    .await?;
                return Err(ConnectorError::Unauthorized(reason).into());
            }
            // Still valid for a while: use it, and refresh on a later call.
            Err(e) if stored.expires_at.is_some_and(|at| at.as_datetime() > Utc::now()) => {
                tracing::warn!(connection = %connection.id, error = %e, "token refresh failed; using the current token");
                return Ok(tokens.access_token);
            }
            Err(e) => return Err(e.into()),
        };
        let stored = self
            .seal(
                &connection.project_id,
                connection.platform,
                &connection.account_id,
                &refreshed.tokens,
                refreshed.expires_at,
            )
            .map_err(secret_error)?;
        self.connections.save_credentials(&connection.id, &stored).await?;
        tracing::info!(connection = %connection.id, "access token refreshed");
        Ok(refreshed.tokens.access_token)
    }
}
