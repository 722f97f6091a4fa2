//! `POST /api/v1/hooks/{webhook_id}`: a delivery from an outside system. It authenticates with a
//! Standard Webhooks signature (`webhook-id`, `webhook-timestamp`, `webhook-signature` over
//! `id.timestamp.body`, within 5 minutes) or an API key (`Authorization: Bearer sbk_…`). The JSON
//! body becomes the input of a run of the webhook's workflow; the answer is 202 with the run's id
//! once the run is recorded. The `webhook-id` is the idempotency key: sending it again answers the
//! first result and starts nothing. Every delivery, refused or not, goes to the webhook's log.

use super::ApiError;
use crate::auth::api_keys;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use switchboard_core::webhooks::{DeliveryAnswer, InboundDelivery, MAX_BODY_BYTES};
use switchboard_core::{DeliveryId, ExecutionId, WebhookId};

fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// A delivery from an outside system: starts a run of the webhook's workflow with the JSON body as
/// its input. Authenticate with a Standard Webhooks signature (the three `webhook-*` headers,
/// HMAC-SHA256 with the webhook's `whsec_` secret over `{webhook-id}.{webhook-timestamp}.{body}`,
/// within 5 minutes) or an API key as bearer.
#[utoipa::path(post, path = "/hooks/{id}", tag = "webhooks",
    security((), ("api_key" = [])),
    params(
        ("id" = WebhookId, Path),
        ("webhook-id" = Option<String>, Header, description = "The message id: the idempotency key (at most 256 characters)."),
        ("webhook-timestamp" = Option<String>, Header, description = "Seconds since the Unix epoch, within 5 minutes of the server's clock (read with a signature only)."),
        ("webhook-signature" = Option<String>, Header, description = "Space-separated `v1,<base64 HMAC-SHA256>` signatures."),
        ("Idempotency-Key" = Option<String>, Header, description = "The idempotency key when `webhook-id` is absent (bearer deliveries)."),
    ),
    request_body(content = Object, description = "Any JSON object, at most 256 KiB: the run's input."),
    responses(
        (status = 202, description = "The run is recorded (or, for a repeated `webhook-id`, was recorded by the first delivery).", body = Accepted),
        (status = 401, description = "No valid signature or API key.", body = super::ErrorEnvelope),
        (status = 403, description = "The webhook is disabled.", body = super::ErrorEnvelope),
        (status = 404, description = "No such webhook.", body = super::ErrorEnvelope),
        (status = 409, description = "The first delivery with this `webhook-id` is still being processed; retry after `Retry-After` seconds.", body = super::ErrorEnvelope),
        (status = 413, description = "The body is larger than 256 KiB.", body = super::ErrorEnvelope),
        (status = 400, description = "The body is not a JSON object, or `webhook-id` is too long.", body = super::ErrorEnvelope),
    ),
)]
pub async fn receive(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(id) = WebhookId::parse(&id) else {
        return ApiError::NotFound(format!("no webhook '{id}'")).into_response();
    };
    let content_length = text(&headers, header::CONTENT_LENGTH.as_str()).and_then(|l| l.parse::<u64>().ok());
    // A body declared too large is not read; one that turns out too large is not kept.
    let body = match content_length {
        Some(n) if n > MAX_BODY_BYTES as u64 => None,
        _ => axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .ok()
            .map(|b| b.to_vec()),
    };
    let delivery = InboundDelivery {
        message_id: text(&headers, "webhook-id"),
        timestamp: text(&headers, "webhook-timestamp"),
        signature: text(&headers, "webhook-signature"),
        idempotency_key: text(&headers, "idempotency-key"),
        bearer: api_keys::bearer(&headers).map(str::to_owned),
        content_length,
        body,
    };
    match state.services.webhooks.accept(&id, delivery).await {
        Ok(DeliveryAnswer::Accepted {
            execution_id,
            delivery_id,
            replayed,
        }) => (
            StatusCode::ACCEPTED,
            Json(Accepted {
                status_url: format!("/api/v1/executions/{execution_id}"),
                events_url: format!("/api/v1/executions/{execution_id}/events"),
                execution_id,
                delivery_id,
                replayed,
            }),
        )
            .into_response(),
        Ok(DeliveryAnswer::InProgress {
            retry_after_secs,
            message,
        }) => {
            let mut answer = ApiError::Status(StatusCode::CONFLICT, "in_progress", message).into_response();
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            answer
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The answer to an accepted delivery.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Accepted {
    /// The run the delivery started (for a replay: the first delivery's run).
    execution_id: ExecutionId,
    delivery_id: DeliveryId,
    /// Whether this was a repeat of an earlier delivery's `webhook-id`; nothing new was started.
    replayed: bool,
    #[schema(example = "/api/v1/executions/exec_0001")]
    status_url: String,
    /// The run's live events (Server-Sent Events).
    #[schema(example = "/api/v1/executions/exec_0001/events")]
    events_url: String,
}
