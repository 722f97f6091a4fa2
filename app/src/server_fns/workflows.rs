//! Workflows and their runs: templates, definitions, starting and cancelling runs, a run's state
//! and its event log (the page then follows it live over SSE).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_core::execution::{Execution, ExecutionDetail, ExecutionEvent};
use switchboard_core::workflow::Workflow;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowItem {
    pub workflow: Workflow,
    pub project_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowsOverview {
    pub workflows: Vec<WorkflowItem>,
    pub templates: Vec<TemplateInfo>,
    pub projects: Vec<super::connections::ProjectChoice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowDetail {
    pub item: WorkflowItem,
    pub runs: Vec<Execution>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub detail: ExecutionDetail,
    pub events: Vec<ExecutionEvent>,
    pub project_name: Option<String>,
}

#[cfg(feature = "ssr")]
const ACTOR: &str = "user";

#[cfg(feature = "ssr")]
async fn project_names(
    services: &switchboard_core::ports::Services,
) -> Result<Vec<switchboard_core::project::ProjectSummary>, AppError> {
    Ok(services
        .projects
        .list(&switchboard_core::project::ProjectFilter::default())
        .await?)
}

#[server]
pub async fn get_workflows() -> Result<WorkflowsOverview, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::project::ProjectStatus;
            let services = super::ssr::services()?;
            let projects = project_names(&services).await?;
            let name_of = |id: Option<&switchboard_core::ProjectId>| {
                id.and_then(|id| projects.iter().find(|p| &p.project.id == id))
                    .map(|p| p.project.name.clone())
            };
            let workflows = services
                .workflows
                .list(None)
                .await?
                .into_iter()
                .map(|w| WorkflowItem {
                    project_name: name_of(w.project_id.as_ref()),
                    workflow: w,
                })
                .collect();
            let templates = switchboard_core::agents::templates::templates()
                .into_iter()
                .map(|t| TemplateInfo {
                    id: t.id.to_owned(),
                    name: t.name.to_owned(),
                    description: t.description.to_owned(),
                    steps: t.steps.iter().map(|s| (*s).to_owned()).collect(),
                })
                .collect();
            let projects = projects
                .iter()
                .filter(|p| p.project.status != ProjectStatus::Archived)
                .map(|p| super::connections::ProjectChoice {
                    id: p.project.id.to_string(),
                    name: p.project.name.clone(),
                })
                .collect();
            Ok(WorkflowsOverview {
                workflows,
                templates,
                projects,
            })
        }
        .await,
    )
    .await
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
            let template = switchboard_core::agents::templates::find_template(&template_id)
                .ok_or_else(|| AppError::NotFound(format!("no template '{template_id}'")))?;
            let mut draft = template
                .instantiate(name.as_deref(), Some(project_id.as_str()))
                .validate()
                .map_err(AppError::Validation)?;
            draft.template_id = Some(template.id.to_owned());
            let workflow = super::ssr::services()?.workflows.create(draft, ACTOR).await?;
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
            let id = switchboard_core::WorkflowId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("workflow '{id}' was not found")))?;
            let services = super::ssr::services()?;
            let workflow = services.workflows.get(&id).await?;
            let project_name = match &workflow.project_id {
                Some(p) => Some(services.projects.get(p).await?.name),
                None => None,
            };
            let runs = services
                .executions
                .list(None, None, 200)
                .await?
                .into_iter()
                .filter(|e| e.workflow_id.as_ref() == Some(&id))
                .take(20)
                .collect();
            Ok(WorkflowDetail {
                item: WorkflowItem {
                    workflow,
                    project_name,
                },
                runs,
            })
        }
        .await,
    )
    .await
}

/// Starts a run of a workflow and opens it.
#[server]
pub async fn start_run(workflow_id: String) -> Result<String, AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::WorkflowId::parse(&workflow_id)
                .map_err(|_| AppError::NotFound(format!("workflow '{workflow_id}' was not found")))?;
            let engine =
                leptos::prelude::use_context::<std::sync::Arc<dyn RunStarter>>().ok_or(AppError::Internal)?;
            let run = engine.start(&id).await?;
            leptos_axum::redirect(&format!("/executions/{run}"));
            Ok(run)
        }
        .await,
    )
    .await
}

#[server]
pub async fn cancel_run(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::ExecutionId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("execution '{id}' was not found")))?;
            let engine =
                leptos::prelude::use_context::<std::sync::Arc<dyn RunStarter>>().ok_or(AppError::Internal)?;
            engine.cancel(&id).await
        }
        .await,
    )
    .await
}

#[server]
pub async fn list_runs(status: Option<String>) -> Result<Vec<Execution>, AppError> {
    super::ssr::respond(
        async move {
            let status = match status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(s.parse().map_err(|e: switchboard_core::ParseError| {
                    let mut errors = switchboard_core::validation::FieldErrors::new();
                    errors.add("status", e.to_string());
                    AppError::Validation(errors)
                })?),
            };
            Ok(super::ssr::services()?.executions.list(status, None, 200).await?)
        }
        .await,
    )
    .await
}

#[server]
pub async fn get_run(id: String) -> Result<RunView, AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::ExecutionId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("execution '{id}' was not found")))?;
            let services = super::ssr::services()?;
            let detail = services.executions.get(&id).await?;
            let events = services.events.list(&id, 0).await?;
            let project_name = match &detail.execution.project_id {
                Some(p) => services.projects.get(p).await.ok().map(|p| p.name),
                None => None,
            };
            Ok(RunView {
                detail,
                events,
                project_name,
            })
        }
        .await,
    )
    .await
}

/// A stage as the editor sends it: parameters as JSON text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageForm {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub params: Option<String>,
}

/// The workflow editor's fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkflowForm {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub trigger: Option<String>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub stages: Vec<StageForm>,
}

/// Saves a workflow's definition from the editor; errors name the stage and field.
#[server]
pub async fn update_workflow(id: String, form: WorkflowForm) -> Result<Workflow, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::workflow::{StageInput, WorkflowInput};
            let id = switchboard_core::WorkflowId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("workflow '{id}' was not found")))?;
            let services = super::ssr::services()?;
            let before = services.workflows.get(&id).await?;
            let mut errors = switchboard_core::validation::FieldErrors::new();
            let stages: Vec<StageInput> = form
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| StageInput {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    agent: s.agent.clone(),
                    action: s.action.clone(),
                    params: match s.params.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                        None => serde_json::json!({}),
                        Some(text) => serde_json::from_str(text).unwrap_or_else(|e| {
                            errors.add(&format!("stages[{i}].params"), format!("is not valid JSON: {e}"));
                            serde_json::Value::Null
                        }),
                    },
                })
                .collect();
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let input = WorkflowInput {
                name: form.name,
                description: form.description,
                project_id: before.project_id.as_ref().map(ToString::to_string),
                trigger: form.trigger,
                schedule: form.schedule,
                stages,
            };
            let mut draft = input.validate().map_err(AppError::Validation)?;
            draft.template_id = before.template_id;
            let workflow = services.workflows.update(&id, draft, ACTOR).await?;
            leptos_axum::redirect(&format!("/workflows/{}", workflow.id));
            Ok(workflow)
        }
        .await,
    )
    .await
}

/// What the pages need from the executor (the server provides it in context).
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait RunStarter: Send + Sync {
    /// Starts a run; answers its id.
    async fn start(&self, workflow: &switchboard_core::WorkflowId) -> Result<String, AppError>;
    async fn cancel(&self, execution: &switchboard_core::ExecutionId) -> Result<(), AppError>;
}
