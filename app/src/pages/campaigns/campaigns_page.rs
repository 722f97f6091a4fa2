use crate::components::campaign_rows::campaign_columns;
use crate::components::format::date_range;
use crate::components::{CampaignRows, EmptyState, Heading, IconName, Loaded, PageHeader};
use crate::server_fns::campaigns::{CampaignFilters, CampaignList, PAGE_SIZE};
use crate::server_fns::list_campaigns;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::Platform;
use switchboard_core::campaign::CampaignStatus;

/// Every campaign across projects and platforms: filter, sort by any column, page through. The state
/// lives in the URL, so links and the back button work, with or without JavaScript.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        CampaignFilters {
            project: get("project"),
            platform: get("platform"),
            status: get("status"),
            q: get("q"),
            sort: get("sort"),
            page: get("page").and_then(|p| p.parse().ok()),
            from: get("from"),
            to: get("to"),
        }
    };
    let table = Resource::new(filters, list_campaigns);
    view! {
        <PageHeader title="Campaigns" subtitle="Every campaign on Google, Meta and Pinterest" />
        <Loaded resource=table let:t>
            <CampaignResults table=t filters=filters() />
        </Loaded>
    }
}

/// The filters, then the page of campaigns with a pager (or what to do when none match).
#[component]
fn CampaignResults(table: CampaignList, filters: CampaignFilters) -> impl IntoView {
    let (t, f) = (table, filters);
    let total = t.page.total;
    let page = f.page.unwrap_or(1).max(1);
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let projects = t.projects.clone();
    let window = t.window;
    view! {
        <FilterBar filters=f.clone() projects=projects.clone() from=window.from.to_string() to=window.to.to_string() />
        <p class="muted" data-testid="campaign-window">
            {format!("Spend, CPA and ROAS from {}", date_range(window.from, window.to))}
        </p>
        {if t.page.items.is_empty() {
            view! {
                <EmptyState title="No campaigns match" message="Change the filters, or import campaigns from the earlier version." icon=IconName::Megaphone />
            }.into_any()
        } else {
            view! {
                <CampaignRows campaigns=t.page.items figures=t.figures project_names=projects headers=sort_headers(&f) />
                <nav class="pager" aria-label="Pages">
                    <span data-testid="campaign-count">{format!("{total} campaigns · page {page} of {pages}")}</span>
                    {(page > 1).then(|| view! { <a class="button button--ghost" href=link(&f, None, Some(page - 1))>"Previous"</a> })}
                    {(u64::from(page) < pages).then(|| view! { <a class="button button--ghost" href=link(&f, None, Some(page + 1))>"Next"</a> })}
                </nav>
            }.into_any()
        }}
    }
}

/// This page's URL with the same filters, a new sort and/or page.
fn link(f: &CampaignFilters, sort: Option<&str>, page: Option<u32>) -> String {
    let mut parts = Vec::new();
    let mut push = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", encode(&v)));
        }
    };
    push("project", f.project.clone());
    push("platform", f.platform.clone());
    push("status", f.status.clone());
    push("q", f.q.clone());
    push("from", f.from.clone());
    push("to", f.to.clone());
    push("sort", sort.map(str::to_owned).or_else(|| f.sort.clone()));
    push("page", page.filter(|p| *p > 1).map(|p| p.to_string()));
    if parts.is_empty() {
        "/campaigns".to_owned()
    } else {
        format!("/campaigns?{}", parts.join("&"))
    }
}

use crate::components::format::query_value as encode;

/// Column headers that sort by their column; clicking the sorted column again reverses it.
fn sort_headers(f: &CampaignFilters) -> Vec<Heading> {
    let current = f.sort.clone().unwrap_or_else(|| "name".to_owned());
    campaign_columns(true)
        .into_iter()
        .map(|(label, key, numeric)| {
            let content = match key {
                None => label.into_any(),
                Some(key) => {
                    let (next, mark) = if current == key {
                        (format!("-{key}"), " ↑")
                    } else if current == format!("-{key}") {
                        (key.to_owned(), " ↓")
                    } else if matches!(key, "spend" | "roas") {
                        // Spend and ROAS sort biggest first on the first click.
                        (format!("-{key}"), "")
                    } else {
                        (key.to_owned(), "")
                    };
                    view! { <a class="sort" href=link(f, Some(&next), None) data-sort=key>{label}{mark}</a> }
                        .into_any()
                }
            };
            if numeric {
                Heading::num(content)
            } else {
                Heading::text(content)
            }
        })
        .collect()
}

#[component]
fn FilterBar(
    filters: CampaignFilters,
    projects: Vec<(String, String)>,
    from: String,
    to: String,
) -> impl IntoView {
    let selected = |current: &Option<String>, v: &str| current.as_deref() == Some(v);
    view! {
        <form method="get" action="/campaigns" class="filters glass" role="search" data-testid="campaign-filters">
            <label class="filters__item">
                <span>"Project"</span>
                <select name="project">
                    <option value="">"All projects"</option>
                    {projects.into_iter().map(|(id, name)| {
                        let sel = selected(&filters.project, &id);
                        view! { <option value=id selected=sel>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Platform"</span>
                <select name="platform">
                    <option value="">"All platforms"</option>
                    {Platform::ALL.into_iter().map(|p| {
                        let sel = selected(&filters.platform, p.as_str());
                        view! { <option value=p.as_str() selected=sel>{p.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Status"</span>
                <select name="status">
                    <option value="">"Any status"</option>
                    {CampaignStatus::ALL.into_iter().map(|s| {
                        let sel = selected(&filters.status, s.as_str());
                        view! { <option value=s.as_str() selected=sel>{s.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item filters__item--grow">
                <span>"Search"</span>
                <input type="search" name="q" placeholder="Name or platform id" value=filters.q.clone().unwrap_or_default() />
            </label>
            <label class="filters__item">
                <span>"Figures from"</span>
                <input type="date" name="from" value=from />
            </label>
            <label class="filters__item">
                <span>"To"</span>
                <input type="date" name="to" value=to />
            </label>
            {filters.sort.clone().map(|s| view! { <input type="hidden" name="sort" value=s /> })}
            <button type="submit" class="button button--ghost">"Apply"</button>
        </form>
    }
}
