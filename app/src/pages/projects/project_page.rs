use super::projects_page::StatusBadge;
use crate::components::format::{date_range, day, money};
use crate::components::{CampaignRows, EmptyState, IconName, Loaded, TableWrap, Time};
use crate::pages::analytics::panels::ProjectPacingCard;
use crate::server_fns::projects::ProjectDetail;
use crate::server_fns::{SetProjectStatus, get_project_detail};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use switchboard_core::project::ProjectStatus;

#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // The window of the campaigns' figures, from the URL (the 30 days ending today by default).
    let window = move || {
        let q = query.read();
        (
            q.get("from").filter(|s| !s.is_empty()),
            q.get("to").filter(|s| !s.is_empty()),
        )
    };
    let set_status = ServerAction::<SetProjectStatus>::new();
    let detail = Resource::new(
        move || (id(), window(), set_status.version().get()),
        |(id, (from, to), _)| get_project_detail(id, from, to),
    );
    view! {
        <Loaded resource=detail let:d>
            <ProjectView detail=d set_status />
        </Loaded>
    }
}

#[component]
fn ProjectView(detail: ProjectDetail, set_status: ServerAction<SetProjectStatus>) -> impl IntoView {
    let p = detail.project;
    let window = detail.window;
    let pacing_currency = detail.pacing.currency;
    let pacing_period = detail.pacing.period;
    let pacing = detail.pacing.projects.into_iter().find(|x| x.project_id == p.id);
    let archived = p.status == ProjectStatus::Archived;
    let platforms = if p.platforms.is_empty() {
        "—".to_owned()
    } else {
        p.platforms
            .iter()
            .map(|x| x.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <Title text=p.name.clone() />
        <header class="page-header">
            <div>
                <p class="page-header__crumb"><a href="/projects">"Projects"</a></p>
                <h1 class="page-header__title" data-testid="project-name">{p.name.clone()}</h1>
                <p class="page-header__subtitle">
                    <StatusBadge status=p.status />
                    " "
                    {p.client.clone().unwrap_or_default()}
                </p>
            </div>
            <div class="page-header__actions">
                <a class="button button--ghost" href=format!("/projects/{}/edit", p.id) data-testid="edit-project">"Edit"</a>
                <ActionForm action=set_status>
                    <input type="hidden" name="id" value=p.id.to_string() />
                    <input type="hidden" name="status" value=if archived { "active" } else { "archived" } />
                    <button type="submit" class="button button--ghost" data-testid="archive-project">
                        {if archived { "Restore" } else { "Archive" }}
                    </button>
                </ActionForm>
            </div>
        </header>
        <section class="panel glass">
            <dl class="facts">
                <dt>"Monthly budget"</dt>
                <dd>{money(p.monthly_budget, p.currency)}</dd>
                <dt>"Platforms"</dt>
                <dd>{platforms}</dd>
                <dt>"Vertical"</dt>
                <dd data-testid="project-vertical">{p.vertical.map_or("—", |v| v.label())}</dd>
                <dt>"Created"</dt>
                <dd>{day(&p.created_at)}</dd>
            </dl>
            {p.description.clone().map(|d| view! { <p class="panel__note">{d}</p> })}
        </section>
        <section class="panel glass" aria-label="Budget pacing" data-testid="project-pacing">
            <h2 class="panel__title">"Budget pacing"<span class="muted">{format!(" · {} · projected to month end", pacing_period.from.format("%B %Y"))}</span></h2>
            {pacing.map(|pp| view! { <div class="gauge-grid gauge-grid--single"><ProjectPacingCard pacing=pp currency=pacing_currency /></div> })}
        </section>
        <section class="panel glass" aria-label="Campaigns">
            <div class="panel__head">
                <h2 class="panel__title">{format!("Campaigns ({})", detail.campaigns.total)}</h2>
                <form method="get" class="filters filters--inline" data-testid="project-window">
                    <label class="filters__item">
                        <span>"Figures from"</span>
                        <input type="date" name="from" value=window.from.to_string() />
                    </label>
                    <label class="filters__item">
                        <span>"To"</span>
                        <input type="date" name="to" value=window.to.to_string() />
                    </label>
                    <button type="submit" class="button button--ghost">"Show"</button>
                </form>
            </div>
            <p class="muted" data-testid="campaign-window">{format!("Spend, CPA and ROAS from {}", date_range(window.from, window.to))}</p>
            {if detail.campaigns.items.is_empty() {
                view! { <p class="muted">"No campaigns in this project yet."</p> }.into_any()
            } else {
                view! { <CampaignRows campaigns=detail.campaigns.items figures=detail.figures show_project=false wrap=TableWrap::Scroll /> }.into_any()
            }}
        </section>
        <section class="panel glass" aria-label="Activity">
            <h2 class="panel__title">"Activity"</h2>
            {if detail.activity.is_empty() {
                view! { <EmptyState title="No activity yet" message="What people and agents do in this project shows up here." icon=IconName::Inbox /> }.into_any()
            } else {
                view! {
                    <ul class="feed" data-testid="activity-feed">
                        {detail.activity.into_iter().map(|a| view! {
                            <li class="feed__item">
                                <Time at=a.occurred_at relative=true class="feed__time" />
                                <span class="feed__actor">{a.actor}</span>
                                <span class="feed__summary">{a.summary}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
