use crate::components::{Column, DataTable, EmptyState, IconName, Loaded, PageHeader, RunStatusBadge};
use crate::server_fns::list_runs;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::execution::{Execution, ExecutionStatus};
use switchboard_core::project::ProjectChoice;
use switchboard_core::workflow::WorkflowChoice;

const RUN_COLUMNS: &[Column] = &[
    Column::text("Run"),
    Column::text("Workflow"),
    Column::text("Status"),
    Column::text("Started"),
    Column::num("Took"),
];

/// Every run, newest first, filtered by status, project and workflow (in the address, so it works
/// without JavaScript).
#[component]
pub fn ExecutionsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|s| !s.is_empty());
    let filters = move || (param("status"), param("project"), param("workflow"));
    let runs = Resource::new(filters, |(status, project, workflow)| {
        list_runs(status, project, workflow)
    });
    view! {
        <PageHeader title="Executions" subtitle="Workflow runs and where each one is" />
        <Loaded resource=runs let:found>
            <RunFilters
                status=param("status")
                project=param("project")
                workflow=param("workflow")
                projects=found.projects
                workflows=found.workflows
            />
            <RunTable list=found.runs />
        </Loaded>
    }
}

/// The filter form: plain GET, so it works without JavaScript.
#[component]
fn RunFilters(
    status: Option<String>,
    project: Option<String>,
    workflow: Option<String>,
    projects: Vec<ProjectChoice>,
    workflows: Vec<WorkflowChoice>,
) -> impl IntoView {
    view! {
        <form method="get" action="/executions" class="filters glass" role="search" data-testid="run-filters">
            <label class="filters__item">
                <span>"Status"</span>
                <select name="status">
                    <option value="" selected=status.is_none()>"Any"</option>
                    {ExecutionStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=status.as_deref() == Some(s.as_str())>{s.as_str()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Project"</span>
                <select name="project">
                    <option value="" selected=project.is_none()>"All projects"</option>
                    {projects.into_iter().map(|p| {
                        let id = p.id.to_string();
                        let selected = project.as_deref() == Some(id.as_str());
                        view! { <option value=id selected=selected>{p.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Workflow"</span>
                <select name="workflow">
                    <option value="" selected=workflow.is_none()>"All workflows"</option>
                    {workflows.into_iter().map(|w| {
                        let selected = workflow.as_deref() == Some(w.id.as_str());
                        view! { <option value=w.id selected=selected>{w.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button button--ghost">"Filter"</button>
        </form>
    }
}

#[component]
fn RunTable(list: Vec<Execution>) -> impl IntoView {
    view! {
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
                                    <td>{r.started_at.map(|t| view! { <crate::components::Time at=t /> })}</td>
                                    <td class="num">{took}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
    }
}
