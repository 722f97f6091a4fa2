//! The evaluators' schedule: after each performance sync that stored figures (see `Syncer::run`), at
//! start-up and every hour, the memory measures the outcomes whose days have passed and the running
//! experiments are evaluated (and decided when their rule says so).

use std::sync::Arc;
use std::time::Duration;
use switchboard_core::service::{ExperimentService, MemoryService};

/// How often the evaluator looks for due outcomes besides the syncs.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// Measures the due outcomes; a failure is logged (the next pass tries again).
pub async fn evaluate(memory: &dyn MemoryService, when: &str) {
    match memory.evaluate_due().await {
        Ok(0) => tracing::debug!(when, "no outcome due"),
        Ok(settled) => tracing::info!(settled, when, "outcomes measured"),
        Err(e) => tracing::warn!(when, error = %e, "the due outcomes could not be measured"),
    }
}

/// Evaluates the running experiments; a failure is logged (the next pass tries again).
pub async fn experiments(experiments: &dyn ExperimentService, when: &str) {
    match experiments.evaluate_running().await {
        Ok(0) => tracing::debug!(when, "no experiment decided"),
        Ok(decided) => tracing::info!(decided, when, "experiments decided"),
        Err(e) => tracing::warn!(when, error = %e, "the running experiments could not be evaluated"),
    }
}

/// Evaluates at start-up, then every `every`, for the life of the process.
pub fn spawn_schedule(memory: Arc<dyn MemoryService>, tests: Arc<dyn ExperimentService>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut first = true;
        loop {
            tick.tick().await;
            let when = if first { "at start-up" } else { "hourly" };
            evaluate(memory.as_ref(), when).await;
            experiments(tests.as_ref(), when).await;
            first = false;
        }
    });
}
