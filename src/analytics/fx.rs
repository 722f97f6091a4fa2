//! Exchange rates for reporting in one currency. A rate says how many units of a currency one US
//! dollar buys, from a date on; a conversion uses the rate in force on the day being converted (the
//! latest one on or before it, or the earliest one known for days before any rate). The built-in
//! rates are seeded by the database migration and listed in the README.

use crate::error::ParseError;
use crate::money::{Currency, Micros};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One row of the editable rate table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeRate {
    pub currency: Currency,
    /// The first day this rate applies to.
    pub effective_from: NaiveDate,
    /// Units of `currency` per one US dollar.
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, example = 0.92))]
    pub per_usd: f64,
}

impl ExchangeRate {
    pub fn new(currency: Currency, effective_from: NaiveDate, per_usd: f64) -> Result<Self, ParseError> {
        if !(per_usd.is_finite() && per_usd > 0.0) {
            return Err(ParseError::invalid(
                "exchange rate",
                &per_usd.to_string(),
                "must be a positive number",
            ));
        }
        if currency == Currency::USD && per_usd != 1.0 {
            return Err(ParseError::invalid(
                "exchange rate",
                &per_usd.to_string(),
                "USD is the base: its rate is always 1",
            ));
        }
        Ok(ExchangeRate {
            currency,
            effective_from,
            per_usd,
        })
    }
}

// The rate table and the report currency across projects, as the API reads and replaces them
// (its schema keeps the name `RatesBody`; no doc comment, which would change the API document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RatesBody))]
pub struct RateTable {
    /// The currency of reports across projects.
    pub report_currency: Currency,
    /// Units of each currency per US dollar, from a date on.
    pub rates: Vec<ExchangeRate>,
}

/// Rates by currency, each list sorted by date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExchangeRates {
    by_currency: BTreeMap<Currency, Vec<(NaiveDate, f64)>>,
}

impl ExchangeRates {
    pub fn new(rates: impl IntoIterator<Item = ExchangeRate>) -> Self {
        let mut by_currency: BTreeMap<Currency, Vec<(NaiveDate, f64)>> = BTreeMap::new();
        for r in rates {
            by_currency
                .entry(r.currency)
                .or_default()
                .push((r.effective_from, r.per_usd));
        }
        for list in by_currency.values_mut() {
            list.sort_by_key(|(d, _)| *d);
            // A later row for the same date replaces an earlier one.
            list.dedup_by(|later, earlier| {
                if later.0 == earlier.0 {
                    earlier.1 = later.1;
                    true
                } else {
                    false
                }
            });
        }
        ExchangeRates { by_currency }
    }

    /// Units of `currency` per US dollar on `date`; `None` for a currency without any rate.
    pub fn per_usd(&self, currency: Currency, date: NaiveDate) -> Option<f64> {
        if currency == Currency::USD {
            return Some(1.0);
        }
        let list = self.by_currency.get(&currency)?;
        let at = list.partition_point(|(d, _)| *d <= date);
        let (_, rate) = if at == 0 { list.first()? } else { list.get(at - 1)? };
        Some(*rate)
    }

    /// What one unit of `from` is worth in `to` on `date`.
    pub fn factor(&self, from: Currency, to: Currency, date: NaiveDate) -> Option<f64> {
        if from == to {
            return Some(1.0);
        }
        Some(self.per_usd(to, date)? / self.per_usd(from, date)?)
    }

    /// `amount` of `from` in `to` at `date`'s rate, rounded to the nearest micro.
    pub fn convert(&self, amount: Micros, from: Currency, to: Currency, date: NaiveDate) -> Option<Micros> {
        if from == to {
            return Some(amount);
        }
        Some(scale(amount, self.factor(from, to, date)?))
    }

    pub fn currencies(&self) -> impl Iterator<Item = Currency> + '_ {
        self.by_currency.keys().copied()
    }

    /// Every row, by currency then date.
    pub fn rows(&self) -> Vec<ExchangeRate> {
        self.by_currency
            .iter()
            .flat_map(|(c, list)| {
                list.iter().map(|(d, r)| ExchangeRate {
                    currency: *c,
                    effective_from: *d,
                    per_usd: *r,
                })
            })
            .collect()
    }
}

/// `amount × factor`, rounded half away from zero, saturating.
pub fn scale(amount: Micros, factor: f64) -> Micros {
    let v = (amount.get() as f64 * factor).round();
    if v >= i64::MAX as f64 {
        Micros::new(i64::MAX)
    } else if v <= i64::MIN as f64 {
        Micros::new(i64::MIN)
    } else {
        Micros::new(v as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_date;

    fn d(text: &str) -> NaiveDate {
        parse_date(text).unwrap_or_default()
    }
    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap_or(Currency::USD)
    }

    #[test]
    fn the_days_rate_applies() {
        let rates = ExchangeRates::new([
            ExchangeRate {
                currency: c("EUR"),
                effective_from: d("2026-01-01"),
                per_usd: 0.9,
            },
            ExchangeRate {
                currency: c("EUR"),
                effective_from: d("2026-02-01"),
                per_usd: 0.8,
            },
            ExchangeRate {
                currency: c("GBP"),
                effective_from: d("2026-01-01"),
                per_usd: 0.75,
            },
        ]);
        assert_eq!(rates.per_usd(c("EUR"), d("2026-01-31")), Some(0.9));
        assert_eq!(rates.per_usd(c("EUR"), d("2026-02-01")), Some(0.8));
        // Before the first rate, the earliest one is used.
        assert_eq!(rates.per_usd(c("EUR"), d("2025-06-01")), Some(0.9));
        assert_eq!(rates.per_usd(c("JPY"), d("2026-01-01")), None);
        // 100 EUR on 2026-01-15 = 100 / 0.9 USD = 111.111111 USD.
        assert_eq!(
            rates.convert(Micros::new(100_000_000), c("EUR"), Currency::USD, d("2026-01-15")),
            Some(Micros::new(111_111_111))
        );
        // 100 EUR in February = 100 / 0.8 × 0.75 GBP = 93.75 GBP.
        assert_eq!(
            rates.convert(Micros::new(100_000_000), c("EUR"), c("GBP"), d("2026-02-10")),
            Some(Micros::new(93_750_000))
        );
        assert_eq!(
            rates.convert(Micros::new(5), c("JPY"), c("EUR"), d("2026-01-01")),
            None
        );
        assert_eq!(
            rates.convert(Micros::new(5), c("JPY"), c("JPY"), d("2026-01-01")),
            Some(Micros::new(5))
        );
    }

    #[test]
    fn rates_must_be_positive() {
        assert!(ExchangeRate::new(c("EUR"), d("2026-01-01"), 0.865).is_ok());
        assert!(ExchangeRate::new(c("EUR"), d("2026-01-01"), 0.0).is_err());
        assert!(ExchangeRate::new(c("EUR"), d("2026-01-01"), f64::NAN).is_err());
        assert!(ExchangeRate::new(Currency::USD, d("2026-01-01"), 2.0).is_err());
    }
}
