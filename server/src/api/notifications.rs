//! `/api/v1/notification-channels`, `/api/v1/notification-rules`, `/api/v1/notification-deliveries`:
//! where notifications go, which events go where, and what became of each.

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_core::notifications::{
    Channel, ChannelInput, DeliveryState, Notification, Preview, Rule, RuleInput,
};
use switchboard_core::{ChannelId, ExecutionId, NotificationId, RuleId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(channels, create_channel))
        .routes(routes!(channel, replace_channel, delete_channel))
        .routes(routes!(send_test))
        .routes(routes!(preview))
        .routes(routes!(rules, create_rule))
        .routes(routes!(rule, replace_rule, delete_rule))
        .routes(routes!(deliveries))
        .routes(routes!(delivery))
        .routes(routes!(retry))
}

fn id_of<T>(
    text: &str,
    parse: fn(&str) -> Result<T, switchboard_core::ParseError>,
    what: &str,
) -> Result<T, ApiError> {
    parse(text).map_err(|_| ApiError::NotFound(format!("no {what} '{text}'")))
}

/// The notification channels. Their addresses (webhook URLs) are shown masked.
#[utoipa::path(get, path = "/notification-channels", tag = "notifications",
    responses((status = 200, body = Vec<Channel>)),
)]
async fn channels(State(state): State<AppState>) -> Result<Json<Vec<Channel>>, ApiError> {
    Ok(Json(state.services.notifications.channels().await?))
}

/// Creates a Discord, Slack or email channel. Addresses on private networks are refused unless
/// `SWITCHBOARD_OUTBOUND_ALLOW` lets them through.
#[utoipa::path(post, path = "/notification-channels", tag = "notifications",
    request_body = ChannelInput,
    responses((status = 201, body = Channel), (status = 422, description = "Some fields are not valid; each is named.", body = super::ErrorEnvelope)),
)]
async fn create_channel(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ChannelInput>,
) -> Result<(StatusCode, Json<Channel>), ApiError> {
    let channel = state.services.notifications.create_channel(input).await?;
    Ok((StatusCode::CREATED, Json(channel)))
}

/// One channel.
#[utoipa::path(get, path = "/notification-channels/{id}", tag = "notifications",
    params(("id" = ChannelId, Path)),
    responses((status = 200, body = Channel), (status = 404, body = super::ErrorEnvelope)),
)]
async fn channel(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Channel>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    Ok(Json(state.services.notifications.channel(&id).await?))
}

/// Replaces a channel's settings.
#[utoipa::path(put, path = "/notification-channels/{id}", tag = "notifications",
    params(("id" = ChannelId, Path)),
    request_body = ChannelInput,
    responses((status = 200, body = Channel), (status = 404, body = super::ErrorEnvelope), (status = 422, description = "Some fields are not valid; each is named.", body = super::ErrorEnvelope)),
)]
async fn replace_channel(
    State(state): State<AppState>,
    Segment(id): Segment,
    ApiJson(input): ApiJson<ChannelInput>,
) -> Result<Json<Channel>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    Ok(Json(
        state.services.notifications.replace_channel(&id, input).await?,
    ))
}

/// Removes a channel, its rules and its queued notifications.
#[utoipa::path(delete, path = "/notification-channels/{id}", tag = "notifications",
    params(("id" = ChannelId, Path)),
    responses((status = 204, description = "Removed."), (status = 404, body = super::ErrorEnvelope)),
)]
async fn delete_channel(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    state.services.notifications.delete_channel(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a test message now and answers with what became of it.
#[utoipa::path(post, path = "/notification-channels/{id}/test", tag = "notifications",
    params(("id" = ChannelId, Path)),
    responses((status = 200, body = Notification), (status = 404, body = super::ErrorEnvelope)),
)]
async fn send_test(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Json<Notification>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    Ok(Json(state.services.notifications.send_test(&id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PreviewRequest {
    /// Preview the notice of this run (as if it had just ended); the test message otherwise.
    #[serde(default)]
    #[schema(value_type = Option<ExecutionId>)]
    execution_id: Option<String>,
}

/// The message a channel would get, in the service's own format: for a run, or the test message.
#[utoipa::path(post, path = "/notification-channels/{id}/preview", tag = "notifications",
    params(("id" = ChannelId, Path)),
    request_body(content = Option<PreviewRequest>, description = "Optional."),
    responses((status = 200, body = Preview), (status = 404, description = "No such channel or run.", body = super::ErrorEnvelope)),
)]
async fn preview(
    State(state): State<AppState>,
    Segment(id): Segment,
    body: axum::body::Bytes,
) -> Result<Json<Preview>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    // The body is optional.
    let request: PreviewRequest = if body.iter().all(u8::is_ascii_whitespace) {
        PreviewRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("the request body: {e}")))
            .and_then(super::extract::body_from)?
    };
    Ok(Json(
        state
            .services
            .notifications
            .preview(&id, request.execution_id.as_deref())
            .await?,
    ))
}

/// The routing rules: which events of which project go to which channel.
#[utoipa::path(get, path = "/notification-rules", tag = "notifications",
    responses((status = 200, body = Vec<Rule>)),
)]
async fn rules(State(state): State<AppState>) -> Result<Json<Vec<Rule>>, ApiError> {
    Ok(Json(state.services.notifications.rules().await?))
}

/// Creates a rule.
#[utoipa::path(post, path = "/notification-rules", tag = "notifications",
    request_body = RuleInput,
    responses((status = 201, body = Rule), (status = 422, description = "Some fields are not valid, or the channel or project does not exist.", body = super::ErrorEnvelope)),
)]
async fn create_rule(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<(StatusCode, Json<Rule>), ApiError> {
    let rule = state.services.notifications.create_rule(input).await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

/// One rule.
#[utoipa::path(get, path = "/notification-rules/{id}", tag = "notifications",
    params(("id" = RuleId, Path)),
    responses((status = 200, body = Rule), (status = 404, body = super::ErrorEnvelope)),
)]
async fn rule(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Rule>, ApiError> {
    let id = id_of(&id, RuleId::parse, "rule")?;
    Ok(Json(state.services.notifications.rule(&id).await?))
}

/// Replaces a rule.
#[utoipa::path(put, path = "/notification-rules/{id}", tag = "notifications",
    params(("id" = RuleId, Path)),
    request_body = RuleInput,
    responses((status = 200, body = Rule), (status = 404, body = super::ErrorEnvelope), (status = 422, description = "Some fields are not valid, or the channel or project does not exist.", body = super::ErrorEnvelope)),
)]
async fn replace_rule(
    State(state): State<AppState>,
    Segment(id): Segment,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<Json<Rule>, ApiError> {
    let id = id_of(&id, RuleId::parse, "rule")?;
    Ok(Json(state.services.notifications.replace_rule(&id, input).await?))
}

/// Removes a rule.
#[utoipa::path(delete, path = "/notification-rules/{id}", tag = "notifications",
    params(("id" = RuleId, Path)),
    responses((status = 204, description = "Removed."), (status = 404, body = super::ErrorEnvelope)),
)]
async fn delete_rule(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, RuleId::parse, "rule")?;
    state.services.notifications.delete_rule(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The latest notifications, newest first: queued, sent, retrying or failed, with each attempt's outcome.
#[utoipa::path(get, path = "/notification-deliveries", tag = "notifications",
    params(
        ("channel_id" = Option<ChannelId>, Query),
        ("state" = Option<DeliveryState>, Query),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500, description = "At most this many; 50 by default."),
    ),
    responses((status = 200, body = Vec<Notification>)),
)]
async fn deliveries(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Vec<Notification>>, ApiError> {
    let channel = params.get("channel_id", ChannelId::parse)?;
    let status = params.get("state", str::parse::<DeliveryState>)?;
    let limit = params
        .get("limit", |s| match s.parse::<u32>() {
            Ok(n) if (1..=500).contains(&n) => Ok(n),
            _ => Err("limit must be a whole number from 1 to 500"),
        })?
        .unwrap_or(50);
    Ok(Json(
        state
            .services
            .notifications
            .notifications(channel.as_ref(), status, limit)
            .await?,
    ))
}

/// One notification.
#[utoipa::path(get, path = "/notification-deliveries/{id}", tag = "notifications",
    params(("id" = NotificationId, Path)),
    responses((status = 200, body = Notification), (status = 404, body = super::ErrorEnvelope)),
)]
async fn delivery(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Json<Notification>, ApiError> {
    let id = id_of(&id, NotificationId::parse, "notification")?;
    Ok(Json(state.services.notifications.notification(&id).await?))
}

/// Queues a failed notification to be sent again now.
#[utoipa::path(post, path = "/notification-deliveries/{id}/retry", tag = "notifications",
    params(("id" = NotificationId, Path)),
    responses((status = 200, body = Notification), (status = 404, body = super::ErrorEnvelope), (status = 409, description = "It is not failed.", body = super::ErrorEnvelope)),
)]
async fn retry(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Notification>, ApiError> {
    let id = id_of(&id, NotificationId::parse, "notification")?;
    Ok(Json(state.services.notifications.retry(&id).await?))
}
