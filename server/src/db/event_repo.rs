//! Executions' event logs (`events`): appended in order, read back after a sequence number.

use super::Db;
use super::journal::{NewEvent, Write};
use super::storage;
use async_trait::async_trait;
use serde_json::Value;
use switchboard_core::execution::ExecutionEvent;
use switchboard_core::ports::EventLog;
use switchboard_core::time::Timestamp;
use switchboard_core::{ExecutionId, ParseError, RepoError};

/// The log. Appends go through the journal (group commit), which publishes them on the bus.
pub struct SqliteEventLog {
    db: Db,
}

impl SqliteEventLog {
    pub fn new(db: Db) -> Self {
        Self { db }
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
    #[tracing::instrument(level = "debug", skip(self, data), err(Debug, level = "debug"))]
    async fn append(
        &self,
        execution: &ExecutionId,
        kind: &str,
        data: Value,
    ) -> Result<ExecutionEvent, RepoError> {
        let event = NewEvent::new(
            execution,
            kind,
            data,
            Timestamp::from_datetime(chrono::Utc::now()),
        );
        self.db
            .journal
            .write(Write::Event(event))
            .await?
            .ok_or_else(|| RepoError::Storage("an appended event was not stored".into()))
    }

    async fn record(&self, execution: &ExecutionId, kind: &str, data: Value) -> Result<(), RepoError> {
        let event = NewEvent::new(
            execution,
            kind,
            data,
            Timestamp::from_datetime(chrono::Utc::now()),
        );
        self.db.journal.enqueue(Write::Event(event)).await
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn list(&self, execution: &ExecutionId, after_seq: i64) -> Result<Vec<ExecutionEvent>, RepoError> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM events WHERE execution_id = ? AND seq > ? ORDER BY seq"
        )))
        .bind(execution.as_str())
        .bind(after_seq)
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(event).collect()
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn since(&self, after_seq: i64, limit: u32) -> Result<Vec<ExecutionEvent>, RepoError> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM events WHERE seq > ? AND execution_id IS NOT NULL ORDER BY seq LIMIT ?"
        )))
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(event).collect()
    }

    async fn last_seq(&self) -> Result<i64, RepoError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM events")
            .fetch_one(&self.db.read)
            .await
            .map_err(storage)?;
        Ok(seq.unwrap_or(0))
    }
}
