//! The activity feed: what people and agents did.

use crate::ids::ProjectId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: String,
    pub project_id: Option<ProjectId>,
    /// `user`, `system` or `agent:NAME`.
    pub actor: String,
    /// What happened, as a dotted name: `project.created`, `workflow.completed`.
    pub action: String,
    pub summary: String,
    pub occurred_at: Timestamp,
}
