//! `/api/v1/executions`: start a run (202 once it is durably recorded), list, read, cancel, and
//! follow it live over Server-Sent Events (`/executions/{id}/events`, `/events`). Streams replay
//! what a client missed from the log (`Last-Event-ID`, or `?after=`) before going live, send
//! keep-alives, and a run's own stream ends when the run does.

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::startup::AppState;
use crate::workflows::EngineError;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::Stream;
use serde::Deserialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::time::Duration;
use switchboard_core::execution::{Execution, ExecutionDetail, ExecutionEvent, ExecutionStatus, events};
use switchboard_core::{ExecutionId, ProjectId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/executions", get(list).post(start))
        .route("/executions/{id}", get(show))
        .route("/executions/{id}/cancel", post(cancel))
        .route("/executions/{id}/events", get(execution_events))
        .route("/events", get(all_events))
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartRequest {
    workflow_id: String,
    #[serde(default)]
    project_id: Option<String>,
    #[serde(default)]
    input: Option<Value>,
}

async fn start(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<StartRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
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
        Json(
            json!({"id": execution.id, "status": execution.status, "events": format!("/api/v1/executions/{}/events", execution.id)}),
        ),
    ))
}

async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Execution>>, ApiError> {
    let status = params.get("status", str::parse::<ExecutionStatus>)?;
    let project = params.get("project_id", ProjectId::parse)?;
    let limit = params
        .get("limit", str::parse::<u32>)?
        .unwrap_or(100)
        .clamp(1, 1000);
    Ok(Json(
        state
            .services
            .executions
            .list(status, project.as_ref(), limit)
            .await?,
    ))
}

async fn show(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Json<ExecutionDetail>, ApiError> {
    Ok(Json(state.services.executions.get(&execution_id(&id)?).await?))
}

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
