//! Approvals' use cases over the proposal store, the event log and the executor: a decision is
//! checked (core `approval`), stored if the proposal is still waiting (first decision wins),
//! written to the run's log, and the run goes on.

use crate::workflows::Engine;
use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::approval::{ApprovalInbox, DecideError, DecisionInput, Proposal, ProposalStatus};
use switchboard_core::ports::{EventLog, ProjectRepo, ProposalRepo};
use switchboard_core::run_event::RunEvent;
use switchboard_core::service::{ApprovalService, ServiceError};
use switchboard_core::time::Timestamp;
use switchboard_core::{ExecutionId, ProjectId};

pub struct Approvals {
    pub engine: Arc<Engine>,
    pub proposals: Arc<dyn ProposalRepo>,
    pub events: Arc<dyn EventLog>,
    pub projects: Arc<dyn ProjectRepo>,
}

/// The most proposals a list answers.
const LIST_LIMIT: u32 = 200;

fn proposal_id(id: &str) -> Result<&str, ServiceError> {
    let ok = id.len() <= 80
        && id.strip_prefix("prop_").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if ok {
        Ok(id)
    } else {
        Err(ServiceError::NotFound(format!("proposal '{id}' was not found")))
    }
}

#[async_trait]
impl ApprovalService for Approvals {
    async fn list(
        &self,
        status: Option<ProposalStatus>,
        project: Option<&ProjectId>,
    ) -> Result<Vec<Proposal>, ServiceError> {
        Ok(self.proposals.list(status, project, LIST_LIMIT).await?)
    }

    async fn inbox(&self, status: Option<ProposalStatus>) -> Result<ApprovalInbox, ServiceError> {
        let proposals = self.proposals.list(status, None, LIST_LIMIT).await?;
        let mut project_names: Vec<(String, String)> = Vec::new();
        for p in &proposals {
            let Some(id) = &p.project_id else { continue };
            if project_names.iter().any(|(known, _)| known == id.as_str()) {
                continue;
            }
            // A project that cannot be read only leaves its name out.
            if let Ok(project) = self.projects.get(id).await {
                project_names.push((id.to_string(), project.name));
            }
        }
        Ok(ApprovalInbox {
            proposals,
            project_names,
        })
    }

    async fn get(&self, id: &str) -> Result<Proposal, ServiceError> {
        Ok(self.proposals.get(proposal_id(id)?).await?)
    }

    async fn for_run(&self, run: &ExecutionId) -> Result<Vec<Proposal>, ServiceError> {
        Ok(self.proposals.for_execution(run).await?)
    }

    async fn decide(&self, id: &str, input: &DecisionInput, who: &str) -> Result<Proposal, ServiceError> {
        let mut proposal = self.proposals.get(proposal_id(id)?).await?;
        let now = Timestamp::from_datetime(chrono::Utc::now());
        match proposal.decide(input, who, now) {
            Ok(()) => {}
            Err(DecideError::Invalid(fields)) => return Err(ServiceError::Invalid(fields)),
            Err(DecideError::NotPending(why)) => {
                if proposal.is_expired(now) {
                    // The run moves on without the changes at the scheduler's next look.
                    self.engine.resume(&proposal.execution_id);
                }
                return Err(ServiceError::Conflict(why));
            }
        }
        // First decision wins: a proposal decided (or expired) meanwhile is a conflict.
        self.proposals.save(&proposal, ProposalStatus::Pending).await?;
        let (kind, data) = RunEvent::approval_decided(&proposal).into_parts();
        if let Err(e) = self.events.record(&proposal.execution_id, kind, data).await {
            tracing::warn!(proposal = %proposal.id, error = %e, "cannot log the decision in its run");
        }
        tracing::info!(proposal = %proposal.id, execution = %proposal.execution_id, who, "proposal decided");
        self.engine.resume(&proposal.execution_id);
        Ok(proposal)
    }
}
