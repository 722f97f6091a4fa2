//! Cron expressions for scheduled workflows: the five standard fields (minute, hour, day of month,
//! month, day of week) with `*`, lists, ranges and steps, plus `@hourly`, `@daily`, `@weekly`,
//! `@monthly`. Times are UTC. When both day fields are restricted, a day matches if either does
//! (as in Vixie cron).

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronError(String);

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CronError {}

/// A parsed expression: for each field, which values match (bit i = value i).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    days_restricted: bool,
    weekdays_restricted: bool,
}

const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
];

fn field(text: &str, (name, lo, hi): (&str, u32, u32)) -> Result<u64, CronError> {
    let bad = |why: &str| CronError(format!("{name} '{text}': {why}"));
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().map_err(|_| bad("the step is not a number"))?),
            None => (part, 1),
        };
        if step == 0 {
            return Err(bad("the step must be at least 1"));
        }
        let (from, to) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            let a = a.parse::<u32>().map_err(|_| bad("not a number"))?;
            let b = b.parse::<u32>().map_err(|_| bad("not a number"))?;
            (a, b)
        } else {
            let v = range.parse::<u32>().map_err(|_| bad("not a number"))?;
            // `5/15` means from 5 to the end in steps of 15.
            (v, if part.contains('/') { hi } else { v })
        };
        if from < lo || to > hi || from > to {
            return Err(bad(&format!("values run from {lo} to {hi}")));
        }
        let mut v = from;
        while v <= to {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

impl Cron {
    pub fn parse(text: &str) -> Result<Cron, CronError> {
        let text = text.trim();
        let expanded = match text {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            other => other,
        };
        let parts: Vec<&str> = expanded.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(CronError(format!(
                "'{text}' is not a cron expression: give five fields (minute hour day month weekday), e.g. '0 9 * * 1'"
            )));
        }
        let mut weekdays = field(parts[4], FIELDS[4])?;
        // 7 is Sunday too.
        if weekdays & (1 << 7) != 0 {
            weekdays = (weekdays | 1) & !(1 << 7);
        }
        Ok(Cron {
            minutes: field(parts[0], FIELDS[0])?,
            hours: field(parts[1], FIELDS[1])?,
            days: field(parts[2], FIELDS[2])?,
            months: field(parts[3], FIELDS[3])?,
            weekdays,
            days_restricted: parts[2] != "*",
            weekdays_restricted: parts[4] != "*",
        })
    }

    fn day_matches(&self, t: &DateTime<Utc>) -> bool {
        let dom = self.days & (1 << t.day()) != 0;
        let dow = self.weekdays & (1 << t.weekday().num_days_from_sunday()) != 0;
        match (self.days_restricted, self.weekdays_restricted) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        }
    }

    pub fn matches(&self, t: &DateTime<Utc>) -> bool {
        self.minutes & (1 << t.minute()) != 0
            && self.hours & (1 << t.hour()) != 0
            && self.months & (1 << t.month()) != 0
            && self.day_matches(t)
    }

    /// The first matching minute strictly after `after` (within five years, else `None`).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
        let limit = start + Duration::days(366 * 5);
        let mut t = start;
        while t < limit {
            if self.months & (1 << t.month()) == 0 {
                // Skip to the first day of the next month.
                let (y, m) = if t.month() == 12 {
                    (t.year() + 1, 1)
                } else {
                    (t.year(), t.month() + 1)
                };
                t = chrono::NaiveDate::from_ymd_opt(y, m, 1)?
                    .and_hms_opt(0, 0, 0)?
                    .and_utc();
                continue;
            }
            if !self.day_matches(&t) {
                t = (t + Duration::days(1)).with_hour(0)?.with_minute(0)?;
                continue;
            }
            if self.hours & (1 << t.hour()) == 0 {
                t = (t + Duration::hours(1)).with_minute(0)?;
                continue;
            }
            if self.minutes & (1 << t.minute()) == 0 {
                t += Duration::minutes(1);
                continue;
            }
            return Some(t);
        }
        None
    }
}

/// Whether a schedule is due at `now`, given the last time it ran (or was made): the fire time it is
/// due for (the latest one passed, so runs missed while the server was down make up one run).
pub fn due(cron: &Cron, last: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let first = cron.next_after(last).filter(|t| *t <= now)?;
    let mut latest = first;
    // Walk to the latest missed time (bounded: a minute-by-minute cron missed for a week is 10,080 steps).
    for _ in 0..20_000 {
        match cron.next_after(latest) {
            Some(t) if t <= now => latest = t,
            _ => break,
        }
    }
    Some(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    // Reference values as Python's croniter computes them (croniter(expr, start).get_next()).
    #[test]
    fn next_runs_match_croniter() {
        let cases = [
            ("0 9 * * 1", "2026-11-24T10:00:00Z", "2026-11-30T09:00:00Z"),
            ("*/15 * * * *", "2026-11-24T10:07:30Z", "2026-11-24T10:15:00Z"),
            ("0 0 1 * *", "2026-11-24T10:00:00Z", "2026-12-01T00:00:00Z"),
            ("30 8 * * 1-5", "2026-11-27T09:00:00Z", "2026-11-30T08:30:00Z"),
            ("0 12 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"),
            ("0 0 13 * 5", "2026-11-24T00:00:00Z", "2026-11-27T00:00:00Z"),
            ("@hourly", "2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z"),
            ("5/20 3 * * 7", "2026-11-24T00:00:00Z", "2026-11-29T03:05:00Z"),
        ];
        for (expr, from, next) in cases {
            let cron = Cron::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
            assert_eq!(cron.next_after(at(from)), Some(at(next)), "{expr} after {from}");
        }
    }

    #[test]
    fn missed_runs_make_up_one_run_and_nothing_is_due_before_its_time() {
        let daily = Cron::parse("0 6 * * *").expect("cron");
        // Down from Monday 05:00 to Thursday 07:00: one run, for Thursday 06:00.
        assert_eq!(
            due(&daily, at("2026-11-23T05:00:00Z"), at("2026-11-26T07:00:00Z")),
            Some(at("2026-11-26T06:00:00Z"))
        );
        assert_eq!(
            due(&daily, at("2026-11-26T06:00:00Z"), at("2026-11-26T07:00:00Z")),
            None
        );
        assert_eq!(
            due(&daily, at("2026-11-26T06:00:00Z"), at("2026-11-27T06:00:00Z")),
            Some(at("2026-11-27T06:00:00Z"))
        );
    }

    #[test]
    fn bad_expressions_say_which_field() {
        for (expr, says) in [
            ("0 9 * *", "five fields"),
            ("61 * * * *", "minute"),
            ("0 24 * * *", "hour"),
            ("0 0 0 * *", "day of month"),
            ("*/0 * * * *", "step"),
            ("a * * * *", "not a number"),
        ] {
            let e = Cron::parse(expr).expect_err(expr).to_string();
            assert!(e.contains(says), "{expr}: {e}");
        }
    }
}
