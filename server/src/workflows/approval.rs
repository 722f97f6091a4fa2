//! The approval gate a stage goes through. A stage whose action only reads is done at once. A
//! write action's changes are, by the workflow's policy: applied at once (`auto`), listed and not
//! applied (a dry run), or stored as a proposal that waits for a decision (`propose`), the changes
//! the policy itself approves (small budget and bid moves) applied first. After a decision (or the
//! expiry) the stage runs again and applies exactly the approved changes it stored: it reads and
//! decides nothing anew.

use super::agents::{self, Planned, StageContext, StageError, StageOutcome};
use serde_json::{Value, json};
use switchboard_core::approval::{self, ApprovalPolicy, ChangeDecision, Proposal, ProposalStatus};
use switchboard_core::run_event::RunEvent;
use switchboard_core::time::Timestamp;

/// Where a stage stands after the gate.
pub enum Gate {
    /// Done, with its output.
    Done(Value),
    /// Waiting for a decision on this proposal; `output` is what the stage says meanwhile (its
    /// summary, the learnings it recalled), kept for when it goes on.
    Waiting { proposal: Box<Proposal>, output: Value },
}

/// What the gate needs besides the stage.
pub struct GateSettings<'a> {
    pub policy: ApprovalPolicy,
    pub dry_run: bool,
    pub workflow_name: Option<&'a str>,
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

/// Runs the stage's action through the gate.
pub async fn run_stage(ctx: &StageContext<'_>, settings: &GateSettings<'_>) -> Result<Gate, StageError> {
    let proposals = &ctx.services.proposals;
    if let Some(mut proposal) = proposals.for_stage(ctx.execution, ctx.stage_position).await? {
        // The stage proposed before: a decision came, the time ran out, or the server restarted.
        if proposal.is_expired(now()) {
            proposal.expire(now());
            match proposals.save(&proposal, ProposalStatus::Pending).await {
                Ok(()) => {
                    ctx.reason(format!(
                        "Nobody decided by {}: the proposal expired and its changes were not applied",
                        proposal.expires_at.as_datetime().format("%Y-%m-%d %H:%M UTC")
                    ))
                    .await;
                    record_decided(ctx, &proposal).await;
                }
                // Decided at the last moment: read what was decided.
                Err(switchboard_core::RepoError::Conflict(_)) => {
                    proposal = proposals.get(&proposal.id).await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        apply_approved(ctx, &mut proposal).await?;
        // What the stage said when it proposed (its recalled learnings) stays in its output.
        let base = ctx.earlier.cloned().unwrap_or_else(|| json!({}));
        if proposal.status == ProposalStatus::Pending {
            return Ok(Gate::Waiting {
                proposal: Box::new(proposal),
                output: base,
            });
        }
        all_refused(&proposal)?;
        return Ok(Gate::Done(agents::applied_output(
            agents::action_of(ctx.stage),
            &base,
            &proposal.changes,
        )));
    }
    let planned = match agents::run(ctx).await? {
        StageOutcome::Done(output) => return Ok(Gate::Done(output)),
        StageOutcome::Changes(planned) => planned,
    };
    let Planned { output, mut changes } = planned;
    let action = agents::action_of(ctx.stage);
    if changes.is_empty() {
        return Ok(Gate::Done(agents::applied_output(action, &output, &changes)));
    }
    if settings.dry_run {
        let n = changes.len();
        ctx.reason(format!("Dry run: {n} change(s) worked out, none applied"))
            .await;
        let mut out = output.as_object().cloned().unwrap_or_default();
        out.insert(
            "summary".into(),
            json!(format!("Dry run: would make {n} change(s); nothing was applied")),
        );
        out.insert("dry_run".into(), json!(true));
        out.insert("changes".into(), json!(changes));
        return Ok(Gate::Done(Value::Object(out)));
    }
    approval::pre_approve(&settings.policy, &mut changes);
    let waiting = changes
        .iter()
        .filter(|c| c.decision == ChangeDecision::Pending)
        .count();
    if waiting == 0 {
        let mut proposal = proposal_for(ctx, settings, changes);
        proposal.status = ProposalStatus::Decided;
        proposal.decided_by = Some("policy".to_owned());
        proposal.decided_at = Some(now());
        apply_changes(ctx, &mut proposal).await?;
        all_refused(&proposal)?;
        return Ok(Gate::Done(agents::applied_output(
            action,
            &output,
            &proposal.changes,
        )));
    }
    let proposal = proposal_for(ctx, settings, changes);
    // Stored before anything is applied, so a restart finds it and carries on from it.
    let mut proposal = proposals.create(&proposal).await?;
    ctx.reason(format!(
        "{} change(s) wait for approval (until {}){}",
        waiting,
        proposal.expires_at.as_datetime().format("%Y-%m-%d %H:%M UTC"),
        match proposal.changes.len() - waiting {
            0 => String::new(),
            n => format!("; {n} small enough for the policy to approve"),
        }
    ))
    .await;
    apply_approved(ctx, &mut proposal).await?;
    Ok(Gate::Waiting {
        proposal: Box::new(proposal),
        output,
    })
}

/// A stage whose every approved change the platforms refused did not do its job.
fn all_refused(proposal: &Proposal) -> Result<(), StageError> {
    let approved: Vec<_> = proposal.changes.iter().filter(|c| c.is_approved()).collect();
    if !approved.is_empty() && approved.iter().all(|c| c.error.is_some()) {
        let why: Vec<String> = approved
            .iter()
            .map(|c| {
                format!(
                    "{} on {}: {}",
                    c.object_name,
                    c.platform.label(),
                    c.error.as_deref().unwrap_or("")
                )
            })
            .collect();
        return Err(StageError::Fatal(format!(
            "the platforms refused every change ({})",
            why.join("; ")
        )));
    }
    Ok(())
}

fn proposal_for(
    ctx: &StageContext<'_>,
    settings: &GateSettings<'_>,
    changes: Vec<approval::ProposedChange>,
) -> Proposal {
    let at = now();
    Proposal {
        id: String::new(),
        execution_id: ctx.execution.clone(),
        project_id: ctx.project.cloned(),
        workflow_name: settings.workflow_name.map(str::to_owned),
        stage_position: ctx.stage_position,
        stage_id: ctx.stage.id.clone(),
        stage_name: ctx.stage.name.clone(),
        agent: ctx.stage.agent,
        action: ctx.stage.action.clone(),
        status: ProposalStatus::Pending,
        changes,
        created_at: at,
        expires_at: approval::expiry(at, settings.policy.expires_after_hours),
        decided_at: None,
        decided_by: None,
        note: None,
    }
}

/// Applies the approved changes not applied yet and stores their results with the proposal.
async fn apply_approved(ctx: &StageContext<'_>, proposal: &mut Proposal) -> Result<(), StageError> {
    let due = proposal
        .changes
        .iter()
        .any(|c| c.is_approved() && !c.applied && c.error.is_none());
    if !due {
        return Ok(());
    }
    let result = apply_changes(ctx, proposal).await;
    // Saved whatever happened: what was applied stays applied.
    let status = proposal.status;
    ctx.services.proposals.save(proposal, status).await?;
    result
}

async fn apply_changes(ctx: &StageContext<'_>, proposal: &mut Proposal) -> Result<(), StageError> {
    let connections = agents::connections_for(ctx).await?;
    for change in proposal
        .changes
        .iter_mut()
        .filter(|c| c.is_approved() && !c.applied && c.error.is_none())
    {
        match agents::apply(ctx, &connections, change).await? {
            Ok(result) => {
                change.applied = true;
                change.result = Some(result);
            }
            Err(reason) => change.error = Some(reason),
        }
    }
    Ok(())
}

/// Says in the run's log that the proposal was decided (or expired), and by whom.
pub async fn record_decided(ctx: &StageContext<'_>, proposal: &Proposal) {
    let (kind, data) = RunEvent::approval_decided(proposal).into_parts();
    if let Err(e) = ctx.services.events.record(ctx.execution, kind, data).await {
        tracing::warn!(execution = %ctx.execution, error = %e, "cannot record the decision");
    }
}
