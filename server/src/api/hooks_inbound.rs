//! `POST /api/v1/hooks/{webhook_id}`: a delivery from an outside system. It authenticates with a
//! Standard Webhooks signature (`webhook-id`, `webhook-timestamp`, `webhook-signature` over
//! `id.timestamp.body`, within 5 minutes) or an API key (`Authorization: Bearer sbk_…`). The JSON
//! body becomes the input of a run of the webhook's workflow; the answer is 202 with the run's id
//! once the run is recorded. The `webhook-id` is the idempotency key: sending it again answers the
//! first result and starts nothing. Every delivery, refused or not, goes to the webhook's log.

use super::ApiError;
use crate::auth::api_keys;
use crate::startup::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use switchboard_core::hooks::{
    DeliveryAuth, DeliveryOutcome, DeliveryReport, MAX_BODY_BYTES, MAX_MESSAGE_ID, Reservation, Webhook,
};
use switchboard_core::{DeliveryId, ExecutionId, WebhookId};

/// How long a delivery may hold its webhook-id without a run before a retry may take it over.
const STALE_RESERVATION_SECS: i64 = 60;

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A refusal: logged on the webhook, answered as an API error.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    reason: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, reason: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            reason: reason.into(),
        }
    }
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
    let hook = match state.hooks.repo().get(&id).await {
        Ok(h) => h,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let message_id = text(&headers, "webhook-id")
        .or_else(|| text(&headers, "idempotency-key"))
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned);
    let mut log = DeliveryReport {
        webhook_id: hook.id.clone(),
        message_id: message_id.clone(),
        outcome: DeliveryOutcome::Refused,
        status: 0,
        reason: None,
        auth: None,
        execution_id: None,
        body_bytes: 0,
    };
    match accept(&state, &hook, &headers, body, &mut log).await {
        Ok(response) => response,
        Err(refusal) => {
            tracing::warn!(webhook = %hook.id, status = refusal.status.as_u16(), reason = %refusal.reason, "webhook delivery refused");
            log.outcome = DeliveryOutcome::Refused;
            log.status = refusal.status.as_u16();
            log.reason = Some(refusal.reason.clone());
            if let Err(e) = state.hooks.repo().record(&log).await {
                tracing::error!(error = ?e, webhook = %hook.id, "a refused delivery could not be logged");
            }
            ApiError::Status(refusal.status, refusal.code, refusal.reason).into_response()
        }
    }
}

async fn accept(
    state: &AppState,
    hook: &Webhook,
    headers: &HeaderMap,
    body: Body,
    log: &mut DeliveryReport,
) -> Result<Response, Refusal> {
    if !hook.active {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "webhook_disabled",
            "the webhook is disabled",
        ));
    }
    if log.message_id.as_ref().is_some_and(|m| m.len() > MAX_MESSAGE_ID) {
        log.message_id = None;
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("webhook-id is longer than {MAX_MESSAGE_ID} characters"),
        ));
    }
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
        )
    };
    let declared = text(headers, header::CONTENT_LENGTH.as_str()).and_then(|l| l.parse::<u64>().ok());
    if let Some(n) = declared {
        log.body_bytes = n;
        if n > MAX_BODY_BYTES as u64 {
            return Err(too_large());
        }
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?;
    log.body_bytes = bytes.len() as u64;

    // Who sent it.
    if let Some(signature) = text(headers, "webhook-signature") {
        let secret = state.hooks.secret(&hook.id).await.map_err(|e| {
            tracing::error!(error = %e, webhook = %hook.id, "the webhook's secret could not be opened");
            Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the webhook's secret could not be read",
            )
        })?;
        let now = chrono::Utc::now().timestamp();
        secret
            .verify(
                text(headers, "webhook-id"),
                text(headers, "webhook-timestamp"),
                Some(signature),
                &bytes,
                now,
            )
            .map_err(|e| Refusal::new(StatusCode::UNAUTHORIZED, "bad_signature", e.to_string()))?;
        log.auth = Some(DeliveryAuth::Signature);
    } else if let Some(token) = api_keys::bearer(headers) {
        match api_keys::authenticate(state.services.api_keys.as_ref(), token).await {
            Ok(Some(_)) => log.auth = Some(DeliveryAuth::ApiKey),
            Ok(None) => {
                return Err(Refusal::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "the API key is unknown or revoked",
                ));
            }
            Err(e) => {
                tracing::error!(error = ?e, "an API key could not be checked");
                return Err(Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the API key could not be checked",
                ));
            }
        }
    } else {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign the delivery (webhook-id, webhook-timestamp, webhook-signature) or send an API key (Authorization: Bearer)",
        ));
    }

    let input: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&bytes).map_err(|e| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("the body is not JSON: {e}"),
            )
        })?
    };
    if !input.is_object() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the body must be a JSON object (it becomes the run's input)",
        ));
    }

    // Once per message id. A reservation that never got its run (the server stopped between the
    // two) is released after a minute, so the sender's retry is not refused for ever.
    let mut released = false;
    let delivery_id = loop {
        let reserved = state.hooks.repo().reserve(log).await.map_err(|e| {
            tracing::error!(error = ?e, "a delivery could not be recorded");
            Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the delivery could not be recorded",
            )
        })?;
        let first = match reserved {
            Reservation::Reserved(id) => break id,
            Reservation::Seen(first) => first,
        };
        if let Some(execution) = first.report.execution_id.clone() {
            let replay = DeliveryReport {
                outcome: DeliveryOutcome::Replayed,
                status: StatusCode::ACCEPTED.as_u16(),
                execution_id: Some(execution.clone()),
                reason: Some(format!("a repeat of delivery {}", first.id)),
                ..log.clone()
            };
            if let Err(e) = state.hooks.repo().record(&replay).await {
                tracing::error!(error = ?e, "a replayed delivery could not be logged");
            }
            return Ok(accepted(&execution, &first.id, true));
        }
        let age = chrono::Utc::now().signed_duration_since(first.received_at.as_datetime());
        if released || age < chrono::Duration::seconds(STALE_RESERVATION_SECS) {
            let mut answer = ApiError::Status(
                StatusCode::CONFLICT,
                "in_progress",
                "the first delivery with this webhook-id is still being processed".to_owned(),
            )
            .into_response();
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            return Ok(answer);
        }
        released = true;
        let _ = state
            .hooks
            .repo()
            .settle(
                &first.id,
                DeliveryOutcome::Failed,
                500,
                None,
                Some("abandoned: no run was recorded for it"),
            )
            .await;
    };
    // Started and noted on its own task: a sender that hangs up does not leave the delivery half done.
    let (state, hook_id, workflow, project) = (
        state.clone(),
        hook.id.clone(),
        hook.workflow_id.clone(),
        hook.project_id.clone(),
    );
    let task = tokio::spawn(async move {
        match state.engine.start(&workflow, project.as_ref(), input).await {
            Ok(execution) => {
                if let Err(e) = state
                    .hooks
                    .repo()
                    .settle(
                        &delivery_id,
                        DeliveryOutcome::Accepted,
                        202,
                        Some(&execution.id),
                        None,
                    )
                    .await
                {
                    tracing::error!(error = ?e, "a delivery's run could not be noted");
                }
                tracing::info!(webhook = %hook_id, execution = %execution.id, "webhook delivery started a run");
                accepted(&execution.id, &delivery_id, false)
            }
            Err(e) => {
                let response = ApiError::from(e).into_response();
                let status = response.status();
                let reason = format!("the run could not be started ({status})");
                // Failed frees the webhook-id: the sender may try again.
                if let Err(e) = state
                    .hooks
                    .repo()
                    .settle(
                        &delivery_id,
                        DeliveryOutcome::Failed,
                        status.as_u16(),
                        None,
                        Some(&reason),
                    )
                    .await
                {
                    tracing::error!(error = ?e, "a failed delivery could not be noted");
                }
                response
            }
        }
    });
    task.await.map_err(|e| {
        tracing::error!(error = %e, "a delivery's task failed");
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the delivery could not be completed",
        )
    })
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

fn accepted(execution: &ExecutionId, delivery: &DeliveryId, replayed: bool) -> Response {
    (
        StatusCode::ACCEPTED,
        Json(Accepted {
            status_url: format!("/api/v1/executions/{execution}"),
            events_url: format!("/api/v1/executions/{execution}/events"),
            execution_id: execution.clone(),
            delivery_id: delivery.clone(),
            replayed,
        }),
    )
        .into_response()
}
