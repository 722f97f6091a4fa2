use super::Db;
use super::{count, ids::new_suffix, record_activity, storage};
use async_trait::async_trait;
use sqlx::{Sqlite, Transaction};
use switchboard_core::ports::ProjectRepo;
use switchboard_core::project::{
    Project, ProjectDraft, ProjectFilter, ProjectStatus, ProjectSummary, stored_vertical,
};
use switchboard_core::time::Timestamp;
use switchboard_core::{Currency, Micros, ParseError, Platform, ProjectId, RepoError};

pub struct SqliteProjectRepo {
    db: Db,
}

impl SqliteProjectRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProjectDbRow {
    id: String,
    name: String,
    client: Option<String>,
    vertical: Option<String>,
    description: Option<String>,
    status: String,
    monthly_budget_micros: Option<i64>,
    currency: String,
    platforms: String,
    created_at: String,
    updated_at: Option<String>,
}

impl TryFrom<ProjectDbRow> for Project {
    type Error = ParseError;
    fn try_from(r: ProjectDbRow) -> Result<Self, ParseError> {
        let platforms: Vec<Platform> = serde_json::from_str::<Vec<String>>(&r.platforms)
            .map_err(|_| ParseError::Invalid {
                what: "platforms",
                value: r.platforms.clone(),
                reason: "not a JSON list",
            })?
            .iter()
            .map(|p| p.parse())
            .collect::<Result<_, _>>()?;
        Ok(Project {
            id: ProjectId::try_from(r.id)?,
            name: r.name,
            client: r.client,
            vertical: stored_vertical(r.vertical.as_deref()),
            description: r.description,
            status: r.status.parse()?,
            monthly_budget: r.monthly_budget_micros.map(Micros::new),
            currency: Currency::parse(&r.currency)?,
            platforms,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: r.updated_at.as_deref().map(Timestamp::parse).transpose()?,
        })
    }
}

const SELECT: &str = "SELECT id, name, client, vertical, description, status, monthly_budget_micros, currency, \
                      platforms, created_at, updated_at FROM projects";

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

fn platforms_json(platforms: &[Platform]) -> String {
    serde_json::to_string(&platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

impl SqliteProjectRepo {
    async fn fetch(&self, tx: &mut Transaction<'_, Sqlite>, id: &ProjectId) -> Result<Project, RepoError> {
        let row: Option<ProjectDbRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
            .bind(id.as_str())
            .fetch_optional(&mut **tx)
            .await
            .map_err(storage)?;
        let row = row.ok_or_else(|| RepoError::NotFound {
            entity: "project",
            id: id.to_string(),
        })?;
        Ok(Project::try_from(row)?)
    }
}

#[async_trait]
impl ProjectRepo for SqliteProjectRepo {
    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn list(&self, filter: &ProjectFilter) -> Result<Vec<ProjectSummary>, RepoError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            project: ProjectDbRow,
            campaigns: i64,
            active_campaigns: i64,
        }
        let pattern = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                format!("%{escaped}%")
            });
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT p.id, p.name, p.client, p.vertical, p.description, p.status, p.monthly_budget_micros, \
                    p.currency, p.platforms, p.created_at, p.updated_at, \
                    COUNT(c.id) AS campaigns, \
                    COALESCE(SUM(CASE WHEN c.status = 'active' THEN 1 ELSE 0 END), 0) AS active_campaigns \
             FROM projects p LEFT JOIN campaigns c ON c.project_id = p.id \
             WHERE (?1 IS NULL OR p.status = ?1) \
               AND (?2 IS NULL OR p.name LIKE ?2 ESCAPE '\\' OR p.client LIKE ?2 ESCAPE '\\') \
             GROUP BY p.id \
             ORDER BY p.status = 'archived', lower(p.name), p.id",
        )
        .bind(filter.status.map(ProjectStatus::as_str))
        .bind(pattern)
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|r| {
                Ok(ProjectSummary {
                    project: Project::try_from(r.project)?,
                    campaigns: count(r.campaigns),
                    active_campaigns: count(r.active_campaigns),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn get(&self, id: &ProjectId) -> Result<Project, RepoError> {
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let project = self.fetch(&mut tx, id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(project)
    }

    #[tracing::instrument(skip(self, draft), err(Debug, level = "debug"))]
    async fn create(&self, draft: ProjectDraft, actor: &str) -> Result<Project, RepoError> {
        let id = ProjectId::from_suffix(&new_suffix())?;
        let at = now();
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO projects (id, name, client, vertical, description, status, monthly_budget_micros, \
                                   currency, platforms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(&draft.name)
        .bind(&draft.client)
        .bind(draft.vertical.map(|v| v.as_str()))
        .bind(&draft.description)
        .bind(draft.status.as_str())
        .bind(draft.monthly_budget.map(Micros::get))
        .bind(draft.currency.as_str())
        .bind(platforms_json(&draft.platforms))
        .bind(at.to_text())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        record_activity(
            &mut tx,
            id.as_str(),
            actor,
            "project.created",
            &format!("Created project {}", draft.name),
            &at,
        )
        .await?;
        let project = self.fetch(&mut tx, &id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(project)
    }

    #[tracing::instrument(skip(self, draft), err(Debug, level = "debug"))]
    async fn update(&self, id: &ProjectId, draft: ProjectDraft, actor: &str) -> Result<Project, RepoError> {
        let at = now();
        let mut tx = self.db.begin_write().await?;
        let before = self.fetch(&mut tx, id).await?;
        sqlx::query(
            "UPDATE projects SET name = ?, client = ?, vertical = ?, description = ?, status = ?, \
                    monthly_budget_micros = ?, currency = ?, platforms = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&draft.name)
        .bind(&draft.client)
        .bind(draft.vertical.map(|v| v.as_str()))
        .bind(&draft.description)
        .bind(draft.status.as_str())
        .bind(draft.monthly_budget.map(Micros::get))
        .bind(draft.currency.as_str())
        .bind(platforms_json(&draft.platforms))
        .bind(at.to_text())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let (action, summary) = if before.status != draft.status {
            (
                format!("project.{}", draft.status.as_str()),
                format!("Set {} to {}", draft.name, draft.status.label()),
            )
        } else {
            (
                "project.updated".to_owned(),
                format!("Edited project {}", draft.name),
            )
        };
        record_activity(&mut tx, id.as_str(), actor, &action, &summary, &at).await?;
        let project = self.fetch(&mut tx, id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(project)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn set_status(
        &self,
        id: &ProjectId,
        status: ProjectStatus,
        actor: &str,
    ) -> Result<Project, RepoError> {
        let at = now();
        let mut tx = self.db.begin_write().await?;
        let before = self.fetch(&mut tx, id).await?;
        if before.status == status {
            tx.commit().await.map_err(storage)?;
            return Ok(before);
        }
        sqlx::query("UPDATE projects SET status = ?, updated_at = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(at.to_text())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        let summary = format!("Set {} to {}", before.name, status.label());
        record_activity(
            &mut tx,
            id.as_str(),
            actor,
            &format!("project.{}", status.as_str()),
            &summary,
            &at,
        )
        .await?;
        let project = self.fetch(&mut tx, id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(project)
    }
}
