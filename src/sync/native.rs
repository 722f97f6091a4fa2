//! The calls a sync makes and how it reads each platform's answers: campaign lists into
//! [`ListedCampaign`]s and daily performance into [`DayRow`]s, through the one normalizer. A row
//! that cannot be read is reported, never guessed at.

use crate::campaign::CampaignStatus;
use crate::metrics::{MetricValues, normalize};
use crate::money::Currency;
use crate::platform::Platform;
use crate::time::{date_text, parse_date};
use chrono::{DateTime, NaiveDate};
use serde_json::{Value, json};

/// Pinterest's analytics take at most this many campaign ids per request.
pub const PINTEREST_IDS_PER_REQUEST: usize = 250;

/// Google writes this end date for "runs until stopped".
const GOOGLE_NO_END: &str = "2037-12-30";

/// A tool call to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub tool: &'static str,
    pub params: Value,
}

/// The call listing every campaign that can have delivered, removed and archived ones included
/// (their history still counts).
pub fn list_call(platform: Platform) -> Call {
    let params = match platform {
        Platform::Google => json!({}),
        Platform::Meta => json!({"all_pages": true, "limit": 100,
                                  "effective_status": ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED"]}),
        Platform::Pinterest => json!({"all_pages": true, "page_size": 250,
                                       "entity_statuses": ["ACTIVE", "PAUSED", "ARCHIVED"]}),
    };
    Call {
        tool: "list_campaigns",
        params,
    }
}

/// The Pinterest analytics columns a sync asks for: the normalizer's inputs.
const PINTEREST_COLUMNS: [&str; 5] = [
    "SPEND_IN_MICRO_DOLLAR",
    "IMPRESSION_1",
    "CLICKTHROUGH_1",
    "TOTAL_CONVERSIONS",
    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
];

/// The calls reading daily performance for `[from, to]`: one, or for Pinterest one per 250
/// campaigns (its analytics are asked per campaign id).
pub fn performance_calls(
    platform: Platform,
    from: NaiveDate,
    to: NaiveDate,
    campaign_ids: &[String],
) -> Vec<Call> {
    let (from, to) = (date_text(from), date_text(to));
    match platform {
        Platform::Google => vec![Call {
            tool: "get_campaign_performance",
            params: json!({"start_date": from, "end_date": to}),
        }],
        Platform::Meta => vec![Call {
            tool: "get_campaign_insights",
            params: json!({"since": from, "until": to, "limit": 500, "all_pages": true}),
        }],
        Platform::Pinterest => campaign_ids
            .chunks(PINTEREST_IDS_PER_REQUEST)
            .map(|ids| Call {
                tool: "get_campaign_analytics",
                params: json!({"campaign_ids": ids, "start_date": from, "end_date": to,
                               "granularity": "DAY", "columns": PINTEREST_COLUMNS}),
            })
            .collect(),
    }
}

/// Where a paged answer stopped early: the parameter and cursor to carry on with.
pub fn next_page(answer: &Value) -> Option<(&'static str, String)> {
    if let Some(bookmark) = answer.get("bookmark").and_then(Value::as_str) {
        return Some(("bookmark", bookmark.to_owned()));
    }
    let paging = answer.get("paging")?;
    paging.get("next")?;
    let after = paging["cursors"]["after"].as_str()?;
    Some(("after", after.to_owned()))
}

/// A campaign as its platform lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedCampaign {
    pub external_id: String,
    pub name: String,
    pub objective: Option<String>,
    pub status: CampaignStatus,
    pub platform_status: String,
    pub daily_budget_micros: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// One campaign-day of performance, normalized, with the platform's row as it came.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    pub external_id: String,
    pub date: NaiveDate,
    pub values: MetricValues,
    /// The campaign's name when the row carries it (Google and Meta rows do).
    pub name: Option<String>,
    pub raw: Value,
}

/// What could be read, and a line for each record that could not.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<T> {
    pub rows: Vec<T>,
    pub problems: Vec<String>,
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, key| v.get(key))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// An integer written as a number or as digits.
fn integer(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn id_text(v: Option<&Value>) -> Option<String> {
    let v = v?;
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn rows_of<'a>(answer: &'a Value, key: &str) -> &'a [Value] {
    answer
        .get(key)
        .or(Some(answer))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Reads every row of an answer's list; a row read as `None` is skipped without a word.
fn read_rows<T>(rows: &[Value], what: &str, read: impl Fn(&Value) -> Result<Option<T>, String>) -> Read<T> {
    let mut out = Read {
        rows: Vec::new(),
        problems: Vec::new(),
    };
    for (i, row) in rows.iter().enumerate() {
        match read(row) {
            Ok(Some(r)) => out.rows.push(r),
            Ok(None) => {}
            Err(reason) => out.problems.push(format!("{what} #{}: {reason}", i + 1)),
        }
    }
    out
}

/// Campaigns from a list answer. Pinterest drafts (never delivered) are left out without a word.
pub fn read_campaigns(platform: Platform, answer: &Value, currency: Currency) -> Read<ListedCampaign> {
    let key = match platform {
        Platform::Google => "results",
        Platform::Meta => "data",
        Platform::Pinterest => "items",
    };
    read_rows(rows_of(answer, key), "campaign in the list", |row| {
        read_campaign(platform, row, currency)
    })
}

fn read_campaign(
    platform: Platform,
    row: &Value,
    currency: Currency,
) -> Result<Option<ListedCampaign>, String> {
    let (campaign, id) = match platform {
        Platform::Google => (&row["campaign"], id_text(row["campaign"].get("id"))),
        _ => (row, id_text(row.get("id"))),
    };
    let id = id.ok_or("it has no id")?;
    let native_status = text(campaign, &["status"]).ok_or_else(|| format!("campaign {id} has no status"))?;
    if platform == Platform::Pinterest && native_status.contains("DRAFT") {
        return Ok(None);
    }
    let status =
        CampaignStatus::from_platform(platform, native_status).map_err(|e| format!("campaign {id}: {e}"))?;
    let name = text(campaign, &["name"]).unwrap_or(&id).to_owned();
    let date = |field: &str| text(campaign, &[field]).and_then(|s| parse_date(s.get(..10).unwrap_or(s)).ok());
    let unix_date = |field: &str| {
        integer(campaign.get(field))
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .map(|at| at.date_naive())
    };
    let (objective, budget, start, end) = match platform {
        Platform::Google => (
            text(campaign, &["advertisingChannelType"]),
            integer(row["campaignBudget"].get("amountMicros")),
            date("startDate"),
            date("endDate").filter(|d| date_text(*d) != GOOGLE_NO_END),
        ),
        Platform::Meta => (
            text(campaign, &["objective"]),
            // Graph writes budgets in the currency's minor unit (cents, or yen).
            integer(campaign.get("daily_budget"))
                .and_then(|minor| minor.checked_mul(10_i64.pow(6 - currency.decimals().min(6)))),
            date("start_time"),
            date("stop_time"),
        ),
        Platform::Pinterest => (
            text(campaign, &["objective_type"]),
            integer(campaign.get("daily_spend_cap")),
            unix_date("start_time"),
            unix_date("end_time"),
        ),
    };
    if budget.is_some_and(|b| b < 0) {
        return Err(format!("campaign {id} has a negative daily budget"));
    }
    Ok(Some(ListedCampaign {
        external_id: id,
        name,
        objective: objective.map(str::to_owned),
        status,
        platform_status: native_status.to_ascii_uppercase(),
        daily_budget_micros: budget.filter(|b| *b > 0),
        start_date: start,
        end_date: end.filter(|e| start.is_none_or(|s| *e >= s)),
    }))
}

/// Daily performance rows from a performance answer.
pub fn read_days(platform: Platform, answer: &Value) -> Read<DayRow> {
    let key = match platform {
        Platform::Google => "results",
        Platform::Meta => "data",
        Platform::Pinterest => "",
    };
    read_rows(rows_of(answer, key), "performance row", |row| {
        read_day(platform, row).map(Some)
    })
}

fn read_day(platform: Platform, row: &Value) -> Result<DayRow, String> {
    let (id, date, name) = match platform {
        Platform::Google => (
            id_text(row["campaign"].get("id")),
            text(row, &["segments", "date"]),
            text(row, &["campaign", "name"]),
        ),
        Platform::Meta => (
            id_text(row.get("campaign_id")),
            text(row, &["date_start"]),
            text(row, &["campaign_name"]),
        ),
        Platform::Pinterest => (id_text(row.get("CAMPAIGN_ID")), text(row, &["DATE"]), None),
    };
    let id = id.ok_or("it has no campaign id")?;
    let date = date.ok_or_else(|| format!("campaign {id}: the row has no date"))?;
    let date = parse_date(date).map_err(|e| format!("campaign {id}: {e}"))?;
    let values =
        normalize(platform, row).map_err(|e| format!("campaign {id} on {}: {e}", date_text(date)))?;
    Ok(DayRow {
        external_id: id,
        date,
        values,
        name: name.map(str::to_owned),
        raw: row.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Micros;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    fn usd() -> Currency {
        Currency::parse("USD").expect("USD")
    }

    #[test]
    fn google_lists_and_days_read_with_budgets_in_micros_and_no_sentinel_end() {
        let list = json!({"results": [
            {"campaign": {"id": "111", "name": "Search | Brand", "status": "ENABLED",
                          "advertisingChannelType": "SEARCH", "startDate": "2026-06-01", "endDate": "2037-12-30"},
             "campaignBudget": {"amountMicros": "50000000"}},
            {"campaign": {"id": "112", "name": "Old", "status": "REMOVED", "startDate": "2026-01-01",
                          "endDate": "2026-03-31"}},
            {"campaign": {"name": "no id", "status": "ENABLED"}}
        ]});
        let read = read_campaigns(Platform::Google, &list, usd());
        assert_eq!(read.rows.len(), 2);
        assert_eq!(read.problems, vec!["campaign in the list #3: it has no id"]);
        let c = &read.rows[0];
        assert_eq!(
            (c.external_id.as_str(), c.status, c.daily_budget_micros),
            ("111", CampaignStatus::Active, Some(50_000_000))
        );
        assert_eq!((c.start_date, c.end_date), (Some(d("2026-06-01")), None));
        assert_eq!(read.rows[1].status, CampaignStatus::Removed);
        assert_eq!(read.rows[1].end_date, Some(d("2026-03-31")));

        let days = json!({"results": [
            {"campaign": {"id": "111", "name": "Search | Brand"}, "segments": {"date": "2026-11-20"},
             "metrics": {"costMicros": "12500000", "impressions": "1000", "clicks": "40", "conversions": 2.5,
                         "conversionsValue": 99.5}},
            {"campaign": {"id": "111"}, "segments": {"date": "2026-13-01"}, "metrics": {}},
            {"campaign": {"id": "111"}, "segments": {"date": "2026-11-21"}, "metrics": {"costMicros": "-5"}}
        ]});
        let read = read_days(Platform::Google, &days);
        assert_eq!(read.rows.len(), 1);
        assert_eq!(read.problems.len(), 2);
        let r = &read.rows[0];
        assert_eq!(
            (r.date, r.values.spend, r.values.impressions, r.values.clicks),
            (d("2026-11-20"), Micros::new(12_500_000), 1000, 40)
        );
        assert_eq!(r.values.conversion_value, Micros::new(99_500_000));
        assert_eq!(r.name.as_deref(), Some("Search | Brand"));
    }

    #[test]
    fn meta_budgets_are_minor_units_of_the_account_currency() {
        let list = json!({"data": [
            {"id": "2385", "name": "Prospecting", "status": "ACTIVE", "objective": "OUTCOME_SALES",
             "daily_budget": "2500", "start_time": "2026-06-01T00:00:00+0000"},
            {"id": "2386", "name": "Yen", "status": "ARCHIVED", "daily_budget": "3000"}
        ]});
        let read = read_campaigns(Platform::Meta, &list, usd());
        assert_eq!(read.rows[0].daily_budget_micros, Some(25_000_000));
        assert_eq!(read.rows[0].start_date, Some(d("2026-06-01")));
        assert_eq!(read.rows[1].status, CampaignStatus::Removed);
        let yen = read_campaigns(Platform::Meta, &list, Currency::parse("JPY").expect("JPY"));
        assert_eq!(yen.rows[1].daily_budget_micros, Some(3_000_000_000));

        let days = json!({"data": [{"campaign_id": "2385", "campaign_name": "Prospecting", "date_start": "2026-11-20",
            "date_stop": "2026-11-20", "spend": "10.50", "impressions": "2000", "clicks": "30",
            "actions": [{"action_type": "omni_purchase", "value": "3"}],
            "action_values": [{"action_type": "omni_purchase", "value": "120.00"}]}]});
        let read = read_days(Platform::Meta, &days);
        assert!(read.problems.is_empty());
        assert_eq!(read.rows[0].values.spend, Micros::new(10_500_000));
        assert_eq!(read.rows[0].values.conversions, 3.0);
        assert_eq!(read.rows[0].values.conversion_value, Micros::new(120_000_000));
    }

    #[test]
    fn pinterest_reads_unix_times_skips_drafts_and_reads_bare_arrays() {
        let list = json!({"items": [
            {"id": "626", "name": "Pins", "status": "ACTIVE", "objective_type": "CONSIDERATION",
             "daily_spend_cap": 30000000, "start_time": 1780272000, "end_time": null},
            {"id": "627", "name": "Draft", "status": "DRAFT", "objective_type": "AWARENESS"}
        ], "bookmark": null});
        let read = read_campaigns(Platform::Pinterest, &list, usd());
        assert_eq!(read.rows.len(), 1);
        assert!(read.problems.is_empty());
        assert_eq!(read.rows[0].start_date, Some(d("2026-06-01")));
        assert_eq!(read.rows[0].daily_budget_micros, Some(30_000_000));

        let days = json!([{"CAMPAIGN_ID": "626", "DATE": "2026-11-20", "SPEND_IN_MICRO_DOLLAR": 4000000,
                           "IMPRESSION_1": 800, "CLICKTHROUGH_1": 12, "TOTAL_CONVERSIONS": 1,
                           "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 25000000},
                          {"DATE": "2026-11-20"}]);
        let read = read_days(Platform::Pinterest, &days);
        assert_eq!(read.rows.len(), 1);
        assert_eq!(read.problems, vec!["performance row #2: it has no campaign id"]);
        assert_eq!(read.rows[0].values.spend, Micros::new(4_000_000));
    }

    #[test]
    fn pinterest_asks_per_250_campaigns_and_cursors_are_found() {
        let ids: Vec<String> = (0..600).map(|i| i.to_string()).collect();
        let calls = performance_calls(Platform::Pinterest, d("2026-11-01"), d("2026-11-25"), &ids);
        assert_eq!(calls.len(), 3);
        assert_eq!(
            calls[2].params["campaign_ids"].as_array().map(Vec::len),
            Some(100)
        );
        assert_eq!(
            performance_calls(Platform::Google, d("2026-11-01"), d("2026-11-25"), &ids).len(),
            1
        );
        assert_eq!(
            next_page(&json!({"items": [], "bookmark": "b2"})),
            Some(("bookmark", "b2".to_owned()))
        );
        assert_eq!(next_page(&json!({"items": [], "bookmark": null})), None);
        let graph = json!({"data": [], "paging": {"cursors": {"after": "QVFI"}, "next": "https://x"}});
        assert_eq!(next_page(&graph), Some(("after", "QVFI".to_owned())));
        assert_eq!(
            next_page(&json!({"data": [], "paging": {"cursors": {"after": "QVFI"}}})),
            None
        );
        assert_eq!(next_page(&json!({"data": []})), None);
    }
}
