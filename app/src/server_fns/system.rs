use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::health::HealthReport;

/// The server's version and whether its database answers.
#[server]
pub async fn get_system_health() -> Result<HealthReport, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.system.health().await) }.await).await
}
