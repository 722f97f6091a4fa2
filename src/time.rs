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
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
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
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| ParseError::invalid("date", text, "expected YYYY-MM-DD"))
}

/// The text form of a date: `2026-06-01`.
pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
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
    fn dates() {
        assert_eq!(
            parse_date("2026-02-28").map(date_text),
            Ok("2026-02-28".to_owned())
        );
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("26-2-3").is_err());
    }
}
