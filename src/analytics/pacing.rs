//! Budget pacing: how a budget is being spent over a period, where it will land, and whether that
//! is on track.
//!
//! * **Expected to date** is the budget spread over the period's days: evenly
//!   (`budget × elapsed days / period days`), or in proportion to the spender's own day-of-week
//!   pattern (`budget × Σ weight(elapsed days) / Σ weight(period days)`).
//! * **Projection**: what is spent plus the recent run rate (mean of the last seven days counted,
//!   reshaped by the day-of-week pattern when there is one) over the days left. The interval is 90%
//!   (z = 1.645) from the day-to-day spread: `z × sd × √(days left)`. Both are clamped to what the
//!   platform can deliver: Google spends at most 2× the daily budget on a day and bills at most
//!   30.4× it in a month; Meta spends at most 1.75× on a day; Pinterest's daily cap is a cap.
//! * **Status** compares the projection with the budget. The tolerance band tightens as the period
//!   runs out: ±20% on its first day down to ±5% on its last (`0.05 + 0.15 × (1 − elapsed share)`).

use super::range::DateRange;
use crate::money::Micros;
use crate::platform::Platform;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// 90% two-sided normal quantile.
pub const Z_90: f64 = 1.644_853_626_951_472_2;
/// Days of recent spend the run rate is taken over.
pub const RUN_RATE_DAYS: usize = 7;
/// Google's monthly charging limit, in average daily budgets.
pub const GOOGLE_MONTH_DAYS: f64 = 30.4;

/// What a platform may deliver around a daily budget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeliveryLimits {
    /// Most a single day may spend, as a multiple of the daily budget.
    pub max_daily_factor: f64,
    /// Most a calendar month may bill, in daily budgets (Google's 30.4).
    pub month_days: Option<f64>,
}

pub fn delivery_limits(platform: Platform) -> DeliveryLimits {
    match platform {
        Platform::Google => DeliveryLimits {
            max_daily_factor: 2.0,
            month_days: Some(GOOGLE_MONTH_DAYS),
        },
        Platform::Meta => DeliveryLimits {
            max_daily_factor: 1.75,
            month_days: None,
        },
        Platform::Pinterest => DeliveryLimits {
            max_daily_factor: 1.0,
            month_days: None,
        },
    }
}

/// A daily budget's worth over `period`: `daily × days`, except that on Google each calendar month
/// of the period counts at most 30.4 days (its monthly charging limit).
pub fn period_budget(platform: Platform, daily: Micros, period: &DateRange) -> Micros {
    let limits = delivery_limits(platform);
    let mut total = 0.0;
    let mut month = DateRange::month_of(period.from);
    loop {
        let from = month.from.max(period.from);
        let to = month.to.min(period.to);
        let days = ((to - from).num_days() + 1) as f64;
        let full_month = from == month.from && to == month.to;
        let counted = match limits.month_days {
            Some(cap) if full_month => days.min(cap),
            _ => days,
        };
        total += counted;
        match month.to.succ_opt() {
            Some(next) if next <= period.to => month = DateRange::month_of(next),
            _ => break,
        }
    }
    Micros::new((daily.get() as f64 * total).round() as i64)
}

/// A monthly budget's worth over `period`: each day counts `monthly / days in its month`.
pub fn prorated_monthly(monthly: Micros, period: &DateRange) -> Micros {
    let share: f64 = period
        .iter_days()
        .map(|d| 1.0 / DateRange::month_of(d).days() as f64)
        .sum();
    Micros::new((monthly.get() as f64 * share).round() as i64)
}

/// Spending weight of each weekday, Monday first, averaging 1. From at least two of every weekday
/// with some spend in `history` (date, spend); otherwise `None` (pace evenly).
pub fn weekday_weights(history: &[(NaiveDate, i64)]) -> Option<[f64; 7]> {
    let mut sum = [0f64; 7];
    let mut count = [0u32; 7];
    for (d, spend) in history {
        let w = d.weekday().num_days_from_monday() as usize;
        sum[w] += *spend as f64;
        count[w] += 1;
    }
    if count.iter().any(|c| *c < 2) {
        return None;
    }
    let mut mean = [0f64; 7];
    for w in 0..7 {
        mean[w] = sum[w] / count[w] as f64;
    }
    let overall = mean.iter().sum::<f64>() / 7.0;
    if overall <= 0.0 {
        return None;
    }
    Some(mean.map(|m| m / overall))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PacingMode {
    #[default]
    Even,
    /// By the spender's own day-of-week pattern.
    Weekday,
}

impl std::str::FromStr for PacingMode {
    type Err = crate::error::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "even" => Ok(PacingMode::Even),
            "weekday" | "day_of_week" => Ok(PacingMode::Weekday),
            _ => Err(crate::error::ParseError::invalid(
                "pacing",
                s,
                "expected even or weekday",
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PacingStatus {
    OnTrack,
    Over,
    Under,
    /// No budget to pace against.
    NoBudget,
    /// The period has not started (as of the date asked).
    NotStarted,
}

/// What pacing is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct PacingInput {
    pub period: DateRange,
    /// The last day counted as spent.
    pub as_of: NaiveDate,
    pub budget: Option<Micros>,
    /// Spend on each day from `period.from` through `min(as_of, period.to)`, days without delivery
    /// as zero.
    pub daily_spend: Vec<i64>,
    pub mode: PacingMode,
    /// Monday-first day-of-week weights (`weekday_weights`); used in `Weekday` mode.
    pub weights: Option<[f64; 7]>,
    /// Most a day can spend (daily budget × the platform's factor), if known.
    pub max_daily: Option<Micros>,
    /// Most the whole period can bill, if the platform has such a limit.
    pub period_cap: Option<Micros>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pacing {
    pub period: DateRange,
    pub as_of: NaiveDate,
    pub mode: PacingMode,
    pub days_elapsed: u32,
    pub days_total: u32,
    pub budget_micros: Option<i64>,
    pub spent_micros: i64,
    pub expected_micros: Option<i64>,
    /// Spent ÷ expected: 1.0 is exactly on pace.
    pub pace: Option<f64>,
    pub projected_micros: i64,
    pub projected_low_micros: i64,
    pub projected_high_micros: i64,
    /// Daily spend needed from here to land on the budget.
    pub required_daily_micros: Option<i64>,
    /// Share of the budget the projection may miss by and still be on track.
    pub tolerance: f64,
    /// `null` when there is nothing to pace: a project without campaigns this period.
    pub status: Option<PacingStatus>,
}

pub fn pace(input: &PacingInput) -> Pacing {
    let period = input.period;
    let days_total = period.days().max(1) as usize;
    let elapsed = if input.as_of < period.from {
        0
    } else {
        (((input.as_of.min(period.to)) - period.from).num_days() + 1) as usize
    };
    let spend = &input.daily_spend[..elapsed.min(input.daily_spend.len())];
    let spent: i64 = spend.iter().sum();
    let remaining = days_total - elapsed;
    let weights = match input.mode {
        PacingMode::Weekday => input.weights,
        PacingMode::Even => None,
    };
    let weight = |d: NaiveDate| weights.map_or(1.0, |w| w[d.weekday().num_days_from_monday() as usize]);
    let days: Vec<NaiveDate> = period.iter_days().collect();
    let total_weight: f64 = days.iter().map(|d| weight(*d)).sum();
    let elapsed_weight: f64 = days[..elapsed].iter().map(|d| weight(*d)).sum();

    let budget = input.budget.map(Micros::get);
    let expected = budget.map(|b| {
        if total_weight > 0.0 {
            (b as f64 * elapsed_weight / total_weight).round() as i64
        } else {
            0
        }
    });
    let pace = match expected {
        Some(e) if e > 0 => Some(spent as f64 / e as f64),
        _ => None,
    };

    // Run rate over the last days counted, and their spread.
    let recent = &spend[spend.len().saturating_sub(RUN_RATE_DAYS)..];
    let recent_days = &days[elapsed - recent.len()..elapsed];
    let n = recent.len() as f64;
    let mean = if recent.is_empty() {
        0.0
    } else {
        recent.iter().sum::<i64>() as f64 / n
    };
    let sd = if recent.len() < 2 {
        0.0
    } else {
        (recent.iter().map(|s| (*s as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    };
    let recent_weight = if recent.is_empty() {
        1.0
    } else {
        recent_days.iter().map(|d| weight(*d)).sum::<f64>() / n
    };
    let ahead: f64 = days[elapsed..]
        .iter()
        .map(|d| mean * weight(*d) / recent_weight.max(f64::EPSILON))
        .sum();
    let half = Z_90 * sd * (remaining as f64).sqrt();
    let spent_f = spent as f64;
    let mut ceiling = f64::INFINITY;
    if let Some(max) = input.max_daily {
        ceiling = ceiling.min(spent_f + max.get() as f64 * remaining as f64);
    }
    if let Some(cap) = input.period_cap {
        ceiling = ceiling.min((cap.get() as f64).max(spent_f));
    }
    let clamp = |v: f64| v.max(spent_f).min(ceiling).round() as i64;
    let projected = clamp(spent_f + ahead);
    let low = clamp(spent_f + ahead - half);
    let high = clamp(spent_f + ahead + half);

    let share = elapsed as f64 / days_total as f64;
    let tolerance = 0.05 + 0.15 * (1.0 - share);
    let status = Some(match budget {
        None => PacingStatus::NoBudget,
        Some(_) if elapsed == 0 => PacingStatus::NotStarted,
        Some(b) if b <= 0 => {
            if spent > 0 {
                PacingStatus::Over
            } else {
                PacingStatus::OnTrack
            }
        }
        Some(b) => {
            let ratio = projected as f64 / b as f64;
            if ratio > 1.0 + tolerance {
                PacingStatus::Over
            } else if ratio < 1.0 - tolerance {
                PacingStatus::Under
            } else {
                PacingStatus::OnTrack
            }
        }
    });
    let required = budget
        .and_then(|b| (remaining > 0).then(|| ((b - spent).max(0) as f64 / remaining as f64).round() as i64));
    Pacing {
        period,
        as_of: input.as_of,
        mode: input.mode,
        days_elapsed: elapsed as u32,
        days_total: days_total as u32,
        budget_micros: budget,
        spent_micros: spent,
        expected_micros: expected,
        pace,
        projected_micros: projected,
        projected_low_micros: low,
        projected_high_micros: high,
        required_daily_micros: required,
        tolerance,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_date;

    fn d(text: &str) -> NaiveDate {
        parse_date(text).unwrap_or_default()
    }
    const U: i64 = 1_000_000;

    fn november(as_of: &str, daily: Vec<i64>, budget: i64) -> PacingInput {
        PacingInput {
            period: DateRange::month_of(d("2026-11-01")),
            as_of: d(as_of),
            budget: Some(Micros::new(budget * U)),
            daily_spend: daily.into_iter().map(|s| s * U).collect(),
            mode: PacingMode::Even,
            weights: None,
            max_daily: None,
            period_cap: None,
        }
    }

    #[test]
    fn even_pace_on_track() {
        // 30-day month, 10 days at 100 against 3,000.
        let p = pace(&november("2026-11-10", vec![100; 10], 3_000));
        assert_eq!((p.days_elapsed, p.days_total), (10, 30));
        assert_eq!(p.spent_micros, 1_000 * U);
        assert_eq!(p.expected_micros, Some(1_000 * U));
        assert_eq!(p.pace, Some(1.0));
        assert_eq!(p.projected_micros, 3_000 * U);
        // No spread: the interval is the point.
        assert_eq!(
            (p.projected_low_micros, p.projected_high_micros),
            (3_000 * U, 3_000 * U)
        );
        assert_eq!(p.required_daily_micros, Some(100 * U));
        assert!((p.tolerance - 0.15).abs() < 1e-12);
        assert_eq!(p.status, Some(PacingStatus::OnTrack));
    }

    #[test]
    fn overspend_and_underspend() {
        let over = pace(&november("2026-11-10", vec![150; 10], 3_000));
        assert_eq!(over.projected_micros, 4_500 * U);
        assert_eq!(over.pace, Some(1.5));
        assert_eq!(over.status, Some(PacingStatus::Over));
        let under = pace(&november("2026-11-10", vec![60; 10], 3_000));
        assert_eq!(under.projected_micros, 1_800 * U);
        assert_eq!(under.status, Some(PacingStatus::Under));
        // Run rate 120 over the last seven days: 1,140 + 20 × 120 = 3,540, +18% against ±15%.
        let near = pace(&november(
            "2026-11-10",
            vec![100, 100, 100, 120, 120, 120, 120, 120, 120, 120],
            3_000,
        ));
        assert_eq!(near.projected_micros, 3_540 * U);
        assert_eq!(near.status, Some(PacingStatus::Over));
        // On the 27th the band is ±6.5%: 2,770 + 3 × 110 = 3,100 (+3.3%) is on track,
        // 2,840 + 3 × 120 = 3,200 (+6.7%) is over.
        let mut spend = vec![100; 20];
        spend.extend([110; 7]);
        let p = pace(&november("2026-11-27", spend, 3_000));
        assert!((p.tolerance - 0.065).abs() < 1e-12);
        assert_eq!(
            (p.projected_micros, p.status),
            (3_100 * U, Some(PacingStatus::OnTrack))
        );
        let mut spend = vec![100; 20];
        spend.extend([120; 7]);
        let p = pace(&november("2026-11-27", spend, 3_000));
        assert_eq!(
            (p.projected_micros, p.status),
            (3_200 * U, Some(PacingStatus::Over))
        );
    }

    #[test]
    fn interval_from_daily_spread() {
        // Last seven days 80,120,100,90,110,100,100: mean 100, sample sd √(1000/6).
        let mut spend = vec![100; 3];
        spend.extend([80, 120, 100, 90, 110, 100, 100]);
        let p = pace(&november("2026-11-10", spend, 3_000));
        let half = Z_90 * (1000.0f64 / 6.0).sqrt() * 20f64.sqrt() * U as f64;
        assert_eq!(p.projected_micros, 3_000 * U);
        assert_eq!(
            p.projected_high_micros,
            (3_000.0 * U as f64 + half).round() as i64
        );
        assert_eq!(p.projected_low_micros, (3_000.0 * U as f64 - half).round() as i64);
        // 94.97 either side.
        assert_eq!(p.projected_high_micros / U, 3_094);
    }

    #[test]
    fn platform_limits_bound_the_projection() {
        // Meta: a 100/day budget spends at most 175 a day.
        let mut input = november("2026-11-10", vec![300; 10], 3_000);
        input.max_daily = Some(Micros::new(175 * U));
        let p = pace(&input);
        assert_eq!(p.projected_micros, (3_000 + 20 * 175) * U);
        // Google: a 100/day campaign bills at most 3,040 in a month.
        let mut input = november("2026-11-10", vec![200; 10], 3_000);
        input.max_daily = Some(Micros::new(200 * U));
        input.period_cap = Some(Micros::new(3_040 * U));
        assert_eq!(pace(&input).projected_micros, 3_040 * U);
    }

    #[test]
    fn weekday_pattern_shapes_expectation() {
        // Weekend days spend twice a weekday.
        let w = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0];
        let mut input = november("2026-11-01", vec![200], 3_000);
        input.mode = PacingMode::Weekday;
        input.weights = Some(w);
        // November 2026 has 9 weekend days (1, 7, 8, 14, 15, 21, 22, 28, 29) and 21 weekdays:
        // total weight 21 + 18 = 39; the 1st is a Sunday (weight 2).
        let p = pace(&input);
        assert_eq!(
            p.expected_micros,
            Some((3_000.0 * 2.0 / 39.0 * U as f64).round() as i64)
        );
        // Run rate 200 on a weight-2 day: 100 per weight unit, 37 weight units left.
        assert_eq!(p.projected_micros, (200 + 3_700) * U);
        let mut even = input.clone();
        even.mode = PacingMode::Even;
        assert_eq!(pace(&even).expected_micros, Some(100 * U));
    }

    #[test]
    fn weights_from_history() {
        // Four weeks starting Monday 2026-11-02: weekdays 100, weekends 200.
        let history: Vec<(NaiveDate, i64)> = DateRange::new(d("2026-11-02"), d("2026-11-29"))
            .map(|r| {
                r.iter_days()
                    .map(|day| {
                        (
                            day,
                            if day.weekday().num_days_from_monday() >= 5 {
                                200
                            } else {
                                100
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let w = weekday_weights(&history).unwrap_or([0.0; 7]);
        // Mean of the seven means = 900 / 7.
        assert!((w[0] - 100.0 * 7.0 / 900.0).abs() < 1e-12);
        assert!((w[6] - 200.0 * 7.0 / 900.0).abs() < 1e-12);
        assert_eq!(weekday_weights(&history[..10]), None);
    }

    #[test]
    fn budgets_for_a_period() {
        let nov = DateRange::month_of(d("2026-11-01"));
        let oct = DateRange::month_of(d("2026-10-01"));
        let daily = Micros::new(100 * U);
        assert_eq!(period_budget(Platform::Meta, daily, &oct), Micros::new(3_100 * U));
        // Google bills at most 30.4 daily budgets in a month.
        assert_eq!(
            period_budget(Platform::Google, daily, &oct),
            Micros::new(3_040 * U)
        );
        assert_eq!(
            period_budget(Platform::Google, daily, &nov),
            Micros::new(3_000 * U)
        );
        let part = DateRange::new(d("2026-10-20"), d("2026-11-30")).unwrap_or(nov);
        assert_eq!(
            period_budget(Platform::Google, daily, &part),
            Micros::new((1_200 + 3_000) * U)
        );
        assert_eq!(
            prorated_monthly(
                Micros::new(3_100 * U),
                &DateRange::new(d("2026-10-01"), d("2026-10-10")).unwrap_or(oct)
            ),
            Micros::new(1_000 * U)
        );
        let nothing = pace(&PacingInput {
            budget: None,
            ..november("2026-11-10", vec![1; 10], 0)
        });
        assert_eq!(nothing.status, Some(PacingStatus::NoBudget));
        let early = pace(&november("2026-10-31", vec![], 3_000));
        assert_eq!(
            (early.status, early.days_elapsed, early.projected_micros),
            (Some(PacingStatus::NotStarted), 0, 0)
        );
    }
}
