//! Benchmarks: per platform and objective, how campaigns' CTR, CPC, CPM, CVR and ROAS are spread
//! (quartiles, as R's default `quantile` type 7 and NumPy's `percentile` compute them), within a
//! project and across all projects, and where each campaign sits in that spread.

use super::facts::{CampaignFacts, Converter, Scope};
use super::kpis::{Kpis, Metric};
use super::range::DateRange;
use super::report::Source;
use crate::ids::{CampaignId, ProjectId};
use crate::money::Currency;
use crate::platform::Platform;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The metrics benchmarked.
pub const BENCHMARK_METRICS: [Metric; 5] = [Metric::Ctr, Metric::Cpc, Metric::Cpm, Metric::Cvr, Metric::Roas];

/// The `p`-quantile (0 ≤ p ≤ 1) of sorted values by linear interpolation between closest ranks
/// (Hyndman & Fan type 7).
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Share of `sorted` below `value`, counting ties as half (0 to 100; SciPy's
/// `percentileofscore(kind="mean")`).
pub fn percentile_rank(sorted: &[f64], value: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let below = sorted.partition_point(|x| *x < value);
    let at_or_below = sorted.partition_point(|x| *x <= value);
    Some(100.0 * (below + at_or_below) as f64 / (2.0 * sorted.len() as f64))
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Distribution {
    /// Campaigns with a value.
    pub n: u32,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub min: f64,
    pub max: f64,
}

impl Distribution {
    pub fn of(sorted: &[f64]) -> Option<Distribution> {
        Some(Distribution {
            n: sorted.len() as u32,
            q1: quantile(sorted, 0.25)?,
            median: quantile(sorted, 0.5)?,
            q3: quantile(sorted, 0.75)?,
            min: *sorted.first()?,
            max: *sorted.last()?,
        })
    }
}

/// Spreads for one platform and objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BenchmarkGroup {
    pub platform: Platform,
    /// The platform's objective word, or `unspecified`.
    pub objective: String,
    /// Within the project asked for (absent when no project was given).
    pub project: BTreeMap<String, Distribution>,
    /// Across every project.
    pub all_projects: BTreeMap<String, Distribution>,
}

/// Where one campaign's metric sits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    pub value: f64,
    /// Percentile rank among the campaigns of its platform and objective across all projects.
    pub percentile: f64,
    /// 1 to 4, the quartile holding the value (1 = lowest values).
    pub quartile: u8,
    /// Better than the median, taking costs (CPC, CPM) as better when lower.
    pub better_than_median: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignStanding {
    pub id: CampaignId,
    pub name: String,
    pub project_id: ProjectId,
    pub platform: Platform,
    pub objective: String,
    pub spend_micros: i64,
    pub metrics: BTreeMap<String, Standing>,
}

/// `GET /analytics/benchmarks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Benchmarks {
    pub range: DateRange,
    pub currency: Currency,
    /// Campaigns count when they spent and had at least this many impressions in the window.
    pub min_impressions: u64,
    pub groups: Vec<BenchmarkGroup>,
    /// Campaigns in scope, biggest spend first (at most `limit`).
    pub campaigns: Vec<CampaignStanding>,
    pub missing_rates: Vec<Currency>,
}

fn objective_of(c: &CampaignFacts) -> String {
    c.dim
        .objective
        .as_deref()
        .filter(|o| !o.trim().is_empty())
        .map_or_else(|| "unspecified".to_owned(), |o| o.trim().to_ascii_uppercase())
}

type GroupKey = (Platform, String);

fn spreads(rows: &[(&CampaignFacts, Kpis)]) -> BTreeMap<GroupKey, BTreeMap<Metric, Vec<f64>>> {
    let mut out: BTreeMap<GroupKey, BTreeMap<Metric, Vec<f64>>> = BTreeMap::new();
    for (c, k) in rows {
        let group = out.entry((c.dim.platform, objective_of(c))).or_default();
        for m in BENCHMARK_METRICS {
            if let Some(v) = k.metric(m) {
                group.entry(m).or_default().push(v);
            }
        }
    }
    for group in out.values_mut() {
        for values in group.values_mut() {
            values.sort_by(f64::total_cmp);
        }
    }
    out
}

fn distributions(values: Option<&BTreeMap<Metric, Vec<f64>>>) -> BTreeMap<String, Distribution> {
    values
        .into_iter()
        .flatten()
        .filter_map(|(m, v)| Some((m.as_str().to_owned(), Distribution::of(v)?)))
        .collect()
}

/// Benchmarks over `range`. `src.scope` picks the project (and platform) the campaign standings
/// and `project` spreads are for; `all_projects` spreads use every project on the same platform.
pub fn benchmarks(src: &Source<'_>, range: DateRange, min_impressions: u64, limit: usize) -> Benchmarks {
    let everywhere = Scope {
        project_id: None,
        platform: src.scope.platform,
    };
    let all_src = Source {
        scope: &everywhere,
        ..*src
    };
    let mut conv = Converter::new(src.currency, range);
    let all: Vec<(&CampaignFacts, Kpis)> = all_src
        .totals(&range, &mut conv)
        .into_iter()
        .filter(|(_, v)| v.spend.get() > 0 && v.impressions >= min_impressions.max(1))
        .map(|(c, v)| (c, Kpis::from(v)))
        .collect();
    let mine: Vec<(&CampaignFacts, Kpis)> = all
        .iter()
        .filter(|(c, _)| src.scope.covers(&c.dim))
        .cloned()
        .collect();
    let all_spreads = spreads(&all);
    let project_spreads = src.scope.project_id.as_ref().map(|_| spreads(&mine));
    let groups = all_spreads
        .iter()
        .filter(|(key, _)| project_spreads.as_ref().is_none_or(|p| p.contains_key(*key)))
        .map(|(key, values)| BenchmarkGroup {
            platform: key.0,
            objective: key.1.clone(),
            project: distributions(project_spreads.as_ref().and_then(|p| p.get(key))),
            all_projects: distributions(Some(values)),
        })
        .collect();
    let mut standings: Vec<CampaignStanding> = mine
        .iter()
        .map(|(c, k)| {
            let key = (c.dim.platform, objective_of(c));
            let group = all_spreads.get(&key);
            let metrics = BENCHMARK_METRICS
                .into_iter()
                .filter_map(|m| {
                    let value = k.metric(m)?;
                    let sorted = group?.get(&m)?;
                    let percentile = percentile_rank(sorted, value)?;
                    let median = quantile(sorted, 0.5)?;
                    let quartile = if value <= quantile(sorted, 0.25)? {
                        1
                    } else if value <= median {
                        2
                    } else if value <= quantile(sorted, 0.75)? {
                        3
                    } else {
                        4
                    };
                    let better_than_median = if m.lower_is_better() {
                        value < median
                    } else {
                        value > median
                    };
                    Some((
                        m.as_str().to_owned(),
                        Standing {
                            value,
                            percentile,
                            quartile,
                            better_than_median,
                        },
                    ))
                })
                .collect();
            CampaignStanding {
                id: c.dim.id.clone(),
                name: c.dim.name.clone(),
                project_id: c.dim.project_id.clone(),
                platform: c.dim.platform,
                objective: key.1,
                spend_micros: k.spend_micros,
                metrics,
            }
        })
        .collect();
    standings.sort_by(|a, b| {
        b.spend_micros
            .cmp(&a.spend_micros)
            .then_with(|| a.name.cmp(&b.name))
    });
    standings.truncate(limit);
    Benchmarks {
        range,
        currency: src.currency,
        min_impressions,
        groups,
        campaigns: standings,
        missing_rates: conv.missing(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_r_type_7() {
        // R: quantile(c(1, 2, 3, 4)) -> 1.75, 2.5, 3.25; numpy.percentile agrees.
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.25), Some(1.75));
        assert_eq!(quantile(&v, 0.5), Some(2.5));
        assert_eq!(quantile(&v, 0.75), Some(3.25));
        // R: quantile(c(1, 2, 3, 4, 10)) -> 2, 3, 4.
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(
            Distribution::of(&v).map(|d| (d.q1, d.median, d.q3)),
            Some((2.0, 3.0, 4.0))
        );
        // R: quantile(c(0.012, 0.018, 0.02, 0.031, 0.05, 0.07), 0.25) -> 0.0185.
        let v = [0.012, 0.018, 0.02, 0.031, 0.05, 0.07];
        assert!((quantile(&v, 0.25).unwrap_or(0.0) - 0.0185).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.75), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn percentile_ranks_match_scipy_mean_kind() {
        // scipy.stats.percentileofscore([1, 2, 3, 4], 3, kind="mean") -> 62.5
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile_rank(&v, 3.0), Some(62.5));
        assert_eq!(percentile_rank(&v, 0.0), Some(0.0));
        assert_eq!(percentile_rank(&v, 5.0), Some(100.0));
        // ... [1, 2, 2, 3], 2 -> 50.0
        assert_eq!(percentile_rank(&[1.0, 2.0, 2.0, 3.0], 2.0), Some(50.0));
    }
}
