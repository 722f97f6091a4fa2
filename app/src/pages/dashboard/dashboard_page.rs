use crate::components::format::{count as format_count, date};
use crate::components::{
    Chart, ChartSpec, EmptyState, Icon, IconName, Loaded, PageHeader, PlatformTable, StatCard, Time,
};
use crate::pages::analytics::charts;
use crate::pages::analytics::panels::PacingList;
use crate::server_fns::{get_analytics, get_dashboard_summary, list_runs};
use leptos::prelude::*;
use switchboard_core::dashboard::DashboardSummary;

/// The first page: what exists and what is running, read from the database.
#[component]
pub fn DashboardPage() -> impl IntoView {
    // Bumped by the refresh button; the resource reloads when it changes.
    let version = RwSignal::new(0_u32);
    // Bumped by every run that starts or ends (the global event stream).
    let live = RwSignal::new(0_u32);
    let summary = Resource::new(move || (version.get(), live.get()), |_| get_dashboard_summary());
    let running = Resource::new(
        move || (version.get(), live.get()),
        |_| list_runs(Some("running".to_owned()), None, None),
    );
    // The last 30 days across projects, for the two charts.
    let analytics = Resource::new(move || version.get(), |_| get_analytics(None, None, None));
    // Set by the transitions below when the figures arrive (see the Analytics page).
    let figures = RwSignal::new(None);
    let empty = || ChartSpec::Trend {
        labels: Vec::new(),
        series: Vec::new(),
        unit: String::new(),
        partial: None,
    };
    let trend = Signal::derive(move || {
        figures.with(|o: &Option<_>| o.as_ref().map_or_else(empty, charts::spend_trend))
    });
    let compare = Signal::derive(move || {
        figures.with(|o: &Option<_>| o.as_ref().map_or_else(empty, charts::platform_comparison))
    });
    Effect::new(move |started: Option<bool>| {
        if started.is_none() {
            crate::pages::follow_runs(live);
        }
        true
    });

    let refresh = move |ev: leptos::ev::MouseEvent| {
        // Without JavaScript the link reloads the page; with it, only the figures reload.
        ev.prevent_default();
        version.update(|v| *v += 1);
    };

    view! {
        <PageHeader title="Dashboard" subtitle="Your projects, campaigns and workflows at a glance">
            <a href="/" class="button button--ghost" data-testid="refresh" on:click=refresh>
                <Icon name=IconName::Refresh />
                <span>"Refresh"</span>
            </a>
        </PageHeader>
        <Loaded resource=summary fallback=|| view! { <SummarySkeleton /> } let:s>
            <SummaryView summary=s />
        </Loaded>
        <div class="chart-grid">
            <section class="panel glass" aria-label="Spend trend, last 30 days">
                <h2 class="panel__title">"Spend by platform"<span class="muted">" · last 30 days"</span></h2>
                <Chart id="dashboard-trend" spec=trend label="Spend over the last 30 days, stacked by platform" />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        analytics.await.ok().map(|o| {
                            if figures.with_untracked(|f: &Option<_>| f.as_ref() != Some(&o)) {
                                figures.set(Some(o.clone()));
                            }
                            let total = switchboard_core::Micros::new(o.summary.total.current.spend_micros);
                            view! {
                                <p class="muted" data-testid="dashboard-spend">
                                    {format!("{} spent from {} to {}. ", crate::components::format::money(Some(total), o.currency), date(o.range.from), date(o.range.to))}
                                    <a href="/analytics">"Open Analytics"</a>
                                </p>
                            }
                        })
                    })}
                </Transition>
            </section>
            <section class="panel glass" aria-label="Platform comparison, last 30 days">
                <h2 class="panel__title">"Platforms: spend and ROAS"<span class="muted">" · last 30 days"</span></h2>
                <Chart id="dashboard-platforms" spec=compare label="Spend (bars) and ROAS (line) per platform, last 30 days" />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        analytics.await.ok().map(|o| view! {
                            <PlatformTable platforms=o.summary.platforms currency=o.currency />
                        })
                    })}
                </Transition>
            </section>
        </div>
        <section class="panel glass" aria-label="Budget pacing" data-testid="dashboard-pacing">
            <h2 class="panel__title">"Budget pacing"<span class="muted">" · this month, projected"</span></h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    analytics.await.ok().map(|o| view! { <PacingList report=o.pacing /> })
                })}
            </Transition>
        </section>
        <section class="panel glass" aria-label="Running now">
            <h2 class="panel__title">"Running now"</h2>
            <Loaded resource=running fallback=|| view! { <p class="muted">"…"</p> } let:found>
                {if found.runs.is_empty() {
                    view! { <p class="muted" data-testid="running-none">"No workflow is running."</p> }.into_any()
                } else {
                    view! {
                        <ul class="feed" data-testid="running-now">
                            {found.runs.into_iter().take(10).map(|r| view! {
                                <li class="feed__item">
                                    <a href=format!("/executions/{}", r.id)>{r.workflow_name.clone().unwrap_or_else(|| r.id.to_string())}</a>
                                    {r.started_at.map(|t| view! { <span class="feed__time">"started "<Time at=t relative=true /></span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </Loaded>
        </section>
        <p class="refresh-count visually-hidden" data-testid="refresh-count">{move || version.get()}</p>
    }
}

#[component]
fn SummaryView(summary: DashboardSummary) -> impl IntoView {
    let empty = summary.is_empty();
    let platform_detail = summary
        .campaigns
        .by_platform
        .iter()
        .map(|(p, n)| format!("{} {}", p.label(), format_count(*n)))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <section class="stat-grid" aria-label="Totals">
            <StatCard
                label="Projects"
                value=summary.projects.total
                detail=format!("{} active", format_count(summary.projects.active))
                testid="stat-projects"
            />
            <StatCard
                label="Campaigns"
                value=summary.campaigns.total
                detail=format!("{} active", format_count(summary.campaigns.active))
                testid="stat-campaigns"
            />
            <StatCard
                label="Workflows"
                value=summary.workflows
                detail="defined".to_owned()
                testid="stat-workflows"
            />
            <StatCard
                label="Executions"
                value=summary.executions.total
                detail=format!(
                    "{} running · {} failed",
                    format_count(summary.executions.running),
                    format_count(summary.executions.failed),
                )
                testid="stat-executions"
            />
        </section>
        <section class="panel glass" aria-label="Campaigns by platform">
            <h2 class="panel__title">"Campaigns by platform"</h2>
            <ul class="platform-list" data-testid="platform-counts">
                {summary
                    .campaigns
                    .by_platform
                    .iter()
                    .map(|(platform, n)| {
                        let share = if summary.campaigns.total == 0 {
                            0.0
                        } else {
                            *n as f64 * 100.0 / summary.campaigns.total as f64
                        };
                        view! {
                            <li class=format!("platform-list__item platform--{}", platform.as_str())>
                                <span class="platform-list__name">{platform.label()}</span>
                                <span class="platform-list__bar" aria-hidden="true">
                                    <span style=format!("width: {share:.1}%")></span>
                                </span>
                                <span class="platform-list__count">{format_count(*n)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="visually-hidden">{platform_detail}</p>
        </section>
        {empty
            .then(|| {
                view! {
                    <EmptyState
                        title="Nothing here yet"
                        message="Projects, their campaigns and the workflows your agents run will show up here as soon as they exist."
                        icon=IconName::Compass
                    />
                }
            })}
    }
}

#[component]
fn SummarySkeleton() -> impl IntoView {
    view! {
        <section class="stat-grid" aria-busy="true" aria-label="Loading totals">
            {(0..4).map(|_| view! { <div class="stat-card glass skeleton"></div> }).collect_view()}
        </section>
    }
}
