//! The API's error type, mapped to HTTP statuses in one place. Internal causes are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
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
    /// Any other refusal with its own status and code (tool runs: 422, 429, 502, …).
    Status(StatusCode, &'static str, String),
    Internal,
}

/// Every error answer of the API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ErrorDetail {
    /// A stable, machine-readable code: `bad_request`, `validation_failed`, `not_found`,
    /// `conflict`, `unauthorized`, `rate_limited`, `internal`, …
    #[schema(example = "not_found")]
    code: &'static str,
    /// What went wrong, for people.
    message: String,
    /// With `validation_failed`: each field's problem, so all can be fixed at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<FieldErrors>,
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
            ApiError::Status(status, code, m) => (*status, code, m.clone()),
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
        let fields = match self {
            ApiError::Validation(f) => Some(f),
            _ => None,
        };
        (
            status,
            Json(ErrorEnvelope {
                error: ErrorDetail {
                    code,
                    message,
                    fields,
                },
            }),
        )
            .into_response()
    }
}

/// The services' error as the API answers it: the one place the REST API maps it.
impl From<switchboard_core::service::ServiceError> for ApiError {
    fn from(e: switchboard_core::service::ServiceError) -> Self {
        use switchboard_core::service::ServiceError as S;
        match e {
            S::Invalid(fields) => ApiError::Validation(fields),
            S::BadRequest(m) => ApiError::BadRequest(m),
            S::NotFound(m) => ApiError::NotFound(m),
            S::Conflict(m) => ApiError::Conflict(m),
            S::Refused {
                status,
                code,
                message,
                ..
            } => ApiError::Status(
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
                code,
                message,
            ),
            S::Internal => ApiError::Internal,
        }
    }
}

impl From<switchboard_core::ParseError> for ApiError {
    fn from(e: switchboard_core::ParseError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}
