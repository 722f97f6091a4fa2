//! Sample-ratio mismatch: whether the visitors split across the arms as configured, by the
//! chi-square goodness-of-fit test (scipy's `chisquare`). A mismatch (p below
//! [`SRM_THRESHOLD`]) means the assignment or the tracking is broken, so no winner is declared.

use super::proportions::StatsError;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The p-value under which the split is called a mismatch (as GrowthBook and Optimizely do).
pub const SRM_THRESHOLD: f64 = 0.001;

/// The check's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SrmCheck {
    pub chi2: f64,
    pub p_value: f64,
    /// p below [`SRM_THRESHOLD`].
    pub mismatch: bool,
}

/// Tests the observed visitors per arm against the configured weights (any positive numbers;
/// they are normalized).
pub fn check(observed: &[u64], weights: &[f64]) -> Result<SrmCheck, StatsError> {
    if observed.len() < 2 || observed.len() != weights.len() {
        return Err(StatsError::Invalid(
            "the split check needs one weight for each of at least two arms".to_owned(),
        ));
    }
    if weights.iter().any(|w| !(w.is_finite() && *w > 0.0)) {
        return Err(StatsError::Invalid(
            "every arm's weight must be more than 0".to_owned(),
        ));
    }
    let total: f64 = observed.iter().map(|o| *o as f64).sum();
    let weight: f64 = weights.iter().sum();
    if total == 0.0 {
        return Ok(SrmCheck {
            chi2: 0.0,
            p_value: 1.0,
            mismatch: false,
        });
    }
    let chi2: f64 = observed
        .iter()
        .zip(weights)
        .map(|(o, w)| {
            let e = total * w / weight;
            (*o as f64 - e).powi(2) / e
        })
        .sum();
    let dist =
        ChiSquared::new((observed.len() - 1) as f64).map_err(|e| StatsError::Invalid(e.to_string()))?;
    let p_value = dist.sf(chi2);
    Ok(SrmCheck {
        chi2,
        p_value,
        mismatch: p_value < SRM_THRESHOLD,
    })
}
