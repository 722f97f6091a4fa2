//! `/api/v1/executions`: start a run (202 once it is durably recorded), list, read, cancel, and
//! follow it live over Server-Sent Events (`/executions/{id}/events`, `/events`). Streams replay
//! what a client missed from the log (`Last-Event-ID`, or `?after=`) before going live, send
//! keep-alives, and a run's own stream ends when the run does.

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::time::Duration;
use switchboard_core::execution::{
    Execution, ExecutionDetail, ExecutionEvent, ExecutionFilter, ExecutionStatus,
};
use switchboard_core::service::EventFeed;
use switchboard_core::{ExecutionId, ProjectId, WorkflowId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, start))
        .routes(routes!(show))
        .routes(routes!(cancel))
        .routes(routes!(execution_events))
        .routes(routes!(all_events))
}

fn execution_id(text: &str) -> Result<ExecutionId, ApiError> {
    ExecutionId::parse(text).map_err(|e| ApiError::NotFound(format!("no execution '{text}' ({e})")))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct StartRequest {
    #[schema(value_type = switchboard_core::WorkflowId)]
    workflow_id: String,
    /// The project the run works for; the workflow's own by default.
    #[serde(default)]
    #[schema(value_type = Option<ProjectId>)]
    project_id: Option<String>,
    /// The run's input; `{"trigger": "manual"}` by default.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    input: Option<Value>,
    /// Work out every change and apply none (the stages' outputs list what would change).
    #[serde(default)]
    dry_run: bool,
}

/// A run that has been recorded and will start.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct RunStarted {
    pub id: ExecutionId,
    pub status: ExecutionStatus,
    /// Its live events (Server-Sent Events).
    #[schema(example = "/api/v1/executions/exec_0001/events")]
    pub events: String,
}

/// Starts a run of a workflow. Answers 202 once the run is durably recorded.
#[utoipa::path(post, path = "/executions", tag = "executions",
    request_body = StartRequest,
    responses(
        (status = 202, body = RunStarted),
        (status = 404, description = "No such workflow.", body = super::ErrorEnvelope),
        (status = 409, description = "The workflow cannot run (it is disabled, or has no stages).", body = super::ErrorEnvelope),
        (status = 422, description = "The workflow has no project and the request names none: the error names `project_id` (choose the project the run works for).", body = super::ErrorEnvelope),
    ),
)]
async fn start(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<StartRequest>,
) -> Result<(StatusCode, Json<RunStarted>), ApiError> {
    let workflow = super::workflows::workflow_id(&request.workflow_id)?;
    let project = match request
        .project_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => Some(ProjectId::parse(p).map_err(|e| ApiError::BadRequest(format!("project_id: {e}")))?),
    };
    let execution = state
        .services
        .executions
        .start(&workflow, project.as_ref(), request.input, request.dry_run)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(RunStarted {
            events: format!("/api/v1/executions/{}/events", execution.id),
            id: execution.id,
            status: execution.status,
        }),
    ))
}

/// The latest runs, newest first.
#[utoipa::path(get, path = "/executions", tag = "executions",
    params(
        ("status" = Option<ExecutionStatus>, Query),
        ("project_id" = Option<ProjectId>, Query),
        ("workflow_id" = Option<WorkflowId>, Query, description = "Only runs of this workflow."),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "At most this many; 100 by default."),
    ),
    responses((status = 200, body = Vec<Execution>)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Execution>>, ApiError> {
    let status = params.get("status", str::parse::<ExecutionStatus>)?;
    let project = params.get("project_id", ProjectId::parse)?;
    let workflow = params.get("workflow_id", WorkflowId::parse)?;
    let limit = params
        .get("limit", |s| match s.parse::<u32>() {
            Ok(n) if (1..=1000).contains(&n) => Ok(n),
            _ => Err("limit must be a whole number from 1 to 1000"),
        })?
        .unwrap_or(100);
    let filter = ExecutionFilter {
        status,
        project_id: project,
        workflow_id: workflow,
        limit,
    };
    Ok(Json(state.services.executions.list(&filter).await?))
}

/// One run with its stages and their state.
#[utoipa::path(get, path = "/executions/{id}", tag = "executions",
    params(("id" = ExecutionId, Path)),
    responses((status = 200, body = ExecutionDetail), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Json<ExecutionDetail>, ApiError> {
    Ok(Json(state.services.executions.get(&execution_id(&id)?).await?))
}

/// Asks a run to stop: it stops after the step under way.
#[utoipa::path(post, path = "/executions/{id}/cancel", tag = "executions",
    params(("id" = ExecutionId, Path)),
    responses(
        (status = 202, description = "The run will stop."),
        (status = 404, body = super::ErrorEnvelope),
        (status = 409, description = "The run has already ended.", body = super::ErrorEnvelope),
    ),
)]
async fn cancel(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    state.services.executions.cancel(&execution_id(&id)?).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Where a stream starts: after `Last-Event-ID`, else after `?after=`, else from the start (a run's
/// stream) or from now (the global one).
fn resume_point(headers: &HeaderMap, params: &Params) -> Result<Option<i64>, ApiError> {
    if let Some(last) = headers.get("last-event-id").and_then(|v| v.to_str().ok()) {
        return last
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::BadRequest("Last-Event-ID must be an event number".into()));
    }
    params.get("after", str::parse::<i64>)
}

fn sse_event(e: &ExecutionEvent) -> Event {
    let data = json!({"seq": e.seq, "id": e.id, "execution_id": e.execution_id, "type": e.kind,
                      "occurred_at": e.occurred_at, "data": e.data});
    Event::default()
        .id(e.seq.to_string())
        .event(e.kind.clone())
        .data(data.to_string())
}

/// A feed as Server-Sent Events, with keep-alives.
fn sse(feed: Box<dyn EventFeed>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = stream::unfold(feed, |mut feed| async move {
        feed.next().await.map(|e| (Ok(sse_event(&e)), feed))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// A run's events, live: what is stored first (from `Last-Event-ID` or `after`), then new ones;
/// the stream ends when the run does.
#[utoipa::path(get, path = "/executions/{id}/events", tag = "executions",
    params(
        ("id" = ExecutionId, Path),
        ("after" = Option<i64>, Query, description = "Replay events after this sequence number."),
        ("Last-Event-ID" = Option<i64>, Header, description = "Sent by browsers on reconnect; wins over `after`."),
    ),
    responses((status = 200, description = "A Server-Sent Events stream: each event's `id` is its sequence number, `event` its type, `data` its JSON: `{seq, id, execution_id, type, occurred_at, data}`. Keep-alives every 15 s.",
            content_type = "text/event-stream", body = String), (status = 404, body = super::ErrorEnvelope)),
)]
async fn execution_events(
    State(state): State<AppState>,
    Segment(id): Segment,
    headers: HeaderMap,
    params: Params,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let id = execution_id(&id)?;
    let resume = resume_point(&headers, &params);
    // An unknown run is a 404 before the stream starts, and before a bad resume point is a 400.
    let feed = state
        .services
        .executions
        .follow(Some(&id), resume.as_ref().ok().copied().flatten())
        .await?;
    resume?;
    Ok(sse(feed))
}

/// Every run's events, live, from now (or from `Last-Event-ID` / `after`).
#[utoipa::path(get, path = "/events", tag = "executions",
    params(
        ("after" = Option<i64>, Query, description = "Replay events after this sequence number."),
        ("Last-Event-ID" = Option<i64>, Header, description = "Sent by browsers on reconnect; wins over `after`."),
    ),
    responses((status = 200, description = "A Server-Sent Events stream: each event's `id` is its sequence number, `event` its type, `data` its JSON: `{seq, id, execution_id, type, occurred_at, data}`. Keep-alives every 15 s.",
            content_type = "text/event-stream", body = String)),
)]
async fn all_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let after = resume_point(&headers, &params)?;
    Ok(sse(state.services.executions.follow(None, after).await?))
}
