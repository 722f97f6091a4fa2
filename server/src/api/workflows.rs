//! `/api/v1/workflows` and `/api/v1/workflow-templates`: definitions, made whole or from a template.

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;
use switchboard_core::agents::templates::{Template, find_template, templates};
use switchboard_core::workflow::{Workflow, WorkflowInput};
use switchboard_core::{ProjectId, WorkflowId};

const ACTOR: &str = "user";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/workflows", get(list).post(create))
        .route("/workflows/{id}", get(show).put(replace))
        .route("/workflow-templates", get(list_templates))
}

pub(super) fn workflow_id(text: &str) -> Result<WorkflowId, ApiError> {
    WorkflowId::parse(text).map_err(|e| ApiError::NotFound(format!("no workflow '{text}' ({e})")))
}

async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Workflow>>, ApiError> {
    let project = params.get("project_id", ProjectId::parse)?;
    Ok(Json(state.services.workflows.list(project.as_ref()).await?))
}

async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Workflow>, ApiError> {
    Ok(Json(state.services.workflows.get(&workflow_id(&id)?).await?))
}

/// A new workflow: a whole definition, or `{ "template_id", "name", "project_id" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FromTemplate {
    template_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    project_id: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Workflow>), ApiError> {
    let (input, template) = if body.get("template_id").is_some() {
        let request: FromTemplate = serde_json::from_value(body)
            .map_err(|e| ApiError::BadRequest(format!("the request body: {e}")))?;
        let template = find_template(&request.template_id).ok_or_else(|| {
            ApiError::NotFound(format!(
                "no template '{}' (GET /api/v1/workflow-templates lists them)",
                request.template_id
            ))
        })?;
        (
            template.instantiate(request.name.as_deref(), request.project_id.as_deref()),
            Some(template.id.to_owned()),
        )
    } else {
        let input: WorkflowInput = serde_json::from_value(body)
            .map_err(|e| ApiError::BadRequest(format!("the request body: {e}")))?;
        (input, None)
    };
    let mut draft = input.validate().map_err(ApiError::Validation)?;
    draft.template_id = template;
    let workflow = state.services.workflows.create(draft, ACTOR).await?;
    Ok((StatusCode::CREATED, Json(workflow)))
}

async fn replace(
    State(state): State<AppState>,
    Segment(id): Segment,
    ApiJson(input): ApiJson<WorkflowInput>,
) -> Result<Json<Workflow>, ApiError> {
    let id = workflow_id(&id)?;
    let before = state.services.workflows.get(&id).await?;
    let mut draft = input.validate().map_err(ApiError::Validation)?;
    draft.template_id = before.template_id;
    Ok(Json(state.services.workflows.update(&id, draft, ACTOR).await?))
}

async fn list_templates() -> Json<Vec<Template>> {
    Json(templates())
}
