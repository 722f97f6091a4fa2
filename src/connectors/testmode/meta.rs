//! Meta Marketing API answers: Graph objects with string ids, budgets as strings in the
//! currency's minor unit, insights with decimal-string spend and `actions` / `action_values`
//! lists, and cursor paging.

use super::{ConnectorError, Dated, TestAccount, TestCampaign, int, range, text};
use crate::money::Currency;
use chrono::NaiveDate;
use serde_json::{Value, json};

const MAX_DAYS: i64 = 37 * 31; // Meta keeps 37 months of insights
const DEFAULT_LIMIT: usize = 25;

pub fn call(a: &mut TestAccount, tool: &str, p: &Value, today: NaiveDate) -> Result<Value, ConnectorError> {
    match tool {
        "get_account_info" => Ok(json!({
            "id": format!("act_{}", a.account_id),
            "account_id": a.account_id,
            "name": a.name,
            "currency": a.currency.as_str(),
            "timezone_name": a.time_zone,
            "account_status": 1
        })),
        "list_campaigns" => {
            let statuses: Vec<&str> = p
                .get("effective_status")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            // Newest first, as Graph lists them.
            let rows: Vec<Value> = a
                .campaigns
                .iter()
                .rev()
                .filter(|c| statuses.is_empty() || statuses.contains(&c.current_status()))
                .map(|c| campaign_row(a.currency, c))
                .collect();
            page(rows, p)
        }
        "create_campaign" => {
            let id = a.next_id("campaign");
            let name = text(p, "name").unwrap_or_default().to_owned();
            let status = text(p, "status").unwrap_or("PAUSED");
            let budget = int(p, "daily_budget")
                .map(|minor| from_minor(a.currency, minor))
                .unwrap_or(0);
            a.campaigns.push(TestCampaign {
                id: id.clone(),
                name: name.clone(),
                kind: text(p, "objective").unwrap_or("OUTCOME_SALES").to_owned(),
                status: vec![Dated {
                    from: today,
                    value: status.to_owned(),
                }],
                budget_micros: vec![Dated {
                    from: today,
                    value: budget,
                }],
                start_date: today,
                end_date: None,
                budget_id: String::new(),
            });
            let mut r = super::Rng::for_parts(a.seed, &["children", &id]);
            a.add_children(&id, &name, &mut r);
            Ok(json!({"id": id}))
        }
        "update_campaign" => {
            let id = text(p, "campaign_id").unwrap_or_default().to_owned();
            let currency = a.currency;
            let c = a.campaign_mut(&id)?;
            if let Some(name) = text(p, "name") {
                c.name = name.to_owned();
            }
            if let Some(status) = text(p, "status") {
                c.status.push(Dated {
                    from: today,
                    value: status.to_owned(),
                });
            }
            if let Some(minor) = int(p, "daily_budget") {
                c.budget_micros.push(Dated {
                    from: today,
                    value: from_minor(currency, minor),
                });
            }
            Ok(json!({"success": true}))
        }
        "list_ad_sets" => {
            let campaign = text(p, "campaign_id");
            if let Some(id) = campaign {
                a.campaign(id)?;
            }
            let rows: Vec<Value> = a
                .ad_groups
                .iter()
                .rev()
                .filter(|g| campaign.is_none_or(|c| g.campaign_id == c))
                .map(|g| {
                    let mut row = json!({
                        "id": g.id,
                        "campaign_id": g.campaign_id,
                        "name": g.name,
                        "status": g.status,
                        "optimization_goal": "OFFSITE_CONVERSIONS",
                        "billing_event": "IMPRESSIONS"
                    });
                    if let Some(bid) = g.bid_micros {
                        row["bid_amount"] = json!(to_minor(a.currency, bid).to_string());
                    }
                    if let Some(budget) = g.budget_micros {
                        row["daily_budget"] = json!(to_minor(a.currency, budget).to_string());
                    }
                    row
                })
                .collect();
            page(rows, p)
        }
        "update_ad_set" => {
            let id = text(p, "ad_set_id").unwrap_or_default().to_owned();
            let currency = a.currency;
            let g = a.ad_group_mut(&id, "ad set")?;
            if let Some(name) = text(p, "name") {
                g.name = name.to_owned();
            }
            if let Some(status) = text(p, "status") {
                g.status = status.to_owned();
            }
            if let Some(minor) = int(p, "daily_budget") {
                g.budget_micros = Some(from_minor(currency, minor));
            }
            if let Some(minor) = int(p, "bid_amount") {
                g.bid_micros = Some(from_minor(currency, minor));
            }
            Ok(json!({"success": true}))
        }
        "list_ads" => {
            let campaign = text(p, "campaign_id");
            let group = text(p, "ad_set_id");
            let rows: Vec<Value> = a
                .ads
                .iter()
                .rev()
                .filter(|ad| campaign.is_none_or(|c| ad.campaign_id == c))
                .filter(|ad| group.is_none_or(|g| ad.ad_group_id == g))
                .map(|ad| {
                    json!({
                        "id": ad.id,
                        "adset_id": ad.ad_group_id,
                        "campaign_id": ad.campaign_id,
                        "name": ad.name,
                        "status": ad.status,
                        "creative": {"title": ad.headline, "link_url": ad.final_url}
                    })
                })
                .collect();
            page(rows, p)
        }
        "get_campaign_insights" => {
            let (from, to) = range(p, "since", "until", MAX_DAYS)?;
            let only = text(p, "campaign_id");
            if let Some(id) = only {
                a.campaign(id)?;
            }
            let mut rows = Vec::new();
            for c in a.campaigns.iter().filter(|c| only.is_none_or(|id| c.id == id)) {
                for day in from.iter_days().take_while(|d| *d <= to) {
                    if let Some(m) = a.day_metrics(c, day, today) {
                        rows.push(insight_row(a.currency, c, day, &m));
                    }
                }
            }
            page(rows, p)
        }
        other => Err(ConnectorError::UnknownTool {
            platform: a.platform,
            name: other.to_owned(),
        }),
    }
}

/// Micros to the currency's minor unit (cents; whole yen), as Meta writes budgets and bids.
fn to_minor(currency: Currency, micros: i64) -> i64 {
    micros / 10_i64.pow(6 - currency.decimals())
}

fn from_minor(currency: Currency, minor: i64) -> i64 {
    minor.saturating_mul(10_i64.pow(6 - currency.decimals()))
}

/// Micros as a decimal string in major units with two decimals ("123.45"; "1500" for JPY).
fn major(currency: Currency, micros: i64) -> String {
    let decimals = currency.decimals();
    let step = 10_i64.pow(6 - decimals);
    let minor = (micros + step / 2) / step;
    if decimals == 0 {
        minor.to_string()
    } else {
        let scale = 10_i64.pow(decimals);
        format!(
            "{}.{:0width$}",
            minor / scale,
            minor % scale,
            width = decimals as usize
        )
    }
}

fn campaign_row(currency: Currency, c: &TestCampaign) -> Value {
    let mut row = json!({
        "id": c.id,
        "name": c.name,
        "objective": c.kind,
        "status": c.current_status(),
        "effective_status": c.current_status(),
        "special_ad_categories": [],
        "created_time": format!("{}T09:00:00+0000", crate::time::date_text(c.start_date)),
        "start_time": format!("{}T09:00:00+0000", crate::time::date_text(c.start_date))
    });
    let budget = c.current_budget();
    if budget > 0 {
        row["daily_budget"] = json!(to_minor(currency, budget).to_string());
    }
    row
}

fn insight_row(currency: Currency, c: &TestCampaign, day: NaiveDate, m: &super::DayMetrics) -> Value {
    let date = crate::time::date_text(day);
    let spend_units = m.spend_micros as f64 / 1_000_000.0;
    let mut row = json!({
        "campaign_id": c.id,
        "campaign_name": c.name,
        "date_start": date,
        "date_stop": date,
        "account_currency": currency.as_str(),
        "spend": major(currency, m.spend_micros),
        "impressions": m.impressions.to_string(),
        "clicks": m.clicks.to_string()
    });
    if m.impressions > 0 {
        row["ctr"] = json!(format!("{:.6}", m.clicks as f64 / m.impressions as f64 * 100.0));
        row["cpm"] = json!(format!("{:.6}", spend_units / m.impressions as f64 * 1000.0));
    }
    if m.clicks > 0 {
        row["cpc"] = json!(format!("{:.6}", spend_units / m.clicks as f64));
        let link = (m.clicks as f64 * 0.8).round() as u64;
        let mut actions = vec![json!({"action_type": "link_click", "value": link.to_string()})];
        if m.conversions > 0 {
            actions.push(json!({"action_type": "omni_purchase", "value": m.conversions.to_string()}));
            row["action_values"] = json!([{
                "action_type": "omni_purchase",
                "value": major(currency, m.conversion_value_micros)
            }]);
        }
        row["actions"] = Value::Array(actions);
    }
    row
}

/// One page of `rows` with Graph's cursors (`limit`, `after`).
fn page(mut rows: Vec<Value>, p: &Value) -> Result<Value, ConnectorError> {
    let limit = int(p, "limit").map_or(DEFAULT_LIMIT, |n| usize::try_from(n).unwrap_or(DEFAULT_LIMIT));
    let start = match text(p, "after") {
        None => 0,
        Some(cursor) => decode_cursor(cursor)
            .filter(|i| *i <= rows.len())
            .ok_or_else(|| ConnectorError::invalid("params.after", "is not a cursor from this list"))?,
    };
    let total = rows.len();
    let end = (start + limit).min(total);
    // The page's rows are moved out, not copied.
    rows.truncate(end);
    let data = rows.split_off(start);
    let mut paging = json!({"cursors": {
        "before": encode_cursor(start),
        "after": encode_cursor(end)
    }});
    if end < total {
        paging["next"] = Value::String(format!(
            "https://graph.facebook.com/v25.0/?after={}",
            encode_cursor(end)
        ));
    }
    Ok(super::object([("data", Value::Array(data)), ("paging", paging)]))
}

/// Cursors are opaque to callers; these are the row offset in hex behind a fixed prefix.
fn encode_cursor(offset: usize) -> String {
    format!("QVFI{offset:08x}")
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    usize::from_str_radix(cursor.strip_prefix("QVFI")?, 16).ok()
}
