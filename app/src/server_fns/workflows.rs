//! Workflows: the templates and the definitions, made from a template and edited stage by stage.

use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::workflow::Workflow;
pub use switchboard_core::workflow::{
    StageForm, TemplateInfo, WorkflowDetail, WorkflowForm, WorkflowItem, WorkflowsOverview,
};

/// Changes made in the UI are recorded in the activity feed as this actor.
#[cfg(feature = "ssr")]
const ACTOR: &str = "user";

#[server]
pub async fn get_workflows() -> Result<WorkflowsOverview, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.workflows.overview().await?) }.await).await
}

/// Makes a workflow from a template for a project, then opens it.
#[server]
pub async fn create_from_template(
    template_id: String,
    project_id: String,
    name: Option<String>,
) -> Result<Workflow, AppError> {
    super::ssr::respond(
        async move {
            let workflow = super::ssr::services()?
                .workflows
                .create_from_template(&template_id, name.as_deref(), Some(project_id.as_str()), None, ACTOR)
                .await?;
            leptos_axum::redirect(&format!("/workflows/{}", workflow.id));
            Ok(workflow)
        }
        .await,
    )
    .await
}

#[server]
pub async fn get_workflow(id: String) -> Result<WorkflowDetail, AppError> {
    super::ssr::respond(
        async move {
            let id = parse_workflow_id(&id)?;
            Ok(super::ssr::services()?.workflows.detail(&id).await?)
        }
        .await,
    )
    .await
}

/// Saves a workflow's definition from the editor; errors name the stage and field.
#[server]
pub async fn update_workflow(id: String, form: WorkflowForm) -> Result<Workflow, AppError> {
    super::ssr::respond(
        async move {
            let id = parse_workflow_id(&id)?;
            let workflow = super::ssr::services()?.workflows.edit(&id, form, ACTOR).await?;
            leptos_axum::redirect(&format!("/workflows/{}", workflow.id));
            Ok(workflow)
        }
        .await,
    )
    .await
}

#[cfg(feature = "ssr")]
pub(super) fn parse_workflow_id(id: &str) -> Result<switchboard_core::WorkflowId, AppError> {
    switchboard_core::WorkflowId::parse(id)
        .map_err(|_| AppError::NotFound(format!("workflow '{id}' was not found")))
}
