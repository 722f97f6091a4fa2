use crate::components::format::{decimal, money, percent};
use crate::components::{DataTable, Heading, Loaded, StatCard, TableWrap};
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
    let units = move |m: switchboard_core::Micros| m.format_units(currency);
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
                <dd>{format!("{} to {}", c.start_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()), c.end_date.map(|d| d.to_string()).unwrap_or_else(|| "open end".into()))}</dd>
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
            <StatCard label="Spend" value=u64::try_from(total.spend.get() / 1_000_000).unwrap_or(0)
                detail=format!("{} {currency} over {} days", units(total.spend), detail.days.len()) testid="total-spend" />
            <StatCard label="Clicks" value=total.clicks detail=format!("CTR {}", percent(total.ctr())) testid="total-clicks" />
            <StatCard label="Conversions" value=total.conversions.round() as u64 detail=format!("CVR {} · CPA {}", percent(total.cvr()), decimal(total.cpa())) testid="total-conversions" />
            <StatCard label="ROAS" value=total.roas().map(|r| r.round() as u64).unwrap_or(0) detail=format!("{} value · ROAS {}", units(total.conversion_value), decimal(total.roas())) testid="total-roas" />
        </section>
        <section class="panel glass" aria-label="Daily performance">
            <h2 class="panel__title">"Daily performance"</h2>
            {if detail.days.is_empty() {
                view! { <p class="muted">"No performance recorded for these days."</p> }.into_any()
            } else {
                let headings = vec![
                    Heading::text("Date"),
                    Heading::num(format!("Spend ({currency})")),
                    Heading::num("Impressions"),
                    Heading::num("Clicks"),
                    Heading::num("CTR"),
                    Heading::num("CPC"),
                    Heading::num("Conversions"),
                    Heading::num(format!("Value ({currency})")),
                    Heading::num("ROAS"),
                ];
                view! {
                    <DataTable testid="metrics-table" columns=headings wrap=TableWrap::Scroll>
                        {detail.days.iter().rev().map(|d| {
                            let v = d.values;
                            view! {
                                <tr>
                                    <td>{d.date.to_string()}</td>
                                    <td class="num">{units(v.spend)}</td>
                                    <td class="num">{v.impressions}</td>
                                    <td class="num">{v.clicks}</td>
                                    <td class="num">{percent(v.ctr())}</td>
                                    <td class="num">{decimal(v.cpc())}</td>
                                    <td class="num">{format!("{:.1}", v.conversions)}</td>
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
