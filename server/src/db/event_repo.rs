//! Executions' event logs (`events`): appended in order, read back after a sequence number.

use super::{ids::new_suffix, storage};
use async_trait::async_trait;
use serde_json::Value;
use sqlx::SqlitePool;
use switchboard_core::execution::ExecutionEvent;
use switchboard_core::ports::EventLog;
use switchboard_core::time::Timestamp;
use switchboard_core::{ExecutionId, ParseError, RepoError};

/// The log, publishing every event it stores on the bus.
pub struct SqliteEventLog {
    pool: SqlitePool,
    bus: crate::workflows::EventBus,
}

impl SqliteEventLog {
    pub fn new(pool: SqlitePool, bus: crate::workflows::EventBus) -> Self {
        Self { pool, bus }
    }
}

type Row = (i64, String, String, String, String, String);

fn event(row: Row) -> Result<ExecutionEvent, RepoError> {
    let (seq, id, execution_id, kind, occurred_at, data) = row;
    Ok(ExecutionEvent {
        seq,
        id,
        execution_id: ExecutionId::try_from(execution_id)?,
        kind,
        occurred_at: Timestamp::parse(&occurred_at)?,
        data: serde_json::from_str(&data).map_err(|_| {
            RepoError::Invalid(ParseError::Invalid {
                what: "event data",
                value: seq.to_string(),
                reason: "not JSON",
            })
        })?,
    })
}

const COLUMNS: &str = "seq, id, execution_id, type, occurred_at, data";

#[async_trait]
impl EventLog for SqliteEventLog {
    #[tracing::instrument(skip(self, data), err(Debug))]
    async fn append(
        &self,
        execution: &ExecutionId,
        kind: &str,
        data: Value,
    ) -> Result<ExecutionEvent, RepoError> {
        let at = Timestamp::from_datetime(chrono::Utc::now());
        let row: Result<Row, sqlx::Error> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO events (id, execution_id, type, occurred_at, data) VALUES (?, ?, ?, ?, ?) RETURNING {COLUMNS}"
        )))
        .bind(format!("evt_{}", new_suffix()))
        .bind(execution.as_str())
        .bind(kind)
        .bind(at.to_text())
        .bind(data.to_string())
        .fetch_one(&self.pool)
        .await;
        match row {
            Ok(row) => {
                let stored = event(row)?;
                self.bus.publish(stored.clone());
                Ok(stored)
            }
            Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => Err(RepoError::NotFound {
                entity: "execution",
                id: execution.to_string(),
            }),
            Err(e) => Err(storage(e)),
        }
    }

    #[tracing::instrument(skip(self), err(Debug))]
    async fn list(&self, execution: &ExecutionId, after_seq: i64) -> Result<Vec<ExecutionEvent>, RepoError> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM events WHERE execution_id = ? AND seq > ? ORDER BY seq"
        )))
        .bind(execution.as_str())
        .bind(after_seq)
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.into_iter().map(event).collect()
    }

    #[tracing::instrument(skip(self), err(Debug))]
    async fn since(&self, after_seq: i64, limit: u32) -> Result<Vec<ExecutionEvent>, RepoError> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM events WHERE seq > ? AND execution_id IS NOT NULL ORDER BY seq LIMIT ?"
        )))
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(storage)?;
        rows.into_iter().map(event).collect()
    }

    async fn last_seq(&self) -> Result<i64, RepoError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM events")
            .fetch_one(&self.pool)
            .await
            .map_err(storage)?;
        Ok(seq.unwrap_or(0))
    }
}

/// Appends an event inside a caller's transaction (the change and its event commit together).
pub(crate) async fn append_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    execution: &ExecutionId,
    kind: &str,
    data: &Value,
    at: &Timestamp,
) -> Result<ExecutionEvent, RepoError> {
    let row: Row = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO events (id, execution_id, type, occurred_at, data) VALUES (?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    )))
    .bind(format!("evt_{}", new_suffix()))
    .bind(execution.as_str())
    .bind(kind)
    .bind(at.to_text())
    .bind(data.to_string())
    .fetch_one(&mut **tx)
    .await
    .map_err(storage)?;
    event(row)
}
