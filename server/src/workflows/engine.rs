//! The durable executor. An execution is a state machine kept in the database: each stage's
//! status, attempt, output and error are written (with their event) before the next step, so a
//! server that stops (even killed) resumes every unfinished run at its first stage not completed.
//! Writes inside a stage carry idempotency keys, so a resumed stage never changes a platform twice.
//! Each execution runs in its own task; a semaphore bounds how many run at once.

use super::agents::{self, StageContext, StageError};
use super::approval::{self, Gate, GateSettings};
use super::bus::EventBus;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use switchboard_core::connectors::{Retry, RetryPolicy};
use switchboard_core::execution::{Execution, ExecutionStatus, StageStatus};
use switchboard_core::ports::Repos;
use switchboard_core::run_event::RunEvent;
use switchboard_core::service::{ExperimentService, MemoryService};
use switchboard_core::workflow::StageDef;
use switchboard_core::{ExecutionId, ProjectId, RepoError, WorkflowId};
use tokio::sync::{Mutex, Semaphore, watch};

#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Executions running at once; the rest wait their turn.
    pub max_running: usize,
    pub stage_timeout: Duration,
    /// Attempts per stage and the backoff between them.
    pub stage_retry: RetryPolicy,
    /// A pause before each stage, for demonstrations that should be watched (test mode answers in
    /// milliseconds). Zero by default.
    pub stage_pause: Duration,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            max_running: 8,
            stage_timeout: Duration::from_secs(300),
            stage_retry: RetryPolicy {
                max_attempts: 3,
                base: Duration::from_secs(2),
                cap: Duration::from_secs(60),
                max_wait: Duration::from_secs(120),
            },
            stage_pause: Duration::ZERO,
        }
    }
}

impl EngineSettings {
    /// `SWITCHBOARD_MAX_RUNNING`, `SWITCHBOARD_STAGE_TIMEOUT_SECS`, `SWITCHBOARD_STAGE_ATTEMPTS`,
    /// `SWITCHBOARD_STAGE_PAUSE_MS`.
    pub fn from_env() -> Self {
        let mut s = EngineSettings::default();
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        if let Some(n) = var("SWITCHBOARD_MAX_RUNNING").filter(|n| *n > 0) {
            s.max_running = usize::try_from(n).unwrap_or(8);
        }
        if let Some(secs) = var("SWITCHBOARD_STAGE_TIMEOUT_SECS").filter(|n| *n > 0) {
            s.stage_timeout = Duration::from_secs(secs);
        }
        if let Some(ms) = var("SWITCHBOARD_STAGE_PAUSE_MS") {
            s.stage_pause = Duration::from_millis(ms.min(60_000));
        }
        if let Some(n) = var("SWITCHBOARD_STAGE_ATTEMPTS").filter(|n| *n > 0) {
            s.stage_retry.max_attempts = u32::try_from(n).unwrap_or(3);
        }
        s
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("{0}")]
    Invalid(String),
}

pub struct Engine {
    services: Repos,
    bus: EventBus,
    settings: EngineSettings,
    permits: Arc<Semaphore>,
    /// Cancel switches of the executions this process runs.
    running: Mutex<HashMap<ExecutionId, watch::Sender<bool>>>,
    /// Runs asked to run again once their task ends.
    again: Mutex<std::collections::HashSet<ExecutionId>>,
    /// The agents' memory: recalled before deciding, handed each run's changes when it ends. Set
    /// once at wiring (the memory service is built after the engine).
    memory: OnceLock<Arc<dyn MemoryService>>,
    /// Told when a run ends (`set_experiments`).
    experiments: OnceLock<Arc<dyn ExperimentService>>,
}

enum Outcome {
    Completed,
    Failed(String),
    Cancelled,
}

impl Engine {
    pub fn new(services: Repos, bus: EventBus, settings: EngineSettings) -> Arc<Self> {
        Arc::new(Engine {
            permits: Arc::new(Semaphore::new(settings.max_running.max(1))),
            services,
            bus,
            settings,
            running: Mutex::new(HashMap::new()),
            again: Mutex::new(std::collections::HashSet::new()),
            memory: OnceLock::new(),
            experiments: OnceLock::new(),
        })
    }

    /// Gives the engine the experiments, told when a run ends (an apply's run marks its
    /// experiment applied). Once; a second call changes nothing.
    pub fn set_experiments(&self, experiments: Arc<dyn ExperimentService>) {
        if self.experiments.set(experiments).is_err() {
            tracing::warn!("the engine's experiments were already set");
        }
    }

    /// Gives the engine the agents' memory (once; a second call changes nothing).
    pub fn set_memory(&self, memory: Arc<dyn MemoryService>) {
        if self.memory.set(memory).is_err() {
            tracing::warn!("the engine's memory was already set");
        }
    }

    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// Records a run (durably, before answering) and starts it.
    pub async fn start(
        self: &Arc<Self>,
        workflow: &WorkflowId,
        project: Option<&ProjectId>,
        input: Value,
        dry_run: bool,
    ) -> Result<Execution, EngineError> {
        let workflow = self.services.workflows.get(workflow).await?;
        let project = project.or(workflow.project_id.as_ref());
        // The store publishes the event.
        let (execution, _event) = self
            .services
            .executions
            .create(&workflow, project, input, dry_run)
            .await?;
        self.spawn(execution.id.clone());
        Ok(execution)
    }

    /// Runs (or resumes) an execution in its own task. Asked while the run's task is still
    /// going (a decision that lands as the run stops to wait), the task runs it once more.
    pub fn spawn(self: &Arc<Self>, id: ExecutionId) {
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                let (cancel_tx, cancel_rx) = watch::channel(false);
                {
                    let mut running = engine.running.lock().await;
                    if running.contains_key(&id) {
                        engine.again.lock().await.insert(id.clone());
                        return;
                    }
                    running.insert(id.clone(), cancel_tx);
                }
                if let Err(e) = engine.run(&id, cancel_rx).await {
                    tracing::error!(execution = %id, error = %e, "execution stopped on an error");
                }
                let mut running = engine.running.lock().await;
                running.remove(&id);
                let again = engine.again.lock().await.remove(&id);
                drop(running);
                if !again {
                    break;
                }
            }
        });
    }

    /// Resumes every execution that was pending or running when the server stopped.
    pub async fn resume_all(self: &Arc<Self>) -> Result<usize, EngineError> {
        let ids = self.services.executions.unfinished().await?;
        let n = ids.len();
        for id in ids {
            self.spawn(id);
        }
        if n > 0 {
            tracing::info!(executions = n, "resuming executions");
        }
        Ok(n)
    }

    /// Moves on every run whose proposal's time ran out (the run marks it expired and goes on
    /// without its changes); answers how many.
    pub async fn expire_due(self: &Arc<Self>) -> Result<usize, EngineError> {
        let now = switchboard_core::time::Timestamp::from_datetime(chrono::Utc::now());
        let due = self.services.proposals.expired(&now).await?;
        for p in &due {
            self.spawn(p.execution_id.clone());
        }
        Ok(due.len())
    }

    /// Goes on with a run after a decision on its proposal.
    pub fn resume(self: &Arc<Self>, id: &ExecutionId) {
        self.spawn(id.clone());
    }

    /// Cancels a run: a running one stops at its next step; a waiting one ends at once.
    pub async fn cancel(&self, id: &ExecutionId) -> Result<(), EngineError> {
        if let Some(switch) = self.running.lock().await.get(id) {
            let _ = switch.send(true);
            return Ok(());
        }
        let detail = self.services.executions.get(id).await?;
        if detail.execution.status.is_terminal() {
            return Err(EngineError::Invalid(format!(
                "execution {id} has already ended ({})",
                detail.execution.status
            )));
        }
        self.finish(id, Outcome::Cancelled, None).await
    }

    /// Writes a stage change with its event (the store publishes it).
    #[allow(clippy::too_many_arguments)]
    async fn set_stage(
        &self,
        id: &ExecutionId,
        position: u32,
        status: StageStatus,
        attempt: u32,
        output: Option<Value>,
        error: Option<String>,
        event: RunEvent,
    ) -> Result<(), EngineError> {
        // The store publishes the event.
        self.services
            .executions
            .set_stage(id, position, status, attempt, output, error, event.into_parts())
            .await?;
        Ok(())
    }

    async fn finish(
        &self,
        id: &ExecutionId,
        outcome: Outcome,
        result: Option<Value>,
    ) -> Result<(), EngineError> {
        let (status, error) = match &outcome {
            Outcome::Completed => (ExecutionStatus::Completed, None),
            Outcome::Failed(e) => (ExecutionStatus::Failed, Some(e.clone())),
            Outcome::Cancelled => (ExecutionStatus::Cancelled, None),
        };
        // Before the run is marked ended: a crash in between is repaired by the resumed run, whose
        // second capture adds nothing.
        self.remember(id).await;
        let event = RunEvent::finished(status, error.clone(), result.clone());
        self.services
            .executions
            .set_status(id, status, result, error, event.into_parts())
            .await?;
        if let Some(experiments) = self.experiments.get()
            && let Err(e) = experiments.run_ended(id).await
        {
            // Settled by the experiments' hourly evaluation.
            tracing::warn!(execution = %id, error = %e, "cannot tell the experiments that a run ended");
        }
        // A proposal still waiting when its run ends can no longer be applied.
        let now = switchboard_core::time::Timestamp::from_datetime(chrono::Utc::now());
        for mut p in self.services.proposals.for_execution(id).await? {
            if p.status == switchboard_core::approval::ProposalStatus::Pending {
                p.withdraw(now);
                if let Err(e) = self
                    .services
                    .proposals
                    .save(&p, switchboard_core::approval::ProposalStatus::Pending)
                    .await
                {
                    tracing::warn!(execution = %id, proposal = %p.id, error = %e, "cannot withdraw a proposal");
                }
            }
        }
        Ok(())
    }

    /// Hands what the run applied (and the Analyst's findings) to the memory. Changes applied by a
    /// stage that did not finish (a run cancelled while waiting for approval, a stage that failed
    /// after some changes) are read from its proposal. A failure is logged: it never fails the run.
    async fn remember(&self, id: &ExecutionId) {
        let Some(memory) = self.memory.get() else {
            return;
        };
        let mut detail = match self.services.executions.get(id).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(execution = %id, error = %e, "cannot read the run to remember it");
                return;
            }
        };
        for stage in &mut detail.stages {
            if stage.output.as_ref().is_some_and(|o| o.get("changes").is_some()) {
                continue;
            }
            match self.services.proposals.for_stage(id, stage.position).await {
                Ok(Some(p)) if p.changes.iter().any(|c| c.applied) => {
                    let mut output = stage
                        .output
                        .as_ref()
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    output.insert("changes".into(), serde_json::json!(p.changes));
                    stage.output = Some(Value::Object(output));
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(execution = %id, stage = %stage.stage_id, error = %e, "cannot read a stage's proposal to remember it");
                }
            }
        }
        match memory.capture_run(&detail).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(execution = %id, learnings = n, "the run's learnings were remembered"),
            Err(e) => {
                tracing::warn!(execution = %id, error = %e, "the run's learnings could not be remembered")
            }
        }
    }

    /// Whether a run waiting for approval must go on waiting (its proposal is undecided and in
    /// time); if not, it is marked running again.
    async fn still_waiting(
        &self,
        detail: &switchboard_core::execution::ExecutionDetail,
    ) -> Result<bool, EngineError> {
        let id = &detail.execution.id;
        let Some(stage) = detail
            .stages
            .iter()
            .find(|s| s.status == StageStatus::AwaitingApproval)
        else {
            return Ok(false);
        };
        let now = switchboard_core::time::Timestamp::from_datetime(chrono::Utc::now());
        if let Some(p) = self.services.proposals.for_stage(id, stage.position).await?
            && p.status == switchboard_core::approval::ProposalStatus::Pending
            && !p.is_expired(now)
        {
            return Ok(true);
        }
        let event = RunEvent::Resumed {
            stage_id: stage.stage_id.clone(),
            position: stage.position,
        };
        self.services
            .executions
            .set_status(id, ExecutionStatus::Running, None, None, event.into_parts())
            .await?;
        Ok(false)
    }

    async fn run(&self, id: &ExecutionId, mut cancel: watch::Receiver<bool>) -> Result<(), EngineError> {
        let _permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| EngineError::Invalid("the engine is shutting down".into()))?;
        let detail = self.services.executions.get(id).await?;
        if detail.execution.status.is_terminal() {
            return Ok(());
        }
        let cancelled = *cancel.borrow();
        if cancelled {
            return self.finish(id, Outcome::Cancelled, None).await;
        }
        if detail.execution.status == ExecutionStatus::AwaitingApproval && self.still_waiting(&detail).await?
        {
            return Ok(());
        }
        if detail.execution.status == ExecutionStatus::Pending {
            let event = RunEvent::Started {
                stages: detail.stages.len(),
            };
            self.services
                .executions
                .set_status(id, ExecutionStatus::Running, None, None, event.into_parts())
                .await?;
        }
        let project = detail.execution.project_id.clone();
        let policy = match &detail.execution.workflow_id {
            Some(w) => match self.services.workflows.get(w).await {
                Ok(w) => w.approval,
                Err(RepoError::NotFound { .. }) => Default::default(),
                Err(e) => return Err(e.into()),
            },
            None => Default::default(),
        };
        let gate = GateSettings {
            policy,
            dry_run: detail.execution.dry_run,
            workflow_name: detail.execution.workflow_name.as_deref(),
        };
        let mut outputs: HashMap<String, Value> = HashMap::new();
        // Why each stage that could not do its job was skipped.
        let mut skipped: Vec<String> = Vec::new();
        for stage in &detail.stages {
            if matches!(stage.status, StageStatus::Completed | StageStatus::Skipped) {
                if let Some(output) = &stage.output {
                    outputs.insert(stage.stage_id.clone(), output.clone());
                    if stage.status == StageStatus::Skipped {
                        skipped.push(skip_reason(&stage.name, output));
                    }
                }
                continue;
            }
            let (Some(agent), Some(action)) = (stage.agent, stage.action.clone()) else {
                let error = format!("stage {} has no definition to run", stage.stage_id);
                return self.finish(id, Outcome::Failed(error), None).await;
            };
            let def = StageDef {
                id: stage.stage_id.clone(),
                name: stage.name.clone(),
                agent,
                action,
                params: stage.params.clone(),
            };
            let mut attempt = stage.attempt;
            // What the stage said before it waited for approval (its reasoning's recalled
            // learnings), kept while it goes on.
            let earlier = stage.output.clone();
            loop {
                let cancelled = *cancel.borrow();
                if cancelled {
                    return self
                        .finish(id, Outcome::Cancelled, Some(agents::summarize(&outputs)))
                        .await;
                }
                attempt += 1;
                let started = Instant::now();
                let event = RunEvent::StageStarted {
                    stage_id: def.id.clone(),
                    position: stage.position,
                    name: def.name.clone(),
                    agent: def.agent,
                    action: def.action.clone(),
                    attempt,
                };
                self.set_stage(
                    id,
                    stage.position,
                    StageStatus::Running,
                    attempt,
                    earlier.clone(),
                    None,
                    event,
                )
                .await?;
                // The pause is spent running, so a watcher sees the stage at work.
                if !self.settings.stage_pause.is_zero() {
                    let paused = tokio::select! {
                        _ = tokio::time::sleep(self.settings.stage_pause) => true,
                        _ = cancelled_signal(&mut cancel) => false,
                    };
                    if !paused {
                        return self
                            .finish(id, Outcome::Cancelled, Some(agents::summarize(&outputs)))
                            .await;
                    }
                }
                let ctx = StageContext {
                    services: &self.services,
                    execution: id,
                    project: project.as_ref(),
                    stage: &def,
                    stage_position: stage.position,
                    attempt,
                    today: chrono::Utc::now().date_naive(),
                    memory: self.memory.get().map(|m| m.as_ref()),
                    earlier: earlier.as_ref(),
                    input: &detail.execution.input,
                };
                let result = tokio::select! {
                    r = tokio::time::timeout(self.settings.stage_timeout, approval::run_stage(&ctx, &gate)) => Some(match r {
                        Ok(r) => r,
                        Err(_) => Err(StageError::Retryable(format!(
                            "the stage took longer than {} s", self.settings.stage_timeout.as_secs()))),
                    }),
                    _ = cancelled_signal(&mut cancel) => None,
                };
                let Some(result) = result else {
                    return self
                        .finish(id, Outcome::Cancelled, Some(agents::summarize(&outputs)))
                        .await;
                };
                let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                match result {
                    Ok(Gate::Waiting { proposal, output }) => {
                        let event = RunEvent::StageAwaitingApproval {
                            stage_id: def.id.clone(),
                            position: stage.position,
                            duration_ms: ms,
                            summary: proposal.summary(),
                        };
                        self.set_stage(
                            id,
                            stage.position,
                            StageStatus::AwaitingApproval,
                            attempt,
                            Some(output),
                            None,
                            event,
                        )
                        .await?;
                        // While pending, the approved changes are those the policy approved.
                        let (auto_approved, _, waiting) = proposal.counts();
                        let event = RunEvent::ApprovalRequested {
                            stage_id: def.id.clone(),
                            position: stage.position,
                            proposal_id: proposal.id.clone(),
                            waiting,
                            auto_approved,
                            expires_at: proposal.expires_at,
                        };
                        self.services
                            .executions
                            .set_status(
                                id,
                                ExecutionStatus::AwaitingApproval,
                                None,
                                None,
                                event.into_parts(),
                            )
                            .await?;
                        // The task ends here; a decision or the expiry starts the run again.
                        return Ok(());
                    }
                    Ok(Gate::Done(output)) if is_skipped(&output) => {
                        let reason = skip_reason(&def.name, &output);
                        let event = RunEvent::StageSkipped {
                            stage_id: def.id.clone(),
                            position: stage.position,
                            duration_ms: ms,
                            reason: reason.clone(),
                            output: output.clone(),
                        };
                        self.set_stage(
                            id,
                            stage.position,
                            StageStatus::Skipped,
                            attempt,
                            Some(output.clone()),
                            None,
                            event,
                        )
                        .await?;
                        skipped.push(reason);
                        outputs.insert(def.id.clone(), output);
                        break;
                    }
                    Ok(Gate::Done(output)) => {
                        let event = RunEvent::StageCompleted {
                            stage_id: def.id.clone(),
                            position: stage.position,
                            duration_ms: ms,
                            summary: output.get("summary").cloned(),
                            output: output.clone(),
                        };
                        self.set_stage(
                            id,
                            stage.position,
                            StageStatus::Completed,
                            attempt,
                            Some(output.clone()),
                            None,
                            event,
                        )
                        .await?;
                        outputs.insert(def.id.clone(), output);
                        break;
                    }
                    Err(error) => {
                        let retry = match &error {
                            StageError::Retryable(_) => {
                                self.settings
                                    .stage_retry
                                    .after_failure(attempt, None, fastrand::f64())
                            }
                            StageError::Fatal(_) => Retry::GiveUp,
                        };
                        if let Retry::After(wait) = retry {
                            let event = RunEvent::StageRetrying {
                                stage_id: def.id.clone(),
                                position: stage.position,
                                attempt,
                                error: error.to_string(),
                                retry_in_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            };
                            self.set_stage(
                                id,
                                stage.position,
                                StageStatus::Pending,
                                attempt,
                                None,
                                Some(error.to_string()),
                                event,
                            )
                            .await?;
                            let waited = tokio::select! {
                                _ = tokio::time::sleep(wait) => true,
                                _ = cancelled_signal(&mut cancel) => false,
                            };
                            if waited {
                                continue;
                            }
                            return self
                                .finish(id, Outcome::Cancelled, Some(agents::summarize(&outputs)))
                                .await;
                        }
                        let event = RunEvent::StageFailed {
                            stage_id: def.id.clone(),
                            position: stage.position,
                            attempt,
                            duration_ms: ms,
                            error: error.to_string(),
                        };
                        self.set_stage(
                            id,
                            stage.position,
                            StageStatus::Failed,
                            attempt,
                            None,
                            Some(error.to_string()),
                            event,
                        )
                        .await?;
                        let message = format!("stage '{}' failed: {error}", def.name);
                        return self
                            .finish(id, Outcome::Failed(message), Some(agents::summarize(&outputs)))
                            .await;
                    }
                }
            }
        }
        let summary = agents::summarize(&outputs);
        if !detail.stages.is_empty() && skipped.len() == detail.stages.len() {
            // Nothing was done: that is not a success, and the run says why.
            let message = format!("every stage was skipped: {}", skipped.join("; "));
            return self.finish(id, Outcome::Failed(message), Some(summary)).await;
        }
        self.finish(id, Outcome::Completed, Some(summary)).await
    }
}

/// Whether a stage's output says it could not do its job.
fn is_skipped(output: &Value) -> bool {
    output.get("skipped").and_then(Value::as_bool) == Some(true)
}

/// "<stage>: <why>", from a skipped stage's output.
fn skip_reason(stage: &str, output: &Value) -> String {
    let why = output
        .get("summary")
        .and_then(Value::as_str)
        .unwrap_or("it could not run");
    format!("{stage}: {why}")
}

/// Resolves when the run is cancelled (never, if its switch is dropped).
async fn cancelled_signal(cancel: &mut watch::Receiver<bool>) {
    if cancel.wait_for(|c| *c).await.is_err() {
        std::future::pending::<()>().await;
    }
}
