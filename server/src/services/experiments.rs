//! The experiments service: the A/B calculator and power plan (the core's `stats`), and
//! experiments on platform objects: created against the project's campaigns, ad groups or ads,
//! their daily results read from the platforms (`experiments/platform.rs`), evaluated (the core's
//! `experiments::evaluate`), decided, remembered and announced, and their winner applied by a run
//! (`experiments/applying.rs`); the calculator's work in `experiments/calculation.rs`.

use async_trait::async_trait;
use chrono::NaiveDate;
use std::sync::Arc;
use switchboard_core::campaign::{Campaign, CampaignQuery};

use switchboard_core::experiments::input::{ExperimentPatch, NewExperiment, NewVariant, VariantObject};
use switchboard_core::experiments::{
    Decision, Evaluation, Experiment, ExperimentStatus, Level, Variant, VariantDay, evaluate,
};
use switchboard_core::ids::{ConnectionId, ExperimentId};
use switchboard_core::ports::{
    CampaignRepo, ConnectionRepo, DecisionEntry, ExecutionRepo, ExperimentFilter, ExperimentRepo,
    MetricsRepo, ProjectRepo, ToolRunner, WorkflowRepo,
};
use switchboard_core::service::experiments::{
    ExperimentObject, ExperimentPage, ExperimentResults, ExperimentSummary, OBJECT_DAYS,
};
use switchboard_core::service::{ExperimentService, ServiceError};
use switchboard_core::stats::calculator::{AbInput, AbResult};
use switchboard_core::stats::decision::Guard;
use switchboard_core::stats::power::{self, PowerInput, PowerPlan};
use switchboard_core::time::Timestamp;
use switchboard_core::validation::FieldErrors;
use switchboard_core::{Platform, ProjectId, RepoError};
use tokio::sync::Mutex;

mod applying;
mod calculation;
mod platform;

pub use calculation::calculate_all;

/// The experiments service.
pub struct Experiments {
    pub experiments: Arc<dyn ExperimentRepo>,
    pub projects: Arc<dyn ProjectRepo>,
    pub campaigns: Arc<dyn CampaignRepo>,
    pub metrics: Arc<dyn MetricsRepo>,
    pub connections: Arc<dyn ConnectionRepo>,
    /// The platform tools, for what the sync does not store (each ad's days).
    pub tools: Arc<dyn ToolRunner>,
    /// Where a decided experiment's learning goes.
    pub memory: Arc<dyn switchboard_core::service::MemoryService>,
    /// Announces a winner (`ab_test.winner`) through the notification rules.
    pub notifier: Arc<crate::notifications::Notifier>,
    /// One evaluation at a time, so a decision is written once.
    pub evaluating: Mutex<()>,
    /// Starts the durable runs that apply winners.
    pub engine: Arc<crate::workflows::Engine>,
    pub workflows: Arc<dyn WorkflowRepo>,
    pub executions: Arc<dyn ExecutionRepo>,
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn entry(state: &str, message: String, winner: Option<String>, through: Option<NaiveDate>) -> DecisionEntry {
    DecisionEntry {
        at: now(),
        state: state.to_owned(),
        winner,
        message,
        through,
    }
}

fn state_of(d: &Decision) -> &'static str {
    match d {
        Decision::Winner { .. } => "winner",
        Decision::NoDifference { .. } => "no_difference",
        Decision::Waiting { .. } => "waiting",
        Decision::Blocked { .. } => "blocked",
    }
}

/// The p-value an evaluation's decision reads (the smallest adjusted one).
fn decision_p(e: &Evaluation) -> Option<f64> {
    e.comparisons.iter().map(|c| c.adjusted_p_value).reduce(f64::min)
}

impl Experiments {
    /// The decision p-values of the project's other running experiments.
    async fn concurrent(&self, e: &Experiment) -> Result<Vec<f64>, ServiceError> {
        let (others, _) = self
            .experiments
            .list(&ExperimentFilter {
                project_id: Some(e.project_id.clone()),
                status: Some(ExperimentStatus::Running),
                limit: 500,
                offset: 0,
            })
            .await?;
        let ids: Vec<ExperimentId> = others
            .into_iter()
            .filter(|o| o.id != e.id)
            .map(|o| o.id)
            .collect();
        Ok(self
            .experiments
            .evaluations(&ids)
            .await?
            .iter()
            .filter_map(|(_, ev)| decision_p(ev))
            .collect())
    }

    /// Reads, evaluates and, when the rule says so, decides a running experiment.
    async fn refresh(
        &self,
        mut e: Experiment,
    ) -> Result<(Experiment, Evaluation, Vec<VariantDay>), ServiceError> {
        let days = self.read_days(&e).await?;
        self.experiments.write_results(&e.id, &days).await?;
        let days = self.experiments.results(&e.id).await?;
        let concurrent = self.concurrent(&e).await?;
        let evaluation = evaluate(&e, &days, &concurrent, Guard::default());
        let last = self.experiments.history(&e.id, 1).await?;
        let state = state_of(&evaluation.decision);
        let changed = last
            .first()
            .is_none_or(|l| l.state != state || l.message != evaluation.decision.message());
        let at = now();
        let new_entry = changed.then(|| {
            entry(
                state,
                evaluation.decision.message().to_owned(),
                evaluation.decision.winner().map(str::to_owned),
                evaluation.through,
            )
        });
        self.experiments
            .save_evaluation(&e.id, &evaluation, &at, new_entry.as_ref())
            .await?;
        if matches!(
            evaluation.decision,
            Decision::Winner { .. } | Decision::NoDifference { .. }
        ) {
            e.status = ExperimentStatus::Decided;
            e.winner = evaluation.decision.winner().map(str::to_owned);
            e.ended_on = evaluation.through.or(Some(today()));
            e.updated_at = at;
            self.experiments.save(&e).await?;
            tracing::info!(experiment = %e.id, winner = ?e.winner, "experiment decided");
            self.decided(&e, &evaluation, at).await;
            if e.auto_apply && e.winner.is_some() {
                e = self.start_apply(e, "auto-apply").await?;
            }
        }
        Ok((e, evaluation, days))
    }

    /// What follows a decision with a winner: the learning in the memory and the announcement.
    /// Neither undoes the decision when it fails (each is logged).
    async fn decided(&self, e: &Experiment, evaluation: &Evaluation, at: Timestamp) {
        if evaluation.decision.winner().is_none() {
            return;
        }
        let project = self.projects.get(&e.project_id).await.ok();
        let vertical = project.as_ref().and_then(|p| p.vertical);
        if let Some(learning) = switchboard_core::experiments::learning::learning(e, evaluation, vertical) {
            match self.memory.record(learning).await {
                Ok(r) => {
                    tracing::info!(experiment = %e.id, memory = %r.memory.id, merged = r.merged, "experiment remembered")
                }
                Err(err) => {
                    tracing::warn!(experiment = %e.id, error = %err, "the experiment's learning was not recorded")
                }
            }
        }
        let notice = switchboard_core::notifications::notices::experiment_notice(
            e,
            evaluation,
            project.as_ref().map(|p| p.name.as_str()),
            self.notifier.public_url(),
            at,
        );
        if let Err(err) = self
            .notifier
            .announce(Some(&e.project_id), e.id.as_str(), notice)
            .await
        {
            tracing::warn!(experiment = %e.id, error = ?err, "the winner was not announced");
        }
    }

    /// Writes a change of the experiment (its time stamped now) and adds what happened to its
    /// history.
    async fn save_noting(&self, e: &mut Experiment, happened: DecisionEntry) -> Result<(), ServiceError> {
        e.updated_at = now();
        self.experiments.save(e).await?;
        self.experiments.add_entry(&e.id, &happened).await?;
        Ok(())
    }

    fn summary(e: Experiment, evaluation: Option<&Evaluation>) -> ExperimentSummary {
        let best = evaluation.and_then(|ev| {
            ev.comparisons
                .iter()
                .min_by(|a, b| a.adjusted_p_value.total_cmp(&b.adjusted_p_value))
                .cloned()
        });
        ExperimentSummary {
            lift: best.as_ref().and_then(|c| c.lift),
            p_value: best.as_ref().map(|c| c.adjusted_p_value),
            decision: evaluation.map(|ev| ev.decision.message().to_owned()),
            experiment: e,
        }
    }
}

fn conflict(e: &Experiment, doing: &str) -> ServiceError {
    ServiceError::Conflict(format!(
        "experiment '{}' is {}: it cannot be {doing}",
        e.id,
        e.status.as_str()
    ))
}

#[async_trait]
impl ExperimentService for Experiments {
    async fn objects(
        &self,
        project: &ProjectId,
        platform: Platform,
        level: Level,
    ) -> Result<Vec<ExperimentObject>, ServiceError> {
        self.objects_at(project, platform, level).await
    }

    fn calculate(&self, tests: &[AbInput]) -> Result<Vec<AbResult>, ServiceError> {
        calculate_all(tests)
    }

    fn plan(&self, input: PowerInput) -> Result<PowerPlan, ServiceError> {
        power::plan(input).map_err(|e| ServiceError::field(&e.field(), e.to_string()))
    }

    async fn create(&self, input: NewExperiment, who: &str) -> Result<Experiment, ServiceError> {
        let mut errors = FieldErrors::new();
        match (input.level, input.platform) {
            (Level::Campaigns, _) | (Level::Ads | Level::AdGroups, Platform::Pinterest) => {}
            (_, _) => errors.add(
                "level",
                "ads and ad groups can be tested on Pinterest (its ad analytics); on Google and Meta, test campaigns",
            ),
        }
        if let Err(RepoError::NotFound { .. }) = self.projects.get(&input.project_id).await {
            return Err(ServiceError::field(
                "project_id",
                format!("no project '{}'", input.project_id),
            ));
        }
        let below = input.level != Level::Campaigns;
        let named = if below && errors.is_empty() {
            // Pinterest's ids are digits; anything else is none of its objects (and not sent).
            let ids: Vec<&str> = input
                .variants
                .iter()
                .filter_map(NewVariant::object_id)
                .filter(|id| id.bytes().all(|b| b.is_ascii_digit()))
                .collect();
            if ids.is_empty() {
                Vec::new()
            } else {
                self.named(&input.project_id, input.platform, input.level, &ids)
                    .await?
            }
        } else {
            Vec::new()
        };
        // What each variant is: an object found (its name), or a new ad to make (later).
        let mut found: Vec<Option<String>> = Vec::new();
        for (i, v) in input.variants.iter().enumerate() {
            let Some(id) = v.object_id() else {
                found.push(None);
                continue;
            };
            let name = if below {
                named.iter().find(|(x, _)| x == id).map(|(_, name)| name.clone())
            } else {
                self.campaign(&input.project_id, input.platform, id)
                    .await?
                    .map(|c| c.name)
            };
            if name.is_none() {
                let what = input.level.noun();
                errors.add(
                    &format!("variants[{i}].object_id"),
                    if below {
                        format!(
                            "no {what} '{id}' in this project's {} account",
                            input.platform.label()
                        )
                    } else {
                        format!(
                            "no {} campaign '{id}' in this project (sync its connection first)",
                            input.platform.label()
                        )
                    },
                );
            }
            found.push(name);
        }
        let today = today();
        if input.started_on.is_some_and(|d| d > today) {
            errors.add("started_on", "must not be after today");
        }
        let makes_ads = input.variants.iter().any(|v| v.object_id().is_none());
        if makes_ads && input.started_on.is_some_and(|d| d < today) {
            errors.add(
                "started_on",
                "a new ad has no days before today: leave started_on out (the test counts from today)",
            );
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let made = if makes_ads {
            self.make_ads(&input).await?
        } else {
            Vec::new()
        };
        let mut variants = Vec::new();
        for (i, (v, name)) in input.variants.iter().zip(found).enumerate() {
            let key = ((b'a' + u8::try_from(i).unwrap_or(25)) as char).to_string();
            let (object_id, name) = match (v.object_id(), name) {
                (Some(id), Some(name)) => (id.to_owned(), name),
                _ => match made.iter().find(|(at, _, _)| *at == i) {
                    Some((_, id, name)) => (id.clone(), name.clone()),
                    None => continue,
                },
            };
            variants.push(Variant {
                key,
                name: v.name.clone().unwrap_or(name),
                object_id,
                weight: v.weight,
                control: v.control,
            });
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let at = now();
        let e = Experiment {
            id: ExperimentId::from_suffix(&crate::db::ids::new_suffix())?,
            project_id: input.project_id,
            name: input.name,
            hypothesis: input.hypothesis,
            platform: input.platform,
            level: input.level,
            metric: input.metric,
            guardrails: input.guardrails,
            alpha: input.alpha,
            mode: input.mode,
            planned_per_arm: input.planned_per_arm,
            auto_apply: input.auto_apply,
            status: if input.start {
                ExperimentStatus::Running
            } else {
                ExperimentStatus::Draft
            },
            variants,
            started_on: input.started_on.or(input.start.then_some(today)),
            ended_on: None,
            winner: None,
            applied_by: None,
            created_at: at,
            updated_at: at,
        };
        self.experiments.insert(&e).await?;
        let what = if input.start { "started" } else { "created" };
        self.experiments
            .add_entry(
                &e.id,
                &entry(what, format!("{} by {who}.", capitalized(what)), None, None),
            )
            .await?;
        Ok(e)
    }

    async fn list(&self, filter: &ExperimentFilter) -> Result<ExperimentPage, ServiceError> {
        let (items, total) = self.experiments.list(filter).await?;
        let ids: Vec<ExperimentId> = items.iter().map(|e| e.id.clone()).collect();
        let evaluations = self.experiments.evaluations(&ids).await?;
        let items = items
            .into_iter()
            .map(|e| {
                let ev = evaluations.iter().find(|(id, _)| *id == e.id).map(|(_, ev)| ev);
                Self::summary(e, ev)
            })
            .collect();
        Ok(ExperimentPage { items, total })
    }

    async fn get(&self, id: &ExperimentId) -> Result<Experiment, ServiceError> {
        Ok(self.experiments.get(id).await?)
    }

    async fn update(
        &self,
        id: &ExperimentId,
        patch: ExperimentPatch,
        who: &str,
    ) -> Result<Experiment, ServiceError> {
        let mut e = self.experiments.get(id).await?;
        if matches!(e.status, ExperimentStatus::Applied)
            && (patch.alpha.is_some() || patch.guardrails.is_some())
        {
            return Err(conflict(&e, "re-tuned"));
        }
        if let Some(name) = patch.name {
            e.name = name;
        }
        if let Some(h) = patch.hypothesis {
            e.hypothesis = h;
        }
        if let Some(a) = patch.auto_apply {
            e.auto_apply = a;
        }
        if let Some(a) = patch.alpha {
            e.alpha = a;
        }
        if let Some(g) = patch.guardrails {
            if g.iter().any(|g| g.metric == e.metric) {
                return Err(ServiceError::field(
                    "guardrails",
                    "the primary metric cannot be its own guardrail",
                ));
            }
            e.guardrails = g;
        }
        e.updated_at = now();
        self.experiments.save(&e).await?;
        tracing::info!(experiment = %e.id, who, "experiment changed");
        Ok(e)
    }

    async fn delete(&self, id: &ExperimentId) -> Result<(), ServiceError> {
        let e = self.experiments.get(id).await?;
        if e.status == ExperimentStatus::Running {
            return Err(conflict(&e, "deleted (stop it first)"));
        }
        Ok(self.experiments.delete(id).await?)
    }

    async fn start(&self, id: &ExperimentId, who: &str) -> Result<Experiment, ServiceError> {
        let mut e = self.experiments.get(id).await?;
        match e.status {
            ExperimentStatus::Draft | ExperimentStatus::Stopped => {}
            ExperimentStatus::Running => return Ok(e),
            _ => return Err(conflict(&e, "started again")),
        }
        e.status = ExperimentStatus::Running;
        e.started_on = e.started_on.or(Some(today()));
        e.ended_on = None;
        self.save_noting(&mut e, entry("started", format!("Started by {who}."), None, None))
            .await?;
        Ok(e)
    }

    async fn stop(&self, id: &ExperimentId, who: &str) -> Result<Experiment, ServiceError> {
        let _one = self.evaluating.lock().await;
        let mut e = self.experiments.get(id).await?;
        match e.status {
            ExperimentStatus::Running => {}
            ExperimentStatus::Stopped => return Ok(e),
            _ => return Err(conflict(&e, "stopped")),
        }
        e.status = ExperimentStatus::Stopped;
        e.ended_on = Some(today());
        let stopped = entry(
            "stopped",
            format!("Stopped by {who}, without a decision."),
            None,
            e.ended_on,
        );
        self.save_noting(&mut e, stopped).await?;
        Ok(e)
    }

    async fn results(&self, id: &ExperimentId) -> Result<ExperimentResults, ServiceError> {
        let _one = self.evaluating.lock().await;
        let e = self.experiments.get(id).await?;
        let (experiment, evaluation, days, evaluated_at) = if e.status == ExperimentStatus::Running {
            let (e, ev, days) = self.refresh(e).await?;
            let at = self.experiments.evaluation(&e.id).await?.map(|(_, at)| at);
            (e, Some(ev), days, at)
        } else {
            let days = self.experiments.results(&e.id).await?;
            let stored = self.experiments.evaluation(&e.id).await?;
            let (ev, at) = stored.map_or((None, None), |(ev, at)| (Some(ev), Some(at)));
            (e, ev, days, at)
        };
        let history = self.experiments.history(&experiment.id, 100).await?;
        Ok(ExperimentResults {
            experiment,
            evaluation,
            evaluated_at,
            days,
            history,
        })
    }

    async fn evaluate_running(&self) -> Result<usize, ServiceError> {
        let (running, _) = self
            .experiments
            .list(&ExperimentFilter {
                project_id: None,
                status: Some(ExperimentStatus::Running),
                limit: 1000,
                offset: 0,
            })
            .await?;
        let mut decided = 0;
        for e in running {
            let _one = self.evaluating.lock().await;
            // Read again under the lock: a stop may have come first.
            let e = self.experiments.get(&e.id).await?;
            if e.status != ExperimentStatus::Running {
                continue;
            }
            let (after, _, _) = self.refresh(e).await?;
            if matches!(
                after.status,
                ExperimentStatus::Decided | ExperimentStatus::Applied
            ) {
                decided += 1;
            }
        }
        // Applies whose run ended while the server was going down (the executor tells at the end
        // of a run; a crash in between leaves it untold).
        let (decided_ones, _) = self
            .experiments
            .list(&ExperimentFilter {
                project_id: None,
                status: Some(ExperimentStatus::Decided),
                limit: 1000,
                offset: 0,
            })
            .await?;
        for e in decided_ones.into_iter().filter(|e| e.applied_by.is_some()) {
            if let Some(run) = &e.applied_by {
                self.run_ended(run).await?;
            }
        }
        Ok(decided)
    }

    async fn apply(&self, id: &ExperimentId, who: &str) -> Result<Experiment, ServiceError> {
        let _one = self.evaluating.lock().await;
        let e = self.experiments.get(id).await?;
        self.start_apply(e, who).await
    }

    async fn run_ended(&self, run: &switchboard_core::ids::ExecutionId) -> Result<(), ServiceError> {
        let detail = match self.executions.get(run).await {
            Ok(d) => d,
            Err(RepoError::NotFound { .. }) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let Some(id) = detail
            .execution
            .input
            .get("experiment_id")
            .and_then(serde_json::Value::as_str)
            .and_then(|i| ExperimentId::parse(i).ok())
        else {
            return Ok(());
        };
        if !detail.execution.status.is_terminal() {
            return Ok(());
        }
        let _one = self.evaluating.lock().await;
        let mut e = match self.experiments.get(&id).await {
            Ok(e) => e,
            Err(RepoError::NotFound { .. }) => return Ok(()),
            Err(err) => return Err(err.into()),
        };
        self.ended(&mut e, &detail).await
    }
}

fn capitalized(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
