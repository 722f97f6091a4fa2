//! A/B experiments: the stateless calculator and power plan, experiments on platform objects (create,
//! start, stop, change, delete), their results read from the platforms' reporting and evaluated.

use super::ServiceError;
use crate::experiments::ExperimentFilter;
use crate::experiments::input::{ExperimentPatch, NewExperiment};
use crate::experiments::{DecisionEntry, Evaluation, Experiment, VariantDay};
use crate::ids::ExperimentId;
use crate::stats::calculator::{AbInput, AbResult};
use crate::stats::power::{PowerInput, PowerPlan};
use crate::time::Timestamp;
use async_trait::async_trait;
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

#[async_trait]
pub trait ExperimentService: Send + Sync {
    /// Works out each two-arm test (checked by `stats::calculator::parse`), in order.
    fn calculate(&self, tests: &[AbInput]) -> Result<Vec<AbResult>, ServiceError>;
    /// How many visitors and days a test needs.
    fn plan(&self, input: PowerInput) -> Result<PowerPlan, ServiceError>;
    /// Creates an experiment (a draft, or running when asked to start), its variants checked
    /// against the project's campaigns.
    async fn create(&self, input: NewExperiment, who: &str) -> Result<Experiment, ServiceError>;
    async fn list(&self, filter: &ExperimentFilter) -> Result<ExperimentPage, ServiceError>;
    async fn get(&self, id: &ExperimentId) -> Result<Experiment, ServiceError>;
    async fn update(
        &self,
        id: &ExperimentId,
        patch: ExperimentPatch,
        who: &str,
    ) -> Result<Experiment, ServiceError>;
    /// Deletes an experiment that is not running.
    async fn delete(&self, id: &ExperimentId) -> Result<(), ServiceError>;
    async fn start(&self, id: &ExperimentId, who: &str) -> Result<Experiment, ServiceError>;
    async fn stop(&self, id: &ExperimentId, who: &str) -> Result<Experiment, ServiceError>;
    /// Reads a running experiment's daily results from the platform data, evaluates them
    /// (deciding when the rule says so), and answers everything known.
    async fn results(&self, id: &ExperimentId) -> Result<ExperimentResults, ServiceError>;
    /// Evaluates every running experiment (after a sync, and on a schedule); answers how many
    /// were decided now.
    async fn evaluate_running(&self) -> Result<usize, ServiceError>;
}
