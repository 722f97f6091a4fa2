//! `/api/v1/webhooks`: inbound webhooks (each starts a workflow), their secrets and delivery logs.

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use switchboard_core::WebhookId;
use switchboard_core::webhooks::{Delivery, Webhook, WebhookInput, WebhookItem, WebhookWithSecret};
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

/// How many deliveries are listed when the request does not say.
const DEFAULT_LIMIT: u32 = 50;

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

impl From<WebhookItem> for WebhookView {
    fn from(item: WebhookItem) -> Self {
        WebhookView {
            webhook: item.webhook,
            url: item.url,
        }
    }
}

/// A new or rotated secret, shown in full.
#[derive(Serialize, utoipa::ToSchema)]
struct WithSecret {
    #[serde(flatten)]
    webhook: WebhookView,
    /// `whsec_…`: the Standard Webhooks signing secret.
    secret: String,
}

impl From<WebhookWithSecret> for WithSecret {
    fn from(w: WebhookWithSecret) -> Self {
        WithSecret {
            webhook: WebhookView {
                webhook: w.webhook,
                url: w.url,
            },
            secret: w.secret,
        }
    }
}

/// The webhooks, each with its address.
#[utoipa::path(get, path = "/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<WebhookView>)),
)]
async fn list(State(state): State<AppState>) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let hooks = state.services.webhooks.list().await?;
    Ok(Json(hooks.into_iter().map(WebhookView::from).collect()))
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
    let created = state.services.webhooks.create(input).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// One webhook.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    responses((status = 200, body = WebhookView), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<WebhookView>, ApiError> {
    let hook = state.services.webhooks.get(&webhook_id(&id)?).await?;
    Ok(Json(hook.into()))
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
    let hook = state.services.webhooks.update(&webhook_id(&id)?, input).await?;
    Ok(Json(hook.into()))
}

/// Removes a webhook and its delivery log.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    responses((status = 204, description = "Removed."), (status = 404, body = super::ErrorEnvelope)),
)]
async fn remove(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    state.services.webhooks.delete(&webhook_id(&id)?).await?;
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
    let secret = state.services.webhooks.secret(&webhook_id(&id)?).await?;
    Ok(Json(Secret { secret }))
}

/// Replaces the signing secret; deliveries signed with the old one are refused from now on.
#[utoipa::path(post, path = "/webhooks/{id}/rotate-secret", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    responses((status = 200, body = WithSecret), (status = 404, body = super::ErrorEnvelope)),
)]
async fn rotate(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<WithSecret>, ApiError> {
    let rotated = state.services.webhooks.rotate_secret(&webhook_id(&id)?).await?;
    Ok(Json(rotated.into()))
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
    let limit = params.get("limit", |s| match s.parse::<u32>() {
        Ok(n) if (1..=500).contains(&n) => Ok(n),
        _ => Err("limit must be a whole number from 1 to 500"),
    });
    // A missing webhook is answered (404) before a bad limit (400).
    let valid = limit.as_ref().ok().copied().flatten().unwrap_or(DEFAULT_LIMIT);
    let deliveries = state.services.webhooks.deliveries(&id, valid).await?;
    limit?;
    Ok(Json(deliveries))
}
