//! Two Poisson rates (events per unit of exposure: conversions per unit of spend, whose inverse
//! is the cost per conversion): the Wald test and interval of the difference, as statsmodels'
//! `test_poisson_2indep` / `confint_poisson_2indep` (`method="wald"`, `compare="diff"`), the
//! ratio's delta-method interval, and the always-valid versions (see [`super::sequential`]).

use super::normal;
use super::proportions::{Side, StatsError, check_alpha};
use super::sequential;
use serde::{Deserialize, Serialize};

/// One arm's events and exposure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateArm {
    pub events: u64,
    pub exposure: f64,
}

impl RateArm {
    pub fn rate(&self) -> f64 {
        self.events as f64 / self.exposure
    }

    fn check(&self, side: Side) -> Result<(), StatsError> {
        if !(self.exposure.is_finite() && self.exposure > 0.0) {
            return Err(StatsError::Invalid(format!(
                "{}.exposure must be more than 0",
                side.as_str()
            )));
        }
        Ok(())
    }
}

/// B against A, every difference B minus A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateTest {
    pub z: f64,
    pub p_value: f64,
    pub diff: f64,
    pub diff_ci: (f64, f64),
    /// B's rate over A's; `None` when A had no events.
    pub ratio: Option<f64>,
    /// The ratio's interval (on the log scale, back-transformed; Poisson variance `1/xa + 1/xb`).
    pub ratio_ci: Option<(f64, f64)>,
}

fn variance(a: RateArm, b: RateArm) -> f64 {
    a.events as f64 / (a.exposure * a.exposure) + b.events as f64 / (b.exposure * b.exposure)
}

fn ratio(a: RateArm, b: RateArm, q: f64) -> (Option<f64>, Option<(f64, f64)>) {
    if a.events == 0 || b.events == 0 {
        return ((a.events > 0).then(|| b.rate() / a.rate()), None);
    }
    let r = b.rate() / a.rate();
    let se = (1.0 / a.events as f64 + 1.0 / b.events as f64).sqrt();
    (Some(r), Some((r * (-q * se).exp(), r * (q * se).exp())))
}

/// The fixed-horizon Wald test of the two rates.
pub fn fixed(a: RateArm, b: RateArm, alpha: f64) -> Result<RateTest, StatsError> {
    a.check(Side::A)?;
    b.check(Side::B)?;
    check_alpha(alpha)?;
    let diff = b.rate() - a.rate();
    let se = variance(a, b).sqrt();
    let z = if se > 0.0 { diff / se } else { 0.0 };
    let q = normal::critical(alpha);
    let (ratio, ratio_ci) = ratio(a, b, q);
    Ok(RateTest {
        z,
        p_value: normal::two_sided_p(z),
        diff,
        diff_ci: (diff - q * se, diff + q * se),
        ratio,
        ratio_ci,
    })
}

/// The always-valid p-value and interval of the difference; `n` is the sample the sequence
/// counts (both arms' events, the units that carry the information).
pub fn always_valid(
    a: RateArm,
    b: RateArm,
    alpha: f64,
    tuning: f64,
) -> Result<(f64, (f64, f64)), StatsError> {
    a.check(Side::A)?;
    b.check(Side::B)?;
    check_alpha(alpha)?;
    sequential::check_tuning(tuning)?;
    let n = (a.events + b.events).max(1) as f64;
    let diff = b.rate() - a.rate();
    let var = variance(a, b);
    Ok((
        sequential::p_value(diff, var, n, alpha, tuning),
        sequential::interval(diff, var, n, alpha, tuning),
    ))
}
