//! Welch's t-test from each arm's mean, standard deviation and count, for metrics that are not
//! proportions (revenue per click, ROAS): as scipy's `ttest_ind_from_stats(equal_var=False)`.

use super::proportions::{Side, StatsError, check_alpha};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// One arm's sufficient statistics: mean, sample standard deviation and count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanArm {
    pub mean: f64,
    pub sd: f64,
    pub n: u64,
}

/// B against A: t, the Welch-Satterthwaite degrees of freedom, the two-sided p-value, and the
/// difference of means (B minus A) with its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WelchTest {
    pub t: f64,
    pub df: f64,
    pub p_value: f64,
    pub diff: f64,
    pub diff_ci: (f64, f64),
}

fn check(arm: &MeanArm, side: Side) -> Result<(), StatsError> {
    if arm.n < 2 {
        return Err(StatsError::Invalid(format!(
            "{}.n must be at least 2",
            side.as_str()
        )));
    }
    if !arm.mean.is_finite() {
        return Err(StatsError::Invalid(format!(
            "{}.mean must be a number",
            side.as_str()
        )));
    }
    if !(arm.sd.is_finite() && arm.sd >= 0.0) {
        return Err(StatsError::Invalid(format!(
            "{}.sd must be 0 or more",
            side.as_str()
        )));
    }
    Ok(())
}

/// Welch's unequal-variance t-test of B against A.
pub fn welch(a: MeanArm, b: MeanArm, alpha: f64) -> Result<WelchTest, StatsError> {
    check(&a, Side::A)?;
    check(&b, Side::B)?;
    check_alpha(alpha)?;
    let (va, vb) = (a.sd * a.sd / a.n as f64, b.sd * b.sd / b.n as f64);
    let se = (va + vb).sqrt();
    let diff = b.mean - a.mean;
    if se <= 0.0 {
        return Err(StatsError::Invalid(
            "a.sd and b.sd are both 0: there is no variation to test".to_owned(),
        ));
    }
    let df = (va + vb).powi(2) / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    let t = diff / se;
    let dist = StudentsT::new(0.0, 1.0, df).map_err(|e| StatsError::Invalid(e.to_string()))?;
    // Both tails from the lower one: cdf(-|t|) is a small number worked out directly.
    let p_value = (2.0 * dist.cdf(-t.abs())).min(1.0);
    let q = -dist.inverse_cdf(alpha / 2.0);
    Ok(WelchTest {
        t,
        df,
        p_value,
        diff,
        diff_ci: (diff - q * se, diff + q * se),
    })
}
