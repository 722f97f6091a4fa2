//! The installation's health and the dashboard's counts.

use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::dashboard::DashboardSummary;
use switchboard_core::health::HealthReport;
use switchboard_core::ports::{DashboardRepo, HealthProbe};
use switchboard_core::service::{ServiceError, SystemService};

pub struct System {
    pub health: Arc<dyn HealthProbe>,
    pub dashboard: Arc<dyn DashboardRepo>,
}

#[async_trait]
impl SystemService for System {
    async fn health(&self) -> HealthReport {
        // The server's own version, whoever asks.
        HealthReport::new(env!("CARGO_PKG_VERSION"), self.health.database().await)
    }

    async fn dashboard(&self) -> Result<DashboardSummary, ServiceError> {
        Ok(self.dashboard.summary().await?)
    }
}
