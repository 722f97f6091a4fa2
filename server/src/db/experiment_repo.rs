//! A/B experiments (`experiments`, `experiment_variants`, `experiment_results`,
//! `experiment_decisions`): each experiment with its settings in columns and its guardrails and
//! latest evaluation as JSON; its variants in order; its daily results per variant; and the history
//! of its decisions.

use super::{Db, count, storage};
use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{QueryBuilder, Sqlite};
use switchboard_core::experiments::{Evaluation, Experiment, Variant, VariantDay};
use switchboard_core::ids::{ExecutionId, ExperimentId};
use switchboard_core::ports::{DecisionEntry, ExperimentFilter, ExperimentRepo};
use switchboard_core::time::{Timestamp, date_text, parse_date};
use switchboard_core::{ParseError, ProjectId, RepoError};

/// No experiment with this id.
fn missing(id: &ExperimentId) -> RepoError {
    RepoError::NotFound {
        entity: "experiment",
        id: id.to_string(),
    }
}

pub struct SqliteExperimentRepo {
    db: Db,
}

impl SqliteExperimentRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

const COLUMNS: &str = "n, id, project_id, name, hypothesis, platform, level, metric, guardrails, alpha, mode, \
    planned_per_arm, auto_apply, status, started_on, ended_on, winner, applied_by, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct Row {
    n: i64,
    id: String,
    project_id: String,
    name: String,
    hypothesis: String,
    platform: String,
    level: String,
    metric: String,
    guardrails: String,
    alpha: f64,
    mode: String,
    planned_per_arm: Option<i64>,
    auto_apply: bool,
    status: String,
    started_on: Option<String>,
    ended_on: Option<String>,
    winner: Option<String>,
    applied_by: Option<String>,
    created_at: String,
    updated_at: String,
}

#[derive(sqlx::FromRow)]
struct VariantRow {
    experiment_n: i64,
    key: String,
    name: String,
    object_id: String,
    weight: f64,
    control: bool,
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, RepoError> {
    serde_json::to_string(v).map_err(|e| RepoError::Storage(Box::new(e)))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> Result<T, RepoError> {
    serde_json::from_str(text)
        .map_err(|_| RepoError::Invalid(ParseError::invalid(what, text, "is not the stored JSON")))
}

fn date(text: Option<String>) -> Result<Option<NaiveDate>, RepoError> {
    text.map(|t| parse_date(&t)).transpose().map_err(RepoError::from)
}

fn experiment(r: Row, variants: Vec<Variant>) -> Result<Experiment, RepoError> {
    Ok(Experiment {
        id: ExperimentId::parse(&r.id)?,
        project_id: ProjectId::parse(&r.project_id)?,
        name: r.name,
        hypothesis: r.hypothesis,
        platform: r.platform.parse()?,
        level: r.level.parse()?,
        metric: r.metric.parse()?,
        guardrails: from_json("guardrails", &r.guardrails)?,
        alpha: r.alpha,
        mode: r.mode.parse()?,
        planned_per_arm: r.planned_per_arm.and_then(|n| u64::try_from(n).ok()),
        auto_apply: r.auto_apply,
        status: r.status.parse()?,
        variants,
        started_on: date(r.started_on)?,
        ended_on: date(r.ended_on)?,
        winner: r.winner,
        applied_by: r.applied_by.map(|a| ExecutionId::parse(&a)).transpose()?,
        created_at: Timestamp::parse(&r.created_at)?,
        updated_at: Timestamp::parse(&r.updated_at)?,
    })
}

impl SqliteExperimentRepo {
    /// The experiments of these rows with their variants.
    async fn whole(&self, rows: Vec<Row>) -> Result<Vec<Experiment>, RepoError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = QueryBuilder::<Sqlite>::new(
            "SELECT experiment_n, key, name, object_id, weight, control FROM experiment_variants WHERE experiment_n IN (",
        );
        let mut list = b.separated(", ");
        for r in &rows {
            list.push_bind(r.n);
        }
        b.push(") ORDER BY experiment_n, position");
        let variants: Vec<VariantRow> = b
            .build_query_as()
            .fetch_all(&self.db.read)
            .await
            .map_err(storage)?;
        rows.into_iter()
            .map(|r| {
                let mine = variants
                    .iter()
                    .filter(|v| v.experiment_n == r.n)
                    .map(|v| Variant {
                        key: v.key.clone(),
                        name: v.name.clone(),
                        object_id: v.object_id.clone(),
                        weight: v.weight,
                        control: v.control,
                    })
                    .collect();
                experiment(r, mine)
            })
            .collect()
    }

    async fn n_of(&self, id: &ExperimentId) -> Result<i64, RepoError> {
        sqlx::query_scalar("SELECT n FROM experiments WHERE id = ?")
            .bind(id.as_str())
            .fetch_optional(&self.db.read)
            .await
            .map_err(storage)?
            .ok_or_else(|| missing(id))
    }
}

async fn insert_entry(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    n: i64,
    e: &DecisionEntry,
) -> Result<(), RepoError> {
    sqlx::query("INSERT INTO experiment_decisions (experiment_n, at, state, winner, message, through) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(n)
        .bind(e.at.to_text())
        .bind(&e.state)
        .bind(&e.winner)
        .bind(&e.message)
        .bind(e.through.map(date_text))
        .execute(&mut **tx)
        .await
        .map_err(storage)?;
    Ok(())
}

#[async_trait]
impl ExperimentRepo for SqliteExperimentRepo {
    async fn insert(&self, e: &Experiment) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO experiments (id, project_id, name, hypothesis, platform, level, metric, guardrails, alpha, mode, \
             planned_per_arm, auto_apply, status, started_on, ended_on, winner, applied_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING n",
        )
        .bind(e.id.as_str())
        .bind(e.project_id.as_str())
        .bind(&e.name)
        .bind(&e.hypothesis)
        .bind(e.platform.as_str())
        .bind(e.level.as_str())
        .bind(e.metric.as_str())
        .bind(json(&e.guardrails)?)
        .bind(e.alpha)
        .bind(e.mode.as_str())
        .bind(e.planned_per_arm.and_then(|p| i64::try_from(p).ok()))
        .bind(e.auto_apply)
        .bind(e.status.as_str())
        .bind(e.started_on.map(date_text))
        .bind(e.ended_on.map(date_text))
        .bind(&e.winner)
        .bind(e.applied_by.as_ref().map(|a| a.to_string()))
        .bind(e.created_at.to_text())
        .bind(e.updated_at.to_text())
        .fetch_one(&mut *tx)
        .await
        .map_err(|err| match &err {
            sqlx::Error::Database(d) if d.message().contains("FOREIGN KEY") => RepoError::NotFound {
                entity: "project",
                id: e.project_id.to_string(),
            },
            _ => storage(err),
        })?;
        for (position, v) in e.variants.iter().enumerate() {
            sqlx::query(
                "INSERT INTO experiment_variants (experiment_n, position, key, name, object_id, weight, control) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(n)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(&v.key)
            .bind(&v.name)
            .bind(&v.object_id)
            .bind(v.weight)
            .bind(v.control)
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        }
        tx.commit().await.map_err(storage)
    }

    async fn save(&self, e: &Experiment) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        let done = sqlx::query(
            "UPDATE experiments SET name = ?, hypothesis = ?, guardrails = ?, alpha = ?, auto_apply = ?, status = ?, \
             started_on = ?, ended_on = ?, winner = ?, applied_by = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&e.name)
        .bind(&e.hypothesis)
        .bind(json(&e.guardrails)?)
        .bind(e.alpha)
        .bind(e.auto_apply)
        .bind(e.status.as_str())
        .bind(e.started_on.map(date_text))
        .bind(e.ended_on.map(date_text))
        .bind(&e.winner)
        .bind(e.applied_by.as_ref().map(|a| a.to_string()))
        .bind(e.updated_at.to_text())
        .bind(e.id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        if done.rows_affected() == 0 {
            return Err(missing(&e.id));
        }
        tx.commit().await.map_err(storage)
    }

    async fn get(&self, id: &ExperimentId) -> Result<Experiment, RepoError> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM experiments WHERE id = ?"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.db.read)
        .await
        .map_err(storage)?;
        let row = row.ok_or_else(|| missing(id))?;
        self.whole(vec![row]).await?.pop().ok_or_else(|| missing(id))
    }

    async fn list(&self, f: &ExperimentFilter) -> Result<(Vec<Experiment>, u64), RepoError> {
        let filter = |b: &mut QueryBuilder<Sqlite>| {
            b.push(" WHERE 1 = 1");
            if let Some(p) = &f.project_id {
                b.push(" AND project_id = ").push_bind(p.to_string());
            }
            if let Some(s) = f.status {
                b.push(" AND status = ").push_bind(s.as_str());
            }
        };
        let mut total = QueryBuilder::<Sqlite>::new("SELECT count(*) FROM experiments");
        filter(&mut total);
        let total: i64 = total
            .build_query_scalar()
            .fetch_one(&self.db.read)
            .await
            .map_err(storage)?;
        let mut page = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM experiments"));
        filter(&mut page);
        page.push(" ORDER BY updated_at DESC, n DESC LIMIT ")
            .push_bind(i64::from(f.limit.max(1)))
            .push(" OFFSET ")
            .push_bind(i64::from(f.offset));
        let rows: Vec<Row> = page
            .build_query_as()
            .fetch_all(&self.db.read)
            .await
            .map_err(storage)?;
        Ok((self.whole(rows).await?, count(total)))
    }

    async fn delete(&self, id: &ExperimentId) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        let done = sqlx::query("DELETE FROM experiments WHERE id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        if done.rows_affected() == 0 {
            return Err(missing(id));
        }
        tx.commit().await.map_err(storage)
    }

    async fn write_results(&self, id: &ExperimentId, days: &[VariantDay]) -> Result<(), RepoError> {
        let n = self.n_of(id).await?;
        let mut tx = self.db.begin_write().await?;
        for chunk in days.chunks(100) {
            let mut b = QueryBuilder::<Sqlite>::new(
                "INSERT INTO experiment_results (experiment_n, variant, date, impressions, clicks, conversions, \
                 spend_micros, revenue_micros) ",
            );
            b.push_values(chunk, |mut row, d| {
                row.push_bind(n)
                    .push_bind(&d.variant)
                    .push_bind(date_text(d.date))
                    .push_bind(i64::try_from(d.impressions).unwrap_or(i64::MAX))
                    .push_bind(i64::try_from(d.clicks).unwrap_or(i64::MAX))
                    .push_bind(d.conversions.max(0.0))
                    .push_bind(d.spend_micros.max(0))
                    .push_bind(d.revenue_micros.max(0));
            });
            b.push(
                " ON CONFLICT (experiment_n, variant, date) DO UPDATE SET impressions = excluded.impressions, \
                 clicks = excluded.clicks, conversions = excluded.conversions, spend_micros = excluded.spend_micros, \
                 revenue_micros = excluded.revenue_micros",
            );
            b.build().execute(&mut *tx).await.map_err(storage)?;
        }
        tx.commit().await.map_err(storage)
    }

    async fn results(&self, id: &ExperimentId) -> Result<Vec<VariantDay>, RepoError> {
        let n = self.n_of(id).await?;
        let rows: Vec<(String, String, i64, i64, f64, i64, i64)> = sqlx::query_as(
            "SELECT variant, date, impressions, clicks, conversions, spend_micros, revenue_micros \
             FROM experiment_results WHERE experiment_n = ? ORDER BY date, variant",
        )
        .bind(n)
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(
                |(variant, date, impressions, clicks, conversions, spend, revenue)| {
                    Ok(VariantDay {
                        variant,
                        date: parse_date(&date)?,
                        impressions: count(impressions),
                        clicks: count(clicks),
                        conversions,
                        spend_micros: spend,
                        revenue_micros: revenue,
                    })
                },
            )
            .collect()
    }

    async fn save_evaluation(
        &self,
        id: &ExperimentId,
        evaluation: &Evaluation,
        at: &Timestamp,
        entry: Option<&DecisionEntry>,
    ) -> Result<(), RepoError> {
        let n = self.n_of(id).await?;
        let mut tx = self.db.begin_write().await?;
        sqlx::query("UPDATE experiments SET evaluation = ?, evaluated_at = ? WHERE n = ?")
            .bind(json(evaluation)?)
            .bind(at.to_text())
            .bind(n)
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        if let Some(e) = entry {
            insert_entry(&mut tx, n, e).await?;
        }
        tx.commit().await.map_err(storage)
    }

    async fn evaluation(&self, id: &ExperimentId) -> Result<Option<(Evaluation, Timestamp)>, RepoError> {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT evaluation, evaluated_at FROM experiments WHERE id = ?")
                .bind(id.as_str())
                .fetch_optional(&self.db.read)
                .await
                .map_err(storage)?;
        match row {
            None => Err(missing(id)),
            Some((Some(e), Some(at))) => Ok(Some((from_json("evaluation", &e)?, Timestamp::parse(&at)?))),
            Some(_) => Ok(None),
        }
    }

    async fn evaluations(&self, ids: &[ExperimentId]) -> Result<Vec<(ExperimentId, Evaluation)>, RepoError> {
        let mut out = Vec::with_capacity(ids.len());
        // Bound parameters stay well under SQLite's limit.
        for chunk in ids.chunks(500) {
            let mut b = QueryBuilder::<Sqlite>::new(
                "SELECT id, evaluation FROM experiments WHERE evaluation IS NOT NULL AND id IN (",
            );
            let mut list = b.separated(", ");
            for id in chunk {
                list.push_bind(id.as_str());
            }
            b.push(")");
            let rows: Vec<(String, String)> = b
                .build_query_as()
                .fetch_all(&self.db.read)
                .await
                .map_err(storage)?;
            for (id, e) in rows {
                out.push((ExperimentId::parse(&id)?, from_json("evaluation", &e)?));
            }
        }
        Ok(out)
    }

    async fn add_entry(&self, id: &ExperimentId, entry: &DecisionEntry) -> Result<(), RepoError> {
        let n = self.n_of(id).await?;
        let mut tx = self.db.begin_write().await?;
        insert_entry(&mut tx, n, entry).await?;
        tx.commit().await.map_err(storage)
    }

    async fn history(&self, id: &ExperimentId, limit: u32) -> Result<Vec<DecisionEntry>, RepoError> {
        let n = self.n_of(id).await?;
        let rows: Vec<(String, String, Option<String>, String, Option<String>)> = sqlx::query_as(
            "SELECT at, state, winner, message, through FROM experiment_decisions WHERE experiment_n = ? \
             ORDER BY n DESC LIMIT ?",
        )
        .bind(n)
        .bind(i64::from(limit.max(1)))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|(at, state, winner, message, through)| {
                Ok(DecisionEntry {
                    at: Timestamp::parse(&at)?,
                    state,
                    winner,
                    message,
                    through: date(through)?,
                })
            })
            .collect()
    }
}
