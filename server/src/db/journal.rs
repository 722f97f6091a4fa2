//! The journal: the writes a run makes as it goes (its events, its stage and status changes, the
//! changes its tools make to test accounts) are handed to one writer that commits whatever has
//! queued as a single transaction (group commit). Many runs writing at once then cost one commit
//! rather than one each. Every write still answers only once it is committed, and every stored
//! event is published on the bus in sequence order.
//!
//! The writer has its own thread and its own connection, which it drives directly (rusqlite)
//! rather than through sqlx: sqlx hands each statement to a connection's worker thread and waits
//! for the answer, so a commit of a few dozen statements waited on as many thread switches, and
//! on two cores that wait, not SQLite, set how fast runs could go. The connection is opened on the
//! pool's database file with the pool's settings (see [`open`]).

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde_json::Value;
use sqlx::sqlite::SqliteConnectOptions;
use std::sync::OnceLock;
use switchboard_core::execution::ExecutionEvent;
use switchboard_core::ports::EventPublisher;
use switchboard_core::time::Timestamp;
use switchboard_core::{ConnectionId, ExecutionId, RepoError};
use tokio::sync::{mpsc, oneshot};

/// The most writes one transaction takes.
const MAX_BATCH: usize = 256;
/// A batch smaller than this waits [`LINGER`] for more before it commits.
const LINGER_BELOW: usize = 16;
const LINGER: std::time::Duration = std::time::Duration::from_micros(300);

/// An event to store.
pub(crate) struct NewEvent {
    id: String,
    execution: ExecutionId,
    kind: String,
    data: Value,
    /// `data` as stored: serialized by the caller, off the writer's thread.
    text: String,
    at: Timestamp,
}

impl NewEvent {
    pub fn new(execution: &ExecutionId, kind: &str, data: Value, at: Timestamp) -> Self {
        NewEvent {
            id: format!("evt_{}", super::ids::new_suffix()),
            execution: execution.clone(),
            kind: kind.to_owned(),
            text: data.to_string(),
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
    pub dry_run: bool,
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
    /// Nothing: answers once every write queued before it is committed.
    Flush,
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
            Write::Account { .. } | Write::Flush => None,
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
    bus: std::sync::Arc<dyn EventPublisher>,
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl Journal {
    pub fn new(options: SqliteConnectOptions, bus: std::sync::Arc<dyn EventPublisher>) -> Self {
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

    /// Waits until every write queued so far is committed (or refused).
    pub(crate) async fn flush(&self) -> Result<(), RepoError> {
        self.write(Write::Flush).await.map(drop)
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
            let (tx, mut rx) = mpsc::channel(4 * MAX_BATCH);
            let (options, bus) = (self.options.clone(), self.bus.clone());
            let started = std::thread::Builder::new()
                .name("switchboard-writer".into())
                .spawn(move || writer(&options, bus.as_ref(), &mut rx));
            if let Err(e) = started {
                tracing::error!(error = %e, "cannot start the database writer's thread");
            }
            tx
        })
    }
}

/// The writer's loop, on its own thread: batches from the queue, each committed as one
/// transaction. A connection that fails is opened again for the next batch.
fn writer(options: &SqliteConnectOptions, bus: &dyn EventPublisher, rx: &mut mpsc::Receiver<Job>) {
    let mut conn: Option<rusqlite::Connection> = None;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut checkpoints = Checkpoints::start(options);
    while rx.blocking_recv_many(&mut batch, MAX_BATCH) > 0 {
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
            match open(options).and_then(|c| checkpoints.hand_over(&c).map(|()| c)) {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    tracing::error!(error = %e, "the database writer cannot open the database");
                    for job in batch.drain(..) {
                        let _ = job
                            .reply
                            .send(Err(storage_error("the database cannot be opened")));
                    }
                    continue;
                }
            }
        }
        let Some(c) = conn.as_ref() else { continue };
        match commit_batch(c, &batch) {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    publish_and_answer(bus, job, outcome);
                }
                checkpoints.after_commit(c);
            }
            Err(e) => {
                // One write that cannot be made must not sink the others: each alone.
                tracing::debug!(error = %e, writes = batch.len(), "a batch failed; writing one at a time");
                for job in batch.drain(..) {
                    let outcome = match commit_batch(c, std::slice::from_ref(&job)) {
                        Ok(mut outcomes) => outcomes.pop().unwrap_or(Ok(None)),
                        Err(e) => Err(refusal(&job.write, e)),
                    };
                    publish_and_answer(bus, job, outcome);
                }
                checkpoints.after_commit(c);
                // A connection that cannot answer, or is stuck in a transaction it could not roll
                // back, is opened again.
                if !c.is_autocommit() || c.execute_batch("SELECT 1").is_err() {
                    conn = None;
                }
            }
        }
    }
}

/// Opens the writer's connection on the pool's database, with the pool's settings (WAL, which
/// the database keeps, is set when the pool opens it).
fn open(options: &SqliteConnectOptions) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(options.get_filename(), flags)?;
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    for (name, value) in super::CONNECTION_PRAGMAS {
        conn.pragma_update(None, name, value)?;
    }
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Publishes a stored event and answers its writer; the bus gets a copy only when a writer waits.
fn publish_and_answer(bus: &dyn EventPublisher, job: Job, outcome: Reply) {
    match outcome {
        Ok(Some(event)) if job.reply.is_closed() => {
            bus.publish(event);
            let _ = job.reply.send(Ok(None));
        }
        outcome => {
            if let Ok(Some(event)) = &outcome {
                bus.publish(event.clone());
            }
            answer(job, outcome);
        }
    }
}

/// Commits between two nudges of the checkpointer (a commit adds a few dozen pages to the WAL;
/// SQLite's own checkpoint comes at 1,000).
const CHECKPOINT_EVERY: u64 = 32;

/// Commits after which, with no pass of the checkpointer finished meanwhile (its thread starved of
/// the CPU), the writer checkpoints itself: the WAL stays bounded however busy the machine is.
const CHECKPOINT_STALLED: u64 = 4 * CHECKPOINT_EVERY;

/// The longest the writer waits for a checkpointer that is behind before checkpointing itself.
const STALL_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether the checkpointer finished a pass since the writer last looked, and the signal of it.
#[derive(Default)]
struct Passes {
    done: std::sync::Mutex<bool>,
    signal: std::sync::Condvar,
}

impl Passes {
    fn finished(&self) {
        if let Ok(mut done) = self.done.lock() {
            *done = true;
        }
        self.signal.notify_all();
    }

    /// Whether a pass finished since the last look (and forgets it).
    fn take(&self) -> bool {
        self.done
            .lock()
            .map(|mut d| std::mem::take(&mut *d))
            .unwrap_or(false)
    }

    /// Waits up to `at_most` for a pass to finish; whether one did.
    fn wait(&self, at_most: std::time::Duration) -> bool {
        let Ok(done) = self.done.lock() else {
            return false;
        };
        match self.signal.wait_timeout_while(done, at_most, |d| !*d) {
            Ok((mut d, _)) => std::mem::take(&mut *d),
            Err(_) => false,
        }
    }
}

/// Checkpoints (copying the WAL back into the database) run on a thread of their own, so the
/// writer's commits do not wait for the copying. The WAL can only start over once a checkpoint
/// has caught up with the last commit, which one running beside a busy writer never does: so
/// after each of the checkpointer's passes, the writer copies the few pages committed since
/// itself. Should the checkpointer be missing, the writer checkpoints alone, as SQLite does by
/// default; should it fall behind (starved of the CPU), the writer waits for its pass after
/// [`CHECKPOINT_STALLED`] commits (at most [`STALL_WAIT`], then checkpoints itself), so the WAL
/// stays bounded.
struct Checkpoints {
    nudge: Option<std::sync::mpsc::SyncSender<()>>,
    /// Set by the checkpointer when a pass ends.
    passed: std::sync::Arc<Passes>,
    commits: u64,
    /// Commits since the checkpointer's last finished pass (or the writer's own checkpoint).
    since_pass: u64,
}

impl Checkpoints {
    fn start(options: &SqliteConnectOptions) -> Checkpoints {
        let passed = std::sync::Arc::new(Passes::default());
        let (nudge, nudged) = std::sync::mpsc::sync_channel::<()>(1);
        let (options, done) = (options.clone(), passed.clone());
        let started = std::thread::Builder::new()
            .name("switchboard-checkpoint".into())
            .spawn(move || {
                let conn = match open(&options) {
                    Ok(conn) => conn,
                    Err(e) => {
                        tracing::error!(error = %e, "the checkpointer cannot open the database");
                        return;
                    }
                };
                while nudged.recv().is_ok() {
                    if let Err(e) = checkpoint(&conn) {
                        tracing::warn!(error = %e, "a WAL checkpoint failed");
                    }
                    done.finished();
                }
            });
        let nudge = match started {
            Ok(_) => Some(nudge),
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the checkpointer; the writer checkpoints itself");
                None
            }
        };
        Checkpoints {
            nudge,
            passed,
            commits: 0,
            since_pass: 0,
        }
    }

    /// Leaves checkpoints to the checkpointer, if there is one.
    fn hand_over(&self, conn: &rusqlite::Connection) -> rusqlite::Result<()> {
        if self.nudge.is_some() {
            conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        }
        Ok(())
    }

    /// After each commit: finishes a pass the checkpointer has made, and asks for the next one
    /// every [`CHECKPOINT_EVERY`] commits. If the checkpointer has stopped, the writer goes back
    /// to checkpointing itself.
    fn after_commit(&mut self, conn: &rusqlite::Connection) {
        let Some(nudge) = &self.nudge else { return };
        self.since_pass += 1;
        let mut passed = self.passed.take();
        if !passed && self.since_pass >= CHECKPOINT_STALLED {
            // The checkpointer is behind (its pass holds the checkpoint lock, or it has not run):
            // the writer waits for its pass rather than let the WAL grow.
            tracing::debug!(
                commits = self.since_pass,
                "the checkpointer is behind; the writer waits for it"
            );
            passed = self.passed.wait(STALL_WAIT);
        }
        if passed || self.since_pass >= CHECKPOINT_STALLED {
            self.since_pass = 0;
            if let Err(e) = catch_up(conn) {
                tracing::warn!(error = %e, "a WAL checkpoint failed");
            }
        }
        self.commits += 1;
        if !self.commits.is_multiple_of(CHECKPOINT_EVERY) {
            return;
        }
        if let Err(std::sync::mpsc::TrySendError::Disconnected(())) = nudge.try_send(()) {
            tracing::warn!("the checkpointer has stopped; the writer checkpoints itself");
            self.nudge = None;
            if let Err(e) = conn.pragma_update(None, "wal_autocheckpoint", 1000) {
                tracing::warn!(error = %e, "cannot turn the writer's checkpoints back on");
            }
        }
    }
}

/// A passive checkpoint: copies what no reader still needs, and never blocks a writer.
fn checkpoint(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

/// WAL frames past which the writer makes the WAL start over (8 MiB at 16 KiB a page).
const WAL_FRAMES_MAX: i64 = 512;

/// The writer's checkpoint after a pass of the checkpointer: copies the frames committed since.
/// Readers that keep reading (each holds the frames of its snapshot) can stop the WAL from ever
/// starting over; once it holds more than [`WAL_FRAMES_MAX`] frames, the writer waits for the
/// readers of the old frames to finish (`RESTART`, through the busy handler) so the next commit
/// writes from the WAL's start.
fn catch_up(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let frames: i64 = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))?;
    if frames > WAL_FRAMES_MAX {
        tracing::debug!(frames, "the WAL is long; the writer restarts it");
        conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))?;
    }
    Ok(())
}

fn stopped() -> RepoError {
    storage_error("the database writer has stopped")
}

fn storage_error(message: &'static str) -> RepoError {
    RepoError::Storage(message.into())
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
fn refusal(write: &Write, e: rusqlite::Error) -> RepoError {
    let foreign_key = e
        .sqlite_error()
        .is_some_and(|f| f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY);
    match write {
        Write::Create(run, _) if foreign_key => RepoError::NotFound {
            entity: "workflow or project",
            id: format!("{} / {}", run.workflow, run.project.as_deref().unwrap_or("-")),
        },
        Write::Event(ev) if foreign_key => RepoError::NotFound {
            entity: "execution",
            id: ev.execution.to_string(),
        },
        _ => RepoError::Storage(Box::new(e)),
    }
}

/// One transaction for the batch. A write whose row has gone or ended is answered with its
/// refusal and changes nothing; a storage error fails the whole batch (the caller retries each).
/// Dropping the transaction on an error rolls it back.
fn commit_batch(conn: &rusqlite::Connection, batch: &[Job]) -> rusqlite::Result<Vec<Reply>> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    {
        let mut insert_event = tx.prepare_cached(
            "INSERT INTO events (id, execution_id, type, occurred_at, data) VALUES (?, ?, ?, ?, ?)",
        )?;
        for job in batch {
            let outcome = match (apply(&tx, &job.write, &job.at)?, job.write.event()) {
                (Ok(()), Some(e)) => {
                    insert_event.execute(params![
                        e.id,
                        e.execution.as_str(),
                        e.kind,
                        e.at.to_text(),
                        e.text
                    ])?;
                    Ok(Some(stored(e, tx.last_insert_rowid())))
                }
                (Ok(()), None) => Ok(None),
                (Err(refused), _) => Err(refused),
            };
            outcomes.push(outcome);
        }
    }
    tx.commit()?;
    Ok(outcomes)
}

/// The event as stored, with its sequence number.
fn stored(event: &NewEvent, seq: i64) -> ExecutionEvent {
    ExecutionEvent {
        seq,
        id: event.id.clone(),
        execution_id: event.execution.clone(),
        kind: event.kind.clone(),
        occurred_at: event.at,
        data: event.data.clone(),
    }
}

/// Makes one write's changes (its event aside): `Ok(Ok(()))` made, `Ok(Err(..))` refused.
fn apply(
    tx: &rusqlite::Transaction<'_>,
    write: &Write,
    at: &Timestamp,
) -> rusqlite::Result<Result<(), RepoError>> {
    let at_text = at.to_text();
    match write {
        Write::Event(_) | Write::Flush => Ok(Ok(())),
        Write::Create(run, _) => {
            tx.prepare_cached(
                "INSERT INTO executions (id, workflow_id, project_id, status, input, created_at, dry_run) \
                 VALUES (?, ?, ?, 'pending', ?, ?, ?)",
            )?
            .execute(params![
                run.id.as_str(),
                run.workflow,
                run.project,
                run.input,
                at_text,
                run.dry_run
            ])?;
            let mut stage = tx.prepare_cached(
                "INSERT INTO execution_stages (execution_id, position, stage_id, status, attempt, extra) \
                 VALUES (?, ?, ?, 'pending', 0, ?)",
            )?;
            for (position, stage_id, extra) in &run.stages {
                stage.execute(params![run.id.as_str(), position, stage_id, extra])?;
            }
            Ok(Ok(()))
        }
        Write::Stage(change, event) => {
            let done = tx
                .prepare_cached(
                    "UPDATE execution_stages SET status = ?, attempt = ?, output = ?, error = ?, \
                     started_at = CASE WHEN ? THEN ? ELSE started_at END, \
                     completed_at = CASE WHEN ? THEN NULL ELSE ? END \
                     WHERE execution_id = ? AND position = ? AND EXISTS \
                     (SELECT 1 FROM executions WHERE id = ? AND status IN ('pending', 'running', 'awaiting_approval'))",
                )?
                .execute(params![
                    change.status,
                    change.attempt,
                    change.output,
                    change.error,
                    change.running,
                    at_text,
                    change.running || change.reopened,
                    at_text,
                    event.execution.as_str(),
                    change.position,
                    event.execution.as_str()
                ])?;
            if done == 1 {
                return Ok(Ok(()));
            }
            Ok(Err(why_not(tx, &event.execution, Some(change.position))?))
        }
        Write::Status(change, event) => {
            let done = tx
                .prepare_cached(
                    "UPDATE executions SET status = ?, result = COALESCE(?, result), error = COALESCE(?, error), \
                     started_at = CASE WHEN ? = 'running' THEN COALESCE(started_at, ?) ELSE started_at END, \
                     completed_at = CASE WHEN ? THEN ? ELSE completed_at END \
                     WHERE id = ? AND status IN ('pending', 'running', 'awaiting_approval')",
                )?
                .execute(params![
                    change.status,
                    change.result,
                    change.error,
                    change.status,
                    at_text,
                    change.terminal,
                    at_text,
                    event.execution.as_str()
                ])?;
            if done == 0 {
                return Ok(Err(why_not(tx, &event.execution, None)?));
            }
            if change.terminal {
                // Stages that never ran end with their run.
                tx.prepare_cached(
                    "UPDATE execution_stages SET status = ?, completed_at = COALESCE(completed_at, ?) \
                     WHERE execution_id = ? AND status IN ('pending', 'running', 'awaiting_approval')",
                )?
                .execute(params![
                    if change.cancelled { "cancelled" } else { "skipped" },
                    at_text,
                    event.execution.as_str()
                ])?;
            }
            Ok(Ok(()))
        }
        Write::Account {
            connection,
            change,
            answer,
        } => {
            let done = match change {
                AccountChange::Logged { tool, params, at } => tx
                    .prepare_cached(
                        "INSERT INTO connector_test_account_changes (connection_id, tool, params, called_at) \
                         SELECT connection_id, ?, ?, ? FROM connector_test_accounts WHERE connection_id = ?",
                    )?
                    .execute(params![tool, params, at.to_text(), connection.as_str()])?,
                AccountChange::Snapshot(state) => {
                    let done = tx
                        .prepare_cached(
                            "UPDATE connector_test_accounts SET state = ?, updated_at = ? WHERE connection_id = ?",
                        )?
                        .execute(params![state, at_text, connection.as_str()])?;
                    tx.prepare_cached("DELETE FROM connector_test_account_changes WHERE connection_id = ?")?
                        .execute(params![connection.as_str()])?;
                    done
                }
            };
            if done == 0 {
                return Ok(Err(RepoError::NotFound {
                    entity: "connection",
                    id: connection.to_string(),
                }));
            }
            if let Some((key, tool, result)) = answer {
                tx.prepare_cached(
                    "INSERT INTO tool_call_results (idempotency_key, connection_id, tool, result, created_at) \
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
                )?
                .execute(params![key, connection.as_str(), tool, result, at_text])?;
            }
            Ok(Ok(()))
        }
    }
}

/// Why a stage or status change touched nothing: the run (or stage) is not there, or has ended.
fn why_not(
    tx: &rusqlite::Transaction<'_>,
    execution: &ExecutionId,
    position: Option<i64>,
) -> rusqlite::Result<RepoError> {
    let status: Option<String> = tx
        .prepare_cached("SELECT status FROM executions WHERE id = ?")?
        .query_row(params![execution.as_str()], |row| row.get(0))
        .optional()?;
    Ok(match (status, position) {
        (None, _) => RepoError::NotFound {
            entity: "execution",
            id: execution.to_string(),
        },
        (Some(status), _) if !matches!(status.as_str(), "pending" | "running" | "awaiting_approval") => {
            RepoError::Conflict(format!("execution {execution} has already ended ({status})"))
        }
        (Some(_), position) => RepoError::NotFound {
            entity: "stage",
            id: format!("{execution}/{}", position.unwrap_or_default()),
        },
    })
}
