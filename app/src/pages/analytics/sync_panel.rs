//! The performance sync on the Analytics page: its schedule, the latest run (followed while it
//! runs), each connection's last day and error, and "Sync now".

use crate::components::Time;
use crate::components::format::{count, date};
use crate::components::{Column, DataTable, Loaded, TableWrap};
use crate::server_fns::{SyncNow, get_sync_overview};
use leptos::form::ActionForm;
use leptos::prelude::*;
use switchboard_core::sync::{SCHEDULE_OFF, SyncOverview, SyncRun, SyncState};

const CONNECTION_COLUMNS: &[Column] = &[
    Column::text("Connection"),
    Column::text("Project"),
    Column::text("Synced through"),
    Column::text("Last success"),
    Column::text("Last error"),
];

fn state_badge(state: SyncState) -> &'static str {
    match state {
        SyncState::Running => "badge badge--warn",
        SyncState::Succeeded => "badge badge--ok",
        SyncState::Partial | SyncState::Failed => "badge badge--bad",
    }
}

#[component]
pub fn SyncPanel() -> impl IntoView {
    let sync = ServerAction::<SyncNow>::new();
    let tick = RwSignal::new(0_u32);
    let overview = Resource::new(
        move || (sync.version().get(), tick.get()),
        |_| get_sync_overview(),
    );
    // While a run is under way, look again every two seconds.
    Effect::new(move |_| {
        let running = overview
            .get()
            .and_then(Result::ok)
            .is_some_and(|o| o.runs.first().is_some_and(|r| r.state == SyncState::Running));
        if running {
            set_timeout(
                move || tick.update(|t| *t += 1),
                std::time::Duration::from_secs(2),
            );
        }
    });
    let refused = move || {
        sync.value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="notice notice--bad" role="alert">{e.to_string()}</p> })
    };
    view! {
        <section class="panel glass" id="sync" aria-label="Sync" data-testid="sync">
            <div class="panel__head">
                <h2 class="panel__title">"Performance sync"</h2>
                <ActionForm action=sync>
                    <button type="submit" class="button" data-testid="sync-now" disabled=move || sync.pending().get()>
                        {move || if sync.pending().get() { "Starting…" } else { "Sync now" }}
                    </button>
                </ActionForm>
            </div>
            {refused}
            <Loaded resource=overview fallback=|| view! { <p class="muted">"…"</p> } let:o>
                <SyncView overview=o />
            </Loaded>
        </section>
    }
}

#[component]
fn SyncView(overview: SyncOverview) -> impl IntoView {
    let o = overview;
    let schedule = if o.schedule == SCHEDULE_OFF {
        view! { "Scheduled syncs are off; sync on demand." }.into_any()
    } else {
        let next = o
            .next_run_at
            .map(|t| view! { ", next " <Time at=t relative=true /> });
        view! { {format!("Schedule: {} (UTC)", o.schedule)} {next} "." }.into_any()
    };
    let latest = o.runs.first().cloned();
    view! {
        <p class="muted">{schedule}" Each sync pulls every connection's new days and the last 7 again (platforms restate conversions)."</p>
        {match latest {
            None => view! { <p data-testid="sync-latest">"No sync has run yet."</p> }.into_any(),
            Some(run) => view! { <RunLine run=run /> }.into_any(),
        }}
        {(!o.connections.is_empty()).then(|| view! {
            <DataTable testid="sync-connections" columns=CONNECTION_COLUMNS compact=true wrap=TableWrap::Scroll>
                {o.connections.into_iter().map(|c| view! {
                    <tr>
                        <td><span class=format!("platform-dot platform--{}", c.platform.as_str())></span>" "{format!("{} {}", c.platform.label(), c.account)}</td>
                        <td>{c.project_name}</td>
                        <td>{c.synced_through.map_or_else(|| "never".to_owned(), date)}</td>
                        <td>{c.last_success_at.map(|t| view! { <Time at=t relative=true /> })}</td>
                        <td class="cell-error">{c.last_error.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
        })}
    }
}

#[component]
fn RunLine(run: SyncRun) -> impl IntoView {
    let progress = format!(
        "{} of {} connections",
        run.connections_done, run.connections_total
    );
    let problems = run.problems.clone();
    view! {
        <div class="sync-run" data-testid="sync-latest" data-state=run.state.as_str()>
            <p>
                <span class=state_badge(run.state)>{run.state.label()}</span>
                {format!(
                    " {} sync started ",
                    if run.trigger == switchboard_core::sync::SyncTrigger::Manual { "Manual" } else { "Scheduled" },
                )}
                <Time at=run.started_at relative=true />
                {format!(
                    " · {progress} · {} campaign-days and {} campaigns written",
                    count(run.rows_written),
                    count(run.campaigns_written),
                )}
            </p>
            {(!problems.is_empty()).then(|| view! {
                <details class="numbers" open=run.state == SyncState::Failed>
                    <summary>{format!("{} problem(s)", problems.len())}</summary>
                    <ul class="problems">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </details>
            })}
        </div>
    }
}
