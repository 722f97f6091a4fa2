use super::approval_panel::ApprovalPanel;
use super::cited::Cited;
use super::live::{LiveRun, follow};
use super::report_view::StageOutput;
use crate::components::{Loaded, RunStatusBadge, stage_badge};
use crate::server_fns::executions::RunView;
use crate::server_fns::{CancelRun, get_run};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use switchboard_core::execution::{ExecutionEvent, StageRun, StageStatus};
use switchboard_core::run_event::{RunEvent, ToolOutcome};
use switchboard_core::time::Timestamp;

/// One run: its stages with status, timing and progress, the agents' reasoning and tool calls as
/// they happen, and what each stage produced. Follows the run live (SSE) until it ends.
#[component]
pub fn ExecutionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let view_data = Resource::new(id, get_run);
    view! {
        <Loaded resource=view_data let:v>
            <RunView view=v />
        </Loaded>
    }
}

fn duration(s: &StageRun) -> String {
    match (s.started_at, s.completed_at) {
        (Some(a), Some(b)) => format!(
            "{:.2} s",
            (b.as_datetime() - a.as_datetime()).num_milliseconds() as f64 / 1000.0
        ),
        (Some(_), None) if s.status == StageStatus::AwaitingApproval => "waiting for approval".to_owned(),
        (Some(_), None) => "running…".to_owned(),
        _ => String::new(),
    }
}

#[component]
fn RunView(view: RunView) -> impl IntoView {
    let RunView {
        detail,
        events: history,
        project_name,
        proposals,
    } = view;
    let e = detail.execution;
    let run = LiveRun {
        status: RwSignal::new(e.status),
        stages: RwSignal::new(detail.stages),
        timeline: RwSignal::new(Vec::new()),
        approvals: RwSignal::new(0),
    };
    let last = history.last().map_or(0, |x| x.seq);
    for event in &history {
        run.timeline.update(|t| t.push(event.clone()));
    }
    if !e.status.is_terminal() {
        let id = e.id.to_string();
        Effect::new(move |started: Option<bool>| {
            if started.is_none() {
                follow(id.clone(), last, run);
            }
            true
        });
    }
    let cancel = ServerAction::<CancelRun>::new();
    let total = move || run.stages.with(Vec::len);
    let done = move || {
        run.stages
            .with(|s| s.iter().filter(|x| x.status == StageStatus::Completed).count())
    };
    let percent = move || if total() == 0 { 0 } else { done() * 100 / total() };
    let title = e.workflow_name.clone().unwrap_or_else(|| e.id.to_string());
    let run_id = StoredValue::new(e.id.to_string());
    view! {
        <Title text=format!("Run · {title}") />
        <header class="page-header">
            <div>
                <p class="page-header__crumb"><a href="/executions">"Executions"</a></p>
                <h1 class="page-header__title">{title.clone()}</h1>
                <p class="page-header__subtitle">
                    <RunStatusBadge status=run.status />
                    " "{project_name.unwrap_or_default()}" · "{e.id.to_string()}
                </p>
            </div>
            <div class="page-header__actions">
                <Show when=move || !run.status.get().is_terminal()>
                    <ActionForm action=cancel>
                        <input type="hidden" name="id" value=run_id.get_value() />
                        <button type="submit" class="button button--ghost" data-testid="cancel-run">"Cancel"</button>
                    </ActionForm>
                </Show>
            </div>
        </header>
        {(!proposals.is_empty() || !e.status.is_terminal()).then(|| view! {
            <ApprovalPanel run_id=run_id.get_value() initial=proposals version=run.approvals />
        })}
        {e.dry_run.then(|| view! {
            <p class="notice" data-testid="dry-run-notice">"Dry run: changes are worked out and shown, none is applied."</p>
        })}
        <section class="panel glass" aria-label="Progress">
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || percent().to_string()>
                <div class="progress__bar" style=move || format!("width: {}%", percent())></div>
            </div>
            <p class="muted" data-testid="progress-text">{move || format!("{} of {} stages complete", done(), total())}</p>
            <ol class="run-stages" data-testid="run-stages">
                <For each=move || run.stages.get().into_iter().enumerate() key=|(i, s)| (*i, s.status, s.attempt) let:item>
                    {
                        let (_, s) = item;
                        view! {
                            <li class="run-stage" data-testid="run-stage" data-status=s.status.as_str()>
                                <div class="run-stage__head">
                                    <span class=stage_badge(s.status)>{s.status.as_str().replace('_', " ")}</span>
                                    <strong>{s.name.clone()}</strong>
                                    <span class="muted">{format!(" · {} · {}", s.agent.map(|a| a.as_str()).unwrap_or("—"), s.action.clone().unwrap_or_default())}</span>
                                    <span class="run-stage__time">{duration(&s)}{(s.attempt > 1).then(|| format!(" · attempt {}", s.attempt))}</span>
                                </div>
                                {s.error.clone().map(|err| view! { <p class="field__error">{err}</p> })}
                                {s.output.clone().map(|o| view! { <StageOutput output=o /> })}
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
        <section class="panel glass" aria-label="Activity">
            <h2 class="panel__title">"What the agents did"</h2>
            <ul class="feed" data-testid="run-timeline">
                <For each=move || run.timeline.get().into_iter().filter_map(told) key=|x| x.0 let:x>
                    <TimelineItem at=x.1 line=x.2 />
                </For>
            </ul>
        </section>
    }
}

/// A line of the timeline: who, what, and whether it was a tool call.
#[derive(Clone)]
struct Told {
    agent: String,
    text: String,
    tool: bool,
}

/// What an agent said or did (reasoning and tool calls), read from a logged event. Events this
/// version cannot read whole (imported from the earlier version) are shown with what they hold.
fn told(e: ExecutionEvent) -> Option<(i64, Timestamp, Told)> {
    let line = match RunEvent::parse(&e.kind, &e.data) {
        Some(RunEvent::ToolCalled(call)) => {
            let rows = call.rows.map(|r| format!(", {r} rows")).unwrap_or_default();
            let replay = if call.replayed {
                ", answered from the first call"
            } else {
                ""
            };
            let outcome = match call.outcome {
                ToolOutcome::Ok => "ok",
                ToolOutcome::Error => "error",
            };
            let text = format!(
                "called {}.{} ({} ms{rows}{replay}) {outcome}{}",
                call.platform.as_str(),
                call.tool,
                call.duration_ms,
                call.error.map(|e| format!(": {e}")).unwrap_or_default()
            );
            Told {
                agent: call.agent.unwrap_or_default(),
                text,
                tool: true,
            }
        }
        Some(RunEvent::Reasoning { agent, message, .. }) => Told {
            agent: agent.to_string(),
            text: message,
            tool: false,
        },
        Some(_) => return None,
        None => {
            let d = &e.data;
            let field = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            match e.kind.as_str() {
                "agent.reasoning" => Told {
                    agent: field("agent"),
                    text: field("message"),
                    tool: false,
                },
                "tool.called" => Told {
                    agent: field("agent"),
                    text: match field("tool") {
                        t if t.is_empty() => "called a tool".to_owned(),
                        t => format!("called {t}"),
                    },
                    tool: true,
                },
                _ => return None,
            }
        }
    };
    Some((e.seq, e.occurred_at, line))
}

#[component]
fn TimelineItem(at: Timestamp, line: Told) -> impl IntoView {
    let time = at.as_datetime().format("%H:%M:%S%.3f").to_string();
    let class = if line.tool {
        "feed__item feed__item--tool"
    } else {
        "feed__item"
    };
    let (agent, text) = (line.agent, line.text);
    view! {
        <li class=class>
            <span class="feed__time">{time}</span>
            <span class="feed__actor">{agent}</span>
            <span class="feed__summary"><Cited text=text /></span>
        </li>
    }
}
