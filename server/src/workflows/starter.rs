//! The executor as the pages see it.

use super::engine::{Engine, EngineError};
use app::error::AppError;
use app::server_fns::workflows::RunStarter;
use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::{ExecutionId, WorkflowId};

pub struct EngineStarter(pub Arc<Engine>);

fn app_error(e: EngineError) -> AppError {
    match e {
        EngineError::Repo(r) => r.into(),
        EngineError::Invalid(m) => AppError::Conflict(m),
    }
}

#[async_trait]
impl RunStarter for EngineStarter {
    async fn start(&self, workflow: &WorkflowId) -> Result<String, AppError> {
        let input = serde_json::json!({"trigger": "manual", "from": "ui"});
        let run = self.0.start(workflow, None, input).await.map_err(app_error)?;
        Ok(run.id.to_string())
    }

    async fn cancel(&self, execution: &ExecutionId) -> Result<(), AppError> {
        self.0.cancel(execution).await.map_err(app_error)
    }
}
