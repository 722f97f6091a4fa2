mod execution_page;
mod executions_page;
mod live;
mod report_view;

pub use execution_page::ExecutionPage;
pub use executions_page::ExecutionsPage;
pub use live::follow_runs;

use leptos::prelude::*;
use switchboard_core::execution::{ExecutionStatus, StageStatus};

#[component]
pub fn RunStatusBadge(#[prop(into)] status: Signal<ExecutionStatus>) -> impl IntoView {
    let class = move || match status.get() {
        ExecutionStatus::Completed => "badge badge--ok",
        ExecutionStatus::Failed => "badge badge--bad",
        ExecutionStatus::Running => "badge badge--warn",
        _ => "badge badge--muted",
    };
    view! { <span class=class data-testid="run-status">{move || status.get().as_str()}</span> }
}

pub fn stage_badge(status: StageStatus) -> &'static str {
    match status {
        StageStatus::Completed => "badge badge--ok",
        StageStatus::Failed => "badge badge--bad",
        StageStatus::Running => "badge badge--warn",
        _ => "badge badge--muted",
    }
}
