//! How the Experiments pages say their figures: p-values, lifts with their intervals, the metric's
//! value, a status's badge.

use crate::components::format::{locale, percent};
use switchboard_core::experiments::{ExperimentMetric, ExperimentStatus};

/// A p-value: four significant figures, or `< 0.0001`.
pub fn p_text(p: Option<f64>) -> String {
    match p {
        None => "—".to_owned(),
        Some(p) if p < 1e-4 => "< 0.0001".to_owned(),
        Some(p) => locale().number(p, 4),
    }
}

/// A relative change with its sign: `+12.3%`.
pub fn signed(v: f64) -> String {
    let sign = if v > 0.0 {
        "+"
    } else if v < 0.0 {
        "−"
    } else {
        ""
    };
    format!("{sign}{}%", locale().number((v * 100.0).abs(), 1))
}

/// A lift with its interval: `+12.3% (+1.0% to +24.9%)`.
pub fn lift_text(lift: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match (lift, ci) {
        (None, _) => "—".to_owned(),
        (Some(l), None) => signed(l),
        (Some(l), Some([lo, hi])) => format!("{} ({} to {})", signed(l), signed(lo), signed(hi)),
    }
}

/// The primary metric's value as people read it (rates in percent, money in the account's
/// currency units).
pub fn metric_value(metric: ExperimentMetric, v: Option<f64>) -> String {
    match metric {
        ExperimentMetric::Cvr | ExperimentMetric::Ctr => percent(v),
        ExperimentMetric::Cpa | ExperimentMetric::Rpc => {
            v.map_or_else(|| "—".to_owned(), |v| locale().number(v, 2))
        }
    }
}

/// A status's badge class.
pub fn status_class(s: ExperimentStatus) -> &'static str {
    match s {
        ExperimentStatus::Running => "badge badge--warn",
        ExperimentStatus::Decided | ExperimentStatus::Applied => "badge badge--ok",
        ExperimentStatus::Stopped => "badge badge--bad",
        ExperimentStatus::Draft => "badge badge--muted",
    }
}

/// The link to an experiment's page.
pub fn experiment_href(id: &str) -> String {
    format!("/experiments/{id}")
}
