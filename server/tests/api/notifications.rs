//! Notifications against local receivers: Discord and Slack webhooks (with 429 and 500 answers
//! retried), an SMTP server, refused addresses, and the full loop from a signed webhook delivery
//! to a Discord embed.

use crate::helpers::{TestApp, spawn_app_with};
use crate::stub::Stub;
use axum::http::StatusCode;
use serde_json::{Value, json};
use server::webhooks::signature::WebhookSecret;
use std::time::Duration;
use switchboard_core::net::AllowList;
use switchboard_core::notifications::retry::RetryPolicy;

/// An app that may reach `stubs` and retries quickly.
async fn app_reaching(stubs: &[&Stub]) -> TestApp {
    let allow = stubs
        .iter()
        .map(|s| s.address.to_string())
        .collect::<Vec<_>>()
        .join(",");
    spawn_app_with(move |c| {
        c.outbound.allow = AllowList::parse(&allow).expect("allow list");
        c.notify.policy = RetryPolicy {
            base: Duration::from_millis(50),
            cap: Duration::from_secs(1),
            max_attempts: 4,
        };
    })
    .await
}

async fn channel(app: &TestApp, kind: &str, url: &str) -> Value {
    let (status, c) = app
        .post_json(
            "/api/v1/notification-channels",
            json!({"name": format!("{kind} ops"), "kind": kind, "url": url}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    c
}

/// Waits until the notification reaches `state`; answers it.
async fn settled(app: &TestApp, id: &str, state: &str) -> Value {
    for _ in 0..200 {
        let (_, n) = app
            .get_json(&format!("/api/v1/notification-deliveries/{id}"))
            .await;
        if n["state"] == state {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("notification {id} never became {state}");
}

/// A project with a Google Ads test account and a one-stage workflow (a report, which has work to do
/// there), and a rule sending its runs' results to `channel`.
async fn routed(app: &TestApp, channel: &Value, events: &[&str]) -> (String, Value) {
    let project = app.new_project("Alpine Trails", "USD").await;
    let (status, connection) = app
        .post_json(
            "/api/v1/connections",
            json!({"project_id": project, "platform": "google", "seed": 7}),
        )
        .await;
    assert_eq!(status, 201, "{connection}");
    let (status, workflow) = app
        .post_json(
            "/api/v1/workflows",
            json!({"name": "Weekly report", "project_id": project, "stages": [{"agent": "Analyst", "action": "report"}]}),
        )
        .await;
    assert_eq!(status, 201, "{workflow}");
    let (status, rule) = app
        .post_json(
            "/api/v1/notification-rules",
            json!({"name": "Results", "project_id": project, "events": events, "channel_id": channel["id"]}),
        )
        .await;
    assert_eq!(status, 201, "{rule}");
    (project, workflow)
}

async fn first_delivery(app: &TestApp, channel: &Value) -> Value {
    for _ in 0..200 {
        let (_, list) = app
            .get_json(&format!(
                "/api/v1/notification-deliveries?channel_id={}",
                channel["id"].as_str().expect("id")
            ))
            .await;
        if let Some(n) = list.as_array().and_then(|l| l.last()) {
            return n.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no notification was queued");
}

#[tokio::test]
async fn a_completed_run_reaches_discord_after_a_429_with_its_retry_after() {
    let times: std::sync::Arc<std::sync::Mutex<Vec<std::time::Instant>>> = Default::default();
    let clock = times.clone();
    let discord = Stub::start(move |_, n| {
        clock.lock().expect("lock").push(std::time::Instant::now());
        if n == 0 {
            (
                StatusCode::TOO_MANY_REQUESTS,
                vec![],
                json!({"message": "You are being rate limited.", "retry_after": 0.3, "global": false}),
            )
        } else {
            (StatusCode::NO_CONTENT, vec![], Value::Null)
        }
    })
    .await;
    let app = app_reaching(&[&discord]).await;
    let ch = channel(
        &app,
        "discord",
        &format!("{}/api/webhooks/1/secret-token", discord.url()),
    )
    .await;
    assert!(
        !ch["target"].as_str().unwrap_or("").contains("secret-token"),
        "{ch}"
    );
    let (project, workflow) = routed(&app, &ch, &["execution.completed"]).await;
    let (status, _) = app
        .post_json(
            "/api/v1/executions",
            json!({"workflow_id": workflow["id"], "project_id": project}),
        )
        .await;
    assert_eq!(status, 202);

    let queued = first_delivery(&app, &ch).await;
    let done = settled(&app, queued["id"].as_str().expect("id"), "delivered").await;
    assert_eq!(done["attempts"], 2, "{done}");
    let seen = discord.seen();
    assert_eq!(seen.len(), 2);
    // The second attempt waited at least the 0.3 s Discord asked for (the backoff alone is 25 to 50 ms).
    let at = times.lock().expect("lock").clone();
    assert!(at[1] - at[0] >= Duration::from_millis(300), "{:?}", at[1] - at[0]);
    let body = seen[1].json();
    let embed = &body["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .unwrap_or("")
            .contains("Run completed: Weekly report"),
        "{body}"
    );
    assert_eq!(embed["color"], 0x10b981);
    assert!(
        embed["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["value"] == "Alpine Trails"))
    );
    assert_eq!(body["allowed_mentions"]["parse"], json!([]));
    assert_eq!(seen[1].path, "/api/webhooks/1/secret-token");
}

#[tokio::test]
async fn slack_gets_block_kit_after_a_500_and_a_400_is_given_up_until_retried() {
    let slack = Stub::start(|_, n| match n {
        0 => (StatusCode::INTERNAL_SERVER_ERROR, vec![], json!("rollup_error")),
        1 => (StatusCode::OK, vec![], json!("ok")),
        2 => (StatusCode::BAD_REQUEST, vec![], json!("invalid_blocks")),
        _ => (StatusCode::OK, vec![], json!("ok")),
    })
    .await;
    let app = app_reaching(&[&slack]).await;
    let ch = channel(&app, "slack", &format!("{}/services/T0/B0/XYZ", slack.url())).await;

    // "Send test" tries at once: the 500 leaves it pending, the sender delivers it next.
    let (status, test) = app
        .post_json(
            &format!(
                "/api/v1/notification-channels/{}/test",
                ch["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{test}");
    assert_eq!(test["state"], "pending");
    assert_eq!(test["last_status"], 500);
    let done = settled(&app, test["id"].as_str().expect("id"), "delivered").await;
    assert_eq!(done["attempts"], 2);
    let blocks = slack.seen()[1].json();
    assert_eq!(blocks["blocks"][0]["type"], "header");
    assert!(
        blocks["text"]
            .as_str()
            .is_some_and(|t| t.contains("Test message"))
    );

    // A 400 will not change by waiting: dead at once, and "retry" sends it again.
    let (_, again) = app
        .post_json(
            &format!(
                "/api/v1/notification-channels/{}/test",
                ch["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(again["state"], "dead", "{again}");
    assert!(
        again["last_error"]
            .as_str()
            .unwrap_or("")
            .contains("invalid_blocks")
    );
    let id = again["id"].as_str().expect("id");
    let (status, _) = app
        .post_json(&format!("/api/v1/notification-deliveries/{id}/retry"), json!({}))
        .await;
    assert_eq!(status, 200);
    settled(&app, id, "delivered").await;
}

#[tokio::test]
async fn private_addresses_are_refused_when_a_channel_is_saved() {
    let app = app_reaching(&[]).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ] {
        let (status, e) = app
            .post_json(
                "/api/v1/notification-channels",
                json!({"name": "x", "kind": "discord", "url": url}),
            )
            .await;
        assert_eq!(status, 422, "{url}: {e}");
        assert!(e["error"]["fields"].to_string().contains("url"), "{e}");
    }
    let (status, e) = app
        .post_json(
            "/api/v1/notification-channels",
            json!({"name": "Mail", "kind": "email", "to": ["not-an-address"]}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    let (status, e) = app
        .post_json(
            "/api/v1/notification-rules",
            json!({"name": "r", "events": ["execution.done"], "channel_id": "chan_missing"}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
}

/// A minimal SMTP server: accepts one message per connection and hands over its DATA.
async fn smtp_stub() -> (std::net::SocketAddr, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 stub ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            let _ = tx.send(std::mem::take(body));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 stub\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (address, rx)
}

#[tokio::test]
async fn email_goes_through_the_configured_smtp_server() {
    let (smtp, mut received) = smtp_stub().await;
    let app = spawn_app_with(move |c| {
        c.notify.smtp_url = Some(format!("smtp://{smtp}"));
        c.notify.smtp_from = Some("Switchboard <alerts@switchboard.test>".to_owned());
    })
    .await;
    let (status, ch) = app
        .post_json(
            "/api/v1/notification-channels",
            json!({"name": "Media team", "kind": "email", "to": ["media@agency.test"]}),
        )
        .await;
    assert_eq!(status, 201, "{ch}");
    assert_eq!(ch["target"], "media@agency.test");
    let (status, sent) = app
        .post_json(
            &format!(
                "/api/v1/notification-channels/{}/test",
                ch["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(sent["state"], "delivered", "{sent}");
    let message = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .expect("a message")
        .expect("data");
    assert!(
        message.contains("Subject: Test message from Switchboard"),
        "{message}"
    );
    assert!(message.contains("To: media@agency.test"), "{message}");
}

#[tokio::test]
async fn a_signed_webhook_delivery_runs_the_workflow_streams_it_and_discord_hears_the_result() {
    let discord = Stub::start(|_, _| (StatusCode::NO_CONTENT, vec![], Value::Null)).await;
    let app = app_reaching(&[&discord]).await;
    let ch = channel(
        &app,
        "discord",
        &format!("{}/api/webhooks/9/token", discord.url()),
    )
    .await;
    let (_, workflow) = routed(&app, &ch, &["execution.completed", "execution.failed"]).await;
    let (status, hook) = app
        .post_json(
            "/api/v1/webhooks",
            json!({"name": "Orders", "workflow_id": workflow["id"]}),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    let secret = WebhookSecret::parse(hook["secret"].as_str().expect("secret")).expect("secret");
    let body = r#"{"order": "A-77"}"#;
    let ts = chrono::Utc::now().timestamp();
    let res = crate::helpers::anonymous()
        .post(app.url(&format!("/api/v1/hooks/{}", hook["id"].as_str().expect("id"))))
        .header("webhook-id", "msg_loop")
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", secret.sign("msg_loop", ts, body.as_bytes()))
        .body(body)
        .send()
        .await
        .expect("delivery");
    assert_eq!(res.status(), 202);
    let accepted: Value = res.json().await.expect("json");
    let events = crate::workflows::stream(&app, accepted["events_url"].as_str().expect("events"), None).await;
    let kinds: Vec<&str> = events.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"execution.created"));
    assert!(
        kinds.contains(&"stage.started") && kinds.contains(&"stage.completed"),
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&"execution.completed"));

    let delivered = settled(
        &app,
        first_delivery(&app, &ch).await["id"].as_str().expect("id"),
        "delivered",
    )
    .await;
    assert_eq!(delivered["subject"], accepted["execution_id"]);
    let payload = discord.seen()[0].json();
    let embed = &payload["embeds"][0];
    assert!(
        payload["content"]
            .as_str()
            .is_some_and(|c| c.chars().count() <= 2000)
    );
    assert!(
        embed["title"]
            .as_str()
            .is_some_and(|t| t.contains("Weekly report"))
    );
    assert!(
        embed["url"]
            .as_str()
            .is_some_and(|u| u.ends_with(accepted["execution_id"].as_str().unwrap_or("?")))
    );
    assert!(
        embed["timestamp"].is_string() && embed["fields"].is_array(),
        "{payload}"
    );
}

/// "Send test" makes the first attempt itself; the sender, woken meanwhile by another channel's
/// test, must not send the same message a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_test_message_under_way_is_not_sent_again_by_the_sender() {
    let slow = Stub::start(|_, _| {
        // Blocks one worker thread while the request is under way (the others go on).
        std::thread::sleep(Duration::from_millis(1500));
        (StatusCode::NO_CONTENT, vec![], Value::Null)
    })
    .await;
    let fast = Stub::start(|_, _| (StatusCode::NO_CONTENT, vec![], Value::Null)).await;
    let app = app_reaching(&[&slow, &fast]).await;
    let slow_channel = channel(&app, "discord", &format!("{}/api/webhooks/1/a", slow.url())).await;
    let fast_channel = channel(&app, "discord", &format!("{}/api/webhooks/2/b", fast.url())).await;

    let client = app.client.clone();
    let url = app.url(&format!(
        "/api/v1/notification-channels/{}/test",
        slow_channel["id"].as_str().unwrap_or_default()
    ));
    let first = tokio::spawn(async move { client.post(url).send().await.expect("request") });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // This test ends at once and wakes the sender while the first is still waiting for its answer.
    let (status, n) = app
        .post_json(
            &format!(
                "/api/v1/notification-channels/{}/test",
                fast_channel["id"].as_str().unwrap_or_default()
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{n}");
    let answer = first.await.expect("task");
    assert_eq!(answer.status(), 200);
    let n: Value = answer.json().await.expect("json");
    assert_eq!(n["state"], "delivered", "{n}");
    // Time for a second (wrong) delivery to arrive, if the sender had taken the message too.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(slow.seen().len(), 1, "the test message went out once");
    assert_eq!(fast.seen().len(), 1);
}
