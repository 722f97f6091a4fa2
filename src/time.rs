//! Points in time (UTC, millisecond precision) and calendar dates, with the one text form the database
//! and the APIs use.

use crate::error::ParseError;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A UTC instant. Its text form is `2026-06-01T09:00:00.000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(
    value_type = String,
    format = DateTime,
    example = "2026-06-01T09:00:00.000Z",
))]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// Parses RFC 3339 (any offset; converted to UTC). Sub-millisecond digits are truncated.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ParseError::Empty { what: "timestamp" });
        }
        let parsed = DateTime::parse_from_rfc3339(t).map_err(|_| {
            ParseError::invalid("timestamp", text, "expected RFC 3339, e.g. 2026-06-01T09:00:00Z")
        })?;
        Ok(Self::from_datetime(parsed.with_timezone(&Utc)))
    }

    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        let millis = at.timestamp_millis();
        Timestamp(DateTime::from_timestamp_millis(millis).unwrap_or(at))
    }

    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    pub fn date(&self) -> NaiveDate {
        self.0.date_naive()
    }

    /// The canonical text form.
    pub fn to_text(&self) -> String {
        use chrono::{Datelike, Timelike};
        let t = &self.0;
        match u32::try_from(t.year()) {
            Ok(year) if year <= 9999 => {
                // Written digit by digit: imports format millions of these, and `format!` is
                // several times slower.
                let mut out = String::with_capacity(24);
                push_date(&mut out, year, t.month(), t.day());
                out.push('T');
                push_digits(&mut out, t.hour(), 2);
                out.push(':');
                push_digits(&mut out, t.minute(), 2);
                out.push(':');
                push_digits(&mut out, t.second(), 2);
                out.push('.');
                push_digits(&mut out, t.timestamp_subsec_millis().min(999), 3);
                out.push('Z');
                out
            }
            _ => t.to_rfc3339_opts(SecondsFormat::Millis, true),
        }
    }
}

/// Appends `n` as exactly `width` decimal digits (`n` must fit).
fn push_digits(out: &mut String, n: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(char::from(b'0' + (n / div % 10) as u8));
        div /= 10;
    }
}

fn push_date(out: &mut String, year: u32, month: u32, day: u32) {
    push_digits(out, year, 4);
    out.push('-');
    push_digits(out, month, 2);
    out.push('-');
    push_digits(out, day, 2);
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl FromStr for Timestamp {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl TryFrom<String> for Timestamp {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Timestamp::parse(&value)
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_text()
    }
}

/// Parses a calendar date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, ParseError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ParseError::Empty { what: "date" });
    }
    let b = t.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    shaped
        .then(|| {
            let year = i32::try_from(digits(0..4)?).ok()?;
            NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
        })
        .flatten()
        .ok_or_else(|| ParseError::invalid("date", text, "expected YYYY-MM-DD"))
}

/// The text form of a date: `2026-06-01`.
pub fn date_text(date: NaiveDate) -> String {
    use chrono::Datelike;
    match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => {
            let mut out = String::with_capacity(10);
            push_date(&mut out, year, date.month(), date.day());
            out
        }
        _ => format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text_has_milliseconds_and_z() {
        let t = Timestamp::parse("2026-06-01T09:00:00Z").map(|t| t.to_text());
        assert_eq!(t, Ok("2026-06-01T09:00:00.000Z".to_owned()));
        let t = Timestamp::parse("2026-06-01T11:00:00.123456+02:00").map(|t| t.to_text());
        assert_eq!(t, Ok("2026-06-01T09:00:00.123Z".to_owned()));
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for bad in [
            "",
            "2026-06-01",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-06-01 09:00:00",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fast_text_matches_chrono() {
        for text in [
            "2026-06-01T09:00:00.000Z",
            "1999-12-31T23:59:59.999Z",
            "2026-02-28T00:00:00.007Z",
        ] {
            let t = Timestamp::parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                t.to_text(),
                t.as_datetime().to_rfc3339_opts(SecondsFormat::Millis, true)
            );
            assert_eq!(t.to_text(), text);
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2026-02-28").map(date_text),
            Ok("2026-02-28".to_owned())
        );
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("26-2-3").is_err());
        for bad in [
            "2026-1-01",
            "2026/06/01",
            "2026-06-0x",
            "+026-06-01",
            "2026-06-011",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_date(" 2024-02-29 ").map(date_text),
            Ok("2024-02-29".to_owned())
        );
    }

    proptest::proptest! {
        #[test]
        fn text_forms_match_chrono(millis in -62_135_596_800_000i64..253_402_300_799_999i64) {
            let at = DateTime::from_timestamp_millis(millis).unwrap_or_default();
            let t = Timestamp::from_datetime(at);
            proptest::prop_assert_eq!(t.to_text(), at.to_rfc3339_opts(SecondsFormat::Millis, true));
            proptest::prop_assert_eq!(date_text(at.date_naive()), at.date_naive().format("%Y-%m-%d").to_string());
        }
    }
}
