use super::charts;
use super::panels::{BenchmarksPanel, PacingPanel, TrendTable};
use super::sync_panel::SyncPanel;
use crate::components::format::{count, date, date_range, decimal, money, number, percent, unit_cost};
use crate::components::{Chart, EmptyState, ErrorPanel, IconName, PageHeader, PlatformTable};
use crate::server_fns::get_analytics;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::analytics::overview::{AnalyticsOverview, ProjectChoice};
use switchboard_core::analytics::{Compared, Metric};
use switchboard_core::{Currency, Micros};

/// The filters in the URL: `from`, `to` (ISO dates) and `project`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    from: Option<String>,
    to: Option<String>,
    project: Option<String>,
}

/// The export link for `format` over the same window and project.
fn export_link(o: &AnalyticsOverview, format: &str) -> String {
    let mut url = format!(
        "/api/v1/analytics/export?format={format}&from={}&to={}",
        o.range.from, o.range.to
    );
    if let Some(p) = &o.project_id {
        url.push_str(&format!("&project_id={p}"));
    }
    url
}

/// A link to this page over `[from, to]`, keeping the project.
fn range_link(project: Option<&str>, from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    let mut url = format!("/analytics?from={from}&to={to}");
    if let Some(p) = project {
        url.push_str(&format!("&project={p}"));
    }
    url
}

/// Spend, results and pacing across platforms for a window and a project, with exports, charts
/// drawn after hydration and every number also in the page's HTML.
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        Filters {
            from: get("from"),
            to: get("to"),
            project: get("project"),
        }
    };
    let data = Resource::new(filters, |f| get_analytics(f.from, f.to, f.project));
    // The charts live outside the transitions: a filter change updates them in place, keeping the
    // last figures while the next load.
    let overview = move || data.get().and_then(Result::ok);
    let trend = Signal::derive(move || overview().map_or_else(empty_chart, |o| charts::spend_trend(&o)));
    let compare =
        Signal::derive(move || overview().map_or_else(empty_chart, |o| charts::platform_comparison(&o)));
    // The heading says what went wrong (once) and keeps the filters to correct it with; the other
    // sections stay empty.
    let section = move |f: fn(AnalyticsOverview, Filters) -> AnyView| {
        view! {
            <Transition fallback=|| view! { <div class="panel glass skeleton"></div> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(_) => ().into_any(),
                        Ok(o) => f(o, filters()),
                    }
                })}
            </Transition>
        }
    };
    let heading = move || {
        view! {
            <Transition fallback=|| view! { <div class="panel glass skeleton"></div> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => {
                            let f = filters();
                            let (from, to) = (f.from.clone().unwrap_or_default(), f.to.clone().unwrap_or_default());
                            view! {
                                <div class="toolbar">
                                    <FilterForm filters=f projects=Vec::new() from=from to=to />
                                </div>
                                <ErrorPanel error=e />
                            }
                            .into_any()
                        }
                        Ok(o) => view! { <Heading overview=o filters=filters() /> }.into_any(),
                    }
                })}
            </Transition>
        }
    };
    view! {
        <PageHeader title="Analytics" subtitle="Spend and results across Google, Meta and Pinterest" />
        {heading()}
        <div class="chart-grid">
            <section class="panel glass" aria-label="Spend trend">
                <h2 class="panel__title">"Spend by platform"</h2>
                <Chart id="chart-trend" spec=trend label="Spend over time, stacked by platform" />
                {section(|o, _| view! { <TrendTable trend=o.trend currency=o.currency /> }.into_any())}
            </section>
            <section class="panel glass" aria-label="Platform comparison">
                <h2 class="panel__title">"Platforms: spend and ROAS"</h2>
                <Chart id="chart-platforms" spec=compare label="Spend (bars) and ROAS (line) per platform" />
                {section(|o, _| view! { <PlatformTable platforms=o.summary.platforms currency=o.currency /> }.into_any())}
            </section>
        </div>
        {section(|o, _| view! { <PacingPanel report=o.pacing /> <BenchmarksPanel benchmarks=o.benchmarks /> }.into_any())}
        <SyncPanel />
    }
}

/// Filters, exports, notices and the key figures.
#[component]
fn Heading(overview: AnalyticsOverview, filters: Filters) -> impl IntoView {
    let o = overview;
    let project = o.project_id.as_ref().map(|p| p.to_string());
    let empty = o.summary.total.current.spend_micros == 0 && o.summary.total.current.impressions == 0;
    let today = o.today;
    let quick: Vec<(&str, String)> = [(7_u64, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days")]
        .into_iter()
        .map(|(days, label)| {
            let from = today
                .checked_sub_days(chrono::Days::new(days - 1))
                .unwrap_or(today);
            (label, range_link(project.as_deref(), from, today))
        })
        .collect();
    let span_hint = o.data_span.filter(|_| empty).map(|(from, to)| {
        let start = to.checked_sub_days(chrono::Days::new(89)).unwrap_or(to).max(from);
        let href = range_link(project.as_deref(), start, to);
        view! {
            <p class="notice" data-testid="data-span">
                {format!("No spend between {} and {}. The data runs from {} to {}. ", date(o.range.from), date(o.range.to), date(from), date(to))}
                <a href=href>"Show its last 90 days"</a>
            </p>
        }
    });
    let missing = (!o.summary.missing_rates.is_empty()).then(|| {
        let list = o.summary.missing_rates.iter().map(Currency::to_string).collect::<Vec<_>>().join(", ");
        view! {
            <p class="notice notice--bad" role="alert">
                {format!("No exchange rate for {list}: those campaigns are left out. Add rates under /api/v1/analytics/exchange-rates.")}
            </p>
        }
    });
    let nothing = o.projects.is_empty().then(|| view! {
        <EmptyState title="No data yet" message="Import the earlier version's files, or add a connection and sync it (below)." icon=IconName::Compass />
    });
    view! {
        <div class="toolbar">
            <FilterForm filters=filters projects=o.projects.clone() from=o.range.from.to_string() to=o.range.to.to_string() />
            <nav class="quick-ranges" aria-label="Quick ranges">
                {quick.into_iter().map(|(label, href)| view! { <a class="chip" href=href>{label}</a> }).collect_view()}
            </nav>
            <div class="exports" data-testid="exports">
                <span class="muted">"Export"</span>
                <a class="button button--ghost" href=export_link(&o, "csv") download data-testid="export-csv">"CSV"</a>
                <a class="button button--ghost" href=export_link(&o, "json") download data-testid="export-json">"JSON"</a>
                <a class="button button--ghost" href=export_link(&o, "powerbi") download data-testid="export-powerbi">"Power BI"</a>
            </div>
        </div>
        {nothing}
        {missing}
        {span_hint}
        <KpiCards total=o.summary.total.clone() currency=o.currency range=date_range(o.range.from, o.range.to) />
    }
}

fn empty_chart() -> crate::components::ChartSpec {
    crate::components::ChartSpec::Trend {
        labels: Vec::new(),
        series: Vec::new(),
        unit: String::new(),
        partial: None,
    }
}

#[component]
fn FilterForm(filters: Filters, projects: Vec<ProjectChoice>, from: String, to: String) -> impl IntoView {
    view! {
        <form method="get" action="/analytics" class="filters glass" role="search" data-testid="analytics-filters">
            <label class="filters__item">
                <span>"From"</span>
                <input type="date" name="from" value=from required />
            </label>
            <label class="filters__item">
                <span>"To"</span>
                <input type="date" name="to" value=to required />
            </label>
            <label class="filters__item">
                <span>"Project"</span>
                <select name="project">
                    <option value="">"All projects"</option>
                    {projects.into_iter().map(|p| {
                        let id = p.id.to_string();
                        let sel = filters.project.as_deref() == Some(id.as_str());
                        view! { <option value=id selected=sel>{p.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">"Apply"</button>
        </form>
    }
}

/// One card per key figure, with its change against the previous period of the same length.
#[component]
fn KpiCards(total: Compared, currency: Currency, range: String) -> impl IntoView {
    let k = total.current;
    let cards: Vec<(Metric, String, String)> = vec![
        (
            Metric::Spend,
            money(Some(Micros::new(k.spend_micros)), currency),
            k.spend_micros.to_string(),
        ),
        (
            Metric::ConversionValue,
            money(Some(Micros::new(k.conversion_value_micros)), currency),
            k.conversion_value_micros.to_string(),
        ),
        (Metric::Roas, decimal(k.roas), decimal(k.roas)),
        (
            Metric::Conversions,
            number(k.conversions, 1),
            format!("{:.4}", k.conversions),
        ),
        (Metric::Cpa, unit_cost(k.cpa, currency), decimal(k.cpa)),
        (
            Metric::Impressions,
            count(k.impressions),
            k.impressions.to_string(),
        ),
        (Metric::Clicks, count(k.clicks), k.clicks.to_string()),
        (Metric::Ctr, percent(k.ctr), decimal(k.ctr)),
        (Metric::Cpc, unit_cost(k.cpc, currency), decimal(k.cpc)),
        (Metric::Cpm, unit_cost(k.cpm, currency), decimal(k.cpm)),
    ];
    view! {
        <section class="kpi-grid" aria-label=format!("Key figures, {range}") data-testid="kpis">
            {cards.into_iter().map(|(metric, shown, raw)| {
                let change = total.change.get(metric.as_str()).copied();
                let (class, text) = match change {
                    None => ("kpi__change", "no comparison".to_owned()),
                    Some(c) => {
                        let good = (c > 0.0) != metric.lower_is_better();
                        let class = if c.abs() < 0.005 { "kpi__change" } else if good { "kpi__change kpi__change--good" } else { "kpi__change kpi__change--bad" };
                        (class, format!("{}{} vs previous", if c >= 0.0 { "+" } else { "−" }, percent_1(c.abs())))
                    }
                };
                view! {
                    <article class="kpi glass" data-testid=format!("kpi-{}", metric.as_str()) data-value=raw>
                        <p class="kpi__label">{metric.label()}</p>
                        <p class="kpi__value">{shown}</p>
                        <p class=class>{text}</p>
                    </article>
                }
            }).collect_view()}
        </section>
    }
}

/// A change as a percentage with one decimal.
fn percent_1(v: f64) -> String {
    crate::components::format::locale().percent(v, 1)
}
