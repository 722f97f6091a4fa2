//! The installation as a whole: its health and the dashboard's counts.

use super::ServiceError;
use crate::dashboard::DashboardSummary;
use crate::health::HealthReport;
use async_trait::async_trait;

#[async_trait]
pub trait SystemService: Send + Sync {
    /// The server's version and whether its database answers (never an error: a database that
    /// does not answer makes the report degraded).
    async fn health(&self) -> HealthReport;
    /// The counts behind the dashboard's tiles.
    async fn dashboard(&self) -> Result<DashboardSummary, ServiceError>;
}
