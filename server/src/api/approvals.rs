//! `/api/v1/approvals`: the changes agents propose (campaign, field, from, to, why) and the
//! decisions on them. `POST /approvals/{id}/decision` approves all or some of a waiting proposal's
//! changes (the others are rejected) or rejects them; the run then goes on and applies exactly the
//! approved changes. The decision is recorded with who made it (the API key).

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::auth::access::Caller;
use crate::state::AppState;
use axum::extract::State;
use axum::{Extension, Json};
use switchboard_core::ProjectId;
use switchboard_core::approval::{DecisionInput, Proposal, ProposalStatus};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(show))
        .routes(routes!(decide))
}

/// Proposals, newest first (at most 200).
#[utoipa::path(get, path = "/approvals", tag = "approvals",
    params(
        ("status" = Option<ProposalStatus>, Query, description = "`pending` for those waiting for a decision."),
        ("project_id" = Option<ProjectId>, Query),
    ),
    responses((status = 200, body = Vec<Proposal>), (status = 400, body = super::ErrorEnvelope)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Proposal>>, ApiError> {
    let status = params.get("status", str::parse::<ProposalStatus>)?;
    let project = params.get("project_id", ProjectId::parse)?;
    Ok(Json(
        state.services.approvals.list(status, project.as_ref()).await?,
    ))
}

/// One proposal with its changes and their decisions.
#[utoipa::path(get, path = "/approvals/{id}", tag = "approvals",
    params(("id" = String, Path, example = "prop_0001")),
    responses((status = 200, body = Proposal), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Proposal>, ApiError> {
    Ok(Json(state.services.approvals.get(&id).await?))
}

/// Decides on a waiting proposal: `approve` (all, or the `change_ids` named, rejecting the rest) or
/// `reject` (all). The run goes on at once and applies exactly the approved changes.
#[utoipa::path(post, path = "/approvals/{id}/decision", tag = "approvals",
    params(("id" = String, Path, example = "prop_0001")),
    request_body = DecisionInput,
    responses(
        (status = 200, description = "The proposal as decided.", body = Proposal),
        (status = 404, body = super::ErrorEnvelope),
        (status = 409, description = "The proposal is no longer waiting (decided, expired, or its run ended).", body = super::ErrorEnvelope),
        (status = 422, description = "A field is wrong (`change_ids` names a change that is not waiting, `note` is too long).", body = super::ErrorEnvelope),
    ),
)]
async fn decide(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Segment(id): Segment,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Proposal>, ApiError> {
    let who = caller.map_or_else(|| "api".to_owned(), |Extension(c)| c.who());
    Ok(Json(state.services.approvals.decide(&id, &input, &who).await?))
}
