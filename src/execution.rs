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
