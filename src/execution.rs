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
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    StageStatus, "stage status", {
        Pending => "pending",
        Running => "running",
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

/// Where a tool call happens inside a workflow run: its events go to this execution's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCallScope {
    pub execution: crate::ids::ExecutionId,
    pub stage_id: Option<String>,
    pub agent: Option<String>,
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
