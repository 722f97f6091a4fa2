//! The whole installation at a glance: the dashboard's counts and the server's health.

use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::dashboard::DashboardSummary;
use switchboard_core::health::HealthReport;

/// The counts behind the dashboard's tiles.
#[server]
pub async fn get_dashboard_summary() -> Result<DashboardSummary, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.system.dashboard().await?) }.await).await
}

/// The server's version and whether its database answers.
#[server]
pub async fn get_system_health() -> Result<HealthReport, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.system.health().await) }.await).await
}
