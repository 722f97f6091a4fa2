//! The application services (`switchboard_core::service`), one per area, implemented over the
//! repositories and engines. The wiring module builds them; the REST API and the server functions
//! call them and nothing below them.

mod analytics;
mod api_keys;
mod approvals;
mod campaigns;
mod connections;
mod executions;
mod experiments;
mod flash;
pub mod memory;
mod notifications;
mod projects;
mod sync;
mod system;
mod webhooks;
mod workflows;

pub use analytics::Analytics;
pub use api_keys::ApiKeys;
pub use approvals::Approvals;
pub use campaigns::Campaigns;
pub use connections::Connections;
pub use executions::Executions;
pub use experiments::{Experiments, calculate_all};
pub use flash::Flashes;
pub use memory::{Memories, MemorySettings};
pub use notifications::Notifications;
pub use projects::Projects;
pub use sync::PerformanceSync;
pub use system::System;
pub use webhooks::Webhooks;
pub use workflows::Workflows;
