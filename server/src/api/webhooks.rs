//! `/api/v1/webhooks`: inbound webhooks (each starts a workflow), their secrets and delivery logs.

use super::ApiError;
use super::error::{check_project, missing_as_field};
use super::extract::{ApiJson, Params, Segment};
use crate::hooks::HookError;
use crate::startup::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use switchboard_core::WebhookId;
use switchboard_core::hooks::{Delivery, Webhook, WebhookDraft, WebhookInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, replace, remove))
        .routes(routes!(reveal))
        .routes(routes!(rotate))
        .routes(routes!(deliveries))
}

impl From<HookError> for ApiError {
    fn from(e: HookError) -> Self {
        match e {
            HookError::Repo(r) => r.into(),
            HookError::Secret(m) => {
                tracing::error!(error = %m, "a webhook secret could not be opened");
                ApiError::Internal
            }
        }
    }
}

fn webhook_id(text: &str) -> Result<WebhookId, ApiError> {
    WebhookId::parse(text).map_err(|_| ApiError::NotFound(format!("no webhook '{text}'")))
}

/// A webhook with the address to send to.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct WebhookView {
    #[serde(flatten)]
    webhook: Webhook,
    /// Where deliveries go: `POST` JSON here.
    url: String,
}

/// A new or rotated secret, shown in full.
#[derive(Serialize, utoipa::ToSchema)]
struct WithSecret {
    #[serde(flatten)]
    webhook: WebhookView,
    /// `whsec_…`: the Standard Webhooks signing secret.
    secret: String,
}

fn view(state: &AppState, webhook: Webhook) -> WebhookView {
    let url = state.hooks.url(&webhook.id);
    WebhookView { webhook, url }
}

async fn check_targets(state: &AppState, input: &WebhookInput) -> Result<WebhookDraft, ApiError> {
    let draft = input.validate().map_err(ApiError::Validation)?;
    state
        .services
        .workflows
        .get(&draft.workflow_id)
        .await
        .map_err(missing_as_field(
            "workflow_id",
            format!("there is no workflow '{}'", draft.workflow_id),
        ))?;
    check_project(&state.services, draft.project_id.as_ref()).await?;
    Ok(draft)
}

/// The webhooks, each with its address.
#[utoipa::path(get, path = "/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<WebhookView>)),
)]
async fn list(State(state): State<AppState>) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let hooks = state.hooks.repo().list().await?;
    Ok(Json(hooks.into_iter().map(|h| view(&state, h)).collect()))
}

/// Creates a webhook for a workflow. The answer holds the signing secret; it can be read again
/// with `/webhooks/{id}/secret`.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks",
    request_body = WebhookInput,
    responses(
        (status = 201, body = WithSecret),
        (status = 422, description = "Some fields are not valid, or the workflow or project does not exist.", body = super::ErrorEnvelope),
    ),
)]
async fn create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Result<(StatusCode, Json<WithSecret>), ApiError> {
    let draft = check_targets(&state, &input).await?;
    let (webhook, secret) = state.hooks.create(&draft).await?;
    tracing::info!(webhook = %webhook.id, workflow = %webhook.workflow_id, "webhook created");
    Ok((
        StatusCode::CREATED,
        Json(WithSecret {
            webhook: view(&state, webhook),
            secret: secret.to_text(),
        }),
    ))
}

/// One webhook.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    responses((status = 200, body = WebhookView), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<WebhookView>, ApiError> {
    let hook = state.hooks.repo().get(&webhook_id(&id)?).await?;
    Ok(Json(view(&state, hook)))
}

/// Changes a webhook's name, workflow, project or state; its secret stays.
#[utoipa::path(put, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    request_body = WebhookInput,
    responses(
        (status = 200, body = WebhookView), (status = 404, body = super::ErrorEnvelope),
        (status = 422, description = "Some fields are not valid, or the workflow or project does not exist.", body = super::ErrorEnvelope),
    ),
)]
async fn replace(
    State(state): State<AppState>,
    Segment(id): Segment,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Result<Json<WebhookView>, ApiError> {
    let id = webhook_id(&id)?;
    state.hooks.repo().get(&id).await?;
    let draft = check_targets(&state, &input).await?;
    let hook = state.hooks.repo().update(&id, &draft).await?;
    Ok(Json(view(&state, hook)))
}

/// Removes a webhook and its delivery log.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    responses((status = 204, description = "Removed."), (status = 404, body = super::ErrorEnvelope)),
)]
async fn remove(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    state.hooks.repo().delete(&webhook_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
struct Secret {
    /// `whsec_…`: the Standard Webhooks signing secret.
    secret: String,
}

/// The webhook's signing secret.
#[utoipa::path(get, path = "/webhooks/{id}/secret", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    responses((status = 200, body = Secret), (status = 404, body = super::ErrorEnvelope)),
)]
async fn reveal(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Secret>, ApiError> {
    let secret = state.hooks.secret(&webhook_id(&id)?).await?;
    Ok(Json(Secret {
        secret: secret.to_text(),
    }))
}

/// Replaces the signing secret; deliveries signed with the old one are refused from now on.
#[utoipa::path(post, path = "/webhooks/{id}/rotate-secret", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    responses((status = 200, body = WithSecret), (status = 404, body = super::ErrorEnvelope)),
)]
async fn rotate(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<WithSecret>, ApiError> {
    let id = webhook_id(&id)?;
    let secret = state.hooks.rotate(&id).await?;
    tracing::info!(webhook = %id, "webhook secret rotated");
    let hook = state.hooks.repo().get(&id).await?;
    Ok(Json(WithSecret {
        webhook: view(&state, hook),
        secret: secret.to_text(),
    }))
}

/// The webhook's latest deliveries, accepted or refused, each with its reason.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(
        ("id" = WebhookId, Path),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "At most this many; 50 by default."),
    ),
    responses((status = 200, body = Vec<Delivery>), (status = 404, body = super::ErrorEnvelope)),
)]
async fn deliveries(
    State(state): State<AppState>,
    Segment(id): Segment,
    params: Params,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    let id = webhook_id(&id)?;
    state.hooks.repo().get(&id).await?;
    let limit = params
        .get("limit", |s| match s.parse::<u32>() {
            Ok(n) if (1..=500).contains(&n) => Ok(n),
            _ => Err("limit must be a whole number from 1 to 500"),
        })?
        .unwrap_or(50);
    Ok(Json(state.hooks.repo().deliveries(&id, limit).await?))
}
