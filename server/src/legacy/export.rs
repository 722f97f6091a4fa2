//! Writes the database back in the legacy format, one file per kind, each written to a temporary
//! name and renamed into place when complete.

use futures_util::TryStreamExt;
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use switchboard_core::legacy::{
    self, ActivityRow, CampaignRow, EventRow, ExecutionRow, LegacyFile, MetricRow, ProjectRow, StageRow,
    WorkflowRow,
};
use switchboard_core::metrics::MetricValues;
use switchboard_core::money::Micros;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write to '{path}': {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the database")]
    Database(#[from] sqlx::Error),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// File name and number of records written.
    pub files: Vec<(&'static str, usize)>,
    /// Records refused by earlier imports, written to `import-rejects.json` when there are any.
    pub rejects: usize,
}

/// Writes one JSON array, an element at a time.
struct ArrayWriter {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<File>,
    count: usize,
}

impl ArrayWriter {
    fn create(dir: &Path, name: &str) -> Result<Self, ExportError> {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.partial"));
        let io = |source| ExportError::Io {
            path: tmp.clone(),
            source,
        };
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp).map_err(io)?);
        out.write_all(b"[").map_err(io)?;
        Ok(ArrayWriter {
            path,
            tmp,
            out,
            count: 0,
        })
    }

    fn push(&mut self, value: &Value) -> Result<(), ExportError> {
        let io = |source| ExportError::Io {
            path: self.tmp.clone(),
            source,
        };
        self.out
            .write_all(if self.count == 0 { b"\n " } else { b",\n " })
            .map_err(io)?;
        serde_json::to_writer(&mut self.out, value).map_err(|e| io(std::io::Error::other(e)))?;
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<usize, ExportError> {
        let io = |source| ExportError::Io {
            path: self.path.clone(),
            source,
        };
        self.out.write_all(b"\n]\n").map_err(io)?;
        self.out.flush().map_err(io)?;
        std::fs::rename(&self.tmp, &self.path).map_err(io)?;
        Ok(self.count)
    }
}

fn text(row: &SqliteRow, col: &str) -> Result<String, sqlx::Error> {
    row.try_get::<String, _>(col)
}
fn opt_text(row: &SqliteRow, col: &str) -> Result<Option<String>, sqlx::Error> {
    row.try_get::<Option<String>, _>(col)
}

pub async fn export_dir(pool: &SqlitePool, dir: &Path) -> Result<ExportReport, ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.to_owned(),
        source,
    })?;
    // One read transaction: the files agree with each other even while the server writes.
    let mut tx = pool.begin().await?;
    let mut report = ExportReport::default();
    for file in LegacyFile::ALL {
        let mut w = ArrayWriter::create(dir, file.file_name())?;
        match file {
            LegacyFile::Projects => {
                let mut rows = sqlx::query("SELECT * FROM projects ORDER BY created_at, id").fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    let row = ProjectRow {
                        id: text(&r, "id")?,
                        name: text(&r, "name")?,
                        client: opt_text(&r, "client")?,
                        vertical: opt_text(&r, "vertical")?,
                        description: opt_text(&r, "description")?,
                        status: text(&r, "status")?,
                        monthly_budget_micros: r.try_get("monthly_budget_micros")?,
                        currency: text(&r, "currency")?,
                        platforms: text(&r, "platforms")?,
                        extra: text(&r, "extra")?,
                        created_at: text(&r, "created_at")?,
                        updated_at: opt_text(&r, "updated_at")?,
                    };
                    w.push(&legacy::records::write_project(&row))?;
                }
            }
            LegacyFile::Workflows => {
                let mut rows = sqlx::query("SELECT * FROM workflows ORDER BY created_at, id").fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    let row = WorkflowRow {
                        id: text(&r, "id")?,
                        name: text(&r, "name")?,
                        description: opt_text(&r, "description")?,
                        trigger: text(&r, "trigger")?,
                        stages: text(&r, "stages")?,
                        extra: text(&r, "extra")?,
                        created_at: text(&r, "created_at")?,
                        updated_at: opt_text(&r, "updated_at")?,
                    };
                    w.push(&legacy::records::write_workflow(&row))?;
                }
            }
            LegacyFile::Campaigns => {
                let mut rows = sqlx::query("SELECT * FROM campaigns ORDER BY project_id, created_at, id")
                    .fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    let row = CampaignRow {
                        id: text(&r, "id")?,
                        project_id: text(&r, "project_id")?,
                        platform: text(&r, "platform")?,
                        external_id: text(&r, "external_id")?,
                        name: text(&r, "name")?,
                        objective: opt_text(&r, "objective")?,
                        status: text(&r, "status")?,
                        platform_status: text(&r, "platform_status")?,
                        daily_budget_micros: r.try_get("daily_budget_micros")?,
                        currency: text(&r, "currency")?,
                        start_date: opt_text(&r, "start_date")?,
                        end_date: opt_text(&r, "end_date")?,
                        extra: text(&r, "extra")?,
                        created_at: text(&r, "created_at")?,
                        updated_at: opt_text(&r, "updated_at")?,
                    };
                    w.push(&legacy::records::write_campaign(&row))?;
                }
            }
            LegacyFile::Executions => {
                let mut stages: HashMap<String, Vec<StageRow>> = HashMap::new();
                {
                    let mut rows =
                        sqlx::query("SELECT * FROM execution_stages ORDER BY execution_id, position")
                            .fetch(&mut *tx);
                    while let Some(r) = rows.try_next().await? {
                        stages
                            .entry(text(&r, "execution_id")?)
                            .or_default()
                            .push(StageRow {
                                position: r.try_get("position")?,
                                stage_id: text(&r, "stage_id")?,
                                status: text(&r, "status")?,
                                attempt: r.try_get("attempt")?,
                                started_at: opt_text(&r, "started_at")?,
                                completed_at: opt_text(&r, "completed_at")?,
                                output: opt_text(&r, "output")?,
                                error: opt_text(&r, "error")?,
                                extra: text(&r, "extra")?,
                            });
                    }
                }
                let mut rows =
                    sqlx::query("SELECT * FROM executions ORDER BY created_at, id").fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    let id = text(&r, "id")?;
                    let row = ExecutionRow {
                        stages: stages.remove(&id).unwrap_or_default(),
                        id,
                        workflow_id: opt_text(&r, "workflow_id")?,
                        project_id: opt_text(&r, "project_id")?,
                        status: text(&r, "status")?,
                        input: text(&r, "input")?,
                        result: opt_text(&r, "result")?,
                        extra: text(&r, "extra")?,
                        created_at: text(&r, "created_at")?,
                        started_at: opt_text(&r, "started_at")?,
                        completed_at: opt_text(&r, "completed_at")?,
                    };
                    w.push(&legacy::records::write_execution(&row))?;
                }
            }
            LegacyFile::Events => {
                let mut rows = sqlx::query("SELECT * FROM events ORDER BY seq").fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    let row = EventRow {
                        id: text(&r, "id")?,
                        execution_id: opt_text(&r, "execution_id")?,
                        event_type: text(&r, "type")?,
                        occurred_at: text(&r, "occurred_at")?,
                        data: text(&r, "data")?,
                        extra: text(&r, "extra")?,
                    };
                    w.push(&legacy::records::write_event(&row))?;
                }
            }
            LegacyFile::Activity => {
                let mut rows = sqlx::query("SELECT * FROM activity ORDER BY occurred_at, id").fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    let row = ActivityRow {
                        id: text(&r, "id")?,
                        project_id: opt_text(&r, "project_id")?,
                        actor: text(&r, "actor")?,
                        action: text(&r, "action")?,
                        summary: text(&r, "summary")?,
                        occurred_at: text(&r, "occurred_at")?,
                        meta: text(&r, "meta")?,
                        extra: text(&r, "extra")?,
                    };
                    w.push(&legacy::records::write_activity(&row))?;
                }
            }
            LegacyFile::CampaignMetrics => {
                let mut rows = sqlx::query(
                    "SELECT campaign_id, date, platform, currency, raw, extra FROM campaign_daily_metrics \
                     ORDER BY campaign_id, date",
                )
                .fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    let row = MetricRow {
                        campaign_id: text(&r, "campaign_id")?,
                        date: text(&r, "date")?,
                        platform: text(&r, "platform")?,
                        currency: text(&r, "currency")?,
                        // Not written back: the platform's raw record is.
                        values: MetricValues {
                            spend: Micros::ZERO,
                            ..Default::default()
                        },
                        raw: text(&r, "raw")?,
                        extra: text(&r, "extra")?,
                    };
                    w.push(&legacy::records::write_metric(&row))?;
                }
            }
        }
        report.files.push((file.file_name(), w.finish()?));
    }

    let rejects: Vec<(String, i64, Option<String>, String, String)> =
        sqlx::query_as("SELECT file, position, record_id, reason, record FROM import_rejects ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    if !rejects.is_empty() {
        let mut w = ArrayWriter::create(dir, "import-rejects.json")?;
        for (file, position, record_id, reason, record) in &rejects {
            let record: Value = serde_json::from_str(record).unwrap_or(Value::String(record.clone()));
            w.push(&serde_json::json!({
                "file": file, "position": position + 1, "recordId": record_id, "reason": reason, "record": record
            }))?;
        }
        report.rejects = w.finish()?;
    }
    tx.commit().await?;
    Ok(report)
}
