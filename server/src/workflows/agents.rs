//! Agents at work: each action reads the project's connections through connector tools, decides
//! with `switchboard_core::agents::decide`, writes through tools with idempotency keys, and says
//! what it read, decided and why as `agent.reasoning` events.

use serde_json::{Value, json};
use std::collections::HashMap;
use switchboard_core::Platform;
use switchboard_core::agents::decide::{self, CampaignPerf, Steps};
use switchboard_core::agents::lessons::{self, Moves};
use switchboard_core::agents::platform::{self as adapt, Call};
use switchboard_core::agents::{find_action, resolve_action};
use switchboard_core::approval::{ChangeDecision, ChangeKind, ProposedChange};
use switchboard_core::connection::{Connection, ConnectionStatus};
use switchboard_core::connectors::ConnectorError;
use switchboard_core::execution::ToolCallScope;
use switchboard_core::memory::recommend::recommend;
use switchboard_core::memory::{Memory, MemoryContext, RecallQuery, Recalled};
use switchboard_core::ports::{Repos, ToolRunError};
use switchboard_core::run_event::RunEvent;
use switchboard_core::service::MemoryService;
use switchboard_core::vertical::Vertical;
use switchboard_core::workflow::{Agent, StageDef};
use switchboard_core::{ExecutionId, ProjectId};

mod winner;

/// Why a stage did not finish.
#[derive(Debug, Clone, PartialEq)]
pub enum StageError {
    /// May pass: a rate limit, a platform outage, a timeout.
    Retryable(String),
    /// Will not pass by trying again.
    Fatal(String),
}

impl std::fmt::Display for StageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StageError::Retryable(m) | StageError::Fatal(m) => f.write_str(m),
        }
    }
}

impl From<ToolRunError> for StageError {
    fn from(e: ToolRunError) -> Self {
        match &e {
            ToolRunError::Connector(ConnectorError::RateLimited { .. } | ConnectorError::Transient(_)) => {
                StageError::Retryable(e.to_string())
            }
            ToolRunError::Repo(switchboard_core::RepoError::Storage(_)) => {
                StageError::Retryable(e.to_string())
            }
            _ => StageError::Fatal(e.to_string()),
        }
    }
}

impl From<switchboard_core::RepoError> for StageError {
    fn from(e: switchboard_core::RepoError) -> Self {
        match e {
            switchboard_core::RepoError::Storage(_) => StageError::Retryable("storage is busy".into()),
            other => StageError::Fatal(other.to_string()),
        }
    }
}

pub struct StageContext<'a> {
    pub services: &'a Repos,
    pub execution: &'a ExecutionId,
    pub project: Option<&'a ProjectId>,
    pub stage: &'a StageDef,
    pub stage_position: u32,
    /// Which attempt at the stage this is (1 for the first), as recorded before it started.
    pub attempt: u32,
    pub today: chrono::NaiveDate,
    /// The agents' memory, recalled before deciding (`None`: decided as if nothing was learned).
    pub memory: Option<&'a dyn MemoryService>,
    /// The stage's output from before it waited for approval, when it did.
    pub earlier: Option<&'a Value>,
    /// The run's input (what started it gave).
    pub input: &'a Value,
}

/// Learnings recalled per question (the best fitting are kept).
const RECALL: usize = 50;
/// Learnings a stage lists in its output per question.
const LISTED: usize = 5;

fn num(p: &Value, key: &str, default: f64) -> f64 {
    p.get(key).and_then(Value::as_f64).unwrap_or(default)
}

fn micros(units: f64) -> i64 {
    (units * 1e6).round() as i64
}

impl StageContext<'_> {
    /// Says what the agent is doing, in the execution's log.
    pub(super) async fn reason(&self, message: impl Into<String>) {
        let (kind, data) = RunEvent::Reasoning {
            stage_id: self.stage.id.clone(),
            agent: self.stage.agent,
            message: message.into(),
        }
        .into_parts();
        if let Err(e) = self.services.events.record(self.execution, kind, data).await {
            tracing::warn!(execution = %self.execution, error = %e, "cannot record reasoning");
        }
    }

    fn scope(&self, c: &Connection, key: Option<String>) -> ToolCallScope {
        ToolCallScope {
            execution: self.execution.clone(),
            stage_id: Some(self.stage.id.clone()),
            agent: Some(self.stage.agent.as_str().to_owned()),
            idempotency_key: key.map(|k| format!("{}/{}/{k}", self.execution, self.stage.id)),
            first_attempt: self.attempt == 1,
            connection: Some(c.clone()),
        }
    }

    async fn call(&self, c: &Connection, call: &Call, key: Option<String>) -> Result<Value, StageError> {
        Ok(self
            .services
            .tools
            .run_in(
                &self.scope(c, key),
                c.platform,
                call.tool,
                &c.id,
                call.params.clone(),
            )
            .await?)
    }

    /// The project's active connections on `platforms`, narrowed by the stage's `platforms` param.
    async fn connections(&self, platforms: &[Platform]) -> Result<Vec<Connection>, StageError> {
        let project = self.project.ok_or_else(|| {
            StageError::Fatal("the run has no project, and agents work on a project's connections".into())
        })?;
        let wanted: Vec<String> = self.stage.params["platforms"]
            .as_array()
            .map(|p| p.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(self
            .services
            .connections
            .list(Some(project))
            .await?
            .into_iter()
            .filter(|c| c.status == ConnectionStatus::Active && platforms.contains(&c.platform))
            .filter(|c| wanted.is_empty() || wanted.iter().any(|w| w == c.platform.as_str()))
            .collect())
    }

    /// The project's name and vertical, for the memory's questions and words.
    async fn project_words(&self) -> (String, Option<Vertical>) {
        let Some(id) = self.project else {
            return ("this project".to_owned(), None);
        };
        match self.services.projects.get(id).await {
            Ok(p) => (p.name, p.vertical),
            Err(e) => {
                tracing::warn!(execution = %self.execution, error = %e, "cannot read the project for recall");
                (id.to_string(), None)
            }
        }
    }

    /// What the memory says of a kind of move (budgets, bids) on a platform for this project: the
    /// step each way (halved where the same move went badly here), said in the log with the
    /// learnings it rests on, which are added to `recalled`.
    async fn recall_steps(
        &self,
        platform: Platform,
        vertical: Option<Vertical>,
        max: f64,
        moves: &Moves,
        recalled: &mut Vec<Recalled>,
    ) -> Steps {
        let context = lessons::context_words(platform, vertical);
        let mut sides: Vec<Vec<Recalled>> = Vec::new();
        if let (Some(memory), Some(project)) = (self.memory, self.project) {
            for action in [moves.raise, moves.cut] {
                let query = RecallQuery {
                    project_id: Some(project.clone()),
                    context: MemoryContext {
                        platform: Some(platform),
                        vertical,
                        ..Default::default()
                    },
                    action: Some(action),
                    limit: RECALL,
                    ..Default::default()
                };
                match memory.recall(&query).await {
                    Ok(found) => sides.push(
                        found
                            .into_iter()
                            .filter(|r| lessons::relevant(&r.memory, action, platform, vertical))
                            .collect(),
                    ),
                    Err(e) => {
                        tracing::warn!(execution = %self.execution, error = %e, "cannot recall");
                        self.reason(format!(
                            "The memory could not be read: {} {context} are decided without it (steps of {:.0}%)",
                            moves.both,
                            max * 100.0
                        ))
                        .await;
                        return Steps::even(max);
                    }
                }
            }
        } else {
            sides = vec![Vec::new(), Vec::new()];
        }
        let recommendations: Vec<_> = [moves.raise, moves.cut]
            .iter()
            .zip(&sides)
            .map(|(action, found)| {
                let asked = RecallQuery {
                    context: MemoryContext {
                        platform: Some(platform),
                        vertical,
                        ..Default::default()
                    },
                    action: Some(*action),
                    ..Default::default()
                };
                recommend(found, &asked).into_iter().next()
            })
            .collect();
        let memories: Vec<Vec<&Memory>> = sides
            .iter()
            .map(|s| s.iter().map(|r| &r.memory).collect())
            .collect();
        let side = |i: usize| lessons::Side {
            recommendation: recommendations[i].as_ref(),
            learnings: &memories[i],
        };
        let (steps, lines) = lessons::steps(max, moves, side(0), side(1), &context);
        for line in lines {
            self.reason(line).await;
        }
        for found in sides {
            for r in found.into_iter().take(LISTED) {
                if !recalled.iter().any(|x| x.memory.id == r.memory.id) {
                    recalled.push(r);
                }
            }
        }
        steps
    }

    /// What the memory already says about the project (its own learnings and agency-wide ones),
    /// one line each ("Known: …" citing the id), said in the log.
    async fn recall_known(&self, project_name: &str) -> (Vec<String>, Vec<Recalled>) {
        let mut found = Vec::new();
        if let (Some(memory), Some(project)) = (self.memory, self.project) {
            let query = RecallQuery {
                project_id: Some(project.clone()),
                limit: RECALL,
                ..Default::default()
            };
            match memory.recall(&query).await {
                Ok(all) => {
                    found = all
                        .into_iter()
                        .filter(|r| r.memory.project_id.as_ref().is_none_or(|p| p == project))
                        .take(LISTED)
                        .collect();
                }
                Err(e) => {
                    tracing::warn!(execution = %self.execution, error = %e, "cannot recall");
                    let line =
                        "The memory could not be read: the report stands on this period's figures alone"
                            .to_owned();
                    self.reason(line.clone()).await;
                    return (vec![line], Vec::new());
                }
            }
        }
        let memories: Vec<&Memory> = found.iter().map(|r| &r.memory).collect();
        let lines = lessons::known(&memories, project_name);
        for line in &lines {
            self.reason(line.clone()).await;
        }
        (lines, found)
    }

    fn lookback(&self, default: i64) -> (chrono::NaiveDate, chrono::NaiveDate) {
        let p = &self.stage.params;
        let days = p["lookback_days"]
            .as_i64()
            .or_else(|| p["lookbackDays"].as_i64())
            .unwrap_or(default)
            .clamp(1, 90);
        let to = self.today - chrono::Days::new(1);
        (to - chrono::Days::new(u64::try_from(days - 1).unwrap_or(0)), to)
    }

    /// A connection's campaigns with their performance over the period.
    async fn read(
        &self,
        c: &Connection,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<CampaignPerf>, StageError> {
        let listed = adapt::read_campaigns(
            c.platform,
            &self.call(c, &adapt::list_campaigns(c.platform), None).await?,
            c.currency,
        );
        let ids: Vec<String> = listed.iter().map(|l| l.id.clone()).collect();
        let perf = if ids.is_empty() {
            Vec::new()
        } else {
            adapt::read_performance(
                c.platform,
                &self
                    .call(c, &adapt::performance(c.platform, from, to, &ids), None)
                    .await?,
            )
        };
        Ok(adapt::join(c.platform, listed, &perf))
    }

    async fn read_all(
        &self,
        connections: &[Connection],
        default_days: i64,
    ) -> Result<Vec<CampaignPerf>, StageError> {
        Ok(self
            .read_each(connections, default_days)
            .await?
            .into_iter()
            .flat_map(|(_, campaigns)| campaigns)
            .collect())
    }

    /// Each connection's campaigns: changes are decided per ad account (each keeps its own
    /// budget) and made on the account the campaign belongs to.
    async fn read_each<'c>(
        &self,
        connections: &'c [Connection],
        default_days: i64,
    ) -> Result<Vec<(&'c Connection, Vec<CampaignPerf>)>, StageError> {
        let (from, to) = self.lookback(default_days);
        let mut all = Vec::new();
        for c in connections {
            let campaigns = self.read(c, from, to).await?;
            self.reason(format!(
                "Read {} campaigns on {} ({}) from {from} to {to}",
                campaigns.len(),
                c.platform.label(),
                c.name.as_deref().unwrap_or(&c.account_id)
            ))
            .await;
            all.push((c, campaigns));
        }
        Ok(all)
    }
}

/// Runs a stage's action; its output is what the stage reports.
pub async fn run(ctx: &StageContext<'_>) -> Result<StageOutcome, StageError> {
    let def = ctx.stage;
    let spec = find_action(def.agent, &def.action)
        .ok_or_else(|| StageError::Fatal(format!("{} has no action '{}'", def.agent, def.action)))?;
    let action = resolve_action(def.agent, &def.action).unwrap_or("report");
    let connections = ctx.connections(spec.platforms).await?;
    if connections.is_empty() {
        let names: Vec<&str> = spec.platforms.iter().map(|p| p.label()).collect();
        let message = format!(
            "No active connection on {} for this project: nothing to do",
            names.join(" or ")
        );
        ctx.reason(message.clone()).await;
        return Ok(StageOutcome::Done(json!({"summary": message, "skipped": true})));
    }
    use StageOutcome::{Changes, Done};
    Ok(match (def.agent, action) {
        (_, "report") => Done(report(ctx, &connections).await?),
        (Agent::Strategist, "plan") => Done(plan(ctx, &connections).await?),
        (Agent::SocialMediaBuyer, "launch") => Changes(launch(ctx, &connections)),
        (Agent::SocialMediaBuyer, "promote_pins") => Changes(promote_pins(ctx, &connections).await?),
        (Agent::SocialMediaBuyer, "pause_underperformers") => Changes(pause(ctx, &connections).await?),
        (Agent::Trader, "rebalance_budgets") => Changes(rebalance(ctx, &connections).await?),
        (Agent::Trader, "adjust_bids") => Changes(adjust_bids(ctx, &connections).await?),
        (Agent::SocialMediaBuyer, "apply_experiment") => Changes(winner::plan(ctx, &connections).await?),
        (agent, other) => return Err(StageError::Fatal(format!("{agent} cannot {other}"))),
    })
}

/// The stage's connections for applying its changes (the same the action read).
pub async fn connections_for(ctx: &StageContext<'_>) -> Result<Vec<Connection>, StageError> {
    let def = ctx.stage;
    let spec = find_action(def.agent, &def.action)
        .ok_or_else(|| StageError::Fatal(format!("{} has no action '{}'", def.agent, def.action)))?;
    ctx.connections(spec.platforms).await
}

/// The action a stage's definition resolves to (`report` for legacy words it cannot place).
pub fn action_of(def: &StageDef) -> &'static str {
    resolve_action(def.agent, &def.action).unwrap_or("report")
}

async fn report(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
    let (project_name, _) = ctx.project_words().await;
    let (known, recalled) = ctx.recall_known(&project_name).await;
    let campaigns = ctx.read_all(connections, 7).await?;
    let report = decide::report(&campaigns);
    for finding in &report.findings {
        ctx.reason(finding.clone()).await;
    }
    let (from, to) = ctx.lookback(7);
    let summary = format!(
        "{} campaigns on {} platforms: spend {:.2}, {} conversions, ROAS {}",
        report.campaigns.len(),
        report.platforms.len(),
        report.total.spend_micros as f64 / 1e6,
        report.total.conversions,
        report.total.roas.map_or("—".to_owned(), |r| format!("{r:.2}"))
    );
    Ok(
        json!({"summary": summary, "period": {"from": from, "to": to}, "report": report,
              "known": known, "recalled": listed(&recalled)}),
    )
}

async fn plan(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
    let campaigns = ctx.read_all(connections, 30).await?;
    let mut platforms: Vec<(Platform, switchboard_core::metrics::MetricValues)> = Vec::new();
    for c in connections {
        if !platforms.iter().any(|(p, _)| *p == c.platform) {
            platforms.push((c.platform, Default::default()));
        }
    }
    for c in &campaigns {
        if let Some((_, m)) = platforms.iter_mut().find(|(p, _)| *p == c.platform) {
            m.add(&c.metrics);
        }
    }
    let today_budget: i64 = campaigns
        .iter()
        .filter(|c| c.active)
        .map(|c| c.daily_budget_micros)
        .sum();
    let budget = ctx.stage.params["daily_budget"]
        .as_f64()
        .map_or(today_budget, micros);
    let p = &ctx.stage.params;
    let shares = decide::plan_split(
        &platforms,
        budget,
        num(p, "min_share", 0.1),
        num(p, "max_share", 0.7),
    );
    for s in &shares {
        ctx.reason(s.reason.clone()).await;
    }
    Ok(json!({
        "summary": format!("Split {:.2} a day across {} platforms", budget as f64 / 1e6, shares.len()),
        "daily_budget_micros": budget,
        "plan": shares
    }))
}

/// The recalled learnings as a stage lists them: id, summary, score and why.
fn listed(recalled: &[Recalled]) -> Value {
    json!(
        recalled
            .iter()
            .map(|r| json!({
                "id": r.memory.id,
                "summary": r.memory.summary,
                "score": r.score,
                "why": switchboard_core::memory::recall::explain(r),
            }))
            .collect::<Vec<_>>()
    )
}

/// What a write action worked out: the changes it would make (none made yet) and what it says
/// besides.
pub struct Planned {
    pub output: Value,
    pub changes: Vec<ProposedChange>,
}

/// What a stage's action came to.
pub enum StageOutcome {
    /// The stage is done (it reads only, or had nothing to do).
    Done(Value),
    /// A write action's changes, to approve and apply (`apply`).
    Changes(Planned),
}

struct ChangeSpec<'a> {
    connection: &'a Connection,
    kind: ChangeKind,
    object_id: Option<String>,
    object_name: String,
    field: &'static str,
    from: Option<Value>,
    to: Value,
    why: String,
}

fn changes(specs: Vec<ChangeSpec<'_>>) -> Vec<ProposedChange> {
    specs
        .into_iter()
        .enumerate()
        .map(|(i, s)| ProposedChange {
            id: format!("c{}", i + 1),
            connection_id: s.connection.id.to_string(),
            platform: s.connection.platform,
            kind: s.kind,
            object_id: s.object_id,
            object_name: s.object_name,
            field: s.field.to_owned(),
            from: s.from,
            to: s.to,
            currency: Some(s.connection.currency),
            why: s.why,
            decision: ChangeDecision::Pending,
            applied: false,
            error: None,
            result: None,
        })
        .collect()
}

fn launch(ctx: &StageContext<'_>, connections: &[Connection]) -> Planned {
    let p = &ctx.stage.params;
    let name = p["name"].as_str().unwrap_or("New campaign");
    let budget = micros(num(p, "daily_budget", 0.0));
    let goal = p["goal"].as_str().unwrap_or("sales");
    let active = p["active"].as_bool().unwrap_or(false);
    let specs = connections
        .iter()
        .map(|c| ChangeSpec {
            connection: c,
            kind: ChangeKind::Create,
            object_id: None,
            object_name: name.to_owned(),
            field: "campaign",
            from: None,
            to: json!({"name": name, "daily_budget_micros": budget, "goal": goal, "active": active}),
            why: format!(
                "The workflow launches '{name}' on {} at {:.2} a day for {goal}, {}",
                c.platform.label(),
                budget as f64 / 1e6,
                if active {
                    "active at once"
                } else {
                    "paused until you turn it on"
                }
            ),
        })
        .collect();
    Planned {
        output: json!({"summary": format!("Launch '{name}' on {} platform(s)", connections.len())}),
        changes: changes(specs),
    }
}

async fn pause(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Planned, StageError> {
    let accounts = ctx.read_each(connections, 14).await?;
    let p = &ctx.stage.params;
    let mut decisions = Vec::new();
    let mut judged = 0;
    for (c, campaigns) in &accounts {
        judged += campaigns.len();
        for d in decide::underperformers(
            campaigns,
            micros(num(p, "min_spend", 50.0)),
            num(p, "cpa_multiple", 1.5),
        ) {
            decisions.push((*c, d));
        }
    }
    if decisions.is_empty() {
        ctx.reason("Every judged campaign is within the limit: nothing to pause")
            .await;
    }
    let mut specs = Vec::new();
    for (c, d) in &decisions {
        let c = *c;
        ctx.reason(format!(
            "Would pause '{}' on {}: {}",
            d.name,
            d.platform.label(),
            d.reason
        ))
        .await;
        specs.push(ChangeSpec {
            connection: c,
            kind: ChangeKind::Status,
            object_id: Some(d.campaign_id.clone()),
            object_name: d.name.clone(),
            field: "status",
            from: Some(json!("ACTIVE")),
            to: json!("PAUSED"),
            why: d.reason.clone(),
        });
    }
    Ok(Planned {
        output: json!({"summary": format!("{} of {judged} campaigns to pause", decisions.len())}),
        changes: changes(specs),
    })
}

async fn rebalance(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Planned, StageError> {
    let accounts = ctx.read_each(connections, 14).await?;
    let max = num(&ctx.stage.params, "max_change", 0.2);
    let (_, vertical) = ctx.project_words().await;
    let mut moves = Vec::new();
    let mut recalled = Vec::new();
    let mut steps: Vec<(Platform, Steps)> = Vec::new();
    for (c, campaigns) in &accounts {
        let s = match steps.iter().find(|(p, _)| *p == c.platform) {
            Some((_, s)) => *s,
            None => {
                let s = ctx
                    .recall_steps(c.platform, vertical, max, &lessons::BUDGETS, &mut recalled)
                    .await;
                steps.push((c.platform, s));
                s
            }
        };
        for m in decide::rebalance(campaigns, s) {
            moves.push((*c, m));
        }
    }
    if moves.is_empty() {
        ctx.reason("Returns are even enough: no budget moves").await;
    }
    let mut specs = Vec::new();
    for (c, ch) in &moves {
        let c = *c;
        ctx.reason(format!(
            "'{}' on {}: {:.2} → {:.2} a day ({})",
            ch.name,
            ch.platform.label(),
            ch.from_micros as f64 / 1e6,
            ch.to_micros as f64 / 1e6,
            ch.reason
        ))
        .await;
        specs.push(ChangeSpec {
            connection: c,
            kind: ChangeKind::Budget,
            object_id: Some(ch.campaign_id.clone()),
            object_name: ch.name.clone(),
            field: "daily_budget_micros",
            from: Some(json!(ch.from_micros)),
            to: json!(ch.to_micros),
            why: ch.reason.clone(),
        });
    }
    Ok(Planned {
        output: json!({"summary": format!("Budget moves on {} campaigns", moves.len()), "recalled": listed(&recalled)}),
        changes: changes(specs),
    })
}

async fn adjust_bids(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Planned, StageError> {
    let campaigns = ctx.read_all(connections, 14).await?;
    let max = num(&ctx.stage.params, "max_change", 0.2);
    let (_, vertical) = ctx.project_words().await;
    let mut recalled = Vec::new();
    let steps = if connections.iter().any(|c| c.platform == Platform::Google) {
        ctx.recall_steps(Platform::Google, vertical, max, &lessons::BIDS, &mut recalled)
            .await
    } else {
        Steps::even(max)
    };
    let mut specs = Vec::new();
    for c in connections.iter().filter(|c| c.platform == Platform::Google) {
        let mine: Vec<CampaignPerf> = campaigns
            .iter()
            .filter(|x| x.platform == c.platform)
            .cloned()
            .collect();
        let spend: i64 = mine.iter().map(|x| x.metrics.spend.get()).sum();
        let conversions: f64 = mine.iter().map(|x| x.metrics.conversions).sum();
        let target = match ctx.stage.params["target_cpa"].as_f64() {
            Some(t) => micros(t),
            None if conversions > 0.0 => (spend as f64 / conversions).round() as i64,
            None => {
                ctx.reason("No conversions to set a target from: bids stay").await;
                continue;
            }
        };
        let groups = ctx
            .call(
                c,
                &Call {
                    tool: "list_ad_groups",
                    params: json!({}),
                },
                None,
            )
            .await?;
        let rows: Vec<&Value> = groups["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["adGroup"]["status"] == "ENABLED")
            .collect();
        let names: HashMap<String, String> = rows
            .iter()
            .map(|r| {
                (
                    r["adGroup"]["id"].as_str().unwrap_or_default().to_owned(),
                    r["adGroup"]["name"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let groups: Vec<(String, String, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r["adGroup"]["id"].as_str().unwrap_or_default().to_owned(),
                    r["campaign"]["id"].as_str().unwrap_or_default().to_owned(),
                    r["adGroup"]["cpcBidMicros"]
                        .as_str()
                        .and_then(|b| b.parse().ok())
                        .unwrap_or(0),
                )
            })
            .collect();
        ctx.reason(format!(
            "Target cost per conversion {:.2}; {} ad groups to judge",
            target as f64 / 1e6,
            groups.len()
        ))
        .await;
        for ch in decide::bid_changes(&groups, &mine, target, steps) {
            ctx.reason(format!("Ad group {}: {}", ch.ad_group_id, ch.reason))
                .await;
            let name = names
                .get(&ch.ad_group_id)
                .filter(|n| !n.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("Ad group {}", ch.ad_group_id));
            specs.push(ChangeSpec {
                connection: c,
                kind: ChangeKind::Bid,
                object_id: Some(ch.ad_group_id.clone()),
                object_name: name,
                field: "cpc_bid_micros",
                from: Some(json!(ch.from_micros)),
                to: json!(ch.to_micros),
                why: ch.reason.clone(),
            });
        }
    }
    let n = specs.len();
    Ok(Planned {
        output: json!({"summary": format!("{n} bid changes"), "recalled": listed(&recalled)}),
        changes: changes(specs),
    })
}

async fn promote_pins(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Planned, StageError> {
    let p = &ctx.stage.params;
    let name = p["name"].as_str().unwrap_or("Pin promotion");
    let budget = micros(num(p, "daily_budget", 25.0));
    let active = p["active"].as_bool().unwrap_or(false);
    let max = usize::try_from(p["max_pins"].as_u64().unwrap_or(3)).unwrap_or(3);
    let countries = p["countries"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![json!("US")]);
    let mut specs = Vec::new();
    for c in connections {
        let pins = ctx
            .call(
                c,
                &Call {
                    tool: "list_pins",
                    params: json!({"page_size": 100}),
                },
                None,
            )
            .await?;
        let chosen: Vec<String> = match p["pin_ids"].as_array() {
            Some(ids) => ids.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            None => pins["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|x| x["has_been_promoted"] == false)
                .filter_map(|x| x["id"].as_str().map(str::to_owned))
                .take(max)
                .collect(),
        };
        if chosen.is_empty() {
            ctx.reason("No organic Pin left to promote on this account").await;
            continue;
        }
        ctx.reason(format!(
            "Would promote {} Pin(s): {}",
            chosen.len(),
            chosen.join(", ")
        ))
        .await;
        specs.push(ChangeSpec {
            connection: c,
            kind: ChangeKind::Create,
            object_id: None,
            object_name: name.to_owned(),
            field: "promotion",
            from: None,
            to: json!({"name": name, "daily_budget_micros": budget, "active": active,
                       "countries": countries, "pin_ids": chosen}),
            why: format!(
                "Promote {} organic Pin(s) at {:.2} a day, {}",
                chosen.len(),
                budget as f64 / 1e6,
                if active {
                    "active at once"
                } else {
                    "paused until you turn it on"
                }
            ),
        });
    }
    let n = specs.len();
    Ok(Planned {
        output: json!({"summary": format!("{n} promotion(s) to make")}),
        changes: changes(specs),
    })
}

/// Makes one approved change on its platform, exactly as proposed, with the idempotency key the
/// change's object gives (a resumed stage never makes it twice). `Ok(Err(_))` is a platform that
/// refused this change; `Err(_)` stops the stage (retried when it may pass).
pub async fn apply(
    ctx: &StageContext<'_>,
    connections: &[Connection],
    change: &ProposedChange,
) -> Result<Result<Value, String>, StageError> {
    let c = connections
        .iter()
        .find(|c| c.id.as_str() == change.connection_id)
        .ok_or_else(|| {
            StageError::Fatal(format!(
                "connection {} is no longer active: change {} cannot be applied",
                change.connection_id, change.id
            ))
        })?;
    let object = change.object_id.clone().unwrap_or_default();
    let to = &change.to;
    let money = |v: &Value| {
        v.as_i64()
            .ok_or_else(|| StageError::Fatal(format!("change {} has no amount", change.id)))
    };
    match (change.kind, change.field.as_str()) {
        (_, field @ ("ad_status" | "ad_group_status" | "ad_group_budget_micros")) => {
            let done = winner::apply_pinterest(ctx, c, field, &object, to).await?;
            let what = match field {
                "ad_status" => format!("paused ad '{}'", change.object_name),
                "ad_group_status" => format!("paused ad group '{}'", change.object_name),
                _ => format!(
                    "ad group '{}' budget {:.2} → {:.2} a day",
                    change.object_name,
                    change.from.as_ref().and_then(Value::as_i64).unwrap_or(0) as f64 / 1e6,
                    money(to)? as f64 / 1e6
                ),
            };
            ctx.reason(match &done {
                Ok(_) => format!("Applied: {what}"),
                Err(why) => format!("{} refused: {what} ({why})", c.platform.label()),
            })
            .await;
            Ok(done)
        }
        (ChangeKind::Budget, _) => {
            let call = adapt::set_budget(c.platform, &object, money(to)?, c.currency);
            ctx.call(c, &call, Some(format!("budget/{object}"))).await?;
            ctx.reason(format!(
                "Applied: '{}' budget {:.2} → {:.2} a day",
                change.object_name,
                change.from.as_ref().and_then(Value::as_i64).unwrap_or(0) as f64 / 1e6,
                money(to)? as f64 / 1e6
            ))
            .await;
            Ok(Ok(json!({"campaign_id": object})))
        }
        (ChangeKind::Bid, _) => {
            let call = Call {
                tool: "update_ad_group",
                params: json!({"ad_group_id": object, "cpc_bid_micros": money(to)?}),
            };
            ctx.call(c, &call, Some(format!("bid/{object}"))).await?;
            ctx.reason(format!(
                "Applied: {} bid {:.2}",
                change.object_name,
                money(to)? as f64 / 1e6
            ))
            .await;
            Ok(Ok(json!({"ad_group_id": object})))
        }
        (ChangeKind::Status, _) => {
            ctx.call(
                c,
                &adapt::pause(c.platform, &object),
                Some(format!("pause/{object}")),
            )
            .await?;
            ctx.reason(format!(
                "Applied: paused '{}' on {}",
                change.object_name,
                c.platform.label()
            ))
            .await;
            Ok(Ok(json!({"campaign_id": object})))
        }
        (ChangeKind::Create, "campaign") => {
            let name = to["name"].as_str().unwrap_or("New campaign");
            let goal = to["goal"].as_str().unwrap_or("sales");
            let active = to["active"].as_bool().unwrap_or(false);
            let budget = to["daily_budget_micros"].as_i64().unwrap_or(0);
            let call = adapt::launch(c.platform, name, budget, goal, active, c.currency);
            let answer = ctx.call(c, &call, Some(format!("launch/{}", c.id))).await?;
            Ok(match adapt::launched(c.platform, &answer) {
                Ok(id) => {
                    ctx.reason(format!(
                        "Launched '{name}' on {}: campaign {id}",
                        c.platform.label()
                    ))
                    .await;
                    Ok(json!({"campaign_id": id}))
                }
                Err(reason) => {
                    ctx.reason(format!("{} refused the campaign: {reason}", c.platform.label()))
                        .await;
                    Err(reason)
                }
            })
        }
        (ChangeKind::Create, _) => promote(ctx, c, to).await,
    }
}

/// A Pin promotion: a campaign, an ad group and one ad per Pin.
async fn promote(
    ctx: &StageContext<'_>,
    c: &Connection,
    to: &Value,
) -> Result<Result<Value, String>, StageError> {
    let name = to["name"].as_str().unwrap_or("Pin promotion");
    let budget = to["daily_budget_micros"].as_i64().unwrap_or(0);
    let status = if to["active"].as_bool().unwrap_or(false) {
        "ACTIVE"
    } else {
        "PAUSED"
    };
    let countries = to["countries"].as_array().cloned().unwrap_or_default();
    let chosen: Vec<String> = to["pin_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let key = |what: &str| Some(format!("promote/{}/{what}", c.id));
    let campaign = ctx
        .call(c, &Call { tool: "create_campaigns", params: json!({"items": [{"name": name, "objective_type": "CONSIDERATION", "status": status}]}) }, key("campaign"))
        .await?;
    let campaign_id = match adapt::launched(Platform::Pinterest, &campaign) {
        Ok(id) => id,
        Err(reason) => return Ok(Err(reason)),
    };
    let group = ctx
        .call(c, &Call { tool: "create_ad_groups", params: json!({"items": [{
            "campaign_id": campaign_id, "name": format!("{name} | {}", countries.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")),
            "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": budget, "status": status,
            "targeting_spec": {"LOCATION": countries}}]}) }, key("ad_group"))
        .await?;
    let Some(group_id) = group["items"][0]["data"]["id"].as_str().map(str::to_owned) else {
        return Ok(Err(format!(
            "Pinterest refused the ad group: {}",
            group["items"][0]["exceptions"]
        )));
    };
    let items: Vec<Value> = chosen
        .iter()
        .map(|pin| json!({"ad_group_id": group_id, "pin_id": pin, "creative_type": "REGULAR", "status": status}))
        .collect();
    let ads = ctx
        .call(
            c,
            &Call {
                tool: "create_ads",
                params: json!({"items": items}),
            },
            key("ads"),
        )
        .await?;
    let mut made = Vec::new();
    for (pin, item) in chosen
        .iter()
        .zip(ads["items"].as_array().cloned().unwrap_or_default())
    {
        match item["data"]["id"].as_str() {
            Some(id) => made.push(json!({"pin_id": pin, "ad_id": id})),
            None => {
                let why = item["exceptions"]["message"]
                    .as_str()
                    .or_else(|| item["exceptions"][0]["message"].as_str())
                    .unwrap_or("refused");
                ctx.reason(format!("Pin {pin} was not promoted: {why}")).await;
                made.push(json!({"pin_id": pin, "error": why}));
            }
        }
    }
    let promoted = made.iter().filter(|m| m.get("ad_id").is_some()).count();
    ctx.reason(format!("Promoted {promoted} Pin(s) in campaign {campaign_id}"))
        .await;
    Ok(Ok(
        json!({"campaign_id": campaign_id, "ad_group_id": group_id, "ads": made}),
    ))
}

/// What a write stage reports once its approved changes were applied.
pub fn applied_output(action: &str, base: &Value, changes: &[ProposedChange]) -> Value {
    let applied = changes.iter().filter(|c| c.applied).count();
    let failed = changes
        .iter()
        .filter(|c| c.is_approved() && c.error.is_some())
        .count();
    let not_approved = changes.iter().filter(|c| !c.is_approved()).count();
    let (verb, noun) = match action {
        "rebalance_budgets" => ("Moved budget on", "campaign(s)"),
        "pause_underperformers" => ("Paused", "campaign(s)"),
        "adjust_bids" => ("Moved", "bid(s)"),
        "launch" => ("Launched", "campaign(s)"),
        "apply_experiment" => ("Applied the winner:", "change(s)"),
        _ => ("Made", "promotion(s)"),
    };
    let mut summary = format!("{verb} {applied} {noun}");
    let mut notes = Vec::new();
    if not_approved > 0 {
        notes.push(format!(
            "{not_approved} of {} proposed not approved",
            changes.len()
        ));
    }
    if failed > 0 {
        notes.push(format!("{failed} refused by the platform"));
    }
    if !notes.is_empty() {
        summary.push_str(&format!(" ({})", notes.join(", ")));
    }
    let mut out = base.as_object().cloned().unwrap_or_default();
    out.insert("summary".into(), json!(summary));
    out.insert("changes".into(), json!(changes));
    out.insert("applied".into(), json!(applied));
    // What each made object became, as these actions have always reported it.
    let made = |c: &ProposedChange| {
        let mut m = json!({"platform": c.platform, "connection_id": c.connection_id});
        if let Some(Value::Object(r)) = &c.result {
            for (k, v) in r {
                m[k] = v.clone();
            }
        }
        if let Some(e) = &c.error {
            m["error"] = json!(e);
        }
        m
    };
    let tried = changes.iter().filter(|c| c.applied || c.error.is_some());
    match action {
        "launch" => {
            out.insert("launched".into(), json!(tried.map(made).collect::<Vec<_>>()));
        }
        "promote_pins" => {
            out.insert("promotions".into(), json!(tried.map(made).collect::<Vec<_>>()));
        }
        _ => {}
    }
    Value::Object(out)
}

/// The counts a stage's outputs feed the execution's result.
pub fn summarize(outputs: &HashMap<String, Value>) -> Value {
    let mut summary = serde_json::Map::new();
    for (stage, output) in outputs {
        summary.insert(
            stage.clone(),
            output.get("summary").cloned().unwrap_or(Value::Null),
        );
    }
    Value::Object(summary)
}
