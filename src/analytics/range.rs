//! Reporting windows: a validated date range, the period before it, and time buckets.

use crate::error::ParseError;
use crate::time::parse_date;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The longest window a report may cover, in days (three years and a bit).
pub const MAX_RANGE_DAYS: i64 = 1_100;
/// The window used when a request names neither end.
pub const DEFAULT_RANGE_DAYS: i64 = 30;

/// Days `from` through `to`, both included, in the ad accounts' local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, ParseError> {
        if from > to {
            return Err(ParseError::invalid(
                "date range",
                &format!("{from}..{to}"),
                "'from' is after 'to'",
            ));
        }
        let range = DateRange { from, to };
        if range.days() > MAX_RANGE_DAYS {
            return Err(ParseError::invalid(
                "date range",
                &format!("{from}..{to}"),
                "longer than 1,100 days",
            ));
        }
        Ok(range)
    }

    /// Reads `from` / `to` as a request gives them. Neither: the 30 days ending `today`; only `to`:
    /// the 30 days ending then; only `from`: from then through `today`.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Self, ParseError> {
        let given = |v: Option<&str>| -> Result<Option<NaiveDate>, ParseError> {
            match v.map(str::trim) {
                None | Some("") => Ok(None),
                Some(text) => parse_date(text).map(Some),
            }
        };
        DateRange::resolve(given(from)?, given(to)?, today)
    }

    /// The window a request names, with the same defaults as [`DateRange::parse`].
    pub fn resolve(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, ParseError> {
        let to = to.unwrap_or(today);
        let from = match from {
            Some(f) => f,
            None => to
                .checked_sub_days(Days::new((DEFAULT_RANGE_DAYS - 1) as u64))
                .unwrap_or(to),
        };
        DateRange::new(from, to)
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The window of the same length that ends the day before this one starts.
    pub fn previous(&self) -> DateRange {
        let len = self.days() as u64;
        let to = self.from.pred_opt().unwrap_or(self.from);
        let from = self.from.checked_sub_days(Days::new(len)).unwrap_or(to);
        DateRange { from, to }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Every day of the range, in order.
    pub fn iter_days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let to = self.to;
        self.from.iter_days().take_while(move |d| *d <= to)
    }

    /// The calendar month holding `date`.
    pub fn month_of(date: NaiveDate) -> DateRange {
        let from = date.with_day(1).unwrap_or(date);
        let to = from
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(date);
        DateRange { from, to }
    }

    /// The ISO week (Monday to Sunday) holding `date`.
    pub fn week_of(date: NaiveDate) -> DateRange {
        let from = Granularity::Week.bucket_start(date);
        let to = from.checked_add_days(Days::new(6)).unwrap_or(from);
        DateRange { from, to }
    }

    /// The calendar quarter holding `date`.
    pub fn quarter_of(date: NaiveDate) -> DateRange {
        let first_month = (date.month0() / 3) * 3 + 1;
        let from = NaiveDate::from_ymd_opt(date.year(), first_month, 1).unwrap_or(date);
        let to = from
            .checked_add_months(Months::new(3))
            .and_then(|d| d.pred_opt())
            .unwrap_or(date);
        DateRange { from, to }
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.from, self.to)
    }
}

/// How a series is bucketed in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Granularity {
    #[default]
    Day,
    /// ISO weeks, starting on Monday.
    Week,
    /// Calendar months.
    Month,
}

impl Granularity {
    pub const ALL: [Granularity; 3] = [Granularity::Day, Granularity::Week, Granularity::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
    }

    /// The first day of the bucket holding `date`.
    pub fn bucket_start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => date,
            Granularity::Week => date
                .checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
                .unwrap_or(date),
            Granularity::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// The start of every bucket that touches `range`, in order. The first may start before
    /// `range.from` (a week or month already under way); it only counts the days inside the range.
    pub fn buckets(self, range: &DateRange) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut at = self.bucket_start(range.from);
        while at <= range.to {
            out.push(at);
            let next = match self {
                Granularity::Day => at.succ_opt(),
                Granularity::Week => at.checked_add_days(Days::new(7)),
                Granularity::Month => at.checked_add_months(Months::new(1)),
            };
            match next {
                Some(n) => at = n,
                None => break,
            }
        }
        out
    }
}

impl FromStr for Granularity {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Granularity::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError::invalid("granularity", s, "expected day, week or month"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        parse_date(text).unwrap_or_default()
    }

    #[test]
    fn ranges_are_checked() {
        assert!(DateRange::new(d("2026-03-02"), d("2026-03-01")).is_err());
        assert!(DateRange::new(d("2022-06-01"), d("2026-01-01")).is_err());
        let r = DateRange::new(d("2026-03-01"), d("2026-03-31")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.days(), 31);
        assert_eq!(
            r.previous(),
            DateRange {
                from: d("2026-01-29"),
                to: d("2026-02-28")
            }
        );
        assert!(r.contains(d("2026-03-31")) && !r.contains(d("2026-04-01")));
        assert_eq!(r.iter_days().count(), 31);
    }

    #[test]
    fn request_defaults() {
        let today = d("2026-11-25");
        let r = DateRange::parse(None, None, today).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.from, r.to), (d("2026-10-27"), today));
        let r = DateRange::parse(Some("2026-11-01"), Some(""), today).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.from, r.to), (d("2026-11-01"), today));
        assert!(DateRange::parse(Some("2026-11-31"), None, today).is_err());
        assert!(DateRange::parse(Some("2026-12-01"), Some("2026-11-01"), today).is_err());
    }

    #[test]
    fn periods_and_buckets() {
        assert_eq!(
            DateRange::month_of(d("2024-02-10")),
            DateRange {
                from: d("2024-02-01"),
                to: d("2024-02-29")
            }
        );
        // 2026-11-25 is a Wednesday.
        assert_eq!(DateRange::week_of(d("2026-11-25")).from, d("2026-11-23"));
        assert_eq!(DateRange::quarter_of(d("2026-11-25")).from, d("2026-10-01"));
        assert_eq!(DateRange::quarter_of(d("2026-11-25")).to, d("2026-12-31"));
        let r = DateRange::new(d("2026-01-28"), d("2026-03-02")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            Granularity::Month.buckets(&r),
            vec![d("2026-01-01"), d("2026-02-01"), d("2026-03-01")]
        );
        assert_eq!(Granularity::Week.buckets(&r).first(), Some(&d("2026-01-26")));
        assert_eq!(Granularity::Week.buckets(&r).len(), 6);
        assert_eq!(Granularity::Day.buckets(&r).len(), 34);
        assert_eq!("WEEK".parse::<Granularity>(), Ok(Granularity::Week));
        assert!("hour".parse::<Granularity>().is_err());
    }
}
