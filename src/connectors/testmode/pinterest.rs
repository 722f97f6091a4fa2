//! Pinterest API v5 answers: digit-string ids, money in micro-units of the account currency, Unix
//! seconds on ads objects, `{items, bookmark}` pages, bulk writes that answer per item (an invalid
//! item gets `exceptions` while the others are written), analytics as flat rows of UPPERCASE
//! columns, and asynchronous reports that finish a moment after they are asked for.

use super::rng::Rng;
use super::{
    CallContext, ConnectorError, Dated, DayMetrics, TestAccount, TestAd, TestAdGroup, TestAudience,
    TestCampaign, TestPin, TestReport, int, text,
};
use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Map, Value, json};

const DEFAULT_PAGE: usize = 25;
/// Synchronous analytics reach 90 days back over a window of at most 90 days.
const SYNC_DAYS: i64 = 90;
/// Asynchronous reports: 914 days back, a window of 186.
const ASYNC_BACK: i64 = 914;
const ASYNC_WINDOW: i64 = 186;
/// A report is ready this long after it was asked for, and can be fetched for an hour.
const REPORT_READY_SECS: i64 = 2;
const REPORT_KEPT_SECS: i64 = 3_600;
/// Pinterest's error code for invalid parameters in a bulk item; 50-ish codes for missing things.
const INVALID: i64 = 1;
const NOT_FOUND: i64 = 2;

fn midnight(day: NaiveDate) -> i64 {
    day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()
}

/// Boards, organic and promoted Pins (one per ad) and audiences for a generated account.
pub(super) fn add_generated(a: &mut TestAccount, r: &mut Rng, today: NaiveDate) {
    let brand = a.name.split(" — ").next().unwrap_or("Shop").to_owned();
    for _ in 0..r.int(2, 3) {
        let board = a.next_id("board");
        a.boards.push(board);
    }
    let ad_ids: Vec<(String, String)> = a.ads.iter().map(|x| (x.id.clone(), x.name.clone())).collect();
    for (ad_id, name) in ad_ids {
        let pin = new_pin(a, r, &brand, &name, today, true);
        if let Some(ad) = a.ads.iter_mut().find(|x| x.id == ad_id) {
            ad.pin_id = Some(pin);
        }
    }
    for i in 0..r.int(3, 6) {
        new_pin(a, r, &brand, &format!("Idea {}", i + 1), today, false);
    }
    for (name, kind, rule) in [
        (
            "Site visitors 30d",
            "VISITOR",
            json!({"retention_days": 30, "visitor_source_id": "549755885175"}),
        ),
        (
            "Engagers 90d",
            "ENGAGEMENT",
            json!({"engagement_type": "click", "retention_days": 90}),
        ),
    ] {
        let id = a.next_id("audience");
        a.audiences.push(TestAudience {
            id,
            name: format!("{brand} | {name}"),
            audience_type: kind.to_owned(),
            description: None,
            rule,
            size: Some(r.int(20_000, 2_000_000)),
            created: today - Days::new(r.int(30, 200)),
        });
    }
    let seed = a.audiences[0].id.clone();
    let id = a.next_id("audience");
    a.audiences.push(TestAudience {
        id,
        name: format!("{brand} | Actalike 5% US"),
        audience_type: "ACTALIKE".to_owned(),
        description: Some("Pinners like recent site visitors".to_owned()),
        rule: json!({"seed_id": [seed], "percentage": 5, "country": "US"}),
        size: Some(r.int(2_000_000, 9_000_000)),
        created: today - Days::new(r.int(10, 30)),
    });
    // Ad groups get their targeting.
    for g in &mut a.ad_groups {
        let mut t = Rng::for_parts(a.seed, &["targeting", &g.id]);
        g.targeting = Some(json!({
            "LOCATION": [*t.pick(&["US", "GB", "CA", "DE", "FR"])],
            "GENDER": [*t.pick(&["female", "male"])],
            "AGE_BUCKET": ["25-34", "35-44"]
        }));
        g.budget_micros = Some(i64::try_from(t.int(10, 80)).unwrap_or(20) * 1_000_000);
    }
}

fn new_pin(
    a: &mut TestAccount,
    r: &mut Rng,
    brand: &str,
    title: &str,
    today: NaiveDate,
    promoted: bool,
) -> String {
    let id = a.next_id("pin");
    let board = a
        .boards
        .get(usize::try_from(r.int(0, 9)).unwrap_or(0) % a.boards.len().max(1))
        .cloned();
    let slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    a.pins.push(TestPin {
        id: id.clone(),
        board_id: board.unwrap_or_default(),
        title: format!("{brand}: {title}").chars().take(100).collect(),
        description: format!("{title} — ideas and picks from {brand}."),
        link: format!("https://www.example.com/{slug}"),
        image_url: format!(
            "https://i.pinimg.com/originals/{}.jpg",
            &id[id.len().saturating_sub(8)..]
        ),
        created: today - Days::new(r.int(5, 120)),
        promoted,
    });
    id
}

pub fn call(
    a: &mut TestAccount,
    tool: &str,
    p: &Value,
    at: CallContext<'_>,
) -> Result<Value, ConnectorError> {
    let today = at.now.date_naive();
    match tool {
        "list_campaigns" => {
            let ids = strings(p, "campaign_ids");
            let statuses = entity_statuses(p);
            let rows: Vec<Value> = a
                .campaigns
                .iter()
                .filter(|c| ids.is_empty() || ids.contains(&c.id.as_str()))
                .filter(|c| statuses.contains(&c.current_status()))
                .map(|c| campaign_json(a, c, today))
                .collect();
            page(order(rows, p), p)
        }
        "create_campaigns" => Ok(bulk(p, Exceptions::List, |item| create_campaign(a, item, today))),
        "update_campaigns" => Ok(bulk(p, Exceptions::List, |item| update_campaign(a, item, today))),
        "list_ad_groups" => {
            let (campaigns, groups, statuses) = (
                strings(p, "campaign_ids"),
                strings(p, "ad_group_ids"),
                entity_statuses(p),
            );
            let rows: Vec<Value> = a
                .ad_groups
                .iter()
                .filter(|g| campaigns.is_empty() || campaigns.contains(&g.campaign_id.as_str()))
                .filter(|g| groups.is_empty() || groups.contains(&g.id.as_str()))
                .filter(|g| statuses.contains(&g.status.as_str()))
                .map(|g| ad_group_json(a, g))
                .collect();
            page(order(rows, p), p)
        }
        "create_ad_groups" => Ok(bulk(p, Exceptions::List, |item| create_ad_group(a, item))),
        "update_ad_groups" => Ok(bulk(p, Exceptions::List, |item| update_ad_group(a, item))),
        "list_ads" => {
            let (campaigns, groups, ads) = (
                strings(p, "campaign_ids"),
                strings(p, "ad_group_ids"),
                strings(p, "ad_ids"),
            );
            let statuses = entity_statuses(p);
            let rows: Vec<Value> = a
                .ads
                .iter()
                .filter(|x| campaigns.is_empty() || campaigns.contains(&x.campaign_id.as_str()))
                .filter(|x| groups.is_empty() || groups.contains(&x.ad_group_id.as_str()))
                .filter(|x| ads.is_empty() || ads.contains(&x.id.as_str()))
                .filter(|x| statuses.contains(&x.status.as_str()))
                .map(|x| ad_json(a, x))
                .collect();
            page(order(rows, p), p)
        }
        "create_ads" => Ok(bulk(p, Exceptions::One, |item| create_ad(a, item, today))),
        "update_ads" => Ok(bulk(p, Exceptions::One, |item| update_ad(a, item, today))),
        "list_pins" => {
            let filter = text(p, "pin_filter");
            let types = strings(p, "creative_types");
            let rows: Vec<Value> = a
                .pins
                .iter()
                .rev()
                .filter(|x| filter != Some("has_been_promoted") || x.promoted)
                .filter(|_| types.is_empty() || types.contains(&"REGULAR"))
                .map(pin_json)
                .collect();
            page(rows, p)
        }
        "create_pin" => {
            let board = text(p, "board_id").unwrap_or_default().to_owned();
            if !a.boards.contains(&board) {
                return Err(ConnectorError::NotFound {
                    what: "board",
                    id: board,
                });
            }
            let id = a.next_id("pin");
            let pin = TestPin {
                id,
                board_id: board,
                title: text(p, "title").unwrap_or_default().to_owned(),
                description: text(p, "description").unwrap_or_default().to_owned(),
                link: text(p, "link").unwrap_or_default().to_owned(),
                image_url: text(p, "image_url").unwrap_or_default().to_owned(),
                created: today,
                promoted: false,
            };
            let answer = pin_json(&pin);
            a.pins.push(pin);
            Ok(answer)
        }
        "list_audiences" => {
            let rows: Vec<Value> = if text(p, "ownership_type") == Some("RECEIVED") {
                Vec::new()
            } else {
                a.audiences.iter().map(|x| audience_json(a, x, today)).collect()
            };
            page(order(rows, p), p)
        }
        "create_audience" => create_audience(a, p, today),
        "get_targeting_options" => Ok(targeting_options(
            a,
            text(p, "targeting_type").unwrap_or_default(),
        )),
        "get_campaign_analytics" => {
            let (from, to) = window(p, today, SYNC_DAYS, SYNC_DAYS)?;
            let granularity = text(p, "granularity").unwrap_or("DAY");
            let columns = strings(p, "columns");
            let mut rows = Vec::new();
            for id in strings(p, "campaign_ids") {
                let Ok(c) = a.campaign(id) else { continue };
                for (date, m) in periods(a, c, from, to, today, granularity) {
                    let mut row = metric_row(a, c, &m, &columns);
                    row.insert("CAMPAIGN_ID".into(), json!(c.id));
                    rows.push(Value::Object(dated(row, date)));
                }
            }
            Ok(Value::Array(rows))
        }
        "get_ad_analytics" => {
            let (from, to) = window(p, today, SYNC_DAYS, SYNC_DAYS)?;
            let granularity = text(p, "granularity").unwrap_or("DAY");
            let columns = strings(p, "columns");
            let wanted = strings(p, "ad_ids");
            let mut rows = Vec::new();
            for c in a.campaigns.iter().filter(|c| {
                a.ads
                    .iter()
                    .any(|x| x.campaign_id == c.id && wanted.contains(&x.id.as_str()))
            }) {
                for (ad, date, m) in child_periods(a, c, (from, to), today, granularity, false) {
                    if !wanted.contains(&ad.as_str()) {
                        continue;
                    }
                    let mut row = metric_row(a, c, &m, &columns);
                    row.insert("AD_ID".into(), json!(ad));
                    rows.push(Value::Object(dated(row, date)));
                }
            }
            Ok(Value::Array(rows))
        }
        "get_targeting_analytics" => {
            let (from, to) = window(p, today, SYNC_DAYS, SYNC_DAYS)?;
            let granularity = text(p, "granularity").unwrap_or("TOTAL");
            let columns = strings(p, "columns");
            let mut data = Vec::new();
            for kind in strings(p, "targeting_types") {
                let values = breakdown(a, kind);
                for (date, m) in account_periods(a, from, to, today, granularity) {
                    for (i, (value, _)) in values.iter().enumerate() {
                        let part = split_metrics(&m, &values.iter().map(|v| v.1).collect::<Vec<_>>(), i);
                        let Some(template) = a.campaigns.first() else {
                            continue;
                        };
                        let metrics = dated(metric_row(a, template, &part, &columns), date.clone());
                        data.push(
                            json!({"targeting_type": kind, "targeting_value": value, "metrics": metrics}),
                        );
                    }
                }
            }
            Ok(super::object([("data", Value::Array(data))]))
        }
        "create_async_report" => {
            window(p, today, ASYNC_BACK, ASYNC_WINDOW)?;
            let token = format!(
                "{:016x}{:016x}",
                Rng::for_parts(a.seed, &["report", &a.serial.to_string()]).next_u64(),
                a.serial + 1
            );
            a.serial += 1;
            a.reports.push(TestReport {
                token: token.clone(),
                requested_at: at.now.timestamp(),
                request: p.clone(),
            });
            // Old reports go, as Pinterest keeps them for an hour.
            let now = at.now.timestamp();
            a.reports.retain(|r| now - r.requested_at <= REPORT_KEPT_SECS);
            Ok(json!({"token": token, "report_status": "IN_PROGRESS", "message": null}))
        }
        "get_async_report" => {
            let token = text(p, "token").unwrap_or_default();
            let Some(report) = a.reports.iter().find(|r| r.token == token) else {
                return Ok(json!({"report_status": "DOES_NOT_EXIST", "url": null, "size": null}));
            };
            let age = at.now.timestamp() - report.requested_at;
            if age < REPORT_READY_SECS {
                return Ok(json!({"report_status": "IN_PROGRESS", "url": null, "size": null}));
            }
            if age > REPORT_KEPT_SECS {
                return Ok(json!({"report_status": "EXPIRED", "url": null, "size": null}));
            }
            let size = report_file(a, token, today).map_or(0, |(_, body)| body.len());
            Ok(
                json!({"report_status": "FINISHED", "url": format!("{}/{token}", at.download_base), "size": size}),
            )
        }
        other => Err(ConnectorError::UnknownTool {
            platform: a.platform,
            name: other.to_owned(),
        }),
    }
}

fn strings<'a>(p: &'a Value, key: &str) -> Vec<&'a str> {
    p.get(key)
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn entity_statuses(p: &Value) -> Vec<&str> {
    let given = strings(p, "entity_statuses");
    if given.is_empty() {
        vec!["ACTIVE", "PAUSED"]
    } else {
        given
    }
}

/// By id, newest (highest) first unless `order` is ASCENDING.
fn order(mut rows: Vec<Value>, p: &Value) -> Vec<Value> {
    let key = |v: &Value| v["id"].as_str().and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    rows.sort_by_key(key);
    if text(p, "order") != Some("ASCENDING") {
        rows.reverse();
    }
    rows
}

fn page(mut rows: Vec<Value>, p: &Value) -> Result<Value, ConnectorError> {
    let size = int(p, "page_size").map_or(DEFAULT_PAGE, |n| usize::try_from(n).unwrap_or(DEFAULT_PAGE));
    let start = match text(p, "bookmark") {
        None => 0,
        Some(b) => b
            .strip_prefix("Ym9va21hcms")
            .and_then(|h| usize::from_str_radix(h, 16).ok())
            .filter(|i| *i <= rows.len())
            .ok_or_else(|| ConnectorError::invalid("params.bookmark", "is not a bookmark from this list"))?,
    };
    let end = (start + size).min(rows.len());
    let bookmark = (end < rows.len())
        .then(|| format!("Ym9va21hcms{end:x}"))
        .map_or(Value::Null, Value::String);
    // The page's rows are moved out, not copied.
    rows.truncate(end);
    let items = rows.split_off(start);
    Ok(super::object([
        ("items", Value::Array(items)),
        ("bookmark", bookmark),
    ]))
}

/// How a bulk answer carries an item's failure: Pinterest's document gives campaigns and ad groups
/// a list of exceptions and ads a single one.
#[derive(Clone, Copy, PartialEq)]
enum Exceptions {
    List,
    One,
}

/// A bulk write: each item is written or answers with why not; the others go on.
fn bulk(
    p: &Value,
    shape: Exceptions,
    mut write: impl FnMut(&Value) -> Result<Value, (i64, String)>,
) -> Value {
    let items: Vec<Value> = p
        .get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| match (write(item), shape) {
                    (Ok(data), Exceptions::List) => json!({"data": data, "exceptions": []}),
                    (Ok(data), Exceptions::One) => json!({ "data": data }),
                    (Err((code, message)), Exceptions::List) => {
                        json!({"exceptions": [{"code": code, "message": message}]})
                    }
                    (Err((code, message)), Exceptions::One) => {
                        json!({"exceptions": {"code": code, "message": message}})
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    json!({ "items": items })
}

/// The bulk item's object by id, or the exception Pinterest gives for a missing one.
fn item_mut<'a, T>(
    list: &'a mut [T],
    id: &str,
    what: &str,
    id_of: impl Fn(&T) -> &str,
) -> Result<&'a mut T, (i64, String)> {
    list.iter_mut()
        .find(|x| id_of(x) == id)
        .ok_or_else(|| (NOT_FOUND, format!("{what} {id} not found.")))
}

fn invalid(message: impl Into<String>) -> (i64, String) {
    (INVALID, message.into())
}

fn summary_status(status: &str, start: NaiveDate, end: Option<NaiveDate>, today: NaiveDate) -> &'static str {
    match status {
        "PAUSED" => "PAUSED",
        "ARCHIVED" => "ARCHIVED",
        "DRAFT" => "DRAFT",
        "DELETED_DRAFT" => "DELETED_DRAFT",
        _ if start > today => "NOT_STARTED",
        _ if end.is_some_and(|e| e < today) => "COMPLETED",
        _ => "RUNNING",
    }
}

fn campaign_json(a: &TestAccount, c: &TestCampaign, today: NaiveDate) -> Value {
    let budget = c.current_budget();
    let created = c.status.first().map_or(c.start_date, |d| d.from);
    let updated = c
        .status
        .last()
        .map_or(created, |d| d.from)
        .max(c.budget_micros.last().map_or(created, |d| d.from));
    json!({
        "id": c.id,
        "ad_account_id": a.account_id,
        "name": c.name,
        "status": c.current_status(),
        "objective_type": c.kind,
        "daily_spend_cap": (budget > 0).then_some(budget),
        "lifetime_spend_cap": null,
        "start_time": midnight(c.start_date),
        "end_time": c.end_date.map(midnight),
        "summary_status": summary_status(c.current_status(), c.start_date, c.end_date, today),
        "is_campaign_budget_optimization": false,
        "is_flexible_daily_budgets": false,
        "is_performance_plus": false,
        "is_automated_campaign": false,
        "tracking_urls": null,
        "bid_options": null,
        "order_line_id": null,
        "created_time": midnight(created),
        "updated_time": midnight(updated),
        "type": "campaign"
    })
}

fn unix_day(p: &Value, key: &str) -> Option<NaiveDate> {
    int(p, key)
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|t| t.date_naive())
}

fn create_campaign(a: &mut TestAccount, item: &Value, today: NaiveDate) -> Result<Value, (i64, String)> {
    let (daily, lifetime) = (int(item, "daily_spend_cap"), int(item, "lifetime_spend_cap"));
    if daily.is_some() && lifetime.is_some() {
        return Err(invalid(
            "daily_spend_cap and lifetime_spend_cap cannot both be set",
        ));
    }
    if item["is_campaign_budget_optimization"] == json!(true) && daily.is_none() && lifetime.is_none() {
        return Err(invalid(
            "a campaign that optimizes its budget needs daily_spend_cap or lifetime_spend_cap",
        ));
    }
    let start = unix_day(item, "start_time").unwrap_or(today);
    let end = unix_day(item, "end_time");
    if end.is_some_and(|e| e < start) {
        return Err(invalid("end_time is before start_time"));
    }
    if lifetime.is_some() && end.is_none() {
        return Err(invalid("a lifetime spend cap needs an end_time"));
    }
    let id = a.next_id("campaign");
    let name = text(item, "name").unwrap_or_default().to_owned();
    let budget =
        daily.unwrap_or_else(|| lifetime.unwrap_or(0) / end.map_or(1, |e| (e - start).num_days().max(1)));
    a.campaigns.push(TestCampaign {
        id: id.clone(),
        name,
        kind: text(item, "objective_type").unwrap_or("CONSIDERATION").to_owned(),
        status: vec![Dated {
            from: start.min(today),
            value: text(item, "status").unwrap_or("ACTIVE").to_owned(),
        }],
        budget_micros: vec![Dated {
            from: start.min(today),
            value: budget,
        }],
        start_date: start,
        end_date: end,
        budget_id: String::new(),
    });
    let c = a
        .campaigns
        .last()
        .cloned()
        .ok_or_else(|| invalid("not written"))?;
    Ok(campaign_json(a, &c, today))
}

fn update_campaign(a: &mut TestAccount, item: &Value, today: NaiveDate) -> Result<Value, (i64, String)> {
    let id = text(item, "id").unwrap_or_default();
    let c = item_mut(&mut a.campaigns, id, "Campaign", |c| c.id.as_str())?;
    if int(item, "daily_spend_cap").is_some() && int(item, "lifetime_spend_cap").is_some() {
        return Err(invalid(
            "daily_spend_cap and lifetime_spend_cap cannot both be set",
        ));
    }
    if let Some(end) = unix_day(item, "end_time") {
        if end < c.start_date {
            return Err(invalid("end_time is before the campaign's start"));
        }
        c.end_date = Some(end);
    }
    if let Some(name) = text(item, "name") {
        c.name = name.to_owned();
    }
    if let Some(status) = text(item, "status")
        && status != c.current_status()
    {
        c.status.push(Dated {
            from: today,
            value: status.to_owned(),
        });
    }
    if let Some(cap) = int(item, "daily_spend_cap") {
        c.budget_micros.push(Dated {
            from: today,
            value: cap,
        });
    }
    let c = c.clone();
    Ok(campaign_json(a, &c, today))
}

fn billable_event(objective: &str) -> &'static str {
    match objective {
        "AWARENESS" => "IMPRESSION",
        "VIDEO_COMPLETION" => "VIDEO_V_50_MRC",
        _ => "CLICKTHROUGH",
    }
}

fn ad_group_json(a: &TestAccount, g: &TestAdGroup) -> Value {
    let campaign = a.campaign(&g.campaign_id).ok();
    let start = campaign.map_or(0, |c| midnight(c.start_date));
    json!({
        "id": g.id,
        "ad_account_id": a.account_id,
        "campaign_id": g.campaign_id,
        "name": g.name,
        "status": g.status,
        "budget_in_micro_currency": g.budget_micros,
        "bid_in_micro_currency": g.bid_micros,
        "budget_type": "DAILY",
        "billable_event": billable_event(campaign.map_or("", |c| c.kind.as_str())),
        "bid_strategy_type": if g.bid_micros.is_some() { "MAX_BID" } else { "AUTOMATIC_BID" },
        "pacing_delivery_type": "STANDARD",
        "placement_group": "ALL",
        "targeting_spec": g.targeting.clone().unwrap_or_else(|| json!({"LOCATION": ["US"]})),
        "auto_targeting_enabled": true,
        "start_time": start,
        "end_time": null,
        "lifetime_frequency_cap": -1,
        "summary_status": if g.status == "ACTIVE" { "RUNNING" } else { "PAUSED" },
        "created_time": start,
        "updated_time": start,
        "type": "adgroup"
    })
}

fn create_ad_group(a: &mut TestAccount, item: &Value) -> Result<Value, (i64, String)> {
    let campaign_id = text(item, "campaign_id").unwrap_or_default().to_owned();
    let campaign = a
        .campaign(&campaign_id)
        .map_err(|_| (NOT_FOUND, format!("Campaign {campaign_id} not found.")))?;
    let budget = int(item, "budget_in_micro_currency");
    if budget.is_none() && text(item, "budget_type") != Some("CBO_ADGROUP") {
        return Err(invalid(
            "budget_in_micro_currency is required unless the campaign optimizes its budget",
        ));
    }
    let event = text(item, "billable_event").unwrap_or("CLICKTHROUGH");
    if event != billable_event(&campaign.kind) {
        return Err(invalid(format!(
            "billable_event {event} does not suit a {} campaign (use {})",
            campaign.kind,
            billable_event(&campaign.kind)
        )));
    }
    let needs_location = item
        .get("targeting_spec")
        .is_some_and(|t| t.get("LOCATION").is_none() && t.get("GEO").is_none());
    if needs_location {
        return Err(invalid("targeting_spec needs LOCATION or GEO"));
    }
    let id = a.next_id("ad_group");
    let group = TestAdGroup {
        id,
        campaign_id,
        name: text(item, "name").unwrap_or_default().to_owned(),
        status: text(item, "status").unwrap_or("ACTIVE").to_owned(),
        bid_micros: int(item, "bid_in_micro_currency"),
        budget_micros: budget,
        targeting: item.get("targeting_spec").cloned(),
    };
    let answer = ad_group_json(a, &group);
    a.ad_groups.push(group);
    Ok(answer)
}

fn update_ad_group(a: &mut TestAccount, item: &Value) -> Result<Value, (i64, String)> {
    let id = text(item, "id").unwrap_or_default();
    let g = item_mut(&mut a.ad_groups, id, "Ad group", |g| g.id.as_str())?;
    if let Some(t) = item.get("targeting_spec") {
        if t.get("LOCATION").is_none() && t.get("GEO").is_none() {
            return Err(invalid("targeting_spec needs LOCATION or GEO"));
        }
        g.targeting = Some(t.clone());
    }
    if let Some(name) = text(item, "name") {
        g.name = name.to_owned();
    }
    if let Some(status) = text(item, "status") {
        g.status = status.to_owned();
    }
    if let Some(b) = int(item, "budget_in_micro_currency") {
        g.budget_micros = Some(b);
    }
    if let Some(b) = int(item, "bid_in_micro_currency") {
        g.bid_micros = Some(b);
    }
    let g = g.clone();
    Ok(ad_group_json(a, &g))
}

fn ad_json(a: &TestAccount, x: &TestAd) -> Value {
    let start = a.campaign(&x.campaign_id).map_or(0, |c| midnight(c.start_date));
    json!({
        "id": x.id,
        "ad_account_id": a.account_id,
        "campaign_id": x.campaign_id,
        "ad_group_id": x.ad_group_id,
        "pin_id": x.pin_id.clone().unwrap_or_default(),
        "name": x.name,
        "status": x.status,
        "creative_type": "REGULAR",
        "destination_url": x.final_url,
        "customizable_cta_type": null,
        "review_status": "APPROVED",
        "rejected_reasons": [],
        "rejection_labels": [],
        "summary_status": if x.status == "ACTIVE" { "APPROVED" } else { "PAUSED" },
        "is_pin_deleted": false,
        "is_removable": false,
        "created_time": start,
        "updated_time": start,
        "type": "pinpromotion"
    })
}

fn create_ad(a: &mut TestAccount, item: &Value, today: NaiveDate) -> Result<Value, (i64, String)> {
    let group_id = text(item, "ad_group_id").unwrap_or_default();
    let group = a
        .ad_groups
        .iter()
        .find(|g| g.id == group_id)
        .ok_or_else(|| (NOT_FOUND, format!("Ad group {group_id} not found.")))?
        .clone();
    let pin_id = text(item, "pin_id").unwrap_or_default();
    let pin = a
        .pins
        .iter_mut()
        .find(|x| x.id == pin_id)
        .ok_or_else(|| (50, "Pin not found.".to_owned()))?;
    pin.promoted = true;
    let (link, title) = (pin.link.clone(), pin.title.clone());
    let id = a.next_id("ad");
    let ad = TestAd {
        id,
        ad_group_id: group.id.clone(),
        campaign_id: group.campaign_id.clone(),
        name: text(item, "name").map_or(title.clone(), str::to_owned),
        status: text(item, "status").unwrap_or("ACTIVE").to_owned(),
        headline: title,
        final_url: text(item, "destination_url").map_or(link, str::to_owned),
        pin_id: Some(pin_id.to_owned()),
        // It delivers from the day it was made.
        status_history: vec![super::Dated {
            from: today,
            value: text(item, "status").unwrap_or("ACTIVE").to_owned(),
        }],
        quality: None,
    };
    let mut answer = ad_json(a, &ad);
    if let Some(cta) = text(item, "customizable_cta_type") {
        answer["customizable_cta_type"] = json!(cta);
    }
    answer["creative_type"] = json!(text(item, "creative_type").unwrap_or("REGULAR"));
    // New ads wait for review.
    answer["review_status"] = json!("PENDING");
    answer["summary_status"] = json!("PENDING");
    a.ads.push(ad);
    Ok(answer)
}

fn update_ad(a: &mut TestAccount, item: &Value, today: NaiveDate) -> Result<Value, (i64, String)> {
    let id = text(item, "id").unwrap_or_default();
    let x = item_mut(&mut a.ads, id, "Ad", |x| x.id.as_str())?;
    if let Some(name) = text(item, "name") {
        x.name = name.to_owned();
    }
    if let Some(status) = text(item, "status") {
        x.set_status(status, today);
    }
    if let Some(url) = text(item, "destination_url") {
        x.final_url = url.to_owned();
    }
    let x = x.clone();
    let mut answer = ad_json(a, &x);
    if let Some(cta) = text(item, "customizable_cta_type") {
        answer["customizable_cta_type"] = json!(cta);
    }
    Ok(answer)
}

fn pin_json(x: &TestPin) -> Value {
    json!({
        "id": x.id,
        "board_id": x.board_id,
        "board_section_id": null,
        "created_at": format!("{}T09:00:00-00:00", crate::time::date_text(x.created)),
        "title": x.title,
        "description": x.description,
        "link": x.link,
        "alt_text": null,
        "dominant_color": "#c9b8a3",
        "has_been_promoted": x.promoted,
        "is_owner": true,
        "is_standard": true,
        "parent_pin_id": null,
        "creative_type": "REGULAR",
        "board_owner": {"username": "switchboard_test"},
        "media": {"media_type": "image", "images": {
            "600x": {"width": 600, "height": 900, "url": x.image_url}
        }}
    })
}

fn audience_json(a: &TestAccount, x: &TestAudience, today: NaiveDate) -> Value {
    let ready = x.created < today;
    let status = match x.size {
        _ if !ready => "INITIALIZING",
        Some(size) if size < 100 => "TOO_SMALL",
        _ => "READY",
    };
    json!({
        "id": x.id,
        "ad_account_id": a.account_id,
        "name": x.name,
        "audience_type": x.audience_type,
        "description": x.description,
        "rule": x.rule,
        "size": if ready { x.size } else { None },
        "status": status,
        "created_timestamp": midnight(x.created),
        "updated_timestamp": midnight(x.created),
        "type": "audience"
    })
}

fn create_audience(a: &mut TestAccount, p: &Value, today: NaiveDate) -> Result<Value, ConnectorError> {
    let kind = text(p, "audience_type").unwrap_or_default();
    let rule = p.get("rule").cloned().unwrap_or_else(|| json!({}));
    if let Some(days) = int(&rule, "retention_days")
        && !(1..=540).contains(&days)
    {
        return Err(ConnectorError::invalid(
            "params.rule.retention_days",
            "must be between 1 and 540",
        ));
    }
    match kind {
        "ACTALIKE" => {
            let seeds = strings(&rule, "seed_id");
            if seeds.is_empty() {
                return Err(ConnectorError::invalid(
                    "params.rule.seed_id",
                    "an actalike needs a seed audience",
                ));
            }
            if let Some(missing) = seeds.iter().find(|s| !a.audiences.iter().any(|x| x.id == **s)) {
                return Err(ConnectorError::NotFound {
                    what: "seed audience",
                    id: (*missing).to_owned(),
                });
            }
            if !int(&rule, "percentage").is_some_and(|p| (1..=10).contains(&p)) {
                return Err(ConnectorError::invalid(
                    "params.rule.percentage",
                    "must be between 1 and 10",
                ));
            }
        }
        "CUSTOMER_LIST" if text(&rule, "customer_list_id").is_none() => {
            return Err(ConnectorError::invalid(
                "params.rule.customer_list_id",
                "a customer-list audience needs one",
            ));
        }
        _ => {}
    }
    let id = a.next_id("audience");
    let mut r = Rng::for_parts(a.seed, &["audience", &id]);
    let audience = TestAudience {
        id,
        name: text(p, "name").unwrap_or_default().to_owned(),
        audience_type: kind.to_owned(),
        description: text(p, "description").map(str::to_owned),
        rule,
        size: Some(r.int(5_000, 3_000_000)),
        created: today,
    };
    let answer = audience_json(a, &audience, today);
    a.audiences.push(audience);
    Ok(answer)
}

fn labelled(pairs: &[(&str, &str)]) -> Value {
    Value::Array(pairs.iter().map(|(id, label)| json!({ *id: label })).collect())
}

fn targeting_options(a: &TestAccount, kind: &str) -> Value {
    match kind {
        "APPTYPE" => labelled(&[
            ("iphone", "iPhone"),
            ("ipad", "iPad"),
            ("android_mobile", "Android phone"),
            ("android_tablet", "Android tablet"),
            ("web", "Desktop web"),
            ("web_mobile", "Mobile web"),
        ]),
        "GENDER" => labelled(&[("female", "Female"), ("male", "Male"), ("unknown", "Unspecified")]),
        "LOCALE" => labelled(&[
            ("en-US", "English (US)"),
            ("en-GB", "English (UK)"),
            ("de", "German"),
            ("fr", "French"),
            ("es", "Spanish"),
        ]),
        "AGE_BUCKET" => labelled(&[
            ("18-24", "18-24"),
            ("25-34", "25-34"),
            ("35-44", "35-44"),
            ("45-49", "45-49"),
            ("50-54", "50-54"),
            ("55-64", "55-64"),
            ("65+", "65+"),
        ]),
        "LOCATION" => labelled(&[
            ("US", "United States"),
            ("CA", "Canada"),
            ("GB", "United Kingdom"),
            ("DE", "Germany"),
            ("FR", "France"),
            ("AU", "Australia"),
        ]),
        "GEO" => labelled(&[
            ("US-CA", "California, US"),
            ("US-NY", "New York, US"),
            ("US-TX", "Texas, US"),
            ("GB-ENG", "England, GB"),
        ]),
        "INTEREST" => labelled(&[
            ("935249274030", "Home decor"),
            ("918105274631", "Women's fashion"),
            ("961238559656", "Food and drinks"),
            ("925056443165", "DIY and crafts"),
            ("898620064290", "Travel"),
        ]),
        "KEYWORD" => labelled(&[
            ("living room ideas", "living room ideas"),
            ("summer outfits", "summer outfits"),
            ("easy recipes", "easy recipes"),
        ]),
        _ => Value::Array(
            a.audiences
                .iter()
                .map(|x| json!({ x.id.clone(): x.name }))
                .collect(),
        ),
    }
}

/// The date range of an analytics request, inside Pinterest's limits.
fn window(
    p: &Value,
    today: NaiveDate,
    back: i64,
    span: i64,
) -> Result<(NaiveDate, NaiveDate), ConnectorError> {
    let from = super::date(p, "start_date")?;
    let to = super::date(p, "end_date")?;
    if to < from {
        return Err(ConnectorError::invalid(
            "params.end_date",
            "must not be before start_date",
        ));
    }
    if (today - from).num_days() > back {
        return Err(ConnectorError::invalid(
            "params.start_date",
            format!("may be at most {back} days back"),
        ));
    }
    if (to - from).num_days() >= span {
        return Err(ConnectorError::invalid(
            "params.end_date",
            format!("the window may cover at most {span} days"),
        ));
    }
    let hourly = text(p, "granularity") == Some("HOUR");
    if hourly && ((today - from).num_days() > 8 || (to - from).num_days() >= 3) {
        return Err(ConnectorError::invalid(
            "params.granularity",
            "HOUR reaches 8 days back over at most 3 days",
        ));
    }
    Ok((from, to))
}

fn add(a: &mut DayMetrics, b: &DayMetrics) {
    a.spend_micros += b.spend_micros;
    a.impressions += b.impressions;
    a.clicks += b.clicks;
    a.conversions += b.conversions;
    a.conversion_value_micros += b.conversion_value_micros;
}

/// The period a day falls in, as Pinterest labels it (`None` for TOTAL).
fn period_of(day: NaiveDate, granularity: &str) -> Option<String> {
    match granularity {
        "TOTAL" => None,
        "WEEK" => Some(crate::time::date_text(
            day - Days::new(u64::from(day.weekday().num_days_from_monday())),
        )),
        "MONTH" => Some(crate::time::date_text(day.with_day(1).unwrap_or(day))),
        _ => Some(crate::time::date_text(day)),
    }
}

/// Share of a day's delivery in each hour (a diurnal curve peaking in the evening), in thousandths.
const HOURLY: [u64; 24] = [
    18, 12, 9, 7, 7, 10, 18, 30, 40, 45, 47, 48, 50, 50, 49, 50, 52, 56, 62, 68, 70, 64, 48, 30,
];

/// A campaign's delivery grouped by period; periods without delivery are left out, as Pinterest does.
fn periods(
    a: &TestAccount,
    c: &TestCampaign,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    granularity: &str,
) -> Vec<(Option<String>, DayMetrics)> {
    let mut out: Vec<(Option<String>, DayMetrics)> = Vec::new();
    let mut day = from;
    while day <= to {
        if let Some(m) = a.day_metrics(c, day, today) {
            if granularity == "HOUR" {
                let weights: Vec<u64> = HOURLY.to_vec();
                for hour in 0..24 {
                    let part = split_metrics(&m, &weights, hour);
                    out.push((Some(format!("{} {hour:02}", crate::time::date_text(day))), part));
                }
            } else {
                let key = period_of(day, granularity);
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, total)) => add(total, &m),
                    None => out.push((key, m)),
                }
            }
        }
        day = day + Days::new(1);
    }
    out.retain(|(_, m)| m.impressions > 0);
    out
}

/// All campaigns' delivery by period (the account level).
fn account_periods(
    a: &TestAccount,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    granularity: &str,
) -> Vec<(Option<String>, DayMetrics)> {
    let mut out: Vec<(Option<String>, DayMetrics)> = Vec::new();
    for c in &a.campaigns {
        for (key, m) in periods(a, c, from, to, today, granularity) {
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, total)) => add(total, &m),
                None => out.push((key, m)),
            }
        }
    }
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out
}

/// Part `i` of `total` split by `weights`, so the parts add up exactly (largest remainder).
fn share(total: u64, weights: &[u64], i: usize) -> u64 {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let exact: Vec<(u64, u64)> = weights
        .iter()
        .map(|w| {
            let scaled = u128::from(total) * u128::from(*w);
            (
                u64::try_from(scaled / u128::from(sum)).unwrap_or(0),
                u64::try_from(scaled % u128::from(sum)).unwrap_or(0),
            )
        })
        .collect();
    let floor_sum: u64 = exact.iter().map(|e| e.0).sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|x, y| exact[*y].1.cmp(&exact[*x].1).then(x.cmp(y)));
    let extra = usize::try_from(total - floor_sum).unwrap_or(0);
    exact[i].0 + u64::from(order.iter().take(extra).any(|j| *j == i))
}

fn share_i64(total: i64, weights: &[u64], i: usize) -> i64 {
    i64::try_from(share(u64::try_from(total.max(0)).unwrap_or(0), weights, i)).unwrap_or(0)
}

fn split_metrics(m: &DayMetrics, weights: &[u64], i: usize) -> DayMetrics {
    let mut part = DayMetrics {
        spend_micros: share_i64(m.spend_micros, weights, i),
        impressions: share(m.impressions, weights, i),
        clicks: share(m.clicks, weights, i),
        conversions: share(m.conversions, weights, i),
        conversion_value_micros: share_i64(m.conversion_value_micros, weights, i),
    };
    // Rounding never lets a part break the funnel.
    part.clicks = part.clicks.min(part.impressions);
    part.conversions = part.conversions.min(part.clicks);
    part
}

/// Targeting values and their weights for a breakdown.
fn breakdown(a: &TestAccount, kind: &str) -> Vec<(String, u64)> {
    let pairs: Vec<(&str, u64)> = match kind {
        "GENDER" => vec![("female", 68), ("male", 25), ("unknown", 7)],
        "AGE_BUCKET" => vec![
            ("18-24", 16),
            ("25-34", 31),
            ("35-44", 24),
            ("45-49", 9),
            ("50-54", 8),
            ("55-64", 8),
            ("65+", 4),
        ],
        "APPTYPE" => vec![
            ("iphone", 41),
            ("android_mobile", 27),
            ("web", 17),
            ("ipad", 7),
            ("web_mobile", 6),
            ("android_tablet", 2),
        ],
        "PLACEMENT" => vec![("BROWSE", 63), ("SEARCH", 31), ("OTHER", 6)],
        "COUNTRY" | "LOCATION" => vec![("US", 72), ("CA", 9), ("GB", 8), ("AU", 5), ("DE", 4), ("FR", 2)],
        "REGION" | "GEO" => vec![
            ("US-CA", 24),
            ("US-TX", 17),
            ("US-NY", 14),
            ("US-FL", 12),
            ("US-IL", 9),
            ("US-WA", 8),
        ],
        "KEYWORD" => vec![
            ("living room ideas", 34),
            ("summer outfits", 27),
            ("easy recipes", 22),
            ("gift ideas", 17),
        ],
        "TARGETED_INTEREST" | "PINNER_INTEREST" => {
            vec![
                ("Home decor", 38),
                ("Women's fashion", 26),
                ("Food and drinks", 19),
                ("DIY and crafts", 17),
            ]
        }
        _ => {
            return a
                .audiences
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.clone(), 10 + u64::try_from(i).unwrap_or(0) * 7))
                .collect();
        }
    };
    pairs.into_iter().map(|(v, w)| (v.to_owned(), w)).collect()
}

fn ratio(n: f64, d: f64) -> Value {
    if d > 0.0 {
        json!((n / d * 1e6).round() / 1e6)
    } else {
        json!(0.0)
    }
}

/// One row of analytics columns from a period's delivery. Paid (`_1`) and earned (`_2`) numbers add
/// up to the totals; clicks never exceed impressions, conversions never exceed clicks.
fn metric_row(a: &TestAccount, c: &TestCampaign, m: &DayMetrics, columns: &[&str]) -> Map<String, Value> {
    let mut r = Rng::for_parts(a.seed, &["earned", &c.id, &m.impressions.to_string()]);
    let imp1 = m.impressions;
    let imp2 = (imp1 as f64 * r.between(0.05, 0.2)).round() as u64;
    let click1 = m.clicks;
    let click2 = ((imp2 as f64) * r.between(0.001, 0.004)).round() as u64;
    let outbound = (click1 as f64 * r.between(0.7, 0.9)).round() as u64;
    let saves = (imp1 as f64 * r.between(0.001, 0.004)).round() as u64;
    let engagement1 = click1 + saves;
    let engagement_total = engagement1 + click2 + (imp2 as f64 * 0.002).round() as u64;
    let checkouts = m.conversions;
    let signups = (click1 as f64 * r.between(0.0, 0.004)).floor() as u64;
    let leads = (click1 as f64 * r.between(0.0, 0.003)).floor() as u64;
    let page_visits = (outbound as f64 * r.between(0.6, 0.9)).round() as u64;
    let spend = m.spend_micros;
    let units = |micros: i64| (micros as f64 / 1e4).round() / 100.0;
    let reach = ((imp1 + imp2) as f64 / r.between(1.3, 2.0)).round() as u64;
    let mut row = Map::new();
    for col in columns {
        let v = match *col {
            "SPEND_IN_MICRO_DOLLAR" => json!(spend),
            "SPEND_IN_DOLLAR" => json!(units(spend)),
            "PAID_IMPRESSION" | "IMPRESSION_1" => json!(imp1),
            "IMPRESSION_2" => json!(imp2),
            "TOTAL_IMPRESSION" => json!(imp1 + imp2),
            "TOTAL_IMPRESSION_USER" => json!(reach),
            "CLICKTHROUGH_1" => json!(click1),
            "CLICKTHROUGH_2" => json!(click2),
            "TOTAL_CLICKTHROUGH" => json!(click1 + click2),
            "OUTBOUND_CLICK_1" => json!(outbound),
            "CTR" => ratio(click1 as f64, imp1 as f64),
            "OUTBOUND_CTR_1" => ratio(outbound as f64, imp1 as f64),
            "CPC_IN_MICRO_DOLLAR" => json!(if click1 > 0 {
                spend / i64::try_from(click1).unwrap_or(1)
            } else {
                0
            }),
            "ECPC_IN_DOLLAR" => ratio(units(spend), click1 as f64),
            "CPM_IN_MICRO_DOLLAR" => {
                json!(if imp1 > 0 {
                    (spend as f64 / imp1 as f64 * 1000.0).round() as i64
                } else {
                    0
                })
            }
            "CPM_IN_DOLLAR" => ratio(units(spend) * 1000.0, imp1 as f64),
            "TOTAL_ENGAGEMENT" => json!(engagement_total),
            "ENGAGEMENT_1" => json!(engagement1),
            "ENGAGEMENT_RATE" => ratio(engagement1 as f64, imp1 as f64),
            "REPIN_1" => json!(saves),
            "TOTAL_CONVERSIONS" => json!(checkouts + signups + leads),
            "TOTAL_CHECKOUT" => json!(checkouts),
            "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR" => json!(m.conversion_value_micros),
            "CHECKOUT_ROAS" => ratio(m.conversion_value_micros as f64, spend as f64),
            "TOTAL_PAGE_VISIT" => json!(page_visits),
            "TOTAL_SIGNUP" => json!(signups),
            "TOTAL_LEAD" => json!(leads),
            "CAMPAIGN_NAME" => json!(c.name),
            "CAMPAIGN_ENTITY_STATUS" => json!(c.current_status()),
            "CAMPAIGN_OBJECTIVE_TYPE" => json!(c.kind),
            _ => continue,
        };
        row.insert((*col).to_owned(), v);
    }
    row
}

/// One report row: column name to value.
type Row = Map<String, Value>;

/// The delivery of a campaign's ads (or, `by_group`, of its ad groups) per period: each ad's day
/// as the rotation shares it out (`ads.rs`), summed by period like a campaign's.
fn child_periods(
    a: &TestAccount,
    c: &TestCampaign,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
    granularity: &str,
    by_group: bool,
) -> Vec<(String, Option<String>, DayMetrics)> {
    let mut out: Vec<(String, Option<String>, DayMetrics)> = Vec::new();
    let mut day = from;
    while day <= to {
        for x in a.ad_days(c, day, today) {
            let child = if by_group { x.ad_group_id } else { x.ad_id };
            if granularity == "HOUR" {
                let weights: Vec<u64> = HOURLY.to_vec();
                for hour in 0..24 {
                    let part = split_metrics(&x.metrics, &weights, hour);
                    out.push((
                        child.clone(),
                        Some(format!("{} {hour:02}", crate::time::date_text(day))),
                        part,
                    ));
                }
            } else {
                let key = period_of(day, granularity);
                match out.iter_mut().find(|(k, p, _)| *k == child && *p == key) {
                    Some((_, _, total)) => add(total, &x.metrics),
                    None => out.push((child, key, x.metrics)),
                }
            }
        }
        day = day + Days::new(1);
    }
    out.retain(|(_, _, m)| m.impressions > 0);
    out
}

/// The file of a finished report: JSON keyed by entity id (each a list of rows), or CSV.
pub fn report_file(a: &TestAccount, token: &str, today: NaiveDate) -> Option<(&'static str, String)> {
    let report = a.reports.iter().find(|r| r.token == token)?;
    let p = &report.request;
    let from = super::date(p, "start_date").ok()?;
    let to = super::date(p, "end_date").ok()?;
    let granularity = text(p, "granularity").unwrap_or("DAY");
    let columns = strings(p, "columns");
    let only = strings(p, "campaign_ids");
    let level = text(p, "level").unwrap_or("CAMPAIGN");
    let (id_key, mut rows): (&str, Vec<(String, Row)>) = match level {
        "ADVERTISER" => {
            let template = a.campaigns.first()?;
            let rows = account_periods(a, from, to, today, granularity)
                .into_iter()
                .map(|(date, m)| {
                    (
                        a.account_id.clone(),
                        dated(metric_row(a, template, &m, &columns), date),
                    )
                })
                .collect();
            ("ADVERTISER_ID", rows)
        }
        _ => {
            let mut rows = Vec::new();
            for c in a
                .campaigns
                .iter()
                .filter(|c| only.is_empty() || only.contains(&c.id.as_str()))
            {
                if matches!(level, "AD_GROUP" | "PIN_PROMOTION") {
                    // Each ad's (or ad group's) own delivery.
                    for (child, date, part) in
                        child_periods(a, c, (from, to), today, granularity, level == "AD_GROUP")
                    {
                        let mut row = dated(metric_row(a, c, &part, &columns), date);
                        row.insert("CAMPAIGN_ID".into(), json!(c.id));
                        rows.push((child, row));
                    }
                    continue;
                }
                let children: Vec<String> = match level {
                    "AD_GROUP_TARGETING" => a
                        .ad_groups
                        .iter()
                        .filter(|g| g.campaign_id == c.id)
                        .map(|g| g.id.clone())
                        .collect(),
                    _ => vec![c.id.clone()],
                };
                let weights: Vec<u64> = (0..children.len())
                    .map(|i| 10 + u64::try_from(i).unwrap_or(0) * 3)
                    .collect();
                for (date, m) in periods(a, c, from, to, today, granularity) {
                    for (i, child) in children.iter().enumerate() {
                        let part = split_metrics(&m, &weights, i);
                        let mut row = dated(metric_row(a, c, &part, &columns), date.clone());
                        row.insert("CAMPAIGN_ID".into(), json!(c.id));
                        rows.push((child.clone(), row));
                    }
                }
            }
            let key = match level {
                "AD_GROUP" | "AD_GROUP_TARGETING" => "AD_GROUP_ID",
                "PIN_PROMOTION" => "PIN_PROMOTION_ID",
                _ => "CAMPAIGN_ID",
            };
            (key, rows)
        }
    };
    for (id, row) in &mut rows {
        row.insert(id_key.to_owned(), json!(id));
    }
    if text(p, "report_format") == Some("CSV") {
        let mut header: Vec<String> = vec![id_key.to_owned()];
        if granularity != "TOTAL" {
            header.push("DATE".into());
        }
        header.extend(columns.iter().map(|c| (*c).to_owned()));
        let mut out = header.join(",") + "\n";
        for (_, row) in &rows {
            let cells: Vec<String> = header
                .iter()
                .map(|h| match row.get(h) {
                    Some(Value::String(s)) if s.contains([',', '"']) => {
                        format!("\"{}\"", s.replace('"', "\"\""))
                    }
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        return Some(("text/csv", out));
    }
    let mut grouped = Map::new();
    for (id, row) in rows {
        if let Value::Array(list) = grouped.entry(id).or_insert_with(|| Value::Array(Vec::new())) {
            list.push(Value::Object(row));
        }
    }
    Some(("application/json", Value::Object(grouped).to_string()))
}

/// The period's `DATE` (and `HOUR` for hourly rows, whose key is `YYYY-MM-DD HH`).
fn dated(mut row: Map<String, Value>, date: Option<String>) -> Map<String, Value> {
    match date.as_deref().map(|d| d.split_once(' ')) {
        Some(Some((day, hour))) => {
            row.insert("DATE".into(), json!(day));
            row.insert("HOUR".into(), json!(hour.parse::<u32>().unwrap_or(0)));
        }
        Some(None) => {
            row.insert("DATE".into(), json!(date));
        }
        None => {}
    }
    row
}
