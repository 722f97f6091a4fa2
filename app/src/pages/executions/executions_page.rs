use crate::components::{Column, DataTable, EmptyState, IconName, Loaded, PageHeader, RunStatusBadge};
use crate::server_fns::list_runs;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::execution::ExecutionStatus;

const RUN_COLUMNS: &[Column] = &[
    Column::text("Run"),
    Column::text("Workflow"),
    Column::text("Status"),
    Column::text("Started"),
    Column::num("Took"),
];

/// Every run, newest first, filtered by status (in the address, so it works without JavaScript).
#[component]
pub fn ExecutionsPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").filter(|s| !s.is_empty());
    let runs = Resource::new(status, list_runs);
    view! {
        <PageHeader title="Executions" subtitle="Workflow runs and where each one is" />
        <form method="get" action="/executions" class="filters glass" role="search">
            <label class="filters__item">
                <span>"Status"</span>
                <select name="status">
                    <option value="" selected=move || status().is_none()>"Any"</option>
                    {ExecutionStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status().as_deref() == Some(s.as_str())>{s.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button button--ghost">"Filter"</button>
        </form>
        <Loaded resource=runs let:list>
            {if list.is_empty() {
                view! {
                    <EmptyState title="No runs here" message="Start a workflow from its page, or POST /api/v1/executions." icon=IconName::Inbox />
                }.into_any()
            } else {
                view! {
                    <DataTable testid="executions-table" columns=RUN_COLUMNS>
                        {list.into_iter().map(|r| {
                            let took = match (r.started_at, r.completed_at) {
                                (Some(a), Some(b)) => format!("{:.1} s", (b.as_datetime() - a.as_datetime()).num_milliseconds() as f64 / 1000.0),
                                _ => "—".to_owned(),
                            };
                            view! {
                                <tr>
                                    <td><a href=format!("/executions/{}", r.id)>{r.id.to_string()}</a></td>
                                    <td>{r.workflow_name.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                    <td><RunStatusBadge status=r.status /></td>
                                    <td>{r.started_at.map(|t| t.as_datetime().format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()}</td>
                                    <td class="num">{took}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </Loaded>
    }
}
