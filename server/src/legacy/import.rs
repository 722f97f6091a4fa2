//! Imports a legacy folder in one transaction: every file is read once to check it is well-formed
//! JSON of the expected shape (nothing is written if one is not), then read again and written.

use super::batch::{self, BATCH_ROWS, Cell, Table};
use super::known::KnownIds;
use super::report::{FileReport, ImportReport, Issue};
use super::stream::{FileError, as_text, check_records, each_element, read_whole};
use serde_json::Value;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use switchboard_core::Currency;
use switchboard_core::legacy::{self, LegacyFile, Read, Refusal, fingerprint, record_label};
use switchboard_core::time::Timestamp;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("'{0}' is not a folder")]
    NotAFolder(PathBuf),
    #[error("'{0}' holds none of the legacy files (projects.json, campaigns.json, workflows.json, …)")]
    NothingToImport(PathBuf),
    #[error("{0}; nothing was imported")]
    BadFile(FileError),
    #[error("the database refused the import; nothing was imported")]
    Database(#[from] sqlx::Error),
    #[error("the import stopped unexpectedly; nothing was imported")]
    Interrupted,
}

/// Imports every legacy file found in `dir`. `progress` hears about long files as they go.
pub async fn import_dir(
    pool: &SqlitePool,
    dir: &Path,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ImportReport, ImportError> {
    if !dir.is_dir() {
        return Err(ImportError::NotAFolder(dir.to_owned()));
    }
    let files: Vec<(LegacyFile, PathBuf)> = LegacyFile::ALL
        .into_iter()
        .map(|f| (f, dir.join(f.file_name())))
        .filter(|(_, p)| p.is_file())
        .collect();
    if files.is_empty() {
        return Err(ImportError::NothingToImport(dir.to_owned()));
    }

    let started = std::time::Instant::now();
    // Pass 1: every file must be a JSON array of objects before anything is written.
    let to_check = files.clone();
    let (counts, buf) = tokio::task::spawn_blocking(move || check_all(&to_check))
        .await
        .map_err(|_| ImportError::Interrupted)?;
    let counts = counts.map_err(ImportError::BadFile)?;
    tracing::debug!(elapsed = ?started.elapsed(), "import: every file checked");

    // The import's own connection, closed afterwards rather than returned to the pool: it runs
    // without SQLite's foreign-key enforcement, which costs a parent lookup per written row. The
    // checker already refuses a record whose required parent is unknown and keeps an optional
    // dangling link out of its column (see `KnownIds`), and the links are verified before the
    // commit in debug builds (every test run).
    let mut conn = pool.acquire().await?;
    conn.close_on_drop();
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let journal = BulkJournal::enter(&mut conn).await;
    let result = write_files(&mut conn, &files, &counts, buf, progress, started).await;
    journal.leave(&mut conn).await;
    tracing::debug!(elapsed = ?started.elapsed(), "import: done");
    result
}

/// Pass 2: reads and checks each file's records on worker threads while this task writes the
/// batches, all in one transaction.
async fn write_files(
    conn: &mut sqlx::SqliteConnection,
    files: &[(LegacyFile, PathBuf)],
    counts: &HashMap<LegacyFile, usize>,
    mut buf: Vec<u8>,
    progress: &(dyn Fn(&str) + Sync),
    started: std::time::Instant,
) -> Result<ImportReport, ImportError> {
    let mut tx = sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await?;
    // A page cache of up to 512 MiB for the transaction (taken only as pages are used): pages stay
    // in memory instead of being spilled to disk mid-way and written again. A million records
    // make a 260 MB database; at 256 MiB the cache spilled and the import was about 10% slower.
    sqlx::query("PRAGMA cache_size = -524288")
        .execute(&mut *tx)
        .await?;
    let mut known = KnownIds::load(&mut tx).await?;
    let mut deferred = defer_indexes(&mut tx).await?;
    // Indexes of the tables the previous file filled, built while the next file is being read.
    let mut ready: Vec<String> = Vec::new();
    let now = Timestamp::from_datetime(chrono::Utc::now());
    let mut report = ImportReport::default();
    for file in LegacyFile::ALL {
        let Some((_, path)) = files.iter().find(|(f, _)| *f == file) else {
            report.files.push(FileReport {
                file: file.file_name(),
                ..Default::default()
            });
            continue;
        };
        let total = counts.get(&file).copied().unwrap_or(0);
        let existing = existing_keys(&mut tx, file).await?;
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(4);
        let reader_path = path.clone();
        let checker = FileChecker::new(file, total, known);
        let reader = tokio::task::spawn_blocking(move || checker.run(&reader_path, buf, now, &sender));
        for sql in ready.drain(..) {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        let mut writer = FileWriter {
            existing,
            report: FileReport::default(),
        };
        let mut done = 0;
        let mut last_said = 0;
        while let Some(batch) = receiver.recv().await {
            done += batch.records;
            writer.write(&mut tx, batch).await?;
            if total >= 100_000 && done - last_said >= 100_000 {
                progress(&format!("{}: {done} of {total} records", file.file_name()));
                last_said = done;
            }
        }
        let (checked, known_after, returned) = reader.await.map_err(|_| ImportError::Interrupted)?;
        known = known_after;
        buf = returned;
        let mut file_report = checked.map_err(ImportError::BadFile)?;
        file_report.imported = writer.report.imported;
        file_report.updated = writer.report.updated;
        file_report.unchanged = writer.report.unchanged;
        store_rejects(&mut tx, file, &file_report, now).await?;
        progress(&format!(
            "{}: {} records ({} imported, {} updated, {} unchanged, {} refused)",
            file.file_name(),
            file_report.records,
            file_report.imported,
            file_report.updated,
            file_report.unchanged,
            file_report.refused.len()
        ));
        tracing::debug!(elapsed = ?started.elapsed(), file = file.file_name(), "import: file written");
        report.files.push(file_report);
        let table = table_of(file);
        ready.extend(deferred.extract_if(.., |(t, _)| *t == table).map(|(_, sql)| sql));
    }
    // Whatever is left (the last file's indexes, and any of a file that was not there).
    ready.extend(deferred.into_iter().map(|(_, sql)| sql));
    for sql in ready {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    }
    tracing::debug!(elapsed = ?started.elapsed(), "import: indexes built");
    if cfg!(debug_assertions) {
        let broken: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
        assert!(
            broken.is_empty(),
            "the import wrote rows whose parent does not exist: {broken:?}"
        );
    }
    sqlx::query("PRAGMA cache_size = -2000").execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::debug!(elapsed = ?started.elapsed(), "import: committed");
    Ok(report)
}

/// While nothing else has the database open, the import writes its pages straight into the
/// database file under a rollback journal instead of through the WAL: the WAL would hold every
/// page once and then copy it into the file again at the checkpoint. New pages need no journal,
/// so a large first import writes about half as much. The database is put back in WAL mode after
/// the commit (and every new connection asks for WAL anyway, so an import that dies half-way
/// leaves a database that the next start recovers from the journal and puts back in WAL).
struct BulkJournal {
    switched: bool,
}

impl BulkJournal {
    async fn enter(conn: &mut sqlx::SqliteConnection) -> Self {
        let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
            .fetch_one(&mut *conn)
            .await;
        let switched = matches!(&mode, Ok(m) if m.eq_ignore_ascii_case("delete"));
        if !switched {
            tracing::debug!(
                ?mode,
                "import: the database is in use elsewhere; writing through the WAL"
            );
        }
        BulkJournal { switched }
    }

    async fn leave(self, conn: &mut sqlx::SqliteConnection) {
        if self.switched {
            let back = sqlx::query_scalar::<_, String>("PRAGMA journal_mode = WAL")
                .fetch_one(&mut *conn)
                .await;
            if !matches!(&back, Ok(m) if m.eq_ignore_ascii_case("wal")) {
                tracing::warn!(
                    ?back,
                    "import: could not put the database back in WAL mode; the next connection will"
                );
            }
        }
    }
}

/// Checks that every file is a JSON array of objects, on two threads (largest files first), and
/// counts its records. On failure, names the first bad file in import order. Also returns a read
/// buffer as large as the largest file, for the second pass.
fn check_all(files: &[(LegacyFile, PathBuf)]) -> (Result<HashMap<LegacyFile, usize>, FileError>, Vec<u8>) {
    let mut queue: Vec<(LegacyFile, &Path, u64)> = files
        .iter()
        .map(|(f, p)| {
            (
                *f,
                p.as_path(),
                std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            )
        })
        .collect();
    queue.sort_by_key(|(_, _, size)| std::cmp::Reverse(*size));
    let queue = std::sync::Mutex::new(queue.into_iter());
    let worker = || {
        let mut buf = Vec::new();
        let mut results = Vec::new();
        loop {
            let next = queue.lock().ok().and_then(|mut q| q.next());
            let Some((file, path, _)) = next else { break };
            results.push((file, check_records(path, &mut buf)));
        }
        (results, buf)
    };
    let ((mut results, first_buf), (others, second_buf)) = std::thread::scope(|scope| {
        let other = scope.spawn(worker);
        let mine = worker();
        (mine, other.join().unwrap_or_else(|_| (Vec::new(), Vec::new())))
    });
    results.extend(others);
    results.sort_by_key(|(file, _)| LegacyFile::ALL.iter().position(|f| f == file));
    let buf = if first_buf.capacity() >= second_buf.capacity() {
        first_buf
    } else {
        second_buf
    };
    if results.len() < files.len() {
        let file = files.first().map(|(f, _)| f.file_name()).unwrap_or_default();
        let error = FileError {
            file: file.to_owned(),
            position: "whole file".to_owned(),
            reason: "the check stopped unexpectedly".to_owned(),
        };
        return (Err(error), buf);
    }
    let counts = results
        .into_iter()
        .map(|(file, count)| count.map(|n| (file, n)))
        .collect();
    (counts, buf)
}

/// Tables the import fills from empty: their secondary indexes are dropped for the load and built
/// again from their own definitions before the commit (building an index once over sorted data is
/// much cheaper than growing it row by row). Returns each index's table and `CREATE INDEX` statement.
/// Each file's indexes are built while the next file is being read.
async fn defer_indexes(tx: &mut Transaction<'_, Sqlite>) -> Result<Vec<(&'static str, String)>, sqlx::Error> {
    const TABLES: [&str; 6] = [
        "campaigns",
        "executions",
        "events",
        "activity",
        "campaign_daily_metrics",
        "workflows",
    ];
    let mut deferred = Vec::new();
    for table in TABLES {
        let rows: Option<i64> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT 1 FROM {table} LIMIT 1")))
                .fetch_optional(&mut **tx)
                .await?;
        if rows.is_some() {
            continue;
        }
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        )
        .bind(table)
        .fetch_all(&mut **tx)
        .await?;
        for (name, sql) in indexes {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
                .execute(&mut **tx)
                .await?;
            deferred.push((table, sql));
        }
    }
    Ok(deferred)
}

/// The table a file's records go to.
fn table_of(file: LegacyFile) -> &'static str {
    match file {
        LegacyFile::Projects => "projects",
        LegacyFile::Workflows => "workflows",
        LegacyFile::Campaigns => "campaigns",
        LegacyFile::Executions => "executions",
        LegacyFile::Events => "events",
        LegacyFile::Activity => "activity",
        LegacyFile::CampaignMetrics => "campaign_daily_metrics",
    }
}

/// The query naming every stored record of a file's kind by its key (`campaignId/date` for metrics).
fn key_query(file: LegacyFile) -> &'static str {
    match file {
        LegacyFile::Projects => "SELECT id FROM projects",
        LegacyFile::Workflows => "SELECT id FROM workflows",
        LegacyFile::Campaigns => "SELECT id FROM campaigns",
        LegacyFile::Executions => "SELECT id FROM executions",
        LegacyFile::Events => "SELECT id FROM events",
        LegacyFile::Activity => "SELECT id FROM activity",
        LegacyFile::CampaignMetrics => "SELECT campaign_id || '/' || date FROM campaign_daily_metrics",
    }
}

async fn existing_keys(
    tx: &mut Transaction<'_, Sqlite>,
    file: LegacyFile,
) -> Result<HashSet<String>, sqlx::Error> {
    Ok(sqlx::query_scalar(key_query(file))
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect())
}

/// Rows of one kind, checked and ready to write.
enum Rows {
    Projects(Vec<ProjectRow>),
    Workflows(Vec<WorkflowRow>),
    Campaigns(Vec<CampaignRow>),
    Executions(Vec<ExecutionRow>),
    Events(Vec<EventRow>),
    Activity(Vec<ActivityRow>),
    Metrics(Vec<MetricRow>),
}

struct Batch {
    /// How many records of the file this batch covers (accepted or not).
    records: usize,
    rows: Rows,
}

/// A record as the parsing stage hands it to the checking stage.
struct Parsed {
    index: usize,
    value: Value,
    /// Where the record's text lies in the file.
    text: Range<usize>,
    /// A hash of that text.
    hash: u128,
    /// The key the record is known by (`None` when it has none; its reading will refuse it).
    label: Option<String>,
}

/// The first record seen under a key.
struct Seen {
    hash: u128,
    text: Range<usize>,
}

/// Reads and checks a file's records on a worker thread: duplicates, refusals, warnings, and the
/// links between records (it owns what is known while it runs).
struct FileChecker {
    file: LegacyFile,
    report: FileReport,
    known: KnownIds,
    /// The first record of each key in this file.
    seen: HashMap<String, Seen>,
    /// Checked records, handed back to the parsing thread to free: freeing a few thousand JSON
    /// trees is a fifth of the checking, and memory is freed fastest by the thread that allocated it.
    spent: Vec<Vec<Parsed>>,
}

impl FileChecker {
    fn new(file: LegacyFile, total: usize, known: KnownIds) -> Self {
        FileChecker {
            file,
            report: FileReport {
                file: file.file_name(),
                present: true,
                records: total,
                ..Default::default()
            },
            known,
            seen: HashMap::with_capacity(total),
            spent: Vec::new(),
        }
    }

    /// Returns the report, what is known after the file, and the read buffer for the next file.
    fn run(
        mut self,
        path: &Path,
        mut buf: Vec<u8>,
        now: Timestamp,
        sender: &tokio::sync::mpsc::Sender<Batch>,
    ) -> (Result<FileReport, FileError>, KnownIds, Vec<u8>) {
        let name = match read_whole(path, &mut buf) {
            Ok(name) => name,
            Err(e) => return (Err(e), self.known, buf),
        };
        let bytes = match as_text(&name, &buf) {
            Ok(text) => text,
            Err(e) => return (Err(e), self.known, buf),
        };
        let file = self.file;
        // Two stages on two threads: this one parses the JSON into records, the other checks
        // them (in file order, so "the first was kept" still holds) and hands batches to the writer.
        let (chunks, checking) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(2);
        let (give_back, spent) = std::sync::mpsc::channel::<Vec<Parsed>>();
        let checker = &mut self;
        let result = std::thread::scope(|scope| {
            scope.spawn(move || {
                for chunk in checking {
                    let batch = checker.check(chunk, bytes, now);
                    for done in checker.spent.drain(..) {
                        let _ = give_back.send(done);
                    }
                    if sender.blocking_send(batch).is_err() {
                        return; // the writer stopped; the parser learns it from the channel
                    }
                }
            });
            let mut chunk = Vec::with_capacity(BATCH_ROWS);
            let result = each_element(&name, bytes, |e| {
                if chunk.is_empty() {
                    spent.try_iter().for_each(drop);
                }
                chunk.push(Parsed {
                    index: e.index,
                    hash: xxhash_rust::xxh3::xxh3_128(
                        bytes.as_bytes().get(e.text.clone()).unwrap_or_default(),
                    ),
                    label: record_label(file, &e.value),
                    value: e.value,
                    text: e.text,
                });
                if chunk.len() == BATCH_ROWS {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(BATCH_ROWS));
                    chunks.send(full).map_err(|_| "the import stopped".to_owned())?;
                }
                Ok(())
            });
            if result.is_ok() && !chunk.is_empty() {
                let _ = chunks.send(chunk);
            }
            drop(chunks);
            result
        });
        (result.map(|_| self.report), self.known, buf)
    }

    fn refuse(&mut self, position: usize, record_id: Option<String>, reason: String, record: &Value) {
        self.report.refused.push(Issue {
            position,
            record_id,
            message: reason,
            record: Some(record.to_string()),
        });
    }

    /// Refuses a record that could not be read. Nothing was kept under its key, so a later record
    /// with the same key may still import.
    fn refuse_read(&mut self, record: &Parsed, reason: String) {
        if let Some(key) = &record.label {
            self.seen.remove(key);
        }
        self.refuse(record.index, record.label.clone(), reason, &record.value);
    }

    /// Checks a record's key against the file's earlier records: `false` means skip it (a
    /// duplicate, or a different record under a key already taken, which is refused).
    fn first_time(&mut self, record: &Parsed, bytes: &str) -> bool {
        let Some(key) = &record.label else {
            return true; // no key: the record's own reading will refuse it
        };
        let same = match self.seen.get(key) {
            None => {
                let first = Seen {
                    hash: record.hash,
                    text: record.text.clone(),
                };
                self.seen.insert(key.clone(), first);
                return true;
            }
            Some(first) if first.hash == record.hash && first.text.len() == record.text.len() => true,
            // Written differently: the same record only if the values are equal (keys in another
            // order, other spacing). Rare, so the first is parsed again rather than kept.
            Some(first) => bytes
                .get(first.text.clone())
                .and_then(|text| serde_json::from_str::<Value>(text).ok())
                .is_some_and(|v| v == record.value),
        };
        if same {
            self.report.duplicates += 1;
        } else {
            let reason =
                format!("'{key}' appears earlier in this file with different content; the first was kept");
            self.refuse(record.index, Some(key.clone()), reason, &record.value);
        }
        false
    }

    fn note(&mut self, position: usize, id: &str, warnings: &[String]) {
        for w in warnings {
            self.report.warnings.push(Issue {
                position,
                record_id: Some(id.to_owned()),
                message: w.clone(),
                record: None,
            });
        }
    }

    /// Reads each record, keeping the rows and recording refusals and warnings.
    fn accept<R>(
        &mut self,
        records: &[Parsed],
        bytes: &str,
        read: impl Fn(&KnownIds, &Value) -> Result<Read<R>, Refusal>,
    ) -> Vec<R> {
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            if !self.first_time(record, bytes) {
                continue;
            }
            match read(&self.known, &record.value) {
                Ok(r) => {
                    if !r.warnings.is_empty() {
                        let label = record.label.clone().unwrap_or_default();
                        self.note(record.index, &label, &r.warnings);
                    }
                    rows.push(r.row);
                }
                Err(Refusal(reason)) => self.refuse_read(record, reason),
            }
        }
        rows
    }

    fn check(&mut self, records: Vec<Parsed>, bytes: &str, now: Timestamp) -> Batch {
        let count = records.len();

        let rows = match self.file {
            LegacyFile::Projects => {
                let rows = self.accept(&records, bytes, |_, v| legacy::records::read_project(v));
                for r in &rows {
                    let currency = Currency::parse(&r.currency).unwrap_or(Currency::USD);
                    self.known.projects.insert(r.id.clone(), currency);
                }
                Rows::Projects(rows)
            }
            LegacyFile::Workflows => {
                let rows = self.accept(&records, bytes, |_, v| legacy::records::read_workflow(v));
                self.known.workflows.extend(rows.iter().map(|r| r.id.clone()));
                Rows::Workflows(rows)
            }
            LegacyFile::Campaigns => {
                let mut rows = Vec::new();
                for record in &records {
                    if !self.first_time(record, bytes) {
                        continue;
                    }
                    match legacy::records::read_campaign(&record.value, &self.known) {
                        Ok(read) => {
                            let r = &read.row;
                            let key = (r.project_id.clone(), r.platform.clone(), r.external_id.clone());
                            if let Some(other) = self.known.campaign_keys.get(&key).filter(|o| **o != r.id) {
                                let reason = format!(
                                    "campaign '{other}' already has {} id '{}' in project '{}'",
                                    r.platform, r.external_id, r.project_id
                                );
                                self.refuse_read(record, reason);
                                continue;
                            }
                            self.known.campaign_keys.insert(key, r.id.clone());
                            if let Ok(p) = r.platform.parse() {
                                let c = Currency::parse(&r.currency).unwrap_or(Currency::USD);
                                self.known.campaigns.insert(r.id.clone(), (p, c));
                            }
                            let id = r.id.clone();
                            self.note(record.index, &id, &read.warnings);
                            rows.push(read.row);
                        }
                        Err(Refusal(reason)) => self.refuse_read(record, reason),
                    }
                }
                Rows::Campaigns(rows)
            }
            LegacyFile::Executions => {
                let rows = self.accept(&records, bytes, |k, v| legacy::records::read_execution(v, k, now));
                self.known.executions.extend(rows.iter().map(|r| r.id.clone()));
                Rows::Executions(rows)
            }
            LegacyFile::Events => {
                Rows::Events(self.accept(&records, bytes, |k, v| legacy::records::read_event(v, k)))
            }
            LegacyFile::Activity => {
                Rows::Activity(self.accept(&records, bytes, |k, v| legacy::records::read_activity(v, k)))
            }
            LegacyFile::CampaignMetrics => {
                Rows::Metrics(self.accept(&records, bytes, |k, v| legacy::records::read_metric(v, k)))
            }
        };
        self.spent.push(records);
        Batch { records: count, rows }
    }
}

/// Writes checked batches and counts what changed.
struct FileWriter {
    /// Keys already in the table before this file.
    existing: HashSet<String>,
    report: FileReport,
}

impl FileWriter {
    /// How many of a batch's keys are new to the table and how many were stored before.
    fn split<'k>(&self, keys: impl Iterator<Item = &'k str>) -> (usize, usize) {
        keys.fold((0, 0), |(new, old), key| {
            if self.existing.contains(key) {
                (new, old + 1)
            } else {
                (new + 1, old)
            }
        })
    }

    /// Counts a batch from how many rows the write changed: keys not stored before were inserted,
    /// the rest of the changes were updates.
    fn count(&mut self, (new, old): (usize, usize), written: u64) {
        let updated = usize::try_from(written)
            .unwrap_or(usize::MAX)
            .saturating_sub(new)
            .min(old);
        self.report.imported += new;
        self.report.updated += updated;
        self.report.unchanged += old - updated;
    }

    /// Counts each accepted key as imported, updated or unchanged from the keys the writes returned.
    fn classify(&mut self, accepted: impl Iterator<Item = String>, written: &HashSet<String>) {
        for key in accepted {
            if !written.contains(&key) {
                self.report.unchanged += 1;
            } else if self.existing.contains(&key) {
                self.report.updated += 1;
            } else {
                self.report.imported += 1;
            }
        }
    }

    /// Writes one batch, moving its rows into the statements.
    async fn write(&mut self, tx: &mut Transaction<'_, Sqlite>, batch: Batch) -> Result<(), sqlx::Error> {
        match batch.rows {
            Rows::Projects(rows) => {
                let split = self.split(rows.iter().map(|r| r.id.as_str()));
                let cells = rows.into_iter().map(project_cells).collect();
                let written = batch::PROJECTS.upsert_count(tx, cells).await?;
                self.count(split, written);
            }
            Rows::Workflows(rows) => {
                let split = self.split(rows.iter().map(|r| r.id.as_str()));
                let cells = rows.into_iter().map(workflow_cells).collect();
                let written = batch::WORKFLOWS.upsert_count(tx, cells).await?;
                self.count(split, written);
            }
            Rows::Campaigns(rows) => {
                let split = self.split(rows.iter().map(|r| r.id.as_str()));
                let cells = rows.into_iter().map(campaign_cells).collect();
                let written = batch::CAMPAIGNS.upsert_count(tx, cells).await?;
                self.count(split, written);
            }
            Rows::Executions(rows) => {
                let all_new = !rows.iter().any(|r| self.existing.contains(&r.id));
                // Existing executions whose stored stages run past their new list, and every id.
                let shrunk: Vec<(String, i64)> = rows
                    .iter()
                    .filter(|r| self.existing.contains(&r.id))
                    .map(|r| (r.id.clone(), r.stages.len() as i64))
                    .collect();
                let ids: Vec<String> = if all_new {
                    Vec::new()
                } else {
                    rows.iter().map(|r| r.id.clone()).collect()
                };
                let count = rows.len();
                let mut executions = Vec::with_capacity(count);
                let mut stages = Vec::new();
                for mut r in rows {
                    let row_stages = std::mem::take(&mut r.stages);
                    stages.extend(row_stages.into_iter().map(|s| stage_cells(r.id.clone(), s)));
                    executions.push(execution_cells(r));
                }
                if all_new {
                    // All new: nothing to compare, so count instead of naming each written row.
                    batch::EXECUTIONS.upsert_count(tx, executions).await?;
                    batch::STAGES.upsert_count(tx, stages).await?;
                    self.report.imported += count;
                    return Ok(());
                }
                // An execution changed when its row or any of its stages did.
                let mut written = upsert(tx, &batch::EXECUTIONS, executions).await?;
                written.extend(upsert(tx, &batch::STAGES, stages).await?);
                for (id, stage_count) in shrunk {
                    let removed: Vec<String> = sqlx::query_scalar(
                        "DELETE FROM execution_stages WHERE execution_id = ? AND position >= ? RETURNING execution_id",
                    )
                    .bind(id)
                    .bind(stage_count)
                    .fetch_all(&mut **tx)
                    .await?;
                    written.extend(removed);
                }
                self.classify(ids.into_iter(), &written);
            }
            Rows::Events(rows) => {
                let split = self.split(rows.iter().map(|r| r.id.as_str()));
                let cells = rows.into_iter().map(event_cells).collect();
                let written = batch::EVENTS.upsert_count(tx, cells).await?;
                self.count(split, written);
            }
            Rows::Activity(rows) => {
                let split = self.split(rows.iter().map(|r| r.id.as_str()));
                let cells = rows.into_iter().map(activity_cells).collect();
                let written = batch::ACTIVITY.upsert_count(tx, cells).await?;
                self.count(split, written);
            }
            Rows::Metrics(rows) => {
                let split = if self.existing.is_empty() {
                    (rows.len(), 0)
                } else {
                    let keys: Vec<String> = rows
                        .iter()
                        .map(|r| format!("{}/{}", r.campaign_id, r.date))
                        .collect();
                    self.split(keys.iter().map(String::as_str))
                };
                let cells = rows.into_iter().map(metric_cells).collect();
                let written = batch::METRICS.upsert_count(tx, cells).await?;
                self.count(split, written);
            }
        }
        Ok(())
    }
}

/// Keeps every refused record whole, with its reason (once, however often the folder is imported).
async fn store_rejects(
    tx: &mut Transaction<'_, Sqlite>,
    file: LegacyFile,
    report: &FileReport,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    // Records refused by an earlier import that are now in the database are no longer rejects.
    let key = key_query(file);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM import_rejects WHERE file = ? AND record_id IN ({key})"
    )))
    .bind(file.file_name())
    .execute(&mut **tx)
    .await?;
    let at = now.to_text();
    for issue in &report.refused {
        let record = issue.record.as_deref().unwrap_or("null");
        sqlx::query(
            "INSERT OR IGNORE INTO import_rejects (file, position, record_id, reason, record, record_hash, imported_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(file.file_name())
        .bind(issue.position as i64)
        .bind(issue.record_id.as_deref())
        .bind(&issue.message)
        .bind(record)
        .bind(fingerprint(record))
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn upsert(
    tx: &mut Transaction<'_, Sqlite>,
    table: &Table,
    rows: Vec<Vec<Cell>>,
) -> Result<HashSet<String>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(table.upsert(tx, rows).await?.into_iter().collect())
}

use legacy::{
    ActivityRow, CampaignRow, EventRow, ExecutionRow, MetricRow, ProjectRow, StageRow, WorkflowRow,
};

fn project_cells(r: ProjectRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.id),
        Cell::Text(r.name),
        Cell::OptText(r.client),
        Cell::OptText(r.vertical),
        Cell::OptText(r.description),
        Cell::Text(r.status),
        Cell::OptInt(r.monthly_budget_micros),
        Cell::Text(r.currency),
        Cell::Text(r.platforms),
        Cell::Text(r.extra),
        Cell::Text(r.created_at),
        Cell::OptText(r.updated_at),
    ]
}

fn workflow_cells(r: WorkflowRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.id),
        Cell::Text(r.name),
        Cell::OptText(r.description),
        Cell::Text(r.trigger),
        Cell::Text(r.stages),
        Cell::Text(r.extra),
        Cell::Text(r.created_at),
        Cell::OptText(r.updated_at),
    ]
}

fn campaign_cells(r: CampaignRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.id),
        Cell::Text(r.project_id),
        Cell::Text(r.platform),
        Cell::Text(r.external_id),
        Cell::Text(r.name),
        Cell::OptText(r.objective),
        Cell::Text(r.status),
        Cell::Text(r.platform_status),
        Cell::OptInt(r.daily_budget_micros),
        Cell::Text(r.currency),
        Cell::OptText(r.start_date),
        Cell::OptText(r.end_date),
        Cell::Text(r.extra),
        Cell::Text(r.created_at),
    ]
}

fn execution_cells(r: ExecutionRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.id),
        Cell::OptText(r.workflow_id),
        Cell::OptText(r.project_id),
        Cell::Text(r.status),
        Cell::Text(r.input),
        Cell::OptText(r.result),
        Cell::Text(r.extra),
        Cell::Text(r.created_at),
        Cell::OptText(r.started_at),
        Cell::OptText(r.completed_at),
    ]
}

fn stage_cells(execution_id: String, s: StageRow) -> Vec<Cell> {
    vec![
        Cell::Text(execution_id),
        Cell::Int(s.position),
        Cell::Text(s.stage_id),
        Cell::Text(s.status),
        Cell::Int(s.attempt),
        Cell::OptText(s.started_at),
        Cell::OptText(s.completed_at),
        Cell::OptText(s.output),
        Cell::OptText(s.error),
        Cell::Text(s.extra),
    ]
}

fn event_cells(r: EventRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.id),
        Cell::OptText(r.execution_id),
        Cell::Text(r.event_type),
        Cell::Text(r.occurred_at),
        Cell::Text(r.data),
        Cell::Text(r.extra),
    ]
}

fn activity_cells(r: ActivityRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.id),
        Cell::OptText(r.project_id),
        Cell::Text(r.actor),
        Cell::Text(r.action),
        Cell::Text(r.summary),
        Cell::Text(r.occurred_at),
        Cell::Text(r.meta),
        Cell::Text(r.extra),
    ]
}

fn metric_cells(r: MetricRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.campaign_id),
        Cell::Text(r.date),
        Cell::Text(r.platform),
        Cell::Text(r.currency),
        Cell::Int(r.values.spend.get()),
        Cell::Int(i64::try_from(r.values.impressions).unwrap_or(i64::MAX)),
        Cell::Int(i64::try_from(r.values.clicks).unwrap_or(i64::MAX)),
        Cell::Real(r.values.conversions),
        Cell::Int(r.values.conversion_value.get()),
        Cell::Text(r.raw),
        Cell::Text(r.extra),
    ]
}
