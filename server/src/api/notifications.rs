//! `/api/v1/notification-channels`, `/api/v1/notification-rules`, `/api/v1/notification-deliveries`:
//! where notifications go, which events go where, and what became of each.

use super::ApiError;
use super::error::{check_project, missing_as_field};
use super::extract::{ApiJson, Params, Segment};
use crate::notify::{Notifier, NotifyError};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_core::notify::{
    Channel, ChannelInput, DeliveryState, Notification, Rule, RuleDraft, RuleInput,
};
use switchboard_core::validation::FieldErrors;
use switchboard_core::{ChannelId, ExecutionId, NotificationId, RuleId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notification-channels", get(channels).post(create_channel))
        .route(
            "/notification-channels/{id}",
            get(channel).put(replace_channel).delete(delete_channel),
        )
        .route("/notification-channels/{id}/test", post(send_test))
        .route("/notification-channels/{id}/preview", post(preview))
        .route("/notification-rules", get(rules).post(create_rule))
        .route(
            "/notification-rules/{id}",
            get(rule).put(replace_rule).delete(delete_rule),
        )
        .route("/notification-deliveries", get(deliveries))
        .route("/notification-deliveries/{id}", get(delivery))
        .route("/notification-deliveries/{id}/retry", post(retry))
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

async fn channels(State(state): State<AppState>) -> Result<Json<Vec<Channel>>, ApiError> {
    Ok(Json(state.notifier.repo().channels().await?))
}

async fn create_channel(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ChannelInput>,
) -> Result<(StatusCode, Json<Channel>), ApiError> {
    let draft = input.validate().map_err(ApiError::Validation)?;
    let channel = state.notifier.create_channel(&draft).await?;
    tracing::info!(channel = %channel.id, kind = channel.kind.as_str(), "notification channel created");
    Ok((StatusCode::CREATED, Json(channel)))
}

async fn channel(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Channel>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    Ok(Json(state.notifier.repo().channel(&id).await?))
}

async fn replace_channel(
    State(state): State<AppState>,
    Segment(id): Segment,
    ApiJson(input): ApiJson<ChannelInput>,
) -> Result<Json<Channel>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    let draft = input.validate().map_err(ApiError::Validation)?;
    Ok(Json(state.notifier.update_channel(&id, &draft).await?))
}

async fn delete_channel(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    state.notifier.repo().delete_channel(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn send_test(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Json<Notification>, ApiError> {
    let id = id_of(&id, ChannelId::parse, "channel")?;
    Ok(Json(state.notifier.send_test(&id).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PreviewRequest {
    /// Preview the notice of this run (as if it had just ended); the test message otherwise.
    #[serde(default)]
    execution_id: Option<String>,
}

#[derive(Serialize)]
struct Preview {
    kind: &'static str,
    /// The body the service would get.
    payload: Value,
}

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
        serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(format!("the request body: {e}")))?
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

async fn rules(State(state): State<AppState>) -> Result<Json<Vec<Rule>>, ApiError> {
    Ok(Json(state.notifier.repo().rules().await?))
}

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

async fn rule(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Rule>, ApiError> {
    let id = id_of(&id, RuleId::parse, "rule")?;
    Ok(Json(state.notifier.repo().rule(&id).await?))
}

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

async fn delete_rule(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, RuleId::parse, "rule")?;
    state.notifier.repo().delete_rule(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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

async fn delivery(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Json<Notification>, ApiError> {
    let id = id_of(&id, NotificationId::parse, "notification")?;
    Ok(Json(state.notifier.repo().notification(&id).await?))
}

async fn retry(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Notification>, ApiError> {
    let id = id_of(&id, NotificationId::parse, "notification")?;
    Ok(Json(state.notifier.retry(&id).await?))
}
