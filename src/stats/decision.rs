//! When a two-arm test may call a winner: never before the minimum sample, never when the split
//! is off (sample-ratio mismatch), and then by the mode's rule: the always-valid interval of the
//! difference leaving zero (sequential, safe to check at every look), or the fixed test at the
//! planned sample (checked once).

use super::proportions::{self, Arm, Side, StatsError};
use super::srm;
use serde::{Deserialize, Serialize};

/// How a test decides.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Mode {
    /// Look as often as wanted; `tuning` is the total sample (both arms) the confidence
    /// sequence is tightest at (the planned sample, or GrowthBook's 5,000).
    Sequential { tuning: f64 },
    /// One look, when each arm has `planned_per_arm` visitors.
    Fixed { planned_per_arm: u64 },
}

/// The smallest sample either arm needs before any decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guard {
    pub min_visitors: u64,
    pub min_conversions: u64,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            min_visitors: 100,
            min_conversions: 25,
        }
    }
}

/// Why there is no winner (yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Wait {
    /// An arm has fewer visitors than the guard asks.
    TooFewVisitors { side: Side, visitors: u64, needed: u64 },
    /// An arm has fewer conversions than the guard asks.
    TooFewConversions {
        side: Side,
        conversions: u64,
        needed: u64,
    },
    /// The visitors did not split as configured: the assignment or tracking is broken.
    SampleRatioMismatch { p_value: f64 },
    /// A fixed test before its planned sample.
    PlannedSampleNotReached { visitors: u64, planned: u64 },
    /// The rule has not called it: the difference may still be 0.
    NotSignificant { p_value: f64 },
}

/// The verdict at one look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Winner {
        side: Side,
        p_value: f64,
        diff_ci: (f64, f64),
    },
    /// A fixed test that reached its sample without a difference: stop, no winner.
    NoDifference {
        p_value: f64,
    },
    Wait(Wait),
}

/// Decides B against A at this look. `weights` is the configured split (A's share, B's share).
pub fn decide(
    a: Arm,
    b: Arm,
    weights: (f64, f64),
    alpha: f64,
    mode: Mode,
    guard: Guard,
) -> Result<Verdict, StatsError> {
    let check = srm::check(&[a.visitors, b.visitors], &[weights.0, weights.1])?;
    if check.mismatch {
        return Ok(Verdict::Wait(Wait::SampleRatioMismatch {
            p_value: check.p_value,
        }));
    }
    for (side, arm) in [(Side::A, a), (Side::B, b)] {
        if arm.visitors < guard.min_visitors {
            return Ok(Verdict::Wait(Wait::TooFewVisitors {
                side,
                visitors: arm.visitors,
                needed: guard.min_visitors,
            }));
        }
    }
    for (side, arm) in [(Side::A, a), (Side::B, b)] {
        if arm.conversions < guard.min_conversions {
            return Ok(Verdict::Wait(Wait::TooFewConversions {
                side,
                conversions: arm.conversions,
                needed: guard.min_conversions,
            }));
        }
    }
    let (p_value, ci) = match mode {
        Mode::Sequential { tuning } => {
            let s = proportions::always_valid(a, b, alpha, tuning)?;
            (s.p_value, s.diff_ci)
        }
        Mode::Fixed { planned_per_arm } => {
            let least = a.visitors.min(b.visitors);
            if least < planned_per_arm {
                return Ok(Verdict::Wait(Wait::PlannedSampleNotReached {
                    visitors: least,
                    planned: planned_per_arm,
                }));
            }
            let t = proportions::fixed(a, b, alpha)?;
            if t.p_value >= alpha {
                return Ok(Verdict::NoDifference { p_value: t.p_value });
            }
            (t.p_value, t.diff_ci)
        }
    };
    Ok(if ci.0 > 0.0 {
        Verdict::Winner {
            side: Side::B,
            p_value,
            diff_ci: ci,
        }
    } else if ci.1 < 0.0 {
        Verdict::Winner {
            side: Side::A,
            p_value,
            diff_ci: ci,
        }
    } else {
        Verdict::Wait(Wait::NotSignificant { p_value })
    })
}
