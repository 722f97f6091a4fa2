//! `/api/v1/executions`: start a run (202 once it is durably recorded), list, read, cancel, and
//! follow it live over Server-Sent Events (`/executions/{id}/events`, `/events`). Streams replay
//! what a client missed from the log (`Last-Event-ID`, or `?after=`) before going live, send
//! keep-alives, and a run's own stream ends when the run does.

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::startup::AppState;
use crate::workflows::EngineError;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use serde::Deserialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::time::Duration;
use switchboard_core::execution::{Execution, ExecutionDetail, ExecutionEvent, ExecutionStatus, events};
use switchboard_core::{ExecutionId, ProjectId};
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

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Repo(r) => r.into(),
            EngineError::Invalid(m) => ApiError::Conflict(m),
        }
    }
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
    let input = request.input.unwrap_or_else(|| json!({"trigger": "manual"}));
    let execution = state.engine.start(&workflow, project.as_ref(), input).await?;
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
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "At most this many; 100 by default."),
    ),
    responses((status = 200, body = Vec<Execution>)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Execution>>, ApiError> {
    let status = params.get("status", str::parse::<ExecutionStatus>)?;
    let project = params.get("project_id", ProjectId::parse)?;
    let limit = params
        .get("limit", |s| match s.parse::<u32>() {
            Ok(n) if (1..=1000).contains(&n) => Ok(n),
            _ => Err("limit must be a whole number from 1 to 1000"),
        })?
        .unwrap_or(100);
    Ok(Json(
        state
            .services
            .executions
            .list(status, project.as_ref(), limit)
            .await?,
    ))
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
    state.engine.cancel(&execution_id(&id)?).await?;
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

/// Replays from the log after `after`, then follows the bus; `only` narrows to one run, which also
/// ends the stream at its final event.
fn follow(
    state: AppState,
    only: Option<ExecutionId>,
    mut after: i64,
) -> impl Stream<Item = Result<Event, Infallible>> {
    // Subscribe first: nothing published between the replay and the live part is lost.
    let mut live = state.engine.bus().subscribe();
    async_stream::stream! {
        loop {
            // Catch up from storage (the start, and whenever the bus dropped events for us).
            let backlog = match &only {
                Some(id) => state.services.events.list(id, after).await,
                None => state.services.events.since(after, 1_000).await,
            };
            let backlog = match backlog {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "cannot replay events");
                    return;
                }
            };
            let full_page = only.is_none() && backlog.len() == 1_000;
            for e in backlog {
                after = e.seq;
                let last = only.is_some() && events::is_final(&e.kind);
                yield Ok(sse_event(&e));
                if last {
                    return;
                }
            }
            if full_page {
                continue;
            }
            loop {
                match live.recv().await {
                    Ok(e) => {
                        if e.seq <= after || only.as_ref().is_some_and(|id| *id != e.execution_id) {
                            continue;
                        }
                        if e.seq > after + 1 && only.is_none() {
                            // A gap (events stored by another writer not yet seen): read them first.
                            break;
                        }
                        after = e.seq;
                        let last = only.is_some() && events::is_final(&e.kind);
                        yield Ok(sse_event(&e));
                        if last {
                            return;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        }
    }
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
    // An unknown run is a 404 before the stream starts.
    state.services.executions.get(&id).await?;
    let after = resume_point(&headers, &params)?.unwrap_or(0);
    Ok(Sse::new(follow(state, Some(id), after))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
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
    let after = match resume_point(&headers, &params)? {
        Some(after) => after,
        // From now: the newest stored event.
        None => state.services.events.last_seq().await?,
    };
    Ok(Sse::new(follow(state, None, after)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
