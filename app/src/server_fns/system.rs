use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::health::HealthReport;

/// The server's version and whether its database answers.
#[server]
pub async fn get_system_health() -> Result<HealthReport, AppError> {
    super::ssr::respond(
        async move {
            let services = super::ssr::services()?;
            let database = services.health.database().await;
            Ok(HealthReport::new(env!("CARGO_PKG_VERSION"), database))
        }
        .await,
    )
    .await
}
