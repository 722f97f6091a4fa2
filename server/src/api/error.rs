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

/// A record a request refers to that does not exist is a field error; anything else is what it is.
pub(crate) fn missing_as_field(field: &str, message: String) -> impl FnOnce(RepoError) -> ApiError {
    let field = field.to_owned();
    move |e| match e {
        RepoError::NotFound { .. } => {
            ApiError::Validation(switchboard_core::validation::FieldErrors::single(&field, message))
        }
        other => other.into(),
    }
}

/// Checks that an optional project a request names exists.
pub(crate) async fn check_project(
    services: &switchboard_core::ports::Services,
    project: Option<&switchboard_core::ProjectId>,
) -> Result<(), ApiError> {
    if let Some(p) = project {
        services.projects.get(p).await.map_err(missing_as_field(
            "project_id",
            format!("there is no project '{p}'"),
        ))?;
    }
    Ok(())
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

impl From<switchboard_core::ports::ToolRunError> for ApiError {
    fn from(e: switchboard_core::ports::ToolRunError) -> Self {
        use switchboard_core::connectors::ConnectorError as C;
        use switchboard_core::ports::ToolRunError as T;
        let message = e.to_string();
        match e {
            T::Repo(r) => ApiError::from(r),
            T::WrongPlatform { .. } => {
                ApiError::Status(StatusCode::UNPROCESSABLE_ENTITY, "wrong_platform", message)
            }
            T::Connector(c) => match c {
                C::UnknownTool { .. } => ApiError::NotFound(message),
                C::InvalidParams(_) => {
                    ApiError::Status(StatusCode::UNPROCESSABLE_ENTITY, "invalid_params", message)
                }
                C::NotFound { .. } => ApiError::NotFound(message),
                C::RateLimited { .. } => {
                    ApiError::Status(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
                }
                C::Unauthorized(_) => ApiError::Status(StatusCode::CONFLICT, "needs_reauth", message),
                C::Transient(_) => ApiError::Status(StatusCode::BAD_GATEWAY, "platform_unavailable", message),
                C::Permanent(_) => ApiError::Status(StatusCode::BAD_GATEWAY, "platform_refused", message),
            },
        }
    }
}

impl From<crate::connectors::live::AuthorizationError> for ApiError {
    fn from(e: crate::connectors::live::AuthorizationError) -> Self {
        use crate::connectors::live::AuthorizationError as A;
        let message = e.to_string();
        match e {
            A::NotConfigured(_) => {
                ApiError::Status(StatusCode::SERVICE_UNAVAILABLE, "oauth_not_configured", message)
            }
            A::UnknownState => ApiError::Status(StatusCode::BAD_REQUEST, "invalid_state", message),
            A::Denied(_) => ApiError::Status(StatusCode::BAD_REQUEST, "authorization_denied", message),
            A::Connector(c) => ApiError::from(switchboard_core::ports::ToolRunError::Connector(c)),
            A::Repo(r) => ApiError::from(r),
            A::Secret(s) => {
                tracing::error!(error = %s, "cannot seal tokens");
                ApiError::Internal
            }
        }
    }
}
