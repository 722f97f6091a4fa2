//! Workflow runs: starting and cancelling one, the list, and a run's state with its event log (the
//! page then follows it live over SSE).

use crate::error::AppError;
use leptos::prelude::*;
pub use switchboard_core::execution::{RunList, RunView};

/// Starts a run of a workflow and opens it; `dry_run` (a ticked box) works out every change and
/// applies none.
#[server]
pub async fn start_run(
    workflow_id: String,
    dry_run: Option<String>,
    #[server(default)] project_id: Option<String>,
) -> Result<String, AppError> {
    super::ssr::respond(
        async move {
            let id = super::workflows::parse_workflow_id(&workflow_id)?;
            let dry_run = dry_run.is_some_and(|v| !v.is_empty() && v != "false");
            // A workflow without a project runs for the one chosen on its page.
            let project = match project_id.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                None => None,
                Some(p) => Some(
                    switchboard_core::ProjectId::parse(p)
                        .map_err(|e| super::ssr::invalid("project_id", e.to_string()))?,
                ),
            };
            let run = super::ssr::services()?
                .executions
                .start_from_ui(&id, project.as_ref(), dry_run)
                .await?;
            leptos_axum::redirect(&format!("/executions/{}", run.id));
            Ok(run.id.to_string())
        }
        .await,
    )
    .await
}

#[server]
pub async fn cancel_run(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = parse_execution_id(&id)?;
            Ok(super::ssr::services()?.executions.cancel(&id).await?)
        }
        .await,
    )
    .await
}

/// The latest 200 runs, newest first, optionally of one status, project and workflow, with the
/// projects and workflows to filter by.
#[server]
pub async fn list_runs(
    status: Option<String>,
    project: Option<String>,
    workflow: Option<String>,
) -> Result<RunList, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::execution::ExecutionFilter;
            fn given<T>(
                field: &str,
                value: Option<String>,
                parse: impl Fn(&str) -> Result<T, switchboard_core::ParseError>,
            ) -> Result<Option<T>, AppError> {
                match value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(s) => parse(s)
                        .map(Some)
                        .map_err(|e| super::ssr::invalid(field, e.to_string())),
                }
            }
            let filter = ExecutionFilter {
                status: given("status", status, str::parse)?,
                project_id: given("project", project, switchboard_core::ProjectId::parse)?,
                workflow_id: given("workflow", workflow, switchboard_core::WorkflowId::parse)?,
                limit: 200,
            };
            Ok(super::ssr::services()?.executions.run_list(&filter).await?)
        }
        .await,
    )
    .await
}

#[server]
pub async fn get_run(id: String) -> Result<RunView, AppError> {
    super::ssr::respond(
        async move {
            let id = parse_execution_id(&id)?;
            Ok(super::ssr::services()?.executions.view(&id).await?)
        }
        .await,
    )
    .await
}

#[cfg(feature = "ssr")]
fn parse_execution_id(id: &str) -> Result<switchboard_core::ExecutionId, AppError> {
    switchboard_core::ExecutionId::parse(id)
        .map_err(|_| AppError::NotFound(format!("execution '{id}' was not found")))
}
