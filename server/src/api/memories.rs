//! `/api/v1/memories`, `/api/v1/memories/recall` and `/api/v1/recommendations`: the agents'
//! learnings. A person or an outside system records one (`POST`: 201 for a new learning, 200 with
//! `"merged": true` when it repeats one already there); lists filter and search them; recall ranks
//! them for a context with the parts of each score; recommendations say what past outcomes of each
//! action came to.

use super::ApiError;
use super::extract::{Params, Segment};
use crate::auth::access::Caller;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::Value;
use switchboard_core::ids::MemoryId;
use switchboard_core::memory::input;
use switchboard_core::memory::{Memory, MemoryPage, MemorySource, Recalled, Recommendations, SourceKind};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, record))
        .routes(routes!(recall))
        .routes(routes!(show, change, forget))
        .routes(routes!(recommendations))
}

fn who(caller: Option<Extension<Caller>>) -> String {
    caller.map_or_else(|| "api".to_owned(), |Extension(c)| c.who())
}

/// The query's pairs. An empty value is refused (naming the parameter) except for free text (the
/// words of a search, an audience), where empty means "any": the API answers exactly what it was
/// asked, unlike the page's form, which sends every filter and leaves the unused ones empty.
fn pairs(params: &Params) -> Result<Vec<(&str, &str)>, ApiError> {
    let mut errors = switchboard_core::validation::FieldErrors::new();
    let mut names: Vec<&String> = params.0.keys().collect();
    names.sort();
    for name in names {
        if !input::FREE_TEXT_PARAMS.contains(&name.as_str()) && params.0[name].trim().is_empty() {
            errors.add(name, "is empty: leave the parameter out to mean any");
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(params.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
}

fn memory_id(id: &str) -> Result<MemoryId, ApiError> {
    MemoryId::parse(id).map_err(|_| ApiError::NotFound(format!("memory '{id}' was not found")))
}

/// A learning to record. Only `agent` and `summary` are required (and, for an outcome, `action`
/// and `outcome`); any context field left out makes the learning apply more broadly.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct NewMemoryBody {
    #[schema(example = "trader")]
    agent: switchboard_core::memory::MemoryAgent,
    /// `outcome` when `outcome` is given, `note` otherwise.
    kind: Option<switchboard_core::memory::MemoryKind>,
    project_id: Option<switchboard_core::ProjectId>,
    platform: Option<switchboard_core::Platform>,
    objective: Option<switchboard_core::memory::Objective>,
    vertical: Option<switchboard_core::vertical::Vertical>,
    #[schema(max_length = 60)]
    audience: Option<String>,
    budget_band: Option<switchboard_core::memory::BudgetBand>,
    #[schema(minimum = 1, maximum = 12)]
    month: Option<u8>,
    action: Option<switchboard_core::memory::MemoryAction>,
    #[schema(max_length = 200)]
    subject: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"\S",
        example = "Raising Meta budgets 20% for home decor lowered ROAS"
    )]
    summary: String,
    tags: Option<TagsBody>,
    outcome: Option<NewOutcomeBody>,
    pinned: Option<bool>,
}

/// Tags: a list, or one text with the tags separated by commas.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum TagsBody {
    List(Vec<String>),
    Text(String),
}

/// What followed: the metric, and its values before and after when measured (the learning is
/// `pending` without them).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct NewOutcomeBody {
    metric: switchboard_core::memory::Metric,
    #[schema(minimum = 0)]
    before: Option<f64>,
    #[schema(minimum = 0)]
    after: Option<f64>,
    #[schema(minimum = 1, maximum = 365)]
    days: Option<u32>,
    #[schema(minimum = 0)]
    spend_micros: Option<i64>,
}

/// A learning as recorded: its fields, whether it merged into one already there, and the learning
/// again under `memory`.
#[derive(Serialize, utoipa::ToSchema)]
struct RecordedBody {
    #[serde(flatten)]
    flat: Memory,
    merged: bool,
    memory: Memory,
}

/// Records a learning, merging it into the one it repeats (the same scope, agent, context and
/// action; a note or an insight only with a near-identical text).
#[utoipa::path(post, path = "/memories", tag = "memory",
    request_body = NewMemoryBody,
    responses(
        (status = 201, description = "A new learning.", body = RecordedBody),
        (status = 200, description = "It repeated a learning, which it merged into (evidence, averaged outcome and confidence grew).", body = RecordedBody),
        (status = 400, body = super::ErrorEnvelope),
        (status = 422, description = "A field is wrong; each is named.", body = super::ErrorEnvelope),
    ),
)]
async fn record(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    super::extract::ApiJson(body): super::extract::ApiJson<Value>,
) -> Result<Response, ApiError> {
    // A logged-in session is the owner, a person; an API key is an outside system.
    let source = match caller {
        Some(Extension(c @ Caller::Session(_))) => MemorySource::sent_by(SourceKind::Person, &c.who()),
        Some(Extension(c)) => MemorySource::sent_by(SourceKind::Api, &c.who()),
        None => MemorySource::sent_by(SourceKind::Api, "api"),
    };
    let input = input::parse_new(&body, source).map_err(ApiError::Validation)?;
    let recorded = state.services.memory.record(input).await?;
    let status = if recorded.merged {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let body = RecordedBody {
        flat: recorded.memory.clone(),
        merged: recorded.merged,
        memory: recorded.memory,
    };
    Ok((status, Json(body)).into_response())
}

/// Learnings, pinned first then newest (or best match for `q`), with the total that match.
#[utoipa::path(get, path = "/memories", tag = "memory",
    params(
        ("q" = Option<String>, Query, description = "Words of the summary, subject or tags."),
        ("agent" = Option<switchboard_core::memory::MemoryAgent>, Query),
        ("kind" = Option<switchboard_core::memory::MemoryKind>, Query),
        ("platform" = Option<switchboard_core::Platform>, Query),
        ("objective" = Option<switchboard_core::memory::Objective>, Query),
        ("vertical" = Option<switchboard_core::vertical::Vertical>, Query),
        ("action" = Option<switchboard_core::memory::MemoryAction>, Query),
        ("project_id" = Option<switchboard_core::ProjectId>, Query),
        ("outcome" = Option<String>, Query, description = "good, bad, neutral, pending or inconclusive."),
        ("include_forgotten" = Option<bool>, Query),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500),
        ("offset" = Option<u32>, Query, minimum = 0, maximum = 2147483647),
    ),
    responses((status = 200, body = MemoryPage), (status = 400, body = super::ErrorEnvelope), (status = 422, body = super::ErrorEnvelope)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<MemoryPage>, ApiError> {
    let filter = input::parse_filter(pairs(&params)?).map_err(ApiError::Validation)?;
    Ok(Json(state.services.memory.list(&filter).await?))
}

/// One learning. A forgotten one is 404 unless `include_forgotten=true` asks for it (it can still
/// be brought back with `PATCH {"forgotten": false}`).
#[utoipa::path(get, path = "/memories/{id}", tag = "memory",
    params(("id" = String, Path, example = "mem_0001"), ("include_forgotten" = Option<bool>, Query)),
    responses((status = 200, body = Memory), (status = 400, body = super::ErrorEnvelope), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(
    State(state): State<AppState>,
    Segment(id): Segment,
    params: Params,
) -> Result<Json<Memory>, ApiError> {
    let include = params
        .get("include_forgotten", |v| {
            switchboard_core::validation::parse_flag(v).ok_or("must be true or false")
        })?
        .unwrap_or(false);
    let memory = state.services.memory.get(&memory_id(&id)?).await?;
    if memory.forgotten && !include {
        return Err(ApiError::NotFound(format!(
            "memory '{id}' was forgotten (include_forgotten=true shows it)"
        )));
    }
    Ok(Json(memory))
}

/// Changes a learning's `summary`, `tags` or `pinned`, or forgets it (`forgotten: true`) and brings
/// it back (`forgotten: false`).
#[utoipa::path(patch, path = "/memories/{id}", tag = "memory",
    params(("id" = String, Path, example = "mem_0001")),
    request_body = Object,
    responses((status = 200, body = Memory), (status = 400, body = super::ErrorEnvelope), (status = 404, body = super::ErrorEnvelope), (status = 422, body = super::ErrorEnvelope)),
)]
async fn change(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Segment(id): Segment,
    super::extract::ApiJson(body): super::extract::ApiJson<Value>,
) -> Result<Json<Memory>, ApiError> {
    let id = memory_id(&id)?;
    let patch = input::parse_patch(&body).map_err(ApiError::Validation)?;
    Ok(Json(
        state.services.memory.update(&id, &patch, &who(caller)).await?,
    ))
}

/// Forgets a learning: it is left out of lists, recall and recommendations, and can be brought
/// back with `PATCH {"forgotten": false}`.
#[utoipa::path(delete, path = "/memories/{id}", tag = "memory",
    params(("id" = String, Path, example = "mem_0001")),
    responses((status = 200, description = "The learning, forgotten.", body = Memory), (status = 404, body = super::ErrorEnvelope)),
)]
async fn forget(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Segment(id): Segment,
) -> Result<Json<Memory>, ApiError> {
    let id = memory_id(&id)?;
    Ok(Json(state.services.memory.forget(&id, &who(caller)).await?))
}

/// Recalled learnings, best first.
#[derive(Serialize, utoipa::ToSchema)]
struct RecallBody {
    items: Vec<Recalled>,
}

/// The learnings that fit a context and/or a text, best first, each with its score and the parts
/// of it: `context` (each field weighted: action, platform, objective, vertical, project...),
/// `text` (half BM25 scaled to the best match, half the share of the question's words the learning
/// says), `recency` (half-life 90 days) and `outcome` (strength
/// times evidence).
#[utoipa::path(get, path = "/memories/recall", tag = "memory",
    params(
        ("platform" = Option<switchboard_core::Platform>, Query),
        ("objective" = Option<switchboard_core::memory::Objective>, Query),
        ("vertical" = Option<switchboard_core::vertical::Vertical>, Query),
        ("action" = Option<switchboard_core::memory::MemoryAction>, Query),
        ("agent" = Option<switchboard_core::memory::MemoryAgent>, Query),
        ("project_id" = Option<switchboard_core::ProjectId>, Query, description = "Its vertical is used when none is given."),
        ("audience" = Option<String>, Query),
        ("budget_band" = Option<switchboard_core::memory::BudgetBand>, Query),
        ("month" = Option<u8>, Query, minimum = 1, maximum = 12),
        ("q" = Option<String>, Query),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100),
    ),
    responses((status = 200, body = RecallBody), (status = 400, body = super::ErrorEnvelope), (status = 422, body = super::ErrorEnvelope)),
)]
async fn recall(State(state): State<AppState>, params: Params) -> Result<Json<RecallBody>, ApiError> {
    let q =
        input::parse_recall(pairs(&params)?, input::RECALL_LIMIT_DEFAULT).map_err(ApiError::Validation)?;
    Ok(Json(RecallBody {
        items: state.services.memory.recall(&q).await?,
    }))
}

/// For a context (a project, or platform / objective / vertical) and optionally an intended
/// action: each action's past outcomes (median, likely range, full range, confidence) and whether
/// to do it, with the outcomes it rests on. An empty memory answers no items and says so.
#[utoipa::path(get, path = "/recommendations", tag = "memory",
    params(
        ("project_id" = Option<switchboard_core::ProjectId>, Query),
        ("platform" = Option<switchboard_core::Platform>, Query),
        ("objective" = Option<switchboard_core::memory::Objective>, Query),
        ("vertical" = Option<switchboard_core::vertical::Vertical>, Query),
        ("action" = Option<switchboard_core::memory::MemoryAction>, Query),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Past outcomes listed (10 by default)."),
    ),
    responses((status = 200, body = Recommendations), (status = 400, body = super::ErrorEnvelope), (status = 422, body = super::ErrorEnvelope)),
)]
async fn recommendations(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Recommendations>, ApiError> {
    let q =
        input::parse_recall(pairs(&params)?, input::RECALL_LIMIT_DEFAULT).map_err(ApiError::Validation)?;
    Ok(Json(state.services.memory.recommend(&q).await?))
}
