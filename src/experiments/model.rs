//! An experiment and its daily results.

use super::words::{DecisionMode, ExperimentMetric, ExperimentStatus, Level};
use crate::ids::{ExecutionId, ExperimentId, ProjectId};
use crate::platform::Platform;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One arm: a platform object (a campaign, ad group or ad by its platform id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    /// `a`, `b`, `c`, … in the order given; `a` is the control unless another is marked.
    pub key: String,
    pub name: String,
    /// The platform's id of the object.
    pub object_id: String,
    /// Its share of the traffic as configured (any positive numbers; normalized).
    pub weight: f64,
    /// The control the others are compared with (exactly one).
    pub control: bool,
}

/// A metric that must not get worse by more than `max_worse` (relative: 0.1 = 10%) for a winner
/// to be declared.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Guardrail {
    pub metric: ExperimentMetric,
    pub max_worse: f64,
}

/// An A/B experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Experiment {
    pub id: ExperimentId,
    pub project_id: ProjectId,
    pub name: String,
    pub hypothesis: String,
    pub platform: Platform,
    pub level: Level,
    pub metric: ExperimentMetric,
    pub guardrails: Vec<Guardrail>,
    pub alpha: f64,
    pub mode: DecisionMode,
    /// Fixed mode: the visitors per arm at which it is read; sequential: the sample the
    /// always-valid interval is tuned to (per arm).
    pub planned_per_arm: Option<u64>,
    pub auto_apply: bool,
    pub status: ExperimentStatus,
    pub variants: Vec<Variant>,
    /// The first day of results counted (the start, or a chosen earlier day).
    pub started_on: Option<NaiveDate>,
    /// The last day counted, once stopped or decided.
    pub ended_on: Option<NaiveDate>,
    /// The winning variant's key, once decided.
    pub winner: Option<String>,
    /// The run that applied the winner.
    pub applied_by: Option<ExecutionId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Experiment {
    /// The control variant.
    pub fn control(&self) -> Option<&Variant> {
        self.variants.iter().find(|v| v.control)
    }

    pub fn variant(&self, key: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.key == key)
    }
}

/// One variant's figures on one day, as the platform reported them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantDay {
    pub variant: String,
    pub date: NaiveDate,
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: f64,
    pub spend_micros: i64,
    pub revenue_micros: i64,
}

/// Which experiments to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExperimentFilter {
    pub project_id: Option<ProjectId>,
    pub status: Option<ExperimentStatus>,
    pub limit: u32,
    pub offset: u32,
}

/// One entry of an experiment's decision history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionEntry {
    pub at: crate::time::Timestamp,
    /// `winner`, `no_difference`, `waiting`, `blocked`, or what a person did (`started`,
    /// `stopped`, `applied`).
    pub state: String,
    pub winner: Option<String>,
    pub message: String,
    /// The last day of results it read.
    pub through: Option<NaiveDate>,
}

/// Experiments for the core's tests.
#[cfg(test)]
pub(crate) mod sample {
    use super::*;

    /// A running Pinterest campaign test on conversion rate per click (sequential, alpha 0.05) of
    /// these variants.
    pub fn experiment(variants: Vec<Variant>) -> Experiment {
        let now = Timestamp::parse("2026-12-01T00:00:00Z").expect("time");
        Experiment {
            id: ExperimentId::parse("exp_0001").expect("id"),
            project_id: ProjectId::parse("proj_0001").expect("id"),
            name: "Headline test".to_owned(),
            hypothesis: "A benefit-led headline converts better".to_owned(),
            platform: Platform::Pinterest,
            level: Level::Campaigns,
            metric: ExperimentMetric::Cvr,
            guardrails: Vec::new(),
            alpha: 0.05,
            mode: DecisionMode::Sequential,
            planned_per_arm: None,
            auto_apply: false,
            status: ExperimentStatus::Running,
            variants,
            started_on: None,
            ended_on: None,
            winner: None,
            applied_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// Variant `i` (key `a`, `b`, …; the first is the control).
    pub fn variant(i: usize, name: &str, object_id: &str, weight: f64) -> Variant {
        Variant {
            key: ((b'a' + u8::try_from(i).expect("a few variants")) as char).to_string(),
            name: name.to_owned(),
            object_id: object_id.to_owned(),
            weight,
            control: i == 0,
        }
    }
}
