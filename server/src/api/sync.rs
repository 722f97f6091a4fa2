//! `/api/v1/analytics/sync`: the performance sync's schedule, runs and connections (GET), "sync
//! now" (POST, 202 with the run's id; 409 while one runs), and its schedule (PUT `{schedule}`: a
//! cron expression in UTC, or `off`).

use super::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_core::sync::SyncOverview;

/// The sync's schedule, its last runs and each connection's state.
#[utoipa::path(get, path = "/analytics/sync", tag = "analytics",
    responses((status = 200, body = SyncOverview)),
)]
pub(super) async fn overview(State(state): State<AppState>) -> Result<Json<SyncOverview>, ApiError> {
    Ok(Json(state.services.sync.overview().await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct SyncStarted {
    run_id: i64,
}

/// Starts a sync of every connection now; answers with the run's id at once.
#[utoipa::path(post, path = "/analytics/sync", tag = "analytics",
    responses(
        (status = 202, body = SyncStarted),
        (status = 409, description = "A sync is already running.", body = super::ErrorEnvelope),
    ),
)]
pub(super) async fn sync_now(
    State(state): State<AppState>,
) -> Result<(StatusCode, Json<SyncStarted>), ApiError> {
    let run_id = state.services.sync.sync_now().await?;
    Ok((StatusCode::ACCEPTED, Json(SyncStarted { run_id })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ScheduleBody {
    /// `off`, or a five-field cron expression in UTC, such as `0 */6 * * *`.
    #[schema(example = "0 */6 * * *")]
    schedule: String,
}

/// Sets how often the sync runs.
#[utoipa::path(put, path = "/analytics/sync/schedule", tag = "analytics",
    request_body = ScheduleBody,
    responses((status = 200, body = SyncOverview)),
)]
pub(super) async fn set_schedule(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ScheduleBody>,
) -> Result<Json<SyncOverview>, ApiError> {
    Ok(Json(state.services.sync.set_schedule(&body.schedule).await?))
}
