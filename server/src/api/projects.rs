//! `/api/v1/projects`

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use switchboard_core::ProjectId;
use switchboard_core::project::{
    Project, ProjectFilter, ProjectInput, ProjectPatch, ProjectStatus, ProjectSummary,
};
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
    let project = state.services.projects.create(input, ACTOR).await?;
    Ok((StatusCode::CREATED, Json(project)))
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
    Ok(Json(state.services.projects.patch(&id, patch, ACTOR).await?))
}
