//! Money as integer micros (millionths of the currency unit), the unit Google and Pinterest use.
//! Parsing is exact: decimal strings never pass through floating point.

use crate::error::ParseError;
use crate::format::group_digits;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const MICROS_PER_UNIT: i64 = 1_000_000;

/// An amount in micros of some currency (the currency travels beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(
    value_type = i64,
    description = "An amount in micros: millionths of the currency unit (12.34 is 12340000).",
    example = 12_340_000,
))]
pub struct Micros(i64);

impl Micros {
    pub const ZERO: Micros = Micros(0);

    pub const fn new(micros: i64) -> Self {
        Micros(micros)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    /// Parses a decimal amount in currency units (`"12.34"`, `"-0.5"`, `"1000"`), exactly.
    /// More than six decimal places are refused unless the extra digits are zeros.
    pub fn parse_units(text: &str) -> Result<Self, ParseError> {
        const WHAT: &str = "amount";
        let t = text.trim();
        if t.is_empty() {
            return Err(ParseError::Empty { what: WHAT });
        }
        let (negative, digits) = match t.as_bytes()[0] {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(ParseError::invalid(WHAT, text, "no digits"));
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::invalid(
                WHAT,
                text,
                "expected a decimal number such as 12.34",
            ));
        }
        let (kept, extra) = frac.split_at(frac.len().min(6));
        if extra.bytes().any(|b| b != b'0') {
            return Err(ParseError::invalid(WHAT, text, "more than six decimal places"));
        }
        let overflow = || ParseError::invalid(WHAT, text, "too large");
        let whole_value: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| overflow())?
        };
        let mut frac_value: i64 = 0;
        for (i, b) in kept.bytes().enumerate() {
            frac_value += i64::from(b - b'0') * 10_i64.pow(5 - i as u32);
        }
        let magnitude = whole_value
            .checked_mul(MICROS_PER_UNIT)
            .and_then(|m| m.checked_add(frac_value))
            .ok_or_else(overflow)?;
        Ok(Micros(if negative { -magnitude } else { magnitude }))
    }

    /// Converts a floating amount in currency units (legacy files hold `50.0`), rounding to the
    /// nearest micro. NaN, infinities and out-of-range values are refused.
    pub fn from_units_f64(units: f64) -> Result<Self, ParseError> {
        let micros = (units * MICROS_PER_UNIT as f64).round();
        if !micros.is_finite() || micros.abs() >= i64::MAX as f64 {
            return Err(ParseError::invalid(
                "amount",
                &units.to_string(),
                "not a finite amount",
            ));
        }
        Ok(Micros(micros as i64))
    }

    /// Converts an amount in the currency's minor units (cents for USD; Meta budgets use these).
    pub fn from_minor_units(minor: i64, currency: Currency) -> Option<Self> {
        let factor = 10_i64.pow(6 - currency.decimals());
        minor.checked_mul(factor).map(Micros)
    }

    pub fn checked_add(self, other: Micros) -> Option<Micros> {
        self.0.checked_add(other.0).map(Micros)
    }

    /// The exact amount in currency units as a plain decimal, without trailing zeros or grouping:
    /// `2500.505`, `15000`, `-0.000001`. `parse_units` reads it back to the same value.
    pub fn to_decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let whole = magnitude / MICROS_PER_UNIT as u64;
        let frac = magnitude % MICROS_PER_UNIT as u64;
        if frac == 0 {
            format!("{sign}{whole}")
        } else {
            let digits = format!("{frac:06}");
            format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }

    /// The amount in currency units as a float, for charts and ratios only (never for storage).
    pub fn as_units_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_UNIT as f64
    }

    /// Formats with the currency's decimals, grouping thousands: `1,234.56`. Rounds half away from zero.
    pub fn format_units(self, currency: Currency) -> String {
        let decimals = currency.decimals();
        let step = 10_i64.pow(6 - decimals);
        let magnitude = self.0.unsigned_abs();
        let step_u = step as u64;
        let rounded = (magnitude + step_u / 2) / step_u; // in minor units
        let scale = 10_u64.pow(decimals);
        let whole = rounded / scale;
        let frac = rounded % scale;
        let grouped = group_digits(&whole.to_string(), ',');
        let sign = if self.0 < 0 && rounded > 0 { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}.{frac:0width$}", width = decimals as usize)
        }
    }
}

impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}µ", self.0)
    }
}

/// An ISO 4217 currency code: three upper-case ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(
    value_type = String,
    description = "An ISO 4217 currency code.",
    example = "USD",
))]
pub struct Currency([u8; 3]);

/// Currencies without minor units, and those with three decimals (ISO 4217); all others have two.
const ZERO_DECIMAL: [&str; 17] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
    "XOF", "XPF",
];
const THREE_DECIMAL: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn parse(code: &str) -> Result<Self, ParseError> {
        let t = code.trim();
        if t.is_empty() {
            return Err(ParseError::Empty { what: "currency" });
        }
        let upper = t.to_ascii_uppercase();
        match <[u8; 3]>::try_from(upper.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Currency(bytes)),
            _ => Err(ParseError::invalid(
                "currency",
                code,
                "expected a three-letter ISO 4217 code",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Number of decimals of the currency's minor unit.
    pub fn decimals(self) -> u32 {
        let code = self.as_str();
        if ZERO_DECIMAL.contains(&code) {
            0
        } else if THREE_DECIMAL.contains(&code) {
            3
        } else {
            2
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Currency {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimal_strings_exactly() {
        let cases = [
            ("12.34", 12_340_000),
            ("0.000001", 1),
            ("-0.5", -500_000),
            ("+7", 7_000_000),
            (".25", 250_000),
            ("3.", 3_000_000),
            ("1.2300000", 1_230_000),
            ("  42.10 ", 42_100_000),
            ("9223372036854.775807", i64::MAX),
        ];
        for (text, micros) in cases {
            assert_eq!(Micros::parse_units(text), Ok(Micros::new(micros)), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "",
            "abc",
            "1,5",
            "1.2.3",
            "1e3",
            ".",
            "-",
            "0.0000001",
            "9223372036854.775808",
            "--1",
        ] {
            assert!(Micros::parse_units(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn converts_floats_and_minor_units() {
        assert_eq!(Micros::from_units_f64(50.0), Ok(Micros::new(50_000_000)));
        assert_eq!(Micros::from_units_f64(0.1 + 0.2), Ok(Micros::new(300_000)));
        assert!(Micros::from_units_f64(f64::NAN).is_err());
        assert!(Micros::from_units_f64(f64::INFINITY).is_err());
        assert_eq!(
            Micros::from_minor_units(1250, Currency::USD),
            Some(Micros::new(12_500_000))
        );
        let jpy = Currency::parse("jpy").ok();
        assert_eq!(
            jpy.and_then(|c| Micros::from_minor_units(500, c)),
            Some(Micros::new(500_000_000))
        );
    }

    #[test]
    fn formats_with_currency_decimals() {
        assert_eq!(Micros::new(1_234_567_890).format_units(Currency::USD), "1,234.57");
        assert_eq!(Micros::new(-5_000).format_units(Currency::USD), "-0.01");
        assert_eq!(Micros::new(-4_000).format_units(Currency::USD), "0.00");
        assert_eq!(Micros::ZERO.format_units(Currency::EUR), "0.00");
        let jpy = Currency::parse("JPY").unwrap_or(Currency::USD);
        assert_eq!(Micros::new(1_234_500_000).format_units(jpy), "1,235");
        let kwd = Currency::parse("KWD").unwrap_or(Currency::USD);
        assert_eq!(Micros::new(1_234_500).format_units(kwd), "1.235");
        assert_eq!(
            Micros::new(999_999_999_000_000).format_units(Currency::USD),
            "999,999,999.00"
        );
    }

    #[test]
    fn exact_decimals_round_trip() {
        for m in [0, 1, -1, 2_500_505_000, 15_000_000_000, i64::MAX, i64::MIN + 1] {
            let text = Micros::new(m).to_decimal();
            assert_eq!(Micros::parse_units(&text), Ok(Micros::new(m)), "{text}");
        }
        assert_eq!(Micros::new(2_500_505_000).to_decimal(), "2500.505");
        assert_eq!(Micros::new(15_000_000_000).to_decimal(), "15000");
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("usd").map(|c| c.to_string()), Ok("USD".into()));
        for bad in ["", "US", "USDD", "U$D", "ÜSD"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Currency>("\"EU\"").is_err());
    }
}
