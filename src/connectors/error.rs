//! What can go wrong when a tool runs.

use super::schema::SchemaError;
use crate::platform::Platform;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    #[error("{platform} has no tool '{name}'")]
    UnknownTool { platform: Platform, name: String },
    /// A parameter does not match the tool's schema, or names something impossible (an end date
    /// before the start date).
    #[error("{0}")]
    InvalidParams(SchemaError),
    #[error("{what} '{id}' was not found in this account")]
    NotFound { what: &'static str, id: String },
    /// The platform asked us to slow down; retried with backoff before it reaches a caller.
    #[error("the platform is limiting requests; try again later")]
    RateLimited { retry_after: Option<Duration> },
    /// The credentials were refused: the connection needs to be authorized again. Never retried.
    #[error("the platform refused the credentials: {0}")]
    Unauthorized(String),
    /// A failure that may pass (timeouts, 5xx).
    #[error("the platform is unavailable: {0}")]
    Transient(String),
    /// The platform refused the request for a reason a retry will not change.
    #[error("the platform refused the request: {0}")]
    Permanent(String),
}

impl ConnectorError {
    pub fn invalid(path: impl Into<String>, reason: impl Into<String>) -> Self {
        ConnectorError::InvalidParams(SchemaError {
            path: path.into(),
            reason: reason.into(),
        })
    }
}
