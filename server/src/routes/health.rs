use crate::startup::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_core::health::{HealthReport, HealthStatus};

/// `GET /healthz`: 200 with the report when healthy, 503 with the same report when degraded.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<HealthReport>) {
    let database = state.services.health.database().await;
    let report = HealthReport::new(env!("CARGO_PKG_VERSION"), database);
    let status = match report.status {
        HealthStatus::Ok => StatusCode::OK,
        HealthStatus::Degraded => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, Json(report))
}
