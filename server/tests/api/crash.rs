//! The crash test: twenty runs under way, the server killed with SIGKILL, started again. Every run
//! completes, no stage completes twice, no campaign is created twice.

use serde_json::{Value, json};
use sqlx::Row;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `switchboard serve` on a free port; answers the process and its address.
fn start(url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("SWITCHBOARD_ADDR", "127.0.0.1:0")
        .env("SWITCHBOARD_MAX_RUNNING", "2")
        .env("SWITCHBOARD_TESTMODE_LATENCY", "off")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut address = None;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(at) = line.find("listening on http://") {
            let rest = &line[at + "listening on ".len()..];
            address = Some(
                rest.split_whitespace()
                    .next()
                    .unwrap_or(rest)
                    .trim_end_matches('/')
                    .to_owned(),
            );
            break;
        }
        assert!(Instant::now() < deadline, "the server did not start");
    }
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address.expect("the server said where it listens"))
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> Value {
    let r = client.post(url).json(&body).send().await.expect("request");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.expect("json")
}

/// Every change the runs applied left exactly one outcome sighting in the memory, under its run,
/// stage and change (a resumed run's second capture added nothing); answers how many.
async fn one_outcome_per_applied_change(pool: &sqlx::SqlitePool) -> usize {
    let mut applied: Vec<String> = sqlx::query_scalar(
        "SELECT 'run:' || s.execution_id || '/' || s.stage_id || '/' || json_extract(c.value, '$.id') \
         FROM execution_stages s, json_each(json_extract(s.output, '$.changes')) c \
         WHERE json_extract(c.value, '$.applied') = 1",
    )
    .fetch_all(pool)
    .await
    .expect("applied changes");
    applied.sort();
    let kept: Vec<String> = sqlx::query_scalar(
        "SELECT o.key FROM memory_observations o JOIN memories m ON m.n = o.memory_n \
         WHERE m.kind = 'outcome' AND o.key LIKE 'run:%' ORDER BY o.key",
    )
    .fetch_all(pool)
    .await
    .expect("sightings");
    assert_eq!(kept, applied, "one outcome per applied change");
    kept.len()
}

async fn statuses(client: &reqwest::Client, base: &str, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        let detail: Value = client
            .get(format!("{base}/api/v1/executions/{id}"))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        out.push(detail["status"].as_str().unwrap_or_default().to_owned());
    }
    out
}

#[tokio::test]
async fn twenty_runs_survive_a_sigkill_without_doing_anything_twice() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/crash.db?mode=rwc", dir.path().display());
    // A key from the command line, as an operator makes one.
    let made = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["api-key", "create", "--name", "crash test"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("api-key create");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let key = String::from_utf8(made.stdout).expect("utf-8").trim().to_owned();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {key}").parse().expect("header"));
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client");
    let (mut first, base) = start(&url);

    let project = post(
        &client,
        format!("{base}/api/v1/projects"),
        json!({"name": "Crash Co"}),
    )
    .await;
    let project = project["id"].as_str().expect("project").to_owned();
    for (platform, seed) in [("google", 5), ("meta", 6), ("pinterest", 7)] {
        post(
            &client,
            format!("{base}/api/v1/connections"),
            json!({"project_id": project, "platform": platform, "seed": seed}),
        )
        .await;
    }
    let workflow = post(
        &client,
        format!("{base}/api/v1/workflows"),
        // Writes apply at once: the test is about runs resuming, not approval.
        json!({"template_id": "multi_platform_launch", "project_id": project, "approval": {"mode": "auto"}}),
    )
    .await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let started = post(
            &client,
            format!("{base}/api/v1/executions"),
            json!({"workflow_id": workflow["id"]}),
        )
        .await;
        ids.push(started["id"].as_str().expect("id").to_owned());
    }

    // Kill it while runs are under way.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = statuses(&client, &base, &ids)
            .await
            .iter()
            .filter(|s| *s == "completed")
            .count();
        if done >= 2 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let kill = Command::new("kill")
        .args(["-KILL", &first.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let _ = first.wait();

    let (mut second, base) = start(&url);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let now = statuses(&client, &base, &ids).await;
        if now.iter().all(|s| s == "completed") {
            break;
        }
        assert!(Instant::now() < deadline, "not every run completed: {now:?}");
        assert!(!now.iter().any(|s| s == "failed" || s == "cancelled"), "{now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("db");
    let twice: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT execution_id, json_extract(data, '$.stageId'), COUNT(*) FROM events WHERE type = 'stage.completed' \
         GROUP BY 1, 2 HAVING COUNT(*) > 1",
    )
    .fetch_all(&pool)
    .await
    .expect("query");
    assert!(twice.is_empty(), "stages completed twice: {twice:?}");
    let completed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM execution_stages WHERE status = 'completed'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(completed, 20 * 5);
    // One launch per run on each social platform: 20 campaigns named "New launch" on each. The
    // accounts are read as the server reads them at start: each snapshot with its change log.
    let rows = sqlx::query(
        "SELECT c.id, c.platform FROM connector_test_accounts a JOIN connections c ON c.id = a.connection_id",
    )
    .fetch_all(&pool)
    .await
    .expect("accounts");
    assert_eq!(rows.len(), 3);
    for row in rows {
        let id: String = row.get(0);
        let platform: String = row.get(1);
        let stored = crate::helpers::stored_test_account(&pool, &id).await;
        let launched = stored
            .account
            .campaigns
            .iter()
            .filter(|c| c.name == "New launch")
            .count();
        let expected = if platform == "google" { 0 } else { 20 };
        assert_eq!(launched, expected, "{platform}");
    }
    let resumed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM execution_stages WHERE attempt > 1")
        .fetch_one(&pool)
        .await
        .expect("count");
    println!("stages resumed after the kill: {resumed}");
    // Each run launched on Meta and Pinterest and moved budgets: each change is remembered once.
    let remembered = one_outcome_per_applied_change(&pool).await;
    assert!(remembered >= 20 * 2, "{remembered}");
    pool.close().await;
    let _ = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status();
    let _ = second.wait();
}

#[tokio::test]
async fn a_run_waiting_for_approval_survives_a_sigkill_and_goes_on_after_the_decision() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/approval.db?mode=rwc", dir.path().display());
    let made = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["api-key", "create", "--name", "approver"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("api-key create");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let key = String::from_utf8(made.stdout).expect("utf-8").trim().to_owned();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {key}").parse().expect("header"));
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client");
    let (mut first, base) = start(&url);
    let project = post(
        &client,
        format!("{base}/api/v1/projects"),
        json!({"name": "Wait Co"}),
    )
    .await;
    let project = project["id"].as_str().expect("project").to_owned();
    post(
        &client,
        format!("{base}/api/v1/connections"),
        json!({"project_id": project, "platform": "google", "seed": 21}),
    )
    .await;
    let workflow = post(
        &client,
        format!("{base}/api/v1/workflows"),
        json!({"name": "Rebalance", "project_id": project,
               "stages": [{"agent": "Trader", "action": "rebalance_budgets"}, {"agent": "Analyst", "action": "report"}]}),
    )
    .await;
    let run = post(
        &client,
        format!("{base}/api/v1/executions"),
        json!({"workflow_id": workflow["id"]}),
    )
    .await;
    let id = run["id"].as_str().expect("id").to_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    while statuses(&client, &base, std::slice::from_ref(&id)).await[0] != "awaiting_approval" {
        assert!(Instant::now() < deadline, "the run never waited for approval");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.kill().expect("kill");
    first.wait().expect("wait");

    let (mut second, base) = start(&url);
    // Still waiting after the restart: nothing was applied or decided by itself.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        statuses(&client, &base, std::slice::from_ref(&id)).await[0],
        "awaiting_approval"
    );
    let pending: Value = client
        .get(format!("{base}/api/v1/approvals?status=pending"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let proposal = pending
        .as_array()
        .and_then(|l| l.iter().find(|p| p["execution_id"] == id.as_str()))
        .expect("the proposal is still pending")
        .clone();
    let proposed = proposal["changes"].as_array().map_or(0, Vec::len);
    let decided = post(
        &client,
        format!(
            "{base}/api/v1/approvals/{}/decision",
            proposal["id"].as_str().expect("id")
        ),
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(decided["status"], "decided");
    let deadline = Instant::now() + Duration::from_secs(30);
    while statuses(&client, &base, std::slice::from_ref(&id)).await[0] != "completed" {
        assert!(
            Instant::now() < deadline,
            "the run did not complete after the decision"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let detail: Value = client
        .get(format!("{base}/api/v1/executions/{id}"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        detail["stages"][0]["output"]["applied"].as_u64(),
        Some(proposed as u64),
        "{detail}"
    );
    assert_eq!(detail["stages"][1]["status"], "completed");
    // The proposal made before the kill and applied after it: each change remembered once.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("db");
    assert_eq!(one_outcome_per_applied_change(&pool).await, proposed);
    pool.close().await;
    second.kill().expect("kill");
    second.wait().expect("wait");
}
