use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::analytics::overview::AnalyticsOverview;
use switchboard_core::sync::SyncOverview;

/// The Analytics page (and the dashboard's charts): summary, trend, pacing and benchmarks for a
/// window (the last 30 days by default) over one project or all.
#[server]
pub async fn get_analytics(
    from: Option<String>,
    to: Option<String>,
    project_id: Option<String>,
) -> Result<AnalyticsOverview, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::analytics::DateRange;
            use switchboard_core::analytics::overview::overview;
            let today = chrono::Utc::now().date_naive();
            let range = DateRange::parse(from.as_deref(), to.as_deref(), today)
                .map_err(|e| super::ssr::invalid("range", e.to_string()))?;
            let project_id = match project_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(text) => Some(
                    switchboard_core::ProjectId::parse(text)
                        .map_err(|_| AppError::NotFound(format!("project '{text}' was not found")))?,
                ),
            };
            let snapshot = super::ssr::services()?.analytics.snapshot().await?;
            if let Some(id) = &project_id
                && snapshot.project(id).is_none()
            {
                return Err(AppError::NotFound(format!("project '{id}' was not found")));
            }
            tokio::task::spawn_blocking(move || overview(&snapshot, range, project_id, today))
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "the analytics overview failed");
                    AppError::Internal
                })
        }
        .await,
    )
    .await
}

/// The sync's schedule, latest runs and connections.
#[server]
pub async fn get_sync_overview() -> Result<SyncOverview, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.sync.overview().await?) }.await).await
}

/// Starts a sync of every connection now; answers the run's id.
#[server]
pub async fn sync_now() -> Result<i64, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::sync::SyncError;
            super::ssr::services()?
                .sync
                .sync_now()
                .await
                .map_err(|e| match e {
                    SyncError::AlreadyRunning(_) => AppError::Conflict(e.to_string()),
                    SyncError::BadSchedule { .. } => super::ssr::invalid("schedule", e.to_string()),
                    SyncError::Repo(r) => AppError::from(r),
                })
        }
        .await,
    )
    .await
}
