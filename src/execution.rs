//! Executions (runs of a workflow) and their stages.

use crate::error::ParseError;
use crate::workflow::text_enum;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

text_enum!(
    ExecutionStatus, "execution status", {
        Pending => "pending",
        Running => "running",
        AwaitingApproval => "awaiting_approval",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    StageStatus, "stage status", {
        Pending => "pending",
        Running => "running",
        AwaitingApproval => "awaiting_approval",
        Completed => "completed",
        Failed => "failed",
        Skipped => "skipped",
        Cancelled => "cancelled",
    }
);

impl ExecutionStatus {
    /// Finished executions never change again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ExecutionStatus::Completed | ExecutionStatus::Failed | ExecutionStatus::Cancelled
        )
    }
}

/// One entry of an execution's event log (`stage.started`, `tool.called`, ...), in the order it
/// happened (`seq`, which also resumes a live stream after a reconnect).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionEvent {
    pub seq: i64,
    pub id: String,
    pub execution_id: crate::ids::ExecutionId,
    #[serde(rename = "type")]
    pub kind: String,
    pub occurred_at: crate::time::Timestamp,
    pub data: serde_json::Value,
}

/// Where a tool call happens inside a workflow run: its events go to this execution's log, and a
/// write with an idempotency key runs once however often the stage is resumed.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCallScope {
    pub execution: crate::ids::ExecutionId,
    pub stage_id: Option<String>,
    pub agent: Option<String>,
    pub idempotency_key: Option<String>,
    /// The stage's first attempt, recorded as started before any of its calls: no earlier attempt
    /// can have stored a result under its keys, so none is looked up.
    pub first_attempt: bool,
    /// The connection as the stage read it; the runner uses it instead of reading it again.
    pub connection: Option<crate::connection::Connection>,
}

/// One run of a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Execution {
    pub id: crate::ids::ExecutionId,
    pub workflow_id: Option<crate::ids::WorkflowId>,
    pub workflow_name: Option<String>,
    pub project_id: Option<crate::ids::ProjectId>,
    pub status: ExecutionStatus,
    pub input: serde_json::Value,
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    pub created_at: crate::time::Timestamp,
    pub started_at: Option<crate::time::Timestamp>,
    pub completed_at: Option<crate::time::Timestamp>,
    /// A dry run works out every change and applies none.
    #[serde(default)]
    pub dry_run: bool,
}

/// One stage of a run: the definition it ran with, and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageRun {
    pub position: u32,
    pub stage_id: String,
    pub name: String,
    pub agent: Option<crate::workflow::Agent>,
    pub action: Option<String>,
    #[serde(default)]
    pub params: serde_json::Value,
    pub status: StageStatus,
    pub attempt: u32,
    pub started_at: Option<crate::time::Timestamp>,
    pub completed_at: Option<crate::time::Timestamp>,
    pub output: Option<serde_json::Value>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExecutionDetail {
    #[serde(flatten)]
    pub execution: Execution,
    pub stages: Vec<StageRun>,
}

/// Which runs to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionFilter {
    pub status: Option<ExecutionStatus>,
    pub project_id: Option<crate::ids::ProjectId>,
    pub workflow_id: Option<crate::ids::WorkflowId>,
    pub limit: u32,
}

/// The runs page: the runs the filter keeps, and the projects and workflows it can filter by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunList {
    pub runs: Vec<Execution>,
    pub projects: Vec<crate::project::ProjectChoice>,
    pub workflows: Vec<crate::workflow::WorkflowChoice>,
}

/// A run's page: the run and its stages, its event log and its project's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub detail: ExecutionDetail,
    pub events: Vec<ExecutionEvent>,
    pub project_name: Option<String>,
    /// The changes its stages proposed, with their decisions.
    #[serde(default)]
    pub proposals: Vec<crate::approval::Proposal>,
}

/// Event types the executor writes.
pub mod events {
    pub const EXECUTION_CREATED: &str = "execution.created";
    pub const EXECUTION_STARTED: &str = "execution.started";
    pub const EXECUTION_COMPLETED: &str = "execution.completed";
    pub const EXECUTION_FAILED: &str = "execution.failed";
    pub const EXECUTION_CANCELLED: &str = "execution.cancelled";
    pub const STAGE_STARTED: &str = "stage.started";
    pub const STAGE_COMPLETED: &str = "stage.completed";
    pub const STAGE_FAILED: &str = "stage.failed";
    pub const STAGE_RETRYING: &str = "stage.retrying";
    pub const AGENT_REASONING: &str = "agent.reasoning";
    pub const APPROVAL_REQUESTED: &str = "approval.requested";
    pub const APPROVAL_DECIDED: &str = "approval.decided";
    pub const TOOL_CALLED: &str = "tool.called";

    /// Whether this event ends its execution's stream.
    pub fn is_final(kind: &str) -> bool {
        matches!(kind, EXECUTION_COMPLETED | EXECUTION_FAILED | EXECUTION_CANCELLED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(
            "Completed".parse::<ExecutionStatus>(),
            Ok(ExecutionStatus::Completed)
        );
        assert!(ExecutionStatus::Failed.is_terminal());
        assert!(!ExecutionStatus::Running.is_terminal());
        assert_eq!("skipped".parse::<StageStatus>(), Ok(StageStatus::Skipped));
        assert!("done".parse::<StageStatus>().is_err());
    }
}
