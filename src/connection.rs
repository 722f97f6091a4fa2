//! Ad account connections: a project's account on one platform, in test or live mode. A
//! connection never carries its tokens: they stay encrypted in the server's storage.

use crate::connectors::table::ResultTable;
use crate::connectors::{Access, ToolSpec};
use crate::error::ParseError;
use crate::ids::{ConnectionId, ProjectId};
use crate::money::Currency;
use crate::platform::Platform;
use crate::time::Timestamp;
use crate::validation::FieldErrors;
use crate::workflow::text_enum;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;

text_enum!(
    /// Test mode answers from a seeded generator; live mode calls the platform.
    ConnectionMode, "connection mode", {
        Test => "test",
        Live => "live",
    }
);

text_enum!(
    /// Whether tools can run on the connection.
    ConnectionStatus, "connection status", {
        Active => "active",
        NeedsReauth => "needs_reauth",
        Error => "error",
        Disconnected => "disconnected",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connection {
    pub id: ConnectionId,
    pub project_id: ProjectId,
    pub platform: Platform,
    pub mode: ConnectionMode,
    /// The platform's account id (Google customer id, Meta ad account id without `act_`).
    pub account_id: String,
    pub name: Option<String>,
    pub status: ConnectionStatus,
    pub currency: Currency,
    pub time_zone: String,
    /// Live mode: where the platform's API is and which version (the configured defaults when
    /// absent), and for Google the manager account the calls go through.
    #[serde(default, skip_serializing_if = "ApiSettings::is_default")]
    pub api: ApiSettings,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

/// Where a live connection's calls go. Empty fields take the server's configured defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Google Ads: the manager account (digits) sent as `login-customer-id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_customer_id: Option<String>,
}

impl ApiSettings {
    pub fn is_default(&self) -> bool {
        self == &ApiSettings::default()
    }
}

/// What a client sends to make a connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionInput {
    pub project_id: String,
    pub platform: String,
    /// `test` (the default) or `live`.
    #[serde(default)]
    pub mode: Option<String>,
    /// For test mode, the seed of the generated account (random when left out).
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub name: Option<String>,
    /// The account currency for a test account (USD when left out).
    #[serde(default)]
    pub currency: Option<String>,
}

/// A checked request for a test-mode connection.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionDraft {
    pub project_id: ProjectId,
    pub platform: Platform,
    pub seed: Option<u64>,
    pub name: Option<String>,
    pub currency: Currency,
}

/// The project and platform every connection request names.
fn project_and_platform(
    project: &str,
    platform: &str,
    errors: &mut FieldErrors,
) -> (Option<ProjectId>, Option<Platform>) {
    let project_id = ProjectId::parse(project.trim())
        .map_err(|e| errors.add("project_id", e.to_string()))
        .ok();
    let platform = platform
        .parse::<Platform>()
        .map_err(|e| errors.add("platform", e.to_string()))
        .ok();
    (project_id, platform)
}

/// An optional display name: blank is none, at most 120 characters.
fn display_name<'a>(name: Option<&'a str>, errors: &mut FieldErrors) -> Option<&'a str> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 120) {
        errors.add("name", "must be at most 120 characters");
    }
    name
}

/// The project's connection on `platform` that experiments read and change: the first one made
/// (a project with two accounts on a platform tests on its first).
pub fn first_on(connections: &[Connection], platform: Platform) -> Option<&Connection> {
    connections
        .iter()
        .filter(|c| c.platform == platform)
        .min_by_key(|c| c.created_at)
}

impl ConnectionInput {
    pub fn validate(&self) -> Result<ConnectionDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (project_id, platform) = project_and_platform(&self.project_id, &self.platform, &mut errors);
        match self.mode.as_deref().map(str::parse::<ConnectionMode>) {
            None | Some(Ok(ConnectionMode::Test)) => {}
            Some(Ok(ConnectionMode::Live)) => errors.add(
                "mode",
                "live connections are made by authorizing with the platform (OAuth): POST /api/v1/connections/authorize, or Connect on the Connections page",
            ),
            Some(Err(e)) => errors.add("mode", e.to_string()),
        }
        let currency = match self.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Some(Currency::USD),
            Some(c) => Currency::parse(c)
                .map_err(|e| errors.add("currency", e.to_string()))
                .ok(),
        };
        let name = display_name(self.name.as_deref(), &mut errors);
        match (project_id, platform, currency) {
            (Some(project_id), Some(platform), Some(currency)) if errors.is_empty() => Ok(ConnectionDraft {
                project_id,
                platform,
                seed: self.seed,
                name: name.map(str::to_owned),
                currency,
            }),
            _ => Err(errors),
        }
    }
}

/// What a client sends to connect a live account: the server answers with the platform's
/// authorization address, and the connection exists once the platform sends the user back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorizeInput {
    pub project_id: String,
    pub platform: String,
    /// Google customer id (`123-456-7890` or digits), Meta ad account id (`act_…` or digits).
    pub account_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub api_base_url: Option<String>,
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub login_customer_id: Option<String>,
}

/// A checked request for a live connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveConnectionDraft {
    pub project_id: ProjectId,
    pub platform: Platform,
    /// Digits only.
    pub account_id: String,
    pub name: Option<String>,
    pub api: ApiSettings,
}

fn blank_to_none(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Digits, with the separators and prefixes people paste (`123-456-7890`, `act_123`) taken off.
fn account_digits(platform: Platform, text: &str) -> Result<String, String> {
    let text = text.trim();
    let text = match platform {
        Platform::Meta => text.strip_prefix("act_").unwrap_or(text),
        _ => text,
    };
    let digits: String = text.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 20 {
        let example = match platform {
            Platform::Google => "a customer id like 123-456-7890",
            Platform::Meta => "an ad account id like act_1234567890",
            Platform::Pinterest => "an ad account id (digits)",
        };
        return Err(format!("must be {example}"));
    }
    Ok(digits)
}

fn check_base_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("must start with https:// (or http:// for a local server)")?;
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err("must be an address like https://googleads.googleapis.com, without a query".into());
    }
    Ok(trimmed.to_owned())
}

fn check_version(platform: Platform, text: &str) -> Result<String, String> {
    let text = text.trim();
    let number = text.strip_prefix('v').unwrap_or("");
    let ok = match platform {
        // Graph versions are `v25.0`.
        Platform::Meta => number
            .split_once('.')
            .is_some_and(|(major, minor)| is_digits(major) && is_digits(minor)),
        Platform::Google | Platform::Pinterest => is_digits(number),
    };
    if ok {
        Ok(text.to_owned())
    } else {
        Err(match platform {
            Platform::Meta => "must be a Graph API version like v25.0".into(),
            Platform::Pinterest => "must be an API version like v5".into(),
            Platform::Google => "must be an API version like v22".into(),
        })
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.len() <= 4 && text.chars().all(|c| c.is_ascii_digit())
}

impl AuthorizeInput {
    pub fn validate(&self) -> Result<LiveConnectionDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (project_id, platform) = project_and_platform(&self.project_id, &self.platform, &mut errors);
        let mut api = ApiSettings::default();
        let mut account_id = None;
        if let Some(platform) = platform {
            account_id = account_digits(platform, &self.account_id)
                .map_err(|e| errors.add("account_id", e))
                .ok();
            if let Some(url) = blank_to_none(self.api_base_url.as_deref()) {
                api.base_url = check_base_url(url)
                    .map_err(|e| errors.add("api_base_url", e))
                    .ok();
            }
            if let Some(version) = blank_to_none(self.api_version.as_deref()) {
                api.version = check_version(platform, version)
                    .map_err(|e| errors.add("api_version", e))
                    .ok();
            }
            if let Some(login) = blank_to_none(self.login_customer_id.as_deref()) {
                if platform == Platform::Google {
                    api.login_customer_id = account_digits(platform, login)
                        .map_err(|e| errors.add("login_customer_id", e))
                        .ok();
                } else {
                    errors.add(
                        "login_customer_id",
                        "only Google Ads connections go through a manager account",
                    );
                }
            }
        }
        let name = display_name(self.name.as_deref(), &mut errors);
        match (project_id, platform, account_id) {
            (Some(project_id), Some(platform), Some(account_id)) if errors.is_empty() => {
                Ok(LiveConnectionDraft {
                    project_id,
                    platform,
                    account_id,
                    name: name.map(str::to_owned),
                    api,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A secret sealed with an AEAD key; `key_id` names the key so keys can rotate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// A live connection's tokens as stored: sealed, with the access token's expiry in the clear so
/// that a refresh can be planned without opening them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    pub sealed: SealedSecret,
    pub expires_at: Option<Timestamp>,
}

/// What the platform says about a live account when it is connected.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveAccountInfo {
    pub name: Option<String>,
    pub currency: Currency,
    pub time_zone: String,
}

/// An authorization in progress: kept between the redirect to the platform and its callback.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthPending {
    /// The `state` parameter: random, single use.
    pub state: String,
    pub draft: LiveConnectionDraft,
    /// The PKCE verifier whose challenge went to the platform.
    pub code_verifier: String,
    pub redirect_uri: String,
    pub expires_at: Timestamp,
}

/// Where to send the user to authorize.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Authorize {
    pub authorization_url: String,
    pub state: String,
    pub expires_at: Timestamp,
}

/// What the platform's OAuth callback carries: a code and the state, or why it was not granted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthCallback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// Meta's name for the reason.
    pub error_reason: Option<String>,
}

// A platform and its tools, as `GET /connectors` lists them. (No doc comment: it would become the
// schema's description.)
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connector {
    pub platform: Platform,
    pub label: &'static str,
    pub tools: &'static [ToolSpec],
}

/// A connection with its project's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionItem {
    pub connection: Connection,
    pub project_name: String,
}

pub use crate::project::ProjectChoice;

/// Everything the Connections page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionsOverview {
    pub connections: Vec<ConnectionItem>,
    pub projects: Vec<ProjectChoice>,
}

/// A tool as the explorer shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    /// The platform endpoint it calls (`GET /ad_accounts/{ad_account_id}/campaigns`).
    pub endpoint: String,
    pub title: String,
    pub description: String,
    pub write: bool,
    pub params: Value,
}

impl From<&ToolSpec> for ToolInfo {
    fn from(t: &ToolSpec) -> Self {
        ToolInfo {
            name: t.name.to_owned(),
            endpoint: t.endpoint.to_owned(),
            title: t.title.to_owned(),
            description: t.description.to_owned(),
            write: t.access == Access::Write,
            params: t.params.clone(),
        }
    }
}

/// The tool explorer of one connection: the connection and its platform's tools.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorerData {
    pub item: ConnectionItem,
    pub tools: Vec<ToolInfo>,
}

/// One tool run's answer: the JSON, and its rows as a table when it has rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolRun {
    pub tool: String,
    pub json: String,
    pub table: Option<ResultTable>,
    pub elapsed_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ConnectionInput {
        ConnectionInput {
            project_id: "proj_abc".into(),
            platform: "meta".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_test_connection_needs_a_project_and_a_platform() {
        let draft = input().validate().expect("valid");
        assert_eq!(draft.platform, Platform::Meta);
        assert_eq!(draft.currency, Currency::USD);
        let bad = ConnectionInput {
            project_id: "".into(),
            platform: "myspace".into(),
            mode: Some("sandbox".into()),
            currency: Some("dollars".into()),
            ..Default::default()
        };
        let errors = bad.validate().expect_err("invalid");
        for field in ["project_id", "platform", "mode", "currency"] {
            assert!(errors.get(field).is_some(), "{field}: {errors}");
        }
        let live = ConnectionInput {
            mode: Some("live".into()),
            ..input()
        };
        assert!(
            live.validate()
                .expect_err("live")
                .get("mode")
                .is_some_and(|m| m.contains("OAuth"))
        );
    }

    #[test]
    fn a_live_draft_takes_pasted_ids_and_checks_the_api_settings() {
        let input = AuthorizeInput {
            project_id: "proj_abc".into(),
            platform: "google".into(),
            account_id: " 123-456-7890 ".into(),
            api_base_url: Some("http://127.0.0.1:9000/".into()),
            api_version: Some("v22".into()),
            login_customer_id: Some("999-000-1111".into()),
            ..Default::default()
        };
        let draft = input.validate().expect("valid");
        assert_eq!(draft.account_id, "1234567890");
        assert_eq!(draft.api.base_url.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(draft.api.login_customer_id.as_deref(), Some("9990001111"));
        let meta = AuthorizeInput {
            platform: "meta".into(),
            account_id: "act_42".into(),
            api_version: Some("v25.0".into()),
            login_customer_id: None,
            ..input.clone()
        };
        assert_eq!(meta.validate().expect("meta").account_id, "42");
        let bad = AuthorizeInput {
            account_id: "acme".into(),
            api_base_url: Some("ftp://x".into()),
            api_version: Some("22".into()),
            ..input
        };
        let errors = bad.validate().expect_err("invalid");
        for field in ["account_id", "api_base_url", "api_version"] {
            assert!(errors.get(field).is_some(), "{field}: {errors}");
        }
        let meta_login = AuthorizeInput {
            platform: "meta".into(),
            account_id: "42".into(),
            login_customer_id: Some("1".into()),
            ..Default::default()
        };
        assert!(
            meta_login
                .validate()
                .expect_err("meta login")
                .get("login_customer_id")
                .is_some()
        );
    }

    #[test]
    fn modes_and_statuses_read_their_stored_words() {
        assert_eq!(
            "needs_reauth".parse::<ConnectionStatus>(),
            Ok(ConnectionStatus::NeedsReauth)
        );
        assert_eq!(ConnectionMode::Test.as_str(), "test");
        assert!("paused".parse::<ConnectionStatus>().is_err());
    }
}
