//! Inbound webhooks: Standard Webhooks signatures (valid, invalid, expired, replayed), API keys
//! (valid, revoked), idempotency, refusals in the delivery log, secret rotation.

use crate::helpers::{TestApp, anonymous, spawn_app};
use serde_json::{Value, json};
use server::webhooks::signature::WebhookSecret;

/// A project with a one-stage workflow and a webhook that starts it: (webhook, secret).
async fn hooked(app: &TestApp) -> (Value, String) {
    let project = app.new_project("Hooked", "USD").await;
    let (status, workflow) = app
        .post_json(
            "/api/v1/workflows",
            json!({"name": "On order", "project_id": project, "stages": [{"agent": "Analyst", "action": "report"}]}),
        )
        .await;
    assert_eq!(status, 201, "{workflow}");
    let (status, hook) = app
        .post_json(
            "/api/v1/webhooks",
            json!({"name": "Shop orders", "workflow_id": workflow["id"]}),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    let secret = hook["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"));
    let url = hook["url"].as_str().expect("url");
    assert!(
        url.ends_with(&format!("/api/v1/hooks/{}", hook["id"].as_str().expect("id"))),
        "{url}"
    );
    (hook, secret)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// POSTs `body` to the webhook signed with `secret` as message `id` at `ts`.
async fn signed(app: &TestApp, hook: &Value, secret: &str, id: &str, ts: i64, body: &str) -> (u16, Value) {
    let signature = WebhookSecret::parse(secret)
        .expect("secret")
        .sign(id, ts, body.as_bytes());
    send(
        app,
        hook,
        &[
            ("webhook-id", id.to_owned()),
            ("webhook-timestamp", ts.to_string()),
            ("webhook-signature", signature),
        ],
        body.to_owned(),
    )
    .await
}

async fn send(app: &TestApp, hook: &Value, headers: &[(&str, String)], body: String) -> (u16, Value) {
    // Senders bring their own credentials (or none), not the test's API key.
    let mut req = anonymous()
        .post(app.url(&format!("/api/v1/hooks/{}", hook["id"].as_str().expect("id"))))
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn executions(app: &TestApp) -> usize {
    let (_, list) = app.get_json("/api/v1/executions").await;
    list.as_array().map_or(0, Vec::len)
}

async fn log(app: &TestApp, hook: &Value) -> Vec<Value> {
    let (status, list) = app
        .get_json(&format!(
            "/api/v1/webhooks/{}/deliveries",
            hook["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(status, 200, "{list}");
    list.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_signed_delivery_starts_its_workflow_once_and_a_replay_answers_the_first_result() {
    let app = spawn_app().await;
    let (hook, secret) = hooked(&app).await;
    let body = r#"{"order": "A-1001", "total": 129.9}"#;

    let (status, first) = signed(&app, &hook, &secret, "msg_1", now(), body).await;
    assert_eq!(status, 202, "{first}");
    let execution = first["execution_id"].as_str().expect("execution").to_owned();
    assert_eq!(first["replayed"], false);
    let (status, run) = app.get_json(&format!("/api/v1/executions/{execution}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        run["input"]["order"], "A-1001",
        "the body is the run's input: {run}"
    );

    // The sender retries (a lost answer): same id, same result, nothing new started.
    let (status, again) = signed(&app, &hook, &secret, "msg_1", now(), body).await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["execution_id"], execution.as_str());
    assert_eq!(again["replayed"], true);
    assert_eq!(executions(&app).await, 1);

    // A new id is a new delivery.
    let (status, second) = signed(&app, &hook, &secret, "msg_2", now(), "{}").await;
    assert_eq!(status, 202);
    assert_ne!(second["execution_id"], execution.as_str());
    assert_eq!(executions(&app).await, 2);

    let outcomes: Vec<String> = log(&app, &hook)
        .await
        .iter()
        .map(|d| d["outcome"].as_str().unwrap_or("").to_owned())
        .collect();
    let count = |o: &str| outcomes.iter().filter(|x| *x == o).count();
    assert_eq!(
        (count("accepted"), count("replayed"), outcomes.len()),
        (2, 1, 3),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn bad_old_and_future_signatures_are_refused_and_logged() {
    let app = spawn_app().await;
    let (hook, secret) = hooked(&app).await;
    let body = r#"{"order": "A-1"}"#;

    // Signed with another secret.
    let other = WebhookSecret::generate().expect("random").to_text();
    let (status, e) = signed(&app, &hook, &other, "msg_a", now(), body).await;
    assert_eq!(status, 401, "{e}");
    assert_eq!(e["error"]["code"], "bad_signature");
    // A changed body.
    let sig = WebhookSecret::parse(&secret)
        .expect("secret")
        .sign("msg_b", now(), body.as_bytes());
    let (status, _) = send(
        &app,
        &hook,
        &[
            ("webhook-id", "msg_b".into()),
            ("webhook-timestamp", now().to_string()),
            ("webhook-signature", sig),
        ],
        r#"{"order": "A-2"}"#.into(),
    )
    .await;
    assert_eq!(status, 401);
    // Older than five minutes, and from the future.
    let (status, e) = signed(&app, &hook, &secret, "msg_c", now() - 301, body).await;
    assert_eq!(status, 401);
    assert!(
        e["error"]["message"].as_str().unwrap_or("").contains("300"),
        "{e}"
    );
    let (status, _) = signed(&app, &hook, &secret, "msg_d", now() + 400, body).await;
    assert_eq!(status, 401);
    // Nothing at all.
    let (status, e) = send(&app, &hook, &[], body.into()).await;
    assert_eq!(status, 401);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("webhook-signature")
    );
    assert_eq!(executions(&app).await, 0);

    let log = log(&app, &hook).await;
    assert_eq!(log.len(), 5);
    assert!(
        log.iter()
            .all(|d| d["outcome"] == "refused" && d["status"] == 401),
        "{log:?}"
    );
    assert!(
        log.iter()
            .all(|d| d["reason"].as_str().is_some_and(|r| !r.is_empty()))
    );
}

#[tokio::test]
async fn api_keys_work_until_revoked() {
    let app = spawn_app().await;
    let (hook, _) = hooked(&app).await;
    let (status, key) = app.post_json("/api/v1/api-keys", json!({"name": "Zapier"})).await;
    assert_eq!(status, 201, "{key}");
    let token = key["key"].as_str().expect("key").to_owned();
    assert!(token.starts_with("sbk_") && token.len() == 47, "{token}");
    assert!(token.starts_with(key["shown"].as_str().expect("shown")));

    let bearer = [
        ("authorization", format!("Bearer {token}")),
        ("idempotency-key", "order-7".into()),
    ];
    let (status, run) = send(&app, &hook, &bearer, r#"{"order": 7}"#.into()).await;
    assert_eq!(status, 202, "{run}");
    let (status, again) = send(&app, &hook, &bearer, r#"{"order": 7}"#.into()).await;
    assert_eq!(status, 202);
    assert_eq!(
        again["execution_id"], run["execution_id"],
        "Idempotency-Key works for bearer senders too"
    );

    let (_, keys) = app.get_json("/api/v1/api-keys").await;
    let listed = &keys.as_array().expect("keys")[0];
    assert!(listed["last_used_at"].is_string(), "last use recorded: {listed}");
    assert!(
        listed.get("key").is_none() && !listed.to_string().contains(&token),
        "never listed again"
    );

    let res = app
        .client
        .delete(app.url(&format!("/api/v1/api-keys/{}", key["id"].as_str().expect("id"))))
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status(), 200);
    let (status, e) = send(
        &app,
        &hook,
        &[("authorization", format!("Bearer {token}"))],
        "{}".into(),
    )
    .await;
    assert_eq!(status, 401, "{e}");
    assert!(e["error"]["message"].as_str().unwrap_or("").contains("revoked"));
    let (status, _) = send(
        &app,
        &hook,
        &[("authorization", "Bearer sbk_guess".into())],
        "{}".into(),
    )
    .await;
    assert_eq!(status, 401);
    let (status, e) = app.post_json("/api/v1/api-keys", json!({"name": " "})).await;
    assert_eq!(status, 422, "{e}");
}

#[tokio::test]
async fn oversized_non_json_and_disabled_deliveries_are_refused_and_rotation_retires_the_old_secret() {
    let app = spawn_app().await;
    let (hook, secret) = hooked(&app).await;
    let id = hook["id"].as_str().expect("id");

    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(300 * 1024));
    let (status, e) = signed(&app, &hook, &secret, "msg_big", now(), &big).await;
    assert_eq!(status, 413, "{e}");
    let (status, e) = signed(&app, &hook, &secret, "msg_text", now(), "order=1").await;
    assert_eq!(status, 400, "{e}");
    let (status, _) = signed(&app, &hook, &secret, "msg_list", now(), "[1, 2]").await;
    assert_eq!(status, 400);

    // Rotation: the old secret stops working, the new one works, and reveal shows the new one.
    let (status, rotated) = app
        .post_json(&format!("/api/v1/webhooks/{id}/rotate-secret"), json!({}))
        .await;
    assert_eq!(status, 200, "{rotated}");
    let new_secret = rotated["secret"].as_str().expect("secret").to_owned();
    assert_ne!(new_secret, secret);
    let (_, revealed) = app.get_json(&format!("/api/v1/webhooks/{id}/secret")).await;
    assert_eq!(revealed["secret"], new_secret.as_str());
    let (status, _) = signed(&app, &hook, &secret, "msg_old", now(), "{}").await;
    assert_eq!(status, 401);
    let (status, _) = signed(&app, &hook, &new_secret, "msg_new", now(), "{}").await;
    assert_eq!(status, 202);

    // Disabled.
    let res = app
        .client
        .put(app.url(&format!("/api/v1/webhooks/{id}")))
        .json(&json!({"name": "Shop orders", "workflow_id": hook["workflow_id"], "active": false}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    let (status, e) = signed(&app, &hook, &new_secret, "msg_off", now(), "{}").await;
    assert_eq!(status, 403, "{e}");

    let reasons: Vec<(u64, String)> = log(&app, &hook)
        .await
        .iter()
        .map(|d| {
            (
                d["status"].as_u64().unwrap_or(0),
                d["outcome"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(reasons.len(), 6, "{reasons:?}");
    assert!(reasons.contains(&(413, "refused".into())) && reasons.contains(&(403, "refused".into())));

    // Bad input on the management API.
    let (status, e) = app
        .post_json(
            "/api/v1/webhooks",
            json!({"name": "x", "workflow_id": "wf_missing"}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(e["error"]["fields"].to_string().contains("workflow_id"), "{e}");
    let (status, _) = app.get_json("/api/v1/webhooks/hook_nope").await;
    assert_eq!(status, 404);
    let res = app
        .client
        .post(app.url("/api/v1/hooks/hook_nope"))
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn a_reservation_left_without_a_run_is_released_after_a_minute() {
    let app = spawn_app().await;
    let (hook, secret) = hooked(&app).await;
    // As if the server had stopped between recording a delivery and starting its run.
    let pool = app.pool().await;
    let old = (chrono::Utc::now() - chrono::Duration::minutes(5))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, webhook_id, message_id, received_at, outcome, status, body_bytes) \
         VALUES ('dlv_stale', ?, 'msg_stuck', ?, 'accepted', 202, 2)",
    )
    .bind(hook["id"].as_str().expect("id"))
    .bind(&old)
    .execute(&pool)
    .await
    .expect("insert");
    let (status, answer) = signed(&app, &hook, &secret, "msg_stuck", now(), "{}").await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["replayed"], false);
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM webhook_deliveries WHERE id = 'dlv_stale'")
        .fetch_one(&pool)
        .await
        .expect("row");
    assert_eq!(outcome, "failed");

    // A fresh reservation without a run is still in progress: 409 with Retry-After.
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, webhook_id, message_id, received_at, outcome, status, body_bytes) \
         VALUES ('dlv_fresh', ?, 'msg_busy', ?, 'accepted', 202, 2)",
    )
    .bind(hook["id"].as_str().expect("id"))
    .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    .execute(&pool)
    .await
    .expect("insert");
    let (status, _) = signed(&app, &hook, &secret, "msg_busy", now(), "{}").await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_webhook_on_a_workflow_without_a_project_must_name_one() {
    let app = spawn_app().await;
    let (status, workflow) = app
        .post_json(
            "/api/v1/workflows",
            json!({"name": "Imported", "stages": [{"agent": "Analyst", "action": "report"}]}),
        )
        .await;
    assert_eq!(status, 201, "{workflow}");
    let (status, e) = app
        .post_json(
            "/api/v1/webhooks",
            json!({"name": "Orders", "workflow_id": workflow["id"]}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(e.to_string().contains("project_id"), "{e}");
    let project = app.new_project("Named", "USD").await;
    let (status, hook) = app
        .post_json(
            "/api/v1/webhooks",
            json!({"name": "Orders", "workflow_id": workflow["id"], "project_id": project}),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
}
