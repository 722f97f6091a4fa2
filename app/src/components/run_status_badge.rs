//! The badges for a run's status and a stage's status.

use leptos::prelude::*;
use switchboard_core::execution::{ExecutionStatus, StageStatus};

/// A run's status as a badge, following the status as it changes.
#[component]
pub fn RunStatusBadge(#[prop(into)] status: Signal<ExecutionStatus>) -> impl IntoView {
    let class = move || match status.get() {
        ExecutionStatus::Completed => "badge badge--ok",
        ExecutionStatus::Failed => "badge badge--bad",
        ExecutionStatus::Running | ExecutionStatus::AwaitingApproval => "badge badge--warn",
        _ => "badge badge--muted",
    };
    view! {
        <span class=class data-testid="run-status" data-status=move || status.get().as_str()>
            {move || status.get().as_str().replace('_', " ")}
        </span>
    }
}

/// The badge class for a stage's status.
pub fn stage_badge(status: StageStatus) -> &'static str {
    match status {
        StageStatus::Completed => "badge badge--ok",
        StageStatus::Failed => "badge badge--bad",
        StageStatus::Running | StageStatus::AwaitingApproval => "badge badge--warn",
        _ => "badge badge--muted",
    }
}
