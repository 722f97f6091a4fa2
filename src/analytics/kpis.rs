//! Key figures as reports show them: the summed measures and the ratios derived from them, computed
//! one way for every platform. A ratio without a denominator is absent, never NaN or infinity.

use crate::metrics::MetricValues;
use crate::money::Micros;
use serde::{Deserialize, Serialize};

/// Sums and derived ratios. Money is in micros of the report's currency; `cpc`, `cpm` and `cpa`
/// are in its units; `ctr` and `cvr` are fractions (0.02 = 2%); `roas` is value per unit spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpis {
    pub spend_micros: i64,
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: f64,
    pub conversion_value_micros: i64,
    pub ctr: Option<f64>,
    pub cpc: Option<f64>,
    pub cpm: Option<f64>,
    pub cvr: Option<f64>,
    pub cpa: Option<f64>,
    pub roas: Option<f64>,
}

impl From<MetricValues> for Kpis {
    fn from(v: MetricValues) -> Kpis {
        Kpis {
            spend_micros: v.spend.get(),
            impressions: v.impressions,
            clicks: v.clicks,
            conversions: v.conversions,
            conversion_value_micros: v.conversion_value.get(),
            ctr: v.ctr(),
            cpc: v.cpc(),
            cpm: v.cpm(),
            cvr: v.cvr(),
            cpa: v.cpa(),
            roas: v.roas(),
        }
    }
}

impl Kpis {
    pub fn values(&self) -> MetricValues {
        MetricValues {
            spend: Micros::new(self.spend_micros),
            impressions: self.impressions,
            clicks: self.clicks,
            conversions: self.conversions,
            conversion_value: Micros::new(self.conversion_value_micros),
        }
    }

    pub fn metric(&self, m: Metric) -> Option<f64> {
        match m {
            Metric::Spend => Some(self.spend_micros as f64 / 1e6),
            Metric::Impressions => Some(self.impressions as f64),
            Metric::Clicks => Some(self.clicks as f64),
            Metric::Conversions => Some(self.conversions),
            Metric::ConversionValue => Some(self.conversion_value_micros as f64 / 1e6),
            Metric::Ctr => self.ctr,
            Metric::Cpc => self.cpc,
            Metric::Cpm => self.cpm,
            Metric::Cvr => self.cvr,
            Metric::Cpa => self.cpa,
            Metric::Roas => self.roas,
        }
    }
}

/// Every measure a report can sort or compare by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Spend,
    Impressions,
    Clicks,
    Conversions,
    ConversionValue,
    Ctr,
    Cpc,
    Cpm,
    Cvr,
    Cpa,
    Roas,
}

impl Metric {
    pub const ALL: [Metric; 11] = [
        Metric::Spend,
        Metric::Impressions,
        Metric::Clicks,
        Metric::Conversions,
        Metric::ConversionValue,
        Metric::Ctr,
        Metric::Cpc,
        Metric::Cpm,
        Metric::Cvr,
        Metric::Cpa,
        Metric::Roas,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Spend => "spend",
            Metric::Impressions => "impressions",
            Metric::Clicks => "clicks",
            Metric::Conversions => "conversions",
            Metric::ConversionValue => "conversion_value",
            Metric::Ctr => "ctr",
            Metric::Cpc => "cpc",
            Metric::Cpm => "cpm",
            Metric::Cvr => "cvr",
            Metric::Cpa => "cpa",
            Metric::Roas => "roas",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::Spend => "Spend",
            Metric::Impressions => "Impressions",
            Metric::Clicks => "Clicks",
            Metric::Conversions => "Conversions",
            Metric::ConversionValue => "Conversion value",
            Metric::Ctr => "CTR",
            Metric::Cpc => "CPC",
            Metric::Cpm => "CPM",
            Metric::Cvr => "CVR",
            Metric::Cpa => "CPA",
            Metric::Roas => "ROAS",
        }
    }

    /// True when less is better (costs).
    pub fn lower_is_better(self) -> bool {
        matches!(self, Metric::Cpc | Metric::Cpm | Metric::Cpa)
    }
}

impl std::str::FromStr for Metric {
    type Err = crate::error::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Metric::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                crate::error::ParseError::invalid(
                    "metric",
                    s,
                    "expected spend, impressions, clicks, conversions, conversion_value, ctr, cpc, cpm, cvr, cpa or roas",
                )
            })
    }
}

/// Relative change from `previous` to `current` (0.1 = +10%); absent when `previous` is zero or
/// either side has no value.
pub fn change(current: Option<f64>, previous: Option<f64>) -> Option<f64> {
    match (current, previous) {
        (Some(c), Some(p)) if p != 0.0 && c.is_finite() && p.is_finite() => Some((c - p) / p.abs()),
        _ => None,
    }
}

/// Current figures beside the previous period's, and the change of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compared {
    pub current: Kpis,
    pub previous: Kpis,
    /// Relative change per metric, by the metric's name (`spend`, `ctr`, ...); a metric without a
    /// comparable previous value is absent.
    pub change: std::collections::BTreeMap<String, f64>,
}

impl Compared {
    pub fn new(current: MetricValues, previous: MetricValues) -> Compared {
        let (current, previous) = (Kpis::from(current), Kpis::from(previous));
        let change = Metric::ALL
            .into_iter()
            .filter_map(|m| {
                Some((
                    m.as_str().to_owned(),
                    change(current.metric(m), previous.metric(m))?,
                ))
            })
            .collect();
        Compared {
            current,
            previous,
            change,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_relative_and_absent_without_a_base() {
        assert_eq!(change(Some(120.0), Some(100.0)), Some(0.2));
        assert_eq!(change(Some(50.0), Some(100.0)), Some(-0.5));
        assert_eq!(change(Some(5.0), Some(0.0)), None);
        assert_eq!(change(None, Some(1.0)), None);
        let c = Compared::new(
            MetricValues {
                spend: Micros::new(150_000_000),
                impressions: 1_000,
                clicks: 10,
                conversions: 1.0,
                conversion_value: Micros::new(300_000_000),
            },
            MetricValues {
                spend: Micros::new(100_000_000),
                impressions: 1_000,
                clicks: 0,
                ..Default::default()
            },
        );
        assert_eq!(c.change.get("spend"), Some(&0.5));
        assert_eq!(c.change.get("impressions"), Some(&0.0));
        // No clicks before: no CPC before, so no change for CPC or clicks.
        assert_eq!(c.change.get("cpc"), None);
        assert_eq!(c.change.get("clicks"), None);
        assert_eq!(c.current.cpc, Some(15.0));
        assert_eq!(c.current.roas, Some(2.0));
        assert_eq!("ROAS".parse::<Metric>(), Ok(Metric::Roas));
    }
}
