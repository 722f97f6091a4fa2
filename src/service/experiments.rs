//! A/B experiments: the stateless calculator and power plan, experiments on platform objects (create,
//! start, stop, change, delete), their results read from the platforms' reporting and evaluated.

use super::ServiceError;
use crate::experiments::Experiment;
use crate::experiments::ExperimentFilter;
use crate::experiments::input::{ExperimentPatch, NewExperiment};
use crate::ids::ExperimentId;
use crate::stats::calculator::{AbInput, AbResult};
use crate::stats::power::{PowerInput, PowerPlan};
use async_trait::async_trait;

pub use crate::experiments::views::{
    ExperimentObject, ExperimentPage, ExperimentResults, ExperimentSummary, OBJECT_DAYS,
};

#[async_trait]
pub trait ExperimentService: Send + Sync {
    /// The project's objects an experiment on `platform` at `level` can test (campaigns from the
    /// synced data; Pinterest ads from its API), newest activity first.
    async fn objects(
        &self,
        project: &crate::ids::ProjectId,
        platform: crate::Platform,
        level: crate::experiments::Level,
    ) -> Result<Vec<ExperimentObject>, ServiceError>;
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
    /// were decided now. Also settles applies whose run ended while nobody heard of it.
    async fn evaluate_running(&self) -> Result<usize, ServiceError>;
    /// Applies a decided experiment's winner: starts a durable run (the project's "Apply A/B test
    /// winners" workflow, made on first use) whose SocialMediaBuyer pauses the losers and moves
    /// their budget to the winner. Asked again while that run goes on, or once applied, it
    /// answers the experiment as it is (one run per apply); after a failed run it starts another.
    async fn apply(&self, id: &ExperimentId, who: &str) -> Result<Experiment, ServiceError>;
    /// What the executor says when a run ends: an apply's run that completed marks its
    /// experiment applied; one that failed or was cancelled is written in its history.
    async fn run_ended(&self, run: &crate::ids::ExecutionId) -> Result<(), ServiceError>;
}
