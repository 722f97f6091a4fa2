use crate::components::format::money;
use crate::components::{Column, DataTable, EmptyState, Icon, IconName, Loaded, PageHeader};
use crate::server_fns::list_projects;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::project::{ProjectStatus, ProjectSummary};

const PROJECT_COLUMNS: &[Column] = &[
    Column::text("Project"),
    Column::text("Client"),
    Column::text("Status"),
    Column::num("Monthly budget"),
    Column::text("Platforms"),
    Column::num("Campaigns"),
];

/// All projects, filtered by status and a search (both in the URL, so the page works without
/// JavaScript and can be bookmarked).
#[component]
pub fn ProjectsPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").filter(|s| !s.is_empty());
    let q = move || query.read().get("q").filter(|s| !s.is_empty());
    let projects = Resource::new(move || (status(), q()), |(status, q)| list_projects(status, q));
    view! {
        <PageHeader title="Projects" subtitle="Each client's advertising across platforms">
            <a class="button" href="/projects/new" data-testid="new-project">
                <Icon name=IconName::Plus />
                <span>"New project"</span>
            </a>
        </PageHeader>
        <form method="get" action="/projects" class="filters glass" role="search">
            <label class="filters__item">
                <span>"Status"</span>
                <select name="status">
                    <option value="" selected=move || status().is_none()>"Any"</option>
                    {ProjectStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status().as_deref() == Some(s.as_str())>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item filters__item--grow">
                <span>"Search"</span>
                <input type="search" name="q" placeholder="Name or client" value=move || q().unwrap_or_default() />
            </label>
            <button type="submit" class="button button--ghost">"Filter"</button>
        </form>
        <Loaded resource=projects let:list>
            {if list.is_empty() {
                view! {
                    <EmptyState
                        title="No projects here"
                        message="Create a project for each client, or import the earlier version's files with switchboard import-json."
                        icon=IconName::Folder
                    >
                        <a class="button" href="/projects/new">"New project"</a>
                    </EmptyState>
                }.into_any()
            } else {
                view! { <ProjectTable list /> }.into_any()
            }}
        </Loaded>
    }
}

#[component]
fn ProjectTable(list: Vec<ProjectSummary>) -> impl IntoView {
    view! {
        <DataTable testid="projects-table" columns=PROJECT_COLUMNS>
            {list.into_iter().map(|s| {
                let p = s.project;
                let platforms = p.platforms.iter().map(|x| x.label()).collect::<Vec<_>>().join(", ");
                view! {
                    <tr>
                        <td><a href=format!("/projects/{}", p.id)>{p.name.clone()}</a></td>
                        <td>
                            {p.client.clone().unwrap_or_default()}
                            {p.vertical.map(|v| view! {
                                " " <small class="muted" data-testid="vertical-label">{v.label()}</small>
                            })}
                        </td>
                        <td><StatusBadge status=p.status /></td>
                        <td class="num">{money(p.monthly_budget, p.currency)}</td>
                        <td>{platforms}</td>
                        <td class="num">{format!("{} ({} active)", s.campaigns, s.active_campaigns)}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}

#[component]
pub fn StatusBadge(status: ProjectStatus) -> impl IntoView {
    let class = match status {
        ProjectStatus::Active => "badge badge--ok",
        ProjectStatus::Paused => "badge badge--warn",
        ProjectStatus::Archived => "badge badge--muted",
    };
    view! { <span class=class>{status.label()}</span> }
}
