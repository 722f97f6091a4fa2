//! One folder per area, one file per page.

pub(crate) mod analytics;
mod approvals;
mod campaigns;
mod connections;
mod dashboard;
mod executions;
mod experiments;
mod integrations;
mod memory;
mod not_found_page;
mod projects;
mod system;
mod workflows;

pub use analytics::AnalyticsPage;
pub use approvals::ApprovalsPage;
pub use campaigns::{CampaignPage, CampaignsPage};
pub use connections::{ConnectionsPage, ExplorerPage};
pub use dashboard::DashboardPage;
pub use executions::{ExecutionPage, ExecutionsPage, follow_runs};
pub use experiments::{ExperimentPage, ExperimentsPage, NewExperimentPage};
pub use integrations::{IntegrationsPage, WebhookPage};
pub use memory::{LearningPage, MemoryBrowserPage};
pub use not_found_page::NotFoundPage;
pub use projects::{EditProjectPage, NewProjectPage, ProjectPage, ProjectsPage};
pub use system::SystemPage;
pub use workflows::{EditWorkflowPage, WorkflowPage, WorkflowsPage};
