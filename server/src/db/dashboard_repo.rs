use super::Db;
use super::{count, storage};
use async_trait::async_trait;
use switchboard_core::dashboard::{CampaignCounts, DashboardSummary, ExecutionCounts, ProjectCounts};
use switchboard_core::ports::DashboardRepo;
use switchboard_core::{Platform, RepoError};

pub struct SqliteDashboardRepo {
    db: Db,
}

impl SqliteDashboardRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct TotalsRow {
    projects: i64,
    projects_active: i64,
    campaigns: i64,
    campaigns_active: i64,
    workflows: i64,
    executions: i64,
    executions_running: i64,
    executions_failed: i64,
}

#[async_trait]
impl DashboardRepo for SqliteDashboardRepo {
    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn summary(&self) -> Result<DashboardSummary, RepoError> {
        // One read transaction, so the tiles agree with each other.
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let totals: TotalsRow = sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM projects) AS projects, \
               (SELECT COUNT(*) FROM projects WHERE status = 'active') AS projects_active, \
               (SELECT COUNT(*) FROM campaigns) AS campaigns, \
               (SELECT COUNT(*) FROM campaigns WHERE status = 'active') AS campaigns_active, \
               (SELECT COUNT(*) FROM workflows) AS workflows, \
               (SELECT COUNT(*) FROM executions) AS executions, \
               (SELECT COUNT(*) FROM executions WHERE status IN ('pending', 'running')) AS executions_running, \
               (SELECT COUNT(*) FROM executions WHERE status = 'failed') AS executions_failed",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(storage)?;
        let per_platform: Vec<(String, i64)> =
            sqlx::query_as("SELECT platform, COUNT(*) FROM campaigns GROUP BY platform")
                .fetch_all(&mut *tx)
                .await
                .map_err(storage)?;
        tx.commit().await.map_err(storage)?;

        let mut by_platform = Vec::with_capacity(per_platform.len());
        for (name, n) in per_platform {
            let platform: Platform = name.parse()?;
            by_platform.push((platform, count(n)));
        }
        Ok(DashboardSummary {
            projects: ProjectCounts {
                total: count(totals.projects),
                active: count(totals.projects_active),
            },
            campaigns: CampaignCounts::with_platforms(
                count(totals.campaigns),
                count(totals.campaigns_active),
                &by_platform,
            ),
            workflows: count(totals.workflows),
            executions: ExecutionCounts {
                total: count(totals.executions),
                running: count(totals.executions_running),
                failed: count(totals.executions_failed),
            },
        })
    }
}
