//! The journal: the writes a run makes as it goes (its events, its stage and status changes, the
//! changes its tools make to test accounts) are handed to one writer that commits whatever has queued as a
//! single transaction (group commit). Many runs writing at once then cost one commit rather than
//! one each. The writer has its own thread and connection, so a busy runtime never leaves a
//! transaction waiting half-way. Every write still answers only once it is committed, and every
//! stored event is published on the bus in sequence order.

use super::storage;
use crate::workflows::EventBus;
use serde_json::Value;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, QueryBuilder, Sqlite, SqliteConnection};
use std::collections::HashMap;
use std::sync::OnceLock;
use switchboard_core::execution::ExecutionEvent;
use switchboard_core::time::Timestamp;
use switchboard_core::{ConnectionId, ExecutionId, RepoError};
use tokio::sync::{mpsc, oneshot};

/// The most writes one transaction takes; the events of one batch go in one insert.
const MAX_BATCH: usize = 256;
/// A batch smaller than this waits [`LINGER`] for more before it commits.
const LINGER_BELOW: usize = 16;
const LINGER: std::time::Duration = std::time::Duration::from_micros(300);

/// An event to store.
pub(crate) struct NewEvent {
    pub id: String,
    pub execution: ExecutionId,
    pub kind: String,
    pub data: Value,
    pub at: Timestamp,
}

impl NewEvent {
    pub fn new(execution: &ExecutionId, kind: &str, data: Value, at: Timestamp) -> Self {
        NewEvent {
            id: format!("evt_{}", super::ids::new_suffix()),
            execution: execution.clone(),
            kind: kind.to_owned(),
            data,
            at,
        }
    }
}

/// A new run and its stages (each `(position, stage id, extra JSON)`).
pub(crate) struct NewRun {
    pub id: ExecutionId,
    pub workflow: String,
    pub project: Option<String>,
    pub input: String,
    pub stages: Vec<(i64, String, String)>,
}

pub(crate) struct StageChange {
    pub position: i64,
    pub status: &'static str,
    pub attempt: i64,
    pub output: Option<String>,
    pub error: Option<String>,
    /// Starting (stamps `started_at`) or going back to waiting (clears `completed_at`).
    pub running: bool,
    pub reopened: bool,
}

pub(crate) struct StatusChange {
    pub status: &'static str,
    pub terminal: bool,
    pub cancelled: bool,
    pub result: Option<String>,
    pub error: Option<String>,
}

pub(crate) enum Write {
    Event(NewEvent),
    Create(NewRun, NewEvent),
    Stage(StageChange, NewEvent),
    Status(StatusChange, NewEvent),
    /// A change to a test account, with a write's answer kept under its idempotency key
    /// (`(key, tool, answer)`).
    Account {
        connection: ConnectionId,
        change: AccountChange,
        answer: Option<(String, String, String)>,
    },
}

/// How a test account's change is stored.
pub(crate) enum AccountChange {
    /// A write tool's call appended to the account's log (`params` as JSON text).
    Logged {
        tool: String,
        params: String,
        at: Timestamp,
    },
    /// The account's whole state (JSON text), which replaces its snapshot and empties its log.
    Snapshot(String),
}

impl Write {
    fn event(&self) -> Option<&NewEvent> {
        match self {
            Write::Event(e) | Write::Create(_, e) | Write::Stage(_, e) | Write::Status(_, e) => Some(e),
            Write::Account { .. } => None,
        }
    }
}

type Reply = Result<Option<ExecutionEvent>, RepoError>;

struct Job {
    write: Write,
    at: Timestamp,
    reply: oneshot::Sender<Reply>,
}

pub struct Journal {
    options: SqliteConnectOptions,
    bus: EventBus,
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl Journal {
    pub fn new(options: SqliteConnectOptions, bus: EventBus) -> Self {
        Journal {
            options,
            bus,
            queue: OnceLock::new(),
        }
    }

    /// Commits one write (with others queued beside it) and answers its stored event, if any.
    pub(crate) async fn write(&self, write: Write) -> Reply {
        let (reply, answer) = oneshot::channel();
        self.send(write, reply).await?;
        answer.await.map_err(|_| stopped())?
    }

    /// Queues a write without waiting for its commit: it commits in queue order, so before any
    /// write queued after it. A refusal is logged.
    pub(crate) async fn enqueue(&self, write: Write) -> Result<(), RepoError> {
        self.send(write, oneshot::channel().0).await
    }

    async fn send(&self, write: Write, reply: oneshot::Sender<Reply>) -> Result<(), RepoError> {
        let at = write
            .event()
            .map_or_else(|| Timestamp::from_datetime(chrono::Utc::now()), |e| e.at);
        self.queue()
            .send(Job { write, at, reply })
            .await
            .map_err(|_| stopped())
    }

    /// The writer starts with the first write.
    fn queue(&self) -> &mpsc::Sender<Job> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
            let (options, bus) = (self.options.clone(), self.bus.clone());
            let started = std::thread::Builder::new()
                .name("switchboard-writer".into())
                .spawn(
                    move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                        Ok(runtime) => runtime.block_on(writer(options, bus, rx)),
                        Err(e) => tracing::error!(error = %e, "cannot start the database writer"),
                    },
                );
            if let Err(e) = started {
                tracing::error!(error = %e, "cannot start the database writer's thread");
            }
            tx
        })
    }
}

async fn writer(options: SqliteConnectOptions, bus: EventBus, mut rx: mpsc::Receiver<Job>) {
    let mut conn: Option<SqliteConnection> = None;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if batch.len() < LINGER_BELOW {
            // A moment for the writers just behind to join this commit.
            std::thread::sleep(LINGER);
            while batch.len() < MAX_BATCH
                && let Ok(job) = rx.try_recv()
            {
                batch.push(job);
            }
        }
        if conn.is_none() {
            match options.connect().await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    tracing::error!(error = %e, "the database writer cannot open the database");
                    for job in batch.drain(..) {
                        let _ = job.reply.send(Err(storage(sqlx::Error::PoolTimedOut)));
                    }
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        match commit_batch(c, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    if let Ok(Some(event)) = &outcome {
                        bus.publish(event.clone());
                    }
                    answer(job, outcome);
                }
            }
            Err(e) => {
                // One write that cannot be made must not sink the others: each alone.
                tracing::debug!(error = %e, writes = batch.len(), "a batch failed; writing one at a time");
                let _ = sqlx::query("ROLLBACK").execute(&mut *c).await;
                for job in batch.drain(..) {
                    let outcome = match commit_batch(c, std::slice::from_ref(&job)).await {
                        Ok(mut outcomes) => outcomes.pop().unwrap_or(Ok(None)),
                        Err(e) => {
                            let _ = sqlx::query("ROLLBACK").execute(&mut *c).await;
                            Err(refusal(&job.write, e))
                        }
                    };
                    if let Ok(Some(event)) = &outcome {
                        bus.publish(event.clone());
                    }
                    answer(job, outcome);
                }
                if c.ping().await.is_err() {
                    conn = None;
                }
            }
        }
    }
}

fn stopped() -> RepoError {
    RepoError::Storage("the database writer has stopped".into())
}

/// Answers the writer of a job; a refusal nobody waits for is logged.
fn answer(job: Job, outcome: Reply) {
    if let Err(e) = &outcome
        && job.reply.is_closed()
    {
        tracing::warn!(error = %e, "a recorded write was refused");
    }
    let _ = job.reply.send(outcome);
}

/// What a failed write means to its caller: a missing row it points at, or a storage failure.
fn refusal(write: &Write, e: sqlx::Error) -> RepoError {
    let foreign_key = matches!(&e, sqlx::Error::Database(d) if d.is_foreign_key_violation());
    match write {
        Write::Create(run, _) if foreign_key => RepoError::NotFound {
            entity: "workflow or project",
            id: format!("{} / {}", run.workflow, run.project.as_deref().unwrap_or("-")),
        },
        Write::Event(ev) if foreign_key => RepoError::NotFound {
            entity: "execution",
            id: ev.execution.to_string(),
        },
        _ => storage(e),
    }
}

/// One transaction for the batch. A write whose row has gone or ended is answered with its
/// refusal and changes nothing; a storage error fails the whole batch (the caller retries each).
async fn commit_batch(conn: &mut SqliteConnection, batch: &[Job]) -> Result<Vec<Reply>, sqlx::Error> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let mut outcomes: Vec<Result<bool, RepoError>> = Vec::with_capacity(batch.len());
    for job in batch {
        outcomes.push(apply(&mut tx, &job.write, &job.at).await?);
    }
    let events: Vec<&NewEvent> = batch
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| matches!(o, Ok(true)))
        .filter_map(|(job, _)| job.write.event())
        .collect();
    let seqs = insert_events(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(batch
        .iter()
        .zip(outcomes)
        .map(|(job, outcome)| {
            outcome.map(|stored| {
                let event = job.write.event().filter(|_| stored)?;
                let seq = *seqs.get(event.id.as_str())?;
                Some(ExecutionEvent {
                    seq,
                    id: event.id.clone(),
                    execution_id: event.execution.clone(),
                    kind: event.kind.clone(),
                    occurred_at: event.at,
                    data: event.data.clone(),
                })
            })
        })
        .collect())
}

/// Makes one write's changes (its event aside): `Ok(true)` made, `Ok(Err(..))` refused.
async fn apply(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    write: &Write,
    at: &Timestamp,
) -> Result<Result<bool, RepoError>, sqlx::Error> {
    let at_text = at.to_text();
    match write {
        Write::Event(_) => Ok(Ok(true)),
        Write::Create(run, _) => {
            sqlx::query(
                "INSERT INTO executions (id, workflow_id, project_id, status, input, created_at) VALUES (?, ?, ?, 'pending', ?, ?)",
            )
            .bind(run.id.as_str())
            .bind(&run.workflow)
            .bind(&run.project)
            .bind(&run.input)
            .bind(&at_text)
            .execute(&mut **tx)
            .await?;
            if !run.stages.is_empty() {
                let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                    "INSERT INTO execution_stages (execution_id, position, stage_id, status, attempt, extra) ",
                );
                qb.push_values(&run.stages, |mut row, (position, stage, extra)| {
                    row.push_bind(run.id.as_str())
                        .push_bind(*position)
                        .push_bind(stage.as_str())
                        .push_bind("pending")
                        .push_bind(0_i64)
                        .push_bind(extra.as_str());
                });
                qb.build().persistent(false).execute(&mut **tx).await?;
            }
            Ok(Ok(true))
        }
        Write::Stage(change, event) => {
            let done = sqlx::query(
                "UPDATE execution_stages SET status = ?, attempt = ?, output = ?, error = ?, \
                 started_at = CASE WHEN ? THEN ? ELSE started_at END, \
                 completed_at = CASE WHEN ? THEN NULL ELSE ? END \
                 WHERE execution_id = ? AND position = ? AND EXISTS \
                 (SELECT 1 FROM executions WHERE id = ? AND status IN ('pending', 'running'))",
            )
            .bind(change.status)
            .bind(change.attempt)
            .bind(&change.output)
            .bind(&change.error)
            .bind(change.running)
            .bind(&at_text)
            .bind(change.running || change.reopened)
            .bind(&at_text)
            .bind(event.execution.as_str())
            .bind(change.position)
            .bind(event.execution.as_str())
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() == 1 {
                return Ok(Ok(true));
            }
            Ok(Err(why_not(tx, &event.execution, Some(change.position)).await?))
        }
        Write::Status(change, event) => {
            let done = sqlx::query(
                "UPDATE executions SET status = ?, result = COALESCE(?, result), error = COALESCE(?, error), \
                 started_at = CASE WHEN ? = 'running' THEN COALESCE(started_at, ?) ELSE started_at END, \
                 completed_at = CASE WHEN ? THEN ? ELSE completed_at END \
                 WHERE id = ? AND status IN ('pending', 'running')",
            )
            .bind(change.status)
            .bind(&change.result)
            .bind(&change.error)
            .bind(change.status)
            .bind(&at_text)
            .bind(change.terminal)
            .bind(&at_text)
            .bind(event.execution.as_str())
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(Err(why_not(tx, &event.execution, None).await?));
            }
            if change.terminal {
                // Stages that never ran end with their run.
                sqlx::query(
                    "UPDATE execution_stages SET status = ?, completed_at = COALESCE(completed_at, ?) \
                     WHERE execution_id = ? AND status IN ('pending', 'running')",
                )
                .bind(if change.cancelled { "cancelled" } else { "skipped" })
                .bind(&at_text)
                .bind(event.execution.as_str())
                .execute(&mut **tx)
                .await?;
            }
            Ok(Ok(true))
        }
        Write::Account {
            connection,
            change,
            answer,
        } => {
            let done = match change {
                AccountChange::Logged { tool, params, at } => {
                    sqlx::query(
                        "INSERT INTO connector_test_account_changes (connection_id, tool, params, called_at) \
                         SELECT connection_id, ?, ?, ? FROM connector_test_accounts WHERE connection_id = ?",
                    )
                    .bind(tool)
                    .bind(params)
                    .bind(at.to_text())
                    .bind(connection.as_str())
                    .execute(&mut **tx)
                    .await?
                }
                AccountChange::Snapshot(state) => {
                    let done = sqlx::query(
                        "UPDATE connector_test_accounts SET state = ?, updated_at = ? WHERE connection_id = ?",
                    )
                    .bind(state)
                    .bind(&at_text)
                    .bind(connection.as_str())
                    .execute(&mut **tx)
                    .await?;
                    sqlx::query("DELETE FROM connector_test_account_changes WHERE connection_id = ?")
                        .bind(connection.as_str())
                        .execute(&mut **tx)
                        .await?;
                    done
                }
            };
            if done.rows_affected() == 0 {
                return Ok(Err(RepoError::NotFound {
                    entity: "connection",
                    id: connection.to_string(),
                }));
            }
            if let Some((key, tool, result)) = answer {
                sqlx::query(
                    "INSERT INTO tool_call_results (idempotency_key, connection_id, tool, result, created_at) \
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
                )
                .bind(key)
                .bind(connection.as_str())
                .bind(tool)
                .bind(result)
                .bind(&at_text)
                .execute(&mut **tx)
                .await?;
            }
            Ok(Ok(true))
        }
    }
}

/// Why a stage or status change touched nothing: the run (or stage) is not there, or has ended.
async fn why_not(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    execution: &ExecutionId,
    position: Option<i64>,
) -> Result<RepoError, sqlx::Error> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM executions WHERE id = ?")
        .bind(execution.as_str())
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match (status, position) {
        (None, _) => RepoError::NotFound {
            entity: "execution",
            id: execution.to_string(),
        },
        (Some(status), _) if !matches!(status.as_str(), "pending" | "running") => {
            RepoError::Conflict(format!("execution {execution} has already ended ({status})"))
        }
        (Some(_), position) => RepoError::NotFound {
            entity: "stage",
            id: format!("{execution}/{}", position.unwrap_or_default()),
        },
    })
}

/// The batch's events in one statement; their sequence numbers by event id (RETURNING promises
/// no order, the insert does: sequence numbers follow the batch).
async fn insert_events(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    events: &[&NewEvent],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    if events.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb: QueryBuilder<Sqlite> =
        QueryBuilder::new("INSERT INTO events (id, execution_id, type, occurred_at, data) ");
    qb.push_values(events, |mut row, e| {
        row.push_bind(e.id.as_str())
            .push_bind(e.execution.as_str())
            .push_bind(e.kind.as_str())
            .push_bind(e.at.to_text())
            .push_bind(e.data.to_string());
    });
    qb.push(" RETURNING id, seq");
    // Not kept in the statement cache: each batch size is a statement of its own.
    let rows: Vec<(String, i64)> = qb.build_query_as().persistent(false).fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().collect())
}
