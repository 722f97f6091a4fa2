//! `switchboard seed-demo`: a demo that tells one story, for an empty database. Four clients, each
//! a project with its own brand, currency and time zone, and a test-mode account on each platform
//! it advertises on, named after the brand. The accounts' campaigns and their performance come in
//! through the real sync; six workflows, each attached to the project whose connections fit it,
//! are made through the workflow service; and the run history is made by running them with the
//! real executor, so every run's reasoning, tool calls and timings are what the agents did.
//!
//! The projects go through the legacy import (as real data does). Test-mode calls take the time
//! `SWITCHBOARD_TESTMODE_LATENCY` says (realistic by default, so the history's tool calls carry
//! real-looking timings; seeding then takes about ten seconds; `off` makes it instant).

mod experiments;
mod memories;

use crate::connectors::ConnectorSettings;
use crate::legacy::import_dir;
use crate::secrets::Keyring;
use crate::wiring::{self, AppSettings, Wiring};
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::SqlitePool;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use switchboard_core::connection::ConnectionDraft;
use switchboard_core::connectors::testmode::{AccountLook, TestAccount};
use switchboard_core::execution::ExecutionStatus;
use switchboard_core::money::Currency;
use switchboard_core::sync::{SyncState, SyncTrigger};
use switchboard_core::vertical::Vertical;
use switchboard_core::workflow::{StageInput, WorkflowInput};
use switchboard_core::{ExecutionId, Platform, ProjectId};

/// How long seeding waits for the sync, and for each round of runs, before it carries on.
const WAIT: std::time::Duration = std::time::Duration::from_secs(120);

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
    #[error("cannot start the demo's services: {0}")]
    Wiring(String),
    #[error("cannot make the demo's workflows: {0}")]
    Workflows(String),
    #[error("cannot record the demo's learnings: {0}")]
    Memories(String),
    #[error("cannot make the demo's experiments: {0}")]
    Experiments(String),
}

/// A demo client: its project, brand, currency and time zone, and where it advertises.
pub struct Plan {
    pub name: &'static str,
    /// What its accounts and campaigns are named after.
    pub brand: &'static str,
    pub client: &'static str,
    pub vertical: Vertical,
    pub currency: &'static str,
    pub time_zone: &'static str,
    pub monthly: i64,
    pub platforms: &'static [Platform],
}

/// The demo's clients.
pub const PROJECTS: [Plan; 4] = [
    Plan {
        name: "Alpine Trails Travel",
        brand: "Alpine Trails",
        client: "Alpine Trails GmbH (Munich)",
        vertical: Vertical::Travel,
        currency: "EUR",
        time_zone: "Europe/Berlin",
        monthly: 40_000,
        platforms: &[Platform::Google, Platform::Meta, Platform::Pinterest],
    },
    Plan {
        name: "Northwind Outfitters",
        brand: "Northwind",
        client: "Northwind Retail Inc. (Chicago)",
        vertical: Vertical::Retail,
        currency: "USD",
        time_zone: "America/Chicago",
        monthly: 80_000,
        platforms: &[Platform::Google, Platform::Meta, Platform::Pinterest],
    },
    Plan {
        name: "Bright Path Learning",
        brand: "Bright Path",
        client: "Bright Path Academy (Boston)",
        vertical: Vertical::Education,
        currency: "USD",
        time_zone: "America/New_York",
        monthly: 15_000,
        platforms: &[Platform::Google, Platform::Meta],
    },
    Plan {
        name: "Harbor Bank Savings",
        brand: "Harbor Bank",
        client: "Harbor Bank plc (London)",
        vertical: Vertical::Finance,
        currency: "GBP",
        time_zone: "Europe/London",
        monthly: 25_000,
        platforms: &[Platform::Google, Platform::Meta],
    },
];

/// The id the legacy import gives the `n`th demo project (from 0).
fn project_id(n: usize) -> String {
    format!("proj_demo{:02}", n + 1)
}

/// A demo workflow: its name, what it does, the project it works for (an index into
/// [`PROJECTS`]), how it starts, and its stages as (agent, action, parameters).
struct Flow {
    name: &'static str,
    description: &'static str,
    project: usize,
    trigger: &'static str,
    schedule: Option<&'static str>,
    stages: Vec<(&'static str, &'static str, Value)>,
    /// How many runs seeding makes of it.
    runs: usize,
}

fn flows() -> Vec<Flow> {
    vec![
        Flow {
            name: "Cross-channel weekly report",
            description: "Monday's report across Google, Meta and Pinterest, and the budget split it suggests",
            project: 1,
            trigger: "schedule",
            schedule: Some("0 7 * * 1"),
            stages: vec![
                ("Analyst", "report", json!({"lookback_days": 7})),
                ("Strategist", "plan", json!({"lookback_days": 30})),
            ],
            runs: 3,
        },
        Flow {
            name: "Multi-platform campaign launch",
            description: "Plans the split, then launches the summer hiking campaign on Meta and Pinterest (paused)",
            project: 0,
            trigger: "manual",
            schedule: None,
            stages: vec![
                ("Strategist", "plan", json!({"lookback_days": 30})),
                (
                    "SocialMediaBuyer",
                    "launch",
                    json!({"name": "Alpine Trails | Summer hiking weeks", "daily_budget": 80, "goal": "traffic"}),
                ),
                ("Analyst", "report", json!({"lookback_days": 7})),
            ],
            runs: 2,
        },
        Flow {
            name: "Budget rebalance",
            description: "Moves daily budget from low-return campaigns to high-return ones, at most 20% a change",
            project: 1,
            trigger: "manual",
            schedule: None,
            stages: vec![
                ("Analyst", "report", json!({"lookback_days": 14})),
                (
                    "Trader",
                    "rebalance_budgets",
                    json!({"lookback_days": 14, "max_change": 0.2}),
                ),
            ],
            runs: 2,
        },
        Flow {
            name: "Underperformer pause",
            description: "Pauses Meta campaigns with a cost per enrolment far above the account's, then tunes Google bids",
            project: 2,
            trigger: "webhook",
            schedule: None,
            stages: vec![
                ("Analyst", "report", json!({"lookback_days": 14})),
                (
                    "SocialMediaBuyer",
                    "pause_underperformers",
                    json!({"lookback_days": 14, "min_spend": 50, "cpa_multiple": 1.5}),
                ),
                (
                    "Trader",
                    "adjust_bids",
                    json!({"lookback_days": 14, "max_change": 0.15}),
                ),
            ],
            runs: 2,
        },
        Flow {
            name: "Pinterest pin promotion",
            description: "Promotes the newest Alpine Trails Pins in Germany, Austria and Switzerland",
            project: 0,
            trigger: "manual",
            schedule: None,
            stages: vec![
                (
                    "Analyst",
                    "report",
                    json!({"lookback_days": 14, "platforms": ["pinterest"]}),
                ),
                (
                    "SocialMediaBuyer",
                    "promote_pins",
                    json!({"name": "Alpine Trails | Pin promotion", "daily_budget": 40, "max_pins": 3, "countries": ["DE", "AT", "CH"]}),
                ),
            ],
            runs: 2,
        },
        Flow {
            name: "Monthly client review",
            description: "The month's results for Harbor Bank's review meeting, and next month's split",
            project: 3,
            trigger: "schedule",
            schedule: Some("0 8 1 * *"),
            stages: vec![
                ("Analyst", "report", json!({"lookback_days": 30})),
                ("Strategist", "plan", json!({"lookback_days": 30})),
            ],
            runs: 3,
        },
    ]
}

fn ts(day: NaiveDate, hour: u32, minute: u32) -> String {
    format!("{}T{hour:02}:{minute:02}:00.000Z", day.format("%Y-%m-%d"))
}

/// The demo's projects as legacy records (the import checks them as it checks real data).
pub fn project_records(today: NaiveDate) -> Vec<Value> {
    let created = today - Duration::days(120);
    PROJECTS
        .iter()
        .enumerate()
        .map(|(i, plan)| {
            json!({"id": project_id(i), "name": plan.name, "client": plan.client, "vertical": plan.vertical.as_str(),
                "description": format!("Always-on {} advertising for {}, in {} ({})", plan.vertical.label().to_lowercase(), plan.brand, plan.currency, plan.time_zone),
                "status": "active", "budget": {"monthly": plan.monthly, "currency": plan.currency},
                "platforms": plan.platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                "createdAt": ts(created, 9, i as u32 * 7)})
        })
        .collect()
}

/// What seeding made.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub projects: usize,
    pub connections: usize,
    pub campaigns: u64,
    pub metric_rows: u64,
    pub workflows: usize,
    /// Learnings in the agents' memory: the history seeded, and what the runs added.
    pub memories: u64,
    /// Each run made: its workflow's name and how it ended.
    pub runs: Vec<(String, ExecutionStatus)>,
    /// Each A/B test made, and where it stands.
    pub experiments: Vec<(String, switchboard_core::experiments::ExperimentStatus)>,
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "demo data added: {} projects, {} test-mode connections, {} campaigns with {} days of performance, {} workflows, {} learnings in the agents' memory",
            self.projects, self.connections, self.campaigns, self.metric_rows, self.workflows, self.memories
        )?;
        let count = |s: &str| self.runs.iter().filter(|(_, st)| st.as_str() == s).count();
        write!(
            f,
            "{} runs made by the agents: {} completed, {} awaiting approval, {} failed, {} other",
            self.runs.len(),
            count("completed"),
            count("awaiting_approval"),
            count("failed"),
            self.runs.len() - count("completed") - count("awaiting_approval") - count("failed")
        )?;
        let tests: Vec<String> = self
            .experiments
            .iter()
            .map(|(name, status)| format!("{name} ({})", status.as_str()))
            .collect();
        write!(f, "\n{} A/B tests: {}", tests.len(), tests.join(", "))
    }
}

/// Fills an empty database with the demo. `keyring` is the database's (nothing is sealed with
/// it here; the services are built with it as the server builds them).
pub async fn seed(
    pool: &SqlitePool,
    seed: u64,
    scratch: &Path,
    keyring: Arc<Keyring>,
) -> Result<DemoReport, DemoError> {
    let projects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
        .fetch_one(pool)
        .await?;
    if projects > 0 {
        return Err(DemoError::NotEmpty);
    }
    let today = Utc::now().date_naive();
    let records = project_records(today);
    std::fs::write(
        scratch.join("projects.json"),
        serde_json::to_vec(&records).map_err(std::io::Error::other)?,
    )?;
    import_dir(pool, scratch, &|_| {}).await?;
    let app = wire(pool, keyring)?;
    let mut report = DemoReport {
        projects: PROJECTS.len(),
        ..DemoReport::default()
    };
    report.connections = connect_test_accounts(&app, seed, today).await?;
    let (campaigns, rows) = sync(&app).await?;
    report.campaigns = campaigns;
    report.metric_rows = rows;
    // The memory's history comes before the runs, so their agents recall it.
    memories::seed(&app, seed, today)
        .await
        .map_err(DemoError::Memories)?;
    let made = make_workflows(&app).await?;
    report.workflows = made.len();
    report.runs = run_history(&app, &made).await;
    report.experiments = experiments::seed(&app, today)
        .await
        .map_err(DemoError::Experiments)?;
    let all = switchboard_core::memory::input::MemoryFilter {
        limit: 1,
        ..Default::default()
    };
    report.memories = app.services.memory.list(&all).await.map_or(0, |p| p.total);
    // Test accounts the runs changed are stored whole (their change logs would do as well).
    if let Err(e) = app.repos.tools.settle().await {
        tracing::warn!(error = %e, "the demo's test accounts stay stored as change logs");
    }
    Ok(report)
}

/// The services as the server builds them, with no pause between stages.
fn wire(pool: &SqlitePool, keyring: Arc<Keyring>) -> Result<Wiring, DemoError> {
    let failed = |e: anyhow::Error| DemoError::Wiring(format!("{e:#}"));
    let connectors = ConnectorSettings::from_env();
    let sync = crate::sync::SyncSettings {
        default_schedule: "off".to_owned(),
        ..crate::sync::SyncSettings::default()
    };
    let infra = wiring::infrastructure(pool, Arc::new(connectors), keyring, sync).map_err(failed)?;
    wiring::application(
        infra,
        AppSettings {
            engine: crate::workflows::EngineSettings {
                stage_pause: std::time::Duration::ZERO,
                ..crate::workflows::EngineSettings::default()
            },
            outbound: crate::outbound::OutboundSettings::default(),
            notify: crate::notifications::NotifySettings::from_env(),
            access: crate::auth::access::AccessSettings::default(),
        },
    )
    .map_err(failed)
}

/// A test-mode account on each platform a demo project uses, named after its brand, in its
/// currency and time zone. Answers how many were made.
async fn connect_test_accounts(app: &Wiring, seed: u64, today: NaiveDate) -> Result<usize, DemoError> {
    let mut made = 0;
    for (n, plan) in PROJECTS.iter().enumerate() {
        let project = ProjectId::parse(&project_id(n)).map_err(|e| DemoError::Connections(e.to_string()))?;
        let currency = Currency::parse(plan.currency).map_err(|e| DemoError::Connections(e.to_string()))?;
        for (k, platform) in plan.platforms.iter().enumerate() {
            let account_seed = seed.wrapping_mul(1_000).wrapping_add((n * 10 + k) as u64);
            let look = AccountLook {
                brand: Some(plan.brand),
                time_zone: Some(plan.time_zone),
            };
            let account = TestAccount::generate_as(*platform, account_seed, currency, today, look);
            let draft = ConnectionDraft {
                project_id: project.clone(),
                platform: *platform,
                seed: Some(account_seed),
                name: Some(account.name.clone()),
                currency,
            };
            app.repos
                .connections
                .create_test(draft, &account, "system")
                .await
                .map_err(|e| DemoError::Connections(e.to_string()))?;
            made += 1;
        }
    }
    Ok(made)
}

/// Pulls every account's campaigns and days through the real sync; answers the campaigns and
/// campaign-days it wrote.
async fn sync(app: &Wiring) -> Result<(u64, u64), DemoError> {
    let failed = |e: String| DemoError::Connections(format!("the sync failed: {e}"));
    let run = app
        .syncer
        .start(SyncTrigger::Manual)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let overview = app.syncer.overview().await.map_err(|e| failed(e.to_string()))?;
        if let Some(r) = overview.runs.iter().find(|r| r.id == run)
            && r.state != SyncState::Running
        {
            if r.state == SyncState::Failed {
                return Err(failed(r.problems.join("; ")));
            }
            for problem in &r.problems {
                tracing::warn!(problem, "the demo's sync");
            }
            return Ok((r.campaigns_written, r.rows_written));
        }
        if std::time::Instant::now() > deadline {
            return Err(failed("it did not finish in time".to_owned()));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The demo's workflows, made through the workflow service; answers each with its runs to make.
async fn make_workflows(
    app: &Wiring,
) -> Result<Vec<(switchboard_core::workflow::Workflow, usize)>, DemoError> {
    let mut made = Vec::new();
    for flow in flows() {
        let input = WorkflowInput {
            name: flow.name.to_owned(),
            description: Some(flow.description.to_owned()),
            project_id: Some(project_id(flow.project)),
            trigger: Some(flow.trigger.to_owned()),
            schedule: flow.schedule.map(str::to_owned),
            stages: flow
                .stages
                .into_iter()
                .map(|(agent, action, params)| StageInput {
                    agent: agent.to_owned(),
                    action: action.to_owned(),
                    params,
                    ..StageInput::default()
                })
                .collect(),
            ..WorkflowInput::default()
        };
        let workflow = app
            .services
            .workflows
            .create(input, "system")
            .await
            .map_err(|e| DemoError::Workflows(format!("{}: {e}", flow.name)))?;
        made.push((workflow, flow.runs));
    }
    Ok(made)
}

/// Runs every workflow its number of times, a round at a time (each round's runs side by side),
/// and answers how each run ended. A workflow that changes the accounts is dry-run first (it
/// works out its changes and applies none), and its last run is a real one, which stops for
/// approval when the workflow's approval setting asks for it: seeding does not wait for a
/// decision. A run still going at the deadline is cancelled.
async fn run_history(
    app: &Wiring,
    workflows: &[(switchboard_core::workflow::Workflow, usize)],
) -> Vec<(String, ExecutionStatus)> {
    let rounds = workflows.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut ended = Vec::new();
    for round in 0..rounds {
        let mut started: Vec<(String, ExecutionId)> = Vec::new();
        for (workflow, runs) in workflows {
            if round >= *runs {
                continue;
            }
            let writes = workflow
                .stages
                .iter()
                .any(|s| switchboard_core::agents::find_action(s.agent, &s.action).is_some_and(|a| a.writes));
            let dry_run = writes && round + 1 < *runs;
            let input = json!({"trigger": "manual", "from": "demo"});
            match app
                .services
                .executions
                .start(&workflow.id, None, Some(input), dry_run)
                .await
            {
                Ok(run) => started.push((workflow.name.clone(), run.id)),
                Err(e) => tracing::warn!(workflow = %workflow.name, error = %e, "a demo run did not start"),
            }
        }
        let deadline = std::time::Instant::now() + WAIT;
        for (name, id) in started {
            let status = settled(app, &id, deadline).await;
            ended.push((name, status));
        }
    }
    ended
}

/// Whether a run has done all it will do without someone: ended, or waiting for approval.
pub fn is_settled(status: ExecutionStatus) -> bool {
    status.is_terminal() || status.as_str() == "awaiting_approval"
}

/// Waits for a run to settle; cancels it at the deadline.
async fn settled(app: &Wiring, id: &ExecutionId, deadline: std::time::Instant) -> ExecutionStatus {
    loop {
        match app.services.executions.get(id).await {
            Ok(detail) if is_settled(detail.execution.status) => return detail.execution.status,
            Ok(detail) if std::time::Instant::now() > deadline => {
                tracing::warn!(execution = %id, status = %detail.execution.status, "a demo run took too long and is cancelled");
                if let Err(e) = app.services.executions.cancel(id).await {
                    tracing::warn!(execution = %id, error = %e, "cannot cancel a demo run");
                }
                return detail.execution.status;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(execution = %id, error = %e, "cannot read a demo run");
                return ExecutionStatus::Failed;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workflow_works_for_a_project_whose_platforms_fit_it() {
        for flow in flows() {
            let plan = &PROJECTS[flow.project];
            for (agent, action, params) in &flow.stages {
                let agent: switchboard_core::workflow::Agent = agent.parse().expect("agent");
                let spec = switchboard_core::agents::find_action(agent, action).expect("action");
                let wanted: Vec<&str> = params["platforms"]
                    .as_array()
                    .map(|p| p.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                assert!(
                    spec.platforms
                        .iter()
                        .any(|p| plan.platforms.contains(p)
                            && (wanted.is_empty() || wanted.contains(&p.as_str()))),
                    "{}: {agent} {action} has nothing to work on in {}",
                    flow.name,
                    plan.name
                );
                switchboard_core::connectors::schema::validate(&spec.params, params, "params")
                    .unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
            }
        }
    }

    #[test]
    fn each_client_keeps_a_time_zone_of_its_currency_and_its_own_brand() {
        let brands: std::collections::BTreeSet<&str> = PROJECTS.iter().map(|p| p.brand).collect();
        assert_eq!(brands.len(), PROJECTS.len());
        for plan in &PROJECTS {
            assert!(plan.name.starts_with(plan.brand), "{}", plan.name);
            let zone_area = match plan.currency {
                "EUR" | "GBP" => "Europe/",
                "USD" => "America/",
                other => panic!("a currency the demo does not use: {other}"),
            };
            assert!(
                plan.time_zone.starts_with(zone_area),
                "{} {}",
                plan.currency,
                plan.time_zone
            );
        }
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let records = project_records(day);
        assert_eq!(records.len(), 4);
        assert_eq!(records[0]["budget"]["currency"], "EUR");
    }
}
