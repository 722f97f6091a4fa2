//! OAuth 2 authorization-code flow with PKCE (S256) and a single-use `state`: Connect sends the user
//! to the platform, the platform sends them back with a code, the code becomes tokens, the tokens are
//! checked against the account and sealed. Refresh uses the refresh token (Google) or exchanges the
//! long-lived token for a new one (Meta).

use super::{LiveConnectors, Tokens, meta, pinterest};
use crate::secrets::{SecretError, pkce_challenge};
use chrono::{Duration as Span, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};
pub use switchboard_core::connection::Authorize;
use switchboard_core::connection::{Connection, LiveAccountInfo, LiveConnectionDraft, OAuthPending};
use switchboard_core::connectors::ConnectorError;
use switchboard_core::time::Timestamp;
use switchboard_core::{Currency, Platform, RepoError};

/// How long a user has to come back from the platform.
const PENDING_FOR: Span = Span::minutes(15);

#[derive(Debug, thiserror::Error)]
pub enum AuthorizationError {
    /// The OAuth app is not configured; names the variables to set.
    #[error("{0}")]
    NotConfigured(String),
    #[error("this authorization has expired or was already used; start again with Connect")]
    UnknownState,
    #[error("the authorization was not granted: {0}")]
    Denied(String),
    #[error(transparent)]
    Connector(#[from] ConnectorError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("the tokens could not be sealed")]
    Secret(#[from] SecretError),
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

pub(super) struct Refreshed {
    pub tokens: Tokens,
    pub expires_at: Option<Timestamp>,
}

fn expiry(expires_in: Option<i64>) -> Option<Timestamp> {
    expires_in
        .filter(|s| *s > 0)
        .map(|s| Timestamp::from_datetime(Utc::now() + Span::seconds(s)))
}

/// RFC 6749 §5.2 errors (`{"error": "invalid_grant", ...}`), or Graph's error object.
fn classify_token(status: StatusCode, headers: &HeaderMap, body: &Value) -> ConnectorError {
    let Some(code) = body["error"].as_str() else {
        return meta::classify(status, headers, body);
    };
    let message = body["error_description"].as_str().unwrap_or(code).to_owned();
    match code {
        "invalid_grant" => ConnectorError::Unauthorized(message),
        "invalid_client" | "unauthorized_client" => ConnectorError::Permanent(format!(
            "the platform refused Switchboard's OAuth app ({message}); check its client id and secret"
        )),
        _ if status.is_server_error() => ConnectorError::Transient(message),
        _ => ConnectorError::Permanent(message),
    }
}

impl LiveConnectors {
    fn oauth_app(&self, platform: Platform) -> Result<(&str, &str), AuthorizationError> {
        let settings = self.platform_settings(platform)?;
        let (id_var, secret_var) = match platform {
            Platform::Google => ("SWITCHBOARD_GOOGLE_CLIENT_ID", "SWITCHBOARD_GOOGLE_CLIENT_SECRET"),
            Platform::Meta => ("SWITCHBOARD_META_APP_ID", "SWITCHBOARD_META_APP_SECRET"),
            Platform::Pinterest => ("SWITCHBOARD_PINTEREST_APP_ID", "SWITCHBOARD_PINTEREST_APP_SECRET"),
        };
        match (settings.client_id.as_deref(), settings.client_secret.as_deref()) {
            (Some(id), Some(secret)) => Ok((id, secret)),
            _ => Err(AuthorizationError::NotConfigured(format!(
                "live {} connections need Switchboard's OAuth app: set {id_var} and {secret_var} and restart (see the README, \"Live mode\")",
                platform.label()
            ))),
        }
    }

    /// Starts an authorization: remembers the draft under a fresh `state` and PKCE verifier and
    /// returns the platform's authorization address.
    pub async fn authorize(&self, draft: LiveConnectionDraft) -> Result<Authorize, AuthorizationError> {
        let platform = draft.platform;
        let (client_id, _) = self.oauth_app(platform)?;
        let settings = self.platform_settings(platform)?;
        let state = self.keyring.random_token()?;
        let verifier = self.keyring.random_token()?;
        let redirect_uri = self.settings.redirect_uri(platform);
        let mut query = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri.as_str()),
            ("scope", settings.scopes.as_str()),
            ("state", state.as_str()),
            ("code_challenge_method", "S256"),
        ];
        let challenge = pkce_challenge(&verifier);
        query.push(("code_challenge", &challenge));
        if platform == Platform::Google {
            // A refresh token, every time (also when the user authorized before).
            query.extend([("access_type", "offline"), ("prompt", "consent")]);
        }
        let url = reqwest::Url::parse_with_params(&settings.auth_url, &query).map_err(|_| {
            AuthorizationError::NotConfigured(format!(
                "the {} authorization address '{}' is not a URL",
                platform.label(),
                settings.auth_url
            ))
        })?;
        let expires_at = Timestamp::from_datetime(Utc::now() + PENDING_FOR);
        self.connections
            .save_oauth_pending(&OAuthPending {
                state: state.clone(),
                draft,
                code_verifier: verifier,
                redirect_uri,
                expires_at,
            })
            .await?;
        Ok(Authorize {
            authorization_url: url.into(),
            state,
            expires_at,
        })
    }

    /// Forgets an authorization the user declined.
    pub async fn abandon(&self, state: &str) -> Result<(), RepoError> {
        self.connections.take_oauth_pending(state).await.map(|_| ())
    }

    /// Finishes an authorization from the platform's callback: code to tokens, tokens checked
    /// against the account, sealed and stored with the connection.
    pub async fn complete(
        &self,
        platform: Platform,
        state: &str,
        code: &str,
        actor: &str,
    ) -> Result<Connection, AuthorizationError> {
        let pending = self
            .connections
            .take_oauth_pending(state)
            .await?
            .filter(|p| p.draft.platform == platform)
            .ok_or(AuthorizationError::UnknownState)?;
        let granted = self.exchange_code(platform, code, &pending).await?;
        let draft = pending.draft;
        let info = self.account_info(&draft, &granted.tokens.access_token).await?;
        let stored = self.seal(
            &draft.project_id,
            platform,
            &draft.account_id,
            &granted.tokens,
            granted.expires_at,
        )?;
        Ok(self.connections.create_live(draft, info, &stored, actor).await?)
    }

    async fn token_request(
        &self,
        platform: Platform,
        form: &[(&str, &str)],
    ) -> Result<Refreshed, ConnectorError> {
        let settings = self.platform_settings(platform)?;
        let url = &settings.token_url;
        let answer = match platform {
            // Graph's token endpoint takes a GET with the parameters in the query.
            Platform::Meta => self.http.send(|c| c.get(url).query(form), classify_token).await?,
            // Pinterest's takes the app's credentials as HTTP Basic auth.
            Platform::Pinterest => {
                let id = settings.client_id.as_deref().unwrap_or_default();
                let secret = settings.client_secret.as_deref();
                self.http
                    .send(
                        |c| c.post(url).basic_auth(id, secret).form(form),
                        pinterest::classify_token,
                    )
                    .await?
            }
            Platform::Google => self.http.send(|c| c.post(url).form(form), classify_token).await?,
        };
        let answer: TokenAnswer = serde_json::from_value(answer).map_err(|_| {
            ConnectorError::Permanent("the platform's token answer has no access_token".into())
        })?;
        Ok(Refreshed {
            expires_at: expiry(answer.expires_in),
            tokens: Tokens {
                access_token: answer.access_token,
                refresh_token: answer.refresh_token,
            },
        })
    }

    async fn exchange_code(
        &self,
        platform: Platform,
        code: &str,
        pending: &OAuthPending,
    ) -> Result<Refreshed, AuthorizationError> {
        let (client_id, client_secret) = self.oauth_app(platform)?;
        if platform == Platform::Pinterest {
            // Basic auth carries the app; `continuous_refresh` asks for the 60-day refresh token
            // that renews on every refresh (apps made before 2025-09-25 must ask for it).
            let form = [
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", pending.redirect_uri.as_str()),
                ("code_verifier", pending.code_verifier.as_str()),
                ("continuous_refresh", "true"),
            ];
            return Ok(self.token_request(platform, &form).await?);
        }
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", pending.redirect_uri.as_str()),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("code_verifier", pending.code_verifier.as_str()),
        ];
        let short = self.token_request(platform, &form).await?;
        if platform != Platform::Meta {
            return Ok(short);
        }
        // Meta's code gives a short-lived token (hours): exchange it for a long-lived one (60 days).
        Ok(self.exchange_meta(&short.tokens.access_token).await?)
    }

    async fn exchange_meta(&self, token: &str) -> Result<Refreshed, ConnectorError> {
        let (client_id, client_secret) = self.oauth_app(Platform::Meta).map_err(|e| match e {
            AuthorizationError::Connector(c) => c,
            other => ConnectorError::Permanent(other.to_string()),
        })?;
        let form = [
            ("grant_type", "fb_exchange_token"),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("fb_exchange_token", token),
        ];
        self.token_request(Platform::Meta, &form).await
    }

    /// New tokens ahead of expiry. A refused refresh is `Unauthorized`.
    pub(super) async fn refresh(
        &self,
        platform: Platform,
        tokens: &Tokens,
    ) -> Result<Refreshed, ConnectorError> {
        if platform == Platform::Meta {
            return self.exchange_meta(&tokens.access_token).await;
        }
        let refresh_token = tokens.refresh_token.as_deref().ok_or_else(|| {
            ConnectorError::Unauthorized("the token expired and there is no refresh token".into())
        })?;
        let (client_id, client_secret) = self
            .oauth_app(platform)
            .map_err(|e| ConnectorError::Permanent(e.to_string()))?;
        let google_form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ];
        let pinterest_form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
        let form: &[(&str, &str)] = if platform == Platform::Pinterest {
            &pinterest_form
        } else {
            &google_form
        };
        let mut refreshed = self.token_request(platform, form).await?;
        // Google returns a new refresh token only sometimes (Pinterest every time); keep the one we
        // have otherwise.
        if refreshed.tokens.refresh_token.is_none() {
            refreshed.tokens.refresh_token = Some(refresh_token.to_owned());
        }
        Ok(refreshed)
    }

    /// The account's name, currency and time zone, read with the new token: proves the token
    /// reaches the account before anything is stored.
    async fn account_info(
        &self,
        draft: &LiveConnectionDraft,
        token: &str,
    ) -> Result<LiveAccountInfo, ConnectorError> {
        let answer = self
            .call_with_token(
                draft.platform,
                &draft.account_id,
                &draft.api,
                token,
                "get_account_info",
                &json!({}),
            )
            .await?;
        let (name, currency, time_zone) = match draft.platform {
            Platform::Google => {
                let c = &answer["customer"];
                (
                    c["descriptiveName"].as_str(),
                    c["currencyCode"].as_str(),
                    c["timeZone"].as_str(),
                )
            }
            _ => (
                answer["name"].as_str(),
                answer["currency"].as_str(),
                answer["timezone_name"].as_str(),
            ),
        };
        let currency = currency
            .and_then(|c| Currency::parse(c).ok())
            .ok_or_else(|| ConnectorError::Permanent("the account's currency could not be read".into()))?;
        Ok(LiveAccountInfo {
            name: name.map(str::to_owned),
            currency,
            time_zone: time_zone.unwrap_or("UTC").to_owned(),
        })
    }
}
