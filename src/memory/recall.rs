//! Recall: which learnings fit a question, best first, each with the parts of its score so the page
//! and the agents can say why. Four parts, each 0 to 1: how well the context fits (each field
//! weighted), text relevance (half BM25 from the store scaled to the best hit, half the share of the
//! question's terms the learning says), recency (a half-life)
//! and outcome strength times evidence. The score is their weighted mean over the parts the question
//! has (no text part without a text, no context part without a context).

use super::MemoryContext;
use super::model::Memory;
use super::words::{MemoryAction, MemoryAgent};
use crate::ids::ProjectId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// What to recall for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecallQuery {
    pub project_id: Option<ProjectId>,
    pub context: MemoryContext,
    pub action: Option<MemoryAction>,
    pub agent: Option<MemoryAgent>,
    /// Free text, matched on the summary, subject and tags.
    pub q: Option<String>,
    pub limit: usize,
}

impl RecallQuery {
    /// Whether it names any context field.
    pub fn has_context(&self) -> bool {
        let c = &self.context;
        self.project_id.is_some()
            || self.action.is_some()
            || self.agent.is_some()
            || c.platform.is_some()
            || c.objective.is_some()
            || c.vertical.is_some()
            || c.audience.is_some()
            || c.budget_band.is_some()
            || c.month.is_some()
    }

    pub fn has_text(&self) -> bool {
        self.q.as_deref().and_then(super::text::fts_query).is_some()
    }
}

/// The parts of a recall score, each 0 to 1, and the weight each had in it (0: the question had no
/// such part: no context asked, or no text).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreParts {
    pub context: f64,
    pub text: f64,
    pub recency: f64,
    pub outcome: f64,
    pub weights: Weights,
}

/// The weights of a score's parts (they add up to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weights {
    pub context: f64,
    pub text: f64,
    pub recency: f64,
    pub outcome: f64,
}

/// A learning recalled, with its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recalled {
    pub memory: Memory,
    pub score: f64,
    pub parts: ScoreParts,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecallSettings {
    /// Days after which recency counts half.
    pub half_life_days: f64,
}

impl Default for RecallSettings {
    fn default() -> Self {
        RecallSettings { half_life_days: 90.0 }
    }
}

/// The weights of the parts.
pub const WEIGHT_CONTEXT: f64 = 0.60;
pub const WEIGHT_TEXT: f64 = 0.30;
pub const WEIGHT_RECENCY: f64 = 0.05;
pub const WEIGHT_OUTCOME: f64 = 0.05;

/// How much each context field counts when the question names it.
const FIELDS: [(&str, f64); 9] = [
    ("action", 0.28),
    ("platform", 0.20),
    ("objective", 0.15),
    ("vertical", 0.15),
    ("project", 0.08),
    ("agent", 0.05),
    ("audience", 0.04),
    ("budget_band", 0.03),
    ("month", 0.02),
];

/// 1 for the same value, 0.5 for a learning that does not say (it applies broadly), 0 for another.
fn fit<T: PartialEq>(asked: Option<&T>, has: Option<&T>) -> Option<f64> {
    let asked = asked?;
    Some(match has {
        None => 0.5,
        Some(v) if v == asked => 1.0,
        Some(_) => 0.0,
    })
}

/// How well a learning's context fits the question's, 0 to 1; `None` when the question names none.
pub fn context_fit(q: &RecallQuery, m: &Memory) -> Option<f64> {
    let c = &q.context;
    let audience = |s: &Option<String>| s.as_deref().map(crate::words::normalize);
    let month = c.month.map(|asked| match m.month {
        None => 0.5,
        Some(h) => {
            let d = (i16::from(asked) - i16::from(h)).rem_euclid(12);
            match d.min(12 - d) {
                0 => 1.0,
                1 => 0.5,
                _ => 0.0,
            }
        }
    });
    let project = q.project_id.as_ref().map(|p| match &m.project_id {
        None => 0.5,
        Some(h) if h == p => 1.0,
        // Another client's learning still says something.
        Some(_) => 0.25,
    });
    let agent = q.agent.map(|a| {
        if m.agent == a {
            1.0
        } else if m.agent == MemoryAgent::Person {
            0.75
        } else {
            0.25
        }
    });
    let parts = [
        fit(q.action.as_ref(), m.action.as_ref()),
        fit(c.platform.as_ref(), m.platform.as_ref()),
        fit(c.objective.as_ref(), m.objective.as_ref()),
        fit(c.vertical.as_ref(), m.vertical.as_ref()),
        project,
        agent,
        fit(audience(&c.audience).as_ref(), audience(&m.audience).as_ref()),
        fit(c.budget_band.as_ref(), m.budget_band.as_ref()),
        month,
    ];
    let (mut got, mut total) = (0.0, 0.0);
    for ((_, w), part) in FIELDS.iter().zip(parts) {
        if let Some(p) = part {
            got += w * p;
            total += w;
        }
    }
    (total > 0.0).then(|| got / total)
}

/// Whether a learning is from exactly the context asked: every context field the question names
/// (action, platform, objective, vertical, audience, budget band, month) is the learning's too.
/// The project and the agent are not its context: an agency-wide learning can be exact.
pub fn same_context(q: &RecallQuery, m: &Memory) -> bool {
    let c = &q.context;
    fn same<T: PartialEq>(asked: Option<&T>, has: Option<&T>) -> bool {
        asked.is_none() || asked == has
    }
    let audience = |s: &Option<String>| s.as_deref().map(crate::words::normalize);
    same(q.action.as_ref(), m.action.as_ref())
        && same(c.platform.as_ref(), m.platform.as_ref())
        && same(c.objective.as_ref(), m.objective.as_ref())
        && same(c.vertical.as_ref(), m.vertical.as_ref())
        && same(audience(&c.audience).as_ref(), audience(&m.audience).as_ref())
        && same(c.budget_band.as_ref(), m.budget_band.as_ref())
        && same(c.month.as_ref(), m.month.as_ref())
}

/// 1 for a learning seen now, half after `half_life_days`; a pinned learning stays at 1.
pub fn recency(m: &Memory, now: Timestamp, settings: &RecallSettings) -> f64 {
    if m.pinned {
        return 1.0;
    }
    let age = (now.as_datetime() - m.updated_at.as_datetime())
        .num_seconds()
        .max(0) as f64
        / 86_400.0;
    0.5f64.powf(age / settings.half_life_days.max(1.0))
}

/// Outcome strength times evidence: a measured effect of 20% or more is full strength, scaled by
/// `e / (e + 2)` for `e` sightings; a learning without a measured outcome counts a quarter.
pub fn outcome_strength(m: &Memory) -> f64 {
    let e = f64::from(m.evidence.max(1));
    let evidence = e / (e + 2.0);
    let strength = m
        .outcome
        .as_ref()
        .and_then(|o| o.net())
        .map_or(0.25, |net| (net.abs() / 0.2).min(1.0));
    strength * evidence
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A learning's words as one text (summary, other wordings, tags, subject): what a search is
/// matched on.
pub fn said(m: &Memory) -> String {
    let mut said = m.summary.clone();
    for t in m.also_said.iter().chain(&m.tags).chain(m.subject.iter()) {
        said.push_str(". ");
        said.push_str(t);
    }
    said
}

/// A learning's index of terms, kept beside it (`text::index_of` of its words).
pub fn index(m: &Memory) -> String {
    super::text::index_of(&said(m))
}

/// The share of a question's terms a learning's words hold, themselves or through a concept of the
/// trade it names: from its kept index, or its words when the index was written by other rules.
fn coverage(asked: &super::text::Asked, m: &Memory) -> f64 {
    m.terms
        .as_deref()
        .and_then(|i| super::text::coverage_indexed(asked, i))
        .unwrap_or_else(|| super::text::coverage(asked, &said(m)))
}

/// Ranks candidates (each with its raw full-text relevance, higher is better, 0 when it did not
/// match) and keeps the best `q.limit`. With a context, a learning that fits less than half is left
/// out unless the text matched; with a text only, only matches are kept.
pub fn rank(
    q: &RecallQuery,
    candidates: Vec<(Memory, f64)>,
    now: Timestamp,
    settings: &RecallSettings,
) -> Vec<Recalled> {
    let has_text = q.has_text();
    let best_text = candidates.iter().map(|(_, t)| *t).fold(0.0f64, f64::max);
    let asked = q.q.as_deref().map(super::text::asked).unwrap_or_default();
    let mut out: Vec<Recalled> = candidates
        .into_iter()
        .filter(|(m, _)| !m.forgotten)
        .filter_map(|(m, raw)| {
            let context = context_fit(q, &m);
            // Half BM25 (scaled to the best match), half the share of the question's terms the
            // learning says (its phrases and synonyms read as one): a learning that says all of
            // "cost cap bidding" comes before one that says "bidding" often.
            let text = has_text.then(|| {
                let bm25 = if best_text > 0.0 {
                    (raw / best_text).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let covered = coverage(&asked, &m);
                0.5 * bm25 + 0.5 * covered
            });
            let keep = match (context, text) {
                (Some(c), Some(t)) => c >= 0.5 || t > 0.0,
                (Some(c), None) => c >= 0.5,
                (None, Some(t)) => t > 0.0,
                (None, None) => true,
            };
            if !keep {
                return None;
            }
            let (wc, wt) = (
                if context.is_some() { WEIGHT_CONTEXT } else { 0.0 },
                if text.is_some() { WEIGHT_TEXT } else { 0.0 },
            );
            let total = wc + wt + WEIGHT_RECENCY + WEIGHT_OUTCOME;
            let (context, text) = (context.unwrap_or(0.0), text.unwrap_or(0.0));
            let (recency, outcome) = (recency(&m, now, settings), outcome_strength(&m));
            let sum = wc * context + wt * text + WEIGHT_RECENCY * recency + WEIGHT_OUTCOME * outcome;
            let parts = ScoreParts {
                context: round(context),
                text: round(text),
                recency: round(recency),
                outcome: round(outcome),
                weights: Weights {
                    context: round(wc / total),
                    text: round(wt / total),
                    recency: round(WEIGHT_RECENCY / total),
                    outcome: round(WEIGHT_OUTCOME / total),
                },
            };
            Some(Recalled {
                memory: m,
                score: round(sum / total),
                parts,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.memory.updated_at.cmp(&a.memory.updated_at))
            .then(a.memory.id.cmp(&b.memory.id))
    });
    out.truncate(q.limit.max(1));
    out
}

/// In words, why a learning was recalled: "context 1.00 (same platform, action...), text 0.82".
pub fn explain(r: &Recalled) -> String {
    let mut parts = Vec::new();
    if r.parts.weights.context > 0.0 {
        parts.push(format!("context {:.2}", r.parts.context));
    }
    if r.parts.weights.text > 0.0 {
        parts.push(format!("text {:.2}", r.parts.text));
    }
    parts.push(format!("recency {:.2}", r.parts.recency));
    parts.push(format!("outcome {:.2}", r.parts.outcome));
    format!("score {:.2}: {}", r.score, parts.join(", "))
}
