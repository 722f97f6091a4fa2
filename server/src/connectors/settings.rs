//! Live-mode settings from the environment: each platform's OAuth app, its API address and version,
//! and how calls are retried. A connection may override the address and version (tests point them at
//! a local server).

use std::time::Duration;
use switchboard_core::Platform;
use switchboard_core::connectors::RetryPolicy;
use switchboard_core::connectors::testmode::latency::Latency;

/// One platform's OAuth app and API defaults.
#[derive(Clone, Default)]
pub struct PlatformSettings {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub auth_url: String,
    pub token_url: String,
    pub scopes: String,
    pub api_base_url: String,
    pub api_version: String,
    /// Google Ads: the developer token sent with every call.
    pub developer_token: Option<String>,
}

impl std::fmt::Debug for PlatformSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformSettings")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "[set]"))
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("api_base_url", &self.api_base_url)
            .field("api_version", &self.api_version)
            .field("developer_token", &self.developer_token.as_ref().map(|_| "[set]"))
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct ConnectorSettings {
    pub google: PlatformSettings,
    pub meta: PlatformSettings,
    pub pinterest: PlatformSettings,
    /// The address users reach Switchboard at; OAuth callbacks go to `{public_url}/oauth/{platform}/callback`.
    /// Defaults to the address the server listens on.
    pub public_url: Option<String>,
    pub retry: RetryPolicy,
    /// One HTTP request's time limit.
    pub timeout: Duration,
    /// How long a test-mode tool call takes (`SWITCHBOARD_TESTMODE_LATENCY`).
    pub test_latency: Latency,
}

/// The variable that sets how long test-mode calls take.
pub const LATENCY_VAR: &str = "SWITCHBOARD_TESTMODE_LATENCY";

/// `SWITCHBOARD_TESTMODE_LATENCY`: `off`, `realistic` (when unset: a demo's runs take a few
/// seconds and can be watched) or a number of milliseconds; a bad value is an error naming it.
pub fn test_latency_from_env() -> anyhow::Result<Latency> {
    match var(LATENCY_VAR) {
        None => Ok(Latency::Realistic),
        Some(text) => text.parse().map_err(|e| anyhow::anyhow!("{LATENCY_VAR}: {e}")),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn var_or(name: &str, default: &str) -> String {
    var(name).unwrap_or_else(|| default.to_owned())
}

impl ConnectorSettings {
    pub fn from_env() -> Self {
        let google = PlatformSettings {
            client_id: var("SWITCHBOARD_GOOGLE_CLIENT_ID"),
            client_secret: var("SWITCHBOARD_GOOGLE_CLIENT_SECRET"),
            auth_url: var_or(
                "SWITCHBOARD_GOOGLE_AUTH_URL",
                "https://accounts.google.com/o/oauth2/v2/auth",
            ),
            token_url: var_or(
                "SWITCHBOARD_GOOGLE_TOKEN_URL",
                "https://oauth2.googleapis.com/token",
            ),
            scopes: "https://www.googleapis.com/auth/adwords".into(),
            api_base_url: var_or("SWITCHBOARD_GOOGLE_API_URL", "https://googleads.googleapis.com"),
            api_version: var_or("SWITCHBOARD_GOOGLE_API_VERSION", "v22"),
            developer_token: var("SWITCHBOARD_GOOGLE_DEVELOPER_TOKEN"),
        };
        let meta_version = var_or("SWITCHBOARD_META_API_VERSION", "v25.0");
        let meta = PlatformSettings {
            client_id: var("SWITCHBOARD_META_APP_ID"),
            client_secret: var("SWITCHBOARD_META_APP_SECRET"),
            auth_url: var("SWITCHBOARD_META_AUTH_URL")
                .unwrap_or_else(|| format!("https://www.facebook.com/{meta_version}/dialog/oauth")),
            token_url: var("SWITCHBOARD_META_TOKEN_URL")
                .unwrap_or_else(|| format!("https://graph.facebook.com/{meta_version}/oauth/access_token")),
            scopes: "ads_management,ads_read".into(),
            api_base_url: var_or("SWITCHBOARD_META_API_URL", "https://graph.facebook.com"),
            api_version: meta_version,
            developer_token: None,
        };
        let pinterest = PlatformSettings {
            client_id: var("SWITCHBOARD_PINTEREST_APP_ID"),
            client_secret: var("SWITCHBOARD_PINTEREST_APP_SECRET"),
            auth_url: var_or(
                "SWITCHBOARD_PINTEREST_AUTH_URL",
                "https://www.pinterest.com/oauth/",
            ),
            token_url: var_or(
                "SWITCHBOARD_PINTEREST_TOKEN_URL",
                "https://api.pinterest.com/v5/oauth/token",
            ),
            scopes: "ads:read,ads:write,boards:read,boards:write,pins:read,pins:write,user_accounts:read"
                .into(),
            api_base_url: var_or("SWITCHBOARD_PINTEREST_API_URL", "https://api.pinterest.com"),
            api_version: var_or("SWITCHBOARD_PINTEREST_API_VERSION", "v5"),
            developer_token: None,
        };
        ConnectorSettings {
            google,
            meta,
            pinterest,
            public_url: var("SWITCHBOARD_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(60),
            test_latency: test_latency_from_env().unwrap_or(Latency::Realistic),
        }
    }

    pub fn platform(&self, platform: Platform) -> Option<&PlatformSettings> {
        match platform {
            Platform::Google => Some(&self.google),
            Platform::Meta => Some(&self.meta),
            Platform::Pinterest => Some(&self.pinterest),
        }
    }

    pub fn redirect_uri(&self, platform: Platform) -> String {
        format!(
            "{}/oauth/{}/callback",
            self.public_url.as_deref().unwrap_or("http://127.0.0.1:3000"),
            platform.as_str()
        )
    }
}
