//! Workflow runs: starting and cancelling one, the list, and a run's state with its event log (the
//! page then follows it live over SSE).

use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::execution::Execution;
pub use switchboard_core::execution::RunView;

/// Starts a run of a workflow and opens it.
#[server]
pub async fn start_run(workflow_id: String) -> Result<String, AppError> {
    super::ssr::respond(
        async move {
            let id = super::workflows::parse_workflow_id(&workflow_id)?;
            let run = super::ssr::services()?.executions.start_from_ui(&id).await?;
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

/// The latest 200 runs, newest first, optionally with one status.
#[server]
pub async fn list_runs(status: Option<String>) -> Result<Vec<Execution>, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::execution::ExecutionFilter;
            let status = match status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(s.parse().map_err(|e: switchboard_core::ParseError| {
                    super::ssr::invalid("status", e.to_string())
                })?),
            };
            let filter = ExecutionFilter {
                status,
                project_id: None,
                limit: 200,
            };
            Ok(super::ssr::services()?.executions.list(&filter).await?)
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
