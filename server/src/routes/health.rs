use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_core::health::{HealthReport, HealthStatus};

/// `GET /healthz`: 200 with the report when healthy, 503 with the same report when degraded.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<HealthReport>) {
    let report = state.services.system.health().await;
    let status = match report.status {
        HealthStatus::Ok => StatusCode::OK,
        HealthStatus::Degraded => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, Json(report))
}
