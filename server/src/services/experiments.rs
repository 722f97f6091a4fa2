//! The experiments service: the A/B calculator and power plan (the core's `stats`), and
//! experiments on platform objects: created against the project's campaigns, their daily results
//! read from the synced platform data, evaluated (the core's `experiments::evaluate`), decided.

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
use switchboard_core::stats::calculator::{self, AbInput, AbResult};
use switchboard_core::stats::decision::Guard;
use switchboard_core::stats::power::{self, PowerInput, PowerPlan};
use switchboard_core::time::Timestamp;
use switchboard_core::validation::FieldErrors;
use switchboard_core::{Platform, ProjectId, RepoError};
use tokio::sync::Mutex;

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

/// The template id that marks a project's workflow that applies A/B test winners.
const APPLY_TEMPLATE: &str = "apply_experiment";

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
    /// The project's campaign on `platform` with the platform id `external`.
    async fn campaign(
        &self,
        project: &ProjectId,
        platform: Platform,
        external: &str,
    ) -> Result<Option<Campaign>, RepoError> {
        let page = self
            .campaigns
            .list(&CampaignQuery {
                project_id: Some(project.clone()),
                platform: Some(platform),
                search: Some(external.to_owned()),
                limit: 200,
                ..CampaignQuery::default()
            })
            .await?;
        Ok(page.items.into_iter().find(|c| c.external_id == external))
    }

    /// The variants' daily results within the experiment's days: campaigns from the synced
    /// campaign days, ads from the platform's ad analytics.
    async fn read_days(&self, e: &Experiment) -> Result<Vec<VariantDay>, ServiceError> {
        let Some(from) = e.started_on else {
            return Ok(Vec::new());
        };
        let to = e.ended_on.unwrap_or_else(today).min(today());
        if matches!(e.level, Level::Ads | Level::AdGroups) {
            return self.ad_days(e, from, to).await;
        }
        let mut out = Vec::new();
        for v in &e.variants {
            let Some(c) = self.campaign(&e.project_id, e.platform, &v.object_id).await? else {
                continue;
            };
            for d in self.metrics.campaign_daily(&c.id, Some(from), Some(to)).await? {
                out.push(VariantDay {
                    variant: v.key.clone(),
                    date: d.date,
                    impressions: d.values.impressions,
                    clicks: d.values.clicks,
                    conversions: d.values.conversions,
                    spend_micros: d.values.spend.get().max(0),
                    revenue_micros: d.values.conversion_value.get().max(0),
                });
            }
        }
        Ok(out)
    }

    /// The project's connection to `platform` (the first, when it has several).
    async fn connection(
        &self,
        project: &ProjectId,
        platform: Platform,
    ) -> Result<Option<ConnectionId>, ServiceError> {
        Ok(self
            .connections
            .list(Some(project))
            .await?
            .into_iter()
            .filter(|c| c.platform == platform)
            .min_by(|a, b| a.created_at.to_text().cmp(&b.created_at.to_text()))
            .map(|c| c.id))
    }

    /// Each variant's days from Pinterest's ad analytics (90 days back at most: older days read
    /// before are kept): an ad variant's own rows, an ad group variant's the sum of its ads'.
    async fn ad_days(
        &self,
        e: &Experiment,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<VariantDay>, ServiceError> {
        let Some(connection) = self.connection(&e.project_id, e.platform).await? else {
            return Ok(Vec::new());
        };
        let from = from.max(to - chrono::Days::new(89));
        if from > to {
            return Ok(Vec::new());
        }
        // Which variant each ad's rows count for.
        let owner: Vec<(String, String)> = if e.level == Level::AdGroups {
            let groups: Vec<&str> = e.variants.iter().map(|v| v.object_id.as_str()).collect();
            self.listed(
                &e.project_id,
                e.platform,
                "list_ads",
                serde_json::json!({"ad_group_ids": groups, "entity_statuses": ["ACTIVE", "PAUSED", "ARCHIVED"], "page_size": 250}),
            )
            .await?
            .iter()
            .filter_map(|ad| {
                let id = ad.get("id")?.as_str()?;
                let group = ad.get("ad_group_id")?.as_str()?;
                let v = e.variants.iter().find(|v| v.object_id == group)?;
                Some((id.to_owned(), v.key.clone()))
            })
            .collect()
        } else {
            e.variants
                .iter()
                .map(|v| (v.object_id.clone(), v.key.clone()))
                .collect()
        };
        if owner.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = owner.iter().map(|(ad, _)| ad.as_str()).collect();
        let mut out: Vec<VariantDay> = Vec::new();
        for chunk in ids.chunks(250) {
            let rows = self
                .tools
                .run(
                    e.platform,
                    "get_ad_analytics",
                    &connection,
                    serde_json::json!({"ad_ids": chunk, "start_date": switchboard_core::time::date_text(from),
                        "end_date": switchboard_core::time::date_text(to), "granularity": "DAY",
                        "columns": ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1", "TOTAL_CONVERSIONS",
                                    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"]}),
                )
                .await?;
            let number = |row: &serde_json::Value, key: &str| {
                row.get(key)
                    .and_then(serde_json::Value::as_f64)
                    .unwrap_or(0.0)
                    .max(0.0)
            };
            for row in rows.as_array().map(Vec::as_slice).unwrap_or_default() {
                let ad = row
                    .get("AD_ID")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default();
                let Some((_, variant)) = owner.iter().find(|(id, _)| id == ad) else {
                    continue;
                };
                let Some(date) = row
                    .get("DATE")
                    .and_then(serde_json::Value::as_str)
                    .and_then(|d| switchboard_core::time::parse_date(d).ok())
                else {
                    continue;
                };
                let at = match out.iter().position(|d| d.variant == *variant && d.date == date) {
                    Some(at) => at,
                    None => {
                        out.push(VariantDay {
                            variant: variant.clone(),
                            date,
                            impressions: 0,
                            clicks: 0,
                            conversions: 0.0,
                            spend_micros: 0,
                            revenue_micros: 0,
                        });
                        out.len() - 1
                    }
                };
                let d = &mut out[at];
                d.impressions += number(row, "IMPRESSION_1") as u64;
                d.clicks += number(row, "CLICKTHROUGH_1") as u64;
                d.conversions += number(row, "TOTAL_CONVERSIONS");
                d.spend_micros = d
                    .spend_micros
                    .saturating_add(number(row, "SPEND_IN_MICRO_DOLLAR") as i64);
                d.revenue_micros = d
                    .revenue_micros
                    .saturating_add(number(row, "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR") as i64);
            }
        }
        Ok(out)
    }

    /// The `items` a list tool answers on the project's `platform` connection (none without one).
    async fn listed(
        &self,
        project: &ProjectId,
        platform: Platform,
        tool: &str,
        params: serde_json::Value,
    ) -> Result<Vec<serde_json::Value>, ServiceError> {
        let Some(connection) = self.connection(project, platform).await? else {
            return Ok(Vec::new());
        };
        let page = self.tools.run(platform, tool, &connection, params).await?;
        Ok(page
            .get("items")
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// The ads or ad groups (by `level`) of the project's `platform` account with these ids: id
    /// to name.
    async fn named(
        &self,
        project: &ProjectId,
        platform: Platform,
        level: Level,
        ids: &[&str],
    ) -> Result<Vec<(String, String)>, ServiceError> {
        let (tool, key) = match level {
            Level::AdGroups => ("list_ad_groups", "ad_group_ids"),
            _ => ("list_ads", "ad_ids"),
        };
        let items = self
            .listed(
                project,
                platform,
                tool,
                serde_json::json!({key: ids, "entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 250}),
            )
            .await?;
        Ok(items
            .iter()
            .filter_map(|ad| {
                let id = ad.get("id")?.as_str()?.to_owned();
                let name = ad
                    .get("name")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(&id)
                    .to_owned();
                Some((id, name))
            })
            .collect())
    }

    /// Pinterest's ads with their ad group's id and their delivery over `[from, to]` (per day).
    async fn ad_objects(
        &self,
        project: &ProjectId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, ExperimentObject)>, ServiceError> {
        let platform = Platform::Pinterest;
        let statuses = serde_json::json!({"entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 250});
        let ads = self
            .listed(project, platform, "list_ads", statuses.clone())
            .await?;
        let Some(connection) = self
            .connection(project, platform)
            .await?
            .filter(|_| !ads.is_empty())
        else {
            return Ok(Vec::new());
        };
        let groups = self.listed(project, platform, "list_ad_groups", statuses).await?;
        let text = |v: &serde_json::Value, k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let ids: Vec<String> = ads.iter().map(|a| text(a, "id")).collect();
        let totals = self
            .tools
            .run(
                platform,
                "get_ad_analytics",
                &connection,
                serde_json::json!({"ad_ids": ids, "start_date": switchboard_core::time::date_text(from),
                       "end_date": switchboard_core::time::date_text(to), "granularity": "TOTAL",
                       "columns": ["IMPRESSION_1", "CLICKTHROUGH_1", "TOTAL_CONVERSIONS"]}),
            )
            .await?;
        let totals = totals.as_array().cloned().unwrap_or_default();
        let days = (to - from).num_days().max(0) as f64 + 1.0;
        Ok(ads
            .iter()
            .map(|a| {
                let id = text(a, "id");
                let sum = |k: &str| {
                    totals
                        .iter()
                        .filter(|r| r.get("AD_ID").and_then(serde_json::Value::as_str) == Some(id.as_str()))
                        .filter_map(|r| r.get(k).and_then(serde_json::Value::as_f64))
                        .sum::<f64>()
                        / days
                };
                let group_id = text(a, "ad_group_id");
                let group = groups
                    .iter()
                    .find(|g| text(g, "id") == group_id)
                    .map(|g| text(g, "name"))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| group_id.clone());
                let object = ExperimentObject {
                    daily_impressions: sum("IMPRESSION_1"),
                    daily_clicks: sum("CLICKTHROUGH_1"),
                    daily_conversions: sum("TOTAL_CONVERSIONS"),
                    active: text(a, "status") == "ACTIVE",
                    name: Some(text(a, "name"))
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| id.clone()),
                    id,
                    group: Some(group),
                    group_id: Some(group_id.clone()),
                };
                (group_id, object)
            })
            .collect())
    }

    /// Makes the new ads a test asks for (a Pin each, promoted in the control's ad group, delivering
    /// at once) through Pinterest's `create_ads`: answers each new ad's variant position, id and
    /// name. A Pin the platform refuses is named in the error (the ads already made stay, paused
    /// by nobody: they are listed in the log).
    async fn make_ads(&self, input: &NewExperiment) -> Result<Vec<(usize, String, String)>, ServiceError> {
        let Some(connection) = self.connection(&input.project_id, input.platform).await? else {
            return Err(ServiceError::field(
                "platform",
                format!(
                    "this project has no {} connection to make the ads on",
                    input.platform.label()
                ),
            ));
        };
        let control = input
            .variants
            .iter()
            .find(|v| v.control)
            .and_then(NewVariant::object_id)
            .ok_or_else(|| ServiceError::field("variants", "the control must be an existing ad"))?;
        let listed = self
            .listed(
                &input.project_id,
                input.platform,
                "list_ads",
                serde_json::json!({"ad_ids": [control], "entity_statuses": ["ACTIVE", "PAUSED"]}),
            )
            .await?;
        let group = listed
            .first()
            .and_then(|ad| ad.get("ad_group_id"))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| {
                ServiceError::field("variants", format!("the control ad '{control}' has no ad group"))
            })?
            .to_owned();
        let wanted: Vec<(usize, &str, Option<&str>)> = input
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match &v.object {
                VariantObject::NewAd { pin_id } => Some((i, pin_id.as_str(), v.name.as_deref())),
                VariantObject::Existing(_) => None,
            })
            .collect();
        let items: Vec<serde_json::Value> = wanted
            .iter()
            .map(|(_, pin, name)| {
                let mut item = serde_json::json!({"ad_group_id": group, "pin_id": pin, "creative_type": "REGULAR", "status": "ACTIVE"});
                if let Some(n) = name {
                    item["name"] = serde_json::json!(n);
                }
                item
            })
            .collect();
        let answer = self
            .tools
            .run(
                input.platform,
                "create_ads",
                &connection,
                serde_json::json!({"items": items}),
            )
            .await?;
        let answered = answer
            .get("items")
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut made = Vec::new();
        let mut errors = FieldErrors::new();
        for ((i, pin, _), item) in wanted
            .iter()
            .zip(answered.iter().chain(std::iter::repeat(&serde_json::Value::Null)))
        {
            match item.pointer("/data/id").and_then(serde_json::Value::as_str) {
                Some(id) => {
                    let name = item
                        .pointer("/data/name")
                        .and_then(serde_json::Value::as_str)
                        .filter(|n| !n.is_empty())
                        .map_or_else(|| format!("Pin {pin}"), str::to_owned);
                    tracing::info!(ad = id, pin, "a new ad was made for an experiment");
                    made.push((*i, id.to_owned(), name));
                }
                None => {
                    let why = item
                        .pointer("/exceptions/message")
                        .or_else(|| item.pointer("/exceptions/0/message"))
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("refused");
                    errors.add(
                        &format!("variants[{i}].pin_id"),
                        format!("Pinterest did not make the ad: {why}"),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        Ok(made)
    }

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

    /// The project's workflow that applies winners (a SocialMediaBuyer stage applying the run's
    /// `experiment_id`, changes made at once), made on first use.
    async fn apply_workflow(
        &self,
        project: &ProjectId,
    ) -> Result<switchboard_core::workflow::Workflow, ServiceError> {
        if let Some(w) = self
            .workflows
            .list(Some(project))
            .await?
            .into_iter()
            .find(|w| w.template_id.as_deref() == Some(APPLY_TEMPLATE))
        {
            return Ok(w);
        }
        use switchboard_core::approval::{ApprovalMode, ApprovalPolicy};
        use switchboard_core::workflow::{Agent, StageDef, Trigger, WorkflowDraft};
        let draft = WorkflowDraft {
            project_id: Some(project.clone()),
            name: "Apply A/B test winners".to_owned(),
            description: Some(
                "Started by an experiment's Apply (or its auto-apply): pauses the losing variants and moves their \
                 daily budget to the winner. Changes are made at once; set the approval to propose to review them first."
                    .to_owned(),
            ),
            trigger: Trigger::Manual,
            schedule: None,
            stages: vec![StageDef {
                id: "apply".to_owned(),
                name: "Apply the winner".to_owned(),
                agent: Agent::SocialMediaBuyer,
                action: "apply_experiment".to_owned(),
                params: serde_json::json!({}),
            }],
            approval: ApprovalPolicy {
                mode: ApprovalMode::Auto,
                ..ApprovalPolicy::default()
            },
            template_id: Some(APPLY_TEMPLATE.to_owned()),
        };
        Ok(self.workflows.create(draft, "system").await?)
    }

    /// Starts (or finds going, or finds done) the run that applies `e`'s winner.
    async fn start_apply(&self, mut e: Experiment, who: &str) -> Result<Experiment, ServiceError> {
        match e.status {
            ExperimentStatus::Applied => return Ok(e),
            ExperimentStatus::Decided if e.winner.is_some() => {}
            ExperimentStatus::Decided => {
                return Err(ServiceError::Conflict(format!(
                    "experiment '{}' was decided without a winner (no difference): there is nothing to apply",
                    e.id
                )));
            }
            _ => return Err(conflict(&e, "applied (it has no winner yet)")),
        }
        if let Some(run) = &e.applied_by {
            match self.executions.get(run).await {
                Ok(d) if !d.execution.status.is_terminal() => return Ok(e),
                Ok(d) if d.execution.status == switchboard_core::execution::ExecutionStatus::Completed => {
                    self.ended(&mut e, &d).await?;
                    return Ok(e);
                }
                Ok(_) | Err(RepoError::NotFound { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        let workflow = self.apply_workflow(&e.project_id).await?;
        let input = serde_json::json!({"trigger": "experiment", "experiment_id": e.id, "by": who});
        let run = self
            .engine
            .start(&workflow.id, Some(&e.project_id), input, false)
            .await?;
        e.applied_by = Some(run.id.clone());
        e.updated_at = now();
        self.experiments.save(&e).await?;
        self.experiments
            .add_entry(
                &e.id,
                &entry(
                    "applying",
                    format!("Apply started by {who}: run {}.", run.id),
                    e.winner.clone(),
                    None,
                ),
            )
            .await?;
        tracing::info!(experiment = %e.id, run = %run.id, who, "applying the winner");
        Ok(e)
    }

    /// Writes what an apply's ended run came to.
    async fn ended(
        &self,
        e: &mut Experiment,
        run: &switchboard_core::execution::ExecutionDetail,
    ) -> Result<(), ServiceError> {
        use switchboard_core::execution::ExecutionStatus;
        if e.status != ExperimentStatus::Decided || e.applied_by.as_ref() != Some(&run.execution.id) {
            return Ok(());
        }
        let said = run
            .stages
            .iter()
            .find_map(|s| s.output.as_ref()?.get("summary")?.as_str().map(str::to_owned));
        match run.execution.status {
            ExecutionStatus::Completed => {
                e.status = ExperimentStatus::Applied;
                e.updated_at = now();
                self.experiments.save(e).await?;
                let message = format!(
                    "Applied by run {}: {}.",
                    run.execution.id,
                    said.unwrap_or_else(|| "done".to_owned()).trim_end_matches('.')
                );
                self.experiments
                    .add_entry(&e.id, &entry("applied", message, e.winner.clone(), None))
                    .await?;
                tracing::info!(experiment = %e.id, run = %run.execution.id, "winner applied");
            }
            status if status.is_terminal() => {
                let told = self
                    .experiments
                    .history(&e.id, 1)
                    .await?
                    .first()
                    .is_some_and(|l| {
                        l.state == "apply_failed" && l.message.contains(run.execution.id.as_str())
                    });
                if told {
                    return Ok(());
                }
                let why = run
                    .execution
                    .error
                    .clone()
                    .unwrap_or_else(|| status.as_str().to_owned());
                self.experiments
                    .add_entry(
                        &e.id,
                        &entry(
                            "apply_failed",
                            format!(
                                "The apply run {} ended {}: {why}. Apply again to retry.",
                                run.execution.id,
                                status.as_str()
                            ),
                            e.winner.clone(),
                            None,
                        ),
                    )
                    .await?;
                tracing::warn!(experiment = %e.id, run = %run.execution.id, error = %why, "the winner was not applied");
            }
            _ => {}
        }
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

/// Calls of at least this many tests are shared out over the cores.
const PARALLEL_FROM: usize = 2_000;

/// Works out each two-arm test, in order; a large call on every core (each test stands alone).
pub fn calculate_all(tests: &[AbInput]) -> Result<Vec<AbResult>, ServiceError> {
    // The parser checked every count; a refusal here names the test all the same.
    let one = |i: usize, t: &AbInput| {
        calculator::calculate(t)
            .map_err(|e| ServiceError::field(&format!("tests[{i}].{}", e.field()), e.to_string()))
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if tests.len() < PARALLEL_FROM || cores < 2 {
        return tests.iter().enumerate().map(|(i, t)| one(i, t)).collect();
    }
    let size = tests.len().div_ceil(cores);
    std::thread::scope(|s| {
        let parts: Vec<_> = tests
            .chunks(size)
            .enumerate()
            .map(|(c, part)| {
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(j, t)| one(c * size + j, t))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(tests.len());
        for part in parts {
            let done = part.join().map_err(|_| {
                tracing::error!("a thread of the A/B calculator panicked");
                ServiceError::Internal
            })?;
            out.extend(done?);
        }
        Ok(out)
    })
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
        if let Err(RepoError::NotFound { .. }) = self.projects.get(project).await {
            return Err(ServiceError::field(
                "project_id",
                format!("no project '{project}'"),
            ));
        }
        let to = today() - chrono::Days::new(1);
        let from = to - chrono::Days::new(u64::from(OBJECT_DAYS - 1));
        let per_day = |x: f64| x / f64::from(OBJECT_DAYS);
        let mut out = Vec::new();
        match (level, platform) {
            (Level::Campaigns, _) => {
                let page = self
                    .campaigns
                    .list(&CampaignQuery {
                        project_id: Some(project.clone()),
                        platform: Some(platform),
                        limit: 200,
                        ..CampaignQuery::default()
                    })
                    .await?;
                for c in page.items {
                    let days = self.metrics.campaign_daily(&c.id, Some(from), Some(to)).await?;
                    let sum = |f: &dyn Fn(&switchboard_core::metrics::MetricValues) -> f64| {
                        days.iter().map(|d| f(&d.values)).sum::<f64>()
                    };
                    out.push(ExperimentObject {
                        daily_impressions: per_day(sum(&|v| v.impressions as f64)),
                        daily_clicks: per_day(sum(&|v| v.clicks as f64)),
                        daily_conversions: per_day(sum(&|v| v.conversions)),
                        active: c.status == switchboard_core::campaign::CampaignStatus::Active,
                        id: c.external_id,
                        name: c.name,
                        group: None,
                        group_id: None,
                    });
                }
            }
            (Level::Ads, Platform::Pinterest) => {
                out = self
                    .ad_objects(project, from, to)
                    .await?
                    .into_iter()
                    .map(|(_, o)| o)
                    .collect();
            }
            (Level::AdGroups, Platform::Pinterest) => {
                let ads = self.ad_objects(project, from, to).await?;
                let groups = self
                    .listed(
                        project,
                        platform,
                        "list_ad_groups",
                        serde_json::json!({"entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 250}),
                    )
                    .await?;
                for g in &groups {
                    let text = |k: &str| g.get(k).and_then(serde_json::Value::as_str).unwrap_or_default();
                    let id = text("id").to_owned();
                    let mine = ads.iter().filter(|(group, _)| *group == id).map(|(_, o)| o);
                    let (mut i, mut c, mut v) = (0.0, 0.0, 0.0);
                    for o in mine {
                        (i, c, v) = (
                            i + o.daily_impressions,
                            c + o.daily_clicks,
                            v + o.daily_conversions,
                        );
                    }
                    out.push(ExperimentObject {
                        name: Some(text("name").to_owned())
                            .filter(|n| !n.is_empty())
                            .unwrap_or_else(|| id.clone()),
                        active: text("status") == "ACTIVE",
                        id,
                        group: None,
                        group_id: None,
                        daily_impressions: i,
                        daily_clicks: c,
                        daily_conversions: v,
                    });
                }
            }
            (_, _) => {
                return Err(ServiceError::field(
                    "level",
                    "ads and ad groups can be tested on Pinterest; on Google and Meta, test campaigns",
                ));
            }
        }
        // Delivering first, then the busiest.
        out.sort_by(|a, b| {
            b.active
                .cmp(&a.active)
                .then(b.daily_impressions.total_cmp(&a.daily_impressions))
        });
        Ok(out)
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
                let what = match input.level {
                    Level::Ads => "ad",
                    Level::AdGroups => "ad group",
                    Level::Campaigns => "campaign",
                };
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
        e.updated_at = now();
        self.experiments.save(&e).await?;
        self.experiments
            .add_entry(&e.id, &entry("started", format!("Started by {who}."), None, None))
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
        e.updated_at = now();
        self.experiments.save(&e).await?;
        self.experiments
            .add_entry(
                &e.id,
                &entry(
                    "stopped",
                    format!("Stopped by {who}, without a decision."),
                    None,
                    e.ended_on,
                ),
            )
            .await?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::stats::calculator::TestMode;
    use switchboard_core::stats::proportions::Arm;

    #[test]
    fn a_large_call_shared_out_over_the_cores_answers_in_order() {
        let tests: Vec<AbInput> = (0..5_000u64)
            .map(|i| AbInput {
                a: Arm {
                    conversions: 30 + i % 17,
                    visitors: 1_000 + i,
                },
                b: Arm {
                    conversions: 36 + i % 23,
                    visitors: 1_000 + 2 * i,
                },
                mode: if i % 2 == 0 {
                    TestMode::Fixed
                } else {
                    TestMode::Sequential
                },
                alpha: 0.05,
                tuning: switchboard_core::stats::sequential::DEFAULT_TUNING,
            })
            .collect();
        let one_by_one: Vec<AbResult> = tests
            .iter()
            .map(|t| calculator::calculate(t).expect("valid"))
            .collect();
        assert_eq!(calculate_all(&tests).expect("valid"), one_by_one);
    }
}
