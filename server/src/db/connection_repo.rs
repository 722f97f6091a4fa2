//! Ad account connections and their test-mode accounts.

use super::{ids::new_suffix, record_activity, storage};
use async_trait::async_trait;
use sqlx::{Sqlite, SqlitePool, Transaction};
use switchboard_core::connection::{Connection, ConnectionDraft, ConnectionMode};
use switchboard_core::connectors::testmode::TestAccount;
use switchboard_core::ports::ConnectionRepo;
use switchboard_core::time::Timestamp;
use switchboard_core::{ConnectionId, Currency, ParseError, ProjectId, RepoError};

pub struct SqliteConnectionRepo {
    pool: SqlitePool,
}

impl SqliteConnectionRepo {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

#[derive(sqlx::FromRow)]
struct ConnectionRow {
    id: String,
    project_id: String,
    platform: String,
    mode: String,
    account_id: String,
    name: Option<String>,
    status: String,
    currency: String,
    time_zone: String,
    created_at: String,
    updated_at: Option<String>,
}

impl TryFrom<ConnectionRow> for Connection {
    type Error = ParseError;
    fn try_from(r: ConnectionRow) -> Result<Self, ParseError> {
        Ok(Connection {
            id: ConnectionId::try_from(r.id)?,
            project_id: ProjectId::try_from(r.project_id)?,
            platform: r.platform.parse()?,
            mode: r.mode.parse()?,
            account_id: r.account_id,
            name: r.name,
            status: r.status.parse()?,
            currency: Currency::parse(&r.currency)?,
            time_zone: r.time_zone,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: r.updated_at.as_deref().map(Timestamp::parse).transpose()?,
        })
    }
}

const SELECT: &str = "SELECT id, project_id, platform, mode, account_id, name, status, currency, time_zone, \
                      created_at, updated_at FROM connections";

fn not_found(id: &ConnectionId) -> RepoError {
    RepoError::NotFound {
        entity: "connection",
        id: id.to_string(),
    }
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

async fn fetch(tx: &mut Transaction<'_, Sqlite>, id: &ConnectionId) -> Result<Connection, RepoError> {
    let row: Option<ConnectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(storage)?;
    Ok(Connection::try_from(row.ok_or_else(|| not_found(id))?)?)
}

fn state_json(account: &TestAccount) -> Result<String, RepoError> {
    serde_json::to_string(account).map_err(|e| RepoError::Storage(Box::new(e)))
}

#[async_trait]
impl ConnectionRepo for SqliteConnectionRepo {
    #[tracing::instrument(skip(self), err(Debug))]
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Connection>, RepoError> {
        let rows: Vec<ConnectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (?1 IS NULL OR project_id = ?1) AND status != 'disconnected' \
             ORDER BY created_at DESC, id DESC"
        )))
        .bind(project.map(ProjectId::as_str))
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|r| Connection::try_from(r).map_err(RepoError::from))
            .collect()
    }

    #[tracing::instrument(skip(self), err(Debug))]
    async fn get(&self, id: &ConnectionId) -> Result<Connection, RepoError> {
        let mut tx = self.pool.begin().await.map_err(storage)?;
        let connection = fetch(&mut tx, id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(connection)
    }

    #[tracing::instrument(skip(self, draft, account), err(Debug))]
    async fn create_test(
        &self,
        draft: ConnectionDraft,
        account: &TestAccount,
        actor: &str,
    ) -> Result<Connection, RepoError> {
        let id = ConnectionId::from_suffix(&new_suffix())?;
        let at = now();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(storage)?;
        let project: Option<String> = sqlx::query_scalar("SELECT name FROM projects WHERE id = ?")
            .bind(draft.project_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(storage)?;
        let project_name = project.ok_or_else(|| RepoError::NotFound {
            entity: "project",
            id: draft.project_id.to_string(),
        })?;
        let inserted = sqlx::query(
            "INSERT INTO connections (id, project_id, platform, account_id, name, mode, status, currency, \
                                      time_zone, created_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(draft.project_id.as_str())
        .bind(draft.platform.as_str())
        .bind(&account.account_id)
        .bind(draft.name.as_deref().unwrap_or(&account.name))
        .bind(ConnectionMode::Test.as_str())
        .bind(account.currency.as_str())
        .bind(&account.time_zone)
        .bind(at.to_text())
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(RepoError::Conflict(format!(
                    "project '{}' already has {} account {}",
                    draft.project_id,
                    draft.platform.label(),
                    account.account_id
                )));
            }
            other => other.map_err(storage)?,
        };
        sqlx::query(
            "INSERT INTO connector_test_accounts (connection_id, seed, state, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(account.seed.to_string())
        .bind(state_json(account)?)
        .bind(at.to_text())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let summary = format!(
            "Connected {} test account {} to {project_name}",
            draft.platform.label(),
            account.account_id
        );
        record_activity(&mut tx, draft.project_id.as_str(), actor, "connection.created", &summary, &at).await?;
        let connection = fetch(&mut tx, &id).await?;
        tx.commit().await.map_err(storage)?;
        Ok(connection)
    }

    #[tracing::instrument(skip(self), err(Debug))]
    async fn delete(&self, id: &ConnectionId, actor: &str) -> Result<(), RepoError> {
        let at = now();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(storage)?;
        let connection = fetch(&mut tx, id).await?;
        // Campaigns keep their history; they lose the link (ON DELETE SET NULL).
        sqlx::query("DELETE FROM connections WHERE id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        let summary = format!(
            "Disconnected {} account {}",
            connection.platform.label(),
            connection.account_id
        );
        record_activity(&mut tx, connection.project_id.as_str(), actor, "connection.deleted", &summary, &at).await?;
        tx.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(skip(self), err(Debug))]
    async fn test_account(&self, id: &ConnectionId) -> Result<TestAccount, RepoError> {
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM connector_test_accounts WHERE connection_id = ?")
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(storage)?;
        let state = state.ok_or_else(|| not_found(id))?;
        serde_json::from_str(&state).map_err(|_| {
            RepoError::Invalid(ParseError::Invalid {
                what: "test account state",
                value: id.to_string(),
                reason: "not a test account",
            })
        })
    }

    #[tracing::instrument(skip(self, account), err(Debug))]
    async fn save_test_account(&self, id: &ConnectionId, account: &TestAccount) -> Result<(), RepoError> {
        let done = sqlx::query(
            "UPDATE connector_test_accounts SET state = ?, updated_at = ? WHERE connection_id = ?",
        )
        .bind(state_json(account)?)
        .bind(now().to_text())
        .bind(id.as_str())
        .execute(&self.pool)
        .await
        .map_err(storage)?;
        if done.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }
}
