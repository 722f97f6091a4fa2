//! Recall's candidates, read so that a question costs about the same at a hundred learnings and at
//! a hundred thousand (README: Benchmarks, Agent memory). The core's `memory::recall::rank` scores
//! them; this only chooses which rows it sees, and reads no more of them than it needs.
//!
//! - **Context.** The learnings that fit the question's action, platform, objective and vertical
//!   (each the same, or not said) are one index seek per combination of "the same" and "not said"
//!   (`memories_recall_action`, or `memories_recall_platform` when no action is asked), each the
//!   newest `max`; beside them, the learnings that differ in one of those fields only, and the
//!   question's project's own. Of these, the `max` that fit best (the weights of recall's context
//!   fields, worked out in SQL from the columns) are read whole.
//! - **Text.** BM25 is worked out for the newest [`TEXT_WINDOW`] learnings that match any word, and
//!   the `max` most relevant of them are read whole: a word found in thousands of learnings says
//!   little about any one of them, and ranking every one would cost milliseconds a thousand.

use super::{COLUMNS, MemoryRow, MemoryRowScored};
use crate::db::{Db, storage};
use sqlx::{QueryBuilder, Sqlite};
use switchboard_core::RepoError;
use switchboard_core::memory::RecallQuery;

/// How many of the newest full-text matches are ranked by BM25.
pub(super) const TEXT_WINDOW: i64 = 500;

/// The most relevant learnings among the newest [`TEXT_WINDOW`] that match `fts` (an FTS5 query),
/// with their BM25 relevance (higher is better); forgotten ones left out.
pub(super) async fn by_text(db: &Db, fts: &str, max: i64) -> Result<Vec<(f64, MemoryRow)>, RepoError> {
    let rows: Vec<MemoryRowScored> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT f.relevance, {COLUMNS} FROM (\
            SELECT rowid AS n, -bm25(memories_fts) AS relevance FROM memories_fts \
            WHERE memories_fts MATCH ?1 AND rowid >= coalesce(\
                (SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2), 0) \
            ORDER BY rank LIMIT ?3) f \
         JOIN memories m ON m.n = f.n WHERE m.forgotten = 0 ORDER BY f.relevance DESC"
    )))
    .bind(fts)
    .bind(TEXT_WINDOW - 1)
    .bind(max)
    .fetch_all(&db.read)
    .await
    .map_err(storage)?;
    Ok(rows.into_iter().map(|r| (r.relevance, r.row)).collect())
}

/// Recall's weights of the context fields (as the core's `memory::recall` weighs them), for the
/// order in which candidates are read; the scores themselves are the core's.
const W_ACTION: f64 = 0.28;
const W_PLATFORM: f64 = 0.20;
const W_OBJECTIVE: f64 = 0.15;
const W_VERTICAL: f64 = 0.15;
const W_PROJECT: f64 = 0.08;
const W_AGENT: f64 = 0.05;
const W_AUDIENCE: f64 = 0.04;
const W_BAND: f64 = 0.03;
const W_MONTH: f64 = 0.02;

/// The question's action, platform, objective and vertical that it names: column, value, weight.
fn asked(q: &RecallQuery) -> Vec<(&'static str, &'static str, f64)> {
    let c = &q.context;
    [
        ("action", q.action.map(|x| x.as_str()), W_ACTION),
        ("platform", c.platform.map(|x| x.as_str()), W_PLATFORM),
        ("objective", c.objective.map(|x| x.as_str()), W_OBJECTIVE),
        ("vertical", c.vertical.map(|x| x.as_str()), W_VERTICAL),
    ]
    .into_iter()
    .filter_map(|(col, v, w)| v.map(|v| (col, v, w)))
    .collect()
}

/// The index whose leading column (after `forgotten`) is held to one value by `equal`.
fn index_for(equal: &[&str]) -> Option<&'static str> {
    if equal.contains(&"action") {
        Some("memories_recall_action")
    } else if equal.contains(&"platform") {
        Some("memories_recall_platform")
    } else {
        None
    }
}

/// How a field is held in one seek.
#[derive(Clone, Copy, PartialEq)]
enum Held {
    Same,
    Unsaid,
    Other,
}

/// One seek: the newest `max` learnings with each asked field held as `how` says.
fn push_seek(
    b: &mut QueryBuilder<Sqlite>,
    asked: &[(&'static str, &'static str, f64)],
    how: &[Held],
    max: i64,
) {
    let equal: Vec<&str> = asked
        .iter()
        .zip(how)
        .filter(|(_, h)| **h != Held::Other)
        .map(|((c, _, _), _)| *c)
        .collect();
    b.push("SELECT n FROM (SELECT n FROM memories");
    if let Some(index) = index_for(&equal) {
        b.push(format!(" INDEXED BY {index}"));
    }
    b.push(" WHERE forgotten = 0");
    for ((col, value, _), held) in asked.iter().zip(how) {
        match held {
            Held::Same => {
                b.push(format!(" AND {col} = ")).push_bind(*value);
            }
            Held::Unsaid => {
                b.push(format!(" AND {col} IS NULL"));
            }
            Held::Other => {
                b.push(format!(" AND {col} IS NOT NULL AND {col} <> "))
                    .push_bind(*value);
            }
        }
    }
    b.push(" ORDER BY updated_at DESC LIMIT ")
        .push_bind(max)
        .push(")");
}

/// `CASE` giving a field's weight when the learning says the same, half when it says nothing.
fn push_fit(b: &mut QueryBuilder<Sqlite>, col: &str, value: String, weight: f64) {
    b.push(format!(" + CASE WHEN m.{col} = "))
        .push_bind(value)
        .push(format!(
            " THEN {weight} WHEN m.{col} IS NULL THEN {} ELSE 0 END",
            weight / 2.0
        ));
}

/// The `max` learnings that fit the question's context best, newest first among equals. The
/// learnings that say the same in every asked field come first, with the project's own; only when
/// they are fewer than `max` are the others read (a learning that does not say counts half, one
/// that differs in a field counts nothing for it).
pub(super) async fn by_context(db: &Db, q: &RecallQuery, max: i64) -> Result<Vec<MemoryRow>, RepoError> {
    let asked = asked(q);
    let rows = seeks(db, q, &asked, max, false).await?;
    if i64::try_from(rows.len()).unwrap_or(i64::MAX) >= max || asked.is_empty() {
        return Ok(rows);
    }
    seeks(db, q, &asked, max, true).await
}

/// The best-fitting `max` of the learnings that say the same in every asked field and the project's
/// own; with `wider`, also of those that do not say some (every combination of "the same" and "not
/// said") and of those that differ in one field only (when the others still make half the fit).
async fn seeks(
    db: &Db,
    q: &RecallQuery,
    asked: &[(&'static str, &'static str, f64)],
    max: i64,
    wider: bool,
) -> Result<Vec<MemoryRow>, RepoError> {
    let asked = asked.to_vec();
    let mut b = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM memories m WHERE m.n IN ("));
    let combinations = if wider { 1u32 << asked.len() } else { 1 };
    for mask in 0..combinations {
        let how: Vec<Held> = (0..asked.len())
            .map(|i| {
                if mask & (1 << i) == 0 {
                    Held::Same
                } else {
                    Held::Unsaid
                }
            })
            .collect();
        if mask > 0 {
            b.push(" UNION ALL ");
        }
        push_seek(&mut b, &asked, &how, max);
    }
    let total: f64 = asked.iter().map(|(_, _, w)| w).sum();
    if wider && asked.len() >= 2 {
        for (i, (_, _, w)) in asked.iter().enumerate() {
            if (total - w) / total < 0.5 {
                continue;
            }
            let how: Vec<Held> = (0..asked.len())
                .map(|j| if j == i { Held::Other } else { Held::Same })
                .collect();
            b.push(" UNION ALL ");
            push_seek(&mut b, &asked, &how, max);
        }
    }
    // The project's own that fit.
    if let Some(project) = &q.project_id {
        b.push(" UNION ALL SELECT n FROM (SELECT n FROM memories WHERE project_id = ")
            .push_bind(project.to_string())
            .push(" AND forgotten = 0");
        for (col, value, _) in &asked {
            b.push(format!(" AND ({col} = "))
                .push_bind(*value)
                .push(format!(" OR {col} IS NULL)"));
        }
        b.push(" ORDER BY updated_at DESC LIMIT ")
            .push_bind(max)
            .push(")");
    }
    b.push(") ORDER BY (0.0");
    for (col, value, weight) in &asked {
        push_fit(&mut b, col, (*value).to_owned(), *weight);
    }
    if let Some(project) = &q.project_id {
        b.push(" + CASE WHEN m.project_id = ")
            .push_bind(project.to_string())
            .push(format!(
                " THEN {W_PROJECT} WHEN m.project_id IS NULL THEN {} ELSE {} END",
                W_PROJECT / 2.0,
                W_PROJECT / 4.0
            ));
    }
    if let Some(agent) = q.agent {
        b.push(" + CASE WHEN m.agent = ")
            .push_bind(agent.as_str())
            .push(format!(
                " THEN {W_AGENT} WHEN m.agent = 'person' THEN {} ELSE {} END",
                W_AGENT * 0.75,
                W_AGENT / 4.0
            ));
    }
    if let Some(audience) = &q.context.audience {
        push_fit(
            &mut b,
            "audience",
            switchboard_core::words::normalize(audience),
            W_AUDIENCE,
        );
    }
    if let Some(band) = q.context.budget_band {
        push_fit(&mut b, "budget_band", band.as_str().to_owned(), W_BAND);
    }
    if let Some(month) = q.context.month {
        b.push(format!(
            " + CASE WHEN m.month IS NULL THEN {} WHEN m.month = ",
            W_MONTH / 2.0
        ))
        .push_bind(i64::from(month))
        .push(format!(" THEN {W_MONTH} WHEN (m.month - "))
        .push_bind(i64::from(month))
        .push(format!(
            " + 12) % 12 IN (1, 11) THEN {} ELSE 0 END",
            W_MONTH / 2.0
        ));
    }
    b.push(") DESC, m.updated_at DESC, m.n DESC LIMIT ")
        .push_bind(max);
    b.build_query_as().fetch_all(&db.read).await.map_err(storage)
}
