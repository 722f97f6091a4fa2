//! Executions: runs of a workflow, started, cancelled and followed live.

use super::ServiceError;
use crate::execution::{Execution, ExecutionDetail, ExecutionEvent, ExecutionFilter, RunList, RunView};
use crate::ids::{ExecutionId, ProjectId, WorkflowId};
use async_trait::async_trait;
use serde_json::Value;
use std::sync::Arc;

#[async_trait]
pub trait ExecutionService: Send + Sync {
    /// Starts a run of a workflow for `project` (the workflow's own by default) with `input`
    /// (`{"trigger": "manual"}` by default). Answers once the run is durably recorded; a workflow
    /// that cannot run is a conflict. A dry run works out every change and applies none.
    async fn start(
        &self,
        workflow: &WorkflowId,
        project: Option<&ProjectId>,
        input: Option<Value>,
        dry_run: bool,
    ) -> Result<Execution, ServiceError>;
    /// Starts a run by hand from the UI (`{"trigger": "manual", "from": "ui"}`), for `project`
    /// (the workflow's own by default). Either way a run needs a project: without one the answer
    /// is a validation error naming `project_id`.
    async fn start_from_ui(
        &self,
        workflow: &WorkflowId,
        project: Option<&ProjectId>,
        dry_run: bool,
    ) -> Result<Execution, ServiceError>;
    /// Asks a run to stop after the step under way; a run that has ended is a conflict.
    async fn cancel(&self, id: &ExecutionId) -> Result<(), ServiceError>;
    async fn list(&self, filter: &ExecutionFilter) -> Result<Vec<Execution>, ServiceError>;
    /// The runs page: the runs `filter` keeps, with every project and workflow to filter by.
    async fn run_list(&self, filter: &ExecutionFilter) -> Result<RunList, ServiceError>;
    /// A run with its stages and their state.
    async fn get(&self, id: &ExecutionId) -> Result<ExecutionDetail, ServiceError>;
    /// A run's page: the run, its whole event log and its project's name.
    async fn view(&self, id: &ExecutionId) -> Result<RunView, ServiceError>;
    /// A run's events after `after` (all with 0), oldest first.
    async fn events(&self, id: &ExecutionId, after: i64) -> Result<Vec<ExecutionEvent>, ServiceError>;
    /// Follows events live: the stored ones after `after` first, then new ones in order. With a
    /// run, only its events (from its start by default; an unknown run is not found), and the
    /// feed ends with the run; without, every run's (from now by default).
    async fn follow(
        &self,
        run: Option<&ExecutionId>,
        after: Option<i64>,
    ) -> Result<Box<dyn EventFeed>, ServiceError>;
}

/// Events as `ExecutionService::follow` delivers them.
#[async_trait]
pub trait EventFeed: Send {
    /// The next event; `None` once the feed has ended.
    async fn next(&mut self) -> Option<Arc<ExecutionEvent>>;
}
