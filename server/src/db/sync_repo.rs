//! The sync's storage: its runs, where each connection stands, its settings, and the writes of
//! synced campaigns and campaign-days (only rows that differ from what is stored are written).

use super::upsert::{Cell, Table};
use super::{Db, count, storage};
use sqlx::Row;
use std::collections::HashMap;
use switchboard_core::connection::Connection;
use switchboard_core::sync::native::{DayRow, ListedCampaign};
use switchboard_core::sync::{ConnectionSync, MAX_PROBLEMS, SyncRun, SyncState, SyncTrigger};
use switchboard_core::time::{Timestamp, date_text, parse_date};
use switchboard_core::{CampaignId, ConnectionId, Platform, ProjectId, RepoError};

pub const SCHEDULE_KEY: &str = "sync_schedule";
pub const SCHEDULED_AT_KEY: &str = "sync_scheduled_at";

/// Synced campaigns, matched on the platform's id within the project. The id and creation time
/// stay those of the first write; `extra` (kept from a legacy import) is never touched.
const CAMPAIGNS: Table = Table {
    name: "campaigns",
    columns: &[
        "id",
        "project_id",
        "connection_id",
        "platform",
        "external_id",
        "name",
        "objective",
        "status",
        "platform_status",
        "daily_budget_micros",
        "currency",
        "time_zone",
        "start_date",
        "end_date",
        "created_at",
    ],
    key: &["platform", "external_id", "project_id"],
    keep_on_update: &["id", "created_at"],
    returning: "id",
};

/// Synced campaign-days; `extra` is left as it is.
const DAYS: Table = Table {
    name: "campaign_daily_metrics",
    columns: &[
        "campaign_id",
        "date",
        "platform",
        "currency",
        "spend_micros",
        "impressions",
        "clicks",
        "conversions",
        "conversion_value_micros",
        "raw",
    ],
    key: &["campaign_id", "date"],
    keep_on_update: &[],
    returning: "campaign_id",
};

pub struct SqliteSyncRepo {
    db: Db,
}

impl SqliteSyncRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, RepoError> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.db.read)
            .await
            .map_err(storage)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), RepoError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(())
    }

    /// Claims a scheduled fire: stores `now` as the last one if it still is `previous`. Two
    /// servers on one database, or a restart mid-tick, never run it twice.
    pub async fn claim_fire(&self, previous: Option<&str>, now: &str) -> Result<bool, RepoError> {
        let done = match previous {
            Some(previous) => {
                sqlx::query("UPDATE settings SET value = ? WHERE key = ? AND value = ?")
                    .bind(now)
                    .bind(SCHEDULED_AT_KEY)
                    .bind(previous)
                    .execute(&self.db.write)
                    .await
            }
            None => {
                sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
                    .bind(SCHEDULED_AT_KEY)
                    .bind(now)
                    .execute(&self.db.write)
                    .await
            }
        };
        Ok(done.map_err(storage)?.rows_affected() == 1)
    }

    /// Records a new run, unless one is running: then answers that run's id as the error.
    pub async fn begin_run(
        &self,
        trigger: SyncTrigger,
        connections: usize,
    ) -> Result<Result<i64, i64>, RepoError> {
        let mut tx = self.db.begin_write().await?;
        let running: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sync_runs WHERE state = 'running' LIMIT 1")
                .fetch_optional(&mut *tx)
                .await
                .map_err(storage)?;
        if let Some(id) = running {
            return Ok(Err(id));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sync_runs (trigger, state, started_at, connections_total) VALUES (?, 'running', ?, ?) RETURNING id",
        )
        .bind(trigger.as_str())
        .bind(now_text())
        .bind(i64::try_from(connections).unwrap_or(i64::MAX))
        .fetch_one(&mut *tx)
        .await
        .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(Ok(id))
    }

    /// Stores how far a run has come.
    pub async fn progress(
        &self,
        run: i64,
        done: usize,
        campaigns: u64,
        rows: u64,
        problems: &[String],
    ) -> Result<(), RepoError> {
        sqlx::query(
            "UPDATE sync_runs SET connections_done = ?, campaigns_written = ?, rows_written = ?, problems = ? WHERE id = ?",
        )
        .bind(i64::try_from(done).unwrap_or(i64::MAX))
        .bind(i64::try_from(campaigns).unwrap_or(i64::MAX))
        .bind(i64::try_from(rows).unwrap_or(i64::MAX))
        .bind(problems_text(problems))
        .bind(run)
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(())
    }

    pub async fn finish(&self, run: i64, state: SyncState) -> Result<(), RepoError> {
        sqlx::query("UPDATE sync_runs SET state = ?, finished_at = ? WHERE id = ?")
            .bind(state.as_str())
            .bind(now_text())
            .bind(run)
            .execute(&self.db.write)
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Runs left `running` by a server that stopped are marked failed; their connections resume
    /// from what they last finished on the next run.
    pub async fn abandon_running(&self) -> Result<u64, RepoError> {
        let problems = problems_text(&["The server stopped during this sync.".to_owned()]);
        let done = sqlx::query(
            "UPDATE sync_runs SET state = 'failed', finished_at = ?, problems = ? WHERE state = 'running'",
        )
        .bind(now_text())
        .bind(problems)
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(done.rows_affected())
    }

    pub async fn synced_through(
        &self,
        connection: &ConnectionId,
    ) -> Result<Option<chrono::NaiveDate>, RepoError> {
        let text: Option<Option<String>> =
            sqlx::query_scalar("SELECT synced_through FROM sync_connections WHERE connection_id = ?")
                .bind(connection.as_str())
                .fetch_optional(&self.db.read)
                .await
                .map_err(storage)?;
        Ok(text.flatten().and_then(|t| parse_date(&t).ok()))
    }

    /// Records an attempt: on success the last day now synced, on failure the error.
    pub async fn record_attempt(
        &self,
        connection: &ConnectionId,
        outcome: Result<chrono::NaiveDate, &str>,
    ) -> Result<(), RepoError> {
        let now = now_text();
        let query = match outcome {
            Ok(through) => sqlx::query(
                "INSERT INTO sync_connections (connection_id, synced_through, last_attempt_at, last_success_at, last_error) \
                 VALUES (?1, ?2, ?3, ?3, NULL) ON CONFLICT (connection_id) DO UPDATE SET \
                 synced_through = excluded.synced_through, last_attempt_at = excluded.last_attempt_at, \
                 last_success_at = excluded.last_success_at, last_error = NULL",
            )
            .bind(connection.as_str())
            .bind(date_text(through))
            .bind(now),
            Err(error) => sqlx::query(
                "INSERT INTO sync_connections (connection_id, last_attempt_at, last_error) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (connection_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, \
                 last_error = excluded.last_error",
            )
            .bind(connection.as_str())
            .bind(now)
            .bind(error.to_owned()),
        };
        query.execute(&self.db.write).await.map_err(storage)?;
        Ok(())
    }

    /// Writes a connection's campaigns; answers how many were new or changed, and every campaign
    /// of the connection's project and platform by its platform id.
    pub async fn write_campaigns(
        &self,
        connection: &Connection,
        campaigns: &[ListedCampaign],
    ) -> Result<(u64, HashMap<String, CampaignId>), RepoError> {
        let now = now_text();
        let rows = campaigns
            .iter()
            .map(|c| -> Result<Vec<Cell>, RepoError> {
                Ok(vec![
                    Cell::Text(CampaignId::from_suffix(&super::ids::new_suffix())?.to_string()),
                    Cell::Text(connection.project_id.to_string()),
                    Cell::Text(connection.id.to_string()),
                    Cell::Text(connection.platform.as_str().to_owned()),
                    Cell::Text(c.external_id.clone()),
                    Cell::Text(c.name.clone()),
                    Cell::OptText(c.objective.clone()),
                    Cell::Text(c.status.as_str().to_owned()),
                    Cell::Text(c.platform_status.clone()),
                    Cell::OptInt(c.daily_budget_micros),
                    Cell::Text(connection.currency.as_str().to_owned()),
                    Cell::Text(connection.time_zone.clone()),
                    Cell::OptText(c.start_date.map(date_text)),
                    Cell::OptText(c.end_date.map(date_text)),
                    Cell::Text(now.clone()),
                ])
            })
            .collect::<Result<_, _>>()?;
        let mut tx = self.db.begin_write().await?;
        let written = CAMPAIGNS.upsert(&mut tx, rows).await.map_err(storage)?;
        if !written.is_empty() {
            for chunk in written.chunks(500) {
                let marks = vec!["?"; chunk.len()].join(", ");
                let sql = format!("UPDATE campaigns SET updated_at = ? WHERE id IN ({marks})");
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&now);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await.map_err(storage)?;
            }
        }
        let ids = sqlx::query("SELECT external_id, id FROM campaigns WHERE project_id = ? AND platform = ?")
            .bind(connection.project_id.as_str())
            .bind(connection.platform.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        let mut by_external = HashMap::with_capacity(ids.len());
        for row in ids {
            let external: String = row.get(0);
            let id: String = row.get(1);
            by_external.insert(external, CampaignId::parse(&id)?);
        }
        Ok((written.len() as u64, by_external))
    }

    /// Writes campaign-days of known campaigns; answers how many rows were new or changed.
    pub async fn write_days(
        &self,
        connection: &Connection,
        campaigns: &HashMap<String, CampaignId>,
        days: &[DayRow],
    ) -> Result<u64, RepoError> {
        let rows: Vec<Vec<Cell>> = days
            .iter()
            .filter_map(|d| {
                let id = campaigns.get(&d.external_id)?;
                Some(vec![
                    Cell::Text(id.to_string()),
                    Cell::Text(date_text(d.date)),
                    Cell::Text(connection.platform.as_str().to_owned()),
                    Cell::Text(connection.currency.as_str().to_owned()),
                    Cell::Int(d.values.spend.get()),
                    Cell::Int(i64::try_from(d.values.impressions).unwrap_or(i64::MAX)),
                    Cell::Int(i64::try_from(d.values.clicks).unwrap_or(i64::MAX)),
                    Cell::Real(d.values.conversions),
                    Cell::Int(d.values.conversion_value.get()),
                    Cell::Text(d.raw.to_string()),
                ])
            })
            .collect();
        if rows.is_empty() {
            return Ok(0);
        }
        let mut tx = self.db.begin_write().await?;
        let written = DAYS.upsert_count(&mut tx, rows).await.map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(written)
    }

    /// The latest runs, a running one first.
    pub async fn runs(&self, limit: u32) -> Result<Vec<SyncRun>, RepoError> {
        let rows = sqlx::query(
            "SELECT id, trigger, state, started_at, finished_at, connections_total, connections_done, \
             campaigns_written, rows_written, problems FROM sync_runs \
             ORDER BY (state = 'running') DESC, id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.iter().map(run_from_row).collect()
    }

    /// Every connection that is not disconnected, with where its sync stands.
    pub async fn connections(&self) -> Result<Vec<ConnectionSync>, RepoError> {
        let rows = sqlx::query(
            "SELECT c.id, c.project_id, p.name, c.platform, COALESCE(c.name, c.account_id), s.synced_through, \
             s.last_attempt_at, s.last_success_at, s.last_error \
             FROM connections c JOIN projects p ON p.id = c.project_id \
             LEFT JOIN sync_connections s ON s.connection_id = c.id \
             WHERE c.status != 'disconnected' ORDER BY p.name, c.platform, c.id",
        )
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.iter()
            .map(|r| {
                let stamp = |i: usize| -> Result<Option<Timestamp>, RepoError> {
                    r.get::<Option<String>, _>(i)
                        .map(|t| Timestamp::parse(&t))
                        .transpose()
                        .map_err(RepoError::from)
                };
                Ok(ConnectionSync {
                    connection_id: ConnectionId::parse(r.get::<&str, _>(0))?,
                    project_id: ProjectId::parse(r.get::<&str, _>(1))?,
                    project_name: r.get(2),
                    platform: r.get::<&str, _>(3).parse::<Platform>()?,
                    account: r.get(4),
                    synced_through: r
                        .get::<Option<String>, _>(5)
                        .map(|t| parse_date(&t))
                        .transpose()?,
                    last_attempt_at: stamp(6)?,
                    last_success_at: stamp(7)?,
                    last_error: r.get(8),
                })
            })
            .collect()
    }
}

fn now_text() -> String {
    Timestamp::from_datetime(chrono::Utc::now()).to_text()
}

fn problems_text(problems: &[String]) -> String {
    serde_json::to_string(&problems.iter().take(MAX_PROBLEMS).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".to_owned())
}

fn run_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<SyncRun, RepoError> {
    let bad = |what: &'static str, value: &str| {
        RepoError::Storage(format!("sync_runs holds an unknown {what} '{value}'").into())
    };
    let trigger: &str = r.get(1);
    let state: &str = r.get(2);
    let n = |i: usize| u32::try_from(r.get::<i64, _>(i)).unwrap_or(0);
    Ok(SyncRun {
        id: r.get(0),
        trigger: SyncTrigger::parse(trigger).ok_or_else(|| bad("trigger", trigger))?,
        state: SyncState::parse(state).ok_or_else(|| bad("state", state))?,
        started_at: Timestamp::parse(r.get::<&str, _>(3))?,
        finished_at: r
            .get::<Option<String>, _>(4)
            .map(|t| Timestamp::parse(&t))
            .transpose()?,
        connections_total: n(5),
        connections_done: n(6),
        campaigns_written: count(r.get(7)),
        rows_written: count(r.get(8)),
        problems: serde_json::from_str(r.get::<&str, _>(9)).unwrap_or_default(),
    })
}
