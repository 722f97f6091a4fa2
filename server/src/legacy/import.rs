//! Imports a legacy folder in one transaction: every file is read once to check it is well-formed
//! JSON of the expected shape (nothing is written if one is not), then read again and written.

use super::batch::{self, BATCH_ROWS, Cell, Table};
use super::known::KnownIds;
use super::report::{FileReport, ImportReport, Issue};
use super::stream::{FileError, check_records, for_each_record};
use serde_json::Value;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use switchboard_core::Currency;
use switchboard_core::legacy::{
    self, LegacyFile, Read, Refusal, fingerprint, record_label, value_fingerprint,
};
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

    // Pass 1: every file must be a JSON array of objects before anything is written.
    let mut counts = HashMap::new();
    for (file, path) in &files {
        let path = path.clone();
        let count = tokio::task::spawn_blocking(move || check_records(&path))
            .await
            .map_err(|_| ImportError::Interrupted)?
            .map_err(ImportError::BadFile)?;
        counts.insert(*file, count);
    }

    // Pass 2: read and check each record on a worker thread while this task writes the batches,
    // all in one transaction.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // A large page cache for the transaction (256 MiB): pages stay in memory instead of spilling
    // to the log mid-way (about 20% faster on big imports).
    sqlx::query("PRAGMA cache_size = -262144")
        .execute(&mut *tx)
        .await?;
    let mut known = KnownIds::load(&mut tx).await?;
    let deferred = defer_indexes(&mut tx).await?;
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
        let reader = tokio::task::spawn_blocking(move || checker.run(&reader_path, now, &sender));
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
        let (checked, known_after) = reader.await.map_err(|_| ImportError::Interrupted)?;
        known = known_after;
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
        report.files.push(file_report);
    }
    for (_, sql) in &deferred {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("PRAGMA cache_size = -2000").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(report)
}

/// Tables the import fills from empty: their secondary indexes are dropped for the load and built
/// again from their own definitions before the commit (building an index once over sorted data is
/// much cheaper than growing it row by row). Returns each index's name and `CREATE INDEX` statement.
async fn defer_indexes(tx: &mut Transaction<'_, Sqlite>) -> Result<Vec<(String, String)>, sqlx::Error> {
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
            deferred.push((name, sql));
        }
    }
    Ok(deferred)
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

/// Reads and checks a file's records on a worker thread: duplicates, refusals, warnings, and the
/// links between records (it owns what is known while it runs).
struct FileChecker {
    file: LegacyFile,
    report: FileReport,
    known: KnownIds,
    /// Key -> fingerprint of records seen in this file.
    seen: HashMap<String, u64>,
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
        }
    }

    fn run(
        mut self,
        path: &Path,
        now: Timestamp,
        sender: &tokio::sync::mpsc::Sender<Batch>,
    ) -> (Result<FileReport, FileError>, KnownIds) {
        let mut chunk = Vec::with_capacity(BATCH_ROWS);
        let result = for_each_record(path, |i, v| {
            chunk.push((i, v));
            if chunk.len() == BATCH_ROWS {
                let batch = self.check(std::mem::take(&mut chunk), now);
                sender
                    .blocking_send(batch)
                    .map_err(|_| "the import stopped".to_owned())?;
            }
            Ok(())
        });
        if result.is_ok() && !chunk.is_empty() {
            let batch = self.check(std::mem::take(&mut chunk), now);
            let _ = sender.blocking_send(batch);
        }
        (result.map(|_| self.report), self.known)
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
    fn refuse_read(&mut self, position: usize, record: &Value, reason: String) {
        let label = record_label(self.file, record);
        if let Some(key) = &label {
            self.seen.remove(key);
        }
        self.refuse(position, label, reason, record);
    }

    /// Checks a record's key against the file's earlier records: `false` means skip it.
    fn first_time(&mut self, position: usize, value: &Value) -> bool {
        let Some(key) = record_label(self.file, value) else {
            return true; // no key: the record's own reading will refuse it
        };
        let print = value_fingerprint(value);
        match self.seen.get(&key) {
            None => {
                self.seen.insert(key, print);
                true
            }
            Some(earlier) if *earlier == print => {
                self.report.duplicates += 1;
                false
            }
            Some(_) => {
                let reason = format!(
                    "'{key}' appears earlier in this file with different content; the first was kept"
                );
                self.refuse(position, Some(key), reason, value);
                false
            }
        }
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
        records: &[(usize, Value)],
        read: impl Fn(&KnownIds, &Value) -> Result<Read<R>, Refusal>,
    ) -> Vec<R> {
        let mut rows = Vec::with_capacity(records.len());
        for (i, v) in records {
            if !self.first_time(*i, v) {
                continue;
            }
            match read(&self.known, v) {
                Ok(r) => {
                    if !r.warnings.is_empty() {
                        let label = record_label(self.file, v).unwrap_or_default();
                        self.note(*i, &label, &r.warnings);
                    }
                    rows.push(r.row);
                }
                Err(Refusal(reason)) => self.refuse_read(*i, v, reason),
            }
        }
        rows
    }

    fn check(&mut self, records: Vec<(usize, Value)>, now: Timestamp) -> Batch {
        let count = records.len();

        let rows = match self.file {
            LegacyFile::Projects => {
                let rows = self.accept(&records, |_, v| legacy::records::read_project(v));
                for r in &rows {
                    let currency = Currency::parse(&r.currency).unwrap_or(Currency::USD);
                    self.known.projects.insert(r.id.clone(), currency);
                }
                Rows::Projects(rows)
            }
            LegacyFile::Workflows => {
                let rows = self.accept(&records, |_, v| legacy::records::read_workflow(v));
                self.known.workflows.extend(rows.iter().map(|r| r.id.clone()));
                Rows::Workflows(rows)
            }
            LegacyFile::Campaigns => {
                let mut rows = Vec::new();
                for (i, v) in &records {
                    if !self.first_time(*i, v) {
                        continue;
                    }
                    match legacy::records::read_campaign(v, &self.known) {
                        Ok(read) => {
                            let r = &read.row;
                            let key = (r.project_id.clone(), r.platform.clone(), r.external_id.clone());
                            if let Some(other) = self.known.campaign_keys.get(&key).filter(|o| **o != r.id) {
                                let reason = format!(
                                    "campaign '{other}' already has {} id '{}' in project '{}'",
                                    r.platform, r.external_id, r.project_id
                                );
                                self.refuse_read(*i, v, reason);
                                continue;
                            }
                            self.known.campaign_keys.insert(key, r.id.clone());
                            if let Ok(p) = r.platform.parse() {
                                let c = Currency::parse(&r.currency).unwrap_or(Currency::USD);
                                self.known.campaigns.insert(r.id.clone(), (p, c));
                            }
                            let id = r.id.clone();
                            self.note(*i, &id, &read.warnings);
                            rows.push(read.row);
                        }
                        Err(Refusal(reason)) => self.refuse_read(*i, v, reason),
                    }
                }
                Rows::Campaigns(rows)
            }
            LegacyFile::Executions => {
                let rows = self.accept(&records, |k, v| legacy::records::read_execution(v, k, now));
                self.known.executions.extend(rows.iter().map(|r| r.id.clone()));
                Rows::Executions(rows)
            }
            LegacyFile::Events => {
                Rows::Events(self.accept(&records, |k, v| legacy::records::read_event(v, k)))
            }
            LegacyFile::Activity => {
                Rows::Activity(self.accept(&records, |k, v| legacy::records::read_activity(v, k)))
            }
            LegacyFile::CampaignMetrics => {
                Rows::Metrics(self.accept(&records, |k, v| legacy::records::read_metric(v, k)))
            }
        };
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
    /// Counts a batch from how many rows the write changed: keys not stored before were inserted,
    /// the rest of the changes were updates.
    fn count(&mut self, accepted: impl Iterator<Item = String>, written: u64) {
        let mut new = 0;
        let mut old = 0;
        for key in accepted {
            if self.existing.contains(&key) {
                old += 1;
            } else {
                new += 1;
            }
        }
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

    async fn write(&mut self, tx: &mut Transaction<'_, Sqlite>, batch: Batch) -> Result<(), sqlx::Error> {
        match batch.rows {
            Rows::Projects(rows) => {
                let written = batch::PROJECTS
                    .upsert_count(tx, &rows.iter().map(project_cells).collect::<Vec<_>>())
                    .await?;
                self.count(rows.into_iter().map(|r| r.id), written);
            }
            Rows::Workflows(rows) => {
                let written = batch::WORKFLOWS
                    .upsert_count(tx, &rows.iter().map(workflow_cells).collect::<Vec<_>>())
                    .await?;
                self.count(rows.into_iter().map(|r| r.id), written);
            }
            Rows::Campaigns(rows) => {
                let written = batch::CAMPAIGNS
                    .upsert_count(tx, &rows.iter().map(campaign_cells).collect::<Vec<_>>())
                    .await?;
                self.count(rows.into_iter().map(|r| r.id), written);
            }
            Rows::Executions(rows) => {
                let executions: Vec<Vec<Cell>> = rows.iter().map(execution_cells).collect();
                let stage_cells: Vec<Vec<Cell>> = rows
                    .iter()
                    .flat_map(|r| r.stages.iter().map(move |s| stage_cells(&r.id, s)))
                    .collect();
                if !rows.iter().any(|r| self.existing.contains(&r.id)) {
                    // All new: nothing to compare, so count instead of naming each written row.
                    batch::EXECUTIONS.upsert_count(tx, &executions).await?;
                    batch::STAGES.upsert_count(tx, &stage_cells).await?;
                    self.report.imported += rows.len();
                    return Ok(());
                }
                // An execution changed when its row or any of its stages did.
                let mut written = upsert(tx, &batch::EXECUTIONS, &executions).await?;
                written.extend(upsert(tx, &batch::STAGES, &stage_cells).await?);
                for r in rows.iter().filter(|r| self.existing.contains(&r.id)) {
                    let removed: Vec<String> = sqlx::query_scalar(
                        "DELETE FROM execution_stages WHERE execution_id = ? AND position >= ? RETURNING execution_id",
                    )
                    .bind(&r.id)
                    .bind(r.stages.len() as i64)
                    .fetch_all(&mut **tx)
                    .await?;
                    written.extend(removed);
                }
                self.classify(rows.into_iter().map(|r| r.id), &written);
            }
            Rows::Events(rows) => {
                let written = batch::EVENTS
                    .upsert_count(tx, &rows.iter().map(event_cells).collect::<Vec<_>>())
                    .await?;
                self.count(rows.into_iter().map(|r| r.id), written);
            }
            Rows::Activity(rows) => {
                let written = batch::ACTIVITY
                    .upsert_count(tx, &rows.iter().map(activity_cells).collect::<Vec<_>>())
                    .await?;
                self.count(rows.into_iter().map(|r| r.id), written);
            }
            Rows::Metrics(rows) => {
                let written = batch::METRICS
                    .upsert_count(tx, &rows.iter().map(metric_cells).collect::<Vec<_>>())
                    .await?;
                self.count(
                    rows.into_iter().map(|r| format!("{}/{}", r.campaign_id, r.date)),
                    written,
                );
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
    rows: &[Vec<Cell<'_>>],
) -> Result<HashSet<String>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(table.upsert(tx, rows).await?.into_iter().collect())
}

use legacy::{
    ActivityRow, CampaignRow, EventRow, ExecutionRow, MetricRow, ProjectRow, StageRow, WorkflowRow,
};

fn project_cells(r: &ProjectRow) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(&r.id),
        Cell::Text(&r.name),
        Cell::OptText(r.client.as_deref()),
        Cell::OptText(r.vertical.as_deref()),
        Cell::OptText(r.description.as_deref()),
        Cell::Text(&r.status),
        Cell::OptInt(r.monthly_budget_micros),
        Cell::Text(&r.currency),
        Cell::Text(&r.platforms),
        Cell::Text(&r.extra),
        Cell::Text(&r.created_at),
        Cell::OptText(r.updated_at.as_deref()),
    ]
}

fn workflow_cells(r: &WorkflowRow) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(&r.id),
        Cell::Text(&r.name),
        Cell::OptText(r.description.as_deref()),
        Cell::Text(&r.trigger),
        Cell::Text(&r.stages),
        Cell::Text(&r.extra),
        Cell::Text(&r.created_at),
        Cell::OptText(r.updated_at.as_deref()),
    ]
}

fn campaign_cells(r: &CampaignRow) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(&r.id),
        Cell::Text(&r.project_id),
        Cell::Text(&r.platform),
        Cell::Text(&r.external_id),
        Cell::Text(&r.name),
        Cell::OptText(r.objective.as_deref()),
        Cell::Text(&r.status),
        Cell::Text(&r.platform_status),
        Cell::OptInt(r.daily_budget_micros),
        Cell::Text(&r.currency),
        Cell::OptText(r.start_date.as_deref()),
        Cell::OptText(r.end_date.as_deref()),
        Cell::Text(&r.extra),
        Cell::Text(&r.created_at),
    ]
}

fn execution_cells(r: &ExecutionRow) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(&r.id),
        Cell::OptText(r.workflow_id.as_deref()),
        Cell::OptText(r.project_id.as_deref()),
        Cell::Text(&r.status),
        Cell::Text(&r.input),
        Cell::OptText(r.result.as_deref()),
        Cell::Text(&r.extra),
        Cell::Text(&r.created_at),
        Cell::OptText(r.started_at.as_deref()),
        Cell::OptText(r.completed_at.as_deref()),
    ]
}

fn stage_cells<'a>(execution_id: &'a str, s: &'a StageRow) -> Vec<Cell<'a>> {
    vec![
        Cell::Text(execution_id),
        Cell::Int(s.position),
        Cell::Text(&s.stage_id),
        Cell::Text(&s.status),
        Cell::Int(s.attempt),
        Cell::OptText(s.started_at.as_deref()),
        Cell::OptText(s.completed_at.as_deref()),
        Cell::OptText(s.output.as_deref()),
        Cell::OptText(s.error.as_deref()),
        Cell::Text(&s.extra),
    ]
}

fn event_cells(r: &EventRow) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(&r.id),
        Cell::OptText(r.execution_id.as_deref()),
        Cell::Text(&r.event_type),
        Cell::Text(&r.occurred_at),
        Cell::Text(&r.data),
        Cell::Text(&r.extra),
    ]
}

fn activity_cells(r: &ActivityRow) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(&r.id),
        Cell::OptText(r.project_id.as_deref()),
        Cell::Text(&r.actor),
        Cell::Text(&r.action),
        Cell::Text(&r.summary),
        Cell::Text(&r.occurred_at),
        Cell::Text(&r.meta),
        Cell::Text(&r.extra),
    ]
}

fn metric_cells(r: &MetricRow) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(&r.campaign_id),
        Cell::Text(&r.date),
        Cell::Text(&r.platform),
        Cell::Text(&r.currency),
        Cell::Int(r.values.spend.get()),
        Cell::Int(i64::try_from(r.values.impressions).unwrap_or(i64::MAX)),
        Cell::Int(i64::try_from(r.values.clicks).unwrap_or(i64::MAX)),
        Cell::Real(r.values.conversions),
        Cell::Int(r.values.conversion_value.get()),
        Cell::Text(&r.raw),
        Cell::Text(&r.extra),
    ]
}
