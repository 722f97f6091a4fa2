//! `/api/v1/notification-channels`, `/api/v1/notification-rules`, `/api/v1/notification-deliveries`:
//! where notifications go, which events go where, and what became of each.

use super::ApiError;
use super::error::{check_project, missing_as_field};
use super::extract::{ApiJson, Params, Segment};
use crate::notify::{Notifier, NotifyError};
use crate::startup::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_core::notify::{
    Channel, ChannelInput, DeliveryState, Notification, Rule, RuleDraft, RuleInput,
};
use switchboard_core::validation::FieldErrors;
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

impl From<NotifyError> for ApiError {
    fn from(e: NotifyError) -> Self {
        match e {
            NotifyError::Repo(r) => r.into(),
            NotifyError::Refused(why) => ApiError::Validation(FieldErrors::single("url", why)),
            NotifyError::Secret(m) => {
                tracing::error!(error = %m, "a channel's address could not be opened");
                ApiError::Internal
            }
        }
    }
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
    Ok(Json(state.notifier.repo().channels().await?))
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
    let draft = input.validate().map_err(ApiError::Validation)?;
    let channel = state.notifier.create_channel(&draft).await?;
    tracing::info!(channel = %channel.id, kind = channel.kind.as_str(), "notification channel created");
    Ok((StatusCode::CREATED, Json(channel)))
}

/// One channel.
#[utoipa::path(get, path = "/notification-channels/{id}", tag = "notifications",
    params(("id" = ChannelId, Path)),
    responses((status = 200, body = Channel), (status = 404, body = super::ErrorEnvelope)),
)]
async fn channel(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Channel>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    Ok(Json(state.notifier.repo().channel(&id).await?))
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
    let draft = input.validate().map_err(ApiError::Validation)?;
    Ok(Json(state.notifier.update_channel(&id, &draft).await?))
}

/// Removes a channel, its rules and its queued notifications.
#[utoipa::path(delete, path = "/notification-channels/{id}", tag = "notifications",
    params(("id" = ChannelId, Path)),
    responses((status = 204, description = "Removed."), (status = 404, body = super::ErrorEnvelope)),
)]
async fn delete_channel(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    state.notifier.repo().delete_channel(&id).await?;
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
    Ok(Json(state.notifier.send_test(&id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PreviewRequest {
    /// Preview the notice of this run (as if it had just ended); the test message otherwise.
    #[serde(default)]
    #[schema(value_type = Option<ExecutionId>)]
    execution_id: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Preview {
    /// The channel's kind: `discord`, `slack` or `email`.
    kind: &'static str,
    /// The body the service would get.
    #[schema(value_type = Object)]
    payload: Value,
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
    let channel = state.notifier.repo().channel(&id).await?;
    // The body is optional.
    let request: PreviewRequest = if body.iter().all(u8::is_ascii_whitespace) {
        PreviewRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("the request body: {e}")))
            .and_then(super::extract::body_from)?
    };
    let notice = match request
        .execution_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => state.notifier.test_notice(&channel),
        Some(text) => {
            let run =
                ExecutionId::parse(text).map_err(|e| ApiError::BadRequest(format!("execution_id: {e}")))?;
            let detail = state.services.executions.get(&run).await?;
            state.notifier.notice_for(&detail).await
        }
    };
    Ok(Json(Preview {
        kind: channel.kind.as_str(),
        payload: Notifier::preview(channel.kind, &notice),
    }))
}

/// A missing project or channel is a field error.
async fn check_rule(state: &AppState, input: &RuleInput) -> Result<RuleDraft, ApiError> {
    let draft = input.validate().map_err(ApiError::Validation)?;
    state
        .notifier
        .repo()
        .channel(&draft.channel_id)
        .await
        .map_err(missing_as_field(
            "channel_id",
            format!("there is no channel '{}'", draft.channel_id),
        ))?;
    check_project(&state.services, draft.project_id.as_ref()).await?;
    Ok(draft)
}

/// The routing rules: which events of which project go to which channel.
#[utoipa::path(get, path = "/notification-rules", tag = "notifications",
    responses((status = 200, body = Vec<Rule>)),
)]
async fn rules(State(state): State<AppState>) -> Result<Json<Vec<Rule>>, ApiError> {
    Ok(Json(state.notifier.repo().rules().await?))
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
    let draft = check_rule(&state, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.notifier.repo().create_rule(&draft).await?),
    ))
}

/// One rule.
#[utoipa::path(get, path = "/notification-rules/{id}", tag = "notifications",
    params(("id" = RuleId, Path)),
    responses((status = 200, body = Rule), (status = 404, body = super::ErrorEnvelope)),
)]
async fn rule(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Rule>, ApiError> {
    let id = id_of(&id, RuleId::parse, "rule")?;
    Ok(Json(state.notifier.repo().rule(&id).await?))
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
    state.notifier.repo().rule(&id).await?;
    let draft = check_rule(&state, &input).await?;
    Ok(Json(state.notifier.repo().update_rule(&id, &draft).await?))
}

/// Removes a rule.
#[utoipa::path(delete, path = "/notification-rules/{id}", tag = "notifications",
    params(("id" = RuleId, Path)),
    responses((status = 204, description = "Removed."), (status = 404, body = super::ErrorEnvelope)),
)]
async fn delete_rule(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, RuleId::parse, "rule")?;
    state.notifier.repo().delete_rule(&id).await?;
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
            .notifier
            .repo()
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
    Ok(Json(state.notifier.repo().notification(&id).await?))
}

/// Queues a failed notification to be sent again now.
#[utoipa::path(post, path = "/notification-deliveries/{id}/retry", tag = "notifications",
    params(("id" = NotificationId, Path)),
    responses((status = 200, body = Notification), (status = 404, body = super::ErrorEnvelope), (status = 409, description = "It is not failed.", body = super::ErrorEnvelope)),
)]
async fn retry(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Notification>, ApiError> {
    let id = id_of(&id, NotificationId::parse, "notification")?;
    Ok(Json(state.notifier.retry(&id).await?))
}
