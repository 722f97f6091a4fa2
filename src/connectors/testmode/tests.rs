use super::*;
use crate::connectors::tool::{catalog, find_tool};
use crate::metrics::{normalize_google, normalize_meta, normalize_pinterest};
use proptest::prelude::*;
use serde_json::json;

fn day(text: &str) -> NaiveDate {
    crate::time::parse_date(text).unwrap_or_default()
}

const TODAY: &str = "2026-11-24";

fn account(platform: Platform, seed: u64) -> TestAccount {
    TestAccount::generate(platform, seed, Currency::USD, day(TODAY))
}

/// Runs a tool the way the server does: parameters checked first, the result checked after.
fn run(a: &mut TestAccount, tool: &str, params: Value) -> Result<Value, ConnectorError> {
    let spec = find_tool(a.platform, tool)?;
    spec.check_params(&params)?;
    let result = a.call(tool, &params, day(TODAY))?;
    crate::connectors::schema::validate(&spec.result, &result, "result")
        .unwrap_or_else(|e| panic!("{} {tool}: {e}\n{result:#}", a.platform));
    Ok(result)
}

fn first_campaign(a: &TestAccount) -> String {
    a.campaigns.first().map(|c| c.id.clone()).unwrap_or_default()
}

#[test]
fn the_same_seed_gives_the_same_account_and_metrics() {
    for platform in [Platform::Google, Platform::Meta] {
        assert_eq!(account(platform, 42), account(platform, 42));
        assert_ne!(account(platform, 42), account(platform, 43));
        let mut a = account(platform, 42);
        let mut b = account(platform, 42);
        let tool = if platform == Platform::Google {
            "get_campaign_performance"
        } else {
            "get_campaign_insights"
        };
        let params = if platform == Platform::Google {
            json!({"start_date": "2026-10-01", "end_date": "2026-11-24"})
        } else {
            json!({"since": "2026-10-01", "until": "2026-11-24", "limit": 100})
        };
        assert_eq!(run(&mut a, tool, params.clone()), run(&mut b, tool, params));
    }
}

#[test]
fn every_tool_answers_in_its_result_schema() {
    for (platform, calls) in [
        (
            Platform::Google,
            vec![
                ("get_account_info", json!({})),
                ("list_campaigns", json!({})),
                ("list_campaigns", json!({"status": "PAUSED"})),
                ("list_ad_groups", json!({})),
                ("list_ads", json!({})),
                (
                    "get_campaign_performance",
                    json!({"start_date": "2026-11-01", "end_date": "2026-11-24"}),
                ),
                (
                    "create_campaign",
                    json!({"name": "New", "budget_micros": 25_000_000, "advertising_channel_type": "SEARCH"}),
                ),
                (
                    "update_campaign",
                    json!({"campaign_id": "FIRST", "status": "PAUSED"}),
                ),
                (
                    "update_ad_group",
                    json!({"ad_group_id": "FIRST_GROUP", "cpc_bid_micros": 1_500_000}),
                ),
            ],
        ),
        (
            Platform::Meta,
            vec![
                ("get_account_info", json!({})),
                ("list_campaigns", json!({"limit": 2})),
                ("list_ad_sets", json!({})),
                ("list_ads", json!({})),
                (
                    "get_campaign_insights",
                    json!({"since": "2026-11-01", "until": "2026-11-24"}),
                ),
                (
                    "create_campaign",
                    json!({"name": "New", "objective": "OUTCOME_SALES", "special_ad_categories": [], "daily_budget": 5000}),
                ),
                (
                    "update_campaign",
                    json!({"campaign_id": "FIRST", "daily_budget": 9000}),
                ),
                (
                    "update_ad_set",
                    json!({"ad_set_id": "FIRST_GROUP", "bid_amount": 150}),
                ),
            ],
        ),
    ] {
        let mut a = account(platform, 7);
        let first = first_campaign(&a);
        let group = a.ad_groups.first().map(|g| g.id.clone()).unwrap_or_default();
        for (tool, params) in calls {
            let text = params
                .to_string()
                .replace("FIRST_GROUP", &group)
                .replace("FIRST", &first);
            let params: Value = serde_json::from_str(&text).unwrap_or_default();
            run(&mut a, tool, params).unwrap_or_else(|e| panic!("{platform} {tool}: {e}"));
        }
        assert_eq!(catalog(platform).len(), 8);
    }
}

#[test]
fn a_created_campaign_is_listed_and_an_update_changes_it() {
    // Meta
    let mut a = account(Platform::Meta, 3);
    let created = run(
        &mut a,
        "create_campaign",
        json!({"name": "Black Friday", "objective": "OUTCOME_SALES", "status": "ACTIVE",
               "special_ad_categories": [], "daily_budget": 12_345}),
    )
    .expect("create");
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(id.len(), 18);
    let listed = run(&mut a, "list_campaigns", json!({"limit": 1})).expect("list");
    assert_eq!(listed["data"][0]["id"], id.as_str(), "newest first");
    assert_eq!(listed["data"][0]["daily_budget"], "12345");
    run(
        &mut a,
        "update_campaign",
        json!({"campaign_id": id, "name": "BF", "status": "PAUSED"}),
    )
    .expect("update");
    let listed = run(
        &mut a,
        "list_campaigns",
        json!({"effective_status": ["PAUSED"], "limit": 100}),
    )
    .expect("list");
    let row = listed["data"]
        .as_array()
        .and_then(|d| d.iter().find(|c| c["id"] == id.as_str()))
        .cloned();
    assert_eq!(row.map(|r| r["name"].clone()), Some(json!("BF")));
    // Its children exist and can be listed by campaign.
    let sets = run(&mut a, "list_ad_sets", json!({"campaign_id": id})).expect("ad sets");
    assert!(!sets["data"].as_array().map(Vec::is_empty).unwrap_or(true));

    // Google
    let mut g = account(Platform::Google, 3);
    let before = g.campaigns.len();
    let created = run(
        &mut g,
        "create_campaign",
        json!({"name": "Generic", "budget_micros": 40_000_000, "advertising_channel_type": "SEARCH", "status": "ENABLED"}),
    )
    .expect("create");
    let resource = created["mutateOperationResponses"][1]["campaignResult"]["resourceName"]
        .as_str()
        .unwrap_or_default();
    assert!(
        resource.starts_with(&format!("customers/{}/campaigns/", g.account_id)),
        "{resource}"
    );
    let listed = run(&mut g, "list_campaigns", json!({})).expect("list");
    assert_eq!(listed["results"].as_array().map(Vec::len), Some(before + 1));
    let new_id = resource.rsplit('/').next().unwrap_or_default().to_owned();
    run(
        &mut g,
        "update_campaign",
        json!({"campaign_id": new_id, "budget_micros": 80_000_000}),
    )
    .expect("update");
    let row = run(&mut g, "list_campaigns", json!({"status": "ENABLED"})).expect("list")["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["campaign"]["id"] == new_id.as_str()).cloned());
    assert_eq!(
        row.map(|r| r["campaignBudget"]["amountMicros"].clone()),
        Some(json!("80000000"))
    );
    // Today it delivers against the new budget.
    let perf = run(
        &mut g,
        "get_campaign_performance",
        json!({"campaign_id": new_id, "start_date": TODAY, "end_date": TODAY}),
    )
    .expect("perf");
    let cost: i64 = perf["results"][0]["metrics"]["costMicros"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!(
        (80_000_000 * 60 / 100..=80_000_000 * 105 / 100).contains(&cost),
        "{cost}"
    );
}

#[test]
fn bad_requests_name_the_field_or_the_object() {
    let mut a = account(Platform::Google, 1);
    let e = run(
        &mut a,
        "get_campaign_performance",
        json!({"start_date": "2026-11-10", "end_date": "2026-11-01"}),
    );
    assert_eq!(
        e.map_err(|e| e.to_string()),
        Err("params.end_date: must not be before start_date".to_owned())
    );
    let e = run(
        &mut a,
        "update_campaign",
        json!({"campaign_id": "999", "status": "PAUSED"}),
    );
    assert!(
        matches!(e, Err(ConnectorError::NotFound { what: "campaign", .. })),
        "{e:?}"
    );
    let e = run(
        &mut a,
        "create_campaign",
        json!({"name": "x", "budget_micros": 5, "advertising_channel_type": "SEARCH"}),
    );
    assert_eq!(
        e.map_err(|e| e.to_string()),
        Err("params.budget_micros: must be at least 10000".to_owned())
    );
    let mut m = account(Platform::Meta, 1);
    let e = run(&mut m, "list_campaigns", json!({"after": "garbage"}));
    assert!(matches!(e, Err(ConnectorError::InvalidParams(_))), "{e:?}");
    let e = run(
        &mut m,
        "create_campaign",
        json!({"name": "x", "objective": "SALES", "special_ad_categories": []}),
    );
    let message = e.map_err(|e| e.to_string()).expect_err("bad objective");
    assert!(
        message.starts_with("params.objective: must be one of"),
        "{message}"
    );
}

#[test]
fn meta_paging_reaches_every_row_once() {
    let mut a = account(Platform::Meta, 11);
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut params = json!({"since": "2026-09-01", "until": "2026-11-24", "limit": 7});
        if let Some(cursor) = &after {
            params["after"] = json!(cursor);
        }
        let page = run(&mut a, "get_campaign_insights", params).expect("page");
        seen.extend(page["data"].as_array().cloned().unwrap_or_default());
        if page["paging"].get("next").is_none() {
            break;
        }
        after = page["paging"]["cursors"]["after"].as_str().map(str::to_owned);
    }
    let mut keys: Vec<String> = seen
        .iter()
        .map(|r| format!("{}/{}", r["campaign_id"], r["date_start"]))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "no row twice");
    let expected: usize = a
        .campaigns
        .iter()
        .map(|c| {
            day("2026-09-01")
                .iter_days()
                .take_while(|d| *d <= day(TODAY))
                .filter(|d| a.day_metrics(c, *d, day(TODAY)).is_some())
                .count()
        })
        .sum();
    assert_eq!(n, expected);
    assert!(n > 7);
}

#[test]
fn native_rows_normalize_to_the_generated_metrics() {
    for platform in [Platform::Google, Platform::Meta] {
        let mut a = account(platform, 5);
        let rows = if platform == Platform::Google {
            run(
                &mut a,
                "get_campaign_performance",
                json!({"start_date": "2026-11-01", "end_date": "2026-11-24"}),
            )
            .expect("perf")["results"]
                .clone()
        } else {
            run(
                &mut a,
                "get_campaign_insights",
                json!({"since": "2026-11-01", "until": "2026-11-24", "limit": 100}),
            )
            .expect("insights")["data"]
                .clone()
        };
        let rows = rows.as_array().cloned().unwrap_or_default();
        assert!(!rows.is_empty());
        for row in rows {
            let (id, date, values) = if platform == Platform::Google {
                (
                    row["campaign"]["id"].clone(),
                    row["segments"]["date"].clone(),
                    normalize_google(&row),
                )
            } else {
                (
                    row["campaign_id"].clone(),
                    row["date_start"].clone(),
                    normalize_meta(&row),
                )
            };
            let values = values.unwrap_or_else(|e| panic!("{platform}: {e}: {row}"));
            let c = a.campaign(id.as_str().unwrap_or_default()).expect("campaign");
            let m = a
                .day_metrics(c, day(date.as_str().unwrap_or_default()), day(TODAY))
                .expect("metrics");
            // Meta writes money in cents: within half a cent.
            assert!(
                (values.spend.get() - m.spend_micros).abs() <= 5_000,
                "{platform} {row}"
            );
            assert_eq!(values.impressions, m.impressions);
            assert_eq!(values.clicks, m.clicks);
            assert_eq!(values.conversions, m.conversions as f64);
            assert!((values.conversion_value.get() - m.conversion_value_micros).abs() <= 5_000);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_days_are_consistent_and_inside_the_bands(seed in any::<u64>(), which in 0usize..3, back in 0u64..120) {
        let platform = Platform::ALL[which];
        let a = account(platform, seed);
        let today = day(TODAY);
        let on_day = today - chrono::Days::new(back);
        let bands = Bands::of(platform);
        for c in &a.campaigns {
            let Some(m) = a.day_metrics(c, on_day, today) else { continue };
            let budget = on(&c.budget_micros, on_day).unwrap_or(0);
            prop_assert!(m.clicks <= m.impressions);
            prop_assert!(m.conversions <= m.clicks);
            prop_assert!(m.spend_micros as f64 <= budget as f64 * 1.05 + 1.0);
            prop_assert!(m.spend_micros as f64 >= budget as f64 * 0.70 * 0.9 - 1.0);
            prop_assert!(m.conversion_value_micros >= 0);
            // Rates are only meaningful with enough clicks; rounding moves them by under 5%.
            if m.clicks >= 100 {
                let spend = m.spend_micros as f64 / 1e6;
                let ctr = m.clicks as f64 / m.impressions as f64;
                let cpc = spend / m.clicks as f64;
                let cpm = spend / m.impressions as f64 * 1000.0;
                let cvr = m.conversions as f64 / m.clicks as f64;
                let within = |x: f64, (lo, hi): (f64, f64)| x >= lo * 0.95 && x <= hi * 1.05;
                prop_assert!(within(ctr, bands.ctr), "ctr {ctr}");
                prop_assert!(within(cpc, bands.cpc), "cpc {cpc}");
                prop_assert!(within(cpm, bands.cpm), "cpm {cpm}");
                // Conversions are whole: within one of what the band allows.
                let clicks = m.clicks as f64;
                let conversions = m.conversions as f64;
                prop_assert!(conversions >= (clicks * bands.cvr.0).floor() - 1.0, "cvr {cvr}");
                prop_assert!(conversions <= (clicks * bands.cvr.1).ceil() + 1.0, "cvr {cvr}");
            }
        }
    }
}

fn pinterest_analytics(a: &mut TestAccount, granularity: &str) -> Vec<Value> {
    let ids: Vec<String> = a.campaigns.iter().map(|c| c.id.clone()).collect();
    let columns = crate::connectors::pinterest::COLUMNS;
    run(
        a,
        "get_campaign_analytics",
        json!({"campaign_ids": ids, "start_date": "2026-10-01", "end_date": "2026-11-23",
               "columns": columns, "granularity": granularity}),
    )
    .expect("analytics")
    .as_array()
    .cloned()
    .unwrap_or_default()
}

#[test]
fn pinterest_accounts_are_the_same_for_the_same_seed_and_their_rows_normalize_to_the_days() {
    assert_eq!(account(Platform::Pinterest, 8), account(Platform::Pinterest, 8));
    assert_ne!(account(Platform::Pinterest, 8), account(Platform::Pinterest, 9));
    let mut a = account(Platform::Pinterest, 8);
    let mut b = account(Platform::Pinterest, 8);
    let rows = pinterest_analytics(&mut a, "DAY");
    assert_eq!(rows, pinterest_analytics(&mut b, "DAY"));
    assert!(!rows.is_empty());
    for row in &rows {
        let values = normalize_pinterest(row).unwrap_or_else(|e| panic!("{e}: {row}"));
        let c = a
            .campaign(row["CAMPAIGN_ID"].as_str().unwrap_or_default())
            .expect("campaign");
        let m = a
            .day_metrics(c, day(row["DATE"].as_str().unwrap_or_default()), day(TODAY))
            .expect("a day with delivery");
        assert_eq!(values.spend.get(), m.spend_micros);
        assert_eq!(values.impressions, m.impressions);
        assert_eq!(values.clicks, m.clicks);
        assert_eq!(values.conversion_value.get(), m.conversion_value_micros);
        assert!(values.conversions >= m.conversions as f64);
        assert!(values.conversions <= row["TOTAL_CLICKTHROUGH"].as_f64().unwrap_or(0.0));
    }
    // Weeks, months and the total add up to the days.
    let sum = |rows: &[Value], key: &str| rows.iter().map(|r| r[key].as_i64().unwrap_or(0)).sum::<i64>();
    for granularity in ["WEEK", "MONTH", "TOTAL"] {
        let grouped = pinterest_analytics(&mut a, granularity);
        for key in [
            "SPEND_IN_MICRO_DOLLAR",
            "IMPRESSION_1",
            "CLICKTHROUGH_1",
            "TOTAL_CHECKOUT",
        ] {
            assert_eq!(sum(&grouped, key), sum(&rows, key), "{granularity} {key}");
        }
    }
}

#[test]
fn pinterest_bookmarks_reach_every_row_once_and_bulk_items_fail_alone() {
    let mut a = account(Platform::Pinterest, 21);
    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    loop {
        let mut params = json!({"page_size": 2, "entity_statuses": ["ACTIVE", "PAUSED", "ARCHIVED"]});
        if let Some(b) = &bookmark {
            params["bookmark"] = json!(b);
        }
        let page = run(&mut a, "list_ad_groups", params).expect("page");
        for item in page["items"].as_array().into_iter().flatten() {
            seen.push(item["id"].as_str().unwrap_or_default().to_owned());
        }
        match page["bookmark"].as_str() {
            Some(b) => bookmark = Some(b.to_owned()),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert_eq!(seen.len(), a.ad_groups.len());

    let before = a.campaigns.len();
    let answer = run(
        &mut a,
        "create_campaigns",
        json!({"items": [
            {"name": "Fine", "objective_type": "CONSIDERATION", "daily_spend_cap": 5_000_000},
            {"name": "CBO without a cap", "objective_type": "CONSIDERATION", "is_campaign_budget_optimization": true},
            {"name": "Also fine", "objective_type": "AWARENESS"}
        ]}),
    )
    .expect("bulk");
    assert_eq!(a.campaigns.len(), before + 2);
    assert!(
        answer["items"][1]["exceptions"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cap"))
    );
    assert!(answer["items"][2]["data"]["id"].is_string());
    assert!(matches!(
        run(&mut a, "list_campaigns", json!({"bookmark": "forged"})),
        Err(ConnectorError::InvalidParams(_))
    ));
}

/// The server keeps test accounts in memory and stores them only after a write: a read tool must
/// leave the account exactly as it found it, on success and on error.
#[test]
fn read_tools_leave_the_account_as_it_was() {
    use crate::connectors::tool::Access;
    for platform in [Platform::Google, Platform::Meta, Platform::Pinterest] {
        let mut a = account(platform, 11);
        let campaigns: Vec<String> = a.campaigns.iter().map(|c| c.id.clone()).collect();
        for spec in catalog(platform).iter().filter(|s| s.access == Access::Read) {
            let params = match spec.name {
                "get_campaign_performance" => json!({"start_date": "2026-10-01", "end_date": "2026-11-24"}),
                "get_campaign_insights" => json!({"since": "2026-10-01", "until": "2026-11-24"}),
                "get_campaign_analytics" => json!({"campaign_ids": campaigns, "start_date": "2026-10-01",
                    "end_date": "2026-11-23", "columns": crate::connectors::pinterest::COLUMNS, "granularity": "DAY"}),
                "get_async_report" => json!({"token": "unknown"}),
                _ => json!({}),
            };
            let before = serde_json::to_string(&a).expect("account JSON");
            let _ = a.call(spec.name, &params, day(TODAY));
            let after = serde_json::to_string(&a).expect("account JSON");
            assert!(before == after, "{platform} {} changed the account", spec.name);
        }
    }
}

/// The server stores a write as its call and rebuilds the account by replaying the calls on the
/// last snapshot: replaying must give exactly the account the calls made, from the first snapshot
/// or a later one.
#[test]
fn replaying_the_logged_writes_on_a_snapshot_gives_the_same_account() {
    use chrono::TimeZone;
    let at = |days: u32, secs: u32| {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 1 + days, 8, 0, secs)
            .single()
            .unwrap_or_default()
            + chrono::Duration::milliseconds(i64::from(secs) * 7)
    };
    for platform in [Platform::Google, Platform::Meta, Platform::Pinterest] {
        let mut live = account(platform, 5);
        let snapshot: TestAccount =
            serde_json::from_str(&serde_json::to_string(&live).expect("account JSON")).expect("snapshot");
        let first = first_campaign(&live);
        let group = live.ad_groups.first().map(|g| g.id.clone()).unwrap_or_default();
        let writes: Vec<(&str, Value)> = match platform {
            Platform::Google => vec![
                (
                    "create_campaign",
                    json!({"name": "Launch", "budget_micros": 25_000_000, "advertising_channel_type": "SEARCH"}),
                ),
                (
                    "update_campaign",
                    json!({"campaign_id": first, "status": "PAUSED"}),
                ),
                (
                    "update_campaign",
                    json!({"campaign_id": first, "budget_micros": 9_000_000}),
                ),
                (
                    "update_ad_group",
                    json!({"ad_group_id": group, "cpc_bid_micros": 1_500_000}),
                ),
                (
                    "create_campaign",
                    json!({"name": "Later", "budget_micros": 5_000_000, "advertising_channel_type": "DISPLAY", "start_date": "2026-12-01"}),
                ),
            ],
            Platform::Meta => vec![
                (
                    "create_campaign",
                    json!({"name": "Launch", "objective": "OUTCOME_SALES", "special_ad_categories": [], "daily_budget": 5000}),
                ),
                (
                    "update_campaign",
                    json!({"campaign_id": first, "daily_budget": 9000, "status": "PAUSED"}),
                ),
                ("update_ad_set", json!({"ad_set_id": group, "bid_amount": 150})),
                (
                    "create_campaign",
                    json!({"name": "Second", "objective": "OUTCOME_TRAFFIC", "special_ad_categories": []}),
                ),
            ],
            Platform::Pinterest => vec![
                (
                    "create_campaigns",
                    json!({"items": [
                        {"name": "Fine", "objective_type": "CONSIDERATION", "daily_spend_cap": 5_000_000},
                        {"name": "CBO without a cap", "objective_type": "CONSIDERATION", "is_campaign_budget_optimization": true}
                    ]}),
                ),
                (
                    "update_campaigns",
                    json!({"items": [{"id": first, "status": "PAUSED", "daily_spend_cap": 7_000_000}]}),
                ),
                (
                    "create_ad_groups",
                    json!({"items": [{"campaign_id": first, "name": "G", "billable_event": "CLICKTHROUGH",
                    "budget_in_micro_currency": 5_000_000, "targeting_spec": {"LOCATION": ["DE"]}}]}),
                ),
                (
                    "create_pin",
                    json!({"board_id": live.boards.first().cloned().unwrap_or_default(),
                    "image_url": "https://example.com/a.jpg", "title": "New"}),
                ),
                (
                    "create_audience",
                    json!({"name": "Visitors", "audience_type": "VISITOR",
                    "rule": {"retention_days": 30, "visitor_source_id": "549755885175"}}),
                ),
                (
                    "create_async_report",
                    json!({"start_date": "2026-10-01", "end_date": "2026-10-31", "granularity": "DAY",
                    "level": "CAMPAIGN", "columns": ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1"]}),
                ),
            ],
        };
        let mut log = Vec::new();
        for (i, (tool, params)) in writes.into_iter().enumerate() {
            let spec = find_tool(platform, tool).expect("tool");
            spec.check_params(&params)
                .unwrap_or_else(|e| panic!("{platform} {tool}: {e}"));
            let moment = at(u32::try_from(i).unwrap_or(0), u32::try_from(i * 13).unwrap_or(0));
            let context = CallContext {
                now: moment,
                download_base: "http://127.0.0.1:3000/reports",
            };
            live.call_at(tool, &params, context)
                .unwrap_or_else(|e| panic!("{platform} {tool}: {e}"));
            log.push(TestChange {
                tool: tool.to_owned(),
                params,
                at: moment,
            });
        }
        assert_ne!(live, snapshot, "{platform}: the writes changed nothing");
        let mut rebuilt = snapshot.clone();
        for change in &log {
            rebuilt
                .replay(change)
                .unwrap_or_else(|e| panic!("{platform} {}: {e}", change.tool));
        }
        assert_eq!(rebuilt, live, "{platform}");
        // Replaying from a later snapshot gives the same account as well.
        let mut partial = snapshot.clone();
        for change in &log[..2] {
            partial.replay(change).expect("replay");
        }
        let partial: TestAccount =
            serde_json::from_str(&serde_json::to_string(&partial).expect("JSON")).expect("snapshot");
        let mut rebuilt = partial;
        for change in &log[2..] {
            rebuilt.replay(change).expect("replay");
        }
        assert_eq!(rebuilt, live, "{platform} from a later snapshot");
    }
}

/// Replaying a stored change runs today's generator: write tools must keep making the same ids
/// and children from the same account, or stored answers would name objects a replay does not
/// make. A change to any of these values must be deliberate (and come with a way to carry
/// existing change logs over).
#[test]
fn write_tools_make_the_same_objects_as_before() {
    let made = |platform: Platform, tool: &str, params: Value| {
        let mut a = account(platform, 5);
        run(&mut a, tool, params).expect("write");
        let c = a.campaigns.last().cloned().expect("campaign");
        let groups: Vec<String> = a
            .ad_groups
            .iter()
            .filter(|g| g.campaign_id == c.id)
            .map(|g| g.id.clone())
            .collect();
        let ads = a.ads.iter().filter(|ad| ad.campaign_id == c.id).count();
        (c.id, groups, ads, a.serial)
    };
    let google = made(
        Platform::Google,
        "create_campaign",
        json!({"name": "Launch", "budget_micros": 25_000_000, "advertising_channel_type": "SEARCH"}),
    );
    let meta = made(
        Platform::Meta,
        "create_campaign",
        json!({"name": "Launch", "objective": "OUTCOME_SALES", "special_ad_categories": [], "daily_budget": 5000}),
    );
    let pinterest = made(
        Platform::Pinterest,
        "create_campaigns",
        json!({"items": [{"name": "Launch", "objective_type": "CONSIDERATION", "daily_spend_cap": 5_000_000}]}),
    );
    assert_eq!(
        format!("{google:?}"),
        "(\"14705249617\", [\"607892103413\", \"607892106440\", \"607892109467\"], 5, 56)"
    );
    assert_eq!(
        format!("{meta:?}"),
        "(\"120271869866000043\", [\"120253438546000044\"], 3, 47)"
    );
    assert_eq!(format!("{pinterest:?}"), "(\"642283940479\", [], 0, 79)");
}

/// Rates move from day to day (each campaign's CTR, CPC and conversion rate take many values over
/// two weeks), the weekend shows in them, and the same account and day give the same numbers.
#[test]
fn rates_vary_from_day_to_day_with_the_weekday_and_repeat_for_the_same_day() {
    let today = day(TODAY);
    let days: Vec<NaiveDate> = (1..=14).map(|k| today - chrono::Days::new(k)).collect();
    for platform in Platform::ALL {
        for seed in [1, 2, 3] {
            let a = account(platform, seed);
            let again = account(platform, seed);
            for c in &a.campaigns {
                let rows: Vec<DayMetrics> = days.iter().filter_map(|d| a.day_metrics(c, *d, today)).collect();
                let same: Vec<DayMetrics> = days
                    .iter()
                    .filter_map(|d| again.day_metrics(c, *d, today))
                    .collect();
                assert_eq!(rows, same, "same inputs, same numbers");
                let rows: Vec<&DayMetrics> = rows.iter().filter(|m| m.clicks >= 200).collect();
                if rows.len() < 10 {
                    continue;
                }
                let distinct = |rate: &dyn Fn(&DayMetrics) -> f64| {
                    rows.iter()
                        .map(|m| (rate(m) * 1e4).round() as i64)
                        .collect::<std::collections::BTreeSet<_>>()
                        .len()
                };
                let ctr = distinct(&|m| m.clicks as f64 / m.impressions as f64 * 100.0);
                let cpc = distinct(&|m| m.spend_micros as f64 / m.clicks as f64 / 1e4);
                assert!(
                    ctr >= rows.len() * 2 / 3,
                    "{platform} {}: {ctr} CTRs in {} days",
                    c.name,
                    rows.len()
                );
                assert!(cpc >= rows.len() * 2 / 3, "{platform} {}: {cpc} CPCs", c.name);
            }
        }
    }
    // Over many campaign-days, social CTR is higher at the weekend and search CTR lower.
    let weekend_lift = |platform: Platform| {
        let (mut we, mut wd) = ((0.0, 0.0), (0.0, 0.0));
        for seed in 0..12 {
            let a = account(platform, seed);
            for c in &a.campaigns {
                for k in 1..=56 {
                    let d = today - chrono::Days::new(k);
                    let Some(m) = a.day_metrics(c, d, today) else {
                        continue;
                    };
                    let bucket = if seasonality::is_weekend(d) {
                        &mut we
                    } else {
                        &mut wd
                    };
                    bucket.0 += m.clicks as f64;
                    bucket.1 += m.impressions as f64;
                }
            }
        }
        (we.0 / we.1) / (wd.0 / wd.1)
    };
    assert!(
        weekend_lift(Platform::Meta) > 1.03,
        "{}",
        weekend_lift(Platform::Meta)
    );
    assert!(
        weekend_lift(Platform::Google) < 0.97,
        "{}",
        weekend_lift(Platform::Google)
    );
}

#[test]
fn new_accounts_keep_their_currencys_time_zone_unless_told_and_can_carry_a_brand() {
    assert_eq!(time_zone_for(Currency::EUR), "Europe/Berlin");
    assert_eq!(time_zone_for(Currency::USD), "America/New_York");
    assert_eq!(
        time_zone_for(Currency::parse("GBP").expect("gbp")),
        "Europe/London"
    );
    assert_eq!(time_zone_for(Currency::parse("JPY").expect("jpy")), "Asia/Tokyo");
    assert_eq!(time_zone_for(Currency::parse("XYZ").expect("xyz")), "UTC");
    for seed in 0..20 {
        let a = TestAccount::generate(Platform::Google, seed, Currency::EUR, day(TODAY));
        assert_eq!(a.time_zone, "Europe/Berlin");
    }
    let plain = TestAccount::generate(Platform::Pinterest, 9, Currency::EUR, day(TODAY));
    let look = AccountLook {
        brand: Some("Alpine Trails"),
        time_zone: Some("Europe/Vienna"),
    };
    let branded = TestAccount::generate_as(Platform::Pinterest, 9, Currency::EUR, day(TODAY), look);
    assert_eq!(branded.name, "Alpine Trails — Pinterest Ads");
    assert_eq!(branded.time_zone, "Europe/Vienna");
    assert!(
        branded
            .campaigns
            .iter()
            .all(|c| c.name.starts_with("Alpine Trails | "))
    );
    assert!(branded.pins.iter().all(|p| p.title.starts_with("Alpine Trails")));
    // The same ids and budgets as the account the seed gives without a look.
    let ids = |a: &TestAccount| {
        a.campaigns
            .iter()
            .map(|c| (c.id.clone(), c.current_budget()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&branded), ids(&plain));
}
