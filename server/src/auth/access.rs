//! Who may do what: the owner's login sessions, API keys, and rate limits.

use super::{api_keys, password};
use crate::db::AccessStore;
use axum::http::HeaderMap;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_core::access::RateLimiter;
use switchboard_core::ports::ApiKeyRepo;
use switchboard_core::service::ServiceError;
use switchboard_core::time::Timestamp;

pub const SESSION_COOKIE: &str = "sb_session";

#[derive(Debug, Clone)]
pub struct AccessSettings {
    /// Sets (or resets) the owner's password at start-up (`SWITCHBOARD_OWNER_PASSWORD`).
    pub owner_password: Option<String>,
    /// API requests per minute per key, session or address (`SWITCHBOARD_RATE_LIMIT`), and the burst.
    pub per_minute: u32,
    pub burst: u32,
    /// Login attempts per minute per address (`SWITCHBOARD_LOGIN_RATE_LIMIT`), and the burst.
    pub login_per_minute: u32,
    pub login_burst: u32,
    pub session_days: i64,
    /// `Secure` cookies: on when the public address is https.
    pub secure_cookies: bool,
}

impl Default for AccessSettings {
    fn default() -> Self {
        AccessSettings {
            owner_password: None,
            per_minute: 1200,
            burst: 600,
            login_per_minute: 10,
            login_burst: 5,
            session_days: 14,
            secure_cookies: false,
        }
    }
}

impl AccessSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        let mut s = AccessSettings {
            owner_password: std::env::var("SWITCHBOARD_OWNER_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty()),
            secure_cookies: std::env::var("SWITCHBOARD_PUBLIC_URL").is_ok_and(|u| u.starts_with("https://")),
            ..Default::default()
        };
        if let Ok(v) = std::env::var("SWITCHBOARD_RATE_LIMIT") {
            s.per_minute = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                anyhow::anyhow!("SWITCHBOARD_RATE_LIMIT: a number of requests per minute, above 0")
            })?;
            s.burst = (s.per_minute / 2).max(1);
        }
        if let Ok(v) = std::env::var("SWITCHBOARD_LOGIN_RATE_LIMIT") {
            s.login_per_minute = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                anyhow::anyhow!(
                    "SWITCHBOARD_LOGIN_RATE_LIMIT: a number of login attempts per minute, above 0"
                )
            })?;
            s.login_burst = (s.login_per_minute / 2).max(1);
        }
        Ok(s)
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The owner, logged in (the session token's hash).
    Session(Vec<u8>),
    ApiKey(switchboard_core::ApiKeyId),
}

impl Caller {
    /// Who acted, for the audit trail: `owner` or `api key <id>`.
    pub fn who(&self) -> String {
        match self {
            Caller::Session(_) => "owner".to_owned(),
            Caller::ApiKey(id) => format!("api key {id}"),
        }
    }

    fn bucket(&self) -> String {
        match self {
            Caller::Session(h) => format!(
                "s:{}",
                h.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>()
            ),
            Caller::ApiKey(id) => format!("k:{id}"),
        }
    }
}

pub struct Access {
    store: AccessStore,
    api_keys: Arc<dyn ApiKeyRepo>,
    settings: AccessSettings,
    api: Mutex<RateLimiter<String>>,
    logins: Mutex<RateLimiter<IpAddr>>,
}

fn hash_token(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// The session token in a `Cookie` header.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

fn limited<K: Eq + std::hash::Hash + Clone>(
    limiter: &Mutex<RateLimiter<K>>,
    key: &K,
) -> Result<(), Duration> {
    let mut l = match limiter.lock() {
        Ok(l) => l,
        Err(poisoned) => poisoned.into_inner(),
    };
    let now = Instant::now();
    if l.len() > 10_000 {
        l.prune(now);
    }
    l.check(key, now)
}

impl Access {
    pub fn new(store: AccessStore, api_keys: Arc<dyn ApiKeyRepo>, settings: AccessSettings) -> Self {
        Access {
            api: Mutex::new(RateLimiter::new(settings.burst, settings.per_minute)),
            logins: Mutex::new(RateLimiter::new(settings.login_burst, settings.login_per_minute)),
            store,
            api_keys,
            settings,
        }
    }

    pub fn settings(&self) -> &AccessSettings {
        &self.settings
    }

    /// Applies `SWITCHBOARD_OWNER_PASSWORD` when it is set and differs from the stored one.
    pub async fn apply_owner_password(&self) -> anyhow::Result<()> {
        let Some(pw) = self.settings.owner_password.clone() else {
            return Ok(());
        };
        if let Some(stored) = self.store.owner_hash().await?
            && password::verify(&pw, &stored)
        {
            return Ok(());
        }
        self.set_password(&pw)
            .await
            .map_err(|e| anyhow::anyhow!("SWITCHBOARD_OWNER_PASSWORD: {e}"))?;
        tracing::info!("the owner's password was set from SWITCHBOARD_OWNER_PASSWORD");
        Ok(())
    }

    pub async fn needs_setup(&self) -> Result<bool, ServiceError> {
        Ok(self.store.owner_hash().await?.is_none())
    }

    /// Sets the owner's password (hashing off the async threads); every session ends.
    pub async fn set_password(&self, new: &str) -> Result<(), String> {
        let new = new.to_owned();
        let hashed = tokio::task::spawn_blocking(move || password::hash(&new))
            .await
            .map_err(|e| e.to_string())??;
        self.store
            .set_owner_hash(&hashed)
            .await
            .map_err(|e| e.to_string())
    }

    /// Sets the first owner password; `false` when one exists already (nothing is changed).
    pub async fn set_first_password(&self, new: &str) -> Result<bool, String> {
        let new = new.to_owned();
        let hashed = tokio::task::spawn_blocking(move || password::hash(&new))
            .await
            .map_err(|e| e.to_string())??;
        self.store
            .create_owner_hash(&hashed)
            .await
            .map_err(|e| e.to_string())
    }

    pub async fn check_password(&self, candidate: &str) -> Result<bool, ServiceError> {
        let Some(stored) = self.store.owner_hash().await? else {
            return Ok(false);
        };
        let candidate = candidate.to_owned();
        Ok(
            tokio::task::spawn_blocking(move || password::verify(&candidate, &stored))
                .await
                .unwrap_or(false),
        )
    }

    /// A new session: its token (for the cookie).
    pub async fn open_session(&self, user_agent: Option<&str>) -> Result<String, ServiceError> {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes).map_err(|_| {
            tracing::error!("the system's random source failed");
            ServiceError::Internal
        })?;
        let token = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes);
        let expires =
            Timestamp::from_datetime(chrono::Utc::now() + chrono::Duration::days(self.settings.session_days));
        self.store
            .create_session(&hash_token(&token), expires, user_agent)
            .await?;
        Ok(token)
    }

    pub async fn close_session(&self, token: &str) -> Result<(), ServiceError> {
        Ok(self.store.end_session(&hash_token(token)).await?)
    }

    /// The caller a request authenticates as: an API key (`Authorization: Bearer`) or a session
    /// cookie. A bearer token that is not a live key is no one, even with a cookie.
    pub async fn identify(&self, headers: &HeaderMap) -> Result<Option<Caller>, ServiceError> {
        if let Some(token) = api_keys::bearer(headers) {
            return Ok(api_keys::authenticate(self.api_keys.as_ref(), token)
                .await?
                .map(|k| Caller::ApiKey(k.id)));
        }
        if let Some(token) = session_token(headers) {
            let hash = hash_token(token);
            if self.store.session_live(&hash).await? {
                return Ok(Some(Caller::Session(hash)));
            }
        }
        Ok(None)
    }

    /// Takes one request from the caller's budget (or the address's, for anonymous calls).
    pub fn limit(&self, caller: Option<&Caller>, ip: Option<IpAddr>) -> Result<(), Duration> {
        let key = match (caller, ip) {
            (Some(c), _) => c.bucket(),
            (None, Some(ip)) => format!("ip:{}", switchboard_core::net::client_network(ip)),
            (None, None) => "ip:unknown".to_owned(),
        };
        limited(&self.api, &key)
    }

    pub fn limit_login(&self, ip: Option<IpAddr>) -> Result<(), Duration> {
        let ip = ip.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        limited(&self.logins, &switchboard_core::net::client_network(ip))
    }

    /// The `Set-Cookie` value for a session, or for ending one (`token` empty).
    pub fn cookie(&self, token: &str) -> String {
        let secure = if self.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        if token.is_empty() {
            format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
        } else {
            format!(
                "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                self.settings.session_days * 86_400
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        assert_eq!(session_token(&h), None);
        h.insert(
            "cookie",
            "theme=dark; sb_session=abc123; other=1".parse().expect("header"),
        );
        assert_eq!(session_token(&h), Some("abc123"));
        h.insert("cookie", "sb_session_x=1; sb_session=".parse().expect("header"));
        assert_eq!(session_token(&h), None);
    }
}
