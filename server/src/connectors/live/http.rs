//! Sending one platform request: retried with backoff and jitter while the platform limits us or
//! fails in a way that may pass; refused credentials and bad requests come back at once.

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;
use std::time::Duration;
use switchboard_core::connectors::{ConnectorError, Retry, RetryPolicy};

/// Reads a platform's error answer.
pub type Classify = fn(StatusCode, &HeaderMap, &Value) -> ConnectorError;

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    retry: RetryPolicy,
}

impl Http {
    pub fn new(retry: RetryPolicy, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            // Tokens go in headers; never follow a redirect that could carry them elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Http { client, retry })
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends the request `build` makes (again for every attempt) and returns the JSON answer.
    pub async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
        classify: Classify,
    ) -> Result<Value, ConnectorError> {
        let mut attempt = 1;
        loop {
            let error = match build(&self.client).send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = response.bytes().await.map_err(|e| transport(&e));
                    match body {
                        Ok(body) => {
                            let value = serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
                            if status.is_success() {
                                if value.is_null() && !body.is_empty() {
                                    return Err(ConnectorError::Transient(
                                        "the platform answered with something that is not JSON".into(),
                                    ));
                                }
                                return Ok(value);
                            }
                            classify(status, &headers, &value)
                        }
                        Err(e) => e,
                    }
                }
                Err(e) => transport(&e),
            };
            let retry_after = match &error {
                ConnectorError::RateLimited { retry_after } => *retry_after,
                ConnectorError::Transient(_) => None,
                _ => return Err(error),
            };
            match self.retry.after_failure(attempt, retry_after, fastrand::f64()) {
                Retry::After(wait) => {
                    tracing::info!(attempt, ?wait, error = %error, "platform call failed; retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Retry::GiveUp => {
                    tracing::warn!(attempt, error = %error, "platform call failed; giving up");
                    return Err(error);
                }
            }
        }
    }
}

fn transport(e: &reqwest::Error) -> ConnectorError {
    // The URL is left out: a query may carry an appsecret proof.
    let what = if e.is_timeout() {
        "the request timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    ConnectorError::Transient(what.into())
}

/// `Retry-After` in seconds (the HTTP-date form is rare from these APIs and is ignored).
pub fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
