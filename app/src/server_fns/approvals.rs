//! Approvals: a person's decision on the changes a run proposed.

use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Approves the picked changes of a waiting proposal (the others are rejected), or rejects them
/// all, then goes back to the run's page. `pick` holds the ticked boxes (`pick[c1]=on`).
#[server]
pub async fn decide_proposal(
    proposal_id: String,
    run_id: String,
    decision: String,
    pick: Option<BTreeMap<String, String>>,
    note: Option<String>,
) -> Result<String, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::approval::{DecisionInput, Verdict};
            let verdict: Verdict = decision
                .parse()
                .map_err(|e: switchboard_core::ParseError| super::ssr::invalid("decision", e.to_string()))?;
            let change_ids = match verdict {
                Verdict::Reject => None,
                Verdict::Approve => {
                    let picked: Vec<String> = pick.unwrap_or_default().into_keys().collect();
                    if picked.is_empty() {
                        return Err(super::ssr::invalid(
                            "change_ids",
                            "tick at least one change to approve, or reject them all".to_owned(),
                        ));
                    }
                    Some(picked)
                }
            };
            let input = DecisionInput {
                decision: verdict,
                change_ids,
                note,
            };
            let decided = super::ssr::services()?
                .approvals
                .decide(&proposal_id, &input, "owner")
                .await?;
            let run = switchboard_core::ExecutionId::parse(&run_id)
                .map(|r| r.to_string())
                .unwrap_or_else(|_| decided.execution_id.to_string());
            leptos_axum::redirect(&format!("/executions/{run}#approval"));
            Ok(decided.summary())
        }
        .await,
    )
    .await
}

/// A run's proposals with their decisions.
#[server]
pub async fn run_proposals(run_id: String) -> Result<Vec<switchboard_core::approval::Proposal>, AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::ExecutionId::parse(&run_id)
                .map_err(|_| AppError::NotFound(format!("execution '{run_id}' was not found")))?;
            Ok(super::ssr::services()?.approvals.for_run(&id).await?)
        }
        .await,
    )
    .await
}

/// The approvals page: proposals waiting for a decision (`status` empty or `pending`), or of
/// another status (`decided`, `expired`, `withdrawn`, `all`).
#[server]
pub async fn get_approvals(
    status: Option<String>,
) -> Result<switchboard_core::approval::ApprovalInbox, AppError> {
    super::ssr::respond(
        async move {
            let status = match status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None | Some("pending") => Some(switchboard_core::approval::ProposalStatus::Pending),
                Some("all") => None,
                Some(other) => Some(other.parse().map_err(|e: switchboard_core::ParseError| {
                    super::ssr::invalid("status", e.to_string())
                })?),
            };
            Ok(super::ssr::services()?.approvals.inbox(status).await?)
        }
        .await,
    )
    .await
}
