use super::{Db, ids::new_suffix, storage};
use async_trait::async_trait;
use switchboard_core::api_key::ApiKey;
use switchboard_core::ports::ApiKeyRepo;
use switchboard_core::time::Timestamp;
use switchboard_core::{ApiKeyId, ParseError, RepoError};

/// A key's last use is written at most this often (a busy client would otherwise write on every
/// request).
const LAST_USE_EVERY_SECS: i64 = 60;

pub struct SqliteApiKeyRepo {
    db: Db,
}

impl SqliteApiKeyRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    shown: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl TryFrom<Row> for ApiKey {
    type Error = ParseError;
    fn try_from(r: Row) -> Result<Self, ParseError> {
        Ok(ApiKey {
            id: ApiKeyId::try_from(r.id)?,
            name: r.name,
            shown: r.shown,
            created_at: Timestamp::parse(&r.created_at)?,
            last_used_at: r.last_used_at.as_deref().map(Timestamp::parse).transpose()?,
            revoked_at: r.revoked_at.as_deref().map(Timestamp::parse).transpose()?,
        })
    }
}

const COLUMNS: &str = "id, name, shown, created_at, last_used_at, revoked_at";

fn stamp() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

fn now() -> String {
    stamp().to_text()
}

#[async_trait]
impl ApiKeyRepo for SqliteApiKeyRepo {
    #[tracing::instrument(skip(self, hash), err(Debug, level = "debug"))]
    async fn create(&self, name: &str, hash: &[u8], shown: &str) -> Result<ApiKey, RepoError> {
        let id = ApiKeyId::from_suffix(&new_suffix())?;
        let row: Row = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO api_keys (id, name, key_hash, shown, created_at) VALUES (?, ?, ?, ?, ?) RETURNING {COLUMNS}"
        )))
        .bind(id.as_str())
        .bind(name)
        .bind(hash)
        .bind(shown)
        .bind(now())
        .fetch_one(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(row.try_into()?)
    }

    async fn list(&self) -> Result<Vec<ApiKey>, RepoError> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_keys ORDER BY revoked_at IS NOT NULL, created_at DESC"
        )))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        Ok(rows.into_iter().map(ApiKey::try_from).collect::<Result<_, _>>()?)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn revoke(&self, id: &ApiKeyId) -> Result<ApiKey, RepoError> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING {COLUMNS}"
        )))
        .bind(now())
        .bind(id.as_str())
        .fetch_optional(&self.db.write)
        .await
        .map_err(storage)?;
        let row = row.ok_or_else(|| RepoError::NotFound {
            entity: "API key",
            id: id.to_string(),
        })?;
        Ok(row.try_into()?)
    }

    async fn authenticate(&self, hash: &[u8]) -> Result<Option<ApiKey>, RepoError> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL"
        )))
        .bind(hash)
        .fetch_optional(&self.db.read)
        .await
        .map_err(storage)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut key = ApiKey::try_from(row)?;
        let now = stamp();
        let stale = key.last_used_at.is_none_or(|at| {
            now.as_datetime()
                .signed_duration_since(at.as_datetime())
                .num_seconds()
                >= LAST_USE_EVERY_SECS
        });
        if stale {
            sqlx::query("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
                .bind(now.to_text())
                .bind(key.id.as_str())
                .execute(&self.db.write)
                .await
                .map_err(storage)?;
            key.last_used_at = Some(now);
        }
        Ok(Some(key))
    }
}
