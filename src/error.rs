//! Errors of the domain layer: one for values that fail to parse, one for the repository ports.

use thiserror::Error;

/// A value from outside (a form, a file, an API call) that does not hold what its type promises.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} '{value}' is not valid: {reason}")]
    Invalid {
        what: &'static str,
        value: String,
        reason: &'static str,
    },
}

impl ParseError {
    pub fn invalid(what: &'static str, value: &str, reason: &'static str) -> Self {
        // Keep error messages short even when the input is huge.
        const MAX_CHARS: usize = 64;
        let mut shown: String = value.chars().take(MAX_CHARS).collect();
        if value.chars().nth(MAX_CHARS).is_some() {
            shown.push('…');
        }
        ParseError::Invalid {
            what,
            value: shown,
            reason,
        }
    }
}

/// What a repository can answer besides success. The storage error's details stay in the server's
/// logs; callers see only its kind.
#[derive(Debug, Error)]
pub enum RepoError {
    #[error("{entity} '{id}' was not found")]
    NotFound { entity: &'static str, id: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid data: {0}")]
    Invalid(#[from] ParseError),
    #[error("storage error")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
}
