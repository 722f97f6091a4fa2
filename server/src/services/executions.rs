//! Executions' use cases over the executor, the execution and project repositories and the event
//! log; live feeds replay from the log, then follow the executor's event bus.

use crate::workflows::{Engine, EngineError};
use async_trait::async_trait;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde_json::{Value, json};
use std::sync::Arc;
use switchboard_core::execution::{
    Execution, ExecutionDetail, ExecutionEvent, ExecutionFilter, RunList, RunView, events,
};
use switchboard_core::ports::{EventLog, ExecutionRepo, ProjectRepo, WorkflowRepo};
use switchboard_core::project::{ProjectChoice, ProjectFilter};
use switchboard_core::service::{EventFeed, ExecutionService, ServiceError};
use switchboard_core::workflow::WorkflowChoice;
use switchboard_core::{ExecutionId, ProjectId, WorkflowId};
use tokio::sync::broadcast::error::RecvError;

/// How many stored events a feed of every run reads at a time while it catches up.
const CATCH_UP_PAGE: u32 = 1_000;

/// The executor's errors, as every edge answers them.
impl From<EngineError> for ServiceError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Repo(r) => r.into(),
            EngineError::Invalid(m) => ServiceError::Conflict(m),
        }
    }
}

pub struct Executions {
    pub engine: Arc<Engine>,
    pub workflows: Arc<dyn WorkflowRepo>,
    pub executions: Arc<dyn ExecutionRepo>,
    pub events: Arc<dyn EventLog>,
    pub projects: Arc<dyn ProjectRepo>,
    pub proposals: Arc<dyn switchboard_core::ports::ProposalRepo>,
}

impl Executions {
    /// A run works on a project's connections: a workflow without a project (an imported one)
    /// is asked for one instead of starting a run that fails at once.
    async fn needs_project(
        &self,
        workflow: &WorkflowId,
        project: Option<&ProjectId>,
    ) -> Result<(), ServiceError> {
        if project.is_some() || self.workflows.get(workflow).await?.project_id.is_some() {
            return Ok(());
        }
        let mut errors = switchboard_core::validation::FieldErrors::new();
        errors.add(
            "project_id",
            "this workflow has no project: choose the project it runs for (its agents work on that project's connections)",
        );
        Err(ServiceError::Invalid(errors))
    }
}

#[async_trait]
impl ExecutionService for Executions {
    async fn start(
        &self,
        workflow: &WorkflowId,
        project: Option<&ProjectId>,
        input: Option<Value>,
        dry_run: bool,
    ) -> Result<Execution, ServiceError> {
        let input = input.unwrap_or_else(|| json!({"trigger": "manual"}));
        self.needs_project(workflow, project).await?;
        Ok(self.engine.start(workflow, project, input, dry_run).await?)
    }

    async fn start_from_ui(
        &self,
        workflow: &WorkflowId,
        project: Option<&ProjectId>,
        dry_run: bool,
    ) -> Result<Execution, ServiceError> {
        let input = json!({"trigger": "manual", "from": "ui"});
        self.needs_project(workflow, project).await?;
        Ok(self.engine.start(workflow, project, input, dry_run).await?)
    }

    async fn cancel(&self, id: &ExecutionId) -> Result<(), ServiceError> {
        Ok(self.engine.cancel(id).await?)
    }

    async fn list(&self, filter: &ExecutionFilter) -> Result<Vec<Execution>, ServiceError> {
        Ok(self.executions.list(filter).await?)
    }

    async fn run_list(&self, filter: &ExecutionFilter) -> Result<RunList, ServiceError> {
        let runs = self.executions.list(filter).await?;
        let projects = self.projects.list(&ProjectFilter::default()).await?;
        let workflows = self.workflows.list(None).await?;
        Ok(RunList {
            runs,
            projects: projects.iter().map(|p| ProjectChoice::of(&p.project)).collect(),
            workflows: workflows.iter().map(WorkflowChoice::of).collect(),
        })
    }

    async fn get(&self, id: &ExecutionId) -> Result<ExecutionDetail, ServiceError> {
        Ok(self.executions.get(id).await?)
    }

    async fn view(&self, id: &ExecutionId) -> Result<RunView, ServiceError> {
        let detail = self.executions.get(id).await?;
        let events = self.events.list(id, 0).await?;
        // A project that cannot be read only leaves its name out.
        let project_name = match &detail.execution.project_id {
            Some(p) => self.projects.get(p).await.ok().map(|p| p.name),
            None => None,
        };
        let proposals = self.proposals.for_execution(id).await?;
        Ok(RunView {
            detail,
            events,
            project_name,
            proposals,
        })
    }

    async fn events(&self, id: &ExecutionId, after: i64) -> Result<Vec<ExecutionEvent>, ServiceError> {
        Ok(self.events.list(id, after).await?)
    }

    async fn follow(
        &self,
        run: Option<&ExecutionId>,
        after: Option<i64>,
    ) -> Result<Box<dyn EventFeed>, ServiceError> {
        let after = match run {
            Some(id) => {
                // An unknown run is not found before anything is followed.
                self.executions.get(id).await?;
                after.unwrap_or(0)
            }
            // From now by default: the newest stored event.
            None => match after {
                Some(after) => after,
                None => self.events.last_seq().await?,
            },
        };
        Ok(Box::new(StreamFeed(follow(
            self.engine.clone(),
            self.events.clone(),
            run.cloned(),
            after,
        ))))
    }
}

struct StreamFeed(BoxStream<'static, Arc<ExecutionEvent>>);

#[async_trait]
impl EventFeed for StreamFeed {
    async fn next(&mut self) -> Option<Arc<ExecutionEvent>> {
        self.0.next().await
    }
}

/// Replays from the log after `after`, then follows the bus; `only` narrows to one run, which also
/// ends the stream at its final event.
fn follow(
    engine: Arc<Engine>,
    log: Arc<dyn EventLog>,
    only: Option<ExecutionId>,
    mut after: i64,
) -> BoxStream<'static, Arc<ExecutionEvent>> {
    // Subscribe first: nothing published between the replay and the live part is lost.
    let mut live = engine.bus().subscribe();
    async_stream::stream! {
        loop {
            // Catch up from storage (the start, and whenever the bus dropped events for us).
            let backlog = match &only {
                Some(id) => log.list(id, after).await,
                None => log.since(after, CATCH_UP_PAGE).await,
            };
            let backlog = match backlog {
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "cannot replay events");
                    return;
                }
            };
            let full_page = only.is_none() && backlog.len() == CATCH_UP_PAGE as usize;
            for e in backlog {
                after = e.seq;
                let last = only.is_some() && events::is_final(&e.kind);
                yield Arc::new(e);
                if last {
                    return;
                }
            }
            if full_page {
                continue;
            }
            loop {
                match live.recv().await {
                    Ok(e) => {
                        if e.seq <= after || only.as_ref().is_some_and(|id| *id != e.execution_id) {
                            continue;
                        }
                        if e.seq > after + 1 && only.is_none() {
                            // A gap (events stored by another writer not yet seen): read them first.
                            break;
                        }
                        after = e.seq;
                        let last = only.is_some() && events::is_final(&e.kind);
                        yield e;
                        if last {
                            return;
                        }
                    }
                    Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                }
            }
        }
    }
    .boxed()
}
