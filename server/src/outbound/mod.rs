//! The one HTTP client for user-supplied URLs (notification channels, and anything else a user
//! types an address into). It refuses non-public targets after DNS resolution and connects to the
//! very addresses it checked (no second lookup to rebind), checks every redirect the same way, and
//! bounds every request in time. `SWITCHBOARD_OUTBOUND_ALLOW` (comma-separated `host:port`) lets
//! named local receivers through.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{StatusCode, Url};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::net::{AllowList, forbidden_reason};

pub const ALLOW_ENV: &str = "SWITCHBOARD_OUTBOUND_ALLOW";
const MAX_REDIRECTS: usize = 5;
/// How much of an answer's body is kept (for error messages and delivery logs).
const MAX_BODY: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct OutboundSettings {
    pub allow: AllowList,
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

impl Default for OutboundSettings {
    fn default() -> Self {
        OutboundSettings {
            allow: AllowList::default(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
        }
    }
}

impl OutboundSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        let allow = match std::env::var(ALLOW_ENV) {
            Ok(text) => AllowList::parse(&text).map_err(|e| anyhow::anyhow!("{ALLOW_ENV}: {e}"))?,
            Err(_) => AllowList::default(),
        };
        Ok(OutboundSettings {
            allow,
            ..Default::default()
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("not a usable URL: {0}")]
    InvalidUrl(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("no answer within {0} s")]
    Timeout(u64),
    #[error("could not connect: {0}")]
    Connect(String),
}

/// An answer: its status, `Retry-After` (seconds or an HTTP date, as a duration), and the start of
/// its body.
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    pub status: StatusCode,
    pub retry_after: Option<Duration>,
    pub body: String,
}

/// Why a target was refused, carried through reqwest's error chain from the resolver.
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// Resolves names and keeps the answer only when every address is public, or the name is on the
/// allow list (its port is checked before the request and on every redirect).
struct GuardedResolver {
    allow: Arc<AllowList>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if addrs.is_empty() {
                return Err(Box::new(Refusal(format!("{host} has no address"))) as Box<_>);
            }
            if !allow.names_host(&host) {
                // One non-public address is enough to refuse: a name that resolves both ways is
                // how rebinding attacks pick their moment.
                if let Some((ip, why)) = addrs
                    .iter()
                    .find_map(|a| forbidden_reason(a.ip()).map(|why| (a.ip(), why)))
                {
                    return Err(Box::new(Refusal(format!("{host} resolves to {ip}, {why}"))) as Box<_>);
                }
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The checks that need no lookup: scheme, credentials, literal addresses, allowed ports.
fn check_target(url: &Url, allow: &AllowList) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("the scheme '{}' is not http or https", url.scheme()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("user names and passwords in URLs are not sent".to_owned());
    }
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    if allow.allows(host, port) {
        return Ok(());
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        if let Some(why) = forbidden_reason(ip) {
            return Err(format!("{ip} is {why}"));
        }
    } else if allow.names_host(host) {
        // The name may resolve to a local address; only its listed ports are let through.
        return Err(format!("{host}:{port} is not in {ALLOW_ENV}"));
    }
    Ok(())
}

#[derive(Clone)]
pub struct OutboundClient {
    client: reqwest::Client,
    allow: Arc<AllowList>,
    timeout: Duration,
}

impl OutboundClient {
    pub fn new(settings: OutboundSettings) -> anyhow::Result<Self> {
        let allow = Arc::new(settings.allow);
        let redirect_allow = allow.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(Refusal(format!("more than {MAX_REDIRECTS} redirects")));
            }
            match check_target(attempt.url(), &redirect_allow) {
                Ok(()) => attempt.follow(),
                Err(why) => {
                    let to = attempt.url().to_string();
                    attempt.error(Refusal(format!("a redirect to {to}: {why}")))
                }
            }
        });
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { allow: allow.clone() }))
            // A proxy would resolve names itself, past the guard.
            .no_proxy()
            .redirect(policy)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(OutboundClient {
            client,
            allow,
            timeout: settings.timeout,
        })
    }

    /// Checks a URL as far as possible without a lookup (for saving a channel): a clear error for
    /// a literal private address or a non-HTTP scheme.
    pub fn check_url(&self, url: &str) -> Result<Url, OutboundError> {
        let parsed = Url::parse(url).map_err(|e| OutboundError::InvalidUrl(e.to_string()))?;
        check_target(&parsed, &self.allow).map_err(OutboundError::Refused)?;
        Ok(parsed)
    }

    /// POSTs a JSON body; any answer (2xx or not) is a response, failures to get one are errors.
    pub async fn post_json(
        &self,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<OutboundResponse, OutboundError> {
        let url = self.check_url(url)?;
        let sent = self.client.post(url).json(body).send().await;
        self.answer(sent).await
    }

    async fn answer(
        &self,
        sent: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<OutboundResponse, OutboundError> {
        let mut response = sent.map_err(|e| self.classify(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        // Only the start of the body is kept, and only that much is read.
        let mut kept: Vec<u8> = Vec::new();
        while kept.len() < MAX_BODY {
            match response.chunk().await.map_err(|e| self.classify(&e))? {
                Some(chunk) => kept.extend_from_slice(&chunk[..chunk.len().min(MAX_BODY - kept.len())]),
                None => break,
            }
        }
        Ok(OutboundResponse {
            status,
            retry_after,
            body: String::from_utf8_lossy(&kept).into_owned(),
        })
    }

    fn classify(&self, e: &reqwest::Error) -> OutboundError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(r) = s.downcast_ref::<Refusal>() {
                return if r.0.starts_with("more than") {
                    OutboundError::TooManyRedirects
                } else {
                    OutboundError::Refused(r.0.clone())
                };
            }
            source = s.source();
        }
        if e.is_timeout() {
            OutboundError::Timeout(self.timeout.as_secs())
        } else {
            // The innermost cause reads best ("Connection refused (os error 111)").
            let mut inner: &dyn std::error::Error = e;
            while let Some(s) = inner.source() {
                inner = s;
            }
            OutboundError::Connect(inner.to_string())
        }
    }
}

/// `Retry-After` as seconds (`120`, or Discord's fractional `1.5`) or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_fractions_and_dates() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("0.25"), Some(Duration::from_millis(250)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn literal_targets_are_checked_without_a_lookup() {
        let allow = AllowList::parse("127.0.0.1:9000,localhost:9100").expect("valid");
        let check = |u: &str| check_target(&Url::parse(u).expect("url"), &allow);
        assert!(check("https://discord.com/api/webhooks/1/x").is_ok());
        assert!(check("http://127.0.0.1:9000/hook").is_ok());
        assert!(check("http://127.0.0.1:9001/hook").is_err());
        assert!(check("http://10.0.0.1/").is_err());
        assert!(check("http://169.254.169.254/latest/meta-data").is_err());
        assert!(check("http://[::1]:9000/").is_err());
        assert!(check("http://[::ffff:127.0.0.1]:9000/").is_err());
        assert!(check("http://localhost:9100/").is_ok());
        assert!(check("http://localhost:22/").is_err());
        assert!(check("ftp://example.com/").is_err());
        assert!(check("http://user:pw@example.com/").is_err());
    }
}
