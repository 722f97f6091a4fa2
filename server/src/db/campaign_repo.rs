use super::Db;
use super::{count, storage};
use async_trait::async_trait;
use sqlx::{QueryBuilder, Sqlite};
use switchboard_core::campaign::{Campaign, CampaignPage, CampaignQuery, CampaignSort, MAX_PAGE_SIZE};
use switchboard_core::ports::CampaignRepo;
use switchboard_core::time::{Timestamp, parse_date};
use switchboard_core::{CampaignId, Currency, Micros, ParseError, ProjectId, RepoError};

pub struct SqliteCampaignRepo {
    db: Db,
}

impl SqliteCampaignRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct CampaignDbRow {
    id: String,
    project_id: String,
    platform: String,
    external_id: String,
    name: String,
    objective: Option<String>,
    status: String,
    platform_status: String,
    daily_budget_micros: Option<i64>,
    currency: String,
    time_zone: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    created_at: String,
    updated_at: Option<String>,
}

impl TryFrom<CampaignDbRow> for Campaign {
    type Error = ParseError;
    fn try_from(r: CampaignDbRow) -> Result<Self, ParseError> {
        Ok(Campaign {
            id: CampaignId::try_from(r.id)?,
            project_id: ProjectId::try_from(r.project_id)?,
            platform: r.platform.parse()?,
            external_id: r.external_id,
            name: r.name,
            objective: r.objective,
            status: r.status.parse()?,
            platform_status: r.platform_status,
            daily_budget: r.daily_budget_micros.map(Micros::new),
            currency: Currency::parse(&r.currency)?,
            time_zone: r.time_zone,
            start_date: r.start_date.as_deref().map(parse_date).transpose()?,
            end_date: r.end_date.as_deref().map(parse_date).transpose()?,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: r.updated_at.as_deref().map(Timestamp::parse).transpose()?,
        })
    }
}

const COLUMNS: &str = "id, project_id, platform, external_id, name, objective, status, platform_status, \
                       daily_budget_micros, currency, time_zone, start_date, end_date, created_at, updated_at";

/// Appends the WHERE clause of a campaign query.
fn push_filters(qb: &mut QueryBuilder<Sqlite>, q: &CampaignQuery) {
    qb.push(" WHERE 1 = 1");
    if let Some(p) = &q.project_id {
        qb.push(" AND project_id = ").push_bind(p.as_str());
    }
    if let Some(p) = q.platform {
        qb.push(" AND platform = ").push_bind(p.as_str());
    }
    if let Some(s) = q.status {
        qb.push(" AND status = ").push_bind(s.as_str());
    }
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        qb.push(" AND (name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR external_id LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

fn order_by(sort: CampaignSort) -> &'static str {
    match sort {
        CampaignSort::Name => "lower(name)",
        CampaignSort::Platform => "platform",
        CampaignSort::Status => "status",
        CampaignSort::DailyBudget => "daily_budget_micros",
        CampaignSort::StartDate => "start_date",
        CampaignSort::CreatedAt => "created_at",
    }
}

#[async_trait]
impl CampaignRepo for SqliteCampaignRepo {
    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn list(&self, q: &CampaignQuery) -> Result<CampaignPage, RepoError> {
        let limit = q.limit.clamp(1, MAX_PAGE_SIZE);
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let mut total_qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*) FROM campaigns");
        push_filters(&mut total_qb, q);
        let total: i64 = total_qb
            .build_query_scalar()
            .fetch_one(&mut *tx)
            .await
            .map_err(storage)?;

        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!("SELECT {COLUMNS} FROM campaigns"));
        push_filters(&mut qb, q);
        let direction = if q.descending { "DESC" } else { "ASC" };
        // NULLs last either way; the id keeps pages stable.
        qb.push(format!(
            " ORDER BY {col} IS NULL, {col} {direction}, id {direction} LIMIT ",
            col = order_by(q.sort)
        ))
        .push_bind(i64::from(limit))
        .push(" OFFSET ")
        .push_bind(i64::from(q.offset));
        let rows: Vec<CampaignDbRow> = qb.build_query_as().fetch_all(&mut *tx).await.map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        let items = rows
            .into_iter()
            .map(Campaign::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CampaignPage {
            items,
            total: count(total),
            limit,
            offset: q.offset,
        })
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn get(&self, id: &CampaignId) -> Result<Campaign, RepoError> {
        let row: Option<CampaignDbRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM campaigns WHERE id = ?"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.db.read)
        .await
        .map_err(storage)?;
        let row = row.ok_or_else(|| RepoError::NotFound {
            entity: "campaign",
            id: id.to_string(),
        })?;
        Ok(Campaign::try_from(row)?)
    }
}
