//! Approvals: the changes agents propose, and people's decisions on them.

use super::ServiceError;
use crate::approval::{ApprovalInbox, DecisionInput, Proposal, ProposalStatus};
use crate::ids::{ExecutionId, ProjectId};
use async_trait::async_trait;

#[async_trait]
pub trait ApprovalService: Send + Sync {
    /// Proposals, newest first (at most 200), optionally of one status and project.
    async fn list(
        &self,
        status: Option<ProposalStatus>,
        project: Option<&ProjectId>,
    ) -> Result<Vec<Proposal>, ServiceError>;
    /// The approvals page: proposals of `status` (all when `None`), with their projects' names.
    async fn inbox(&self, status: Option<ProposalStatus>) -> Result<ApprovalInbox, ServiceError>;
    async fn get(&self, id: &str) -> Result<Proposal, ServiceError>;
    /// A run's proposals, in stage order.
    async fn for_run(&self, run: &ExecutionId) -> Result<Vec<Proposal>, ServiceError>;
    /// Takes `who`'s decision on a waiting proposal (recorded in the run's log and the project's
    /// activity feed) and lets its run go on, applying exactly the approved changes. A proposal
    /// that is no longer waiting (decided, expired, its run ended) is a conflict; bad input names
    /// its field.
    async fn decide(&self, id: &str, input: &DecisionInput, who: &str) -> Result<Proposal, ServiceError>;
}
