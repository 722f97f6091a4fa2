//! Small display helpers shared by pages.

use switchboard_core::{Currency, Micros};

/// `12,500.00 USD`, or an em dash when there is no amount.
pub fn money(amount: Option<Micros>, currency: Currency) -> String {
    match amount {
        Some(m) => format!("{} {currency}", m.format_units(currency)),
        None => "—".to_owned(),
    }
}

/// An amount in micros as `12,500.00 USD` (the analytics figures carry plain micros).
pub fn amount(micros: i64, currency: Currency) -> String {
    money(Some(Micros::new(micros)), currency)
}

/// A ratio as a percentage with two decimals, or an em dash when it has no value.
pub fn percent(value: Option<f64>) -> String {
    value
        .map(|v| format!("{:.2}%", v * 100.0))
        .unwrap_or_else(|| "—".to_owned())
}

/// A number with two decimals, or an em dash.
pub fn decimal(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".to_owned())
}

/// The date part of a timestamp, for tables.
pub fn day(t: &switchboard_core::time::Timestamp) -> String {
    t.date().format("%Y-%m-%d").to_string()
}
