//! The error type of the UI layer: what a server function can answer besides success. It crosses the
//! wire as JSON; `Internal` never carries the cause (that stays in the server's log).

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};
use switchboard_core::validation::FieldErrors;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Validation(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("please sign in")]
    Unauthorized,
    /// An ad platform refused or failed a call (rate limit, refused credentials, its own error).
    #[error("{0}")]
    Platform(String),
    #[error("something went wrong on the server; the details are in its log")]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The message for one form field, when this is a validation error about it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(name).map(str::to_owned),
            _ => None,
        }
    }

    /// The first message for a field or anything under it (`stages[1].params` also finds
    /// `stages[1].params.lookback_days`), naming the sub-field.
    pub fn validation_under(&self, prefix: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.iter().find(|e| e.field.starts_with(prefix)).map(|e| {
                let rest = e.field[prefix.len()..].trim_start_matches('.');
                if rest.is_empty() {
                    e.message.clone()
                } else {
                    format!("{rest}: {}", e.message)
                }
            }),
            _ => None,
        }
    }

    /// The HTTP status a page showing this error should carry.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::Unauthorized => 401,
            AppError::Platform(_) => 502,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                let mut errors = FieldErrors::new();
                errors.add("request", msg);
                AppError::Validation(errors)
            }
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Transport(msg)
            }
            other => {
                tracing::error!(error = %other, "server function failed");
                AppError::Internal
            }
        }
    }
}

/// The services' error as the pages see it: the one place the UI maps it.
#[cfg(feature = "ssr")]
impl From<switchboard_core::service::ServiceError> for AppError {
    fn from(error: switchboard_core::service::ServiceError) -> Self {
        use switchboard_core::service::ServiceError as S;
        match error {
            S::Invalid(fields)
            | S::Refused {
                fields: Some(fields), ..
            } => AppError::Validation(fields),
            S::BadRequest(message) => {
                let mut errors = FieldErrors::new();
                errors.add("request", message);
                AppError::Validation(errors)
            }
            S::NotFound(message) => AppError::NotFound(message),
            S::Conflict(message) => AppError::Conflict(message),
            S::Refused {
                status: 404, message, ..
            } => AppError::NotFound(message),
            S::Refused { message, .. } => AppError::Platform(message),
            S::Internal => AppError::Internal,
        }
    }
}
