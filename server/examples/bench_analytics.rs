//! Analytics benchmark (README: Benchmarks). Run with `make bench-analytics`.
//!
//! 1. Generates 3,000 campaigns (1,000 per platform, over 12 projects in USD, EUR and GBP) with 730
//!    days each, about 2.2 million rows, into a fresh SQLite database, the way a sync writes them.
//! 2. Serves it on 127.0.0.1 and times each analytics endpoint over HTTP, sequentially, for a 90-day
//!    and a 365-day window ending yesterday: p50, p95 and max per endpoint.
//! 3. Reports the first load of the in-memory facts, the server's resident memory, and the refresh
//!    after a sync-sized change (100 campaigns, 7 days restated).
//! 4. With `--csv DIR`, writes the same data as CSV for `scripts/bench_analytics_duckdb.py`.

#[path = "common/mod.rs"]
mod common;

use common::{arg_text as arg, percentile};

use chrono::{Datelike, Days, NaiveDate};
use std::io::Write;
use std::time::Instant;
use switchboard_core::Platform;
use switchboard_core::seeded::Seeded as Rng;

// The allocator the server runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PROJECTS: usize = 12;
const PER_PLATFORM: usize = 1000;
const DAYS: u64 = 730;

struct Campaign {
    id: String,
    project: usize,
    platform: Platform,
    objective: &'static str,
    status: &'static str,
    daily_budget: f64,
    cpm: f64,
    ctr: f64,
    cvr: f64,
    order_value: f64,
    /// Integer conversions (Meta, Pinterest) or Google's fractional, attributed ones.
    fractional: bool,
}

const CURRENCIES: [&str; 3] = ["USD", "EUR", "GBP"];

fn objectives(p: Platform) -> &'static [&'static str] {
    match p {
        Platform::Google => &["SEARCH", "SHOPPING", "PERFORMANCE_MAX", "DISPLAY", "VIDEO"],
        Platform::Meta => &[
            "OUTCOME_SALES",
            "OUTCOME_TRAFFIC",
            "OUTCOME_LEADS",
            "OUTCOME_AWARENESS",
        ],
        Platform::Pinterest => &["CONVERSIONS", "CONSIDERATION", "AWARENESS", "CATALOG_SALES"],
    }
}

fn campaigns(rng: &mut Rng) -> Vec<Campaign> {
    let mut out = Vec::with_capacity(3 * PER_PLATFORM);
    for platform in Platform::ALL {
        // Typical CPM, CTR and conversion rate per platform.
        let (cpm, ctr, cvr) = match platform {
            Platform::Google => (9.0, 0.035, 0.04),
            Platform::Meta => (11.5, 0.012, 0.025),
            Platform::Pinterest => (6.0, 0.006, 0.015),
        };
        for i in 0..PER_PLATFORM {
            let objs = objectives(platform);
            out.push(Campaign {
                id: format!("camp_bench{}{i:05}", platform.as_str()),
                project: i % PROJECTS,
                platform,
                objective: objs[(rng.next_u64() % objs.len() as u64) as usize],
                status: if rng.unit() < 0.8 { "active" } else { "paused" },
                daily_budget: rng.lognormal(120.0, 0.8).clamp(5.0, 5000.0),
                cpm: rng.lognormal(cpm, 0.3),
                ctr: rng.lognormal(ctr, 0.35),
                cvr: rng.lognormal(cvr, 0.4),
                order_value: rng.lognormal(85.0, 0.5),
                fractional: platform == Platform::Google,
            });
        }
    }
    out
}

struct Day {
    spend: i64,
    impressions: i64,
    clicks: i64,
    conversions: f64,
    value: i64,
}

fn binomial_ish(rng: &mut Rng, n: f64, p: f64) -> f64 {
    // Normal approximation, good enough for a benchmark's numbers.
    let mean = n * p;
    let sd = (n * p * (1.0 - p)).sqrt();
    let (u1, u2) = (rng.unit().max(1e-12), rng.unit());
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    (mean + sd * z).round().max(0.0)
}

fn day(rng: &mut Rng, c: &Campaign, date: NaiveDate) -> Day {
    let weekday = [1.05, 1.08, 1.06, 1.02, 0.97, 0.88, 0.9][date.weekday().num_days_from_monday() as usize];
    let season = 1.0 + 0.25 * ((date.ordinal() as f64 / 365.0 - 0.87) * 2.0 * std::f64::consts::PI).cos();
    let spend = c.daily_budget * weekday * season * rng.between(0.55, 1.15);
    let impressions = (spend / c.cpm * 1000.0 * rng.between(0.85, 1.15))
        .round()
        .max(0.0);
    let clicks = binomial_ish(rng, impressions, c.ctr);
    let mut conversions = binomial_ish(rng, clicks, c.cvr);
    if c.fractional && conversions > 0.0 {
        conversions = (conversions * rng.between(0.8, 1.1) * 100.0).round() / 100.0;
    }
    let value = conversions * c.order_value * rng.between(0.7, 1.3);
    Day {
        spend: (spend * 1e6).round() as i64,
        impressions: impressions as i64,
        clicks: clicks as i64,
        conversions,
        value: (value * 1e6).round() as i64,
    }
}

async fn generate(
    pool: &sqlx::SqlitePool,
    first: NaiveDate,
    csv: Option<&std::path::Path>,
) -> anyhow::Result<usize> {
    let mut rng = Rng::new(20261125);
    let created = "2024-01-01T00:00:00Z";
    let mut csv_files = match csv {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            let open = |name: &str| -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
                Ok(std::io::BufWriter::new(std::fs::File::create(dir.join(name))?))
            };
            let (mut p, mut c, mut d) = (open("projects.csv")?, open("campaigns.csv")?, open("daily.csv")?);
            writeln!(p, "id,name,currency,monthly_budget_micros")?;
            writeln!(
                c,
                "id,project_id,platform,name,objective,status,currency,daily_budget_micros"
            )?;
            writeln!(
                d,
                "campaign_id,date,spend_micros,impressions,clicks,conversions,conversion_value_micros"
            )?;
            Some((p, c, d))
        }
        None => None,
    };
    let all = campaigns(&mut rng);
    let mut tx = pool.begin().await?;
    for p in 0..PROJECTS {
        let currency = CURRENCIES[p % 3];
        let monthly: i64 = all
            .iter()
            .filter(|c| c.project == p)
            .map(|c| (c.daily_budget * 30.4 * 1e6) as i64)
            .sum();
        sqlx::query(
            "INSERT INTO projects (id, name, monthly_budget_micros, currency, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(format!("proj_bench{p:02}"))
        .bind(format!("Client {p:02}"))
        .bind(monthly)
        .bind(currency)
        .bind(created)
        .execute(&mut *tx)
        .await?;
        if let Some((f, _, _)) = csv_files.as_mut() {
            writeln!(f, "proj_bench{p:02},Client {p:02},{currency},{monthly}")?;
        }
    }
    for c in &all {
        let currency = CURRENCIES[c.project % 3];
        let budget = (c.daily_budget * 1e6).round() as i64;
        let name = format!("Client {:02} | {} | {}", c.project, c.objective, &c.id[10..]);
        sqlx::query(
            "INSERT INTO campaigns (id, project_id, platform, external_id, name, objective, status, platform_status, \
             daily_budget_micros, currency, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(format!("proj_bench{:02}", c.project))
        .bind(c.platform.as_str())
        .bind(&c.id[10..])
        .bind(&name)
        .bind(c.objective)
        .bind(c.status)
        .bind(if c.status == "active" { "ACTIVE" } else { "PAUSED" })
        .bind(budget)
        .bind(currency)
        .bind(created)
        .execute(&mut *tx)
        .await?;
        if let Some((_, f, _)) = csv_files.as_mut() {
            writeln!(
                f,
                "{},proj_bench{:02},{},{name},{},{},{currency},{budget}",
                c.id,
                c.project,
                c.platform.as_str(),
                c.objective,
                c.status
            )?;
        }
    }
    tx.commit().await?;

    // Days in date order, as syncs append them; 100 rows a statement, 50,000 a transaction.
    const BATCH: usize = 100;
    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; BATCH].join(", ");
    let sql = format!(
        "INSERT INTO campaign_daily_metrics (campaign_id, date, platform, currency, spend_micros, impressions, \
         clicks, conversions, conversion_value_micros) VALUES {values}"
    );
    let mut rows = 0;
    let mut pending: Vec<(usize, String, Day)> = Vec::with_capacity(BATCH);
    let mut tx = pool.begin().await?;
    for offset in 0..DAYS {
        let date = first + Days::new(offset);
        let text = date.to_string();
        for (i, c) in all.iter().enumerate() {
            let d = day(&mut rng, c, date);
            if let Some((_, _, f)) = csv_files.as_mut() {
                writeln!(
                    f,
                    "{},{text},{},{},{},{},{}",
                    c.id, d.spend, d.impressions, d.clicks, d.conversions, d.value
                )?;
            }
            pending.push((i, text.clone(), d));
            if pending.len() == BATCH {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for (i, date, d) in pending.drain(..) {
                    let c = &all[i];
                    q = q
                        .bind(&c.id)
                        .bind(date)
                        .bind(c.platform.as_str())
                        .bind(CURRENCIES[c.project % 3])
                        .bind(d.spend)
                        .bind(d.impressions)
                        .bind(d.clicks)
                        .bind(d.conversions)
                        .bind(d.value);
                }
                q.execute(&mut *tx).await?;
                rows += BATCH;
                if rows % 50_000 == 0 {
                    tx.commit().await?;
                    tx = pool.begin().await?;
                }
            }
        }
    }
    // 3,000 campaigns a day: every batch is full.
    anyhow::ensure!(pending.is_empty(), "a partial batch was left");
    tx.commit().await?;
    if let Some((mut p, mut c, mut d)) = csv_files {
        p.flush()?;
        c.flush()?;
        d.flush()?;
    }
    if let Some(dir) = csv {
        // The rates the server converts with (the built-in table).
        let rates: Vec<(String, String, f64)> =
            sqlx::query_as("SELECT currency, effective_from, per_usd FROM exchange_rates ORDER BY currency")
                .fetch_all(pool)
                .await?;
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("rates.csv"))?);
        writeln!(f, "currency,effective_from,per_usd")?;
        for (currency, from, per_usd) in rates {
            writeln!(f, "{currency},{from},{per_usd}")?;
        }
        f.flush()?;
    }
    Ok(rows)
}

fn client_with(key: &str) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {key}").parse()?);
    Ok(reqwest::Client::builder().default_headers(headers).build()?)
}

fn resident_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn get(client: &reqwest::Client, url: &str) -> anyhow::Result<(f64, usize)> {
    let started = Instant::now();
    let response = client.get(url).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        status.is_success(),
        "{url}: {status}: {}",
        String::from_utf8_lossy(&body)
    );
    Ok((ms, body.len()))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let iterations: usize = arg("--iterations").and_then(|v| v.parse().ok()).unwrap_or(200);
    let csv = arg("--csv").map(std::path::PathBuf::from);
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());

    let today = chrono::Utc::now().date_naive();
    let last = today - Days::new(1);
    let first = last - Days::new(DAYS - 1);
    {
        let pool = server::db::connect(server::db::connect_options(&url)?).await?;
        server::db::migrate(&pool).await?;
        let started = Instant::now();
        let rows = generate(&pool, first, csv.as_deref()).await?;
        println!(
            "data: {} campaigns ({PER_PLATFORM} per platform, {PROJECTS} projects in USD, EUR, GBP), {rows} rows from {first} to {last}; \
             generated and written in {:.1} s",
            3 * PER_PLATFORM,
            started.elapsed().as_secs_f64()
        );
        pool.close().await;
    }
    let size = std::fs::metadata(dir.path().join("bench.db"))?.len();
    println!("database file: {:.0} MiB", size as f64 / (1024.0 * 1024.0));

    let mut config = server::Config::load(&url, Some("127.0.0.1:0".parse()?))?;
    config.sync.default_schedule = "off".to_owned();
    config.connectors.test_latency = switchboard_core::connectors::testmode::latency::Latency::Off;
    // One client asking thousands of times in a row: not what the rate limit is for.
    config.access.per_minute = 1_000_000;
    config.access.burst = 1_000_000;
    let app = server::Application::build(config).await?;
    let base = format!("http://{}/api/v1/analytics", app.address());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = client_with(&server::auth::api_keys::create_in(&url, "benchmark").await?.1)?;
    let before = resident_mib();
    let (ms, _) = get(&client, &format!("{base}/summary?from={last}&to={last}")).await?;
    println!(
        "first load of the facts (first request): {:.2} s; server resident memory {:.0} MiB before, {:.0} MiB after",
        ms / 1000.0,
        before,
        resident_mib()
    );

    println!("\n| endpoint | window | p50 ms | p95 ms | max ms | response |");
    println!("|---|---|---:|---:|---:|---:|");
    for days in [90_u64, 365] {
        let from = last - Days::new(days - 1);
        let w = format!("from={from}&to={last}");
        let endpoints = [
            ("summary", format!("summary?{w}")),
            ("spend-trend (day, by platform)", format!("spend-trend?{w}")),
            (
                "spend-trend (week, top 10 campaigns)",
                format!("spend-trend?{w}&granularity=week&group_by=campaign"),
            ),
            ("platforms", format!("platforms?{w}")),
            ("campaigns (top 50 by spend)", format!("campaigns?{w}")),
            (
                "campaigns (search, by ROAS)",
                format!("campaigns?{w}&q=SHOPPING&sort=-roas&limit=25"),
            ),
            (
                "pacing (the window as period)",
                format!("pacing?{w}&period=custom&as_of={last}"),
            ),
            ("benchmarks", format!("benchmarks?{w}")),
            (
                "summary, one project",
                format!("summary?{w}&project_id=proj_bench03"),
            ),
        ];
        for (name, path) in endpoints {
            let url = format!("{base}/{path}");
            for _ in 0..5 {
                get(&client, &url).await?;
            }
            let mut times = Vec::with_capacity(iterations);
            let mut bytes = 0;
            for _ in 0..iterations {
                let (ms, len) = get(&client, &url).await?;
                times.push(ms);
                bytes = len;
            }
            times.sort_by(f64::total_cmp);
            println!(
                "| {name} | {days} days | {:.2} | {:.2} | {:.2} | {:.1} KiB |",
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                times.last().copied().unwrap_or(0.0),
                bytes as f64 / 1024.0
            );
        }
    }

    // Exports stream: time to the last byte.
    for days in [90_u64, 365] {
        let from = last - Days::new(days - 1);
        let started = Instant::now();
        let (_, bytes) = get(
            &client,
            &format!("{base}/export?format=csv&from={from}&to={last}"),
        )
        .await?;
        println!(
            "export csv, {days} days: {:.2} s for {:.0} MiB ({} rows)",
            started.elapsed().as_secs_f64(),
            bytes as f64 / (1024.0 * 1024.0),
            days * 3 * PER_PLATFORM as u64
        );
    }

    // A sync-sized change: 100 campaigns restate their last 7 days; the next report reloads them.
    let pool = server::db::connect(server::db::connect_options(&url)?).await?;
    let since = (last - Days::new(6)).to_string();
    sqlx::query(
        "UPDATE campaign_daily_metrics SET conversions = conversions + 1 \
         WHERE date >= ? AND campaign_id IN (SELECT id FROM campaigns ORDER BY id LIMIT 100)",
    )
    .bind(&since)
    .execute(&pool)
    .await?;
    let from = last - Days::new(89);
    let (ms, _) = get(&client, &format!("{base}/summary?from={from}&to={last}")).await?;
    println!(
        "after 100 campaigns restated 7 days: the next 90-day summary took {ms:.1} ms (refresh included)"
    );
    println!("server resident memory at the end: {:.0} MiB", resident_mib());
    Ok(())
}
