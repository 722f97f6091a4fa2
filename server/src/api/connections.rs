//! `/api/v1/connections`: ad account connections (never their tokens).

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_core::connection::{Authorize, AuthorizeInput, Connection, ConnectionInput};
use switchboard_core::{ConnectionId, ProjectId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const ACTOR: &str = "user";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(authorize))
        .routes(routes!(show, remove))
        .routes(routes!(test_report))
}

pub(super) fn connection_id(text: &str) -> Result<ConnectionId, ApiError> {
    ConnectionId::parse(text).map_err(|e| ApiError::NotFound(format!("no connection '{text}' ({e})")))
}

/// The connections, optionally of one project. Tokens are never part of the answer.
#[utoipa::path(get, path = "/connections", tag = "connections",
    params(("project_id" = Option<ProjectId>, Query, description = "Only this project's connections.")),
    responses((status = 200, body = Vec<Connection>)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Connection>>, ApiError> {
    let project = params.get("project_id", ProjectId::parse)?;
    Ok(Json(state.services.connections.list(project.as_ref()).await?))
}

/// One connection.
#[utoipa::path(get, path = "/connections/{id}", tag = "connections",
    params(("id" = ConnectionId, Path)),
    responses((status = 200, body = Connection), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Connection>, ApiError> {
    Ok(Json(state.services.connections.get(&connection_id(&id)?).await?))
}

/// Connects a test-mode account: a seeded, realistic account in the platform's own shapes.
#[utoipa::path(post, path = "/connections", tag = "connections",
    request_body = ConnectionInput,
    responses(
        (status = 201, body = Connection),
        (status = 422, description = "Some fields are not valid; each is named.", body = super::ErrorEnvelope),
    ),
)]
async fn create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ConnectionInput>,
) -> Result<(StatusCode, Json<Connection>), ApiError> {
    let connection = state.services.connections.create_test(input, ACTOR).await?;
    Ok((StatusCode::CREATED, Json(connection)))
}

/// Removes a connection and its stored tokens.
#[utoipa::path(delete, path = "/connections/{id}", tag = "connections",
    params(("id" = ConnectionId, Path)),
    responses((status = 204, description = "Removed."), (status = 404, body = super::ErrorEnvelope)),
)]
async fn remove(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    state
        .services
        .connections
        .delete(&connection_id(&id)?, ACTOR)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts connecting a live account: answers with the platform's authorization address. The
/// connection exists once the user has authorized and the platform has called back.
#[utoipa::path(post, path = "/connections/authorize", tag = "connections",
    request_body = AuthorizeInput,
    responses(
        (status = 200, body = Authorize),
        (status = 422, description = "Some fields are not valid, or the platform's OAuth app is not configured.", body = super::ErrorEnvelope),
    ),
)]
async fn authorize(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<AuthorizeInput>,
) -> Result<Json<Authorize>, ApiError> {
    Ok(Json(state.services.connections.authorize(input).await?))
}

/// A finished test-mode Pinterest report, where `get_async_report` said it would be.
#[utoipa::path(get, path = "/connections/{id}/test-reports/{token}", tag = "connections",
    params(("id" = ConnectionId, Path), ("token" = String, Path, description = "The report's token.")),
    responses(
        (status = 200, description = "The report file.", content((String = "text/csv"), (Object = "application/json"))),
        (status = 404, body = super::ErrorEnvelope),
    ),
)]
async fn test_report(
    State(state): State<AppState>,
    path: Result<axum::extract::Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let axum::extract::Path((id, token)) = path.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let id = connection_id(&id)?;
    let (content_type, body) = state.services.connections.test_report(&id, &token).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response())
}
