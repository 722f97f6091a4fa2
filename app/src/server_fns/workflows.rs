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
                .create_from_template(
                    &template_id,
                    name.as_deref(),
                    Some(project_id.as_str()),
                    None,
                    ACTOR,
                )
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

/// Saves a workflow's definition from the editor; errors name the stage and field. Without
/// JavaScript, what was typed waits for the editor in the flash store when saving answers an error.
#[server]
pub async fn update_workflow(id: String, form: WorkflowForm) -> Result<Workflow, AppError> {
    use super::flash::{FlashScope, ssr::after};
    let typed = typed_form(&id, &form);
    let result = async move {
        let id = parse_workflow_id(&id)?;
        let workflow = super::ssr::services()?.workflows.edit(&id, form, ACTOR).await?;
        leptos_axum::redirect(&format!("/workflows/{}", workflow.id));
        Ok(workflow)
    }
    .await;
    after(FlashScope::WorkflowEditor, &result, |_| None, || typed);
    super::ssr::respond(result).await
}

/// The name under which a workflow's editor keeps what was typed.
pub fn typed_form_name(id: &str) -> String {
    format!("workflow:{id}")
}

/// What was typed into a workflow's editor, kept whole (the form as JSON).
#[cfg(feature = "ssr")]
fn typed_form(id: &str, form: &WorkflowForm) -> super::flash::TypedForm {
    let json = serde_json::to_string(form).ok();
    super::flash::TypedForm::new(&typed_form_name(id), &[("form", json.as_deref())])
}

/// What was typed into `id`'s editor before a post without JavaScript answered an error, if the
/// flash holds it.
pub fn typed_in(flash: Option<&super::flash::Flash>, id: &str) -> Option<WorkflowForm> {
    flash
        .and_then(|f| f.typed(&typed_form_name(id)))
        .and_then(|t| t.get("form"))
        .and_then(|json| serde_json::from_str(&json).ok())
}

#[cfg(feature = "ssr")]
pub(super) fn parse_workflow_id(id: &str) -> Result<switchboard_core::WorkflowId, AppError> {
    switchboard_core::WorkflowId::parse(id)
        .map_err(|_| AppError::NotFound(format!("workflow '{id}' was not found")))
}
