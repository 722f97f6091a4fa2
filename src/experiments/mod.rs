//! A/B experiments on ad-platform objects: what is tested (variants pointing at platform objects,
//! a primary metric with guardrails, alpha, the decision mode), and the pure evaluation of their
//! daily results into per-variant figures, comparisons against the control, the lift over time
//! and the decision (on the statistics of [`crate::stats`]).

pub mod apply;
pub mod evaluate;
pub mod input;
pub mod learning;
pub mod model;
pub mod views;
pub mod words;

pub use evaluate::{Comparison, Decision, Evaluation, LiftPoint, VariantTotals, evaluate};
pub use model::{DecisionEntry, Experiment, ExperimentFilter, Guardrail, Variant, VariantDay};
pub use words::{DecisionMode, ExperimentMetric, ExperimentStatus, Level};
