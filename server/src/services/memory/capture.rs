//! A finished run's learnings: an outcome for every change it applied (with the metric before the
//! change, measured later by the evaluator), an insight for each of the Analyst's findings. Each
//! sighting's key is its run, stage and change, so a resumed run adds nothing the second time.

use super::Memories;
use serde_json::{Value, json};
use switchboard_core::approval::ProposedChange;
use switchboard_core::campaign::CampaignQuery;
use switchboard_core::execution::ExecutionDetail;
use switchboard_core::memory::capture::{action_of, audience_of, summary_of};
use switchboard_core::memory::evaluate::windows;
use switchboard_core::memory::input::{NewMemory, NewOutcome};
use switchboard_core::memory::{
    BudgetBand, MemoryAction, MemoryAgent, MemoryContext, MemoryKind, MemorySource, Objective, Observation,
    OutcomeStatus,
};
use switchboard_core::ports::CampaignSet;
use switchboard_core::project::Project;
use switchboard_core::service::ServiceError;
use switchboard_core::time::Timestamp;
use switchboard_core::workflow::Agent;
use switchboard_core::{ConnectionId, Platform};

pub(super) async fn capture(m: &Memories, run: &ExecutionDetail) -> Result<usize, ServiceError> {
    let Some(project_id) = &run.execution.project_id else {
        return Ok(0);
    };
    let project = match m.projects.get(project_id).await {
        Ok(p) => p,
        Err(switchboard_core::RepoError::NotFound { .. }) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut added = 0;
    for stage in &run.stages {
        let (Some(output), Some(agent)) = (&stage.output, stage.agent) else {
            continue;
        };
        let at = stage
            .completed_at
            .or(stage.started_at)
            .unwrap_or_else(|| Timestamp::from_datetime(chrono::Utc::now()));
        let source = MemorySource::run(run.execution.id.as_str(), &stage.stage_id);
        if let Some(list) = output.get("changes").and_then(Value::as_array) {
            let changes: Vec<ProposedChange> = list
                .iter()
                .filter_map(|c| serde_json::from_value(c.clone()).ok())
                .collect();
            for change in changes.iter().filter(|c| c.applied) {
                let key = format!("run:{}/{}/{}", run.execution.id, stage.stage_id, change.id);
                if m.memories.seen(&key).await? {
                    continue;
                }
                if outcome(m, &project, agent, &source, &key, change, &changes, at).await? {
                    added += 1;
                }
            }
        }
        if agent == Agent::Analyst
            && let Some(findings) = output.pointer("/report/findings").and_then(Value::as_array)
        {
            for (i, finding) in findings.iter().filter_map(Value::as_str).enumerate() {
                let key = format!("run:{}/{}/finding{}", run.execution.id, stage.stage_id, i + 1);
                if m.memories.seen(&key).await? {
                    continue;
                }
                let platform = Platform::ALL.into_iter().find(|p| finding.starts_with(p.label()));
                let input = NewMemory {
                    agent: MemoryAgent::Analyst,
                    kind: MemoryKind::Insight,
                    project_id: Some(project.id.clone()),
                    context: MemoryContext {
                        platform,
                        vertical: project.vertical,
                        ..Default::default()
                    },
                    action: None,
                    subject: None,
                    summary: finding
                        .chars()
                        .take(switchboard_core::memory::input::SUMMARY_MAX)
                        .collect(),
                    tags: vec!["report".to_owned()],
                    outcome: None,
                    source: source.clone(),
                    pinned: false,
                };
                let sighting = Observation {
                    key: Some(key),
                    status: OutcomeStatus::Measured,
                    before: None,
                    after: None,
                    change: None,
                    control_change: None,
                    effect: None,
                    days: None,
                    spend_micros: None,
                    note: None,
                    at,
                    target: None,
                };
                match m.write(input, sighting).await {
                    Ok(_) => added += 1,
                    Err(ServiceError::Conflict(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(added)
}

/// The outcome learning of one applied change; `false` when the change teaches nothing the memory
/// keeps or it was recorded already.
#[allow(clippy::too_many_arguments)]
async fn outcome(
    m: &Memories,
    project: &Project,
    agent: Agent,
    source: &MemorySource,
    key: &str,
    change: &ProposedChange,
    all: &[ProposedChange],
    at: Timestamp,
) -> Result<bool, ServiceError> {
    let Some((action, metric)) = action_of(change) else {
        return Ok(false);
    };
    let connection = ConnectionId::parse(&change.connection_id).ok();
    // The campaign as the fact store knows it: its objective and budget.
    let campaign = match &change.object_id {
        Some(object)
            if matches!(
                action,
                MemoryAction::BudgetIncrease
                    | MemoryAction::BudgetDecrease
                    | MemoryAction::Pause
                    | MemoryAction::Resume
            ) =>
        {
            let query = CampaignQuery {
                project_id: Some(project.id.clone()),
                platform: Some(change.platform),
                search: Some(object.clone()),
                limit: 20,
                ..Default::default()
            };
            m.campaigns
                .list(&query)
                .await?
                .items
                .into_iter()
                .find(|c| &c.external_id == object)
        }
        _ => None,
    };
    let objective = campaign
        .as_ref()
        .and_then(|c| c.objective.as_deref())
        .and_then(Objective::parse_word)
        .or_else(|| {
            change
                .to
                .get("goal")
                .and_then(Value::as_str)
                .and_then(Objective::parse_word)
        });
    let budget = match action {
        MemoryAction::BudgetIncrease | MemoryAction::BudgetDecrease => {
            change.from.as_ref().and_then(Value::as_i64)
        }
        MemoryAction::Launch | MemoryAction::Promote => {
            change.to.get("daily_budget_micros").and_then(Value::as_i64)
        }
        _ => campaign.as_ref().and_then(|c| c.daily_budget).map(|b| b.get()),
    };
    let days = m.settings.outcome_days;
    // The changed campaign's figures, or the account's for a pause (what pausing is for).
    let changed_here: Vec<String> = all
        .iter()
        .filter(|c| c.applied && c.connection_id == change.connection_id)
        .filter_map(|c| c.object_id.clone())
        .collect();
    let (scope, treated) = match action {
        MemoryAction::Pause | MemoryAction::Resume => ("account", Vec::new()),
        MemoryAction::Launch | MemoryAction::Promote => ("new", Vec::new()),
        _ => ("campaign", change.object_id.clone().into_iter().collect()),
    };
    let (before_window, _) = windows(at.date(), days);
    let before = match &connection {
        Some(conn) => {
            let set = if scope == "campaign" {
                CampaignSet::Only(treated.clone())
            } else {
                CampaignSet::AllBut(Vec::new())
            };
            let (figures, _) = m
                .memories
                .figures(&project.id, conn, &set, before_window.0, before_window.1)
                .await?;
            metric.of(&figures, days)
        }
        None => None,
    };
    let new_campaign = change
        .result
        .as_ref()
        .and_then(|r| r.get("campaign_id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let input = NewMemory {
        agent: MemoryAgent::from(agent),
        kind: MemoryKind::Outcome,
        project_id: Some(project.id.clone()),
        context: MemoryContext {
            platform: Some(change.platform),
            objective,
            vertical: project.vertical,
            audience: audience_of(&change.object_name),
            budget_band: budget.map(BudgetBand::of_daily_micros),
            month: u8::try_from(chrono::Datelike::month(&at.date())).ok(),
        },
        action: Some(action),
        subject: Some(format!(
            "{} campaign {}",
            change.platform.label(),
            change
                .object_id
                .as_deref()
                .or(new_campaign.as_deref())
                .unwrap_or(&change.object_name)
        )),
        summary: summary_of(change, action),
        tags: vec![action.as_str().replace('_', " ")],
        outcome: Some(NewOutcome {
            metric,
            before,
            after: None,
            days: Some(days),
            spend_micros: None,
        }),
        source: source.clone(),
        pinned: false,
    };
    let sighting = Observation {
        key: Some(key.to_owned()),
        status: OutcomeStatus::Pending,
        before,
        after: None,
        change: None,
        control_change: None,
        effect: None,
        days: Some(days),
        spend_micros: None,
        note: None,
        at,
        target: Some(json!({
            "connection_id": change.connection_id,
            "platform": change.platform,
            "scope": scope,
            "campaigns": if scope == "new" { new_campaign.into_iter().collect::<Vec<_>>() } else { treated },
            "changed": changed_here,
        })),
    };
    match m.write(input, sighting).await {
        Ok(_) => Ok(true),
        Err(ServiceError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
