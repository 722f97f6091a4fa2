//! The performance sync as the Analytics page's sync panel shows it.

use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::sync::SyncOverview;

/// The sync's schedule, latest runs and connections.
#[server]
pub async fn get_sync_overview() -> Result<SyncOverview, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.sync.overview().await?) }.await).await
}

/// Starts a sync of every connection now; answers the run's id.
#[server]
pub async fn sync_now() -> Result<i64, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.sync.sync_now().await?) }.await).await
}
