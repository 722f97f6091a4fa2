//! Always-valid inference: the asymptotic confidence sequences of Waudby-Smith, Arnold, Wu,
//! Howard and Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences"
//! (2023, arXiv:2103.06476v7: eq. 9 for the interval, eq. 155 for the p-value, eq. 161 for
//! ρ), as GrowthBook's sequential mode (gbstats `SequentialTwoSidedTTest`) uses them.
//!
//! The interval holds at every look at once with probability 1 - alpha, so looking every day
//! and stopping the first time it leaves zero keeps the false-winner rate under alpha (a
//! fixed-horizon test looked at daily for 30 days calls about 28% of A/A tests). Its price is a
//! wider interval than the fixed test's at any one look; `tuning` (the total sample, both arms,
//! at which it is tightest; GrowthBook's default 5,000) sets where that price is lowest.

use super::proportions::StatsError;

/// GrowthBook's default tuning: the sequence is tightest at 5,000 units in all.
pub const DEFAULT_TUNING: f64 = 5000.0;

/// Checks a tuning sample.
pub fn check_tuning(tuning: f64) -> Result<(), StatsError> {
    if tuning.is_finite() && (1.0..=2e15).contains(&tuning) {
        Ok(())
    } else {
        Err(StatsError::Invalid(format!(
            "tuning must be a total sample from 1 to 2e15 (got {tuning})"
        )))
    }
}

/// ρ for `alpha` and `tuning` (eq. 161).
fn rho_squared(alpha: f64, tuning: f64) -> f64 {
    let l = -2.0 * alpha.ln();
    (l + (l + 1.0).ln()) / tuning
}

/// The confidence sequence of an estimate with variance `variance` (of the estimate itself) after
/// `n` units in all (eq. 9).
pub fn interval(estimate: f64, variance: f64, n: f64, alpha: f64, tuning: f64) -> (f64, f64) {
    let r2 = rho_squared(alpha, tuning);
    let s2 = variance * n;
    let t = n * r2 + 1.0;
    let width = s2.sqrt() * (2.0 * t * (t.sqrt() / alpha).ln() / (n * n * r2)).sqrt();
    (estimate - width, estimate + width)
}

/// The always-valid p-value of "no difference" (eq. 155): 1 / the e-value, at most 1; worked
/// out on logs, so a huge e-value gives a tiny p, not an overflow. 1 when the estimate has no
/// variance.
pub fn p_value(estimate: f64, variance: f64, n: f64, alpha: f64, tuning: f64) -> f64 {
    if variance.is_nan() || variance <= 0.0 {
        return 1.0;
    }
    let r2 = rho_squared(alpha, tuning);
    let st2 = estimate * estimate * n / variance;
    let t = n * r2 + 1.0;
    let log_e = r2 * st2 / (2.0 * t) - 0.5 * t.ln();
    (-log_e).exp().min(1.0)
}
