//! The Memory page: the agents' learnings, searched and filtered (a GET form: the URL holds the
//! filters, with or without JavaScript), what each agent has learned, and a person's learning.

use super::agents_panel::AgentsPanel;
use super::forms::{Forms, MemoryNotices};
use super::memory_card::MemoryCard;
use super::record_form::RecordMemory;
use super::words::{filters_from_query, list_href, memory_href};
use crate::components::{EmptyState, IconName, Loaded, PageHeader};
use crate::error::AppError;
use crate::server_fns::flash::{Flash, FlashScope, take_flash};
use crate::server_fns::list_projects;
use crate::server_fns::memory::{
    AgentLearned, MemoryFilters, MemoryPage, PAGE_SIZE, list_memories, memories_by_agent,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::Platform;
use switchboard_core::memory::{MemoryAction, MemoryAgent, MemoryKind, NOTHING_YET, Objective};
use switchboard_core::vertical::Vertical;

/// Everything the page shows, loaded together.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PageData {
    flash: Option<Flash>,
    page: MemoryPage,
    agents: Vec<AgentLearned>,
    /// `(id, name)`.
    projects: Vec<(String, String)>,
}

async fn load(filters: MemoryFilters, changed: u32) -> Result<PageData, AppError> {
    // What a form post without JavaScript left for this page, on its first load only.
    let flash = if changed == 0 {
        take_flash(FlashScope::Memory).await.ok().flatten()
    } else {
        None
    };
    let page = list_memories(filters).await?;
    let agents = memories_by_agent().await?;
    let projects = list_projects(None, None)
        .await?
        .into_iter()
        .map(|p| (p.project.id.to_string(), p.project.name))
        .collect();
    Ok(PageData {
        flash,
        page,
        agents,
        projects,
    })
}

#[component]
pub fn MemoryBrowserPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| filters_from_query(&query.read()));
    let forms = Forms::provide();
    let data = Resource::new(
        move || (filters.get(), forms.changed.get()),
        |(f, changed)| load(f, changed),
    );
    view! {
        <PageHeader title="Memory" subtitle="What the agents learned from their decisions and what followed, and what people noted: each with its evidence and outcome">
            <a class="button button--ghost" href="#record">"Record a learning"</a>
        </PageHeader>
        <Loaded resource=data let:d>
            {
                forms.absorb(d.flash.clone());
                view! { <Body data=d filters=filters.get_untracked() /> }
            }
        </Loaded>
    }
}

#[component]
fn Body(data: PageData, filters: MemoryFilters) -> impl IntoView {
    let PageData {
        page,
        agents,
        projects,
        ..
    } = data;
    view! {
        <MemoryNotices />
        <FilterBar filters=filters.clone() projects=projects.clone() />
        <div class="memory-layout">
            <div class="memory-layout__main">
                <Results page filters projects=projects.clone() />
            </div>
            <aside class="memory-layout__side">
                <AgentsPanel agents />
            </aside>
        </div>
        <RecordMemory projects />
    }
}

#[component]
fn Results(page: MemoryPage, filters: MemoryFilters, projects: Vec<(String, String)>) -> impl IntoView {
    let total = page.total;
    if page.items.is_empty() {
        return if filters.any() || total > 0 {
            view! {
                <EmptyState title="No learnings match" message="Change the search or the filters, or clear them to see every learning." icon=IconName::Compass>
                    <a class="button button--ghost" href="/memory">"Clear the filters"</a>
                </EmptyState>
            }
            .into_any()
        } else {
            view! { <EmptyState title="No learnings yet" message=NOTHING_YET icon=IconName::Compass /> }
                .into_any()
        };
    }
    let current = filters.page.unwrap_or(1).max(1);
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let first = u64::from(current - 1) * u64::from(PAGE_SIZE) + 1;
    let last = first + page.items.len() as u64 - 1;
    let name_of = |id: &str| projects.iter().find(|(p, _)| p == id).map(|(_, n)| n.clone());
    view! {
        <p class="memory-count muted" data-testid="memory-count">
            {format!("{total} learning{} · {first}–{last}", if total == 1 { "" } else { "s" })}
        </p>
        <div class="memory-list" data-testid="memory-list">
            {page.items.into_iter().map(|m| {
                let href = memory_href(m.id.as_str(), &filters);
                let project = m.project_id.as_ref().and_then(|p| name_of(p.as_str()));
                view! { <MemoryCard memory=m href project /> }
            }).collect_view()}
        </div>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label="Pages">
                <span data-testid="memory-pages">{format!("Page {current} of {pages}")}</span>
                {(current > 1).then(|| view! { <a class="button button--ghost" href=list_href(&filters, Some(current - 1)) data-testid="memory-previous">"Previous"</a> })}
                {(u64::from(current) < pages).then(|| view! { <a class="button button--ghost" href=list_href(&filters, Some(current + 1)) data-testid="memory-next">"Next"</a> })}
            </nav>
        })}
    }
    .into_any()
}

/// The search and filters, as a GET form.
#[component]
fn FilterBar(filters: MemoryFilters, projects: Vec<(String, String)>) -> impl IntoView {
    let f = filters;
    let select = |name: &'static str,
                  label: &'static str,
                  any: &'static str,
                  current: Option<String>,
                  words: Vec<(String, String)>| {
        let none = current.is_none();
        view! {
            <label class="filters__item">
                <span>{label}</span>
                <select name=name data-testid=format!("filter-{name}")>
                    <option value="" selected=none>{any}</option>
                    {words.into_iter().map(|(value, text)| {
                        let sel = current.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=sel>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let words = |all: &[(&'static str, &'static str)]| {
        all.iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect::<Vec<_>>()
    };
    let agents: Vec<_> = MemoryAgent::ALL.iter().map(|a| (a.as_str(), a.label())).collect();
    let kinds: Vec<_> = MemoryKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect();
    let platforms: Vec<_> = Platform::ALL.iter().map(|p| (p.as_str(), p.label())).collect();
    let objectives: Vec<_> = Objective::ALL.iter().map(|o| (o.as_str(), o.label())).collect();
    let actions: Vec<_> = MemoryAction::ALL
        .iter()
        .map(|a| (a.as_str(), a.label()))
        .collect();
    let verticals: Vec<_> = Vertical::ALL.iter().map(|v| (v.as_str(), v.label())).collect();
    let outcomes = [
        ("good", "Good"),
        ("bad", "Bad"),
        ("neutral", "Neutral"),
        ("pending", "Pending"),
        ("inconclusive", "Inconclusive"),
    ];
    view! {
        <form method="get" action="/memory" class="filters glass memory-filters" role="search" data-testid="memory-filters">
            <label class="filters__item filters__item--grow">
                <span>"Search"</span>
                <input type="search" name="q" placeholder="roas, creative fatigue, black friday…" value=f.q.clone().unwrap_or_default()
                    data-testid="memory-search" />
            </label>
            {select("agent", "Agent", "Any agent", f.agent.clone(), words(&agents))}
            {select("kind", "Kind", "Any kind", f.kind.clone(), words(&kinds))}
            {select("platform", "Platform", "Any platform", f.platform.clone(), words(&platforms))}
            {select("objective", "Objective", "Any objective", f.objective.clone(), words(&objectives))}
            {select("vertical", "Vertical", "Any vertical", f.vertical.clone(), words(&verticals))}
            {select("action", "Action", "Any action", f.action.clone(), words(&actions))}
            {select("project_id", "Project", "All projects", f.project_id.clone(), projects)}
            {select("outcome", "Outcome", "Any outcome", f.outcome.clone(), words(&outcomes))}
            <button type="submit" class="button button--ghost" data-testid="memory-apply">"Apply"</button>
            {f.any().then(|| view! { <a class="button button--ghost" href="/memory">"Clear"</a> })}
        </form>
    }
}
