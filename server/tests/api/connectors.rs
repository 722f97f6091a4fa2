//! Connections and connector tools through the REST API (test mode).

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn send(app: &TestApp, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    send(app, reqwest::Method::POST, path, Some(body)).await
}

async fn project(app: &TestApp) -> String {
    let (status, p) = post(
        app,
        "/api/v1/projects",
        json!({"name": "Acme", "currency": "USD"}),
    )
    .await;
    assert_eq!(status, 201, "{p}");
    p["id"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_test_connection_runs_every_tool_and_keeps_what_changed() {
    let app = spawn_app().await;
    let project = project(&app).await;
    let (status, conn) = post(
        &app,
        "/api/v1/connections",
        json!({"project_id": project, "platform": "meta", "seed": 42}),
    )
    .await;
    assert_eq!(status, 201, "{conn}");
    assert_eq!(conn["mode"], "test");
    assert_eq!(conn["status"], "active");
    assert!(conn.get("tokens").is_none() && conn.get("access_token").is_none());
    let id = conn["id"].as_str().unwrap_or_default().to_owned();

    // The catalogue lists the tools with their schemas.
    let (status, connectors) = send(&app, reqwest::Method::GET, "/api/v1/connectors", None).await;
    assert_eq!(status, 200);
    let meta = connectors
        .as_array()
        .and_then(|c| c.iter().find(|c| c["platform"] == "meta"))
        .cloned()
        .unwrap_or_default();
    assert!(meta["tools"].as_array().is_some_and(|t| t.len() >= 8));
    assert_eq!(meta["tools"][0]["params"]["type"], "object");

    let run = |tool: &str| format!("/api/v1/connectors/meta/tools/{tool}");
    let (status, listed) = post(
        &app,
        &run("list_campaigns"),
        json!({"connection_id": id, "params": {"limit": 100}}),
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    let before = listed["data"].as_array().map(Vec::len).unwrap_or(0);
    assert!(before >= 3);

    let (status, created) = post(
        &app,
        &run("create_campaign"),
        json!({"connection_id": id, "params": {"name": "Launch", "objective": "OUTCOME_TRAFFIC", "special_ad_categories": []}}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    // Kept in the database: the next call sees it.
    let (_, listed) = post(
        &app,
        &run("list_campaigns"),
        json!({"connection_id": id, "params": {"limit": 100}}),
    )
    .await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(before + 1));
    assert_eq!(listed["data"][0]["id"], created["id"]);
    assert_eq!(listed["data"][0]["status"], "PAUSED");

    let (status, insights) = post(
        &app,
        &run("get_campaign_insights"),
        json!({"connection_id": id, "params": {"since": "2026-11-01", "until": "2026-11-20"}}),
    )
    .await;
    assert_eq!(status, 200, "{insights}");
    assert!(insights["data"][0]["spend"].is_string());

    // The connection is listed for its project, and can be removed.
    let (_, list) = send(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/connections?project_id={project}"),
        None,
    )
    .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, _) = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/connections/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/connections/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_tool_requests_are_4xx_naming_the_problem() {
    let app = spawn_app().await;
    let project = project(&app).await;
    let (_, conn) = post(
        &app,
        "/api/v1/connections",
        json!({"project_id": project, "platform": "google"}),
    )
    .await;
    let id = conn["id"].as_str().unwrap_or_default().to_owned();

    let (status, body) = post(
        &app,
        "/api/v1/connectors/google/tools/create_campaign",
        json!({"connection_id": id, "params": {"name": "x", "budget_micros": "lots", "advertising_channel_type": "SEARCH"}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_params");
    assert_eq!(
        body["error"]["message"],
        "params.budget_micros: expected a whole number, found text"
    );

    let (status, body) = post(
        &app,
        "/api/v1/connectors/google/tools/fly_to_moon",
        json!({"connection_id": id}),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = post(
        &app,
        "/api/v1/connectors/meta/tools/list_campaigns",
        json!({"connection_id": id}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "wrong_platform");
    let (status, body) = post(
        &app,
        "/api/v1/connectors/google/tools/update_campaign",
        json!({"connection_id": id, "params": {"campaign_id": "1", "status": "PAUSED"}}),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = post(
        &app,
        "/api/v1/connectors/google/tools/list_campaigns",
        json!({"connection_id": "conn_nope"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = post(
        &app,
        "/api/v1/connectors/google/tools/list_campaigns",
        json!({"params": {}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // Connections: bad input is a 422 with the fields; the same account twice is a conflict.
    let (status, body) = post(
        &app,
        "/api/v1/connections",
        json!({"project_id": project, "platform": "myspace", "mode": "live"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    let (status, _) = post(
        &app,
        "/api/v1/connections",
        json!({"project_id": "proj_missing", "platform": "meta"}),
    )
    .await;
    assert_eq!(status, 404);
    let seeded = json!({"project_id": project, "platform": "meta", "seed": 9});
    assert_eq!(post(&app, "/api/v1/connections", seeded.clone()).await.0, 201);
    assert_eq!(post(&app, "/api/v1/connections", seeded).await.0, 409);
}

/// A write is stored as its call in the account's change log, and every few dozen changes as the
/// whole account: what storage rebuilds (snapshot plus log replayed) is what the API answered.
#[tokio::test]
async fn a_test_account_rebuilt_from_storage_has_every_change() {
    let app = spawn_app().await;
    let project = project(&app).await;
    let (_, conn) = post(
        &app,
        "/api/v1/connections",
        json!({"project_id": project, "platform": "google", "seed": 9}),
    )
    .await;
    let id = conn["id"].as_str().unwrap_or_default().to_owned();
    let run = |tool: &str| format!("/api/v1/connectors/google/tools/{tool}");
    // Past one snapshot: 45 campaigns made, and the first paused, then given a new budget.
    for n in 0..45 {
        let (status, body) = post(
            &app,
            &run("create_campaign"),
            json!({"connection_id": id, "params": {"name": format!("Made {n}"), "budget_micros": 1_000_000 * (n + 1),
                   "advertising_channel_type": "SEARCH", "status": "ENABLED"}}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, listed) = post(&app, &run("list_campaigns"), json!({"connection_id": id})).await;
    let first = listed["results"][0]["campaign"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for params in [
        json!({"campaign_id": first, "status": "PAUSED"}),
        json!({"campaign_id": first, "budget_micros": 77_000_000}),
    ] {
        let (status, body) = post(
            &app,
            &run("update_campaign"),
            json!({"connection_id": id, "params": params}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, listed) = post(&app, &run("list_campaigns"), json!({"connection_id": id})).await;

    let pool = app.pool().await;
    let logged: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM connector_test_account_changes WHERE connection_id = ?")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("count");
    // 47 writes: a snapshot at the 32nd, the 15 after it logged.
    assert_eq!(logged, 15);
    let stored = crate::helpers::stored_test_account(&pool, &id).await;
    assert_eq!(stored.changes, 15);
    let mut account = stored.account;
    let made = account
        .campaigns
        .iter()
        .filter(|c| c.name.starts_with("Made "))
        .count();
    assert_eq!(made, 45);
    let today = chrono::Utc::now().date_naive();
    let rebuilt = account.call("list_campaigns", &json!({}), today).expect("list");
    assert_eq!(rebuilt["results"], listed["results"]);
    assert_eq!(listed["results"][0]["campaign"]["status"], "PAUSED");
    assert_eq!(listed["results"][0]["campaignBudget"]["amountMicros"], "77000000");
}
