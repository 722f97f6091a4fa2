//! How long a test must run: from the baseline rate, the smallest relative lift worth finding,
//! each arm's daily visitors, alpha and the power wanted, the visitors per arm and the days.
//! Fixed horizon as statsmodels' `NormalIndPower` on Cohen's h; the sequential mode's sample is
//! the one at which its confidence sequence (tuned to the fixed sample) clears zero with the
//! same power at one look.

use super::normal;
use super::proportions::{StatsError, check_alpha};
use super::sequential;
use serde::{Deserialize, Serialize};

/// What a test is planned for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerInput {
    /// The control's rate (0 to 1).
    pub baseline: f64,
    /// The smallest relative lift worth finding (0.1 = +10%; a fall when negative).
    pub relative_lift: f64,
    /// Visitors each arm gets a day.
    pub daily_visitors_per_arm: f64,
    pub alpha: f64,
    /// The chance of finding the lift when it is there (0.8 usually).
    pub power: f64,
}

/// The plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PowerPlan {
    /// Visitors per arm for a fixed-horizon test.
    pub visitors_per_arm: f64,
    /// Days for a fixed-horizon test.
    pub days: u64,
    /// Visitors per arm for the sequential test to clear zero with the same power.
    pub sequential_visitors_per_arm: f64,
    /// Days for the sequential test.
    pub sequential_days: u64,
}

/// Cohen's h between two rates.
pub fn cohens_h(p1: f64, p2: f64) -> f64 {
    2.0 * p1.sqrt().asin() - 2.0 * p2.sqrt().asin()
}

/// Power of the two-sided normal test with effect `h` and `n` per arm (equal arms).
fn power_at(h: f64, n: f64, alpha: f64) -> f64 {
    let crit = normal::critical(alpha);
    let shift = h.abs() * (n / 2.0).sqrt();
    normal::sf(crit - shift) + normal::sf(crit + shift)
}

/// The smallest `x` in [lo, hi] with `f(x) >= 0` for an increasing `f` (bisection).
fn solve(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) >= 0.0 {
            hi = mid;
        } else {
            lo = mid;
        }
        if hi - lo <= hi * 1e-13 {
            break;
        }
    }
    hi
}

fn days(visitors: f64, daily: f64) -> u64 {
    // Visitors per arm are a real number; days are whole (a count that is 1e-9 over a whole
    // number of days is that number).
    let d = visitors / daily;
    let rounded = d.round();
    if (d - rounded).abs() < 1e-9 {
        rounded as u64
    } else {
        d.ceil() as u64
    }
}

/// Plans a test.
pub fn plan(input: PowerInput) -> Result<PowerPlan, StatsError> {
    let PowerInput {
        baseline,
        relative_lift,
        daily_visitors_per_arm,
        alpha,
        power,
    } = input;
    check_alpha(alpha)?;
    if !(baseline > 0.0 && baseline < 1.0) {
        return Err(StatsError::Invalid(format!(
            "baseline must be a rate between 0 and 1 (got {baseline})"
        )));
    }
    let target = baseline * (1.0 + relative_lift);
    if !(relative_lift.is_finite() && relative_lift != 0.0 && target > 0.0 && target < 1.0) {
        return Err(StatsError::Invalid(format!(
            "relative_lift must be a change that keeps the rate between 0 and 1 (got {relative_lift})"
        )));
    }
    if !(daily_visitors_per_arm.is_finite() && daily_visitors_per_arm >= 1.0) {
        return Err(StatsError::Invalid(format!(
            "daily_visitors_per_arm must be at least 1 (got {daily_visitors_per_arm})"
        )));
    }
    if !(power > alpha && power < 1.0) {
        return Err(StatsError::Invalid(format!(
            "power must be between alpha and 1 (got {power})"
        )));
    }
    let h = cohens_h(target, baseline);
    // A start from the closed form, then the exact two-tailed power solved for.
    let guess = 2.0 * ((normal::critical(alpha) + normal::isf(1.0 - power)) / h).powi(2);
    let n = solve(1e-9, guess * 4.0 + 10.0, |n| power_at(h, n, alpha) - power);
    // Sequential: the confidence sequence, tuned to the fixed test's total sample, clears zero at
    // one look when the lift is `z_power` standard errors beyond its half-width.
    let tuning = (2.0 * n).max(1.0);
    let delta = (target - baseline).abs();
    let z_power = normal::isf(1.0 - power);
    let clears = |m: f64| {
        let var = (baseline * (1.0 - baseline) + target * (1.0 - target)) / m;
        let (lo, _) = sequential::interval(0.0, var, 2.0 * m, alpha, tuning);
        delta - (-lo) - z_power * var.sqrt()
    };
    let sequential_n = solve(1.0, n * 100.0 + 100.0, clears);
    if !(n.is_finite() && sequential_n.is_finite()) {
        return Err(StatsError::Invalid(
            "the lift is too small for these settings: no finite sample finds it".to_owned(),
        ));
    }
    Ok(PowerPlan {
        visitors_per_arm: n,
        days: days(n, daily_visitors_per_arm),
        sequential_visitors_per_arm: sequential_n,
        sequential_days: days(sequential_n, daily_visitors_per_arm),
    })
}

/// Parses `{"baseline", "relative_lift", "daily_visitors_per_arm", "alpha"?, "power"?}`, naming
/// every bad field; the plan's own checks then name what does not fit together.
pub fn parse(body: &serde_json::Value) -> Result<PowerInput, crate::validation::FieldErrors> {
    use crate::json_fields as f;
    let mut errors = crate::validation::FieldErrors::new();
    let Some(map) = body.as_object() else {
        return Err(crate::validation::FieldErrors::single(
            "body",
            "must be a JSON object",
        ));
    };
    f::known(
        map,
        "",
        &[
            "baseline",
            "relative_lift",
            "daily_visitors_per_arm",
            "alpha",
            "power",
        ],
        &mut errors,
    );
    let required =
        |key: &str, ok: &dyn Fn(f64) -> bool, rule: &str, errors: &mut crate::validation::FieldErrors| {
            let v = f::number(map.get(key), key, ok, rule, errors);
            if map.get(key).is_none_or(serde_json::Value::is_null) {
                errors.add(key, format!("is required: {rule}"));
            }
            v
        };
    let baseline = required(
        "baseline",
        &|x| x > 0.0 && x < 1.0,
        "the control's rate, between 0 and 1",
        &mut errors,
    );
    let relative_lift = required(
        "relative_lift",
        &|x| x != 0.0 && x > -1.0 && x < 100.0,
        "the smallest relative lift worth finding (0.2 for +20%), not 0",
        &mut errors,
    );
    let daily = required(
        "daily_visitors_per_arm",
        &|x| (1.0..=1e12).contains(&x),
        "visitors each variant gets a day, at least 1",
        &mut errors,
    );
    let alpha = f::number(
        map.get("alpha"),
        "alpha",
        crate::stats::proportions::alpha_ok,
        "must be a number from 1e-10 to below 0.5",
        &mut errors,
    )
    .unwrap_or(0.05);
    let power = f::number(
        map.get("power"),
        "power",
        |x| x > 0.0 && x < 1.0,
        "must be between 0 and 1",
        &mut errors,
    )
    .unwrap_or(0.8);
    match (baseline, relative_lift, daily) {
        (Some(baseline), Some(relative_lift), Some(daily_visitors_per_arm)) if errors.is_empty() => {
            Ok(PowerInput {
                baseline,
                relative_lift,
                daily_visitors_per_arm,
                alpha,
                power,
            })
        }
        _ => Err(errors),
    }
}
