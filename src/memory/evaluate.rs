//! Measuring a decision's outcome: the change of a metric over the days after a change against the
//! same number of days before it, net of the change of the same account's untouched campaigns over
//! the same days (difference in differences on relative changes).

use super::words::{Metric, OutcomeStatus};
use crate::metrics::MetricValues;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The windows of a change made on `day`: the `days` before it, and the `days` after it (the day
/// itself is left out of both: it was half before, half after).
pub fn windows(day: NaiveDate, days: u32) -> ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)) {
    let d = u64::from(days.max(1));
    let before = (day - Days::new(d), day - Days::new(1));
    let after = (day + Days::new(1), day + Days::new(d));
    (before, after)
}

/// Whether the after-window is over on `today` (its last day is yesterday or earlier).
pub fn is_due(day: NaiveDate, days: u32, today: NaiveDate) -> bool {
    windows(day, days).1.1 < today
}

/// Figures of one side (the changed campaigns, or the untouched ones) over both windows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Side {
    pub before: MetricValues,
    pub after: MetricValues,
    /// Days of the after-window that have figures.
    pub days_after: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub status: OutcomeStatus,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: Option<f64>,
    pub control_change: Option<f64>,
    pub effect: Option<f64>,
    pub days: u32,
    pub spend_micros: i64,
    pub note: Option<String>,
}

fn round(x: f64) -> f64 {
    (x * 1_000_000.0).round() / 1_000_000.0
}

fn rel(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    match (before, after) {
        (Some(b), Some(a)) if b.abs() > 1e-12 => Some(a / b - 1.0),
        _ => None,
    }
}

/// Measures `metric` for a change: `treated` is the changed campaign(s), `control` the account's
/// untouched ones (`None` when every campaign of the account was changed). Inconclusive when the
/// metric is undefined before or after the change (no spend, no conversions), or when fewer than
/// half the days after it have figures.
pub fn measure(metric: Metric, days: u32, treated: &Side, control: Option<&Side>) -> Measurement {
    let before = metric.of(&treated.before, days);
    let after = metric.of(&treated.after, days);
    let spend = treated.after.spend.get();
    let base = Measurement {
        status: OutcomeStatus::Inconclusive,
        before: before.map(round),
        after: after.map(round),
        change: None,
        control_change: None,
        effect: None,
        days,
        spend_micros: spend,
        note: None,
    };
    if treated.days_after * 2 < days {
        return Measurement {
            note: Some(format!(
                "only {} of the {days} days after the change have figures",
                treated.days_after
            )),
            ..base
        };
    }
    let Some(change) = rel(before, after) else {
        let side = if before.is_none() { "before" } else { "after" };
        return Measurement {
            note: Some(format!(
                "{} is not defined in the days {side} the change",
                metric.label()
            )),
            ..base
        };
    };
    let control_change = control.and_then(|c| rel(metric.of(&c.before, days), metric.of(&c.after, days)));
    let note = match (control, control_change) {
        (None, _) => {
            Some("no untouched campaign in the account to compare with: the change is not netted".to_owned())
        }
        (Some(_), None) => Some(format!(
            "the untouched campaigns' {} is not defined in both windows: the change is not netted",
            metric.label()
        )),
        _ => None,
    };
    Measurement {
        status: OutcomeStatus::Measured,
        change: Some(round(change)),
        control_change: control_change.map(round),
        effect: control_change.map(|c| round(change - c)),
        note,
        ..base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Micros;

    fn mv(spend: f64, conversions: f64, value: f64) -> MetricValues {
        MetricValues {
            spend: Micros::new((spend * 1e6) as i64),
            impressions: 10_000,
            clicks: 500,
            conversions,
            conversion_value: Micros::new((value * 1e6) as i64),
        }
    }

    #[test]
    fn windows_leave_out_the_day_of_the_change() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 10).expect("date");
        let ((b0, b1), (a0, a1)) = windows(day, 7);
        assert_eq!(
            (b0.to_string(), b1.to_string()),
            ("2026-11-03".into(), "2026-11-09".into())
        );
        assert_eq!(
            (a0.to_string(), a1.to_string()),
            ("2026-11-11".into(), "2026-11-17".into())
        );
        assert!(!is_due(
            day,
            7,
            NaiveDate::from_ymd_opt(2026, 11, 17).expect("date")
        ));
        assert!(is_due(
            day,
            7,
            NaiveDate::from_ymd_opt(2026, 11, 18).expect("date")
        ));
    }

    /// Worked by hand. The raised campaign: 700 spent for 2,800 of value before (ROAS 4.0), 840 for
    /// 3,024 after (ROAS 3.6): -10%. The account's untouched campaigns: 1,000 for 3,000 before (3.0),
    /// 1,000 for 2,850 after (2.85): -5%. Net of the account's drift: -10% - (-5%) = -5%.
    #[test]
    fn difference_in_differences_by_hand() {
        let treated = Side {
            before: mv(700.0, 70.0, 2800.0),
            after: mv(840.0, 72.0, 3024.0),
            days_after: 7,
        };
        let control = Side {
            before: mv(1000.0, 100.0, 3000.0),
            after: mv(1000.0, 95.0, 2850.0),
            days_after: 7,
        };
        let m = measure(Metric::Roas, 7, &treated, Some(&control));
        assert_eq!(m.status, OutcomeStatus::Measured);
        assert_eq!((m.before, m.after), (Some(4.0), Some(3.6)));
        assert_eq!(m.change, Some(-0.1));
        assert_eq!(m.control_change, Some(-0.05));
        assert_eq!(m.effect, Some(-0.05));
        assert_eq!(m.spend_micros, 840_000_000);
        assert_eq!(m.note, None);
        // CPA: 10.0 -> 11.666667 (+16.67%), control 10.0 -> 10.526316 (+5.26%): net +11.40%.
        let m = measure(Metric::Cpa, 7, &treated, Some(&control));
        assert_eq!(m.change, Some(0.166667));
        assert_eq!(m.control_change, Some(0.052632));
        assert_eq!(m.effect, Some(0.114035));
    }

    #[test]
    fn undefined_metrics_and_missing_days_are_inconclusive() {
        let treated = Side {
            before: mv(0.0, 0.0, 0.0),
            after: mv(100.0, 2.0, 300.0),
            days_after: 7,
        };
        let m = measure(Metric::Roas, 7, &treated, None);
        assert_eq!(m.status, OutcomeStatus::Inconclusive);
        assert!(
            m.note.as_deref().is_some_and(|n| n.contains("before")),
            "{:?}",
            m.note
        );
        let late = Side {
            before: mv(100.0, 2.0, 300.0),
            after: mv(10.0, 0.0, 0.0),
            days_after: 3,
        };
        let m = measure(Metric::Roas, 7, &late, None);
        assert_eq!(m.status, OutcomeStatus::Inconclusive);
        assert!(m.note.as_deref().is_some_and(|n| n.contains("3 of the 7")));
        // Without an untouched campaign the raw change is kept and said to be not netted.
        let ok = Side {
            before: mv(100.0, 2.0, 300.0),
            after: mv(100.0, 2.0, 330.0),
            days_after: 7,
        };
        let m = measure(Metric::Roas, 7, &ok, None);
        assert_eq!(
            (m.status, m.change, m.effect),
            (OutcomeStatus::Measured, Some(0.1), None)
        );
        assert!(m.note.is_some());
    }
}
