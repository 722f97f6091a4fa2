//! The performance sync's use cases over the syncer.

use crate::sync::Syncer;
use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::service::{ServiceError, SyncService};
use switchboard_core::sync::{SyncOverview, SyncTrigger};

pub struct PerformanceSync {
    pub syncer: Arc<Syncer>,
}

#[async_trait]
impl SyncService for PerformanceSync {
    async fn overview(&self) -> Result<SyncOverview, ServiceError> {
        Ok(self.syncer.overview().await?)
    }

    async fn sync_now(&self) -> Result<i64, ServiceError> {
        Ok(self.syncer.start(SyncTrigger::Manual).await?)
    }

    async fn set_schedule(&self, schedule: &str) -> Result<SyncOverview, ServiceError> {
        self.syncer.set_schedule(schedule).await?;
        self.overview().await
    }
}
