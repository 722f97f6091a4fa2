//! The ports: traits the server implements over its storage and services. Server functions, the REST
//! API and background jobs all reach infrastructure through these, bundled in [`Services`].

use crate::dashboard::DashboardSummary;
use crate::error::RepoError;
use crate::health::DatabaseHealth;
use async_trait::async_trait;
use std::sync::Arc;

/// Reads the dashboard's counts.
#[async_trait]
pub trait DashboardRepo: Send + Sync {
    async fn summary(&self) -> Result<DashboardSummary, RepoError>;
}

/// Checks that the database answers.
#[async_trait]
pub trait HealthProbe: Send + Sync {
    async fn database(&self) -> DatabaseHealth;
}

/// Everything the UI and API layers may call, cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub dashboard: Arc<dyn DashboardRepo>,
    pub health: Arc<dyn HealthProbe>,
}
