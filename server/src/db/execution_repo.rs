//! Executions and their stages. Every change is written together with its event, so what the log
//! says and what the tables hold never disagree, even after a crash.

use super::Db;
use super::journal::{NewEvent, NewRun, StageChange, StatusChange, Write};
use super::{ids::new_suffix, storage};
use async_trait::async_trait;
use serde_json::{Value, json};
use switchboard_core::execution::{
    Execution, ExecutionDetail, ExecutionEvent, ExecutionFilter, ExecutionStatus, StageRun, StageStatus,
};
use switchboard_core::ports::ExecutionRepo;
use switchboard_core::run_event::RunEvent;
use switchboard_core::time::Timestamp;
use switchboard_core::workflow::{StageDef, Workflow};
use switchboard_core::{ExecutionId, ParseError, ProjectId, RepoError, WorkflowId};

pub struct SqliteExecutionRepo {
    db: Db,
}

impl SqliteExecutionRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct ExecutionRow {
    id: String,
    workflow_id: Option<String>,
    workflow_name: Option<String>,
    workflow_stages: Option<String>,
    project_id: Option<String>,
    status: String,
    input: String,
    result: Option<String>,
    error: Option<String>,
    created_at: String,
    started_at: Option<String>,
    completed_at: Option<String>,
    dry_run: bool,
}

#[derive(sqlx::FromRow)]
struct StageRow {
    position: i64,
    stage_id: String,
    status: String,
    attempt: i64,
    started_at: Option<String>,
    completed_at: Option<String>,
    output: Option<String>,
    error: Option<String>,
    extra: String,
}

fn json_of(text: &str, what: &'static str) -> Result<Value, RepoError> {
    serde_json::from_str(text).map_err(|_| {
        RepoError::Invalid(ParseError::Invalid {
            what,
            value: text.chars().take(40).collect(),
            reason: "not JSON",
        })
    })
}

fn ts(text: Option<&str>) -> Result<Option<Timestamp>, RepoError> {
    Ok(text.map(Timestamp::parse).transpose()?)
}

impl ExecutionRow {
    fn execution(&self) -> Result<Execution, RepoError> {
        Ok(Execution {
            id: ExecutionId::parse(&self.id)?,
            workflow_id: self.workflow_id.as_deref().map(WorkflowId::parse).transpose()?,
            workflow_name: self.workflow_name.clone(),
            project_id: self.project_id.as_deref().map(ProjectId::parse).transpose()?,
            status: self.status.parse()?,
            input: json_of(&self.input, "execution input")?,
            result: self
                .result
                .as_deref()
                .map(|r| json_of(r, "execution result"))
                .transpose()?,
            error: self.error.clone(),
            created_at: Timestamp::parse(&self.created_at)?,
            started_at: ts(self.started_at.as_deref())?,
            completed_at: ts(self.completed_at.as_deref())?,
            dry_run: self.dry_run,
        })
    }
}

/// A stage's definition: the copy taken when the run was made, else (runs imported from the
/// earlier version) the workflow's stage of that id.
fn definition(row: &StageRow, workflow: &[StageDef]) -> Option<StageDef> {
    let extra: Value = serde_json::from_str(&row.extra).unwrap_or(Value::Null);
    serde_json::from_value::<StageDef>(extra["definition"].clone())
        .ok()
        .or_else(|| workflow.iter().find(|s| s.id == row.stage_id).cloned())
}

const SELECT: &str = "SELECT e.id, e.workflow_id, w.name AS workflow_name, w.stages AS workflow_stages, e.project_id, \
                      e.status, e.input, e.result, e.error, e.created_at, e.started_at, e.completed_at, e.dry_run \
                      FROM executions e LEFT JOIN workflows w ON w.id = e.workflow_id";

/// The event a journal write answers with (every write made here has one).
fn stored(event: Option<ExecutionEvent>) -> Result<ExecutionEvent, RepoError> {
    event.ok_or_else(|| RepoError::Storage("a run's change was stored without its event".into()))
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

fn not_found(id: &ExecutionId) -> RepoError {
    RepoError::NotFound {
        entity: "execution",
        id: id.to_string(),
    }
}

#[async_trait]
impl ExecutionRepo for SqliteExecutionRepo {
    #[tracing::instrument(skip(self, workflow, input), fields(workflow = %workflow.id), err(Debug, level = "debug"))]
    async fn create(
        &self,
        workflow: &Workflow,
        project: Option<&ProjectId>,
        input: Value,
        dry_run: bool,
    ) -> Result<(Execution, ExecutionEvent), RepoError> {
        let id = ExecutionId::from_suffix(&new_suffix())?;
        let at = now();
        if let Some(project) = project {
            let found: Option<String> = sqlx::query_scalar("SELECT id FROM projects WHERE id = ?")
                .bind(project.as_str())
                .fetch_optional(&self.db.read)
                .await
                .map_err(storage)?;
            if found.is_none() {
                return Err(RepoError::NotFound {
                    entity: "project",
                    id: project.to_string(),
                });
            }
        }
        let run = NewRun {
            id: id.clone(),
            workflow: workflow.id.to_string(),
            project: project.map(ToString::to_string),
            input: input.to_string(),
            dry_run,
            stages: workflow
                .stages
                .iter()
                .enumerate()
                .map(|(position, stage)| {
                    (
                        i64::try_from(position).unwrap_or(i64::MAX),
                        stage.id.clone(),
                        json!({ "definition": stage }).to_string(),
                    )
                })
                .collect(),
        };
        let (kind, data) = RunEvent::Created {
            workflow_id: workflow.id.clone(),
            workflow_name: workflow.name.clone(),
            stages: workflow.stages.len(),
            project_id: project.cloned(),
        }
        .into_parts();
        let event = NewEvent::new(&id, kind, data, at);
        let event = stored(self.db.journal.write(Write::Create(run, event)).await?)?;
        let execution = Execution {
            id,
            workflow_id: Some(workflow.id.clone()),
            workflow_name: Some(workflow.name.clone()),
            project_id: project.cloned(),
            status: ExecutionStatus::Pending,
            input,
            result: None,
            error: None,
            created_at: at,
            started_at: None,
            completed_at: None,
            dry_run,
        };
        Ok((execution, event))
    }

    #[tracing::instrument(level = "debug", skip(self), err(Debug, level = "debug"))]
    async fn get(&self, id: &ExecutionId) -> Result<ExecutionDetail, RepoError> {
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let row: Option<ExecutionRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.id = ?")))
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(storage)?;
        let row = row.ok_or_else(|| not_found(id))?;
        let stages: Vec<StageRow> = sqlx::query_as(
            "SELECT position, stage_id, status, attempt, started_at, completed_at, output, error, extra \
             FROM execution_stages WHERE execution_id = ? ORDER BY position",
        )
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        let workflow_stages: Vec<StageDef> = row
            .workflow_stages
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        let stages = stages
            .iter()
            .map(|s| {
                let def = definition(s, &workflow_stages);
                Ok(StageRun {
                    position: u32::try_from(s.position).unwrap_or(u32::MAX),
                    stage_id: s.stage_id.clone(),
                    name: def
                        .as_ref()
                        .map_or_else(|| s.stage_id.clone(), |d| d.name.clone()),
                    agent: def.as_ref().map(|d| d.agent),
                    action: def.as_ref().map(|d| d.action.clone()),
                    params: def.map(|d| d.params).unwrap_or(Value::Null),
                    status: s.status.parse()?,
                    attempt: u32::try_from(s.attempt).unwrap_or(0),
                    started_at: ts(s.started_at.as_deref())?,
                    completed_at: ts(s.completed_at.as_deref())?,
                    output: s
                        .output
                        .as_deref()
                        .map(|o| json_of(o, "stage output"))
                        .transpose()?,
                    error: s.error.clone(),
                })
            })
            .collect::<Result<Vec<_>, RepoError>>()?;
        Ok(ExecutionDetail {
            execution: row.execution()?,
            stages,
        })
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn list(&self, filter: &ExecutionFilter) -> Result<Vec<Execution>, RepoError> {
        let rows: Vec<ExecutionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (?1 IS NULL OR e.status = ?1) AND (?2 IS NULL OR e.project_id = ?2) \
             AND (?3 IS NULL OR e.workflow_id = ?3) ORDER BY e.created_at DESC, e.id DESC LIMIT ?4"
        )))
        .bind(filter.status.map(ExecutionStatus::as_str))
        .bind(filter.project_id.as_ref().map(ProjectId::as_str))
        .bind(filter.workflow_id.as_ref().map(WorkflowId::as_str))
        .bind(i64::from(filter.limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.iter().map(ExecutionRow::execution).collect()
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn unfinished(&self) -> Result<Vec<ExecutionId>, RepoError> {
        let ids: Vec<String> = sqlx::query_scalar(
            // Runs imported from the earlier version are history, not work to resume: only runs made
            // here (their stages carry the definition they run with) are picked up.
            "SELECT id FROM executions e WHERE status IN ('pending', 'running', 'awaiting_approval') AND EXISTS \
             (SELECT 1 FROM execution_stages s WHERE s.execution_id = e.id \
              AND json_extract(s.extra, '$.definition') IS NOT NULL) ORDER BY created_at, id",
        )
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        ids.iter()
            .map(|i| ExecutionId::parse(i).map_err(RepoError::from))
            .collect()
    }

    #[tracing::instrument(level = "debug", skip(self, result, event), err(Debug, level = "debug"))]
    async fn set_status(
        &self,
        id: &ExecutionId,
        status: ExecutionStatus,
        result: Option<Value>,
        error: Option<String>,
        event: (&str, Value),
    ) -> Result<ExecutionEvent, RepoError> {
        let change = StatusChange {
            status: status.as_str(),
            terminal: status.is_terminal(),
            cancelled: status == ExecutionStatus::Cancelled,
            result: result.as_ref().map(Value::to_string),
            error,
        };
        let event = NewEvent::new(id, event.0, event.1, now());
        stored(self.db.journal.write(Write::Status(change, event)).await?)
    }

    #[tracing::instrument(level = "debug", skip(self, output, event), err(Debug, level = "debug"))]
    async fn set_stage(
        &self,
        id: &ExecutionId,
        position: u32,
        status: StageStatus,
        attempt: u32,
        output: Option<Value>,
        error: Option<String>,
        event: (&str, Value),
    ) -> Result<ExecutionEvent, RepoError> {
        let change = StageChange {
            position: i64::from(position),
            status: status.as_str(),
            attempt: i64::from(attempt),
            output: output.as_ref().map(Value::to_string),
            error,
            running: status == StageStatus::Running,
            reopened: matches!(status, StageStatus::Pending | StageStatus::AwaitingApproval),
        };
        let event = NewEvent::new(id, event.0, event.1, now());
        stored(self.db.journal.write(Write::Stage(change, event)).await?)
    }
}
