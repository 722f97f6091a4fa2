//! The performance sync: its schedule, its runs, and "sync now".

use super::ServiceError;
use crate::sync::{SyncError, SyncOverview};
use async_trait::async_trait;

#[async_trait]
pub trait SyncService: Send + Sync {
    /// The schedule, the latest runs (a running one first) and where each connection stands.
    async fn overview(&self) -> Result<SyncOverview, ServiceError>;
    /// Starts a run of every connection in the background; answers its id (`Conflict` while one
    /// runs).
    async fn sync_now(&self) -> Result<i64, ServiceError>;
    /// Sets the schedule (a cron expression in UTC, or `off`); answers the overview with it.
    async fn set_schedule(&self, schedule: &str) -> Result<SyncOverview, ServiceError>;
}

impl From<SyncError> for ServiceError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::AlreadyRunning(_) => ServiceError::Conflict(e.to_string()),
            SyncError::BadSchedule { .. } => ServiceError::BadRequest(format!("schedule: {e}")),
            SyncError::Repo(r) => r.into(),
        }
    }
}
