//! The one error type of the application services. Each edge (the REST API, the server functions)
//! maps it to its own answer in one place; causes that users cannot act on are logged where they
//! happen and never carried out.

use crate::connectors::ConnectorError;
use crate::error::{ParseError, RepoError};
use crate::ports::ToolRunError;
use crate::validation::FieldErrors;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// Some fields of the request are not valid; each is named.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// A request that cannot be understood (a bad query value, an end date before the start).
    #[error("{0}")]
    BadRequest(String),
    /// What the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with the current state (a sync already running, a name taken).
    #[error("{0}")]
    Conflict(String),
    /// A refusal with its own HTTP status and stable code, mostly an ad platform's answer passed on
    /// (`rate_limited` 429, `needs_reauth` 409, `platform_refused` 502, `invalid_params` 422, ...).
    /// `fields` names the request's fields at fault where that is known.
    #[error("{message}")]
    Refused {
        status: u16,
        code: &'static str,
        message: String,
        fields: Option<FieldErrors>,
    },
    /// Something failed on the server; the cause is in its log.
    #[error("something went wrong on the server; the details are in its log")]
    Internal,
}

impl ServiceError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(FieldErrors::single(field, message.into()))
    }

    /// A refusal with its status and code.
    pub fn refused(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Refused {
            status,
            code,
            message: message.into(),
            fields: None,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            ServiceError::Invalid(_) => 422,
            ServiceError::BadRequest(_) => 400,
            ServiceError::NotFound(_) => 404,
            ServiceError::Conflict(_) => 409,
            ServiceError::Refused { status, .. } => *status,
            ServiceError::Internal => 500,
        }
    }

    /// Logs an internal failure with what was being done, and answers `Internal`.
    pub fn internal(doing: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{doing}");
        ServiceError::Internal
    }

    /// A record the request refers to that does not exist becomes an error about the field that
    /// named it; other errors stay what they are.
    pub fn missing_as_field(self, field: &str, message: impl Into<String>) -> Self {
        match self {
            ServiceError::NotFound(_) => ServiceError::field(field, message),
            other => other,
        }
    }
}

impl From<RepoError> for ServiceError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::NotFound { entity, id } => {
                ServiceError::NotFound(format!("{entity} '{id}' was not found"))
            }
            RepoError::Conflict(m) => ServiceError::Conflict(m),
            RepoError::Invalid(p) => ServiceError::internal("stored data failed to parse", &p),
            RepoError::Storage(source) => ServiceError::internal("storage error", &source),
        }
    }
}

impl From<ParseError> for ServiceError {
    fn from(e: ParseError) -> Self {
        ServiceError::BadRequest(e.to_string())
    }
}

impl From<ToolRunError> for ServiceError {
    fn from(e: ToolRunError) -> Self {
        use ConnectorError as C;
        let message = e.to_string();
        match e {
            ToolRunError::Repo(r) => r.into(),
            ToolRunError::WrongPlatform { .. } => ServiceError::refused(422, "wrong_platform", message),
            ToolRunError::Connector(c) => match c {
                C::UnknownTool { .. } | C::NotFound { .. } => ServiceError::NotFound(message),
                C::InvalidParams(p) => ServiceError::Refused {
                    status: 422,
                    code: "invalid_params",
                    message,
                    fields: Some(FieldErrors::single(
                        p.path.strip_prefix("params.").unwrap_or(&p.path),
                        p.reason,
                    )),
                },
                C::RateLimited { .. } => ServiceError::refused(429, "rate_limited", message),
                C::Unauthorized(_) => ServiceError::refused(409, "needs_reauth", message),
                C::Transient(_) => ServiceError::refused(502, "platform_unavailable", message),
                C::Permanent(_) => ServiceError::refused(502, "platform_refused", message),
            },
        }
    }
}
