//! What the experiments' pages and API answer besides an experiment itself: a page of them with
//! their headlines, one with its results, and the objects a new one can test.

use super::{DecisionEntry, Evaluation, Experiment, VariantDay};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A page of experiments with the total that match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperimentPage {
    pub items: Vec<ExperimentSummary>,
    pub total: u64,
}

/// An experiment with the headline of its latest evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperimentSummary {
    #[serde(flatten)]
    pub experiment: Experiment,
    /// The best variant's lift against the control, as last evaluated.
    pub lift: Option<f64>,
    /// The p-value the decision reads (adjusted), as last evaluated.
    pub p_value: Option<f64>,
    /// What the rule said last, in words.
    pub decision: Option<String>,
}

/// An experiment with its latest evaluation, daily results and decision history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperimentResults {
    pub experiment: Experiment,
    pub evaluation: Option<Evaluation>,
    pub evaluated_at: Option<Timestamp>,
    pub days: Vec<VariantDay>,
    pub history: Vec<DecisionEntry>,
}

/// A platform object an experiment can test, with its delivery over the last 14 days (what the
/// power plan reads: the visitors an arm gets a day, and the baseline rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperimentObject {
    /// The platform's id (what a variant's `object_id` is).
    pub id: String,
    pub name: String,
    pub active: bool,
    /// An ad's ad group, by name.
    pub group: Option<String>,
    /// An ad's ad group, by its platform id.
    pub group_id: Option<String>,
    /// Per day, over the last 14 days.
    pub daily_impressions: f64,
    pub daily_clicks: f64,
    pub daily_conversions: f64,
}

/// The days of delivery [`ExperimentObject`] averages.
pub const OBJECT_DAYS: u32 = 14;
