//! The performance sync: for every connection, its campaigns and their daily performance pulled
//! through the connector (test or live, the same tools agents use) into the campaigns and metrics
//! tables. Incremental: each connection resumes after the last day it finished, always pulling the
//! last seven days again because platforms restate conversions. Runs on a cron schedule (a setting,
//! default hourly) and on demand; each run's progress and problems are recorded.

pub mod outcomes;

use crate::db::SqliteSyncRepo;
use crate::db::sync_repo::{SCHEDULE_KEY, SCHEDULED_AT_KEY};
use anyhow::bail;
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use switchboard_core::connection::{Connection, ConnectionStatus};
use switchboard_core::ports::{ConnectionRepo, ToolRunError, ToolRunner};
use switchboard_core::schedule::{Cron, due};
use switchboard_core::sync::native::{self, Call, ListedCampaign};
use switchboard_core::sync::window::{span, windows};
use switchboard_core::sync::{
    ConnectionOutcome, DEFAULT_SCHEDULE, MAX_PROBLEMS, SCHEDULE_OFF, SyncError, SyncOverview, SyncPolicy,
    SyncState, SyncTrigger,
};
use switchboard_core::time::{Timestamp, date_text};
use switchboard_core::{CampaignId, RepoError};

/// How often the schedule is looked at.
const EVERY: Duration = Duration::from_secs(20);
/// Runs listed in the overview.
const RECENT_RUNS: u32 = 10;
/// A guard against a connector that pages forever.
const MAX_PAGES: usize = 1_000;
const SCHEDULE_VAR: &str = "SWITCHBOARD_SYNC_SCHEDULE";
const FIRST_DAYS_VAR: &str = "SWITCHBOARD_SYNC_FIRST_DAYS";

/// The sync's start-up settings: the schedule used until one is saved in the settings, and how
/// far back a connection's first sync reaches.
#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub default_schedule: String,
    pub policy: SyncPolicy,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            default_schedule: DEFAULT_SCHEDULE.to_owned(),
            policy: SyncPolicy::default(),
        }
    }
}

impl SyncSettings {
    /// `SWITCHBOARD_SYNC_SCHEDULE` (a cron expression or `off`) and `SWITCHBOARD_SYNC_FIRST_DAYS`
    /// (1 to 1,100); a bad value stops the server with a message naming it.
    pub fn from_env() -> anyhow::Result<Self> {
        let mut s = SyncSettings::default();
        if let Ok(value) = std::env::var(SCHEDULE_VAR)
            && !value.trim().is_empty()
        {
            match normalize_schedule(&value) {
                Ok(schedule) => s.default_schedule = schedule,
                Err(e) => bail!("{SCHEDULE_VAR}: {e}"),
            }
        }
        if let Ok(value) = std::env::var(FIRST_DAYS_VAR)
            && !value.trim().is_empty()
        {
            match value.trim().parse::<u32>() {
                Ok(days) if (1..=1_100).contains(&days) => s.policy.first_days = days,
                _ => bail!("{FIRST_DAYS_VAR} '{value}' is not a number of days from 1 to 1100"),
            }
        }
        Ok(s)
    }
}

/// A schedule as stored: `off`, or a cron expression that parses.
fn normalize_schedule(text: &str) -> Result<String, SyncError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case(SCHEDULE_OFF) {
        return Ok(SCHEDULE_OFF.to_owned());
    }
    Cron::parse(text).map_err(|e| SyncError::BadSchedule {
        value: text.chars().take(64).collect(),
        reason: e.to_string(),
    })?;
    Ok(text.to_owned())
}

pub struct Syncer {
    repo: SqliteSyncRepo,
    connections: Arc<dyn ConnectionRepo>,
    tools: Arc<dyn ToolRunner>,
    settings: SyncSettings,
    /// One start at a time in this process (the database refuses a second running run anyway).
    starting: tokio::sync::Mutex<()>,
    /// The agents' memory, whose due outcomes are measured after each run that stored figures.
    memory: OnceLock<Arc<dyn switchboard_core::service::MemoryService>>,
    /// The experiments, evaluated after each run that stored figures.
    experiments: OnceLock<Arc<dyn switchboard_core::service::ExperimentService>>,
}

impl Syncer {
    pub fn new(
        repo: SqliteSyncRepo,
        connections: Arc<dyn ConnectionRepo>,
        tools: Arc<dyn ToolRunner>,
        settings: SyncSettings,
    ) -> Arc<Self> {
        Arc::new(Syncer {
            repo,
            connections,
            tools,
            settings,
            starting: tokio::sync::Mutex::new(()),
            memory: OnceLock::new(),
            experiments: OnceLock::new(),
        })
    }

    /// Gives the sync the agents' memory (once), to measure due outcomes after each run.
    pub fn set_memory(&self, memory: Arc<dyn switchboard_core::service::MemoryService>) {
        if self.memory.set(memory).is_err() {
            tracing::warn!("the sync's memory was already set");
        }
    }

    /// Gives the sync the experiments (once), to evaluate the running ones after each run.
    pub fn set_experiments(&self, experiments: Arc<dyn switchboard_core::service::ExperimentService>) {
        if self.experiments.set(experiments).is_err() {
            tracing::warn!("the sync's experiments were already set");
        }
    }

    /// Marks runs a stopped server left running as failed, then looks at the schedule every 20
    /// seconds for the life of the process.
    pub fn spawn_schedule(self: &Arc<Self>) {
        let this = self.clone();
        tokio::spawn(async move {
            match this.repo.abandon_running().await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(runs = n, "sync runs left unfinished by a stop were marked failed"),
                Err(e) => tracing::error!(error = ?e, "cannot close unfinished sync runs"),
            }
            loop {
                if let Err(e) = this.tick().await {
                    tracing::error!(error = ?e, "the sync schedule could not be checked");
                }
                tokio::time::sleep(EVERY).await;
            }
        });
    }

    async fn schedule(&self) -> Result<String, RepoError> {
        Ok(self
            .repo
            .setting(SCHEDULE_KEY)
            .await?
            .unwrap_or_else(|| self.settings.default_schedule.clone()))
    }

    /// The schedule, the latest runs (a running one first) and where each connection stands.
    pub async fn overview(&self) -> Result<SyncOverview, RepoError> {
        let schedule = self.schedule().await?;
        let next_run_at = Cron::parse(&schedule)
            .ok()
            .and_then(|cron| cron.next_after(chrono::Utc::now()))
            .map(Timestamp::from_datetime);
        Ok(SyncOverview {
            schedule,
            next_run_at,
            runs: self.repo.runs(RECENT_RUNS).await?,
            connections: self.repo.connections().await?,
        })
    }

    /// Sets the cron expression (UTC), or `off`.
    pub async fn set_schedule(&self, schedule: &str) -> Result<(), SyncError> {
        let schedule = normalize_schedule(schedule)?;
        self.repo.set_setting(SCHEDULE_KEY, &schedule).await?;
        // The new schedule counts from now: no catch-up run for times it would have had.
        let now = Timestamp::from_datetime(chrono::Utc::now()).to_text();
        self.repo.set_setting(SCHEDULED_AT_KEY, &now).await?;
        Ok(())
    }

    /// Starts a scheduled run if one is due.
    async fn tick(self: &Arc<Self>) -> Result<(), SyncError> {
        let schedule = self.schedule().await?;
        if schedule == SCHEDULE_OFF {
            return Ok(());
        }
        let cron = match Cron::parse(&schedule) {
            Ok(cron) => cron,
            Err(e) => {
                tracing::warn!(schedule, error = %e, "the sync schedule is not a valid cron expression");
                return Ok(());
            }
        };
        let now = chrono::Utc::now();
        let now_text = Timestamp::from_datetime(now).to_text();
        // The first look starts the clock: the first scheduled run is the schedule's next time.
        let Some(last_text) = self.repo.setting(SCHEDULED_AT_KEY).await? else {
            self.repo.claim_fire(None, &now_text).await?;
            return Ok(());
        };
        let last = Timestamp::parse(&last_text).map_or(now, |t| t.as_datetime());
        if due(&cron, last, now).is_none() || !self.repo.claim_fire(Some(&last_text), &now_text).await? {
            return Ok(());
        }
        match self.start(SyncTrigger::Schedule).await {
            Ok(run) => tracing::info!(run, "scheduled sync started"),
            Err(SyncError::AlreadyRunning(run)) => {
                tracing::info!(run, "a sync is still running; this hour's is skipped")
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Starts a run over every connection in the background; answers its id.
    pub async fn start(self: &Arc<Self>, trigger: SyncTrigger) -> Result<i64, SyncError> {
        let _one_at_a_time = self.starting.lock().await;
        let connections = self.connections.list(None).await?;
        let run = self
            .repo
            .begin_run(trigger, connections.len())
            .await?
            .map_err(SyncError::AlreadyRunning)?;
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = this.run(run, connections).await {
                tracing::error!(run, error = ?e, "a sync run could not be recorded");
                if let Err(e) = this.repo.finish(run, SyncState::Failed).await {
                    tracing::error!(run, error = ?e, "a sync run could not be closed");
                }
            }
        });
        Ok(run)
    }

    /// Runs the connections one after another, recording progress after each.
    async fn run(&self, run: i64, connections: Vec<Connection>) -> Result<(), RepoError> {
        let started = std::time::Instant::now();
        let mut totals = ConnectionOutcome::default();
        let mut failed = 0;
        let mut all_problems = 0;
        for (done, connection) in connections.iter().enumerate() {
            let label = label(connection);
            match self.sync_connection(connection).await {
                Ok((outcome, through)) => {
                    self.repo.record_attempt(&connection.id, Ok(through)).await?;
                    totals.campaigns_written += outcome.campaigns_written;
                    totals.rows_written += outcome.rows_written;
                    all_problems += outcome.problems.len();
                    totals
                        .problems
                        .extend(outcome.problems.into_iter().map(|p| format!("{label}: {p}")));
                }
                Err(error) => {
                    tracing::warn!(run, connection = %connection.id, error, "a connection could not be synced");
                    self.repo.record_attempt(&connection.id, Err(&error)).await?;
                    failed += 1;
                    totals.problems.push(format!("{label}: {error}"));
                }
            }
            totals.problems.truncate(MAX_PROBLEMS);
            self.repo
                .progress(
                    run,
                    done + 1,
                    totals.campaigns_written,
                    totals.rows_written,
                    &totals.problems,
                )
                .await?;
        }
        let state = SyncState::finished(connections.len(), failed, all_problems);
        // The figures of the days after past changes may have just come: measure what is due.
        if failed < connections.len()
            && let Some(memory) = self.memory.get()
        {
            outcomes::evaluate(memory.as_ref(), "after a sync").await;
        }
        if failed < connections.len()
            && let Some(experiments) = self.experiments.get()
        {
            outcomes::experiments(experiments.as_ref(), "after a sync").await;
        }
        self.repo.finish(run, state).await?;
        tracing::info!(
            run,
            state = state.as_str(),
            connections = connections.len(),
            campaigns = totals.campaigns_written,
            rows = totals.rows_written,
            millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "sync finished"
        );
        Ok(())
    }

    /// One connection: its campaigns, then its days, window by window. Answers what it wrote and
    /// the last day it covered, or why it could not sync at all.
    async fn sync_connection(&self, c: &Connection) -> Result<(ConnectionOutcome, NaiveDate), String> {
        match c.status {
            ConnectionStatus::Active => {}
            ConnectionStatus::NeedsReauth => {
                return Err("the connection needs to be authorised again (Connections page)".to_owned());
            }
            ConnectionStatus::Error => {
                return Err("the connection is in error; check it on the Connections page".to_owned());
            }
            ConnectionStatus::Disconnected => return Err("the connection is disconnected".to_owned()),
        }
        let stored = |e: RepoError| format!("could not store the data: {e}");
        // Test accounts and the platforms' own "today" are in UTC here; a day-old row is
        // corrected by the next sync, which pulls the last days again.
        let today = chrono::Utc::now().date_naive();
        let mut outcome = ConnectionOutcome::default();

        let listed = self.fetch(c, native::list_call(c.platform)).await?;
        let read = native::read_campaigns(c.platform, &listed, c.currency);
        outcome.problems.extend(read.problems);
        let (written, mut ids) = self.repo.write_campaigns(c, &read.rows).await.map_err(stored)?;
        outcome.campaigns_written += written;
        let external_ids: Vec<String> = read.rows.iter().map(|r| r.external_id.clone()).collect();

        let synced_through = self.repo.synced_through(&c.id).await.map_err(stored)?;
        let span = span(c.platform, synced_through, today, self.settings.policy);
        if let Some((from, to)) = span.out_of_reach {
            outcome.problems.push(format!(
                "{} reports only recent days; {} to {} could not be pulled",
                c.platform.label(),
                date_text(from),
                date_text(to)
            ));
        }
        for (from, to) in windows(c.platform, span.from, span.to, external_ids.len()) {
            for call in native::performance_calls(c.platform, from, to, &external_ids) {
                let answer = self.fetch(c, call).await?;
                let days = native::read_days(c.platform, &answer);
                outcome.problems.extend(days.problems);
                let unlisted = unlisted(&days.rows, &ids);
                if !unlisted.is_empty() {
                    let (written, all) = self.repo.write_campaigns(c, &unlisted).await.map_err(stored)?;
                    outcome.campaigns_written += written;
                    ids = all;
                }
                outcome.rows_written += self.repo.write_days(c, &ids, &days.rows).await.map_err(stored)?;
            }
        }
        Ok((outcome, span.to))
    }

    /// One call, every page of it: paged answers come back as one `{data}` or `{items}`.
    async fn fetch(&self, c: &Connection, call: Call) -> Result<Value, String> {
        let Call { tool, mut params } = call;
        let mut answer = self.run_tool(c, tool, &params).await?;
        let key = match (answer.get("items"), answer.get("data")) {
            (Some(_), _) => "items",
            (None, Some(_)) => "data",
            _ => return Ok(answer),
        };
        let mut rows = take_rows(&mut answer, key);
        let mut pages = 1;
        while let Some((param, cursor)) = native::next_page(&answer) {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(format!(
                    "{tool} kept answering with more pages (over {MAX_PAGES})"
                ));
            }
            params[param] = Value::String(cursor);
            answer = self.run_tool(c, tool, &params).await?;
            rows.extend(take_rows(&mut answer, key));
        }
        Ok(json!({ key: rows }))
    }

    async fn run_tool(&self, c: &Connection, tool: &str, params: &Value) -> Result<Value, String> {
        self.tools
            .run(c.platform, tool, &c.id, params.clone())
            .await
            .map_err(|e| match e {
                ToolRunError::Repo(e) => format!("{tool}: could not read the connection ({e})"),
                other => format!("{tool}: {other}"),
            })
    }
}

fn take_rows(answer: &mut Value, key: &str) -> Vec<Value> {
    match answer.get_mut(key).map(Value::take) {
        Some(Value::Array(rows)) => rows,
        _ => Vec::new(),
    }
}

fn label(c: &Connection) -> String {
    format!(
        "{} {}",
        c.platform.label(),
        c.name.as_deref().unwrap_or(&c.account_id)
    )
}

/// Campaigns that delivered on days the platform reported but that its list left out (removed
/// long ago, or beyond the list's filters): kept, so their spend is not lost.
fn unlisted(days: &[native::DayRow], known: &HashMap<String, CampaignId>) -> Vec<ListedCampaign> {
    let mut missing: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for d in days.iter().filter(|d| !known.contains_key(&d.external_id)) {
        let name = missing.entry(&d.external_id).or_default();
        if name.is_none() {
            *name = d.name.as_deref();
        }
    }
    missing
        .into_iter()
        .map(|(id, name)| ListedCampaign {
            external_id: id.to_owned(),
            name: name.map_or_else(|| format!("Campaign {id}"), str::to_owned),
            objective: None,
            status: switchboard_core::campaign::CampaignStatus::Removed,
            platform_status: "UNLISTED".to_owned(),
            daily_budget_micros: None,
            start_date: None,
            end_date: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::metrics::MetricValues;

    #[test]
    fn schedules_are_checked_and_off_is_spelled_one_way() {
        assert_eq!(normalize_schedule(" OFF ").ok().as_deref(), Some("off"));
        assert_eq!(
            normalize_schedule("*/15 * * * *").ok().as_deref(),
            Some("*/15 * * * *")
        );
        assert_eq!(normalize_schedule("@daily").ok().as_deref(), Some("@daily"));
        assert!(matches!(
            normalize_schedule("every hour"),
            Err(SyncError::BadSchedule { .. })
        ));
        assert!(matches!(
            normalize_schedule("61 * * * *"),
            Err(SyncError::BadSchedule { .. })
        ));
    }

    #[test]
    fn days_of_unlisted_campaigns_make_removed_campaigns_once_each() {
        let day = |id: &str, name: Option<&str>| native::DayRow {
            external_id: id.to_owned(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            values: MetricValues::default(),
            name: name.map(str::to_owned),
            raw: json!({}),
        };
        let known: HashMap<String, CampaignId> =
            [("1".to_owned(), CampaignId::parse("camp_00001").expect("id"))].into();
        let rows = [
            day("1", None),
            day("2", None),
            day("2", Some("Old promo")),
            day("3", None),
        ];
        let missing = unlisted(&rows, &known);
        assert_eq!(missing.len(), 2);
        assert_eq!(missing[0].name, "Old promo");
        assert_eq!(missing[1].name, "Campaign 3");
        assert_eq!(
            missing[0].status,
            switchboard_core::campaign::CampaignStatus::Removed
        );
    }
}
