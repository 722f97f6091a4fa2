//! Workflow definitions (`workflows`; the stages as JSON in the earlier version's shape).

use super::Db;
use super::{ids::new_suffix, record_activity, storage};
use async_trait::async_trait;
use sqlx::{Sqlite, Transaction};
use switchboard_core::ports::WorkflowRepo;
use switchboard_core::time::Timestamp;
use switchboard_core::workflow::{StageDef, Workflow, WorkflowDraft};
use switchboard_core::{ParseError, ProjectId, RepoError, WorkflowId};

pub struct SqliteWorkflowRepo {
    db: Db,
}

impl SqliteWorkflowRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct WorkflowRow {
    id: String,
    project_id: Option<String>,
    name: String,
    description: Option<String>,
    trigger: String,
    schedule: Option<String>,
    stages: String,
    template_id: Option<String>,
    approval: Option<String>,
    scheduled_at: Option<String>,
    created_at: String,
    updated_at: Option<String>,
}

impl TryFrom<WorkflowRow> for Workflow {
    type Error = RepoError;
    fn try_from(r: WorkflowRow) -> Result<Self, RepoError> {
        let stages: Vec<StageDef> = serde_json::from_str(&r.stages).map_err(|_| {
            RepoError::Invalid(ParseError::Invalid {
                what: "workflow stages",
                value: r.id.clone(),
                reason: "not a list of stages",
            })
        })?;
        let approval = match r.approval.as_deref() {
            None => Default::default(),
            Some(text) => serde_json::from_str(text).map_err(|_| {
                RepoError::Invalid(ParseError::Invalid {
                    what: "workflow approval",
                    value: r.id.clone(),
                    reason: "not an approval policy",
                })
            })?,
        };
        Ok(Workflow {
            id: WorkflowId::try_from(r.id)?,
            project_id: r.project_id.map(ProjectId::try_from).transpose()?,
            name: r.name,
            description: r.description,
            trigger: r.trigger.parse()?,
            schedule: r.schedule,
            stages,
            approval,
            template_id: r.template_id,
            scheduled_at: r.scheduled_at.as_deref().map(Timestamp::parse).transpose()?,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: r.updated_at.as_deref().map(Timestamp::parse).transpose()?,
        })
    }
}

const SELECT: &str = "SELECT id, project_id, name, description, trigger, schedule, stages, template_id, \
                      approval, scheduled_at, created_at, updated_at FROM workflows";

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

async fn fetch(tx: &mut Transaction<'_, Sqlite>, id: &WorkflowId) -> Result<Workflow, RepoError> {
    let row: Option<WorkflowRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(storage)?;
    row.ok_or_else(|| RepoError::NotFound {
        entity: "workflow",
        id: id.to_string(),
    })?
    .try_into()
}

async fn check_project(
    tx: &mut Transaction<'_, Sqlite>,
    project: Option<&ProjectId>,
) -> Result<(), RepoError> {
    let Some(project) = project else { return Ok(()) };
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM projects WHERE id = ?")
        .bind(project.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(storage)?;
    found.map(|_| ()).ok_or_else(|| RepoError::NotFound {
        entity: "project",
        id: project.to_string(),
    })
}

fn stages_json(stages: &[StageDef]) -> Result<String, RepoError> {
    serde_json::to_string(stages).map_err(|e| RepoError::Storage(Box::new(e)))
}

fn approval_json(policy: &switchboard_core::approval::ApprovalPolicy) -> Result<String, RepoError> {
    serde_json::to_string(policy).map_err(|e| RepoError::Storage(Box::new(e)))
}

#[async_trait]
impl WorkflowRepo for SqliteWorkflowRepo {
    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Workflow>, RepoError> {
        let rows: Vec<WorkflowRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (?1 IS NULL OR project_id = ?1) ORDER BY created_at DESC, id DESC"
        )))
        .bind(project.map(ProjectId::as_str))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(Workflow::try_from).collect()
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn get(&self, id: &WorkflowId) -> Result<Workflow, RepoError> {
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let w = fetch(&mut tx, id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(w)
    }

    #[tracing::instrument(skip(self, draft), err(Debug, level = "debug"))]
    async fn create(&self, draft: WorkflowDraft, actor: &str) -> Result<Workflow, RepoError> {
        let id = WorkflowId::from_suffix(&new_suffix())?;
        let at = now();
        let mut tx = self.db.begin_write().await?;
        check_project(&mut tx, draft.project_id.as_ref()).await?;
        sqlx::query(
            "INSERT INTO workflows (id, project_id, name, description, trigger, schedule, stages, template_id, approval, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(draft.project_id.as_ref().map(ProjectId::as_str))
        .bind(&draft.name)
        .bind(&draft.description)
        .bind(draft.trigger.as_str())
        .bind(&draft.schedule)
        .bind(stages_json(&draft.stages)?)
        .bind(&draft.template_id)
        .bind(approval_json(&draft.approval)?)
        .bind(at.to_text())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if let Some(project) = &draft.project_id {
            let summary = format!("Created workflow {} ({} stages)", draft.name, draft.stages.len());
            record_activity(
                &mut tx,
                project.as_str(),
                actor,
                "workflow.created",
                &summary,
                &at,
            )
            .await?;
        }
        let w = fetch(&mut tx, &id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(w)
    }

    #[tracing::instrument(skip(self, draft), err(Debug, level = "debug"))]
    async fn update(
        &self,
        id: &WorkflowId,
        draft: WorkflowDraft,
        actor: &str,
    ) -> Result<Workflow, RepoError> {
        let at = now();
        let mut tx = self.db.begin_write().await?;
        let before = fetch(&mut tx, id).await?;
        check_project(&mut tx, draft.project_id.as_ref()).await?;
        sqlx::query(
            "UPDATE workflows SET project_id = ?, name = ?, description = ?, trigger = ?, schedule = ?, stages = ?, \
             approval = ?, updated_at = ? WHERE id = ?",
        )
        .bind(draft.project_id.as_ref().map(ProjectId::as_str))
        .bind(&draft.name)
        .bind(&draft.description)
        .bind(draft.trigger.as_str())
        .bind(&draft.schedule)
        .bind(stages_json(&draft.stages)?)
        .bind(approval_json(&draft.approval)?)
        .bind(at.to_text())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if let Some(project) = draft.project_id.as_ref().or(before.project_id.as_ref()) {
            let summary = format!("Changed workflow {}", draft.name);
            record_activity(
                &mut tx,
                project.as_str(),
                actor,
                "workflow.updated",
                &summary,
                &at,
            )
            .await?;
        }
        let w = fetch(&mut tx, id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(w)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn scheduled(&self) -> Result<Vec<Workflow>, RepoError> {
        let rows: Vec<WorkflowRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE trigger = 'schedule' AND schedule IS NOT NULL ORDER BY id"
        )))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(Workflow::try_from).collect()
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn mark_scheduled(
        &self,
        id: &WorkflowId,
        previous: Option<&Timestamp>,
        at: &Timestamp,
    ) -> Result<bool, RepoError> {
        let done = sqlx::query("UPDATE workflows SET scheduled_at = ? WHERE id = ? AND scheduled_at IS ?")
            .bind(at.to_text())
            .bind(id.as_str())
            .bind(previous.map(Timestamp::to_text))
            .execute(&self.db.write)
            .await
            .map_err(storage)?;
        Ok(done.rows_affected() == 1)
    }
}
