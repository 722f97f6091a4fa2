//! The in-process scheduler: starts `schedule` workflows at their cron times (UTC). It looks on
//! start, so a run missed while the server was down is made up, once, and then every 20 seconds.
//! On the same beat it moves on the runs whose proposal expired.

use super::engine::Engine;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::RepoError;
use switchboard_core::ports::WorkflowRepo;
use switchboard_core::schedule::{Cron, due};
use switchboard_core::time::Timestamp;

const EVERY: Duration = Duration::from_secs(20);

/// Starts every scheduled workflow that is due; answers how many runs it started.
pub async fn tick(engine: &Arc<Engine>, workflows: &dyn WorkflowRepo) -> Result<usize, RepoError> {
    let now = chrono::Utc::now();
    let mut started = 0;
    for w in workflows.scheduled().await? {
        let Some(expr) = w.schedule.as_deref() else {
            continue;
        };
        let cron = match Cron::parse(expr) {
            Ok(cron) => cron,
            Err(e) => {
                tracing::warn!(workflow = %w.id, error = %e, "a scheduled workflow has a bad cron expression");
                continue;
            }
        };
        let last = w.scheduled_at.unwrap_or(w.created_at).as_datetime();
        let Some(fire) = due(&cron, last, now) else {
            continue;
        };
        // Claim the run first: two schedulers (or a restart mid-tick) never start it twice.
        if !workflows
            .mark_scheduled(&w.id, w.scheduled_at.as_ref(), &Timestamp::from_datetime(now))
            .await?
        {
            continue;
        }
        let input =
            json!({"trigger": "schedule", "scheduled_for": Timestamp::from_datetime(fire), "cron": expr});
        match engine.start(&w.id, None, input, false).await {
            Ok(run) => {
                tracing::info!(workflow = %w.id, execution = %run.id, "scheduled run started");
                started += 1;
            }
            Err(e) => tracing::error!(workflow = %w.id, error = %e, "cannot start a scheduled run"),
        }
    }
    Ok(started)
}

/// Runs the scheduler for the life of the process.
pub fn spawn(engine: Arc<Engine>, workflows: Arc<dyn WorkflowRepo>) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = tick(&engine, workflows.as_ref()).await {
                tracing::error!(error = %e, "the scheduler could not look for due workflows");
            }
            if let Err(e) = engine.expire_due().await {
                tracing::error!(error = %e, "the scheduler could not look for expired proposals");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
