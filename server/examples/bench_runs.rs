//! Executor benchmarks (README: Benchmarks). Run with `make bench-runs`.
//!
//! 1. Runs: N five-stage test-mode executions of the multi-platform launch template, spread over
//!    projects of three test connections each, started together; time until the last completes.
//! 2. SSE fan-out: S clients on `GET /api/v1/events` of a running server; events are appended and the
//!    time from append to each client reading it is measured (p50, p99, max).

#[path = "common/mod.rs"]
mod common;

use common::{arg, percentile};

use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_core::connection::ConnectionInput;
use switchboard_core::connectors::testmode::TestAccount;
use switchboard_core::execution::events;
use switchboard_core::project::ProjectInput;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

// The allocator the server runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

async fn bench_runs(runs: usize, per_project: usize, max_running: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let pool = server::db::connect(server::db::connect_options(&url)?).await?;
    server::db::migrate(&pool).await?;
    let settings = Arc::new(server::connectors::ConnectorSettings {
        test_latency: switchboard_core::connectors::testmode::latency::Latency::Off,
        ..server::connectors::ConnectorSettings::from_env()
    });
    let keyring = Arc::new(server::secrets::Keyring::new(&[9; 32], &[]));
    let wiring =
        server::wiring::infrastructure(&pool, settings, keyring, server::sync::SyncSettings::default())?;
    let services = wiring.repos.clone();
    let mut engine_settings = server::workflows::EngineSettings::from_env();
    engine_settings.max_running = max_running;
    let engine = server::workflows::Engine::new(services.clone(), wiring.bus.clone(), engine_settings);

    let projects = runs.div_ceil(per_project);
    let today = chrono::Utc::now().date_naive();
    let mut workflows = Vec::new();
    for p in 0..projects {
        let draft = ProjectInput {
            name: format!("Bench client {p}"),
            ..Default::default()
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let project = services.projects.create(draft, "user").await?;
        for (i, platform) in ["google", "meta", "pinterest"].iter().enumerate() {
            let seed = (p * 3 + i) as u64;
            let draft = ConnectionInput {
                project_id: project.id.to_string(),
                platform: (*platform).to_owned(),
                seed: Some(seed),
                ..Default::default()
            }
            .validate()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let account = TestAccount::generate(draft.platform, seed, draft.currency, today);
            services.connections.create_test(draft, &account, "user").await?;
        }
        let template = switchboard_core::agents::templates::find_template("multi_platform_launch")
            .ok_or_else(|| anyhow::anyhow!("template"))?;
        let mut input = template.instantiate(None, Some(project.id.as_str()));
        // Runs apply their writes at once: the benchmark measures the executor, not people.
        input.approval = Some(switchboard_core::approval::ApprovalPolicy {
            mode: switchboard_core::approval::ApprovalMode::Auto,
            ..Default::default()
        });
        let draft = input.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        workflows.push(services.workflows.create(draft, "user").await?.id);
    }

    let mut bus = wiring.bus.subscribe();
    let started = Instant::now();
    // Requested all at once, as by many callers of `POST /api/v1/executions`.
    let starts = (0..runs).map(|i| {
        let (engine, workflow) = (engine.clone(), workflows[i % workflows.len()].clone());
        tokio::spawn(async move {
            engine
                .start(&workflow, None, json!({"trigger": "bench"}), false)
                .await
        })
    });
    for started in futures_util::future::join_all(starts).await {
        started??;
    }
    let accepted = started.elapsed();
    let (mut completed, mut failed) = (0, 0);
    while completed + failed < runs {
        match tokio::time::timeout(Duration::from_secs(600), bus.recv()).await {
            Ok(Ok(e)) if e.kind == events::EXECUTION_COMPLETED => completed += 1,
            Ok(Ok(e)) if e.kind == events::EXECUTION_FAILED => failed += 1,
            Ok(Ok(_)) => {}
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {
                // Count from storage instead.
                let done = services
                    .executions
                    .list(&switchboard_core::execution::ExecutionFilter {
                        status: Some(switchboard_core::execution::ExecutionStatus::Completed),
                        project_id: None,
                        workflow_id: None,
                        limit: u32::MAX,
                    })
                    .await?;
                completed = done.len();
            }
            Ok(Err(_)) | Err(_) => anyhow::bail!("the runs did not finish"),
        }
    }
    let total = started.elapsed();
    let (accounts, mean_state, max_state): (i64, f64, i64) = sqlx::query_as(
        "SELECT COUNT(*), AVG(LENGTH(state)), MAX(LENGTH(state)) FROM connector_test_accounts",
    )
    .fetch_one(&pool)
    .await?;
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM connector_test_account_changes")
        .fetch_one(&pool)
        .await?;
    let size = |name: &str| std::fs::metadata(dir.path().join(name)).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "database {:.1} MB, write-ahead log {:.1} MB",
        size("bench.db"),
        size("bench.db-wal")
    );
    println!(
        "test accounts: {accounts}, snapshot {mean_state:.0} bytes on average, {max_state} at most; {logged} changes logged since"
    );
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&pool)
        .await?;
    let calls: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE type = 'tool.called'")
        .fetch_one(&pool)
        .await?;
    println!(
        "runs: {runs} five-stage runs over {projects} projects ({max_running} at a time): {completed} completed, {failed} failed \
         in {:.2} s ({:.0} runs/s; all accepted in {:.2} s); {events} events, {calls} tool calls",
        total.as_secs_f64(),
        runs as f64 / total.as_secs_f64(),
        accepted.as_secs_f64()
    );
    Ok(())
}

fn client_with(key: &str) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {key}").parse()?);
    Ok(reqwest::Client::builder().default_headers(headers).build()?)
}

/// Milliseconds from an event's `occurred_at` (stamped when it is stored) to now.
fn latency_ms(line: &str) -> Option<f64> {
    let at = line.find("\"occurred_at\":\"")? + 15;
    let text: String = line[at..].chars().take_while(|c| *c != '"').collect();
    let sent = chrono::DateTime::parse_from_rfc3339(&text).ok()?;
    Some((chrono::Utc::now() - sent.with_timezone(&chrono::Utc)).num_microseconds()? as f64 / 1000.0)
}

async fn bench_fanout(subscribers: usize, runs: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}/fanout.db?mode=rwc", dir.path().display());
    let mut config = server::Config::load(&url, Some("127.0.0.1:0".parse()?))?;
    config.connectors.test_latency = switchboard_core::connectors::testmode::latency::Latency::Off;
    // A thousand subscribers from one address: not what the rate limit is for.
    config.access.per_minute = 1_000_000;
    config.access.burst = 1_000_000;
    let app = server::Application::build(config).await?;
    let key = server::auth::api_keys::create_in(&url, "benchmark").await?.1;
    let address = app.address();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = client_with(&key)?;
    let base = format!("http://{address}");
    let project: serde_json::Value = client
        .post(format!("{base}/api/v1/projects"))
        .json(&json!({"name": "Fan-out"}))
        .send()
        .await?
        .json()
        .await?;
    // One report stage on a project without connections: six events per run.
    let workflow: serde_json::Value = client
        .post(format!("{base}/api/v1/workflows"))
        .json(&json!({"name": "Fan-out", "project_id": project["id"], "stages": [{"agent": "Analyst", "action": "report"}]}))
        .send()
        .await?
        .json()
        .await?;
    let expected = runs * 6;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<f64>>();
    let ready = Arc::new(tokio::sync::Barrier::new(subscribers + 1));
    for _ in 0..subscribers {
        let key = key.clone();
        let tx = tx.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            let Ok(mut socket) = tokio::net::TcpStream::connect(address).await else {
                return;
            };
            let request = format!(
                "GET /api/v1/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\nAuthorization: Bearer {key}\r\n\r\n"
            );
            if socket.write_all(request.as_bytes()).await.is_err() {
                return;
            }
            let mut lines = BufReader::new(socket).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line.is_empty() {
                    break;
                }
            }
            ready.wait().await;
            let mut seen = Vec::with_capacity(expected);
            while let Ok(Ok(Some(line))) =
                tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await
            {
                if line.contains("data:")
                    && let Some(ms) = latency_ms(&line)
                {
                    seen.push(ms);
                    if seen.len() == expected {
                        break;
                    }
                }
            }
            let _ = tx.send(seen);
        });
    }
    drop(tx);
    ready.wait().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    for _ in 0..runs {
        client
            .post(format!("{base}/api/v1/executions"))
            .json(&json!({"workflow_id": workflow["id"]}))
            .send()
            .await?;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut latencies = Vec::new();
    let mut complete = 0;
    while let Some(seen) = rx.recv().await {
        complete += usize::from(seen.len() == expected);
        latencies.extend(seen);
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "sse: {subscribers} subscribers, {runs} runs ({expected} events each): {complete} subscribers got every event, \
         {} deliveries in {:.2} s; event-to-client latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        started.elapsed().as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let runs = arg("--runs", 1000);
    let per_project = arg("--per-project", 10);
    let max_running = arg("--max-running", 16);
    let subscribers = arg("--subscribers", 1000);
    let fanout_runs = arg("--fanout-runs", 20);
    if arg("--skip-runs", 0) == 0 {
        bench_runs(runs, per_project, max_running).await?;
    }
    bench_fanout(subscribers, fanout_runs).await?;
    Ok(())
}
