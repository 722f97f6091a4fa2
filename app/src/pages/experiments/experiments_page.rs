//! The Experiments page: every A/B test with its status, lift and significance, filtered by
//! project and status (a GET form: the URL holds the filters, with or without JavaScript).

use super::words::{experiment_href, lift_text, p_text, status_class};
use crate::components::{EmptyState, IconName, Loaded, PageHeader};
use crate::error::AppError;
use crate::server_fns::experiments::{ExperimentPage, PAGE_SIZE, list_experiments};
use crate::server_fns::flash::{Flash, FlashScope, take_flash};
use crate::server_fns::list_projects;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::experiments::ExperimentStatus;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Filters {
    project_id: Option<String>,
    status: Option<String>,
    page: Option<u32>,
}

impl Filters {
    fn href(&self, page: Option<u32>) -> String {
        let mut pairs = Vec::new();
        for (k, v) in [("project_id", &self.project_id), ("status", &self.status)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                pairs.push(format!("{k}={}", crate::components::format::query_value(v)));
            }
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            pairs.push(format!("page={p}"));
        }
        if pairs.is_empty() {
            "/experiments".to_owned()
        } else {
            format!("/experiments?{}", pairs.join("&"))
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PageData {
    flash: Option<Flash>,
    page: ExperimentPage,
    projects: Vec<(String, String)>,
}

async fn load(f: Filters) -> Result<PageData, AppError> {
    let flash = take_flash(FlashScope::Experiments).await.ok().flatten();
    let page = list_experiments(f.project_id.clone(), f.status.clone(), f.page).await?;
    let projects = list_projects(None, None)
        .await?
        .into_iter()
        .map(|p| (p.project.id.to_string(), p.project.name))
        .collect();
    Ok(PageData {
        flash,
        page,
        projects,
    })
}

#[component]
pub fn ExperimentsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        Filters {
            project_id: text("project_id"),
            status: text("status"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    });
    let data = Resource::new(move || filters.get(), load);
    view! {
        <PageHeader title="Experiments" subtitle="A/B tests on campaigns and ads: always-valid statistics, a decision only when the data says so, winners applied and remembered">
            <a class="button" href="/experiments/new" data-testid="new-experiment">"New experiment"</a>
        </PageHeader>
        <Loaded resource=data let:d>
            <Body data=d filters=filters.get_untracked() />
        </Loaded>
    }
}

#[component]
fn Body(data: PageData, filters: Filters) -> impl IntoView {
    let PageData {
        flash,
        page,
        projects,
    } = data;
    let notice = match flash {
        Some(Flash::Experiments(f)) => f.notice.or_else(|| f.error.map(|e| e.to_string())),
        _ => None,
    };
    let name_of = {
        let projects = projects.clone();
        move |id: &str| {
            projects
                .iter()
                .find(|(p, _)| p == id)
                .map_or_else(|| id.to_owned(), |(_, n)| n.clone())
        }
    };
    let total = page.total;
    let current = filters.page.unwrap_or(1).max(1);
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let any = filters.project_id.is_some() || filters.status.is_some();
    let rows = if page.items.is_empty() {
        if any {
            view! {
                <EmptyState title="No experiments match" message="Change the filters, or clear them to see every experiment." icon=IconName::Flask>
                    <a class="button button--ghost" href="/experiments">"Clear the filters"</a>
                </EmptyState>
            }
            .into_any()
        } else {
            view! {
                <EmptyState title="No experiments yet" message="Test two or more campaigns, or Pinterest ad groups or ads, against each other: the page says how many days the test needs, decides when the data says so, and applies the winner." icon=IconName::Flask>
                    <a class="button" href="/experiments/new">"New experiment"</a>
                </EmptyState>
            }
            .into_any()
        }
    } else {
        view! {
            <div class="table-wrap glass">
                <table class="table" data-testid="experiments-table">
                    <thead>
                        <tr>
                            <th scope="col">"Experiment"</th>
                            <th scope="col">"Project"</th>
                            <th scope="col">"Tests"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="num">"Lift (interval)"</th>
                            <th scope="col" class="num">"p"</th>
                            <th scope="col">"Where it stands"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.items.into_iter().map(|s| {
                            let e = s.experiment;
                            let winner = e.winner.as_deref().and_then(|k| e.variant(k)).map(|v| v.name.clone());
                            view! {
                                <tr data-testid="experiment-row" data-status=e.status.as_str()>
                                    <td><a href=experiment_href(e.id.as_str())>{e.name.clone()}</a></td>
                                    <td>{name_of(e.project_id.as_str())}</td>
                                    <td>{format!("{} {} · {} · {}", e.variants.len(), e.level.label().to_lowercase(), e.platform.label(), e.metric.label())}</td>
                                    <td><span class=status_class(e.status)>{e.status.label()}</span></td>
                                    <td class="num">{lift_text(s.lift, None)}</td>
                                    <td class="num">{p_text(s.p_value)}</td>
                                    <td class="experiments__said">
                                        {winner.map(|w| view! { <strong>{format!("Winner: {w}. ")}</strong> })}
                                        {s.decision.unwrap_or_else(|| "Not evaluated yet.".to_owned())}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(pages > 1).then(|| view! {
                <nav class="pager" aria-label="Pages">
                    <span>{format!("Page {current} of {pages}")}</span>
                    {(current > 1).then(|| view! { <a class="button button--ghost" href=filters.href(Some(current - 1))>"Previous"</a> })}
                    {(u64::from(current) < pages).then(|| view! { <a class="button button--ghost" href=filters.href(Some(current + 1))>"Next"</a> })}
                </nav>
            })}
        }
        .into_any()
    };
    view! {
        {notice.map(|n| view! { <p class="notice glass" role="status" data-testid="experiments-notice">{n}</p> })}
        <form method="get" action="/experiments" class="filters glass" role="search" data-testid="experiments-filters">
            <label class="filters__item">
                <span>"Project"</span>
                <select name="project_id">
                    <option value="" selected=filters.project_id.is_none()>"All projects"</option>
                    {projects.into_iter().map(|(id, name)| {
                        let sel = filters.project_id.as_deref() == Some(id.as_str());
                        view! { <option value=id selected=sel>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Status"</span>
                <select name="status">
                    <option value="" selected=filters.status.is_none()>"Any status"</option>
                    {ExperimentStatus::ALL.iter().map(|s| {
                        let sel = filters.status.as_deref() == Some(s.as_str());
                        view! { <option value=s.as_str() selected=sel>{s.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button button--ghost">"Apply"</button>
            {any.then(|| view! { <a class="button button--ghost" href="/experiments">"Clear"</a> })}
        </form>
        {rows}
    }
}
