//! `/api/v1/workflows` and `/api/v1/workflow-templates`: definitions, made whole or from a template.

use super::ApiError;
use super::extract::{ApiJson, Params, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use switchboard_core::agents::templates::Template;
use switchboard_core::workflow::{Workflow, WorkflowInput};
use switchboard_core::{ProjectId, WorkflowId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const ACTOR: &str = "user";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, replace))
        .routes(routes!(list_templates))
}

pub(super) fn workflow_id(text: &str) -> Result<WorkflowId, ApiError> {
    WorkflowId::parse(text).map_err(|e| ApiError::NotFound(format!("no workflow '{text}' ({e})")))
}

/// The workflows, optionally of one project.
#[utoipa::path(get, path = "/workflows", tag = "workflows",
    params(("project_id" = Option<ProjectId>, Query, description = "Only this project's workflows.")),
    responses((status = 200, body = Vec<Workflow>)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Vec<Workflow>>, ApiError> {
    let project = params.get("project_id", ProjectId::parse)?;
    Ok(Json(state.services.workflows.list(project.as_ref()).await?))
}

/// One workflow with its stages.
#[utoipa::path(get, path = "/workflows/{id}", tag = "workflows",
    params(("id" = WorkflowId, Path)),
    responses((status = 200, body = Workflow), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Workflow>, ApiError> {
    Ok(Json(state.services.workflows.get(&workflow_id(&id)?).await?))
}

/// A new workflow: a whole definition, or `{ "template_id", "name", "project_id" }`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FromTemplate {
    /// A template's id, as `/workflow-templates` lists them.
    template_id: String,
    /// The workflow's name; the template's by default.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<ProjectId>)]
    project_id: Option<String>,
    /// Whether its write actions wait for approval; `{"mode": "propose"}` by default.
    #[serde(default)]
    approval: Option<switchboard_core::approval::ApprovalPolicy>,
}

/// The two bodies `POST /workflows` takes (read by the presence of `template_id`).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // The request body's description; `create` reads the JSON itself.
enum NewWorkflow {
    FromTemplate(FromTemplate),
    Definition(WorkflowInput),
}

/// Creates a workflow: a whole definition (stages of agents and actions), or one made from a
/// template (`template_id`, with an optional name and project).
#[utoipa::path(post, path = "/workflows", tag = "workflows",
    request_body(content = NewWorkflow, description = "A whole definition, or a template to start from."),
    responses(
        (status = 201, body = Workflow),
        (status = 404, description = "No such template.", body = super::ErrorEnvelope),
        (status = 422, description = "Some fields are not valid; each is named.", body = super::ErrorEnvelope),
    ),
)]
async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Workflow>), ApiError> {
    let workflows = &state.services.workflows;
    let workflow = if body.get("template_id").is_some() {
        let request: FromTemplate = super::extract::body_from(body)?;
        workflows
            .create_from_template(
                &request.template_id,
                request.name.as_deref(),
                request.project_id.as_deref(),
                request.approval,
                ACTOR,
            )
            .await?
    } else {
        workflows.create(super::extract::body_from(body)?, ACTOR).await?
    };
    Ok((StatusCode::CREATED, Json(workflow)))
}

/// Replaces a workflow's definition. Runs under way keep the definition they started with.
#[utoipa::path(put, path = "/workflows/{id}", tag = "workflows",
    params(("id" = WorkflowId, Path)),
    request_body = WorkflowInput,
    responses(
        (status = 200, body = Workflow),
        (status = 404, body = super::ErrorEnvelope),
        (status = 422, description = "Some fields are not valid; each is named.", body = super::ErrorEnvelope),
    ),
)]
async fn replace(
    State(state): State<AppState>,
    Segment(id): Segment,
    ApiJson(input): ApiJson<WorkflowInput>,
) -> Result<Json<Workflow>, ApiError> {
    let id = workflow_id(&id)?;
    Ok(Json(state.services.workflows.replace(&id, input, ACTOR).await?))
}

/// The built-in workflow templates: the agents, stages and tools each uses.
#[utoipa::path(get, path = "/workflow-templates", tag = "workflows",
    responses((status = 200, body = Vec<Template>)),
)]
async fn list_templates(State(state): State<AppState>) -> Json<Vec<Template>> {
    Json(state.services.workflows.templates())
}
