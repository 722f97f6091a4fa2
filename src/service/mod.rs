//! The application services: one per area, each the one home of its use cases (validation, the
//! repository and engine calls, the events they emit). The REST API and the server functions are
//! thin adapters over these; the server implements them over the ports (`crate::ports`) and puts
//! them in [`Services`].

pub mod analytics;
pub mod api_keys;
pub mod approvals;
pub mod campaigns;
pub mod connections;
mod error;
pub mod executions;
pub mod experiments;
pub mod flash;
pub mod memory;
pub mod notifications;
pub mod projects;
pub mod sync;
pub mod system;
pub mod webhooks;
pub mod workflows;

pub use analytics::AnalyticsService;
pub use api_keys::ApiKeyService;
pub use approvals::ApprovalService;
pub use campaigns::CampaignService;
pub use connections::ConnectionService;
pub use error::ServiceError;
pub use executions::{EventFeed, ExecutionService};
pub use experiments::ExperimentService;
pub use flash::FlashService;
pub use memory::MemoryService;
pub use notifications::NotificationService;
pub use projects::ProjectService;
pub use sync::SyncService;
pub use system::SystemService;
pub use webhooks::WebhookService;
pub use workflows::WorkflowService;

use std::sync::Arc;

/// Every application service, cheap to clone: what the REST API and the server functions reach.
#[derive(Clone)]
pub struct Services {
    pub projects: Arc<dyn ProjectService>,
    pub analytics: Arc<dyn AnalyticsService>,
    pub sync: Arc<dyn SyncService>,
    pub campaigns: Arc<dyn CampaignService>,
    /// Health and the dashboard's counts.
    pub system: Arc<dyn SystemService>,
    pub connections: Arc<dyn ConnectionService>,
    pub workflows: Arc<dyn WorkflowService>,
    pub executions: Arc<dyn ExecutionService>,
    pub webhooks: Arc<dyn WebhookService>,
    pub api_keys: Arc<dyn ApiKeyService>,
    pub notifications: Arc<dyn NotificationService>,
    pub approvals: Arc<dyn ApprovalService>,
    /// The agents' learnings, recall and recommendations.
    pub memory: Arc<dyn MemoryService>,
    /// A/B tests and their statistics.
    pub experiments: Arc<dyn ExperimentService>,
    /// One-time values across a plain form post's redirect (pages without JavaScript).
    pub flash: Arc<dyn FlashService>,
}
