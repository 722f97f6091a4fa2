//! The Pinterest connector: every tool in test mode, its answers checked against Pinterest's own
//! OpenAPI document; live mode against a stub Pinterest on 127.0.0.1 (OAuth with Basic auth,
//! bookmark paging, 429 backoff, bulk writes with per-item exceptions), every request body checked
//! against the document too.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::openapi::{check_request, check_response};
use crate::stub::{Answer, Seen, Stub, ok};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use switchboard_core::Platform;
use switchboard_core::connectors::{RetryPolicy, find_tool};

/// The method and path of the tool's endpoint, as the OpenAPI document writes them.
fn endpoint(tool: &str) -> (String, &'static str) {
    let spec = find_tool(Platform::Pinterest, tool).expect("tool");
    let (method, path) = spec.endpoint.split_once(' ').expect("METHOD /path");
    (method.to_lowercase(), path)
}

/// Runs a tool in test mode and checks its answer against the document.
async fn run(app: &TestApp, connection: &str, tool: &str, params: Value) -> Value {
    let (status, result) = app
        .post_json(
            &format!("/api/v1/connectors/pinterest/tools/{tool}"),
            json!({"connection_id": connection, "params": params}),
        )
        .await;
    assert_eq!(status, 200, "{tool}: {result}");
    let (method, path) = endpoint(tool);
    if let Err(e) = check_response(&method, path, &result) {
        panic!("{tool}: {e}\n{result}");
    }
    result
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["id"].as_str().map(str::to_owned))
        .collect()
}

fn num(row: &Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {row}"))
}

#[tokio::test]
async fn every_pinterest_tool_answers_in_test_mode_as_pinterests_openapi_document_says() {
    let app = spawn_app().await;
    let project = app.new_project("Pin Co", "USD").await;
    let (status, connection) = app
        .post_json(
            "/api/v1/connections",
            json!({"project_id": project, "platform": "pinterest", "seed": 11}),
        )
        .await;
    assert_eq!(status, 201, "{connection}");
    let conn = connection["id"].as_str().expect("id").to_owned();

    let (_, connectors) = {
        let r = app.get("/api/v1/connectors").await;
        (r.status(), r.json::<Value>().await.expect("json"))
    };
    let pinterest = connectors
        .as_array()
        .and_then(|c| c.iter().find(|c| c["platform"] == "pinterest"))
        .cloned()
        .expect("pinterest listed");
    assert_eq!(pinterest["tools"].as_array().map(Vec::len), Some(19));

    // Campaigns: list, a bulk create with one bad item, a bulk update with one unknown id.
    let campaigns = run(&app, &conn, "list_campaigns", json!({})).await;
    let campaign_ids = ids(&campaigns, "items");
    assert!(campaign_ids.len() >= 3);
    let created = run(
        &app,
        &conn,
        "create_campaigns",
        json!({"items": [
            {"name": "Winter looks", "objective_type": "WEB_CONVERSION", "daily_spend_cap": 25_000_000},
            {"name": "Both caps", "objective_type": "AWARENESS", "daily_spend_cap": 1_000_000, "lifetime_spend_cap": 9_000_000}
        ]}),
    )
    .await;
    let new_campaign = created["items"][0]["data"]["id"]
        .as_str()
        .expect("created")
        .to_owned();
    assert_eq!(created["items"][0]["data"]["daily_spend_cap"], 25_000_000);
    assert!(created["items"][1].get("data").is_none());
    assert!(
        created["items"][1]["exceptions"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("both"))
    );
    let listed = run(
        &app,
        &conn,
        "list_campaigns",
        json!({"campaign_ids": [new_campaign]}),
    )
    .await;
    assert_eq!(ids(&listed, "items"), std::slice::from_ref(&new_campaign));
    let updated = run(
        &app,
        &conn,
        "update_campaigns",
        json!({"items": [{"id": new_campaign, "status": "PAUSED"}, {"id": "123456", "name": "Nope"}]}),
    )
    .await;
    assert_eq!(updated["items"][0]["data"]["status"], "PAUSED");
    assert!(
        updated["items"][1]["exceptions"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not found"))
    );

    // Ad groups.
    let groups = run(
        &app,
        &conn,
        "list_ad_groups",
        json!({"campaign_ids": [campaign_ids[0]]}),
    )
    .await;
    assert!(!ids(&groups, "items").is_empty());
    let group = run(
        &app,
        &conn,
        "create_ad_groups",
        json!({"items": [{"campaign_id": new_campaign, "name": "US women 25-44", "billable_event": "CLICKTHROUGH",
                          "budget_in_micro_currency": 10_000_000, "targeting_spec": {"LOCATION": ["US"], "GENDER": ["female"]}}]}),
    )
    .await;
    let new_group = group["items"][0]["data"]["id"]
        .as_str()
        .expect("group")
        .to_owned();
    run(
        &app,
        &conn,
        "update_ad_groups",
        json!({"items": [{"id": new_group, "bid_in_micro_currency": 1_500_000}]}),
    )
    .await;

    // Pins and ads: an ad for a Pin that does not exist fails alone.
    let pins = run(&app, &conn, "list_pins", json!({"page_size": 5})).await;
    let pin = pins["items"][0]["id"].as_str().expect("pin").to_owned();
    let board = pins["items"][0]["board_id"].as_str().expect("board").to_owned();
    let ads = run(
        &app,
        &conn,
        "create_ads",
        json!({"items": [
            {"ad_group_id": new_group, "pin_id": pin, "creative_type": "REGULAR", "customizable_cta_type": "SHOP_NOW"},
            {"ad_group_id": new_group, "pin_id": "899999999999999999", "creative_type": "REGULAR"}
        ]}),
    )
    .await;
    let new_ad = ads["items"][0]["data"]["id"].as_str().expect("ad").to_owned();
    // Pinterest's document gives an ad's failure as one exception, not a list.
    assert_eq!(ads["items"][1]["exceptions"]["message"], "Pin not found.");
    run(
        &app,
        &conn,
        "update_ads",
        json!({"items": [{"id": new_ad, "status": "PAUSED"}]}),
    )
    .await;
    let listed = run(
        &app,
        &conn,
        "list_ads",
        json!({"ad_group_ids": [new_group], "entity_statuses": ["PAUSED"]}),
    )
    .await;
    assert_eq!(ids(&listed, "items"), [new_ad]);
    let made = run(
        &app,
        &conn,
        "create_pin",
        json!({"board_id": board, "image_url": "https://example.com/winter.jpg", "title": "Winter looks"}),
    )
    .await;
    assert_eq!(made["board_id"], board);

    // Audiences and targeting.
    let audiences = run(&app, &conn, "list_audiences", json!({})).await;
    let seed = ids(&audiences, "items")[0].clone();
    let actalike = run(
        &app,
        &conn,
        "create_audience",
        json!({"name": "Actalike 3%", "audience_type": "ACTALIKE", "rule": {"seed_id": [seed], "percentage": 3, "country": "US"}}),
    )
    .await;
    assert_eq!(actalike["status"], "INITIALIZING");
    let genders = run(
        &app,
        &conn,
        "get_targeting_options",
        json!({"targeting_type": "GENDER"}),
    )
    .await;
    assert_eq!(genders[0], json!({"female": "Female"}));

    // Analytics: consistent columns, inside believable bands.
    let today = chrono::Utc::now().date_naive();
    let day = |back: u64| (today - chrono::Days::new(back)).format("%Y-%m-%d").to_string();
    let columns = switchboard_core::connectors::pinterest::COLUMNS;
    let rows = run(
        &app,
        &conn,
        "get_campaign_analytics",
        json!({"campaign_ids": campaign_ids, "start_date": day(14), "end_date": day(1), "columns": columns, "granularity": "DAY"}),
    )
    .await;
    let rows = rows.as_array().expect("rows").clone();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(
            num(row, "TOTAL_IMPRESSION"),
            num(row, "IMPRESSION_1") + num(row, "IMPRESSION_2"),
            "{row}"
        );
        assert_eq!(
            num(row, "TOTAL_CLICKTHROUGH"),
            num(row, "CLICKTHROUGH_1") + num(row, "CLICKTHROUGH_2")
        );
        assert!(num(row, "CLICKTHROUGH_1") <= num(row, "IMPRESSION_1"));
        assert!(num(row, "TOTAL_CONVERSIONS") <= num(row, "TOTAL_CLICKTHROUGH"));
        assert!(num(row, "TOTAL_CHECKOUT") <= num(row, "TOTAL_CONVERSIONS"));
        assert!((num(row, "SPEND_IN_DOLLAR") - num(row, "SPEND_IN_MICRO_DOLLAR") / 1e6).abs() < 0.006);
        let ctr = num(row, "CTR");
        assert!((0.0015..=0.016).contains(&ctr), "CTR {ctr}");
        let cpc = num(row, "CPC_IN_MICRO_DOLLAR") / 1e6;
        assert!((0.09..=2.1).contains(&cpc), "CPC {cpc}");
        assert!(row["DATE"].is_string() && row["CAMPAIGN_ID"].is_string());
    }
    // A campaign that spent in the window (some of the account's may not have): its TOTAL row is
    // the sum of its days.
    let spender = rows
        .iter()
        .find(|r| num(r, "SPEND_IN_MICRO_DOLLAR") > 0.0)
        .map(|r| r["CAMPAIGN_ID"].clone())
        .expect("a campaign that spent in the window");
    let total = run(
        &app,
        &conn,
        "get_campaign_analytics",
        json!({"campaign_ids": [spender], "start_date": day(14), "end_date": day(1), "columns": ["SPEND_IN_MICRO_DOLLAR"], "granularity": "TOTAL"}),
    )
    .await;
    let daily_sum: f64 = rows
        .iter()
        .filter(|r| r["CAMPAIGN_ID"] == spender)
        .map(|r| num(r, "SPEND_IN_MICRO_DOLLAR"))
        .sum();
    // One campaign, one total row: an empty answer is a failure, not a pass.
    let total = total.as_array().expect("a TOTAL answer is a list of rows");
    assert_eq!(total.len(), 1, "one row for one campaign's TOTAL: {total:?}");
    let t = &total[0];
    assert_eq!(t["CAMPAIGN_ID"], spender, "{t}");
    assert_eq!(num(t, "SPEND_IN_MICRO_DOLLAR"), daily_sum);
    assert!(t.get("DATE").is_none());

    // Ads share their campaign's impressions day by day (each its own clicks and conversions).
    let ads = run(&app, &conn, "list_ads", json!({"campaign_ids": [spender]})).await;
    let ad_ids = ids(&ads, "items");
    assert!(!ad_ids.is_empty());
    let ad_rows = run(
        &app,
        &conn,
        "get_ad_analytics",
        json!({"ad_ids": ad_ids, "start_date": day(14), "end_date": day(1), "columns": columns, "granularity": "DAY"}),
    )
    .await;
    let ad_rows = ad_rows.as_array().expect("ad rows").clone();
    assert!(!ad_rows.is_empty());
    for campaign_day in rows.iter().filter(|r| r["CAMPAIGN_ID"] == spender) {
        let shared: f64 = ad_rows
            .iter()
            .filter(|r| r["DATE"] == campaign_day["DATE"])
            .map(|r| num(r, "IMPRESSION_1"))
            .sum();
        assert_eq!(shared, num(campaign_day, "IMPRESSION_1"), "{campaign_day}");
    }
    for row in &ad_rows {
        assert!(
            ad_ids.contains(&row["AD_ID"].as_str().unwrap_or_default().to_owned()),
            "{row}"
        );
        assert!(
            num(row, "TOTAL_CONVERSIONS") <= num(row, "TOTAL_CLICKTHROUGH"),
            "{row}"
        );
    }
    let (status, too_old) = app.post_json(
        "/api/v1/connectors/pinterest/tools/get_campaign_analytics",
        json!({"connection_id": conn, "params": {"campaign_ids": campaign_ids, "start_date": day(120), "end_date": day(1), "columns": ["CTR"], "granularity": "DAY"}}),
    )
    .await;
    assert_eq!(status, 422, "{too_old}");
    let by_gender = run(
        &app,
        &conn,
        "get_targeting_analytics",
        json!({"targeting_types": ["GENDER", "AGE_BUCKET"], "start_date": day(7), "end_date": day(1), "columns": ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1"], "granularity": "TOTAL"}),
    )
    .await;
    let genders: Vec<&str> = by_gender["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["targeting_type"] == "GENDER")
        .filter_map(|d| d["targeting_value"].as_str())
        .collect();
    assert_eq!(genders, ["female", "male", "unknown"]);

    // An asynchronous report: in progress, then finished with an address this server serves.
    let report = run(
        &app,
        &conn,
        "create_async_report",
        json!({"start_date": day(30), "end_date": day(1), "granularity": "DAY", "level": "CAMPAIGN",
               "columns": ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1"]}),
    )
    .await;
    let token = report["token"].as_str().expect("token").to_owned();
    let pending = run(&app, &conn, "get_async_report", json!({"token": token})).await;
    assert_eq!(pending["report_status"], "IN_PROGRESS");
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let done = run(&app, &conn, "get_async_report", json!({"token": token})).await;
    assert_eq!(done["report_status"], "FINISHED");
    let url = done["url"].as_str().expect("url");
    assert!(url.starts_with(&app.url("/api/v1/connections/")), "{url}");
    let file = app.client.get(url).send().await.expect("download");
    assert_eq!(file.status(), 200);
    let body: Value = file.json().await.expect("a JSON report");
    let first = body
        .as_object()
        .and_then(|m| m.values().next())
        .and_then(|rows| rows.get(0))
        .cloned()
        .expect("rows");
    assert!(first["DATE"].is_string() && first["SPEND_IN_MICRO_DOLLAR"].is_number());
    assert_eq!(
        done["size"].as_u64(),
        Some(u64::try_from(body.to_string().len()).expect("size"))
    );
    let unknown = run(&app, &conn, "get_async_report", json!({"token": "nope"})).await;
    assert_eq!(unknown["report_status"], "DOES_NOT_EXIST");
}

const ACCOUNT: &str = "549755885175";

fn campaign(id: &str, name: &str) -> Value {
    json!({"id": id, "ad_account_id": ACCOUNT, "name": name, "status": "ACTIVE", "objective_type": "CONSIDERATION",
           "daily_spend_cap": 20_000_000, "lifetime_spend_cap": null, "start_time": 1_767_225_600, "end_time": null,
           "summary_status": "RUNNING", "created_time": 1_767_225_600, "updated_time": 1_767_225_600, "type": "campaign",
           "is_performance_plus": false})
}

/// A stand-in for api.pinterest.com: the first campaigns call is rate-limited, lists page by
/// bookmark, bulk writes answer per item (a campaign named "bad" fails).
fn pinterest_platform(limited: Arc<AtomicUsize>) -> impl Fn(&Seen, usize) -> Answer + Send + Sync + 'static {
    move |seen, _| {
        let path = seen.path.strip_prefix("/v5").unwrap_or(&seen.path);
        let account = format!("/ad_accounts/{ACCOUNT}");
        let rest = path.strip_prefix(&account);
        match (seen.method.as_str(), path, rest) {
            ("POST", "/oauth/token", _) => ok(
                json!({"access_token": "pina_SECRET", "refresh_token": "pinr_SECRET",
                "token_type": "bearer", "expires_in": 2_592_000, "refresh_token_expires_in": 5_184_000,
                "scope": "ads:read,ads:write"}),
            ),
            ("GET", _, Some("")) => ok(
                json!({"id": ACCOUNT, "name": "Stub Pins", "currency": "EUR", "country": "DE",
                "owner": {"username": "stub"}, "permissions": ["OWNER"]}),
            ),
            ("GET", _, Some("/campaigns")) => {
                if limited.fetch_add(1, Ordering::SeqCst) == 0 {
                    return (
                        StatusCode::TOO_MANY_REQUESTS,
                        vec![("retry-after", "0".into())],
                        json!({"code": 8, "message": "This request exceeded a rate limit."}),
                    );
                }
                match seen.query.get("bookmark").map(String::as_str) {
                    None => {
                        ok(json!({"items": [campaign("11", "A"), campaign("12", "B")], "bookmark": "b1"}))
                    }
                    Some("b1") => {
                        ok(json!({"items": [campaign("13", "C"), campaign("14", "D")], "bookmark": "b2"}))
                    }
                    _ => ok(json!({"items": [campaign("15", "E")], "bookmark": null})),
                }
            }
            ("POST" | "PATCH", _, Some("/campaigns")) => {
                let items: Vec<Value> = seen.json().as_array().cloned().unwrap_or_default().iter().enumerate().map(|(i, item)| {
                    if item["name"] == "bad" {
                        json!({"exceptions": [{"code": 2, "message": "Invalid campaign budget."}]})
                    } else {
                        json!({"data": campaign(&format!("9{i}"), item["name"].as_str().unwrap_or("x")), "exceptions": []})
                    }
                }).collect();
                ok(json!({"items": items}))
            }
            ("POST" | "PATCH", _, Some("/ad_groups" | "/ads")) => {
                let n = seen.json().as_array().map_or(0, Vec::len);
                ok(json!({"items": (0..n).map(|_| json!({"exceptions": []})).collect::<Vec<_>>()}))
            }
            ("POST", "/pins", _) => {
                ok(json!({"id": "813744226420795884", "board_id": "549755885176", "title": "New"}))
            }
            ("POST", _, Some("/audiences")) => ok(
                json!({"id": "2542620905473", "ad_account_id": ACCOUNT, "name": "Visitors",
                "audience_type": "VISITOR", "status": "INITIALIZING", "type": "audience"}),
            ),
            ("POST", _, Some("/reports")) => {
                ok(json!({"token": "tok1", "report_status": "IN_PROGRESS", "message": null}))
            }
            _ => (
                StatusCode::NOT_FOUND,
                vec![],
                json!({"code": 404, "message": format!("no {} {}", seen.method, seen.path)}),
            ),
        }
    }
}

#[tokio::test]
async fn live_pinterest_connects_pages_backs_off_and_reports_bulk_exceptions_per_item() {
    let limited = Arc::new(AtomicUsize::new(0));
    let stub = Stub::start(pinterest_platform(limited.clone())).await;
    let base = stub.url();
    let app = spawn_app_with(move |config| {
        let s = &mut config.connectors;
        s.pinterest.client_id = Some("pin-app".into());
        s.pinterest.client_secret = Some("pin-secret".into());
        s.pinterest.auth_url = format!("{base}/oauth/");
        s.pinterest.token_url = format!("{base}/v5/oauth/token");
        s.pinterest.api_base_url = base;
        s.retry = RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(5),
            cap: Duration::from_millis(40),
            max_wait: Duration::from_secs(5),
        };
    })
    .await;
    let project = app.new_project("Pin Co", "USD").await;
    let (status, started) = app
        .post_json(
            "/api/v1/connections/authorize",
            json!({"project_id": project, "platform": "pinterest", "account_id": ACCOUNT}),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let url = reqwest::Url::parse(started["authorization_url"].as_str().expect("url")).expect("url");
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert!(url.as_str().starts_with(&format!("{}/oauth/", stub.url())));
    assert!(
        query["scope"].contains("ads:read")
            && query["scope"].contains("ads:write")
            && query["scope"].contains("pins:write")
    );
    let r = app
        .get(&format!(
            "/oauth/pinterest/callback?code=pin-code&state={}",
            query["state"]
        ))
        .await;
    let location = r.headers()["location"].to_str().expect("location").to_owned();
    let conn = location
        .strip_prefix("/connections?connected=")
        .unwrap_or_else(|| panic!("{location}"))
        .to_owned();

    // The code went back with the app as Basic auth, asking for continuous refresh.
    let exchange = &stub.seen_at("/oauth/token")[0];
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode("pin-app:pin-secret");
    assert_eq!(
        exchange.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
    let form = exchange.form();
    assert_eq!(
        (form["grant_type"].as_str(), form["code"].as_str()),
        ("authorization_code", "pin-code")
    );
    assert_eq!(form["continuous_refresh"], "true");
    assert!(!form.contains_key("client_secret"));
    let account = &stub.seen_at(&format!("/v5/ad_accounts/{ACCOUNT}"))[0];
    assert_eq!(account.header("authorization"), Some("Bearer pina_SECRET"));
    let (_, connection) = {
        let r = app.get(&format!("/api/v1/connections/{conn}")).await;
        (r.status(), r.json::<Value>().await.expect("json"))
    };
    assert_eq!(
        (connection["currency"].as_str(), connection["name"].as_str()),
        (Some("EUR"), Some("Stub Pins"))
    );

    // Bookmarks followed to the end, after one 429 that was waited out.
    let (status, all) = app.post_json(
        "/api/v1/connectors/pinterest/tools/list_campaigns",
        json!({"connection_id": conn, "params": {"entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 2, "all_pages": true}}),
    )
    .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(ids(&all, "items"), ["11", "12", "13", "14", "15"]);
    assert_eq!(all["bookmark"], Value::Null);
    let calls = stub.seen_at(&format!("/v5/ad_accounts/{ACCOUNT}/campaigns"));
    assert_eq!(calls.len(), 4, "one refused, three pages");
    assert_eq!(calls[1].query["entity_statuses"], "ACTIVE,PAUSED");
    assert_eq!(calls[1].query["page_size"], "2");
    assert!(!calls[1].query.contains_key("bookmark"));
    assert_eq!(calls[2].query["bookmark"], "b1");
    assert_eq!(calls[3].query["bookmark"], "b2");

    // A bulk create where one item fails: HTTP 200, the failure reported on its item.
    let (status, created) = app
        .post_json(
            "/api/v1/connectors/pinterest/tools/create_campaigns",
            json!({"connection_id": conn, "params": {"items": [
                {"name": "good", "objective_type": "CONSIDERATION", "daily_spend_cap": 20_000_000},
                {"name": "bad", "objective_type": "CONSIDERATION", "daily_spend_cap": 1}
            ]}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["items"][0]["data"]["name"], "good");
    assert_eq!(
        created["items"][1]["exceptions"][0]["message"],
        "Invalid campaign budget."
    );

    // Every write, its body checked against the document's request schema.
    let writes = [
        (
            "update_campaigns",
            json!({"items": [{"id": "11", "status": "PAUSED", "daily_spend_cap": 30_000_000}]}),
        ),
        (
            "create_ad_groups",
            json!({"items": [{"campaign_id": "11", "name": "G", "billable_event": "CLICKTHROUGH",
            "budget_in_micro_currency": 5_000_000, "bid_strategy_type": "AUTOMATIC_BID", "targeting_spec": {"LOCATION": ["DE"]}}]}),
        ),
        (
            "update_ad_groups",
            json!({"items": [{"id": "21", "bid_in_micro_currency": 900_000, "status": "ACTIVE"}]}),
        ),
        (
            "create_ads",
            json!({"items": [{"ad_group_id": "21", "pin_id": "813744226420795884", "creative_type": "REGULAR",
            "destination_url": "https://example.com", "customizable_cta_type": "SHOP_NOW"}]}),
        ),
        ("update_ads", json!({"items": [{"id": "31", "status": "PAUSED"}]})),
        (
            "create_pin",
            json!({"board_id": "549755885176", "image_url": "https://example.com/a.jpg", "title": "New", "link": "https://example.com"}),
        ),
        (
            "create_audience",
            json!({"name": "Visitors", "audience_type": "VISITOR", "rule": {"retention_days": 30, "visitor_source_id": "549755885175"}}),
        ),
        (
            "create_async_report",
            json!({"start_date": "2026-10-01", "end_date": "2026-10-31", "granularity": "DAY", "level": "CAMPAIGN",
            "columns": ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1"], "report_format": "JSON"}),
        ),
    ];
    for (tool, params) in writes {
        let before = stub.seen().len();
        let (status, answer) = app
            .post_json(
                &format!("/api/v1/connectors/pinterest/tools/{tool}"),
                json!({"connection_id": conn, "params": params}),
            )
            .await;
        assert_eq!(status, 200, "{tool}: {answer}");
        let sent = stub.seen().get(before).cloned().expect("a request");
        let (method, path) = endpoint(tool);
        assert_eq!(sent.method.as_str().to_lowercase(), method, "{tool}");
        if let Err(e) = check_request(&method, path, &sent.json()) {
            panic!("{tool}: {e}\n{}", sent.body);
        }
    }
    let first_create = &stub.seen_at(&format!("/v5/ad_accounts/{ACCOUNT}/campaigns"))[4];
    if let Err(e) = check_request(
        "post",
        "/ad_accounts/{ad_account_id}/campaigns",
        &first_create.json(),
    ) {
        panic!("create_campaigns: {e}");
    }
}
