//! Imports a legacy folder in one transaction: every file is read once to check it is well-formed
//! JSON of the expected shape (nothing is written if one is not), then read again and written.

use super::batch::{self, BATCH_ROWS, Cell, Table};
use super::known::KnownIds;
use super::report::{FileReport, ImportReport, Issue};
use super::stream::{FileError, for_each_record};
use serde_json::Value;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
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

    // Pass 1: every file must be a JSON array of objects before anything is written.
    let mut counts = HashMap::new();
    for (file, path) in &files {
        let path = path.clone();
        let count = tokio::task::spawn_blocking(move || for_each_record(&path, |_, _| Ok(())))
            .await
            .map_err(|_| ImportError::Interrupted)?
            .map_err(ImportError::BadFile)?;
        counts.insert(*file, count);
    }

    // Pass 2: write, in one transaction.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut known = KnownIds::load(&mut tx).await?;
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
        let mut importer = FileImporter::new(file, &mut tx, total).await?;
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<(usize, Value)>>(4);
        let reader_path = path.clone();
        let reader = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::with_capacity(BATCH_ROWS);
            let result = for_each_record(&reader_path, |i, v| {
                chunk.push((i, v));
                if chunk.len() == BATCH_ROWS {
                    sender
                        .blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(BATCH_ROWS)))
                        .map_err(|_| "the import stopped".to_owned())?;
                }
                Ok(())
            });
            if !chunk.is_empty() {
                let _ = sender.blocking_send(chunk);
            }
            result
        });
        let mut done = 0;
        let mut last_said = 0;
        while let Some(chunk) = receiver.recv().await {
            done += chunk.len();
            importer.chunk(&mut tx, &mut known, now, chunk).await?;
            if total >= 100_000 && done - last_said >= 100_000 {
                progress(&format!("{}: {done} of {total} records", file.file_name()));
                last_said = done;
            }
        }
        reader
            .await
            .map_err(|_| ImportError::Interrupted)?
            .map_err(ImportError::BadFile)?;
        let file_report = importer.finish(&mut tx, now).await?;
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
    tx.commit().await?;
    Ok(report)
}

/// A refused record, kept whole.
struct Reject {
    position: usize,
    record_id: Option<String>,
    reason: String,
    record: String,
}

struct FileImporter {
    file: LegacyFile,
    report: FileReport,
    /// Keys already in the table before this file.
    existing: HashSet<String>,
    /// Key -> fingerprint of records seen in this file.
    seen: HashMap<String, String>,
    rejects: Vec<Reject>,
}

impl FileImporter {
    async fn new(
        file: LegacyFile,
        tx: &mut Transaction<'_, Sqlite>,
        total: usize,
    ) -> Result<Self, sqlx::Error> {
        let existing_sql = match file {
            LegacyFile::Projects => "SELECT id FROM projects",
            LegacyFile::Workflows => "SELECT id FROM workflows",
            LegacyFile::Campaigns => "SELECT id FROM campaigns",
            LegacyFile::Executions => "SELECT id FROM executions",
            LegacyFile::Events => "SELECT id FROM events",
            LegacyFile::Activity => "SELECT id FROM activity",
            LegacyFile::CampaignMetrics => "SELECT campaign_id || '/' || date FROM campaign_daily_metrics",
        };
        let existing: HashSet<String> = sqlx::query_scalar(existing_sql)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
        Ok(FileImporter {
            file,
            report: FileReport {
                file: file.file_name(),
                present: true,
                records: total,
                ..Default::default()
            },
            existing,
            seen: HashMap::with_capacity(total),
            rejects: Vec::new(),
        })
    }

    fn refuse(&mut self, position: usize, record_id: Option<String>, reason: String, record: &Value) {
        self.report.refused.push(Issue {
            position,
            record_id: record_id.clone(),
            message: reason.clone(),
        });
        self.rejects.push(Reject {
            position,
            record_id,
            reason,
            record: record.to_string(),
        });
    }

    /// Checks a record's key against the file's earlier records: `false` means skip it.
    fn first_time(&mut self, position: usize, value: &Value) -> bool {
        let Some(key) = record_label(self.file, value) else {
            return true; // no key: the record's own reading will refuse it
        };
        let print = fingerprint(&value.to_string());
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

    fn note<R>(&mut self, position: usize, id: &str, read: &Read<R>) {
        for w in &read.warnings {
            self.report.warnings.push(Issue {
                position,
                record_id: Some(id.to_owned()),
                message: w.clone(),
            });
        }
    }

    /// Counts each accepted key as imported, updated or unchanged from the keys the writes returned.
    fn classify(&mut self, accepted: &[String], written: &HashSet<String>) {
        for key in accepted {
            if !written.contains(key) {
                self.report.unchanged += 1;
            } else if self.existing.contains(key) {
                self.report.updated += 1;
            } else {
                self.report.imported += 1;
            }
        }
    }

    async fn chunk(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        known: &mut KnownIds,
        now: Timestamp,
        records: Vec<(usize, Value)>,
    ) -> Result<(), sqlx::Error> {
        let records: Vec<(usize, Value)> = records
            .into_iter()
            .filter(|(i, v)| self.first_time(*i, v))
            .collect();
        match self.file {
            LegacyFile::Projects => {
                let rows = self.accept(&records, |v| legacy::records::read_project(v));
                let cells: Vec<Vec<Cell>> = rows.iter().map(|r| project_cells(r)).collect();
                let written = upsert(tx, &batch::PROJECTS, &cells).await?;
                for r in &rows {
                    known.projects.insert(
                        r.id.clone(),
                        switchboard_core::Currency::parse(&r.currency)
                            .unwrap_or(switchboard_core::Currency::USD),
                    );
                }
                self.classify(&rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), &written);
            }
            LegacyFile::Workflows => {
                let rows = self.accept(&records, |v| legacy::records::read_workflow(v));
                let cells: Vec<Vec<Cell>> = rows.iter().map(|r| workflow_cells(r)).collect();
                let written = upsert(tx, &batch::WORKFLOWS, &cells).await?;
                known.workflows.extend(rows.iter().map(|r| r.id.clone()));
                self.classify(&rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), &written);
            }
            LegacyFile::Campaigns => {
                let mut rows = Vec::new();
                for (i, v) in &records {
                    match legacy::records::read_campaign(v, &*known) {
                        Ok(read) => {
                            let r = &read.row;
                            let key = (r.project_id.clone(), r.platform.clone(), r.external_id.clone());
                            match known.campaign_keys.get(&key) {
                                Some(other) if *other != r.id => {
                                    let reason = format!(
                                        "campaign '{other}' already has {} id '{}' in project '{}'",
                                        r.platform, r.external_id, r.project_id
                                    );
                                    self.refuse(*i, Some(r.id.clone()), reason, v);
                                }
                                _ => {
                                    known.campaign_keys.insert(key, r.id.clone());
                                    if let Ok(p) = r.platform.parse() {
                                        let c = switchboard_core::Currency::parse(&r.currency)
                                            .unwrap_or(switchboard_core::Currency::USD);
                                        known.campaigns.insert(r.id.clone(), (p, c));
                                    }
                                    self.note(*i, &r.id.clone(), &read);
                                    rows.push(read.row);
                                }
                            }
                        }
                        Err(Refusal(reason)) => self.refuse(*i, record_label(self.file, v), reason, v),
                    }
                }
                let cells: Vec<Vec<Cell>> = rows.iter().map(|r| campaign_cells(r)).collect();
                let written = upsert(tx, &batch::CAMPAIGNS, &cells).await?;
                self.classify(&rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), &written);
            }
            LegacyFile::Executions => {
                let rows = self.accept(&records, |v| legacy::records::read_execution(v, &*known, now));
                let cells: Vec<Vec<Cell>> = rows.iter().map(|r| execution_cells(r)).collect();
                let mut written = upsert(tx, &batch::EXECUTIONS, &cells).await?;
                let stage_cells: Vec<Vec<Cell>> = rows
                    .iter()
                    .flat_map(|r| r.stages.iter().map(move |s| stage_cells(&r.id, s)))
                    .collect();
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
                known.executions.extend(rows.iter().map(|r| r.id.clone()));
                self.classify(&rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), &written);
            }
            LegacyFile::Events => {
                let rows = self.accept(&records, |v| legacy::records::read_event(v, &*known));
                let cells: Vec<Vec<Cell>> = rows.iter().map(|r| event_cells(r)).collect();
                let written = upsert(tx, &batch::EVENTS, &cells).await?;
                self.classify(&rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), &written);
            }
            LegacyFile::Activity => {
                let rows = self.accept(&records, |v| legacy::records::read_activity(v, &*known));
                let cells: Vec<Vec<Cell>> = rows.iter().map(|r| activity_cells(r)).collect();
                let written = upsert(tx, &batch::ACTIVITY, &cells).await?;
                self.classify(&rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), &written);
            }
            LegacyFile::CampaignMetrics => {
                let rows = self.accept(&records, |v| legacy::records::read_metric(v, &*known));
                let cells: Vec<Vec<Cell>> = rows.iter().map(|r| metric_cells(r)).collect();
                let written = upsert(tx, &batch::METRICS, &cells).await?;
                let keys: Vec<String> = rows
                    .iter()
                    .map(|r| format!("{}/{}", r.campaign_id, r.date))
                    .collect();
                self.classify(&keys, &written);
            }
        }
        Ok(())
    }

    /// Reads each record, keeping the rows and recording refusals and warnings.
    fn accept<R>(
        &mut self,
        records: &[(usize, Value)],
        read: impl Fn(&Value) -> Result<Read<R>, Refusal>,
    ) -> Vec<R> {
        let mut rows = Vec::with_capacity(records.len());
        for (i, v) in records {
            match read(v) {
                Ok(r) => {
                    let label = record_label(self.file, v).unwrap_or_default();
                    self.note(*i, &label, &r);
                    rows.push(r.row);
                }
                Err(Refusal(reason)) => self.refuse(*i, record_label(self.file, v), reason, v),
            }
        }
        rows
    }

    async fn finish(
        self,
        tx: &mut Transaction<'_, Sqlite>,
        now: Timestamp,
    ) -> Result<FileReport, sqlx::Error> {
        let at = now.to_text();
        for r in &self.rejects {
            sqlx::query(
                "INSERT OR IGNORE INTO import_rejects (file, position, record_id, reason, record, record_hash, imported_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(self.file.file_name())
            .bind(r.position as i64)
            .bind(r.record_id.as_deref())
            .bind(&r.reason)
            .bind(&r.record)
            .bind(fingerprint(&r.record))
            .bind(&at)
            .execute(&mut **tx)
            .await?;
        }
        Ok(self.report)
    }
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
