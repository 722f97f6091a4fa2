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
