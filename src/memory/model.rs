//! A learning as it is kept and shown: its context, what was done, what followed, how often it was
//! seen and how sure we are.

use super::words::{
    BudgetBand, MemoryAction, MemoryAgent, MemoryKind, Metric, Objective, OutcomeStatus, OutcomeVerdict,
    SourceKind,
};
use crate::ids::{MemoryId, ProjectId};
use crate::platform::Platform;
use crate::time::Timestamp;
use crate::vertical::Vertical;
use serde::{Deserialize, Serialize};

/// Where a learning applies. Every field may be left out: the learning then applies more broadly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemoryContext {
    pub platform: Option<Platform>,
    pub objective: Option<Objective>,
    pub vertical: Option<Vertical>,
    /// A word for the people reached (prospecting, retargeting, lookalike, broad, ...).
    pub audience: Option<String>,
    pub budget_band: Option<BudgetBand>,
    /// 1 to 12: the month it happened in, for seasonal learnings.
    pub month: Option<u8>,
}

impl MemoryContext {
    /// The context and action in words ("Meta Ads sales Home decor retargeting Budget increase"):
    /// what every learning recorded in it says anyway, so a comparison of two of its texts leaves
    /// them out.
    pub fn words(&self, action: Option<MemoryAction>) -> String {
        let mut out: Vec<&str> = Vec::new();
        if let Some(p) = self.platform {
            out.push(p.label());
        }
        if let Some(o) = self.objective {
            out.push(o.label());
        }
        if let Some(v) = self.vertical {
            out.push(v.label());
        }
        if let Some(a) = &self.audience {
            out.push(a);
        }
        if let Some(a) = action {
            out.push(a.label());
        }
        out.join(" ")
    }
}

/// What followed a decision, on one metric. `change` is relative (`0.1` is +10%); `control_change` is
/// the change of the account's untouched campaigns over the same days, and `effect` the change net of
/// it (difference in differences). Averages over the measured observations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub metric: Metric,
    pub status: OutcomeStatus,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: Option<f64>,
    pub control_change: Option<f64>,
    pub effect: Option<f64>,
    /// Days observed after the change.
    pub days: Option<u32>,
    /// Spend the measurement covers, in micros of the account currency.
    pub spend_micros: Option<i64>,
    /// How many observations were measured.
    pub measured: u32,
    /// The net result of each measured sighting, newest first (at most 50).
    pub observed: Vec<f64>,
    pub verdict: Option<OutcomeVerdict>,
    /// Why it is inconclusive or pending, in words.
    pub note: Option<String>,
}

impl Outcome {
    pub fn pending(metric: Metric) -> Self {
        Outcome {
            metric,
            status: OutcomeStatus::Pending,
            before: None,
            after: None,
            change: None,
            control_change: None,
            effect: None,
            days: None,
            spend_micros: None,
            measured: 0,
            observed: Vec::new(),
            verdict: None,
            note: None,
        }
    }

    /// The effect to judge by: net of the control where there was one.
    pub fn net(&self) -> Option<f64> {
        self.effect.or(self.change)
    }
}

/// Good, bad or neutral: a net change of under 2% either way is neutral, and so is any change of a
/// metric that is neither better higher nor lower (spend).
pub fn verdict(metric: Metric, net: f64) -> OutcomeVerdict {
    use super::words::Better;
    if net.abs() < 0.02 {
        return OutcomeVerdict::Neutral;
    }
    match (metric.better(), net > 0.0) {
        (Better::Higher, true) | (Better::Lower, false) => OutcomeVerdict::Good,
        (Better::Higher, false) | (Better::Lower, true) => OutcomeVerdict::Bad,
        (Better::Neither, _) => OutcomeVerdict::Neutral,
    }
}

/// Where a learning came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemorySource {
    pub kind: SourceKind,
    /// The run and stage it was learned in.
    pub execution_id: Option<String>,
    pub stage_id: Option<String>,
    pub experiment_id: Option<String>,
    /// Who recorded it (`owner`, `api key key_…`).
    pub by: Option<String>,
}

impl MemorySource {
    /// Recorded by someone: a person (`SourceKind::Person`) or an outside system through the API.
    pub fn sent_by(kind: SourceKind, who: &str) -> Self {
        MemorySource {
            kind,
            execution_id: None,
            stage_id: None,
            experiment_id: None,
            by: Some(who.to_owned()),
        }
    }

    pub fn run(execution: &str, stage: &str) -> Self {
        MemorySource {
            kind: SourceKind::Run,
            execution_id: Some(execution.to_owned()),
            stage_id: Some(stage.to_owned()),
            experiment_id: None,
            by: None,
        }
    }
}

/// One learning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Memory {
    pub id: MemoryId,
    pub agent: MemoryAgent,
    pub kind: MemoryKind,
    /// The project it was learned on; agency-wide when `None`.
    pub project_id: Option<ProjectId>,
    pub platform: Option<Platform>,
    pub objective: Option<Objective>,
    pub vertical: Option<Vertical>,
    pub audience: Option<String>,
    pub budget_band: Option<BudgetBand>,
    pub month: Option<u8>,
    pub action: Option<MemoryAction>,
    /// What it is about when that is one object: `"Meta Ads campaign 120210 (Spring sale)"`.
    pub subject: Option<String>,
    pub summary: String,
    /// Other wordings it was recorded with (merged repeats), searched like the summary.
    #[serde(default)]
    pub also_said: Vec<String>,
    pub tags: Vec<String>,
    pub outcome: Option<Outcome>,
    /// How many times it was seen (merged repeats included).
    pub evidence: u32,
    /// 0 to 1; `confidence_reason` says how it was worked out.
    pub confidence: f64,
    pub confidence_reason: String,
    pub source: MemorySource,
    pub pinned: bool,
    pub forgotten: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub last_recalled_at: Option<Timestamp>,
    /// Its terms as recall matches them (`recall::index`), kept by the store when it is written;
    /// not part of the API.
    #[serde(skip)]
    pub terms: Option<String>,
}

impl Memory {
    pub fn context(&self) -> MemoryContext {
        MemoryContext {
            platform: self.platform,
            objective: self.objective,
            vertical: self.vertical,
            audience: self.audience.clone(),
            budget_band: self.budget_band,
            month: self.month,
        }
    }
}

/// One sighting of a learning: a change a run made, an experiment's result, a repeat recorded by a
/// person or a system. `key` makes it once-only (a resumed stage writes the same key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub key: Option<String>,
    pub status: OutcomeStatus,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: Option<f64>,
    pub control_change: Option<f64>,
    pub effect: Option<f64>,
    pub days: Option<u32>,
    pub spend_micros: Option<i64>,
    pub note: Option<String>,
    /// When the decision took effect (the change's day is `at.date()`).
    pub at: Timestamp,
    /// What was changed, to measure it later: `{connection_id, platform, campaign, ...}`.
    pub target: Option<serde_json::Value>,
}

impl Observation {
    /// The net effect when measured.
    pub fn net(&self) -> Option<f64> {
        (self.status == OutcomeStatus::Measured)
            .then(|| self.effect.or(self.change))
            .flatten()
    }
}
