//! Agents at work: each action reads the project's connections through connector tools, decides
//! with `switchboard_core::agents::decide`, writes through tools with idempotency keys, and says
//! what it read, decided and why as `agent.reasoning` events.

use serde_json::{Value, json};
use std::collections::HashMap;
use switchboard_core::Platform;
use switchboard_core::agents::decide::{self, CampaignPerf};
use switchboard_core::agents::platform::{self as adapt, Call};
use switchboard_core::agents::{find_action, resolve_action};
use switchboard_core::connection::{Connection, ConnectionStatus};
use switchboard_core::connectors::ConnectorError;
use switchboard_core::execution::ToolCallScope;
use switchboard_core::run_event::RunEvent;
use switchboard_core::ports::{Repos, ToolRunError};
use switchboard_core::workflow::{Agent, StageDef};
use switchboard_core::{ExecutionId, ProjectId};

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
    /// Which attempt at the stage this is (1 for the first), as recorded before it started.
    pub attempt: u32,
    pub today: chrono::NaiveDate,
}

fn num(p: &Value, key: &str, default: f64) -> f64 {
    p.get(key).and_then(Value::as_f64).unwrap_or(default)
}

fn micros(units: f64) -> i64 {
    (units * 1e6).round() as i64
}

impl StageContext<'_> {
    /// Says what the agent is doing, in the execution's log.
    async fn reason(&self, message: impl Into<String>) {
        let (kind, data) = RunEvent::Reasoning {
            stage_id: self.stage.id.clone(),
            agent: self.stage.agent,
            message: message.into(),
        }
        .into_parts();
        if let Err(e) = self.services.events.record(self.execution, kind, data).await
        {
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
            all.extend(campaigns);
        }
        Ok(all)
    }
}

/// Runs a stage's action; its output is what the stage reports.
pub async fn run(ctx: &StageContext<'_>) -> Result<Value, StageError> {
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
        return Ok(json!({"summary": message, "skipped": true}));
    }
    match (def.agent, action) {
        (_, "report") => report(ctx, &connections).await,
        (Agent::Strategist, "plan") => plan(ctx, &connections).await,
        (Agent::SocialMediaBuyer, "launch") => launch(ctx, &connections).await,
        (Agent::SocialMediaBuyer, "promote_pins") => promote_pins(ctx, &connections).await,
        (Agent::SocialMediaBuyer, "pause_underperformers") => pause(ctx, &connections).await,
        (Agent::Trader, "rebalance_budgets") => rebalance(ctx, &connections).await,
        (Agent::Trader, "adjust_bids") => adjust_bids(ctx, &connections).await,
        (agent, other) => Err(StageError::Fatal(format!("{agent} cannot {other}"))),
    }
}

async fn report(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
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
    Ok(json!({"summary": summary, "period": {"from": from, "to": to}, "report": report}))
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

async fn launch(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
    let p = &ctx.stage.params;
    let name = p["name"].as_str().unwrap_or("New campaign");
    let budget = micros(num(p, "daily_budget", 0.0));
    let goal = p["goal"].as_str().unwrap_or("sales");
    let active = p["active"].as_bool().unwrap_or(false);
    let mut launched = Vec::new();
    for c in connections {
        let call = adapt::launch(c.platform, name, budget, goal, active, c.currency);
        let answer = ctx.call(c, &call, Some(format!("launch/{}", c.id))).await?;
        match adapt::launched(c.platform, &answer) {
            Ok(id) => {
                ctx.reason(format!(
                    "Launched '{name}' on {} ({}, {:.2} a day, {goal}): campaign {id}",
                    c.platform.label(),
                    if active {
                        "active"
                    } else {
                        "paused until you turn it on"
                    },
                    budget as f64 / 1e6
                ))
                .await;
                launched.push(json!({"platform": c.platform, "connection_id": c.id, "campaign_id": id}));
            }
            Err(reason) => {
                ctx.reason(format!("{} refused the campaign: {reason}", c.platform.label()))
                    .await;
                launched.push(json!({"platform": c.platform, "connection_id": c.id, "error": reason}));
            }
        }
    }
    let made = launched.iter().filter(|l| l.get("campaign_id").is_some()).count();
    if made == 0 {
        return Err(StageError::Fatal("no platform accepted the campaign".into()));
    }
    Ok(json!({"summary": format!("Launched '{name}' on {made} platform(s)"), "launched": launched}))
}

async fn pause(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
    let campaigns = ctx.read_all(connections, 14).await?;
    let p = &ctx.stage.params;
    let decisions = decide::underperformers(
        &campaigns,
        micros(num(p, "min_spend", 50.0)),
        num(p, "cpa_multiple", 1.5),
    );
    if decisions.is_empty() {
        ctx.reason("Every judged campaign is within the limit: nothing to pause")
            .await;
    }
    for d in &decisions {
        let c = connections
            .iter()
            .find(|c| c.platform == d.platform)
            .ok_or_else(|| StageError::Fatal("lost connection".into()))?;
        ctx.reason(format!(
            "Pausing '{}' on {}: {}",
            d.name,
            d.platform.label(),
            d.reason
        ))
        .await;
        ctx.call(
            c,
            &adapt::pause(c.platform, &d.campaign_id),
            Some(format!("pause/{}", d.campaign_id)),
        )
        .await?;
    }
    Ok(json!({
        "summary": format!("Paused {} of {} campaigns", decisions.len(), campaigns.len()),
        "paused": decisions
    }))
}

async fn rebalance(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
    let campaigns = ctx.read_all(connections, 14).await?;
    let changes = decide::rebalance(&campaigns, num(&ctx.stage.params, "max_change", 0.2));
    if changes.is_empty() {
        ctx.reason("Returns are even enough: no budget moves").await;
    }
    for ch in &changes {
        let c = connections
            .iter()
            .find(|c| c.platform == ch.platform)
            .ok_or_else(|| StageError::Fatal("lost connection".into()))?;
        ctx.reason(format!(
            "'{}' on {}: {:.2} → {:.2} a day ({})",
            ch.name,
            ch.platform.label(),
            ch.from_micros as f64 / 1e6,
            ch.to_micros as f64 / 1e6,
            ch.reason
        ))
        .await;
        let call = adapt::set_budget(c.platform, &ch.campaign_id, ch.to_micros, c.currency);
        ctx.call(c, &call, Some(format!("budget/{}", ch.campaign_id)))
            .await?;
    }
    Ok(json!({"summary": format!("Moved budget on {} campaigns", changes.len()), "changes": changes}))
}

async fn adjust_bids(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
    let campaigns = ctx.read_all(connections, 14).await?;
    let mut changes = Vec::new();
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
        let groups: Vec<(String, String, i64)> = groups["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["adGroup"]["status"] == "ENABLED")
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
        for ch in decide::bid_changes(&groups, &mine, target, num(&ctx.stage.params, "max_change", 0.2)) {
            ctx.reason(format!("Ad group {}: {}", ch.ad_group_id, ch.reason))
                .await;
            let call = Call {
                tool: "update_ad_group",
                params: json!({"ad_group_id": ch.ad_group_id, "cpc_bid_micros": ch.to_micros}),
            };
            ctx.call(c, &call, Some(format!("bid/{}", ch.ad_group_id)))
                .await?;
            changes.push(ch);
        }
    }
    Ok(json!({"summary": format!("Moved {} bids", changes.len()), "changes": changes}))
}

async fn promote_pins(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Value, StageError> {
    let p = &ctx.stage.params;
    let name = p["name"].as_str().unwrap_or("Pin promotion");
    let budget = micros(num(p, "daily_budget", 25.0));
    let active = p["active"].as_bool().unwrap_or(false);
    let status = if active { "ACTIVE" } else { "PAUSED" };
    let max = usize::try_from(p["max_pins"].as_u64().unwrap_or(3)).unwrap_or(3);
    let countries = p["countries"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![json!("US")]);
    let mut out = Vec::new();
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
            "Promoting {} Pin(s): {}",
            chosen.len(),
            chosen.join(", ")
        ))
        .await;
        let key = |what: &str| Some(format!("promote/{}/{what}", c.id));
        let campaign = ctx
            .call(c, &Call { tool: "create_campaigns", params: json!({"items": [{"name": name, "objective_type": "CONSIDERATION", "status": status}]}) }, key("campaign"))
            .await?;
        let campaign_id = adapt::launched(Platform::Pinterest, &campaign).map_err(StageError::Fatal)?;
        let group = ctx
            .call(c, &Call { tool: "create_ad_groups", params: json!({"items": [{
                "campaign_id": campaign_id, "name": format!("{name} | {}", countries.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")),
                "billable_event": "CLICKTHROUGH", "budget_in_micro_currency": budget, "status": status,
                "targeting_spec": {"LOCATION": countries}}]}) }, key("ad_group"))
            .await?;
        let group_id = group["items"][0]["data"]["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| {
                StageError::Fatal(format!(
                    "Pinterest refused the ad group: {}",
                    group["items"][0]["exceptions"]
                ))
            })?;
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
        out.push(
            json!({"connection_id": c.id, "campaign_id": campaign_id, "ad_group_id": group_id, "ads": made}),
        );
    }
    let ads: usize = out
        .iter()
        .map(|o| {
            o["ads"]
                .as_array()
                .map_or(0, |a| a.iter().filter(|x| x.get("ad_id").is_some()).count())
        })
        .sum();
    Ok(json!({"summary": format!("Promoted {ads} Pin(s)"), "promotions": out}))
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
