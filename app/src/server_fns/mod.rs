//! Server functions, one module per area. Each is a thin adapter over the application services in
//! `switchboard_core::service`, reached through the `Services` the server puts in context: parse
//! the arguments, call one service method, answer (`respond` sets the status of an error).

pub mod analytics;
pub mod api_keys;
pub mod approvals;
pub mod campaigns;
pub mod connections;
pub mod executions;
pub mod experiments;
pub mod flash;
pub mod memory;
pub mod notifications;
pub mod projects;
pub mod sync;
pub mod system;
pub mod webhooks;
pub mod workflows;

pub use analytics::get_analytics;
pub use approvals::{DecideProposal, decide_proposal, get_approvals, run_proposals};
pub use campaigns::{get_campaign_detail, list_campaigns};
pub use connections::{
    CheckConnection, CreateTestConnection, DeleteConnection, RunTool, check_connection,
    create_test_connection, delete_connection, get_connections, get_explorer, run_tool,
};
pub use executions::{CancelRun, StartRun, cancel_run, get_run, list_runs, start_run};
pub use projects::{
    CreateProject, SetProjectStatus, UpdateProject, create_project, get_project_detail, list_projects,
    set_project_status, update_project,
};
pub use sync::{SyncNow, get_sync_overview, sync_now};
pub use system::{get_dashboard_summary, get_system_health};
pub use workflows::{
    CreateFromTemplate, UpdateWorkflow, create_from_template, get_workflow, get_workflows, update_workflow,
};

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;
    use leptos::prelude::use_context;
    use switchboard_core::service::Services;

    /// Gives a failed server function the HTTP status of its error (422 for validation, 404, ...),
    /// except for plain HTML form posts, which must stay redirects back to the form.
    pub async fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(error) = &result {
            let form_post = leptos_axum::extract::<http::HeaderMap>()
                .await
                .ok()
                .and_then(|h| {
                    h.get(http::header::ACCEPT)
                        .and_then(|v| v.to_str().ok())
                        .map(|v| v.contains("text/html"))
                })
                .unwrap_or(false);
            if !form_post
                && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
                && let Ok(status) = http::StatusCode::from_u16(error.status_code())
            {
                response.set_status(status);
            }
        }
        result
    }

    /// A validation error about one field.
    pub fn invalid(field: &str, message: String) -> AppError {
        let mut errors = switchboard_core::validation::FieldErrors::new();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    /// The application services the server provided for this request.
    pub fn services() -> Result<Services, AppError> {
        use_context::<Services>().ok_or_else(|| {
            tracing::error!("Services missing from the request context");
            AppError::Internal
        })
    }
}
