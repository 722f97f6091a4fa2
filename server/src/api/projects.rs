//! `/api/v1/projects`

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::startup::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_core::ProjectId;
use switchboard_core::project::{Project, ProjectFilter, ProjectInput, ProjectStatus, ProjectSummary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Changes made through the API are recorded in the activity feed as this actor.
const ACTOR: &str = "user";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update))
}

fn project_id(text: &str) -> Result<ProjectId, ApiError> {
    ProjectId::parse(text).map_err(|e| ApiError::NotFound(format!("no project '{text}' ({e})")))
}

/// The projects, with counts of their campaigns and connections.
#[utoipa::path(get, path = "/projects", tag = "projects",
    params(
        ("status" = Option<ProjectStatus>, Query, description = "Only projects with this status."),
        ("q" = Option<String>, Query, description = "Words in the name or client."),
    ),
    responses((status = 200, body = Vec<ProjectSummary>)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<ProjectSummary>>, ApiError> {
    let filter = ProjectFilter {
        status: params.get("status", str::parse::<ProjectStatus>)?,
        search: params.get("q", |s| Ok::<_, String>(s.to_owned()))?,
    };
    Ok(Json(state.services.projects.list(&filter).await?))
}

/// One project.
#[utoipa::path(get, path = "/projects/{id}", tag = "projects",
    params(("id" = ProjectId, Path)),
    responses((status = 200, body = Project), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Project>, ApiError> {
    Ok(Json(state.services.projects.get(&project_id(&id)?).await?))
}

/// Creates a project. Money is a decimal string in the project's currency (`"12500.00"`).
#[utoipa::path(post, path = "/projects", tag = "projects",
    request_body = ProjectInput,
    responses(
        (status = 201, body = Project),
        (status = 422, description = "Some fields are not valid; each is named.", body = super::ErrorEnvelope),
    ),
)]
async fn create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ProjectInput>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    let draft = input.validate().map_err(ApiError::Validation)?;
    let project = state.services.projects.create(draft, ACTOR).await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// The fields a PATCH may change; those left out keep their value. `null` clears an optional field.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ProjectPatch {
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    client: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    vertical: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    monthly_budget: Option<Option<String>>,
    currency: Option<String>,
    platforms: Option<Vec<String>>,
    status: Option<String>,
}

/// Tells a field sent as `null` (Some(None)) from one left out (None).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes some of a project's fields; the others keep their value, and `null` clears an optional one.
#[utoipa::path(patch, path = "/projects/{id}", tag = "projects",
    params(("id" = ProjectId, Path)),
    request_body = ProjectPatch,
    responses(
        (status = 200, body = Project),
        (status = 404, body = super::ErrorEnvelope),
        (status = 422, description = "Some fields are not valid; each is named.", body = super::ErrorEnvelope),
    ),
)]
async fn update(
    State(state): State<AppState>,
    Segment(id): Segment,
    ApiJson(patch): ApiJson<ProjectPatch>,
) -> Result<Json<Project>, ApiError> {
    let id = project_id(&id)?;
    let current = state.services.projects.get(&id).await?;
    let mut input = ProjectInput::from(&current);
    if let Some(name) = patch.name {
        input.name = name;
    }
    if let Some(v) = patch.client {
        input.client = v;
    }
    if let Some(v) = patch.vertical {
        input.vertical = v;
    }
    if let Some(v) = patch.description {
        input.description = v;
    }
    if let Some(v) = patch.monthly_budget {
        input.monthly_budget = v;
    }
    if let Some(v) = patch.currency {
        input.currency = Some(v);
    }
    if let Some(v) = patch.platforms {
        input.platforms = v;
    }
    if let Some(v) = patch.status {
        input.status = Some(v);
    }
    let draft = input.validate().map_err(ApiError::Validation)?;
    Ok(Json(state.services.projects.update(&id, draft, ACTOR).await?))
}
