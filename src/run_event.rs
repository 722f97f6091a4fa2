//! What a workflow run says as it goes: one typed event per step, produced by the executor (and the
//! tool runner), stored in the run's event log as its type and JSON data, streamed to the browser
//! over SSE and matched by the live run page. The JSON keys are camelCase; the type names
//! (`stage.started`, ...) are the SSE event names.

use crate::execution::ExecutionStatus;
use crate::ids::{ProjectId, WorkflowId};
use crate::workflow::Agent;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum RunEvent {
    /// The run was recorded, its stages pending.
    #[serde(rename = "execution.created", rename_all = "camelCase")]
    Created {
        workflow_id: WorkflowId,
        workflow_name: String,
        stages: usize,
        project_id: Option<ProjectId>,
    },
    #[serde(rename = "execution.started", rename_all = "camelCase")]
    Started { stages: usize },
    #[serde(rename = "stage.started", rename_all = "camelCase")]
    StageStarted {
        stage_id: String,
        position: u32,
        name: String,
        agent: Agent,
        action: String,
        attempt: u32,
    },
    #[serde(rename = "stage.completed", rename_all = "camelCase")]
    StageCompleted {
        stage_id: String,
        position: u32,
        duration_ms: u64,
        /// The stage's one-line summary (its output's `summary`).
        summary: Option<Value>,
        output: Value,
    },
    /// The stage could not do its job (no connection for its platforms, say): not a success.
    #[serde(rename = "stage.skipped", rename_all = "camelCase")]
    StageSkipped {
        stage_id: String,
        position: u32,
        duration_ms: u64,
        reason: String,
        output: Value,
    },
    /// The attempt failed and another follows after `retry_in_ms`.
    #[serde(rename = "stage.retrying", rename_all = "camelCase")]
    StageRetrying {
        stage_id: String,
        position: u32,
        attempt: u32,
        error: String,
        retry_in_ms: u64,
    },
    #[serde(rename = "stage.failed", rename_all = "camelCase")]
    StageFailed {
        stage_id: String,
        position: u32,
        attempt: u32,
        duration_ms: u64,
        error: String,
    },
    /// What an agent is doing, in its own words.
    #[serde(rename = "agent.reasoning", rename_all = "camelCase")]
    Reasoning {
        stage_id: String,
        agent: Agent,
        message: String,
    },
    /// The stage stopped at its proposal: its changes wait for a decision.
    #[serde(rename = "stage.awaiting_approval", rename_all = "camelCase")]
    StageAwaitingApproval {
        stage_id: String,
        position: u32,
        duration_ms: u64,
        summary: String,
    },
    /// A stage worked out changes that wait for a decision; the run waits with it.
    #[serde(rename = "approval.requested", rename_all = "camelCase")]
    ApprovalRequested {
        stage_id: String,
        position: u32,
        proposal_id: String,
        /// Changes waiting for a decision.
        waiting: usize,
        /// Changes the policy approved (applied at once).
        auto_approved: usize,
        expires_at: crate::time::Timestamp,
    },
    /// A person decided on a proposal (or it expired); the run goes on.
    #[serde(rename = "approval.decided", rename_all = "camelCase")]
    ApprovalDecided {
        stage_id: String,
        position: u32,
        proposal_id: String,
        status: crate::approval::ProposalStatus,
        approved: usize,
        rejected: usize,
        decided_by: Option<String>,
        note: Option<String>,
    },
    /// The run goes on after waiting for a decision.
    #[serde(rename = "execution.resumed", rename_all = "camelCase")]
    Resumed { stage_id: String, position: u32 },
    /// A connector tool ran (or its recorded answer was replayed), whatever the outcome.
    #[serde(rename = "tool.called", rename_all = "camelCase")]
    ToolCalled(ToolCall),
    #[serde(rename = "execution.completed", rename_all = "camelCase")]
    Completed {
        status: ExecutionStatus,
        error: Option<String>,
        result: Option<Value>,
    },
    #[serde(rename = "execution.failed", rename_all = "camelCase")]
    Failed {
        status: ExecutionStatus,
        error: Option<String>,
        result: Option<Value>,
    },
    #[serde(rename = "execution.cancelled", rename_all = "camelCase")]
    Cancelled {
        status: ExecutionStatus,
        error: Option<String>,
        result: Option<Value>,
    },
}

/// A tool call as the run's log records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    pub tool: String,
    pub platform: crate::Platform,
    pub connection_id: String,
    pub duration_ms: u64,
    /// The parameters as sent (secrets and long lists shortened by the runner).
    pub params: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The answer a resumed stage's earlier attempt stored, not a new call.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
    pub outcome: ToolOutcome,
    /// How many rows a read answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolOutcome {
    Ok,
    Error,
}

/// Every event type, for listening to all of them on an SSE stream.
pub const KINDS: [&str; 16] = [
    "execution.created",
    "execution.started",
    "execution.completed",
    "execution.failed",
    "execution.cancelled",
    "stage.started",
    "stage.completed",
    "stage.skipped",
    "stage.failed",
    "stage.retrying",
    "agent.reasoning",
    "tool.called",
    "stage.awaiting_approval",
    "approval.requested",
    "approval.decided",
    "execution.resumed",
];

impl RunEvent {
    /// The event's type as stored and sent (`stage.started`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            RunEvent::Created { .. } => "execution.created",
            RunEvent::Started { .. } => "execution.started",
            RunEvent::StageStarted { .. } => "stage.started",
            RunEvent::StageCompleted { .. } => "stage.completed",
            RunEvent::StageSkipped { .. } => "stage.skipped",
            RunEvent::StageRetrying { .. } => "stage.retrying",
            RunEvent::StageFailed { .. } => "stage.failed",
            RunEvent::Reasoning { .. } => "agent.reasoning",
            RunEvent::ToolCalled(_) => "tool.called",
            RunEvent::StageAwaitingApproval { .. } => "stage.awaiting_approval",
            RunEvent::ApprovalRequested { .. } => "approval.requested",
            RunEvent::ApprovalDecided { .. } => "approval.decided",
            RunEvent::Resumed { .. } => "execution.resumed",
            RunEvent::Completed { .. } => "execution.completed",
            RunEvent::Failed { .. } => "execution.failed",
            RunEvent::Cancelled { .. } => "execution.cancelled",
        }
    }

    /// The run's end, for the given final status.
    pub fn finished(status: ExecutionStatus, error: Option<String>, result: Option<Value>) -> RunEvent {
        match status {
            ExecutionStatus::Failed => RunEvent::Failed {
                status,
                error,
                result,
            },
            ExecutionStatus::Cancelled => RunEvent::Cancelled {
                status,
                error,
                result,
            },
            _ => RunEvent::Completed {
                status,
                error,
                result,
            },
        }
    }

    /// A proposal's decision (or expiry), for the run's log.
    pub fn approval_decided(p: &crate::approval::Proposal) -> RunEvent {
        let (approved, rejected, _) = p.counts();
        RunEvent::ApprovalDecided {
            stage_id: p.stage_id.clone(),
            position: p.stage_position,
            proposal_id: p.id.clone(),
            status: p.status,
            approved,
            rejected,
            decided_by: p.decided_by.clone(),
            note: p.note.clone(),
        }
    }

    /// Whether this event ends its run's stream.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            RunEvent::Completed { .. } | RunEvent::Failed { .. } | RunEvent::Cancelled { .. }
        )
    }

    /// The stage position the event is about, if any.
    pub fn position(&self) -> Option<u32> {
        match self {
            RunEvent::StageStarted { position, .. }
            | RunEvent::StageCompleted { position, .. }
            | RunEvent::StageSkipped { position, .. }
            | RunEvent::StageRetrying { position, .. }
            | RunEvent::StageFailed { position, .. }
            | RunEvent::StageAwaitingApproval { position, .. }
            | RunEvent::ApprovalRequested { position, .. }
            | RunEvent::ApprovalDecided { position, .. }
            | RunEvent::Resumed { position, .. } => Some(*position),
            _ => None,
        }
    }

    /// The type and the data, as the event log stores them.
    pub fn into_parts(self) -> (&'static str, Value) {
        let kind = self.kind();
        let data = match serde_json::to_value(self) {
            Ok(Value::Object(mut tagged)) => tagged.remove("data").unwrap_or(Value::Null),
            // Every variant serializes to an object with its data: nothing else can come out.
            _ => Value::Null,
        };
        (kind, data)
    }

    /// Reads a stored event back; `None` for a type this version does not know, or data that does
    /// not fit it.
    pub fn parse(kind: &str, data: &Value) -> Option<RunEvent> {
        let mut tagged = serde_json::Map::with_capacity(2);
        tagged.insert("type".into(), Value::String(kind.to_owned()));
        tagged.insert("data".into(), data.clone());
        serde_json::from_value(Value::Object(tagged)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_stored_shape_is_the_one_the_stream_has_always_carried() {
        let event = RunEvent::StageStarted {
            stage_id: "report".into(),
            position: 2,
            name: "Weekly report".into(),
            agent: Agent::Analyst,
            action: "report".into(),
            attempt: 1,
        };
        let (kind, data) = event.clone().into_parts();
        assert_eq!(kind, "stage.started");
        assert_eq!(
            data,
            json!({"stageId": "report", "position": 2, "name": "Weekly report", "agent": "Analyst",
                   "action": "report", "attempt": 1})
        );
        assert_eq!(RunEvent::parse(kind, &data), Some(event));
    }

    #[test]
    fn every_kind_is_listed_and_round_trips() {
        let status = ExecutionStatus::Completed;
        let events = [
            RunEvent::Created {
                workflow_id: WorkflowId::parse("wf_abc").expect("id"),
                workflow_name: "W".into(),
                stages: 3,
                project_id: None,
            },
            RunEvent::Started { stages: 3 },
            RunEvent::ApprovalRequested {
                stage_id: "b".into(),
                position: 1,
                proposal_id: "prop_1".into(),
                waiting: 4,
                auto_approved: 1,
                expires_at: crate::time::Timestamp::parse("2026-12-07T10:00:00Z").expect("time"),
            },
            RunEvent::ApprovalDecided {
                stage_id: "b".into(),
                position: 1,
                proposal_id: "prop_1".into(),
                status: crate::approval::ProposalStatus::Decided,
                approved: 2,
                rejected: 3,
                decided_by: Some("owner".into()),
                note: None,
            },
            RunEvent::Resumed {
                stage_id: "b".into(),
                position: 1,
            },
            RunEvent::StageAwaitingApproval {
                stage_id: "b".into(),
                position: 1,
                duration_ms: 40,
                summary: "4 change(s) waiting for approval".into(),
            },
            RunEvent::StageCompleted {
                stage_id: "a".into(),
                position: 0,
                duration_ms: 5,
                summary: None,
                output: json!({"summary": "done"}),
            },
            RunEvent::StageSkipped {
                stage_id: "a".into(),
                position: 0,
                duration_ms: 1,
                reason: "no connection".into(),
                output: json!({}),
            },
            RunEvent::StageRetrying {
                stage_id: "a".into(),
                position: 0,
                attempt: 1,
                error: "429".into(),
                retry_in_ms: 200,
            },
            RunEvent::StageFailed {
                stage_id: "a".into(),
                position: 0,
                attempt: 3,
                duration_ms: 7,
                error: "gave up".into(),
            },
            RunEvent::Reasoning {
                stage_id: "a".into(),
                agent: Agent::Trader,
                message: "reading bids".into(),
            },
            RunEvent::ToolCalled(ToolCall {
                tool: "list_campaigns".into(),
                platform: crate::Platform::Meta,
                connection_id: "con_1".into(),
                duration_ms: 3,
                params: json!({}),
                stage_id: None,
                agent: None,
                replayed: false,
                outcome: ToolOutcome::Ok,
                rows: Some(4),
                error: None,
            }),
            RunEvent::finished(status, None, None),
            RunEvent::finished(ExecutionStatus::Failed, Some("x".into()), None),
            RunEvent::finished(ExecutionStatus::Cancelled, None, None),
        ];
        for event in events {
            let (kind, data) = event.clone().into_parts();
            assert!(KINDS.contains(&kind), "{kind} is not listed");
            assert_eq!(RunEvent::parse(kind, &data).as_ref(), Some(&event), "{kind}");
        }
    }

    #[test]
    fn a_tool_call_leaves_out_what_it_does_not_have() {
        let (_, data) = RunEvent::ToolCalled(ToolCall {
            tool: "pause".into(),
            platform: crate::Platform::Google,
            connection_id: "con_1".into(),
            duration_ms: 1,
            params: json!({"id": "1"}),
            stage_id: Some("s".into()),
            agent: None,
            replayed: false,
            outcome: ToolOutcome::Error,
            rows: None,
            error: Some("refused".into()),
        })
        .into_parts();
        assert_eq!(
            data,
            json!({"tool": "pause", "platform": "google", "connectionId": "con_1", "durationMs": 1,
                   "params": {"id": "1"}, "stageId": "s", "outcome": "error", "error": "refused"})
        );
    }

    #[test]
    fn unknown_types_and_misfit_data_are_not_events() {
        assert_eq!(RunEvent::parse("stage.exploded", &json!({})), None);
        assert_eq!(
            RunEvent::parse("stage.started", &json!({"position": "two"})),
            None
        );
    }
}
