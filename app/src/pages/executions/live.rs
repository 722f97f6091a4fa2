//! Following a run live: the run's SSE stream (see `use_event_source`), each event read as a
//! [`RunEvent`] and applied to the page's signals.

use crate::components::use_event_source;
use leptos::prelude::*;
use switchboard_core::execution::{ExecutionEvent, ExecutionStatus, StageRun, StageStatus};
use switchboard_core::run_event::{KINDS, RunEvent};

/// The page's live state.
#[derive(Clone, Copy)]
pub struct LiveRun {
    pub status: RwSignal<ExecutionStatus>,
    pub stages: RwSignal<Vec<StageRun>>,
    pub timeline: RwSignal<Vec<ExecutionEvent>>,
    /// Bumped when a proposal is made or decided: the approval panel reads them again.
    pub approvals: RwSignal<u32>,
}

/// Applies one event to the state (the server renders the state it has; only the browser follows).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn apply(run: LiveRun, e: &ExecutionEvent) {
    if run.timeline.with_untracked(|t| t.iter().any(|x| x.seq == e.seq)) {
        return;
    }
    if let Some(event) = RunEvent::parse(&e.kind, &e.data) {
        apply_event(run, &event, e.occurred_at);
    }
    run.timeline.update(|t| t.push(e.clone()));
}

fn apply_event(run: LiveRun, event: &RunEvent, at: switchboard_core::time::Timestamp) {
    let set_stage = |f: &dyn Fn(&mut StageRun)| {
        if let Some(p) = event.position().and_then(|p| usize::try_from(p).ok()) {
            run.stages.update(|stages| {
                if let Some(s) = stages.get_mut(p) {
                    f(s);
                }
            });
        }
    };
    match event {
        RunEvent::Started { .. } => run.status.set(ExecutionStatus::Running),
        RunEvent::StageStarted { attempt, .. } => set_stage(&|s| {
            s.status = StageStatus::Running;
            s.attempt = *attempt;
            s.started_at = Some(at);
            s.completed_at = None;
            s.error = None;
        }),
        RunEvent::StageCompleted { output, .. } => set_stage(&|s| {
            s.status = StageStatus::Completed;
            s.completed_at = Some(at);
            s.output = Some(output.clone());
        }),
        RunEvent::StageSkipped { output, .. } => set_stage(&|s| {
            s.status = StageStatus::Skipped;
            s.completed_at = Some(at);
            s.output = Some(output.clone());
        }),
        RunEvent::StageRetrying { error, .. } => set_stage(&|s| {
            s.status = StageStatus::Pending;
            s.error = Some(error.clone());
        }),
        RunEvent::StageFailed { error, .. } => set_stage(&|s| {
            s.status = StageStatus::Failed;
            s.completed_at = Some(at);
            s.error = Some(error.clone());
        }),
        RunEvent::StageAwaitingApproval { .. } => set_stage(&|s| {
            s.status = StageStatus::AwaitingApproval;
        }),
        RunEvent::ApprovalRequested { .. } => {
            run.status.set(ExecutionStatus::AwaitingApproval);
            run.approvals.update(|v| *v += 1);
        }
        RunEvent::ApprovalDecided { .. } => run.approvals.update(|v| *v += 1),
        RunEvent::Resumed { .. } => run.status.set(ExecutionStatus::Running),
        RunEvent::Completed { .. } => run.status.set(ExecutionStatus::Completed),
        RunEvent::Failed { .. } => run.status.set(ExecutionStatus::Failed),
        RunEvent::Cancelled { .. } => run.status.set(ExecutionStatus::Cancelled),
        RunEvent::Created { .. } | RunEvent::Reasoning { .. } | RunEvent::ToolCalled(_) => {}
    }
}

/// Follows the run's stream after `after` and feeds it to `run` until the run ends.
pub fn follow(id: String, after: i64, run: LiveRun) {
    let url = format!("/api/v1/executions/{id}/events?after={after}");
    use_event_source(url, &KINDS, move |_, text| {
        let Ok(event) = serde_json::from_str::<ExecutionEvent>(&text) else {
            return false;
        };
        apply(run, &event);
        switchboard_core::execution::events::is_final(&event.kind)
    });
}

/// The events that start or end a run.
const RUN_CHANGES: [&str; 4] = [
    "execution.started",
    "execution.completed",
    "execution.failed",
    "execution.cancelled",
];

/// Follows every run's start and end on the global stream, bumping `version` each time.
pub fn follow_runs(version: RwSignal<u32>) {
    use_event_source("/api/v1/events".to_owned(), &RUN_CHANGES, move |_, _| {
        version.update(|v| *v += 1);
        false
    });
}
