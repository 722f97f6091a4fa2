//! Proposals (`proposals`): a stage's changes waiting for approval, each change with its decision,
//! as JSON. Every proposal made and every decision on one goes in the project's activity feed (the
//! audit trail), in the same transaction.

use super::{Db, ids::new_suffix, record_activity, storage};
use async_trait::async_trait;
use sqlx::{Sqlite, Transaction};
use switchboard_core::approval::{Proposal, ProposalStatus, ProposedChange};
use switchboard_core::ports::ProposalRepo;
use switchboard_core::time::Timestamp;
use switchboard_core::{ExecutionId, ParseError, ProjectId, RepoError};

pub struct SqliteProposalRepo {
    db: Db,
}

impl SqliteProposalRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: String,
    execution_id: String,
    stage_position: i64,
    project_id: Option<String>,
    workflow_name: Option<String>,
    stage_id: String,
    stage_name: String,
    agent: String,
    action: String,
    status: String,
    changes: String,
    created_at: String,
    expires_at: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    note: Option<String>,
}

impl TryFrom<ProposalRow> for Proposal {
    type Error = RepoError;
    fn try_from(r: ProposalRow) -> Result<Self, RepoError> {
        let changes: Vec<ProposedChange> = serde_json::from_str(&r.changes).map_err(|_| {
            RepoError::Invalid(ParseError::Invalid {
                what: "proposal changes",
                value: r.id.clone(),
                reason: "not a list of changes",
            })
        })?;
        Ok(Proposal {
            execution_id: ExecutionId::parse(&r.execution_id)?,
            project_id: r.project_id.as_deref().map(ProjectId::parse).transpose()?,
            workflow_name: r.workflow_name,
            stage_position: u32::try_from(r.stage_position).unwrap_or(0),
            stage_id: r.stage_id,
            stage_name: r.stage_name,
            agent: r.agent.parse()?,
            action: r.action,
            status: r.status.parse()?,
            changes,
            created_at: Timestamp::parse(&r.created_at)?,
            expires_at: Timestamp::parse(&r.expires_at)?,
            decided_at: r.decided_at.as_deref().map(Timestamp::parse).transpose()?,
            decided_by: r.decided_by,
            note: r.note,
            id: r.id,
        })
    }
}

const SELECT: &str = "SELECT id, execution_id, stage_position, project_id, workflow_name, stage_id, stage_name, \
                      agent, action, status, changes, created_at, expires_at, decided_at, decided_by, note \
                      FROM proposals";

fn changes_json(changes: &[ProposedChange]) -> Result<String, RepoError> {
    serde_json::to_string(changes).map_err(|e| RepoError::Storage(Box::new(e)))
}

fn not_found(id: &str) -> RepoError {
    RepoError::NotFound {
        entity: "proposal",
        id: id.to_owned(),
    }
}

async fn for_stage(
    tx: &mut Transaction<'_, Sqlite>,
    execution: &ExecutionId,
    position: u32,
) -> Result<Option<Proposal>, RepoError> {
    let row: Option<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE execution_id = ? AND stage_position = ?"
    )))
    .bind(execution.as_str())
    .bind(i64::from(position))
    .fetch_optional(&mut **tx)
    .await
    .map_err(storage)?;
    row.map(Proposal::try_from).transpose()
}

/// What the audit trail says about a proposal's current state.
fn audit_line(p: &Proposal) -> String {
    let what = format!("{} (run {}, stage {})", p.summary(), p.execution_id, p.stage_name);
    match &p.note {
        Some(note) => format!("{what}: \u{201c}{note}\u{201d}"),
        None => what,
    }
}

#[async_trait]
impl ProposalRepo for SqliteProposalRepo {
    #[tracing::instrument(skip(self, proposal), fields(execution = %proposal.execution_id), err(Debug, level = "debug"))]
    async fn create(&self, proposal: &Proposal) -> Result<Proposal, RepoError> {
        let mut tx = self.db.begin_write().await?;
        if let Some(existing) = for_stage(&mut tx, &proposal.execution_id, proposal.stage_position).await? {
            tx.commit().await.map_err(storage)?;
            return Ok(existing);
        }
        let id = if proposal.id.is_empty() {
            format!("prop_{}", new_suffix())
        } else {
            proposal.id.clone()
        };
        sqlx::query(
            "INSERT INTO proposals (id, execution_id, stage_position, project_id, workflow_name, stage_id, \
             stage_name, agent, action, status, changes, created_at, expires_at, decided_at, decided_by) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(proposal.execution_id.as_str())
        .bind(i64::from(proposal.stage_position))
        .bind(proposal.project_id.as_ref().map(ProjectId::as_str))
        .bind(&proposal.workflow_name)
        .bind(&proposal.stage_id)
        .bind(&proposal.stage_name)
        .bind(proposal.agent.as_str())
        .bind(&proposal.action)
        .bind(proposal.status.as_str())
        .bind(changes_json(&proposal.changes)?)
        .bind(proposal.created_at.to_text())
        .bind(proposal.expires_at.to_text())
        .bind(proposal.decided_at.as_ref().map(Timestamp::to_text))
        .bind(&proposal.decided_by)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let stored = Proposal {
            id,
            ..proposal.clone()
        };
        if let Some(project) = &stored.project_id {
            record_activity(
                &mut tx,
                project.as_str(),
                &format!("agent:{}", stored.agent),
                "approval.requested",
                &audit_line(&stored),
                &stored.created_at,
            )
            .await?;
        }
        tx.commit().await.map_err(storage)?;
        Ok(stored)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn get(&self, id: &str) -> Result<Proposal, RepoError> {
        let row: Option<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
            .bind(id)
            .fetch_optional(&self.db.read)
            .await
            .map_err(storage)?;
        row.ok_or_else(|| not_found(id))?.try_into()
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn for_stage(&self, execution: &ExecutionId, position: u32) -> Result<Option<Proposal>, RepoError> {
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let found = for_stage(&mut tx, execution, position).await?;
        tx.commit().await.map_err(storage)?;
        Ok(found)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn for_execution(&self, execution: &ExecutionId) -> Result<Vec<Proposal>, RepoError> {
        let rows: Vec<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE execution_id = ? ORDER BY stage_position"
        )))
        .bind(execution.as_str())
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(Proposal::try_from).collect()
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn list(
        &self,
        status: Option<ProposalStatus>,
        project: Option<&ProjectId>,
        limit: u32,
    ) -> Result<Vec<Proposal>, RepoError> {
        let rows: Vec<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR project_id = ?2) \
             ORDER BY created_at DESC, id DESC LIMIT ?3"
        )))
        .bind(status.map(ProposalStatus::as_str))
        .bind(project.map(ProjectId::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(Proposal::try_from).collect()
    }

    #[tracing::instrument(skip(self, proposal), fields(proposal = %proposal.id), err(Debug, level = "debug"))]
    async fn save(&self, proposal: &Proposal, expected: ProposalStatus) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        let done = sqlx::query(
            "UPDATE proposals SET status = ?, changes = ?, decided_at = ?, decided_by = ?, note = ? \
             WHERE id = ? AND status = ?",
        )
        .bind(proposal.status.as_str())
        .bind(changes_json(&proposal.changes)?)
        .bind(proposal.decided_at.as_ref().map(Timestamp::to_text))
        .bind(&proposal.decided_by)
        .bind(&proposal.note)
        .bind(&proposal.id)
        .bind(expected.as_str())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if done.rows_affected() == 0 {
            let now: Option<String> = sqlx::query_scalar("SELECT status FROM proposals WHERE id = ?")
                .bind(&proposal.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(storage)?;
            return Err(match now {
                None => not_found(&proposal.id),
                Some(status) => {
                    RepoError::Conflict(format!("proposal {} is {status}, not {expected}", proposal.id))
                }
            });
        }
        // A decision (or expiry) is audited; applying results (same status) are not news.
        if expected != proposal.status
            && let Some(project) = &proposal.project_id
        {
            // The feed's actor is a kind (`user`, `system`); who exactly is in the line.
            let who = proposal.decided_by.as_deref().unwrap_or("system");
            let actor = match who {
                "expiry" | "cancellation" | "policy" | "system" => "system",
                _ => "user",
            };
            let line = format!("{} (by {who})", audit_line(proposal));
            record_activity(
                &mut tx,
                project.as_str(),
                actor,
                &format!("approval.{}", proposal.status),
                &line,
                &proposal.decided_at.unwrap_or(proposal.created_at),
            )
            .await?;
        }
        tx.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn expired(&self, now: &Timestamp) -> Result<Vec<Proposal>, RepoError> {
        let rows: Vec<ProposalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at"
        )))
        .bind(now.to_text())
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(Proposal::try_from).collect()
    }
}
