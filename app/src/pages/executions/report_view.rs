//! A stage's output for people: a report's lines and findings, a plan's split, a list of changes.

use super::cited::{Known, Recalled};
use crate::components::{Column, DataTable, TableWrap};
use leptos::prelude::*;
use serde_json::Value;

const PLAN_COLUMNS: &[Column] = &[
    Column::text("Platform"),
    Column::num("Share"),
    Column::num("Daily budget"),
    Column::text("Why"),
];

const REPORT_COLUMNS: &[Column] = &[
    Column::text("Platform"),
    Column::num("Spend"),
    Column::num("Impressions"),
    Column::num("Clicks"),
    Column::num("Conversions"),
    Column::num("CPA"),
    Column::num("ROAS"),
];

fn money(micros: &Value) -> String {
    micros.as_i64().map_or_else(
        || "—".to_owned(),
        |m| crate::components::format::number(m as f64 / 1e6, 2),
    )
}

fn num(v: &Value, digits: usize) -> String {
    v.as_f64().map_or_else(
        || "—".to_owned(),
        |x| crate::components::format::number(x, digits),
    )
}

/// A proposed change (`switchboard_core::approval::ProposedChange`) in one line.
fn proposed_change_text(x: &Value) -> String {
    let value = |v: &Value| match v {
        Value::Number(_) if x["field"].as_str().is_some_and(|f| f.ends_with("_micros")) => money(v),
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        Value::Object(o) => o.get("name").and_then(Value::as_str).unwrap_or("new").to_owned(),
        other => other.to_string(),
    };
    let field = match x["field"].as_str().unwrap_or_default() {
        "daily_budget_micros" => "daily budget",
        "cpc_bid_micros" => "max CPC bid",
        "campaign" => "new campaign",
        "promotion" => "new Pin promotion",
        other => other,
    };
    let outcome = match (
        x["decision"].as_str().unwrap_or(""),
        x["applied"].as_bool(),
        x["error"].as_str(),
    ) {
        (_, _, Some(e)) => format!("refused: {e}"),
        (d, Some(true), None) => format!("{}, applied", d.replace('_', " ")),
        (d, _, None) => d.replace('_', " "),
    };
    format!(
        "'{}' on {}: {field} {} → {} — {} ({outcome})",
        x["object_name"].as_str().unwrap_or_default(),
        x["platform"].as_str().unwrap_or_default(),
        value(&x["from"]),
        value(&x["to"]),
        x["why"].as_str().unwrap_or_default()
    )
}

#[component]
pub fn StageOutput(output: Value) -> impl IntoView {
    let summary = output["summary"].as_str().map(str::to_owned);
    let report = output.get("report").cloned();
    let plan = output.get("plan").and_then(Value::as_array).cloned();
    let strings = |v: &Vec<Value>| {
        v.iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let known = output.get("known").and_then(Value::as_array).map(strings);
    // The report's "Known" lines already cite what it recalled.
    let recalled = output
        .get("recalled")
        .and_then(Value::as_array)
        .filter(|_| known.is_none())
        .cloned();
    let changes = output
        .get("changes")
        .or_else(|| output.get("paused"))
        .or_else(|| output.get("launched"))
        .and_then(Value::as_array)
        .cloned();
    let view = view! {
        {summary.map(|s| view! { <p class="stage__summary">{s}</p> })}
        {known.map(|lines| view! { <Known lines=lines /> })}
        {recalled.map(|items| view! { <Recalled items=items /> })}
        {report.map(|r| view! { <ReportTable report=r /> })}
        {plan.map(|p| view! {
            <DataTable testid="plan-table" columns=PLAN_COLUMNS compact=true wrap=TableWrap::Bare>
                {p.into_iter().map(|s| view! {
                    <tr>
                        <td>{s["platform"].as_str().unwrap_or_default().to_owned()}</td>
                        <td class="num">{crate::components::format::locale().percent(s["share"].as_f64().unwrap_or(0.0), 0)}</td>
                        <td class="num">{money(&s["daily_budget_micros"])}</td>
                        <td>{s["reason"].as_str().unwrap_or_default().to_owned()}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
        })}
        {changes.filter(|c| !c.is_empty()).map(|c| view! {
            <ul class="stage__changes">
                {c.into_iter().map(|x| {
                    if x.get("why").is_some() {
                        return view! { <li data-testid="stage-change">{proposed_change_text(&x)}</li> }.into_any();
                    }
                    let named = x["name"].as_str().map(|n| format!("'{n}' on {}: ", x["platform"].as_str().unwrap_or(""))).unwrap_or_default();
                    let text = x["reason"].as_str().map(|r| format!("{named}{r}")).unwrap_or_else(|| {
                        let what = x["name"].as_str().or_else(|| x["campaign_id"].as_str()).or_else(|| x["ad_group_id"].as_str()).unwrap_or("");
                        format!("{} {what} {}", x["platform"].as_str().unwrap_or(""), x["error"].as_str().unwrap_or(""))
                    });
                    view! { <li>{text}</li> }.into_any()
                }).collect_view()}
            </ul>
        })}
    };
    view.into_any()
}

#[component]
fn ReportTable(report: Value) -> impl IntoView {
    let lines: Vec<Value> = report["platforms"].as_array().cloned().unwrap_or_default();
    let total = report["total"].clone();
    let findings: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect();
    let row = |l: &Value| {
        view! {
            <tr>
                <td>{l["label"].as_str().unwrap_or_default().to_owned()}</td>
                <td class="num">{money(&l["spend_micros"])}</td>
                <td class="num">{l["impressions"].as_u64().map_or_else(|| "—".to_owned(), crate::components::format::count)}</td>
                <td class="num">{l["clicks"].as_u64().map_or_else(|| "—".to_owned(), crate::components::format::count)}</td>
                <td class="num">{num(&l["conversions"], 0)}</td>
                <td class="num">{num(&l["cpa"], 2)}</td>
                <td class="num">{num(&l["roas"], 2)}</td>
            </tr>
        }
    };
    let view = view! {
        <DataTable testid="report-table" columns=REPORT_COLUMNS compact=true wrap=TableWrap::Bare>
            {lines.iter().map(row).collect_view()}
            {row(&total)}
        </DataTable>
        <ul class="stage__findings">{findings.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
    };
    view.into_any()
}
