//! `switchboard seed-demo`: a realistic demo data set for an empty database, so a new user sees a
//! living product. The records are written in the legacy JSON format and go through the same import
//! as real data, so they are checked the same way. Dates end yesterday; the same seed gives the same
//! data for the same day.

use crate::legacy::{ImportReport, import_dir};
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::SqlitePool;
use std::path::Path;

const LOOKBACKS: [u32; 3] = [7, 14, 30];

/// A demo workflow: id, name, and its stages as (agent, action).
type Flow = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// How many days of performance each campaign gets.
const DAYS: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already holds projects; seed-demo only fills an empty database")]
    NotEmpty,
    #[error("cannot prepare the demo data: {0}")]
    Io(#[from] std::io::Error),
    #[error("the database refused the demo data")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Import(#[from] crate::legacy::ImportError),
    #[error("cannot connect the demo's test accounts: {0}")]
    Connections(String),
}

struct Plan {
    name: &'static str,
    client: &'static str,
    vertical: &'static str,
    currency: &'static str,
    monthly: i64,
    platforms: &'static [&'static str],
}

const PROJECTS: [Plan; 4] = [
    Plan {
        name: "Alpine Trails Travel",
        client: "Alpine Trails GmbH",
        vertical: "travel",
        currency: "EUR",
        monthly: 40_000,
        platforms: &["google", "meta", "pinterest"],
    },
    Plan {
        name: "Northwind Outfitters",
        client: "Northwind Retail Inc.",
        vertical: "ecommerce",
        currency: "USD",
        monthly: 80_000,
        platforms: &["google", "meta", "pinterest"],
    },
    Plan {
        name: "Bright Path Learning",
        client: "Bright Path Academy",
        vertical: "education",
        currency: "USD",
        monthly: 15_000,
        platforms: &["google", "meta"],
    },
    Plan {
        name: "Harbor Bank Savings",
        client: "Harbor Bank",
        vertical: "finance",
        currency: "USD",
        monthly: 25_000,
        platforms: &["google", "meta"],
    },
];

fn objectives(platform: &str) -> &'static [&'static str] {
    match platform {
        "google" => &["SEARCH", "PERFORMANCE_MAX", "SHOPPING", "DISPLAY", "VIDEO"],
        "meta" => &[
            "OUTCOME_SALES",
            "OUTCOME_LEADS",
            "OUTCOME_TRAFFIC",
            "OUTCOME_AWARENESS",
        ],
        _ => &["CONVERSIONS", "CONSIDERATION", "AWARENESS", "CATALOG_SALES"],
    }
}

fn native_status(platform: &str, active: bool) -> &'static str {
    match (platform, active) {
        ("google", true) => "ENABLED",
        (_, true) => "ACTIVE",
        (_, false) => "PAUSED",
    }
}

/// Platform benchmarks: (CTR, CPC in currency units) near the middle of the reference ranges.
fn rates(platform: &str) -> (f64, f64) {
    match platform {
        "google" => (0.045, 1.9),
        "meta" => (0.012, 0.9),
        _ => (0.006, 0.7),
    }
}

fn ts(day: NaiveDate, hour: u32, minute: u32) -> String {
    format!("{}T{hour:02}:{minute:02}:00.000Z", day.format("%Y-%m-%d"))
}

/// The daily record in the platform's own shape, as its API returns it.
fn raw_day(
    platform: &str,
    day: &str,
    spend: f64,
    impressions: u64,
    clicks: u64,
    conversions: u64,
    value: f64,
) -> Value {
    match platform {
        "google" => json!({"metrics": {
            "costMicros": format!("{}", (spend * 1e6).round() as i64),
            "impressions": impressions.to_string(), "clicks": clicks.to_string(),
            "conversions": conversions as f64, "conversionsValue": (value * 100.0).round() / 100.0}}),
        "meta" => json!({"spend": format!("{spend:.2}"), "impressions": impressions.to_string(),
            "clicks": clicks.to_string(),
            "actions": [{"action_type": "link_click", "value": clicks.to_string()},
                        {"action_type": "purchase", "value": conversions.to_string()}],
            "action_values": [{"action_type": "purchase", "value": format!("{value:.2}")}],
            "date_start": day, "date_stop": day}),
        _ => json!({"DATE": day, "SPEND_IN_MICRO_DOLLAR": (spend * 1e6).round() as i64,
            "IMPRESSION_1": impressions, "CLICKTHROUGH_1": clicks, "TOTAL_CONVERSIONS": conversions,
            "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": (value * 1e6).round() as i64}),
    }
}

/// Builds the demo records, legacy file name -> records.
pub fn build(seed: u64, today: NaiveDate) -> Vec<(&'static str, Vec<Value>)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let first_day = today - Duration::days(DAYS);
    let (mut projects, mut campaigns, mut metrics) = (Vec::new(), Vec::new(), Vec::new());
    let mut campaign_no = 0;
    for (i, plan) in PROJECTS.iter().enumerate() {
        let pid = format!("proj_demo{:02}", i + 1);
        projects.push(
            json!({"id": pid, "name": plan.name, "client": plan.client, "vertical": plan.vertical,
            "description": format!("Always-on {} advertising for {}", plan.vertical, plan.client),
            "status": "active", "budget": {"monthly": plan.monthly, "currency": plan.currency},
            "platforms": plan.platforms, "createdAt": ts(first_day - Duration::days(30), 9, i as u32 * 7)}),
        );
        for (j, platform) in plan
            .platforms
            .iter()
            .cycle()
            .take(plan.platforms.len() * 3)
            .enumerate()
        {
            campaign_no += 1;
            let cid = format!("camp_demo{campaign_no:03}");
            let objective = objectives(platform)[rng.usize(..objectives(platform).len())];
            let daily = [60.0, 90.0, 150.0, 250.0, 400.0][rng.usize(..5)];
            let active = rng.f64() > 0.25;
            let external = match *platform {
                "google" => format!("{}", 1_000_000_000 + rng.u64(..8_999_999_999)),
                "meta" => format!("2385{:013}", rng.u64(..9_999_999_999_999)),
                _ => format!("6268{:08}", rng.u64(..99_999_999)),
            };
            campaigns.push(
                json!({"id": cid, "projectId": pid, "platform": platform, "externalId": external,
                "name": format!("{} | {} | {}", plan.name, objective.replace('_', " ").to_lowercase(), j + 1),
                "objective": objective, "status": native_status(platform, active), "dailyBudget": daily,
                "currency": plan.currency, "startDate": first_day.to_string(),
                "endDate": Value::Null, "createdAt": ts(first_day, 8 + (j as u32 % 8), 0)}),
            );
            let (ctr, cpc) = rates(platform);
            let (ctr, cpc) = (ctr * (0.6 + rng.f64() * 0.9), cpc * (0.6 + rng.f64() * 1.0));
            let cvr = 0.01 + rng.f64() * 0.05;
            let order_value = 40.0 + rng.f64() * 120.0;
            // Paused campaigns stopped spending some days ago.
            let last_day = if active { DAYS } else { DAYS - 5 - rng.i64(0..20) };
            for d in 0..last_day {
                let day = first_day + Duration::days(d);
                let weekend = matches!(day.format("%u").to_string().as_str(), "6" | "7");
                let spend = daily * (0.7 + rng.f64() * 0.35) * if weekend { 1.15 } else { 1.0 };
                let clicks = ((spend / cpc) as u64).max(1);
                let impressions = ((clicks as f64 / ctr) as u64).max(clicks);
                let conversions = (clicks as f64 * cvr * (0.7 + rng.f64() * 0.6)).round() as u64;
                let value = conversions as f64 * order_value * (0.8 + rng.f64() * 0.4);
                let date = day.to_string();
                metrics.push(json!({"campaignId": cid, "platform": platform, "date": date,
                    "raw": raw_day(platform, &date, spend, impressions, clicks, conversions, value)}));
            }
        }
    }

    let agents = ["Strategist", "SocialMediaBuyer", "Trader", "Analyst"];
    let flows: [Flow; 6] = [
        (
            "wf_demo1",
            "Cross-channel weekly report",
            &[("Analyst", "report"), ("Strategist", "plan")],
        ),
        (
            "wf_demo2",
            "Multi-platform campaign launch",
            &[
                ("Strategist", "plan"),
                ("SocialMediaBuyer", "launch"),
                ("Trader", "rebalance_budgets"),
                ("Analyst", "report"),
            ],
        ),
        (
            "wf_demo3",
            "Budget rebalance",
            &[("Analyst", "report"), ("Trader", "rebalance_budgets")],
        ),
        (
            "wf_demo4",
            "Underperformer pause",
            &[
                ("Analyst", "report"),
                ("SocialMediaBuyer", "pause_underperformers"),
                ("Trader", "adjust_bids"),
            ],
        ),
        (
            "wf_demo5",
            "Pinterest pin promotion",
            &[
                ("Strategist", "plan"),
                ("SocialMediaBuyer", "launch"),
                ("Analyst", "report"),
            ],
        ),
        (
            "wf_demo6",
            "Monthly client review",
            &[
                ("Analyst", "report"),
                ("Strategist", "plan"),
                ("Trader", "adjust_bids"),
            ],
        ),
    ];
    let triggers = ["manual", "schedule", "webhook"];
    let mut workflows = Vec::new();
    for (k, (id, name, stages)) in flows.iter().enumerate() {
        let stages: Vec<Value> = stages
            .iter()
            .enumerate()
            .map(|(n, (agent, action))| {
                json!({
            "id": format!("s{}", n + 1), "name": format!("{agent}: {}", action.replace('_', " ")),
            "agent": agent, "action": action, "params": {"lookbackDays": LOOKBACKS[n % 3]}})
            })
            .collect();
        workflows.push(json!({"id": id, "name": name, "description": format!("{name} across your platforms"),
            "trigger": triggers[k % 3], "stages": stages, "createdAt": ts(first_day - Duration::days(20), 10, k as u32)}));
    }

    let (mut executions, mut events, mut activity) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..48 {
        let (wf_id, wf_name, stages) = flows[rng.usize(..flows.len())];
        let pid = format!("proj_demo{:02}", rng.usize(..PROJECTS.len()) + 1);
        let day = first_day + Duration::days(n * DAYS / 48);
        let status = match rng.u32(..20) {
            0 => "failed",
            1 => "cancelled",
            _ => "completed",
        };
        let eid = format!("exec_demo{:03}", n + 1);
        let mut at = day
            .and_hms_opt(9 + (n as u32 % 8), rng.u32(..60), 0)
            .unwrap_or_default();
        let started = at;
        let fail_at = (status == "failed").then(|| rng.usize(..stages.len()));
        let mut stage_runs = Vec::new();
        for (s, (agent, action)) in stages.iter().enumerate() {
            if status == "cancelled" && s > 0 {
                break;
            }
            let begin = at;
            at += Duration::milliseconds(500 + rng.i64(0..20_000));
            let failed = fail_at == Some(s);
            let stamp = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
            stage_runs.push(json!({"stageId": format!("s{}", s + 1), "status": if failed { "failed" } else { "completed" },
                "startedAt": stamp(begin), "completedAt": stamp(at),
                "output": {"summary": format!("{agent} {} done", action.replace('_', " ")), "toolCalls": 1 + rng.u32(..6)},
                "error": if failed { Value::from("Rate limit exceeded (429) from platform API") } else { Value::Null }}));
            for (e, kind) in [
                "stage.started",
                "tool.called",
                if failed { "stage.failed" } else { "stage.completed" },
            ]
            .iter()
            .enumerate()
            {
                events.push(
                    json!({"id": format!("evt_demo{:05}", events.len() + 1), "executionId": eid, "type": kind,
                    "timestamp": stamp(begin + Duration::milliseconds(e as i64 * 200)),
                    "data": {"stageId": format!("s{}", s + 1), "agent": agent}}),
                );
            }
            if failed {
                break;
            }
        }
        let stamp = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        executions.push(json!({"id": eid, "workflowId": wf_id, "projectId": pid, "status": status,
            "startedAt": stamp(started), "completedAt": stamp(at), "input": {"trigger": triggers[n as usize % 3]},
            "stages": stage_runs, "result": {"ok": status == "completed"}}));
        activity.push(json!({"id": format!("act_demo{:04}", n + 1), "projectId": pid,
            "actor": format!("agent:{}", agents[n as usize % 4]), "action": format!("workflow.{status}"),
            "summary": format!("{wf_name} {status}"), "timestamp": stamp(at), "meta": {"executionId": eid}}));
    }

    vec![
        ("projects.json", projects),
        ("workflows.json", workflows),
        ("campaigns.json", campaigns),
        ("executions.json", executions),
        ("events.json", events),
        ("activity.json", activity),
        ("campaign-metrics.json", metrics),
    ]
}

/// Fills an empty database with the demo data set.
pub async fn seed(pool: &SqlitePool, seed: u64, scratch: &Path) -> Result<ImportReport, DemoError> {
    let projects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
        .fetch_one(pool)
        .await?;
    if projects > 0 {
        return Err(DemoError::NotEmpty);
    }
    let today = Utc::now().date_naive();
    for (file, records) in build(seed, today) {
        let text = serde_json::to_vec(&records).map_err(std::io::Error::other)?;
        std::fs::write(scratch.join(file), text)?;
    }
    let report = import_dir(pool, scratch, &|_| {}).await?;
    connect_test_accounts(pool, seed, today).await?;
    Ok(report)
}

/// A test-mode account on each platform a demo project uses, so its workflows have something to
/// work on from the first start.
async fn connect_test_accounts(pool: &SqlitePool, seed: u64, today: NaiveDate) -> Result<(), DemoError> {
    use switchboard_core::connection::ConnectionInput;
    use switchboard_core::connectors::testmode::TestAccount;
    use switchboard_core::ports::ConnectionRepo;
    let repo =
        crate::db::SqliteConnectionRepo::new(crate::db::Db::without_events(pool));
    let projects: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, platforms, currency FROM projects ORDER BY id")
            .fetch_all(pool)
            .await?;
    for (n, (id, platforms, currency)) in projects.into_iter().enumerate() {
        let platforms: Vec<String> = serde_json::from_str(&platforms).unwrap_or_default();
        for (k, platform) in platforms.iter().enumerate() {
            let account_seed = seed.wrapping_mul(1_000).wrapping_add((n * 10 + k) as u64);
            let draft = ConnectionInput {
                project_id: id.clone(),
                platform: platform.clone(),
                seed: Some(account_seed),
                currency: Some(currency.clone()),
                ..Default::default()
            }
            .validate();
            let Ok(draft) = draft else { continue };
            let account = TestAccount::generate(draft.platform, account_seed, draft.currency, today);
            repo.create_test(draft, &account, "system")
                .await
                .map_err(|e| DemoError::Connections(e.to_string()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        assert_eq!(build(7, day), build(7, day));
        assert_ne!(build(7, day), build(8, day));
    }

    #[test]
    fn metrics_end_yesterday_and_stay_believable() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let data = build(7, day);
        let metrics = &data
            .iter()
            .find(|(f, _)| *f == "campaign-metrics.json")
            .expect("metrics")
            .1;
        let last = metrics
            .iter()
            .filter_map(|m| m["date"].as_str())
            .max()
            .unwrap_or_default();
        assert_eq!(last, "2026-11-23");
        for m in metrics {
            let platform = m["platform"].as_str().unwrap_or_default();
            let platform: switchboard_core::Platform = platform.parse().expect("platform");
            let v = switchboard_core::metrics::normalize(platform, &m["raw"]).expect("normalizes");
            assert!(v.clicks <= v.impressions && v.conversions <= v.clicks as f64);
            assert!(v.spend.get() > 0);
        }
    }
}
