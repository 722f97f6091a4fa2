//! `/api/v1/projects`

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_core::ProjectId;
use switchboard_core::project::{Project, ProjectFilter, ProjectInput, ProjectStatus, ProjectSummary};

/// Changes made through the API are recorded in the activity feed as this actor.
const ACTOR: &str = "user";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list).post(create))
        .route("/projects/{id}", get(show).patch(update))
}

fn project_id(text: &str) -> Result<ProjectId, ApiError> {
    ProjectId::parse(text).map_err(|e| ApiError::NotFound(format!("no project '{text}' ({e})")))
}

async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<ProjectSummary>>, ApiError> {
    let filter = ProjectFilter {
        status: params.get("status", str::parse::<ProjectStatus>)?,
        search: params.get("q", |s| Ok::<_, String>(s.to_owned()))?,
    };
    Ok(Json(state.services.projects.list(&filter).await?))
}

async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Project>, ApiError> {
    Ok(Json(state.services.projects.get(&project_id(&id)?).await?))
}

async fn create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ProjectInput>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    let draft = input.validate().map_err(ApiError::Validation)?;
    let project = state.services.projects.create(draft, ACTOR).await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// The fields a PATCH may change; those left out keep their value. `null` clears an optional field.
#[derive(Debug, Deserialize)]
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
