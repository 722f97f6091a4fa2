//! SQLite: connection options, the pool, migrations, and one repository per area, through sqlx;
//! the journal (`journal.rs`) drives its own connection directly.

mod access_repo;
mod activity_repo;
mod analytics_repo;
mod api_key_repo;
mod campaign_repo;
mod connection_repo;
mod dashboard_repo;
mod event_repo;
mod execution_repo;
mod experiment_repo;
mod health_probe;
pub(crate) mod ids;
mod journal;
mod memory_repo;
mod metrics_repo;
mod notification_repo;
mod project_repo;
mod proposal_repo;
pub mod sync_repo;
pub mod upsert;
mod webhook_repo;
mod workflow_repo;

pub use access_repo::AccessStore;
pub use activity_repo::SqliteActivityRepo;
pub use analytics_repo::SqliteAnalyticsRepo;
pub use api_key_repo::SqliteApiKeyRepo;
pub use campaign_repo::SqliteCampaignRepo;
pub use connection_repo::SqliteConnectionRepo;
pub use dashboard_repo::SqliteDashboardRepo;
pub use event_repo::SqliteEventLog;
pub use execution_repo::SqliteExecutionRepo;
pub use experiment_repo::SqliteExperimentRepo;
pub use health_probe::SqliteHealthProbe;
pub use memory_repo::SqliteMemoryRepo;
pub use metrics_repo::SqliteMetricsRepo;
pub use notification_repo::SqliteNotificationRepo;
pub use project_repo::SqliteProjectRepo;
pub use proposal_repo::SqliteProposalRepo;
pub use sync_repo::SqliteSyncRepo;
pub use webhook_repo::SqliteWebhookRepo;
pub use workflow_repo::SqliteWorkflowRepo;

/// One database seen through two pools and a journal. Reads share several connections. The writes
/// runs make as they go (nearly all writes under load) go through the journal's own connection;
/// every other write goes through the single connection of the write pool, so those writers queue
/// in the order they came (an async wait) rather than colliding on SQLite's write lock and sleeping
/// in its busy handler. The two writers meet rarely; when they do, and when another process (an
/// import) writes the same file, the busy timeout applies.
#[derive(Clone)]
pub struct Db {
    pub read: SqlitePool,
    pub write: SqlitePool,
    pub(crate) journal: std::sync::Arc<journal::Journal>,
}

impl Db {
    /// The write pool is opened from the read pool's options, on first use; the journal hands
    /// the events it stores to `publisher`.
    pub fn new(read: &SqlitePool, publisher: std::sync::Arc<dyn EventPublisher>) -> Db {
        let options = (*read.connect_options()).clone();
        let journal = std::sync::Arc::new(journal::Journal::new(options.clone(), publisher));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            // Writers queue here under load; each holds the connection for one short transaction.
            .acquire_timeout(Duration::from_secs(60))
            .connect_lazy_with(options);
        Db {
            read: read.clone(),
            write,
            journal,
        }
    }
}

impl Db {
    /// For maintenance commands that store no run events.
    pub fn without_events(read: &SqlitePool) -> Db {
        Db::new(read, std::sync::Arc::new(switchboard_core::ports::NoPublisher))
    }

    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), on the
    /// write connection.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, RepoError> {
        self.write.begin_with("BEGIN IMMEDIATE").await.map_err(storage)
    }
}

use anyhow::{Context, bail};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;
use switchboard_core::RepoError;
use switchboard_core::ports::EventPublisher;

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Settings every connection gets, the pool's and the journal writer's alike: commits wait for
/// the WAL, not the disk (a power cut may lose the last commits, never the database's integrity);
/// foreign keys are enforced; sorts and statement journals stay in memory; the WAL file is kept
/// to a size; the database file is read through a memory map (no copy of each page into the
/// connection's cache: the store's full-text recall time at 100,000 learnings fell by a third, README:
/// Benchmarks, Agent memory).
pub(crate) const CONNECTION_PRAGMAS: [(&str, &str); 5] = [
    ("synchronous", "NORMAL"),
    ("foreign_keys", "ON"),
    ("temp_store", "MEMORY"),
    // A WAL that grew under load is cut back to 64 MiB when it starts over.
    ("journal_size_limit", "67108864"),
    // Address space, not memory: the kernel's page cache backs it, shared by every connection.
    ("mmap_size", "268435456"),
];
const MAX_CONNECTIONS: u32 = 8;

/// Parses and checks a `DATABASE_URL`, and sets the options Switchboard relies on: WAL journal,
/// foreign keys, a busy timeout. Creates the database file's folder if it is missing.
pub fn connect_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    let trimmed = url.trim();
    if !trimmed.starts_with("sqlite:") {
        let scheme = trimmed.split(':').next().unwrap_or_default();
        bail!(
            "DATABASE_URL '{url}' is not supported: use a sqlite: URL such as {} (got scheme '{scheme}')",
            crate::config::DEFAULT_DATABASE_URL
        );
    }
    let mut options = SqliteConnectOptions::from_str(trimmed)
        .with_context(|| format!("DATABASE_URL '{url}' is not a valid SQLite URL"))?;
    let memory_mode = trimmed
        .split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|p| p == "mode=memory"));
    if memory_mode || in_memory(&options) {
        bail!(
            "DATABASE_URL '{url}' names an in-memory database: Switchboard needs a database file, which its \
             readers, its journal writer and its checkpointer share (for a throwaway database, use a file \
             in a temporary folder, e.g. sqlite:///tmp/switchboard-scratch.db?mode=rwc)"
        );
    }
    if !trimmed.contains("mode=") {
        options = options.create_if_missing(true);
    }
    let options = options
        .journal_mode(SqliteJournalMode::Wal)
        // Takes effect when the database is created: larger pages suit rows of a few hundred bytes.
        .page_size(16_384)
        .busy_timeout(BUSY_TIMEOUT);
    let options = CONNECTION_PRAGMAS
        .iter()
        .fold(options, |options, (name, value)| options.pragma(*name, *value));

    let folder = options
        .get_filename()
        .parent()
        .filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = folder {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create the database folder '{}' (from DATABASE_URL)",
                dir.display()
            )
        })?;
    }
    Ok(options)
}

/// Whether the options name an in-memory database rather than a file.
fn in_memory(options: &SqliteConnectOptions) -> bool {
    let file = options.get_filename().to_string_lossy();
    // sqlx names the database of `sqlite::memory:` `file:sqlx-in-memory-<n>`.
    file.is_empty() || file.contains(":memory:") || file.starts_with("file:sqlx-in-memory-")
}

/// Opens the pool and checks that the database answers.
pub async fn connect(options: SqliteConnectOptions) -> anyhow::Result<SqlitePool> {
    connect_with_limit(options, MAX_CONNECTIONS).await
}

/// Opens a pool of at most `max_connections`. The maintenance commands use one: an import that is
/// the database's only user can bypass the WAL (see `legacy::import`).
pub async fn connect_with_limit(
    options: SqliteConnectOptions,
    max_connections: u32,
) -> anyhow::Result<SqlitePool> {
    let file = options.get_filename().display().to_string();
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the database '{file}'"))
}

/// Applies pending migrations; returns how many were applied now.
pub async fn migrate(pool: &SqlitePool) -> anyhow::Result<usize> {
    let before = applied_migrations(pool).await?;
    MIGRATOR.run(pool).await.context("database migration failed")?;
    let after = applied_migrations(pool).await?;
    Ok(after.saturating_sub(before))
}

async fn applied_migrations(pool: &SqlitePool) -> anyhow::Result<usize> {
    let table: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await
    .context("cannot read the database schema")?;
    if table.is_none() {
        return Ok(0);
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await
        .context("cannot read the migration history")?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Storage failures become the port's opaque `Storage` error; the cause is kept for the log.
/// Deletes the row with `id` from `table`; `NotFound` (as `entity`) when there was none.
pub(crate) async fn delete_by_id(
    db: &Db,
    table: &'static str,
    id: &str,
    entity: &'static str,
) -> Result<(), RepoError> {
    // `table` is a constant of the caller's.
    let done = sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE id = ?")))
        .bind(id)
        .execute(&db.write)
        .await
        .map_err(storage)?;
    if done.rows_affected() == 0 {
        return Err(RepoError::NotFound {
            entity,
            id: id.to_owned(),
        });
    }
    Ok(())
}

/// The row with `id` from `table` (its `columns`), converted; `NotFound` (as `entity`) when none.
pub(crate) async fn get_by_id<R, T>(
    db: &Db,
    columns: &'static str,
    table: &'static str,
    id: &str,
    entity: &'static str,
) -> Result<T, RepoError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
    T: TryFrom<R, Error = switchboard_core::ParseError>,
{
    // `columns` and `table` are constants of the caller's.
    let row: Option<R> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {columns} FROM {table} WHERE id = ?"
    )))
    .bind(id)
    .fetch_optional(&db.read)
    .await
    .map_err(storage)?;
    let row = row.ok_or_else(|| RepoError::NotFound {
        entity,
        id: id.to_owned(),
    })?;
    Ok(T::try_from(row)?)
}

/// Every row of `table` (its `columns`) by name, converted.
pub(crate) async fn list_by_name<R, T>(
    db: &Db,
    columns: &'static str,
    table: &'static str,
) -> Result<Vec<T>, RepoError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
    T: TryFrom<R, Error = switchboard_core::ParseError>,
{
    // `columns` and `table` are constants of the caller's.
    let rows: Vec<R> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {columns} FROM {table} ORDER BY name, id"
    )))
    .fetch_all(&db.read)
    .await
    .map_err(storage)?;
    Ok(rows.into_iter().map(T::try_from).collect::<Result<_, _>>()?)
}

pub(crate) fn storage(error: sqlx::Error) -> RepoError {
    RepoError::Storage(Box::new(error))
}

/// SQLite counts are never negative; anything else is a bug worth a zero rather than a panic.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Adds an entry to a project's activity feed, inside the change's own transaction.
pub(crate) async fn record_activity(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    project: &str,
    actor: &str,
    action: &str,
    summary: &str,
    at: &switchboard_core::time::Timestamp,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO activity (id, project_id, actor, action, summary, occurred_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(format!("act_{}", ids::new_suffix()))
    .bind(project)
    .bind(actor)
    .bind(action)
    .bind(summary)
    .bind(at.to_text())
    .execute(&mut **tx)
    .await
    .map_err(storage)?;
    Ok(())
}
