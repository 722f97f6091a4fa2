//! `/api/v1/connections`: ad account connections (never their tokens).

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::connectors::live::Authorize;
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use switchboard_core::connection::{AuthorizeInput, Connection, ConnectionInput};
use switchboard_core::connectors::testmode::TestAccount;
use switchboard_core::{ConnectionId, ProjectId};

const ACTOR: &str = "user";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connections", get(list).post(create))
        .route("/connections/authorize", post(authorize))
        .route("/connections/{id}", get(show).delete(remove))
        .route("/connections/{id}/test-reports/{token}", get(test_report))
}

pub(super) fn connection_id(text: &str) -> Result<ConnectionId, ApiError> {
    ConnectionId::parse(text).map_err(|e| ApiError::NotFound(format!("no connection '{text}' ({e})")))
}

async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Connection>>, ApiError> {
    let project = params.get("project_id", ProjectId::parse)?;
    Ok(Json(state.services.connections.list(project.as_ref()).await?))
}

async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Connection>, ApiError> {
    Ok(Json(state.services.connections.get(&connection_id(&id)?).await?))
}

async fn create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ConnectionInput>,
) -> Result<(StatusCode, Json<Connection>), ApiError> {
    let draft = input.validate().map_err(ApiError::Validation)?;
    let seed = draft.seed.unwrap_or_else(|| fastrand::u64(..));
    let today = chrono::Utc::now().date_naive();
    let account = TestAccount::generate(draft.platform, seed, draft.currency, today);
    let connection = state
        .services
        .connections
        .create_test(draft, &account, ACTOR)
        .await?;
    Ok((StatusCode::CREATED, Json(connection)))
}

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
async fn authorize(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<AuthorizeInput>,
) -> Result<Json<Authorize>, ApiError> {
    let draft = input.validate().map_err(ApiError::Validation)?;
    Ok(Json(state.live.authorize(draft).await?))
}

/// A finished test-mode Pinterest report, where `get_async_report` said it would be.
async fn test_report(
    State(state): State<AppState>,
    path: Result<axum::extract::Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let axum::extract::Path((id, token)) = path.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let id = connection_id(&id)?;
    let account = state.services.connections.test_account(&id).await?;
    let missing = || ApiError::NotFound(format!("no finished report '{token}' on this connection"));
    let report = account
        .reports
        .iter()
        .find(|r| r.token == token)
        .ok_or_else(missing)?;
    let age = chrono::Utc::now().timestamp() - report.requested_at;
    if !(2..=3_600).contains(&age) {
        return Err(missing());
    }
    let (content_type, body) = account
        .report_file(&token, chrono::Utc::now().date_naive())
        .ok_or_else(missing)?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response())
}
