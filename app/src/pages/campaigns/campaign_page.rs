use crate::components::format::{count, date, date_or_dash, decimal, money, number, percent, unit_cost};
use crate::components::{Chart, DataTable, Heading, Loaded, StatCard, TableWrap};
use crate::pages::analytics::charts;
use crate::server_fns::campaigns::CampaignDetail;
use crate::server_fns::get_campaign_detail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use switchboard_core::metrics::MetricValues;

/// One campaign with its daily performance in the common metric model.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (
            params.read().get("id").unwrap_or_default(),
            q.get("from").filter(|s| !s.is_empty()),
            q.get("to").filter(|s| !s.is_empty()),
        )
    };
    let detail = Resource::new(key, |(id, from, to)| get_campaign_detail(id, from, to));
    view! {
        <Loaded resource=detail let:d>
            {
                let (_, from, to) = key();
                view! { <CampaignView detail=d from to /> }
            }
        </Loaded>
    }
}

#[component]
fn CampaignView(detail: CampaignDetail, from: Option<String>, to: Option<String>) -> impl IntoView {
    let c = detail.campaign;
    let currency = c.currency;
    let mut total = MetricValues::default();
    for d in &detail.days {
        total.add(&d.values);
    }
    let units = move |m: switchboard_core::Micros| money(Some(m), currency);
    let trend = charts::campaign_trend(&detail.trend, currency);
    let partial_note = detail.trend.partial.map(|_| {
        view! { <p class="muted" data-testid="trend-partial">"Today's figures are still coming in: its bar is faded and its line dashed (“today, so far”)."</p> }
    });
    view! {
        <Title text=c.name.clone() />
        <header class="page-header">
            <div>
                <p class="page-header__crumb">
                    <a href="/campaigns">"Campaigns"</a> " · " <a href=format!("/projects/{}", detail.project.id)>{detail.project.name.clone()}</a>
                </p>
                <h1 class="page-header__title" data-testid="campaign-name">{c.name.clone()}</h1>
                <p class="page-header__subtitle">
                    {format!("{} · {} ({}) · id {}", c.platform.label(), c.status.label(), c.platform_status, c.external_id)}
                </p>
            </div>
        </header>
        <section class="panel glass">
            <dl class="facts">
                <dt>"Objective"</dt>
                <dd>{c.objective.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>"Daily budget"</dt>
                <dd>{money(c.daily_budget, currency)}</dd>
                <dt>"Runs"</dt>
                <dd>{format!("{} to {}", date_or_dash(c.start_date), c.end_date.map(date).unwrap_or_else(|| "open end".into()))}</dd>
            </dl>
        </section>
        <form method="get" class="filters glass">
            <label class="filters__item">
                <span>"From"</span>
                <input type="date" name="from" value=from.unwrap_or_default() />
            </label>
            <label class="filters__item">
                <span>"To"</span>
                <input type="date" name="to" value=to.unwrap_or_default() />
            </label>
            <button type="submit" class="button button--ghost">"Show"</button>
        </form>
        <section class="stat-grid" aria-label="Totals for the period">
            <StatCard label="Spend" text=units(total.spend)
                detail=format!("over {} days", count(detail.days.len() as u64)) testid="total-spend" />
            <StatCard label="CPA" text=unit_cost(total.cpa(), currency)
                detail=format!("{} conversions · CVR {}", number(total.conversions, 1), percent(total.cvr())) testid="total-cpa" />
            <StatCard label="ROAS" text=decimal(total.roas()) detail=format!("{} conversion value", units(total.conversion_value)) testid="total-roas" />
            <StatCard label="Clicks" value=total.clicks detail=format!("CTR {}", percent(total.ctr())) testid="total-clicks" />
        </section>
        {(!detail.trend.dates.is_empty()).then(|| view! {
            <section class="panel glass" aria-label="Trend">
                <h2 class="panel__title">"Spend and conversions per day"</h2>
                <Chart id="campaign-trend" spec=Signal::stored(trend) label="Spend (bars) and conversions (line) per day" />
                {partial_note}
            </section>
        })}
        <section class="panel glass" aria-label="Daily performance">
            <h2 class="panel__title">"Daily performance"</h2>
            {if detail.days.is_empty() {
                view! { <p class="muted">"No performance recorded for these days."</p> }.into_any()
            } else {
                let headings = vec![
                    Heading::text("Date"),
                    Heading::num("Spend"),
                    Heading::num("Impressions"),
                    Heading::num("Clicks"),
                    Heading::num("CTR"),
                    Heading::num("CPC"),
                    Heading::num("Conversions"),
                    Heading::num("Value"),
                    Heading::num("ROAS"),
                ];
                view! {
                    <DataTable testid="metrics-table" columns=headings wrap=TableWrap::Scroll>
                        {detail.days.iter().rev().map(|d| {
                            let v = d.values;
                            let today = detail.trend.partial.and_then(|p| detail.trend.dates.get(p)) == Some(&d.date);
                            view! {
                                <tr>
                                    <td>{date(d.date)}{today.then_some(" (today, so far)")}</td>
                                    <td class="num">{units(v.spend)}</td>
                                    <td class="num">{count(v.impressions)}</td>
                                    <td class="num">{count(v.clicks)}</td>
                                    <td class="num">{percent(v.ctr())}</td>
                                    <td class="num">{unit_cost(v.cpc(), currency)}</td>
                                    <td class="num">{number(v.conversions, 1)}</td>
                                    <td class="num">{units(v.conversion_value)}</td>
                                    <td class="num">{decimal(v.roas())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>
    }
}
