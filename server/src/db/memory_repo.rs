//! The agents' memory (`memories`, `memory_observations`, `memories_fts`): learnings with their
//! standing in columns (for filters and recall) and their outcome and source as JSON; sightings
//! once-only by key; full-text search through FTS5 with BM25.

mod candidates;

use super::{Db, count, storage};
use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{QueryBuilder, Sqlite};
use switchboard_core::ids::{ConnectionId, MemoryId};
use switchboard_core::memory::input::{MemoryFilter, OutcomeFilter};
use switchboard_core::memory::recall::index;
use switchboard_core::memory::{
    Memory, MemoryPage, MemorySource, Metric, Observation, Outcome, OutcomeStatus, RecallQuery,
};
use switchboard_core::metrics::MetricValues;
use switchboard_core::ports::{CampaignSet, MemoryRepo, PendingObservation};
use switchboard_core::time::{Timestamp, date_text};
use switchboard_core::{Micros, ParseError, ProjectId, RepoError};

pub struct SqliteMemoryRepo {
    db: Db,
}

impl SqliteMemoryRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct MemoryRow {
    id: String,
    agent: String,
    kind: String,
    project_id: Option<String>,
    platform: Option<String>,
    objective: Option<String>,
    vertical: Option<String>,
    audience: Option<String>,
    budget_band: Option<String>,
    month: Option<i64>,
    action: Option<String>,
    subject: Option<String>,
    summary: String,
    variants: String,
    tags: String,
    outcome: Option<String>,
    evidence: i64,
    confidence: f64,
    confidence_reason: String,
    source: String,
    pinned: bool,
    forgotten: bool,
    created_at: String,
    updated_at: String,
    last_recalled_at: Option<String>,
    terms: Option<String>,
}

const COLUMNS: &str = "m.id, m.agent, m.kind, m.project_id, m.platform, m.objective, m.vertical, m.audience, \
    m.budget_band, m.month, m.action, m.subject, m.summary, m.variants, m.tags, m.outcome, m.evidence, m.confidence, \
    m.confidence_reason, m.source, m.pinned, m.forgotten, m.created_at, m.updated_at, m.last_recalled_at, m.terms";

fn bad(what: &'static str, value: &str) -> RepoError {
    RepoError::Invalid(ParseError::Invalid {
        what,
        value: value.chars().take(40).collect(),
        reason: "not valid JSON",
    })
}

fn word(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

impl TryFrom<MemoryRow> for Memory {
    type Error = RepoError;
    fn try_from(r: MemoryRow) -> Result<Self, RepoError> {
        let outcome: Option<Outcome> = match &r.outcome {
            Some(o) => Some(serde_json::from_str(o).map_err(|_| bad("memory outcome", &r.id))?),
            None => None,
        };
        let source: MemorySource =
            serde_json::from_str(&r.source).map_err(|_| bad("memory source", &r.id))?;
        let tags: Vec<String> = if r.tags.is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&r.tags).map_err(|_| bad("memory tags", &r.id))?
        };
        Ok(Memory {
            agent: r.agent.parse()?,
            kind: r.kind.parse()?,
            project_id: word(&r.project_id).map(ProjectId::parse).transpose()?,
            platform: word(&r.platform).map(str::parse).transpose()?,
            objective: word(&r.objective).map(str::parse).transpose()?,
            // A vertical no longer on the list reads as `other` rather than failing the page.
            vertical: word(&r.vertical)
                .map(|v| v.parse().unwrap_or(switchboard_core::vertical::Vertical::Other)),
            audience: r.audience,
            budget_band: word(&r.budget_band).map(str::parse).transpose()?,
            month: r.month.and_then(|m| u8::try_from(m).ok()),
            action: word(&r.action).map(str::parse).transpose()?,
            subject: r.subject,
            summary: r.summary,
            also_said: r
                .variants
                .lines()
                .map(str::to_owned)
                .filter(|l| !l.is_empty())
                .collect(),
            tags,
            outcome,
            evidence: u32::try_from(r.evidence).unwrap_or(1),
            confidence: r.confidence,
            confidence_reason: r.confidence_reason,
            source,
            pinned: r.pinned,
            forgotten: r.forgotten,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: Timestamp::parse(&r.updated_at)?,
            last_recalled_at: r.last_recalled_at.as_deref().map(Timestamp::parse).transpose()?,
            id: MemoryId::parse(&r.id)?,
            terms: r.terms,
        })
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, RepoError> {
    serde_json::to_string(v).map_err(|e| RepoError::Storage(Box::new(e)))
}

fn tags_text(tags: &[String]) -> Result<String, RepoError> {
    if tags.is_empty() {
        Ok(String::new())
    } else {
        json(&tags)
    }
}

fn not_found(id: &MemoryId) -> RepoError {
    RepoError::NotFound {
        entity: "memory",
        id: id.to_string(),
    }
}

#[derive(sqlx::FromRow)]
struct ObservationRow {
    key: Option<String>,
    status: String,
    before: Option<f64>,
    after: Option<f64>,
    change: Option<f64>,
    control_change: Option<f64>,
    effect: Option<f64>,
    days: Option<i64>,
    spend_micros: Option<i64>,
    note: Option<String>,
    at: String,
    target: Option<String>,
}

impl TryFrom<ObservationRow> for Observation {
    type Error = RepoError;
    fn try_from(r: ObservationRow) -> Result<Self, RepoError> {
        Ok(Observation {
            status: r.status.parse()?,
            before: r.before,
            after: r.after,
            change: r.change,
            control_change: r.control_change,
            effect: r.effect,
            days: r.days.and_then(|d| u32::try_from(d).ok()),
            spend_micros: r.spend_micros,
            note: r.note,
            at: Timestamp::parse(&r.at)?,
            target: r.target.as_deref().and_then(|t| serde_json::from_str(t).ok()),
            key: r.key,
        })
    }
}

const OBS_COLUMNS: &str = "o.key, o.status, o.before, o.after, o.change, o.control_change, o.effect, o.days, \
    o.spend_micros, o.note, o.at, o.target";

/// The day a pending sighting can be measured: its window's last day plus one.
fn due_on(o: &Observation) -> Option<String> {
    (o.status == OutcomeStatus::Pending).then(|| {
        let days = u64::from(o.days.unwrap_or(7).max(1));
        date_text(o.at.date() + chrono::Days::new(days + 1))
    })
}

async fn insert_observation(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    memory_n: i64,
    o: &Observation,
) -> Result<bool, RepoError> {
    let target = o.target.as_ref().map(json).transpose()?;
    let done = sqlx::query(
        "INSERT INTO memory_observations (memory_n, key, status, before, after, change, control_change, effect, \
         days, spend_micros, note, at, due_on, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(memory_n)
    .bind(&o.key)
    .bind(o.status.as_str())
    .bind(o.before)
    .bind(o.after)
    .bind(o.change)
    .bind(o.control_change)
    .bind(o.effect)
    .bind(o.days.map(i64::from))
    .bind(o.spend_micros)
    .bind(&o.note)
    .bind(o.at.to_text())
    .bind(due_on(o))
    .bind(target)
    .execute(&mut **tx)
    .await
    .map_err(storage)?;
    Ok(done.rows_affected() == 1)
}

/// Writes a learning's fields and standing; answers whether it was there.
async fn update(tx: &mut sqlx::Transaction<'_, Sqlite>, m: &Memory) -> Result<bool, RepoError> {
    let done = sqlx::query(
        "UPDATE memories SET summary = ?, variants = ?, tags = ?, subject = ?, outcome_status = ?, verdict = ?, outcome = ?, \
         evidence = ?, confidence = ?, confidence_reason = ?, pinned = ?, forgotten = ?, updated_at = ?, \
         last_recalled_at = ?, terms = ? WHERE id = ?",
    )
    .bind(&m.summary)
    .bind(m.also_said.join("\n"))
    .bind(tags_text(&m.tags)?)
    .bind(&m.subject)
    .bind(m.outcome.as_ref().map(|o| o.status.as_str()))
    .bind(m.outcome.as_ref().and_then(|o| o.verdict).map(|v| v.as_str()))
    .bind(m.outcome.as_ref().map(json).transpose()?)
    .bind(i64::from(m.evidence.max(1)))
    .bind(m.confidence)
    .bind(&m.confidence_reason)
    .bind(m.pinned)
    .bind(m.forgotten)
    .bind(m.updated_at.to_text())
    .bind(m.last_recalled_at.as_ref().map(Timestamp::to_text))
    .bind(index(m))
    .bind(m.id.as_str())
    .execute(&mut **tx)
    .await
    .map_err(storage)?;
    Ok(done.rows_affected() == 1)
}

fn push_filter(b: &mut QueryBuilder<Sqlite>, f: &MemoryFilter) {
    if !f.include_forgotten {
        b.push(" AND m.forgotten = 0");
    }
    let eq = |b: &mut QueryBuilder<Sqlite>, col: &str, v: Option<String>| {
        if let Some(v) = v {
            b.push(format!(" AND m.{col} = ")).push_bind(v);
        }
    };
    eq(b, "agent", f.agent.map(|x| x.as_str().to_owned()));
    eq(b, "kind", f.kind.map(|x| x.as_str().to_owned()));
    eq(b, "platform", f.platform.map(|x| x.as_str().to_owned()));
    eq(b, "objective", f.objective.map(|x| x.as_str().to_owned()));
    eq(b, "vertical", f.vertical.map(|x| x.as_str().to_owned()));
    eq(b, "action", f.action.map(|x| x.as_str().to_owned()));
    eq(b, "project_id", f.project_id.as_ref().map(|x| x.to_string()));
    match f.outcome {
        Some(OutcomeFilter::Verdict(v)) => {
            b.push(" AND m.verdict = ").push_bind(v.as_str().to_owned());
        }
        Some(OutcomeFilter::Status(s)) => {
            b.push(" AND m.outcome_status = ")
                .push_bind(s.as_str().to_owned());
        }
        None => {}
    }
    if let Some(p) = f.pinned {
        b.push(" AND m.pinned = ").push_bind(p);
    }
}

#[async_trait]
impl MemoryRepo for SqliteMemoryRepo {
    async fn by_key(&self, key: &str) -> Result<Vec<Memory>, RepoError> {
        let rows: Vec<MemoryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM memories m WHERE m.merge_key = ? AND m.forgotten = 0 ORDER BY m.n LIMIT 50"
        )))
        .bind(key)
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(Memory::try_from).collect()
    }

    #[tracing::instrument(skip_all, fields(memory = %m.id), err(Debug, level = "debug"))]
    async fn insert(
        &self,
        m: &Memory,
        key: &str,
        metric: Option<Metric>,
        first: &Observation,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO memories (id, merge_key, agent, kind, project_id, platform, objective, vertical, audience, \
             budget_band, month, action, subject, summary, variants, tags, metric, outcome_status, verdict, outcome, evidence, \
             confidence, confidence_reason, source, pinned, forgotten, created_at, updated_at, last_recalled_at, terms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING n",
        )
        .bind(m.id.as_str())
        .bind(key)
        .bind(m.agent.as_str())
        .bind(m.kind.as_str())
        .bind(m.project_id.as_ref().map(ProjectId::as_str))
        .bind(m.platform.map(|x| x.as_str()))
        .bind(m.objective.map(|x| x.as_str()))
        .bind(m.vertical.map(|x| x.as_str()))
        .bind(&m.audience)
        .bind(m.budget_band.map(|x| x.as_str()))
        .bind(m.month.map(i64::from))
        .bind(m.action.map(|x| x.as_str()))
        .bind(&m.subject)
        .bind(&m.summary)
        .bind(m.also_said.join("\n"))
        .bind(tags_text(&m.tags)?)
        .bind(metric.map(|x| x.as_str()))
        .bind(m.outcome.as_ref().map(|o| o.status.as_str()))
        .bind(m.outcome.as_ref().and_then(|o| o.verdict).map(|v| v.as_str()))
        .bind(m.outcome.as_ref().map(json).transpose()?)
        .bind(i64::from(m.evidence.max(1)))
        .bind(m.confidence)
        .bind(&m.confidence_reason)
        .bind(json(&m.source)?)
        .bind(m.pinned)
        .bind(m.forgotten)
        .bind(m.created_at.to_text())
        .bind(m.updated_at.to_text())
        .bind(m.last_recalled_at.as_ref().map(Timestamp::to_text))
        .bind(index(m))
        .fetch_one(&mut *tx)
        .await
        .map_err(storage)?;
        insert_observation(&mut tx, n, first).await?;
        tx.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(memory = %m.id), err(Debug, level = "debug"))]
    async fn merge(&self, m: &Memory, o: &Observation, keep: u32) -> Result<bool, RepoError> {
        let mut tx = self.db.begin_write().await?;
        let n: Option<i64> = sqlx::query_scalar("SELECT n FROM memories WHERE id = ?")
            .bind(m.id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(storage)?;
        let n = n.ok_or_else(|| not_found(&m.id))?;
        let added = insert_observation(&mut tx, n, o).await?;
        if added {
            // Bounded: beyond `keep`, the oldest settled sightings go (pending ones stay to be measured).
            sqlx::query(
                "DELETE FROM memory_observations WHERE n IN (SELECT n FROM memory_observations \
                 WHERE memory_n = ?1 AND status <> 'pending' ORDER BY at DESC, n DESC LIMIT -1 OFFSET ?2)",
            )
            .bind(n)
            .bind(i64::from(keep))
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        }
        update(&mut tx, m).await?;
        tx.commit().await.map_err(storage)?;
        Ok(added)
    }

    async fn seen(&self, key: &str) -> Result<bool, RepoError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM memory_observations WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.db.read)
            .await
            .map_err(storage)?;
        Ok(found.is_some())
    }

    async fn observations(&self, id: &MemoryId, limit: u32) -> Result<Vec<Observation>, RepoError> {
        let rows: Vec<ObservationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OBS_COLUMNS} FROM memory_observations o JOIN memories m ON m.n = o.memory_n \
             WHERE m.id = ? ORDER BY o.at DESC, o.n DESC LIMIT ?"
        )))
        .bind(id.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter().map(Observation::try_from).collect()
    }

    #[tracing::instrument(skip_all, fields(memory = %m.id), err(Debug, level = "debug"))]
    async fn save(&self, m: &Memory) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        let changed = update(&mut tx, m).await?;
        tx.commit().await.map_err(storage)?;
        if !changed {
            return Err(not_found(&m.id));
        }
        Ok(())
    }

    async fn get(&self, id: &MemoryId) -> Result<Memory, RepoError> {
        let row: Option<MemoryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM memories m WHERE m.id = ?"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.db.read)
        .await
        .map_err(storage)?;
        row.ok_or_else(|| not_found(id))?.try_into()
    }

    async fn list(&self, f: &MemoryFilter) -> Result<MemoryPage, RepoError> {
        let fts = f.q.as_deref().and_then(switchboard_core::memory::text::fts_query);
        let from = |b: &mut QueryBuilder<Sqlite>| {
            if let Some(q) = &fts {
                b.push(" FROM memories_fts JOIN memories m ON m.n = memories_fts.rowid WHERE memories_fts MATCH ")
                    .push_bind(q.clone());
            } else {
                b.push(" FROM memories m WHERE 1 = 1");
            }
        };
        let mut total = QueryBuilder::<Sqlite>::new("SELECT count(*)");
        from(&mut total);
        push_filter(&mut total, f);
        let total: i64 = total
            .build_query_scalar()
            .fetch_one(&self.db.read)
            .await
            .map_err(storage)?;
        let mut page = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS}"));
        from(&mut page);
        push_filter(&mut page, f);
        page.push(if fts.is_some() {
            " ORDER BY m.pinned DESC, bm25(memories_fts) ASC, m.updated_at DESC"
        } else {
            " ORDER BY m.pinned DESC, m.updated_at DESC, m.n DESC"
        });
        page.push(" LIMIT ").push_bind(i64::from(f.limit.max(1)));
        page.push(" OFFSET ").push_bind(i64::from(f.offset));
        let rows: Vec<MemoryRow> = page
            .build_query_as()
            .fetch_all(&self.db.read)
            .await
            .map_err(storage)?;
        Ok(MemoryPage {
            items: rows.into_iter().map(Memory::try_from).collect::<Result<_, _>>()?,
            total: count(total),
        })
    }

    async fn candidates(&self, q: &RecallQuery, max: u32) -> Result<Vec<(Memory, f64)>, RepoError> {
        let mut out: Vec<(Memory, f64)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let max = i64::from(max.max(1));
        // The text's matches and the context's fits are read side by side, on two connections.
        let fts = q.q.as_deref().and_then(switchboard_core::memory::text::fts_query);
        // A question with both words and a context reads three fifths of the candidates from
        // each (their best): each learning read whole costs time, and the two lists overlap.
        let each = if fts.is_some() && q.has_context() {
            (max * 3 / 5).max(1)
        } else {
            max
        };
        let (by_text, by_context) = tokio::join!(
            async {
                match &fts {
                    Some(fts) => candidates::by_text(&self.db, fts, each).await,
                    None => Ok(Vec::new()),
                }
            },
            async {
                if q.has_context() {
                    candidates::by_context(&self.db, q, each).await
                } else {
                    Ok(Vec::new())
                }
            }
        );
        for (relevance, row) in by_text? {
            let m = Memory::try_from(row)?;
            seen.insert(m.id.clone());
            out.push((m, relevance.max(0.0)));
        }
        for row in by_context? {
            let m = Memory::try_from(row)?;
            if seen.insert(m.id.clone()) {
                out.push((m, 0.0));
            }
        }
        if !q.has_context() && !q.has_text()
            || q.has_context() && out.len() < usize::try_from(max / 4).unwrap_or(0)
        {
            // Few or no matches: the most recent learnings, for the scores to sort.
            let rows: Vec<MemoryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM memories m WHERE m.forgotten = 0 ORDER BY m.updated_at DESC LIMIT ?"
            )))
            .bind(max)
            .fetch_all(&self.db.read)
            .await
            .map_err(storage)?;
            for row in rows {
                let m = Memory::try_from(row)?;
                if seen.insert(m.id.clone()) {
                    out.push((m, 0.0));
                }
            }
        }
        Ok(out)
    }

    async fn recalled(&self, ids: &[MemoryId], at: &Timestamp) -> Result<(), RepoError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut b = QueryBuilder::<Sqlite>::new("UPDATE memories SET last_recalled_at = ");
        b.push_bind(at.to_text()).push(" WHERE id IN (");
        let mut list = b.separated(", ");
        for id in ids {
            list.push_bind(id.to_string());
        }
        b.push(")");
        let mut tx = self.db.begin_write().await?;
        b.build().execute(&mut *tx).await.map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(())
    }

    async fn due(&self, today: NaiveDate, limit: u32) -> Result<Vec<PendingObservation>, RepoError> {
        let rows: Vec<DueRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT o.n AS obs_n, m.id AS memory_id, m.project_id AS project_id, m.metric AS metric, {OBS_COLUMNS} \
             FROM memory_observations o JOIN memories m ON m.n = o.memory_n \
             WHERE o.status = 'pending' AND o.due_on <= ? ORDER BY o.due_on, o.n LIMIT ?"
        )))
        .bind(date_text(today))
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|r| {
                Ok(PendingObservation {
                    n: r.obs_n,
                    memory: MemoryId::parse(&r.memory_id)?,
                    project_id: r.project_id.as_deref().map(ProjectId::parse).transpose()?,
                    metric: r.metric.as_deref().map(str::parse).transpose()?,
                    observation: r.obs.try_into()?,
                })
            })
            .collect()
    }

    async fn settle(&self, n: i64, o: &Observation) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "UPDATE memory_observations SET status = ?, before = ?, after = ?, change = ?, control_change = ?, \
             effect = ?, days = ?, spend_micros = ?, note = ?, due_on = ? WHERE n = ?",
        )
        .bind(o.status.as_str())
        .bind(o.before)
        .bind(o.after)
        .bind(o.change)
        .bind(o.control_change)
        .bind(o.effect)
        .bind(o.days.map(i64::from))
        .bind(o.spend_micros)
        .bind(&o.note)
        .bind(due_on(o))
        .bind(n)
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(())
    }

    async fn counts_by_agent(&self) -> Result<Vec<(String, u64, u64, u64, u64)>, RepoError> {
        let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT agent, count(*), sum(verdict = 'good'), sum(verdict = 'bad'), sum(outcome_status = 'pending') \
             FROM memories WHERE forgotten = 0 GROUP BY agent ORDER BY agent",
        )
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|(a, n, g, b, p)| (a, count(n), count(g), count(b), count(p)))
            .collect())
    }

    async fn figures(
        &self,
        project: &ProjectId,
        connection: &ConnectionId,
        set: &CampaignSet,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(MetricValues, u32), RepoError> {
        let (ids, negate) = match set {
            CampaignSet::Only(ids) => (ids, false),
            CampaignSet::AllBut(ids) => (ids, true),
        };
        let mut b = QueryBuilder::<Sqlite>::new(
            "SELECT coalesce(sum(d.spend_micros), 0), coalesce(sum(d.impressions), 0), coalesce(sum(d.clicks), 0), \
             coalesce(sum(d.conversions), 0.0), coalesce(sum(d.conversion_value_micros), 0), count(DISTINCT d.date) \
             FROM campaign_daily_metrics d JOIN campaigns c ON c.id = d.campaign_id WHERE c.project_id = ",
        );
        b.push_bind(project.to_string());
        b.push(" AND c.connection_id = ")
            .push_bind(connection.to_string());
        b.push(" AND d.date >= ").push_bind(date_text(from));
        b.push(" AND d.date <= ").push_bind(date_text(to));
        if negate {
            b.push(" AND c.external_id NOT IN (");
        } else {
            b.push(" AND c.external_id IN (");
        }
        let mut list = b.separated(", ");
        list.push_bind(String::new());
        for id in ids {
            list.push_bind(id.clone());
        }
        b.push(")");
        let (spend, impressions, clicks, conversions, value, days): (i64, i64, i64, f64, i64, i64) = b
            .build_query_as()
            .fetch_one(&self.db.read)
            .await
            .map_err(storage)?;
        Ok((
            MetricValues {
                spend: Micros::new(spend),
                impressions: count(impressions),
                clicks: count(clicks),
                conversions,
                conversion_value: Micros::new(value),
            },
            u32::try_from(days).unwrap_or(0),
        ))
    }
}

#[derive(sqlx::FromRow)]
struct MemoryRowScored {
    relevance: f64,
    #[sqlx(flatten)]
    row: MemoryRow,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    obs_n: i64,
    memory_id: String,
    project_id: Option<String>,
    metric: Option<String>,
    #[sqlx(flatten)]
    obs: ObservationRow,
}
