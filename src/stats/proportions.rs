//! Two proportions (conversions out of visitors, clicks out of impressions): the pooled z-test,
//! the unpooled Wald interval of the difference and the relative lift's delta-method interval,
//! each as statsmodels works them out (`proportions_ztest`, `confint_proportions_2indep` with
//! `method="wald"`), and the always-valid versions of the same (see [`super::sequential`]).

use super::normal;
use super::sequential;
use serde::{Deserialize, Serialize};

/// One arm's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arm {
    pub conversions: u64,
    pub visitors: u64,
}

/// Which arm a field of a bad input is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Side {
    A,
    B,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }
}

/// Why counts or settings cannot be tested.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("{}.visitors must be at least 1", .0.as_str())]
    NoVisitors(Side),
    #[error("{}.conversions ({conversions}) is more than {}.visitors ({visitors})", .side.as_str(), .side.as_str())]
    MoreConversionsThanVisitors {
        side: Side,
        conversions: u64,
        visitors: u64,
    },
    #[error("alpha must be from 1e-10 to below 0.5 (got {0})")]
    Alpha(f64),
    #[error("{0}")]
    Invalid(String),
}

impl StatsError {
    /// The input field the error is about (`a.visitors`, `alpha`, ...).
    pub fn field(&self) -> String {
        match self {
            StatsError::NoVisitors(s) => format!("{}.visitors", s.as_str()),
            StatsError::MoreConversionsThanVisitors { side, .. } => format!("{}.conversions", side.as_str()),
            StatsError::Alpha(_) => "alpha".to_owned(),
            StatsError::Invalid(_) => "input".to_owned(),
        }
    }
}

impl Arm {
    /// The conversion rate.
    pub fn rate(&self) -> f64 {
        self.conversions as f64 / self.visitors as f64
    }

    fn check(&self, side: Side) -> Result<(), StatsError> {
        if self.visitors == 0 {
            return Err(StatsError::NoVisitors(side));
        }
        if self.conversions > self.visitors {
            return Err(StatsError::MoreConversionsThanVisitors {
                side,
                conversions: self.conversions,
                visitors: self.visitors,
            });
        }
        Ok(())
    }
}

/// The smallest significance level taken: below it the critical values leave what a float holds.
pub const ALPHA_MIN: f64 = 1e-10;

/// The largest count an arm may have (a quadrillion): beyond it a count is not a float's exact
/// whole number any more.
pub const COUNT_MAX: u64 = 1_000_000_000_000_000;

/// Whether `alpha` is a significance level the statistics take.
pub fn alpha_ok(alpha: f64) -> bool {
    alpha.is_finite() && (ALPHA_MIN..0.5).contains(&alpha)
}

/// Checks a significance level.
pub fn check_alpha(alpha: f64) -> Result<(), StatsError> {
    if alpha_ok(alpha) {
        Ok(())
    } else {
        Err(StatsError::Alpha(alpha))
    }
}

/// Fixed-horizon results of B against A (the control), all as B minus A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProportionTest {
    /// Pooled z statistic; 0 when neither arm varies (all or none converted in both).
    pub z: f64,
    /// Two-sided p-value of `z`.
    pub p_value: f64,
    /// Rate of B minus rate of A.
    pub diff: f64,
    /// The unpooled Wald interval of `diff` at 1 - alpha.
    pub diff_ci: (f64, f64),
    /// B's rate over A's, minus 1; `None` when A converted no one.
    pub relative_lift: Option<f64>,
    /// The delta-method interval of the relative lift at 1 - alpha.
    pub relative_lift_ci: Option<(f64, f64)>,
}

/// The pooled two-proportion z-test of B against A, with the intervals of the difference and of
/// the relative lift.
pub fn fixed(a: Arm, b: Arm, alpha: f64) -> Result<ProportionTest, StatsError> {
    a.check(Side::A)?;
    b.check(Side::B)?;
    check_alpha(alpha)?;
    let (na, nb) = (a.visitors as f64, b.visitors as f64);
    let (pa, pb) = (a.rate(), b.rate());
    let pooled = (a.conversions + b.conversions) as f64 / (na + nb);
    let se_pooled = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
    let diff = pb - pa;
    let z = if se_pooled > 0.0 { diff / se_pooled } else { 0.0 };
    let q = normal::critical(alpha);
    let se = variance_diff(a, b).sqrt();
    let lift = relative(a, b);
    Ok(ProportionTest {
        z,
        p_value: normal::two_sided_p(z),
        diff,
        diff_ci: (diff - q * se, diff + q * se),
        relative_lift: lift.map(|(l, _)| l),
        relative_lift_ci: lift.map(|(l, v)| (l - q * v.sqrt(), l + q * v.sqrt())),
    })
}

/// The unpooled variance of B's rate minus A's.
pub fn variance_diff(a: Arm, b: Arm) -> f64 {
    let (pa, pb) = (a.rate(), b.rate());
    pa * (1.0 - pa) / a.visitors as f64 + pb * (1.0 - pb) / b.visitors as f64
}

/// The relative lift and its delta-method variance (`var_b / (pa² nb) + var_a pb² / (pa⁴ na)`,
/// as gbstats works it out); `None` when A's rate is 0.
pub fn relative(a: Arm, b: Arm) -> Option<(f64, f64)> {
    let (pa, pb) = (a.rate(), b.rate());
    if pa <= 0.0 {
        return None;
    }
    let (na, nb) = (a.visitors as f64, b.visitors as f64);
    let var = pb * (1.0 - pb) / (pa * pa * nb) + pa * (1.0 - pa) * pb * pb / (pa.powi(4) * na);
    Some((pb / pa - 1.0, var))
}

/// Always-valid results of B against A at this look: the confidence sequences of the difference
/// and the relative lift, and their always-valid p-values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequentialProportions {
    pub p_value: f64,
    pub diff_ci: (f64, f64),
    pub relative_lift_p_value: Option<f64>,
    pub relative_lift_ci: Option<(f64, f64)>,
}

/// The always-valid p-value and interval of the difference (and of the relative lift) at the
/// sample seen so far; `tuning` is the total sample (both arms) the sequence is tightest at.
pub fn always_valid(a: Arm, b: Arm, alpha: f64, tuning: f64) -> Result<SequentialProportions, StatsError> {
    a.check(Side::A)?;
    b.check(Side::B)?;
    check_alpha(alpha)?;
    sequential::check_tuning(tuning)?;
    let n = (a.visitors + b.visitors) as f64;
    let diff = b.rate() - a.rate();
    let var = variance_diff(a, b);
    let lift = relative(a, b);
    Ok(SequentialProportions {
        p_value: sequential::p_value(diff, var, n, alpha, tuning),
        diff_ci: sequential::interval(diff, var, n, alpha, tuning),
        relative_lift_p_value: lift.map(|(l, v)| sequential::p_value(l, v, n, alpha, tuning)),
        relative_lift_ci: lift.map(|(l, v)| sequential::interval(l, v, n, alpha, tuning)),
    })
}
