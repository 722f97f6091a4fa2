//! A/B calculator benchmark (README: Benchmarks, A/B calculator). Run with `make bench-ab`;
//! `ARGS="--tests 10000 --calls 50"` are the defaults.
//!
//! Starts the real application (release build, a temporary database, an API key) and posts
//! `--calls` requests of `--tests` two-arm tests each to `POST /api/v1/stats/ab`, half in fixed
//! and half in sequential mode, with counts from small to huge; each call is timed from the
//! request's start to the last byte of the answer (p50, p95, max). Also times the same work in
//! the process (parse, calculate, write the JSON), without HTTP.

#[path = "common/mod.rs"]
mod common;

use common::arg;

use serde_json::{Value, json};
use std::time::Instant;
use switchboard_core::seeded::Seeded;
use switchboard_core::stats::calculator;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn body(tests: usize, seed: u64) -> Value {
    let mut r = Seeded::new(seed);
    let list: Vec<Value> = (0..tests)
        .map(|i| {
            let visitors = 10f64.powf(r.between(2.0, 8.0)).round() as u64;
            let rate = r.between(0.005, 0.2);
            let lift = r.between(-0.1, 0.3);
            let a = (visitors as f64 * rate).round() as u64;
            let b = ((visitors as f64 * rate * (1.0 + lift)).round() as u64).min(visitors);
            let mode = if i % 2 == 0 { "fixed" } else { "sequential" };
            json!({"a": {"conversions": a, "visitors": visitors},
                   "b": {"conversions": b, "visitors": visitors}, "mode": mode})
        })
        .collect();
    json!({ "tests": list })
}

fn spread(times: &mut [f64]) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        times[((times.len() as f64 * q).ceil() as usize)
            .saturating_sub(1)
            .min(times.len() - 1)]
    };
    (at(0.5), at(0.95), times[times.len() - 1])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (tests, calls) = (arg("--tests", 10_000), arg("--calls", 50).max(1));
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}/switchboard.db?mode=rwc", dir.path().display());
    let config = server::Config::load(&url, Some("127.0.0.1:0".parse()?))?;
    let app = server::Application::build(config).await?;
    let address = app.address();
    tokio::spawn(app.run_until(std::future::pending::<()>()));
    let (_, key) = server::auth::api_keys::create_in(&url, "bench").await?;
    let client = reqwest::Client::new();
    let endpoint = format!("http://{address}/api/v1/stats/ab");

    // In the process: the handler's work without HTTP.
    let mut inproc = Vec::new();
    // Where a call's time goes: reading the JSON into tests, working them out, writing the answer.
    let mut phases: [Vec<f64>; 3] = Default::default();
    #[derive(serde::Serialize)]
    struct Answer<'a> {
        results: &'a [calculator::AbResult],
    }
    for c in 0..calls {
        let bytes = serde_json::to_vec(&body(tests, c as u64))?;
        let start = Instant::now();
        // As the handler reads it: straight into the tests (a JSON tree only for a bad call).
        let parsed = calculator::parse_bytes(&bytes).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let read = start.elapsed();
        let results = server::services::calculate_all(&parsed).map_err(|e| anyhow::anyhow!("{e}"))?;
        let worked = start.elapsed();
        let out = serde_json::to_vec(&Answer { results: &results })?;
        let all = start.elapsed();
        inproc.push(all.as_secs_f64() * 1000.0);
        for (i, (from, to)) in [(std::time::Duration::ZERO, read), (read, worked), (worked, all)]
            .into_iter()
            .enumerate()
        {
            phases[i].push((to - from).as_secs_f64() * 1000.0);
        }
        assert!(!out.is_empty());
    }

    // Over HTTP, with the API key, to the last byte of the answer.
    let mut http = Vec::new();
    let mut size = 0;
    for c in 0..calls {
        let bytes = serde_json::to_vec(&body(tests, 1000 + c as u64))?;
        size = bytes.len();
        let start = Instant::now();
        let answer = client
            .post(&endpoint)
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(bytes)
            .send()
            .await?;
        let status = answer.status();
        let got = answer.bytes().await?;
        http.push(start.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(
            status.is_success(),
            "status {status}: {}",
            String::from_utf8_lossy(&got)
        );
    }
    let (p50, p95, max) = spread(&mut inproc);
    let (h50, h95, hmax) = spread(&mut http);
    println!(
        "## A/B calculator benchmark ({tests} tests a call, {calls} calls, request {:.1} MB)\n",
        size as f64 / 1e6
    );
    println!("| measure | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: |");
    println!("| in the process: parse, calculate, write the answer | {p50:.2} | {p95:.2} | {max:.2} |");
    println!("| over HTTP: request sent to answer received | {h50:.2} | {h95:.2} | {hmax:.2} |");
    let names = ["read the JSON into tests", "work them out", "write the answer"];
    for (name, times) in names.iter().zip(phases.iter_mut()) {
        let (a, b, c) = spread(times);
        println!("| in the process, {name} | {a:.2} | {b:.2} | {c:.2} |");
    }
    Ok(())
}
