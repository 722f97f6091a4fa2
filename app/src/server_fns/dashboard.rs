use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::dashboard::DashboardSummary;

/// The counts behind the dashboard's tiles.
#[server]
pub async fn get_dashboard_summary() -> Result<DashboardSummary, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.system.dashboard().await?) }.await).await
}
