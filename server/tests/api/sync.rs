//! The performance sync over test-mode connections: "sync now" fills the campaigns and metrics
//! tables, reports then equal the platforms' own answers summed here, a second sync writes nothing
//! new, and the schedule is validated.

use crate::helpers::{TestApp, spawn_app, sync};
use serde_json::{Value, json};

async fn tool(app: &TestApp, platform: &str, tool: &str, connection: &str, params: Value) -> Value {
    let (status, body) = app
        .post_json(
            &format!("/api/v1/connectors/{platform}/tools/{tool}"),
            json!({"connection_id": connection, "params": params}),
        )
        .await;
    assert_eq!(status, 200, "{tool}: {body}");
    body
}

fn int(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.parse().expect("integer text"),
        Value::Number(n) => n.as_i64().expect("integer"),
        _ => 0,
    }
}

fn cents_text_to_micros(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<6}");
    whole.parse::<i64>().expect("whole") * 1_000_000 + frac[..6].parse::<i64>().expect("fraction")
}

/// Spend and clicks over `[from, to]` straight from a connection's own tools.
async fn platform_totals(
    app: &TestApp,
    platform: &str,
    connection: &str,
    from: &str,
    to: &str,
) -> (i64, i64) {
    match platform {
        "google" => {
            let body = tool(
                app,
                platform,
                "get_campaign_performance",
                connection,
                json!({"start_date": from, "end_date": to}),
            )
            .await;
            body["results"]
                .as_array()
                .expect("results")
                .iter()
                .fold((0, 0), |(s, c), r| {
                    (
                        s + int(&r["metrics"]["costMicros"]),
                        c + int(&r["metrics"]["clicks"]),
                    )
                })
        }
        "meta" => {
            let body = tool(
                app,
                platform,
                "get_campaign_insights",
                connection,
                json!({"since": from, "until": to, "limit": 500, "all_pages": true}),
            )
            .await;
            body["data"]
                .as_array()
                .expect("data")
                .iter()
                .fold((0, 0), |(s, c), r| {
                    (
                        s + cents_text_to_micros(r["spend"].as_str().expect("spend")),
                        c + int(&r["clicks"]),
                    )
                })
        }
        _ => {
            let listed = tool(app, platform, "list_campaigns", connection,
                json!({"all_pages": true, "page_size": 250, "entity_statuses": ["ACTIVE", "PAUSED", "ARCHIVED"]})).await;
            let ids: Vec<Value> = listed["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|c| c["id"].clone())
                .collect();
            let body = tool(
                app,
                platform,
                "get_campaign_analytics",
                connection,
                json!({
                "campaign_ids": ids, "start_date": from, "end_date": to, "granularity": "DAY",
                "columns": ["SPEND_IN_MICRO_DOLLAR", "CLICKTHROUGH_1"]}),
            )
            .await;
            body.as_array().expect("rows").iter().fold((0, 0), |(s, c), r| {
                (
                    s + int(&r["SPEND_IN_MICRO_DOLLAR"]),
                    c + int(&r["CLICKTHROUGH_1"]),
                )
            })
        }
    }
}

#[tokio::test]
async fn sync_now_pulls_every_connection_and_reports_match_the_platforms() {
    let app = spawn_app().await;
    let project = app.new_project("Synced", "USD").await;
    let mut connections = Vec::new();
    for (platform, seed) in [("google", 11), ("meta", 12), ("pinterest", 13)] {
        let (status, c) = app
            .post_json(
                "/api/v1/connections",
                json!({"project_id": project, "platform": platform, "seed": seed}),
            )
            .await;
        assert_eq!(status, 201, "{c}");
        connections.push((platform, c["id"].as_str().expect("id").to_owned()));
    }

    let run = sync(&app).await;
    assert_eq!(run["state"], "succeeded", "{run}");
    assert_eq!(run["trigger"], "manual");
    assert_eq!(
        (
            run["connections_total"].as_i64(),
            run["connections_done"].as_i64()
        ),
        (Some(3), Some(3))
    );
    assert!(run["rows_written"].as_i64().unwrap_or(0) > 100, "{run}");
    assert!(run["campaigns_written"].as_i64().unwrap_or(0) >= 9, "{run}");

    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(89);
    let (from, to) = (
        from.format("%Y-%m-%d").to_string(),
        today.format("%Y-%m-%d").to_string(),
    );
    let (_, overview) = app.get_json("/api/v1/analytics/sync").await;
    for c in overview["connections"].as_array().expect("connections") {
        assert_eq!(c["synced_through"], to.as_str(), "{c}");
        assert!(c["last_error"].is_null());
    }

    // Every platform's report equals what its own tools answer for the same days.
    for (platform, connection) in &connections {
        let (spend, clicks) = platform_totals(&app, platform, connection, &from, &to).await;
        assert!(spend > 0, "{platform} has spend");
        let (status, summary) = app
            .get_json(&format!(
                "/api/v1/analytics/summary?from={from}&to={to}&project_id={project}&platform={platform}"
            ))
            .await;
        assert_eq!(status, 200, "{summary}");
        assert_eq!(
            summary["total"]["current"]["spend_micros"].as_i64(),
            Some(spend),
            "{platform} spend"
        );
        assert_eq!(
            summary["total"]["current"]["clicks"].as_i64(),
            Some(clicks),
            "{platform} clicks"
        );
    }

    // The campaigns are there with their platform ids and the connection's currency.
    let (_, table) = app
        .get_json(&format!(
            "/api/v1/analytics/campaigns?project_id={project}&from={from}&to={to}&limit=200"
        ))
        .await;
    assert!(table["total"].as_i64().unwrap_or(0) >= 9, "{table}");

    // Nothing changed on the platforms: the second sync re-reads the last days and writes nothing.
    let again = sync(&app).await;
    assert_eq!(again["state"], "succeeded", "{again}");
    assert_eq!(again["rows_written"], 0, "{again}");
    assert_eq!(again["campaigns_written"], 0, "{again}");

    // A restated day is written again: change a stored row and sync.
    let pool = app.pool().await;
    let changed = sqlx::query(
        "UPDATE campaign_daily_metrics SET clicks = clicks + 1 WHERE rowid = \
         (SELECT rowid FROM campaign_daily_metrics WHERE date = ? LIMIT 1)",
    )
    .bind(&to)
    .execute(&pool)
    .await
    .expect("update");
    assert_eq!(changed.rows_affected(), 1);
    let restated = sync(&app).await;
    assert_eq!(restated["rows_written"], 1, "{restated}");
}

#[tokio::test]
async fn the_schedule_is_validated_and_a_failing_connection_is_reported() {
    let app = spawn_app().await;
    let (status, overview) = app.get_json("/api/v1/analytics/sync").await;
    assert_eq!(status, 200);
    // The tests' servers start with the schedule off.
    assert_eq!(overview["schedule"], "off");
    assert!(overview["next_run_at"].is_null());

    let put = |body: Value| {
        let app = &app;
        async move {
            let r = app
                .client
                .put(app.url("/api/v1/analytics/sync/schedule"))
                .json(&body)
                .send()
                .await
                .expect("request");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for bad in [
        json!({"schedule": "every hour"}),
        json!({"schedule": "0 25 * * *"}),
        json!({"cron": "@hourly"}),
        json!({}),
    ] {
        let (status, body) = put(bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, body) = put(json!({"schedule": "*/30 * * * *"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schedule"], "*/30 * * * *");
    assert!(body["next_run_at"].is_string());

    // A connection that lost its authorisation fails with a message saying what to do; the others
    // still sync.
    let project = app.new_project("Mixed", "USD").await;
    let mut ids = Vec::new();
    for platform in ["google", "meta"] {
        let (_, c) = app
            .post_json(
                "/api/v1/connections",
                json!({"project_id": project, "platform": platform, "seed": 5}),
            )
            .await;
        ids.push(c["id"].as_str().expect("id").to_owned());
    }
    let pool = app.pool().await;
    sqlx::query("UPDATE connections SET status = 'needs_reauth' WHERE id = ?")
        .bind(&ids[1])
        .execute(&pool)
        .await
        .expect("update");
    let run = sync(&app).await;
    assert_eq!(run["state"], "partial", "{run}");
    let problems = run["problems"].as_array().expect("problems");
    assert!(
        problems
            .iter()
            .any(|p| p.as_str().is_some_and(|p| p.contains("authorised again"))),
        "{run}"
    );
    let (_, overview) = app.get_json("/api/v1/analytics/sync").await;
    let failing = overview["connections"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["connection_id"] == ids[1].as_str()))
        .cloned()
        .expect("listed");
    assert!(
        failing["last_error"].is_string() && failing["synced_through"].is_null(),
        "{failing}"
    );
}
