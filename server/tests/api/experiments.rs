//! The A/B calculator over HTTP: results as statsmodels gives them, sequential answers with the
//! always-valid figures, bad counts named by test and field (422), and 10,000 tests in one call.

use crate::helpers::spawn_app;
use serde_json::{Value, json};

/// `key` of each item of a list (each history entry's state, each refused field's name).
fn each<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .map(|items| items.iter().filter_map(|x| x[key].as_str()).collect())
        .unwrap_or_default()
}

/// A Pinterest tool's answer on the connection (through the API).
async fn tool(app: &crate::helpers::TestApp, connection: &str, name: &str, params: Value) -> Value {
    let (status, answer) = app
        .post_json(
            &format!("/api/v1/connectors/pinterest/tools/{name}"),
            json!({"connection_id": connection, "params": params}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

fn test(xa: u64, na: u64, xb: u64, nb: u64) -> Value {
    json!({"a": {"conversions": xa, "visitors": na}, "b": {"conversions": xb, "visitors": nb}})
}

#[tokio::test]
async fn the_calculator_answers_fixed_and_sequential_tests() {
    let app = spawn_app().await;
    let mut sequential = test(300, 10000, 360, 10000);
    sequential["mode"] = json!("sequential");
    let (status, body) = app
        .post_json(
            "/api/v1/stats/ab",
            json!({"tests": [test(300, 10000, 360, 10000), sequential]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let fixed = &body["results"][0];
    // statsmodels: proportions_ztest([360, 300], [10000, 10000]) = (2.3750132976, 0.0175483180).
    assert!(
        (fixed["z"].as_f64().unwrap_or_default() - 2.3750132976377203).abs() < 1e-9,
        "{fixed}"
    );
    assert!((fixed["p_value"].as_f64().unwrap_or_default() - 0.01754831798120966).abs() < 1e-12);
    assert_eq!(fixed["significant"], true);
    assert_eq!(fixed["winner"], "b");
    assert!(fixed["diff_ci"].as_array().is_some_and(|a| a.len() == 2));
    assert!(fixed.get("always_valid_p_value").is_none(), "{fixed}");
    let seq = &body["results"][1];
    assert!(
        seq["always_valid_p_value"].as_f64().is_some_and(|p| p > 0.05),
        "{seq}"
    );
    assert!(
        seq["always_valid_diff_ci"][0].as_f64().is_some_and(|lo| lo < 0.0),
        "{seq}"
    );
    assert_eq!(seq["significant"], false);
    assert!(seq["winner"].is_null());
}

#[tokio::test]
async fn bad_counts_are_422_naming_the_test_and_field() {
    let app = spawn_app().await;
    let cases = [
        (
            test(5, 10, 3, 10),
            json!({"conversions": -1, "visitors": 10}),
            "tests[1].a.conversions",
        ),
        (
            test(5, 10, 3, 10),
            json!({"conversions": 11, "visitors": 10}),
            "tests[1].a.conversions",
        ),
        (
            test(5, 10, 3, 10),
            json!({"conversions": 0, "visitors": 0}),
            "tests[1].a.visitors",
        ),
    ];
    for (good, bad_arm, field) in cases {
        let mut bad = test(1, 10, 2, 10);
        bad["a"] = bad_arm;
        let (status, e) = app
            .post_json("/api/v1/stats/ab", json!({"tests": [good, bad]}))
            .await;
        assert_eq!(status, 422, "{e}");
        assert_eq!(e["error"]["code"], "validation_failed");
        let fields: Vec<&str> = e["error"]["fields"]
            .as_array()
            .map(|f| f.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(fields, vec![field], "{e}");
    }
    let (status, e) = app
        .post_json(
            "/api/v1/stats/ab",
            json!({"tests": [test(1, 10, 2, 10)], "alpha": 2}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    let mut bad = test(1, 10, 2, 10);
    bad["alpha"] = json!(0.7);
    let (status, e) = app.post_json("/api/v1/stats/ab", json!({"tests": [bad]})).await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "tests[0].alpha");
}

#[tokio::test]
async fn ten_thousand_tests_in_one_call_and_no_more() {
    let app = spawn_app().await;
    let tests: Vec<Value> = (0..10_000u64)
        .map(|i| test(30 + i % 7, 1000, 33 + i % 11, 1000))
        .collect();
    let (status, body) = app.post_json("/api/v1/stats/ab", json!({"tests": tests})).await;
    assert_eq!(status, 200);
    assert_eq!(body["results"].as_array().map(Vec::len), Some(10_000));
    let mut tests = tests;
    tests.push(test(1, 10, 2, 10));
    let (status, e) = app.post_json("/api/v1/stats/ab", json!({"tests": tests})).await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "tests");
}

/// A project with a synced test-mode Pinterest account; answers the project and two of its
/// campaigns' platform ids.
async fn pinterest_project(app: &crate::helpers::TestApp) -> (String, Vec<String>) {
    let project = app.new_project("Experiments", "USD").await;
    let (status, c) = app
        .post_json(
            "/api/v1/connections",
            json!({"project_id": project, "platform": "pinterest", "seed": 21}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    let run = crate::helpers::sync(app).await;
    assert_eq!(run["state"], "succeeded", "{run}");
    let (status, page) = app
        .get_json(&format!(
            "/api/v1/campaigns?project_id={project}&platform=pinterest&limit=50"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    let ids: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["external_id"].as_str().map(str::to_owned))
        .collect();
    assert!(ids.len() >= 2, "{page}");
    (project, ids)
}

/// The project's Pinterest connection and its test account (with the hidden rates).
async fn pinterest_account(
    app: &crate::helpers::TestApp,
    project: &str,
) -> (String, switchboard_core::connectors::testmode::TestAccount) {
    let (_, connections) = app
        .get_json(&format!("/api/v1/connections?project_id={project}"))
        .await;
    let connection = connections[0]["id"].as_str().expect("a connection").to_owned();
    let account = crate::helpers::stored_test_account(&app.pool().await, &connection)
        .await
        .account;
    (connection, account)
}

#[tokio::test]
async fn an_experiment_is_created_evaluated_stopped_and_deleted() {
    let app = spawn_app().await;
    let (project, ids) = pinterest_project(&app).await;
    let started_on = (chrono::Utc::now().date_naive() - chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Two campaigns", "hypothesis": "B converts better",
                   "platform": "pinterest", "metric": "cvr", "variants": [{"object_id": ids[0]}, {"object_id": ids[1]}],
                   "started_on": started_on, "start": true}),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(e["status"], "running");
    assert_eq!(e["variants"][0]["control"], true);
    assert_eq!(e["variants"][1]["key"], "b");
    // The variant takes its campaign's name when none is given.
    assert!(
        e["variants"][0]["name"].as_str().is_some_and(|n| !n.is_empty()),
        "{e}"
    );
    let id = e["id"].as_str().expect("id").to_owned();

    let (status, r) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    assert_eq!(status, 200, "{r}");
    let ev = &r["evaluation"];
    assert_eq!(ev["totals"].as_array().map(Vec::len), Some(2), "{r}");
    assert!(ev["totals"][0]["clicks"].as_u64().unwrap_or(0) > 0, "{r}");
    assert!(ev["timeline"].as_array().is_some_and(|t| !t.is_empty()), "{r}");
    assert!(
        ev["decision"]["state"].is_string() && ev["decision"]["message"].is_string(),
        "{r}"
    );
    assert!(r["days"].as_array().is_some_and(|d| d.len() >= 50), "{r}");
    let states = each(&r["history"], "state");
    assert!(states.contains(&"started"), "{states:?}");

    let (status, page) = app
        .get_json(&format!("/api/v1/experiments?project_id={project}"))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 1);
    assert!(page["items"][0]["decision"].is_string(), "{page}");

    let delete = app
        .client
        .delete(app.url(&format!("/api/v1/experiments/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(
        delete.status().as_u16(),
        409,
        "a running experiment is stopped first"
    );
    let state = r["experiment"]["status"].as_str().unwrap_or_default().to_owned();
    if state == "running" {
        let (status, stopped) = app
            .post_json(&format!("/api/v1/experiments/{id}/stop"), json!({}))
            .await;
        assert_eq!(status, 200, "{stopped}");
        assert_eq!(stopped["status"], "stopped");
    }
    let delete = app
        .client
        .delete(app.url(&format!("/api/v1/experiments/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(delete.status().as_u16(), 204);
    let (status, _) = app.get_json(&format!("/api/v1/experiments/{id}")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_bad_experiment_is_422_naming_each_field() {
    let app = spawn_app().await;
    let (project, ids) = pinterest_project(&app).await;
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Bad", "platform": "google", "metric": "cvr", "level": "ad_groups",
                   "variants": [{"object_id": ids[0]}, {"object_id": "not-a-campaign"}]}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    let fields = each(&e["error"]["fields"], "field");
    assert!(
        fields.contains(&"level") && fields.contains(&"variants[1].object_id"),
        "{fields:?}"
    );
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": "proj_nope", "name": "Bad", "platform": "pinterest", "metric": "cvr",
                   "variants": [{"object_id": ids[0]}, {"object_id": ids[1]}]}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "project_id");
    let (status, plan) = app
        .post_json(
            "/api/v1/stats/power",
            json!({"baseline": 0.03, "relative_lift": 0.2, "daily_visitors_per_arm": 1000}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["days"], 14, "{plan}");
    let (status, e) = app
        .post_json(
            "/api/v1/stats/power",
            json!({"baseline": 2, "daily_visitors_per_arm": 0}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
}

#[tokio::test]
async fn pinterest_ads_are_tested_on_their_own_delivery() {
    let app = spawn_app().await;
    let (project, _) = pinterest_project(&app).await;
    let (_, connections) = app
        .get_json(&format!("/api/v1/connections?project_id={project}"))
        .await;
    let connection = connections
        .as_array()
        .and_then(|c| c.first())
        .and_then(|c| c["id"].as_str())
        .expect("a connection")
        .to_owned();
    // The ad group with the most ads, of a campaign that delivered lately.
    let logged = crate::helpers::stored_test_account(&app.pool().await, &connection).await;
    let account = logged.account;
    let today = chrono::Utc::now().date_naive();
    let group = account
        .ad_groups
        .iter()
        .filter(|g| {
            account.campaigns.iter().any(|c| {
                c.id == g.campaign_id
                    && account
                        .day_metrics(c, today - chrono::Days::new(2), today)
                        .is_some()
            })
        })
        .max_by_key(|g| account.ads.iter().filter(|a| a.ad_group_id == g.id).count())
        .expect("an ad group");
    let ads: Vec<&switchboard_core::connectors::testmode::TestAd> =
        account.ads.iter().filter(|a| a.ad_group_id == group.id).collect();
    assert!(ads.len() >= 2, "{} ads", ads.len());
    let variants: Vec<Value> = ads.iter().map(|a| json!({"object_id": a.id})).collect();
    let started_on = (today - chrono::Duration::days(60))
        .format("%Y-%m-%d")
        .to_string();
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Pins", "platform": "pinterest", "level": "ads", "metric": "cvr",
                   "variants": variants, "started_on": started_on, "start": true}),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(e["level"], "ads");
    assert_eq!(e["variants"][0]["name"], json!(ads[0].name), "the ad's own name");
    let id = e["id"].as_str().expect("id");
    let (status, r) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    assert_eq!(status, 200, "{r}");
    let totals = r["evaluation"]["totals"].as_array().expect("totals");
    assert_eq!(totals.len(), ads.len());
    // The rotation shares impressions evenly: the split check passes (p well above 0.001 is
    // not promised for any one seed, but the shares are within a few percent).
    let impressions: Vec<f64> = totals
        .iter()
        .map(|t| t["impressions"].as_f64().unwrap_or(0.0))
        .collect();
    let all: f64 = impressions.iter().sum();
    assert!(all > 0.0, "{r}");
    for i in &impressions {
        let share = i / all;
        assert!((share - 1.0 / ads.len() as f64).abs() < 0.03, "{impressions:?}");
    }
    // A winner, when there is one, is the ad with the better hidden conversion rate.
    if let Some(winner) = r["evaluation"]["decision"]["variant"].as_str() {
        let key = |a: &switchboard_core::connectors::testmode::TestAd| account.ad_quality(a).cvr;
        let best = ads
            .iter()
            .enumerate()
            .max_by(|x, y| key(x.1).total_cmp(&key(y.1)))
            .map(|(i, _)| i)
            .expect("best");
        let won = e["variants"]
            .as_array()
            .expect("variants")
            .iter()
            .position(|v| v["key"] == winner)
            .expect("variant");
        assert_eq!(won, best, "{}", r["evaluation"]["decision"]);
    }
    // Ad groups: the sum of their ads' delivery, day by day.
    // Two ad groups with ads, of one campaign that delivered lately.
    let siblings: Vec<&str> = account
        .campaigns
        .iter()
        .filter(|c| {
            account
                .day_metrics(c, today - chrono::Days::new(2), today)
                .is_some()
        })
        .map(|c| {
            account
                .ad_groups
                .iter()
                .filter(|g| g.campaign_id == c.id && account.ads.iter().any(|a| a.ad_group_id == g.id))
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
        })
        .find(|groups| groups.len() >= 2)
        .expect("a delivering campaign with two ad groups");
    let (status, g) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Audiences", "platform": "pinterest", "level": "ad_groups", "metric": "ctr",
                   "variants": [{"object_id": siblings[0]}, {"object_id": siblings[1]}], "started_on": started_on, "start": true}),
        )
        .await;
    assert_eq!(status, 201, "{g}");
    let gid = g["id"].as_str().expect("id");
    let (status, r) = app.get_json(&format!("/api/v1/experiments/{gid}/results")).await;
    assert_eq!(status, 200, "{r}");
    for (i, sibling) in siblings.iter().take(2).enumerate() {
        let ids: Vec<&str> = account
            .ads
            .iter()
            .filter(|a| a.ad_group_id == *sibling)
            .map(|a| a.id.as_str())
            .collect();
        let answer = tool(
            &app,
            &connection,
            "get_ad_analytics",
            json!({"ad_ids": ids, "start_date": started_on, "end_date": switchboard_core::time::date_text(today),
                   "granularity": "TOTAL", "columns": ["IMPRESSION_1"]}),
        )
        .await;
        let sum: f64 = answer
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|row| row["IMPRESSION_1"].as_f64())
            .sum();
        assert_eq!(
            r["evaluation"]["totals"][i]["impressions"].as_f64(),
            Some(sum),
            "ad group {sibling}: the sum of its ads"
        );
    }
    // Ads of another platform's account, or ad groups not in it: refused with the reason.
    let (status, bad) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Groups", "platform": "pinterest", "level": "ad_groups", "metric": "cvr",
                   "variants": [{"object_id": group.id}, {"object_id": "2"}]}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["error"]["fields"][0]["field"], "variants[1].object_id");
    let (status, bad) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Groups", "platform": "meta", "level": "ad_groups", "metric": "cvr",
                   "variants": [{"object_id": "1"}, {"object_id": "2"}]}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["error"]["fields"][0]["field"], "level");
    let (status, bad) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Ghost", "platform": "pinterest", "level": "ads", "metric": "cvr",
                   "variants": [{"object_id": ads[0].id}, {"object_id": "999999999"}, {"object_id": "pin-1"}]}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["error"]["fields"][0]["field"], "variants[1].object_id");
    assert_eq!(bad["error"]["fields"][1]["field"], "variants[2].object_id");
}

/// The ads of the delivering ad group whose ads differ most in their hidden conversion rates (seed
/// 9's has one ad far better than the others, whatever the day the test runs), and the best one.
fn clearest_group(account: &switchboard_core::connectors::testmode::TestAccount) -> (Vec<String>, String) {
    let today = chrono::Utc::now().date_naive();
    let spread = |g: &str| {
        let q: Vec<f64> = account
            .ads
            .iter()
            .filter(|a| a.ad_group_id == g)
            .map(|a| account.ad_quality(a).cvr)
            .collect();
        let (hi, lo) = (
            q.iter().copied().fold(0.0, f64::max),
            q.iter().copied().fold(f64::MAX, f64::min),
        );
        if q.len() >= 2 { hi / lo } else { 0.0 }
    };
    let group = account
        .ad_groups
        .iter()
        .filter(|g| {
            account.campaigns.iter().any(|c| {
                c.id == g.campaign_id
                    && account
                        .day_metrics(c, today - chrono::Days::new(1), today)
                        .is_some()
            })
        })
        .max_by(|a, b| spread(&a.id).total_cmp(&spread(&b.id)))
        .expect("an ad group");
    let ads: Vec<&switchboard_core::connectors::testmode::TestAd> =
        account.ads.iter().filter(|a| a.ad_group_id == group.id).collect();
    let best = ads
        .iter()
        .max_by(|a, b| account.ad_quality(a).cvr.total_cmp(&account.ad_quality(b).cvr))
        .expect("best")
        .id
        .clone();
    (ads.iter().map(|a| a.id.clone()).collect(), best)
}

#[tokio::test]
async fn with_auto_apply_the_winner_is_applied_as_soon_as_it_is_decided() {
    let app = spawn_app().await;
    let project = app.new_project("Juniper Home", "USD").await;
    let (status, c) = app
        .post_json(
            "/api/v1/connections",
            json!({"project_id": project, "platform": "pinterest", "seed": 9}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    let connection = c["id"].as_str().expect("id").to_owned();
    let account = crate::helpers::stored_test_account(&app.pool().await, &connection)
        .await
        .account;
    let (ads, best) = clearest_group(&account);
    let started_on =
        switchboard_core::time::date_text(chrono::Utc::now().date_naive() - chrono::Days::new(89));
    let variants: Vec<Value> = ads.iter().map(|a| json!({"object_id": a})).collect();
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Auto", "platform": "pinterest", "level": "ads", "metric": "cvr",
                   "variants": variants, "started_on": started_on, "start": true, "auto_apply": true}),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    let id = e["id"].as_str().expect("id").to_owned();
    // Evaluated (as after a sync): decided, and the apply's run started by itself.
    let (_, r) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    assert!(r["experiment"]["applied_by"].is_string(), "{}", r["experiment"]);
    let mut status = Value::Null;
    for _ in 0..400 {
        let (_, e) = app.get_json(&format!("/api/v1/experiments/{id}")).await;
        status = e["status"].clone();
        if status == "applied" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "applied");
    let (_, r) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    let history = each(&r["history"], "message");
    assert!(
        history.iter().any(|m| m.contains("Apply started by auto-apply")),
        "{history:?}"
    );
    let winner = r["experiment"]["winner"].as_str().expect("winner");
    let won = r["experiment"]["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .find(|v| v["key"] == winner)
        .expect("variant");
    assert_eq!(won["object_id"], json!(best));
}

#[tokio::test]
async fn a_pinterest_ad_test_is_decided_remembered_and_announced_to_discord() {
    use crate::stub::Stub;
    use switchboard_core::net::AllowList;
    let discord = Stub::start(|_, _| (axum::http::StatusCode::NO_CONTENT, vec![], Value::Null)).await;
    let allow = discord.address.to_string();
    let app = crate::helpers::spawn_app_with(move |c| {
        c.outbound.allow = AllowList::parse(&allow).expect("allow list");
    })
    .await;
    let project = app.new_project("Juniper Home", "USD").await;
    let (status, c) = app
        .post_json(
            "/api/v1/connections",
            json!({"project_id": project, "platform": "pinterest", "seed": 9}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    let connection = c["id"].as_str().expect("id").to_owned();
    let (status, ch) = app
        .post_json(
            "/api/v1/notification-channels",
            json!({"name": "Tests", "kind": "discord", "url": format!("{}/api/webhooks/9/token", discord.url())}),
        )
        .await;
    assert_eq!(status, 201, "{ch}");
    let (status, rule) = app
        .post_json(
            "/api/v1/notification-rules",
            json!({"name": "Winners", "project_id": project, "events": ["ab_test.winner"], "channel_id": ch["id"]}),
        )
        .await;
    assert_eq!(status, 201, "{rule}");
    let account = crate::helpers::stored_test_account(&app.pool().await, &connection)
        .await
        .account;
    let today = chrono::Utc::now().date_naive();
    let (ads, best) = clearest_group(&account);
    let ads: Vec<&switchboard_core::connectors::testmode::TestAd> =
        account.ads.iter().filter(|a| ads.contains(&a.id)).collect();
    let started_on = (today - chrono::Duration::days(89))
        .format("%Y-%m-%d")
        .to_string();
    let variants: Vec<Value> = ads.iter().map(|a| json!({"object_id": a.id})).collect();
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Pin creative", "platform": "pinterest", "level": "ads", "metric": "cvr",
                   "variants": variants, "started_on": started_on, "start": true}),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    let id = e["id"].as_str().expect("id").to_owned();
    let (status, r) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["experiment"]["status"], "decided",
        "{}",
        r["evaluation"]["decision"]
    );
    let winner = r["experiment"]["winner"].as_str().expect("a winner");
    let won = r["experiment"]["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .find(|v| v["key"] == winner)
        .expect("variant");
    assert_eq!(won["object_id"], json!(best), "the truly better ad wins");
    assert!(
        each(&r["history"], "state").contains(&"winner"),
        "{}",
        r["history"]
    );

    // Remembered: an outcome learning from the experiment.
    let (status, page) = app
        .get_json(&format!("/api/v1/memories?project_id={project}&action=ab_test"))
        .await;
    assert_eq!(status, 200, "{page}");
    let m = &page["items"][0];
    assert_eq!(m["kind"], "outcome", "{page}");
    assert_eq!(m["source"]["experiment_id"], json!(id), "{m}");
    assert!(
        m["summary"].as_str().is_some_and(|s| s.contains("Pin creative")),
        "{m}"
    );
    assert_eq!(m["outcome"]["metric"], "cvr");

    // Announced: the Discord receiver gets the winner.
    for _ in 0..200 {
        if !discord.seen().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let seen = discord.seen();
    assert_eq!(seen.len(), 1, "one announcement");
    let embed = &seen[0].json()["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .is_some_and(|t| t.contains("A/B test winner: Pin creative")),
        "{embed}"
    );
    // Evaluated again: nothing new is announced or remembered.
    let (_, again) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    assert_eq!(again["experiment"]["status"], "decided");
    let (_, page) = app
        .get_json(&format!("/api/v1/memories?project_id={project}&action=ab_test"))
        .await;
    assert_eq!(page["total"], 1);

    // Applied: a durable run pauses the losing ads, and the ad group's delivery goes to the winner.
    let (status, applying) = app
        .post_json(&format!("/api/v1/experiments/{id}/apply"), json!({}))
        .await;
    assert_eq!(status, 202, "{applying}");
    let run = applying["applied_by"]
        .as_str()
        .expect("the apply's run")
        .to_owned();
    let (status, twice) = app
        .post_json(&format!("/api/v1/experiments/{id}/apply"), json!({}))
        .await;
    assert_eq!(status, 202, "{twice}");
    assert_eq!(twice["applied_by"], json!(run), "asked twice, one run");
    let mut applied = Value::Null;
    for _ in 0..400 {
        let (_, e) = app.get_json(&format!("/api/v1/experiments/{id}")).await;
        if e["status"] == "applied" {
            applied = e;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(applied["status"], "applied", "{applied}");
    let (status, detail) = app.get_json(&format!("/api/v1/executions/{run}")).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["status"], "completed", "{detail}");
    let output = &detail["stages"][0]["output"];
    let changes = output["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), ads.len() - 1, "one pause per losing ad: {output}");
    assert!(
        changes
            .iter()
            .all(|c| c["field"] == "ad_status" && c["to"] == "PAUSED" && c["applied"] == true),
        "{output}"
    );
    assert!(
        output["notes"].as_array().is_some_and(|n| n
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains("now goes to the winner")))),
        "{output}"
    );
    let ids: Vec<&str> = ads.iter().map(|a| a.id.as_str()).collect();
    let listed = tool(
        &app,
        &connection,
        "list_ads",
        json!({"ad_ids": ids, "entity_statuses": ["ACTIVE", "PAUSED"]}),
    )
    .await;
    for ad in listed["items"].as_array().expect("ads") {
        let want = if ad["id"] == json!(best) {
            "ACTIVE"
        } else {
            "PAUSED"
        };
        assert_eq!(ad["status"], want, "{ad}");
    }
    // From today the ad group's budget is spent on the winner alone.
    let day = switchboard_core::time::date_text(today);
    let delivery = tool(
        &app,
        &connection,
        "get_ad_analytics",
        json!({"ad_ids": ids, "start_date": day, "end_date": day, "granularity": "DAY", "columns": ["IMPRESSION_1", "SPEND_IN_MICRO_DOLLAR"]}),
    )
    .await;
    let rows = delivery.as_array().expect("rows");
    let spent = |ad: &str| {
        rows.iter()
            .filter(|r| r["AD_ID"] == ad)
            .map(|r| r["SPEND_IN_MICRO_DOLLAR"].as_f64().unwrap_or(0.0))
            .sum::<f64>()
    };
    assert!(spent(&best) > 0.0, "{delivery}");
    for a in ads.iter().filter(|a| a.id != best) {
        assert_eq!(spent(&a.id), 0.0, "a paused ad spends nothing: {delivery}");
    }
    let (_, r) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    let states = each(&r["history"], "state");
    assert!(
        states.contains(&"applying") && states.contains(&"applied"),
        "{states:?}"
    );
    // Applied once: asking again changes nothing.
    let (status, again) = app
        .post_json(&format!("/api/v1/experiments/{id}/apply"), json!({}))
        .await;
    assert_eq!(status, 202);
    assert_eq!(again["applied_by"], json!(run));
}

#[tokio::test]
async fn a_split_unlike_the_one_configured_blocks_the_decision() {
    let app = spawn_app().await;
    let (project, _) = pinterest_project(&app).await;
    let (_, account) = pinterest_account(&app, &project).await;
    let today = chrono::Utc::now().date_naive();
    // A campaign splits its impressions evenly over its two ad groups, and each ad group over its
    // ads: an ad of a group of two gets a quarter, one of a group of three a sixth, 60/40
    // between them. Configured as 50/50 (no weights).
    let size = |g: &str| account.ads.iter().filter(|a| a.ad_group_id == g).count();
    let (two, three) = account
        .campaigns
        .iter()
        .filter(|c| {
            account
                .day_metrics(c, today - chrono::Days::new(1), today)
                .is_some()
        })
        .find_map(|c| {
            let groups: Vec<&str> = account
                .ad_groups
                .iter()
                .filter(|g| g.campaign_id == c.id)
                .map(|g| g.id.as_str())
                .collect();
            match groups.as_slice() {
                [a, b] if size(a) == 2 && size(b) == 3 => Some((*a, *b)),
                [a, b] if size(a) == 3 && size(b) == 2 => Some((*b, *a)),
                _ => None,
            }
        })
        .expect("a delivering campaign with ad groups of two and three ads");
    let first = |g: &str| {
        account
            .ads
            .iter()
            .find(|a| a.ad_group_id == g)
            .map(|a| a.id.clone())
            .expect("an ad")
    };
    let ads = [first(two), first(three)];
    let started_on = switchboard_core::time::date_text(today - chrono::Days::new(60));
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "Uneven", "platform": "pinterest", "level": "ads", "metric": "ctr",
                   "variants": [{"object_id": ads[0]}, {"object_id": ads[1]}],
                   "started_on": started_on, "start": true}),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    let id = e["id"].as_str().expect("id");
    let (status, r) = app.get_json(&format!("/api/v1/experiments/{id}/results")).await;
    assert_eq!(status, 200, "{r}");
    let decision = &r["evaluation"]["decision"];
    assert_eq!(decision["state"], "blocked", "{decision}");
    let message = decision["message"].as_str().unwrap_or_default();
    assert!(
        message.to_lowercase().contains("sample ratio mismatch"),
        "{message}"
    );
    assert!(
        message.contains("split 60/40 against the configured 50/50"),
        "{message}"
    );
    assert!(
        r["evaluation"]["srm"]["mismatch"] == true,
        "{}",
        r["evaluation"]["srm"]
    );
    assert_eq!(
        r["experiment"]["status"], "running",
        "no decision under a mismatch"
    );
    let (status, refused) = app
        .post_json(&format!("/api/v1/experiments/{id}/apply"), json!({}))
        .await;
    assert_eq!(status, 409, "nothing to apply before a decision: {refused}");
}

#[tokio::test]
async fn a_pin_becomes_a_new_ad_variant_in_the_control_s_ad_group() {
    let app = spawn_app().await;
    let (project, _) = pinterest_project(&app).await;
    let (connection, account) = pinterest_account(&app, &project).await;
    let control = account
        .ads
        .iter()
        .find(|a| a.status == "ACTIVE")
        .expect("an active ad");
    let pin = account.pins.iter().find(|p| !p.promoted).expect("an organic Pin");
    let today = chrono::Utc::now().date_naive();
    // A new ad has no past: a start before today is refused, naming the field.
    let (status, bad) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "New creative", "platform": "pinterest", "level": "ads", "metric": "ctr",
                   "variants": [{"object_id": control.id}, {"pin_id": pin.id}],
                   "started_on": switchboard_core::time::date_text(today - chrono::Days::new(7))}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert_eq!(bad["error"]["fields"][0]["field"], "started_on");
    let (status, e) = app
        .post_json(
            "/api/v1/experiments",
            json!({"project_id": project, "name": "New creative", "platform": "pinterest", "level": "ads", "metric": "ctr",
                   "variants": [{"object_id": control.id}, {"pin_id": pin.id, "name": "Lifestyle Pin"}], "start": true}),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(e["started_on"], json!(switchboard_core::time::date_text(today)));
    assert_eq!(e["variants"][1]["name"], "Lifestyle Pin");
    let made = e["variants"][1]["object_id"].as_str().expect("the new ad's id");
    assert_ne!(made, control.id);
    let listed = tool(&app, &connection, "list_ads", json!({"ad_ids": [made]})).await;
    let ad = &listed["items"][0];
    assert_eq!(ad["ad_group_id"], json!(control.ad_group_id), "{ad}");
    assert_eq!(ad["pin_id"], json!(pin.id), "{ad}");
    assert_eq!(ad["status"], "ACTIVE");
}
