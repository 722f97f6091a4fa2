//! The API's error type, mapped to HTTP statuses in one place. Internal causes are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use switchboard_core::RepoError;
use switchboard_core::validation::FieldErrors;

#[derive(Debug)]
pub enum ApiError {
    /// The request is malformed: bad JSON, a bad query parameter, a bad id.
    BadRequest(String),
    /// Well-formed, but some fields are not valid.
    Validation(FieldErrors),
    NotFound(String),
    MethodNotAllowed,
    Conflict(String),
    Internal,
}

#[derive(Serialize)]
struct Body<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a FieldErrors>,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            ApiError::Validation(f) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                f.to_string(),
            ),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m.clone()),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method".to_owned(),
            ),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on the server; the details are in its log".to_owned(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        let fields = match &self {
            ApiError::Validation(f) => Some(f),
            _ => None,
        };
        (
            status,
            Json(Body {
                error: ErrorBody {
                    code,
                    message,
                    fields,
                },
            }),
        )
            .into_response()
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::NotFound { entity, id } => {
                ApiError::NotFound(format!("{entity} '{id}' was not found"))
            }
            RepoError::Conflict(m) => ApiError::Conflict(m),
            RepoError::Invalid(p) => {
                tracing::error!(error = %p, "stored data failed to parse");
                ApiError::Internal
            }
            RepoError::Storage(source) => {
                tracing::error!(error = %source, "storage error");
                ApiError::Internal
            }
        }
    }
}

impl From<switchboard_core::ParseError> for ApiError {
    fn from(e: switchboard_core::ParseError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}
