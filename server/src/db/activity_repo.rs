use super::Db;
use super::storage;
use async_trait::async_trait;
use switchboard_core::activity::ActivityEntry;
use switchboard_core::ports::ActivityRepo;
use switchboard_core::time::Timestamp;
use switchboard_core::{ProjectId, RepoError};

pub struct SqliteActivityRepo {
    db: Db,
}

impl SqliteActivityRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ActivityRepo for SqliteActivityRepo {
    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn recent(&self, project: Option<&ProjectId>, limit: u32) -> Result<Vec<ActivityEntry>, RepoError> {
        let rows: Vec<(String, Option<String>, String, String, String, String)> = sqlx::query_as(
            "SELECT id, project_id, actor, action, summary, occurred_at FROM activity \
             WHERE (?1 IS NULL OR project_id = ?1) ORDER BY occurred_at DESC, id DESC LIMIT ?2",
        )
        .bind(project.map(ProjectId::as_str))
        .bind(i64::from(limit.clamp(1, 500)))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|(id, project_id, actor, action, summary, occurred_at)| {
                Ok(ActivityEntry {
                    id,
                    project_id: project_id.map(ProjectId::try_from).transpose()?,
                    actor,
                    action,
                    summary,
                    occurred_at: Timestamp::parse(&occurred_at)?,
                })
            })
            .collect()
    }
}
