//! What agents say to each platform: the tool and parameters for reading campaigns and their
//! performance, pausing, setting budgets and launching, and how to read each platform's answer
//! into [`CampaignPerf`]. Pure: the server runs the calls.

use super::decide::CampaignPerf;
use crate::metrics::{MetricValues, normalize};
use crate::money::Currency;
use crate::platform::Platform;
use chrono::NaiveDate;
use serde_json::{Value, json};

/// A tool call to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub tool: &'static str,
    pub params: Value,
}

fn call(tool: &'static str, params: Value) -> Call {
    Call { tool, params }
}

fn day(d: NaiveDate) -> String {
    crate::time::date_text(d)
}

/// The call that lists every campaign.
pub fn list_campaigns(platform: Platform) -> Call {
    match platform {
        Platform::Google => call("list_campaigns", json!({})),
        Platform::Meta => call("list_campaigns", json!({"all_pages": true, "limit": 100})),
        Platform::Pinterest => call(
            "list_campaigns",
            json!({"all_pages": true, "page_size": 250, "entity_statuses": ["ACTIVE", "PAUSED"]}),
        ),
    }
}

/// A campaign's settings as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub daily_budget_micros: i64,
}

fn int_text(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

/// Campaigns from a list answer (removed and archived ones left out).
pub fn read_campaigns(platform: Platform, answer: &Value, currency: Currency) -> Vec<Listed> {
    let rows = |key: &str| answer[key].as_array().map_or(&[][..], Vec::as_slice);
    match platform {
        Platform::Google => rows("results")
            .iter()
            .filter(|r| r["campaign"]["status"] != "REMOVED")
            .map(|r| Listed {
                id: r["campaign"]["id"].as_str().unwrap_or_default().to_owned(),
                name: r["campaign"]["name"].as_str().unwrap_or_default().to_owned(),
                active: r["campaign"]["status"] == "ENABLED",
                daily_budget_micros: int_text(&r["campaignBudget"]["amountMicros"]),
            })
            .collect(),
        Platform::Meta => rows("data")
            .iter()
            .filter(|r| r["status"] == "ACTIVE" || r["status"] == "PAUSED")
            .map(|r| Listed {
                id: r["id"].as_str().unwrap_or_default().to_owned(),
                name: r["name"].as_str().unwrap_or_default().to_owned(),
                active: r["status"] == "ACTIVE",
                daily_budget_micros: int_text(&r["daily_budget"])
                    .saturating_mul(10_i64.pow(6 - currency.decimals())),
            })
            .collect(),
        Platform::Pinterest => rows("items")
            .iter()
            .map(|r| Listed {
                id: r["id"].as_str().unwrap_or_default().to_owned(),
                name: r["name"].as_str().unwrap_or_default().to_owned(),
                active: r["status"] == "ACTIVE",
                daily_budget_micros: int_text(&r["daily_spend_cap"]),
            })
            .collect(),
    }
}

/// The call that reads daily performance for `[from, to]`.
pub fn performance(platform: Platform, from: NaiveDate, to: NaiveDate, campaign_ids: &[String]) -> Call {
    match platform {
        Platform::Google => call(
            "get_campaign_performance",
            json!({"start_date": day(from), "end_date": day(to)}),
        ),
        Platform::Meta => call(
            "get_campaign_insights",
            json!({"since": day(from), "until": day(to), "limit": 500, "all_pages": true}),
        ),
        Platform::Pinterest => call(
            "get_campaign_analytics",
            json!({"campaign_ids": campaign_ids.iter().take(250).collect::<Vec<_>>(), "start_date": day(from), "end_date": day(to),
                   "granularity": "DAY",
                   "columns": ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1", "TOTAL_CONVERSIONS",
                               "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"]}),
        ),
    }
}

/// Reads a campaign id out of a performance row.
type IdOf = fn(&Value) -> Option<&str>;

/// Performance rows summed per campaign, through the platform's normalizer.
pub fn read_performance(platform: Platform, answer: &Value) -> Vec<(String, MetricValues)> {
    let (rows, id_of): (Option<&Vec<Value>>, IdOf) = match platform {
        Platform::Google => (answer["results"].as_array(), |r| r["campaign"]["id"].as_str()),
        Platform::Meta => (answer["data"].as_array(), |r| r["campaign_id"].as_str()),
        Platform::Pinterest => (answer.as_array(), |r| r["CAMPAIGN_ID"].as_str()),
    };
    let mut out: Vec<(String, MetricValues)> = Vec::new();
    for row in rows.into_iter().flatten() {
        let (Some(id), Ok(values)) = (id_of(row), normalize(platform, row)) else {
            continue;
        };
        match out.iter_mut().find(|(k, _)| k == id) {
            Some((_, m)) => m.add(&values),
            None => out.push((id.to_owned(), values)),
        }
    }
    out
}

/// Campaign settings joined with their performance.
pub fn join(platform: Platform, listed: Vec<Listed>, perf: &[(String, MetricValues)]) -> Vec<CampaignPerf> {
    listed
        .into_iter()
        .map(|l| CampaignPerf {
            platform,
            metrics: perf
                .iter()
                .find(|(id, _)| *id == l.id)
                .map(|(_, m)| *m)
                .unwrap_or_default(),
            id: l.id,
            name: l.name,
            active: l.active,
            daily_budget_micros: l.daily_budget_micros,
        })
        .collect()
}

/// The call that pauses a campaign.
pub fn pause(platform: Platform, campaign_id: &str) -> Call {
    match platform {
        Platform::Pinterest => call(
            "update_campaigns",
            json!({"items": [{"id": campaign_id, "status": "PAUSED"}]}),
        ),
        _ => call(
            "update_campaign",
            json!({"campaign_id": campaign_id, "status": "PAUSED"}),
        ),
    }
}

/// The call that sets a campaign's daily budget (micros of the account currency).
pub fn set_budget(platform: Platform, campaign_id: &str, micros: i64, currency: Currency) -> Call {
    match platform {
        Platform::Google => call(
            "update_campaign",
            json!({"campaign_id": campaign_id, "budget_micros": micros}),
        ),
        Platform::Meta => call(
            "update_campaign",
            json!({"campaign_id": campaign_id, "daily_budget": minor_units(micros, currency)}),
        ),
        Platform::Pinterest => call(
            "update_campaigns",
            json!({"items": [{"id": campaign_id, "daily_spend_cap": micros}]}),
        ),
    }
}

fn minor_units(micros: i64, currency: Currency) -> i64 {
    micros / 10_i64.pow(6 - currency.decimals())
}

/// The call that creates a campaign with a daily budget; `goal` is sales, traffic, awareness or leads.
pub fn launch(
    platform: Platform,
    name: &str,
    budget_micros: i64,
    goal: &str,
    active: bool,
    currency: Currency,
) -> Call {
    match platform {
        Platform::Google => call(
            "create_campaign",
            json!({"name": name, "budget_micros": budget_micros, "status": if active { "ENABLED" } else { "PAUSED" },
                   "advertising_channel_type": if goal == "awareness" { "DISPLAY" } else { "SEARCH" }}),
        ),
        Platform::Meta => call(
            "create_campaign",
            json!({"name": name, "special_ad_categories": [], "status": if active { "ACTIVE" } else { "PAUSED" },
            "daily_budget": minor_units(budget_micros, currency).max(100),
            "objective": match goal {
                "traffic" => "OUTCOME_TRAFFIC",
                "awareness" => "OUTCOME_AWARENESS",
                "leads" => "OUTCOME_LEADS",
                _ => "OUTCOME_SALES",
            }}),
        ),
        Platform::Pinterest => call(
            "create_campaigns",
            json!({"items": [{"name": name, "status": if active { "ACTIVE" } else { "PAUSED" }, "daily_spend_cap": budget_micros,
            "objective_type": match goal {
                "traffic" => "CONSIDERATION",
                "awareness" => "AWARENESS",
                "catalog" => "CATALOG_SALES",
                _ => "WEB_CONVERSION",
            }}]}),
        ),
    }
}

/// The new campaign's id in a launch answer, or the platform's reason it was refused (Pinterest
/// answers per item).
pub fn launched(platform: Platform, answer: &Value) -> Result<String, String> {
    match platform {
        Platform::Google => answer["mutateOperationResponses"]
            .as_array()
            .and_then(|ops| {
                ops.iter()
                    .find_map(|o| o["campaignResult"]["resourceName"].as_str())
            })
            .and_then(|r| r.rsplit('/').next())
            .map(str::to_owned)
            .ok_or_else(|| "the answer names no campaign".to_owned()),
        Platform::Meta => answer["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "the answer has no id".to_owned()),
        Platform::Pinterest => {
            let item = &answer["items"][0];
            match item["data"]["id"].as_str() {
                Some(id) => Ok(id.to_owned()),
                None => Err(item["exceptions"][0]["message"]
                    .as_str()
                    .or_else(|| item["exceptions"]["message"].as_str())
                    .unwrap_or("the platform refused the campaign")
                    .to_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::testmode::TestAccount;

    #[test]
    fn every_platforms_calls_fit_its_tools_and_its_answers_read_back() {
        let today = crate::time::parse_date("2026-11-24").unwrap_or_default();
        let from = today - chrono::Days::new(14);
        for platform in Platform::ALL {
            let mut a = TestAccount::generate(platform, 4, Currency::EUR, today);
            let run = |a: &mut TestAccount, c: &Call| {
                let spec = crate::connectors::find_tool(platform, c.tool).expect("tool");
                spec.check_params(&c.params)
                    .unwrap_or_else(|e| panic!("{platform} {}: {e}", c.tool));
                let mut p = c.params.clone();
                p.as_object_mut().map(|m| m.remove("all_pages"));
                a.call(c.tool, &p, today)
                    .unwrap_or_else(|e| panic!("{platform} {}: {e}", c.tool))
            };
            let listed = read_campaigns(platform, &run(&mut a, &list_campaigns(platform)), Currency::EUR);
            assert_eq!(listed.len(), a.campaigns.len(), "{platform}");
            let ids: Vec<String> = listed.iter().map(|l| l.id.clone()).collect();
            let perf = read_performance(platform, &run(&mut a, &performance(platform, from, today, &ids)));
            assert!(!perf.is_empty(), "{platform}");
            let joined = join(platform, listed, &perf);
            let first = joined[0].clone();
            assert!(first.daily_budget_micros > 0, "{platform}");
            run(
                &mut a,
                &set_budget(platform, &first.id, 42_000_000, Currency::EUR),
            );
            run(&mut a, &pause(platform, &first.id));
            let after = read_campaigns(platform, &run(&mut a, &list_campaigns(platform)), Currency::EUR);
            let changed = after.iter().find(|l| l.id == first.id).expect("still listed");
            assert!(!changed.active, "{platform}");
            assert_eq!(changed.daily_budget_micros, 42_000_000, "{platform}");
            let made = run(
                &mut a,
                &launch(
                    platform,
                    "Agent launch",
                    30_000_000,
                    "sales",
                    false,
                    Currency::EUR,
                ),
            );
            let id = launched(platform, &made).unwrap_or_else(|e| panic!("{platform}: {e}"));
            assert!(a.campaigns.iter().any(|c| c.id == id), "{platform}");
        }
    }
}
