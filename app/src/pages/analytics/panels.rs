//! The analytics tables: the numbers behind each chart, pacing and benchmarks, all in the
//! server-rendered HTML.

use super::charts;
use crate::components::format::{amount, date, locale};
use crate::components::{Chart, Column, DataTable, Heading, TableWrap};
use leptos::prelude::*;
use switchboard_core::analytics::benchmarks::{Benchmarks, Distribution};
use switchboard_core::analytics::pacing::{Pacing, PacingStatus};
use switchboard_core::analytics::pacing_finding::explain;
use switchboard_core::analytics::pacing_report::{BudgetSource, PacingReport, ProjectPacing};
use switchboard_core::analytics::report::Trend;
use switchboard_core::{Currency, Micros, Platform};

const PACING_COLUMNS: &[Column] = &[
    Column::text("Campaign"),
    Column::text("Platform"),
    Column::num("Daily budget"),
    Column::num("Spent"),
    Column::num("Expected"),
    Column::num("Pace"),
    Column::num("Projected (90% range)"),
    Column::text("Status"),
];

/// Spend per bucket and platform, folded away under the chart.
#[component]
pub fn TrendTable(trend: Trend, currency: Currency) -> impl IntoView {
    let platforms: Vec<Platform> = trend.series.iter().filter_map(|s| s.platform).collect();
    let rows: Vec<(String, Vec<String>)> = trend
        .buckets
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let cells = trend
                .series
                .iter()
                .map(|s| amount(s.spend_micros.get(i).copied().unwrap_or(0), currency))
                .collect();
            let label = if trend.partial_bucket == Some(i) {
                format!("{} (today, so far)", date(*day))
            } else {
                date(*day)
            };
            (label, cells)
        })
        .collect();
    let headings: Vec<Heading> = std::iter::once(Heading::text("Period from"))
        .chain(platforms.iter().map(|p| Heading::num(p.label())))
        .collect();
    view! {
        <details class="numbers">
            <summary>{format!("The numbers ({} {})", rows.len(), trend.granularity.as_str())}</summary>
            <DataTable testid="trend-table" columns=headings compact=true wrap=TableWrap::Scroll>
                {rows.into_iter().map(|(day, cells)| view! {
                    <tr>
                        <td>{day}</td>
                        {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </DataTable>
        </details>
    }
}

/// A pacing status's words and badge; `None` is a project without campaigns.
pub fn status(s: Option<PacingStatus>) -> (&'static str, &'static str) {
    match s {
        Some(PacingStatus::OnTrack) => ("On track", "badge badge--ok"),
        Some(PacingStatus::Over) => ("Over", "badge badge--bad"),
        Some(PacingStatus::Under) => ("Under", "badge badge--warn"),
        Some(PacingStatus::NoBudget) => ("No budget", "badge"),
        Some(PacingStatus::NotStarted) => ("Not started", "badge"),
        None => ("No campaigns", "badge badge--muted"),
    }
}

fn projected(p: &Pacing, currency: Currency) -> String {
    let l = locale();
    format!(
        "{} ({} – {})",
        amount(p.projected_micros, currency),
        l.money(Micros::new(p.projected_low_micros), currency),
        l.money(Micros::new(p.projected_high_micros), currency)
    )
}

/// One project's pacing this period: the gauge, the status, the figures, and why the project
/// disagrees with its campaigns when their budgets do not add up to its own.
#[component]
pub fn ProjectPacingCard(pacing: ProjectPacing, currency: Currency) -> impl IntoView {
    let p = pacing;
    let (label, class) = status(p.pacing.status);
    // The card names the project; the gauge says what its number is. A project without
    // campaigns has nothing to gauge.
    let gauge = p
        .pacing
        .status
        .and_then(|_| charts::pacing_gauge(&p.pacing, "of budget, projected"));
    let source = match p.budget_source {
        BudgetSource::Project => "project budget",
        BudgetSource::Campaigns => "sum of campaign budgets",
        BudgetSource::None => "no budget",
    };
    let id = format!("gauge-{}", p.project_id);
    let finding = p.budget_mismatch.as_ref().map(|m| {
        view! {
            <p class="notice pacing-finding" data-testid="pacing-finding" data-gap=format!("{:?}", m.gap)>
                {explain(m, currency, &locale())}
            </p>
        }
    });
    let share = match (p.pacing.status, p.pacing.budget_micros) {
        (Some(_), Some(b)) if b > 0 => Some(p.pacing.projected_micros as f64 / b as f64),
        _ => None,
    };
    view! {
        <article class="gauge-card" data-testid="pacing-project" data-project=p.project_id.to_string()>
            <div class="gauge-card__dial">
                <h3>{p.name.clone()}</h3>
                {gauge.map(|g| view! { <Chart id=id spec=Signal::stored(g) label=format!("Projected spend against budget for {}", p.name) class="chart--gauge" /> })}
                <p>
                    <span class=class data-testid="pacing-status">{label}</span>
                    {share.map(|s| view! { " " <span class="muted" data-testid="pacing-share">{format!("{} of budget, projected", locale().percent(s, 0))}</span> })}
                </p>
            </div>
            <div class="gauge-card__body">
                {finding}
                <dl class="facts">
                    <dt>"Budget"</dt><dd>{p.pacing.budget_micros.map_or_else(|| "—".to_owned(), |b| amount(b, currency))}<span class="muted">{format!(" ({source})")}</span></dd>
                    <dt>"Spent"</dt><dd>{amount(p.pacing.spent_micros, currency)}</dd>
                    <dt>"Expected by now"</dt><dd>{p.pacing.expected_micros.map_or_else(|| "—".to_owned(), |e| amount(e, currency))}</dd>
                    <dt>"Projected"</dt><dd>{projected(&p.pacing, currency)}</dd>
                </dl>
            </div>
        </article>
    }
}

/// Each project's pacing in a line (status, projected share of its budget) with why it disagrees
/// with its campaigns when it does: the dashboard's summary.
#[component]
pub fn PacingList(report: PacingReport) -> impl IntoView {
    let currency = report.currency;
    if report.projects.is_empty() {
        return view! { <p class="muted">"No project has a budget or campaigns this month."</p> }.into_any();
    }
    view! {
        <ul class="pacing-list" data-testid="pacing-list">
            {report.projects.into_iter().map(|p| {
                let (label, class) = status(p.pacing.status);
                let share = match (p.pacing.status, p.pacing.budget_micros) {
                    (Some(_), Some(b)) if b > 0 => Some(p.pacing.projected_micros as f64 / b as f64),
                    _ => None,
                };
                let finding = p.budget_mismatch.as_ref().map(|m| explain(m, currency, &locale()));
                view! {
                    <li class="pacing-list__item" data-testid="pacing-project" data-project=p.project_id.to_string()>
                        <p class="pacing-list__line">
                            <a href=format!("/projects/{}", p.project_id)>{p.name.clone()}</a>
                            <span class=class data-testid="pacing-status">{label}</span>
                            {share.map(|s| view! { <span class="muted">{format!("{} of budget, projected", locale().percent(s, 0))}</span> })}
                        </p>
                        {finding.map(|f| view! { <p class="notice pacing-finding" data-testid="pacing-finding">{f}</p> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// This month's pacing: a gauge per project and a table of campaigns, furthest off first.
#[component]
pub fn PacingPanel(report: PacingReport) -> impl IntoView {
    let currency = report.currency;
    let period = format!(
        "{} · day {} of {}",
        report.period.from.format("%B %Y"),
        report.projects.first().map_or(0, |p| p.pacing.days_elapsed),
        report.projects.first().map_or(0, |p| p.pacing.days_total)
    );
    view! {
        <section class="panel glass" aria-label="Pacing" data-testid="pacing">
            <h2 class="panel__title">"Budget pacing"<span class="muted">{format!(" · {period} · even pacing, as of {}", date(report.as_of))}</span></h2>
            <div class="gauge-grid">
                {report.projects.iter().cloned().map(|p| view! { <ProjectPacingCard pacing=p currency=currency /> }).collect_view()}
            </div>
            {(!report.campaigns.is_empty()).then(|| view! {
                <DataTable testid="pacing-table" columns=PACING_COLUMNS compact=true wrap=TableWrap::Scroll>
                    {report.campaigns.iter().map(|c| {
                        let (label, class) = status(c.pacing.status);
                        view! {
                            <tr>
                                <td><a href=format!("/campaigns/{}", c.id)>{c.name.clone()}</a></td>
                                <td>{c.platform.label()}</td>
                                <td class="num">{c.daily_budget_micros.map_or_else(|| "—".to_owned(), |b| amount(b, currency))}</td>
                                <td class="num">{amount(c.pacing.spent_micros, currency)}</td>
                                <td class="num">{c.pacing.expected_micros.map_or_else(|| "—".to_owned(), |e| amount(e, currency))}</td>
                                <td class="num">{c.pacing.pace.map_or_else(|| "—".to_owned(), |p| locale().percent(p, 0))}</td>
                                <td class="num">{projected(&c.pacing, currency)}</td>
                                <td><span class=class>{label}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
            })}
            {report.projects.is_empty().then(|| view! { <p class="muted">"No project has spend or a budget this month."</p> })}
        </section>
    }
}

fn spread(d: Option<&Distribution>, show: fn(f64) -> String) -> String {
    match d {
        Some(d) => format!("{} ({} – {})", show(d.median), show(d.q1), show(d.q3)),
        None => "—".to_owned(),
    }
}

/// Medians and quartiles per platform and objective, across every project.
#[component]
pub fn BenchmarksPanel(benchmarks: Benchmarks) -> impl IntoView {
    let pct = |v: f64| locale().percent(v, 2);
    let num = |v: f64| locale().number(v, 2);
    view! {
        <section class="panel glass" aria-label="Benchmarks" data-testid="benchmarks">
            <h2 class="panel__title">"Benchmarks"<span class="muted">{format!(
                " · median (quartiles) across all projects, campaigns with {} or more impressions", benchmarks.min_impressions
            )}</span></h2>
            {if benchmarks.groups.is_empty() {
                view! { <p class="muted">"Not enough campaigns with delivery in this window."</p> }.into_any()
            } else {
                let headings = vec![
                    Heading::text("Platform"),
                    Heading::text("Objective"),
                    Heading::num("Campaigns"),
                    Heading::num("CTR"),
                    Heading::num(format!("CPC ({})", benchmarks.currency)),
                    Heading::num(format!("CPM ({})", benchmarks.currency)),
                    Heading::num("CVR"),
                    Heading::num("ROAS"),
                ];
                view! {
                    <DataTable columns=headings compact=true wrap=TableWrap::Scroll>
                        {benchmarks.groups.iter().map(|g| {
                            let all = &g.all_projects;
                            let n = all.values().map(|d| d.n).max().unwrap_or(0);
                            view! {
                                <tr>
                                    <td>{g.platform.label()}</td>
                                    <td>{g.objective.clone()}</td>
                                    <td class="num">{n}</td>
                                    <td class="num">{spread(all.get("ctr"), pct)}</td>
                                    <td class="num">{spread(all.get("cpc"), num)}</td>
                                    <td class="num">{spread(all.get("cpm"), num)}</td>
                                    <td class="num">{spread(all.get("cvr"), pct)}</td>
                                    <td class="num">{spread(all.get("roas"), num)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>
    }
}
