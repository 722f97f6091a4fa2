//! Daily campaign performance in one model for every platform, and the normalizers that read each
//! platform's own record shape.

use crate::error::ParseError;
use crate::money::Micros;
use crate::platform::Platform;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One campaign-day in the common model. Money is in micros of the account currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricValues {
    pub spend: Micros,
    pub impressions: u64,
    pub clicks: u64,
    /// Fractional: Google attributes parts of conversions.
    pub conversions: f64,
    pub conversion_value: Micros,
}

impl MetricValues {
    /// Clicks per impression; `None` without impressions.
    pub fn ctr(&self) -> Option<f64> {
        ratio(self.clicks as f64, self.impressions as f64)
    }
    /// Spend per click, in currency units.
    pub fn cpc(&self) -> Option<f64> {
        ratio(self.spend.as_units_f64(), self.clicks as f64)
    }
    /// Spend per thousand impressions, in currency units.
    pub fn cpm(&self) -> Option<f64> {
        ratio(self.spend.as_units_f64() * 1000.0, self.impressions as f64)
    }
    /// Conversions per click.
    pub fn cvr(&self) -> Option<f64> {
        ratio(self.conversions, self.clicks as f64)
    }
    /// Spend per conversion, in currency units.
    pub fn cpa(&self) -> Option<f64> {
        ratio(self.spend.as_units_f64(), self.conversions)
    }
    /// Conversion value per unit of spend.
    pub fn roas(&self) -> Option<f64> {
        ratio(self.conversion_value.as_units_f64(), self.spend.as_units_f64())
    }

    /// Adds another day's figures (money saturates rather than overflowing).
    pub fn add(&mut self, other: &MetricValues) {
        self.spend = self
            .spend
            .checked_add(other.spend)
            .unwrap_or(Micros::new(i64::MAX));
        self.impressions = self.impressions.saturating_add(other.impressions);
        self.clicks = self.clicks.saturating_add(other.clicks);
        self.conversions += other.conversions;
        self.conversion_value = self
            .conversion_value
            .checked_add(other.conversion_value)
            .unwrap_or(Micros::new(i64::MAX));
    }
}

/// `a / b`, or `None` when `b` is zero (never NaN or infinity).
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 || !a.is_finite() || !b.is_finite() {
        None
    } else {
        Some(a / b)
    }
}

/// One day of one campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyMetric {
    pub date: chrono::NaiveDate,
    pub values: MetricValues,
}

/// Meta reports many action types; the first of these present counts as the conversions (they
/// overlap, so they are never summed).
pub const META_CONVERSION_ACTIONS: [&str; 5] = [
    "omni_purchase",
    "purchase",
    "offsite_conversion.fb_pixel_purchase",
    "lead",
    "offsite_conversion.fb_pixel_lead",
];

/// Reads a platform's native daily record.
pub fn normalize(platform: Platform, raw: &Value) -> Result<MetricValues, ParseError> {
    match platform {
        Platform::Google => normalize_google(raw),
        Platform::Meta => normalize_meta(raw),
        Platform::Pinterest => normalize_pinterest(raw),
    }
}

/// Google Ads GAQL row: `{"metrics": {"costMicros": "…", "impressions": "…", "clicks": "…",
/// "conversions": 1.0, "conversionsValue": 48.4}}` (int64 as strings, doubles as numbers, value in
/// currency units). Fields at their default may be missing.
pub fn normalize_google(raw: &Value) -> Result<MetricValues, ParseError> {
    let m = raw.get("metrics").unwrap_or(raw);
    Ok(MetricValues {
        spend: Micros::new(int_field(m, "costMicros", "metrics.costMicros")?),
        impressions: count_field(m, "impressions", "metrics.impressions")?,
        clicks: count_field(m, "clicks", "metrics.clicks")?,
        conversions: float_field(m, "conversions", "metrics.conversions")?,
        conversion_value: units_field(m, "conversionsValue", "metrics.conversionsValue")?,
    })
}

/// Meta insights row: `spend` a decimal string in currency units, counts as strings, conversions and
/// their value from the `actions` / `action_values` lists.
pub fn normalize_meta(raw: &Value) -> Result<MetricValues, ParseError> {
    let found = META_CONVERSION_ACTIONS
        .iter()
        .find_map(|t| action_value(raw, "actions", t).map(|count| (t, count)));
    let (conversions, conversion_value) = match found {
        None => (0.0, Micros::ZERO),
        Some((t, count)) => {
            let value = action_value(raw, "action_values", t).unwrap_or(&Value::Null);
            (
                number_value(count, "actions.value")?.unwrap_or(0.0),
                units_value(value, "action_values.value")?.unwrap_or(Micros::ZERO),
            )
        }
    };
    Ok(MetricValues {
        spend: units_field(raw, "spend", "spend")?,
        impressions: count_field(raw, "impressions", "impressions")?,
        clicks: count_field(raw, "clicks", "clicks")?,
        conversions: non_negative(conversions, "actions.value")?,
        conversion_value,
    })
}

/// Pinterest analytics row: `SPEND_IN_MICRO_DOLLAR`, `IMPRESSION_1` (or `TOTAL_IMPRESSION`),
/// `CLICKTHROUGH_1` (or `TOTAL_CLICKTHROUGH`), `TOTAL_CONVERSIONS`,
/// `TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR`; numbers may come as numbers or strings.
pub fn normalize_pinterest(raw: &Value) -> Result<MetricValues, ParseError> {
    let pick = |a: &'static str, b: &'static str| if raw.get(a).is_some() { a } else { b };
    let imp = pick("IMPRESSION_1", "TOTAL_IMPRESSION");
    let clk = pick("CLICKTHROUGH_1", "TOTAL_CLICKTHROUGH");
    Ok(MetricValues {
        spend: Micros::new(int_field(raw, "SPEND_IN_MICRO_DOLLAR", "SPEND_IN_MICRO_DOLLAR")?),
        impressions: count_field(raw, imp, imp)?,
        clicks: count_field(raw, clk, clk)?,
        conversions: float_field(raw, "TOTAL_CONVERSIONS", "TOTAL_CONVERSIONS")?,
        conversion_value: Micros::new(int_field(
            raw,
            "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
            "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
        )?),
    })
}

fn action_value<'v>(raw: &'v Value, list: &str, action_type: &str) -> Option<&'v Value> {
    raw.get(list)?
        .as_array()?
        .iter()
        .find(|a| a.get("action_type").and_then(Value::as_str) == Some(action_type))
        .and_then(|a| a.get("value"))
}

fn bad(field: &'static str, v: &Value, reason: &'static str) -> ParseError {
    ParseError::invalid(field, &v.to_string(), reason)
}

/// A non-negative integer, from a JSON number or a string of digits; missing or null is zero.
fn int_field(obj: &Value, key: &str, field: &'static str) -> Result<i64, ParseError> {
    let v = match obj.get(key) {
        None | Some(Value::Null) => return Ok(0),
        Some(v) => v,
    };
    let n = match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .ok_or_else(|| bad(field, v, "expected a whole number"))?;
    if n < 0 {
        return Err(bad(field, v, "must not be negative"));
    }
    Ok(n)
}

fn count_field(obj: &Value, key: &str, field: &'static str) -> Result<u64, ParseError> {
    int_field(obj, key, field).map(|n| n as u64)
}

fn number_value(v: &Value, field: &'static str) -> Result<Option<f64>, ParseError> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| bad(field, v, "expected a number")),
        _ => Err(bad(field, v, "expected a number")),
    }
}

fn non_negative(f: f64, field: &'static str) -> Result<f64, ParseError> {
    if f < 0.0 || !f.is_finite() {
        return Err(ParseError::invalid(field, &f.to_string(), "must not be negative"));
    }
    Ok(f)
}

fn float_field(obj: &Value, key: &str, field: &'static str) -> Result<f64, ParseError> {
    let v = obj.get(key).unwrap_or(&Value::Null);
    non_negative(number_value(v, field)?.unwrap_or(0.0), field)
}

/// An amount in currency units (number or decimal string) as micros.
fn units_value(v: &Value, field: &'static str) -> Result<Option<Micros>, ParseError> {
    let m = match v {
        Value::Null => return Ok(None),
        Value::String(s) => Micros::parse_units(s).map_err(|_| bad(field, v, "expected an amount"))?,
        Value::Number(n) => {
            // Through the number's shortest text, so 48.4 is exactly 48_400_000 micros.
            Micros::parse_units(&n.to_string()).or_else(|_| {
                n.as_f64()
                    .ok_or_else(|| bad(field, v, "expected an amount"))
                    .and_then(Micros::from_units_f64)
            })?
        }
        _ => return Err(bad(field, v, "expected an amount")),
    };
    if m.get() < 0 {
        return Err(bad(field, v, "must not be negative"));
    }
    Ok(Some(m))
}

fn units_field(obj: &Value, key: &str, field: &'static str) -> Result<Micros, ParseError> {
    Ok(units_value(obj.get(key).unwrap_or(&Value::Null), field)?.unwrap_or(Micros::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn google_rows() {
        let raw = json!({"metrics": {"costMicros": "38906681", "impressions": "619", "clicks": "19",
                                      "conversions": 1.0, "conversionsValue": 48.4}});
        let m = normalize(Platform::Google, &raw).unwrap_or_default();
        assert_eq!(m.spend, Micros::new(38_906_681));
        assert_eq!((m.impressions, m.clicks), (619, 19));
        assert_eq!(m.conversions, 1.0);
        assert_eq!(m.conversion_value, Micros::new(48_400_000));
        // Fields at their default are omitted by the API.
        let sparse = normalize_google(&json!({"metrics": {"impressions": "3"}})).unwrap_or_default();
        assert_eq!(sparse.impressions, 3);
        assert_eq!(sparse.spend, Micros::ZERO);
    }

    #[test]
    fn meta_rows() {
        let raw = json!({"spend": "162.04", "impressions": "28202", "clicks": "279",
            "actions": [{"action_type": "link_click", "value": "250"}, {"action_type": "purchase", "value": "14"}],
            "action_values": [{"action_type": "purchase", "value": "1668.32"}]});
        let m = normalize(Platform::Meta, &raw).unwrap_or_default();
        assert_eq!(m.spend, Micros::new(162_040_000));
        assert_eq!((m.impressions, m.clicks), (28_202, 279));
        assert_eq!(m.conversions, 14.0);
        assert_eq!(m.conversion_value, Micros::new(1_668_320_000));
        // omni_purchase wins over purchase; they are never summed.
        let both = json!({"spend": "1", "actions": [{"action_type": "purchase", "value": "3"},
            {"action_type": "omni_purchase", "value": "4"}]});
        assert_eq!(normalize_meta(&both).unwrap_or_default().conversions, 4.0);
        let none = normalize_meta(&json!({"spend": "0.00"})).unwrap_or_default();
        assert_eq!(none.conversions, 0.0);
    }

    #[test]
    fn pinterest_rows() {
        let raw = json!({"SPEND_IN_MICRO_DOLLAR": 12500000, "IMPRESSION_1": 1000, "CLICKTHROUGH_1": "12",
            "TOTAL_CONVERSIONS": 2, "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 90000000});
        let m = normalize(Platform::Pinterest, &raw).unwrap_or_default();
        assert_eq!(m.spend, Micros::new(12_500_000));
        assert_eq!((m.impressions, m.clicks), (1000, 12));
        assert_eq!(m.conversions, 2.0);
        assert_eq!(m.conversion_value, Micros::new(90_000_000));
    }

    #[test]
    fn derived_ratios_have_no_value_when_dividing_by_zero() {
        let m = MetricValues {
            spend: Micros::new(50_000_000),
            impressions: 1000,
            clicks: 20,
            conversions: 2.0,
            conversion_value: Micros::new(150_000_000),
        };
        assert_eq!(m.ctr(), Some(0.02));
        assert_eq!(m.cpc(), Some(2.5));
        assert_eq!(m.cpm(), Some(50.0));
        assert_eq!(m.cvr(), Some(0.1));
        assert_eq!(m.cpa(), Some(25.0));
        assert_eq!(m.roas(), Some(3.0));
        let empty = MetricValues::default();
        assert_eq!(
            (
                empty.ctr(),
                empty.cpc(),
                empty.cpm(),
                empty.cvr(),
                empty.cpa(),
                empty.roas()
            ),
            (None, None, None, None, None, None)
        );
        let mut total = m;
        total.add(&m);
        assert_eq!(total.clicks, 40);
        assert_eq!(total.spend, Micros::new(100_000_000));
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(normalize_google(&json!({"metrics": {"costMicros": "12.5"}})).is_err());
        assert!(normalize_google(&json!({"metrics": {"clicks": "-1"}})).is_err());
        assert!(normalize_meta(&json!({"spend": "abc"})).is_err());
        assert!(normalize_meta(&json!({"spend": "-3.00"})).is_err());
        assert!(normalize_meta(&json!({"spend": "1", "impressions": [1]})).is_err());
    }

    /// The same underlying numbers as each platform would send them.
    fn as_google(v: &MetricValues) -> Value {
        json!({"campaign": {"id": "1"}, "segments": {"date": "2026-06-01"}, "metrics": {
            "costMicros": v.spend.get().to_string(), "impressions": v.impressions.to_string(),
            "clicks": v.clicks.to_string(), "conversions": v.conversions,
            "conversionsValue": v.conversion_value.get() as f64 / 1e6}})
    }
    fn as_meta(v: &MetricValues) -> Value {
        json!({"campaign_id": "1", "date_start": "2026-06-01", "spend": v.spend.to_decimal(),
            "impressions": v.impressions.to_string(), "clicks": v.clicks.to_string(),
            "actions": [{"action_type": "link_click", "value": v.clicks.to_string()},
                        {"action_type": "omni_purchase", "value": v.conversions.to_string()}],
            "action_values": [{"action_type": "omni_purchase", "value": v.conversion_value.to_decimal()}]})
    }
    fn as_pinterest(v: &MetricValues) -> Value {
        json!({"CAMPAIGN_ID": "1", "DATE": "2026-06-01", "SPEND_IN_MICRO_DOLLAR": v.spend.get(),
            "IMPRESSION_1": v.impressions, "CLICKTHROUGH_1": v.clicks, "TOTAL_CONVERSIONS": v.conversions,
            "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": v.conversion_value.get()})
    }

    proptest::proptest! {
        #[test]
        fn every_platform_shape_normalizes_to_the_same_row(
            spend in 0i64..10_000_000_000_000,
            impressions in 0u64..100_000_000,
            clicks in 0u64..10_000_000,
            hundredths in 0u32..1_000_000,
            value in 0i64..10_000_000_000_000,
        ) {
            let v = MetricValues {
                spend: Micros::new(spend),
                impressions,
                clicks,
                conversions: f64::from(hundredths) / 100.0,
                conversion_value: Micros::new(value),
            };
            let google = normalize(Platform::Google, &as_google(&v));
            let meta = normalize(Platform::Meta, &as_meta(&v));
            let pinterest = normalize(Platform::Pinterest, &as_pinterest(&v));
            proptest::prop_assert_eq!(&google, &Ok(v));
            proptest::prop_assert_eq!(&meta, &Ok(v));
            proptest::prop_assert_eq!(&pinterest, &Ok(v));
        }
    }
}
