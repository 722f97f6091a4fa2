//! The agents' memory: learnings linked to their measured outcomes. Pure parts only: the
//! vocabularies, the learning's shape, the input parsers, the merge rules, recall scoring,
//! recommendations and the outcome measurement (difference in differences). Storage, capture from
//! runs and the evaluator's schedule are the server's.

pub mod capture;
pub mod evaluate;
pub mod input;
mod lexicon;
pub mod merge;
pub mod model;
pub mod recall;
pub mod recommend;
pub mod text;
pub mod words;

pub use model::{Memory, MemoryContext, MemorySource, Observation, Outcome};
pub use recall::{RecallQuery, Recalled, ScoreParts, Weights};
pub use recommend::{Advice, Recommendation};
pub use words::{
    BudgetBand, MemoryAction, MemoryAgent, MemoryKind, Metric, Objective, OutcomeStatus, OutcomeVerdict,
    SourceKind,
};

use serde::{Deserialize, Serialize};

/// A page of learnings and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemoryPage {
    pub items: Vec<Memory>,
    pub total: u64,
}

/// What a write came to: the learning, and whether it merged into one already there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recorded {
    pub memory: Memory,
    pub merged: bool,
}

/// Recommendations for a context, with the past outcomes they rest on; `message` says "no
/// learnings yet" when there are none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendations {
    pub items: Vec<Recommendation>,
    pub outcomes: Vec<Recalled>,
    pub message: Option<String>,
}

/// What one agent (or the people) learned: counts and the strongest learnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentLearned {
    pub agent: MemoryAgent,
    pub memories: u64,
    pub good: u64,
    pub bad: u64,
    pub pending: u64,
    /// Its most confident learnings (at most three).
    pub top: Vec<Memory>,
}

pub const NOTHING_YET: &str = "No learnings yet: they are made when runs change budgets, bids or statuses, when the Analyst reports, and when people record them.";
