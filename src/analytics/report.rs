//! The reports: summary with the previous period, platform comparison, spend trend and the campaign
//! table. Each reads the facts of the campaigns in scope over a window, in one currency.

use super::facts::{CampaignDim, CampaignFacts, Converter, Facts, Scope};
use super::fx::ExchangeRates;
use super::kpis::{Compared, Kpis, Metric};
use super::range::{DateRange, Granularity};
use crate::campaign::CampaignStatus;
use crate::error::ParseError;
use crate::ids::CampaignId;
use crate::metrics::MetricValues;
use crate::money::Currency;
use crate::platform::Platform;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

/// What every report reads: the facts, the rates, the report currency and the scope.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub facts: &'a Facts,
    pub rates: &'a ExchangeRates,
    pub currency: Currency,
    pub scope: &'a Scope,
}

impl<'a> Source<'a> {
    /// The campaigns in scope with their totals over `range`; campaigns whose currency cannot be
    /// converted are left out and named in `conv.missing()`.
    pub fn totals(&self, range: &DateRange, conv: &mut Converter) -> Vec<(&'a CampaignFacts, MetricValues)> {
        let facts = self.facts;
        facts
            .campaigns()
            .filter(|c| self.scope.covers(&c.dim))
            .filter_map(|c| {
                if !conv.prepare(self.rates, c.dim.currency) {
                    return None;
                }
                Some((c, c.series.total(range, conv.rate(c.dim.currency))))
            })
            .collect()
    }

    fn converter(&self, range: DateRange) -> Converter {
        Converter::new(self.currency, range)
    }
}

fn merge_missing(a: Vec<Currency>, b: Vec<Currency>) -> Vec<Currency> {
    let mut all: Vec<Currency> = a.into_iter().chain(b).collect();
    all.sort();
    all.dedup();
    all
}

/// KPIs for a platform, current against previous.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformFigures {
    pub platform: Platform,
    /// Campaigns in scope on this platform.
    pub campaigns: u64,
    /// Of those, campaigns that spent in the window.
    pub spending_campaigns: u64,
    /// This platform's part of the window's spend (0 to 1); absent when nothing was spent.
    pub share_of_spend: Option<f64>,
    #[serde(flatten)]
    pub figures: Compared,
}

/// `GET /analytics/summary` and `GET /analytics/platforms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub range: DateRange,
    pub previous_range: DateRange,
    pub currency: Currency,
    pub total: Compared,
    /// Every platform, in `Platform::ALL` order, zeros included.
    pub platforms: Vec<PlatformFigures>,
    /// Account currencies without an exchange rate to the report currency; their campaigns are
    /// not in the figures.
    pub missing_rates: Vec<Currency>,
}

// `GET /analytics/platforms`: the summary's platforms side by side (no doc comment: it would
// change the API document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformComparison {
    pub range: DateRange,
    pub previous_range: DateRange,
    pub currency: Currency,
    pub platforms: Vec<PlatformFigures>,
    pub missing_rates: Vec<Currency>,
}

impl From<Summary> for PlatformComparison {
    fn from(s: Summary) -> Self {
        PlatformComparison {
            range: s.range,
            previous_range: s.previous_range,
            currency: s.currency,
            platforms: s.platforms,
            missing_rates: s.missing_rates,
        }
    }
}

pub fn summary(src: &Source<'_>, range: DateRange) -> Summary {
    let previous_range = range.previous();
    let mut conv = src.converter(range);
    let mut conv_prev = src.converter(previous_range);
    let now = src.totals(&range, &mut conv);
    let before = src.totals(&previous_range, &mut conv_prev);
    let mut total_now = MetricValues::default();
    let mut total_before = MetricValues::default();
    let mut per = [(MetricValues::default(), MetricValues::default(), 0u64, 0u64); 3];
    let slot = |p: Platform| Platform::ALL.iter().position(|q| *q == p).unwrap_or(0);
    for (c, v) in &now {
        total_now.add(v);
        let s = &mut per[slot(c.dim.platform)];
        s.0.add(v);
        s.2 += 1;
        if v.spend.get() > 0 {
            s.3 += 1;
        }
    }
    for (c, v) in &before {
        total_before.add(v);
        per[slot(c.dim.platform)].1.add(v);
    }
    let total_spend = total_now.spend.get();
    let platforms = Platform::ALL
        .into_iter()
        .zip(per)
        .map(|(platform, (cur, prev, campaigns, spending))| PlatformFigures {
            platform,
            campaigns,
            spending_campaigns: spending,
            share_of_spend: (total_spend > 0).then(|| cur.spend.get() as f64 / total_spend as f64),
            figures: Compared::new(cur, prev),
        })
        .collect();
    Summary {
        range,
        previous_range,
        currency: src.currency,
        total: Compared::new(total_now, total_before),
        platforms,
        missing_rates: merge_missing(conv.missing(), conv_prev.missing()),
    }
}

/// How a trend's series are split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TrendGroup {
    #[default]
    Platform,
    Campaign,
    Project,
}

impl FromStr for TrendGroup {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "platform" => Ok(TrendGroup::Platform),
            "campaign" => Ok(TrendGroup::Campaign),
            "project" => Ok(TrendGroup::Project),
            _ => Err(ParseError::invalid(
                "group_by",
                s,
                "expected platform, campaign or project",
            )),
        }
    }
}

/// The most series a trend splits out; the rest are summed into one "other" series.
pub const MAX_TREND_SERIES: usize = 50;

/// One series of a trend, one entry per bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendSeries {
    /// Platform name, campaign id, project id, or `other`.
    pub key: String,
    pub label: String,
    pub platform: Option<Platform>,
    pub spend_micros: Vec<i64>,
    pub conversion_value_micros: Vec<i64>,
    pub impressions: Vec<u64>,
    pub clicks: Vec<u64>,
    pub conversions: Vec<f64>,
}

impl TrendSeries {
    fn new(key: String, label: String, platform: Option<Platform>, n: usize) -> TrendSeries {
        TrendSeries {
            key,
            label,
            platform,
            spend_micros: vec![0; n],
            conversion_value_micros: vec![0; n],
            impressions: vec![0; n],
            clicks: vec![0; n],
            conversions: vec![0.0; n],
        }
    }

    fn add(&mut self, at: usize, v: &MetricValues) {
        self.spend_micros[at] += v.spend.get();
        self.conversion_value_micros[at] += v.conversion_value.get();
        self.impressions[at] += v.impressions;
        self.clicks[at] += v.clicks;
        self.conversions[at] += v.conversions;
    }
}

/// `GET /analytics/spend-trend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trend {
    pub range: DateRange,
    pub granularity: Granularity,
    pub group_by: TrendGroup,
    pub currency: Currency,
    /// First day of each bucket (the first bucket may start before the range; it holds only the
    /// range's days).
    pub buckets: Vec<NaiveDate>,
    pub series: Vec<TrendSeries>,
    pub missing_rates: Vec<Currency>,
    /// The bucket holding today, whose spend is still coming in (draw it as partial, not as a
    /// drop); `null` when the window ends before today.
    #[serde(default)]
    pub partial_bucket: Option<usize>,
}

/// The bucket of `buckets` (first days, ascending, over `range`) that holds `today` while its
/// spend is still coming in; `None` when `range` does not reach today.
pub fn partial_bucket(range: &DateRange, buckets: &[NaiveDate], today: NaiveDate) -> Option<usize> {
    if !range.contains(today) {
        return None;
    }
    buckets.iter().rposition(|start| *start <= today)
}

/// A series split for drawing with its partial bucket apart: the values before `partial` (drawn
/// solid) and those from the bucket before it to it (drawn dashed), so the dashed segment joins the
/// solid line: `[1, 2, 3]` with `partial = 2` is `[1, 2, –]` and `[–, 2, 3]`. Without a partial
/// bucket, the values and nothing.
pub fn split_partial(values: &[Option<f64>], partial: Option<usize>) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    match partial {
        Some(p) if p < values.len() => {
            let solid = values
                .iter()
                .enumerate()
                .map(|(i, v)| if i < p { *v } else { None })
                .collect();
            let dashed = values
                .iter()
                .enumerate()
                .map(|(i, v)| if i + 1 >= p && i <= p { *v } else { None })
                .collect();
            (solid, dashed)
        }
        _ => (values.to_vec(), Vec::new()),
    }
}

impl Trend {
    /// Marks the bucket holding `today` as partial (see [`Trend::partial_bucket`]).
    pub fn mark_partial(&mut self, today: NaiveDate) {
        self.partial_bucket = partial_bucket(&self.range, &self.buckets, today);
    }
}

pub fn trend(
    src: &Source<'_>,
    range: DateRange,
    granularity: Granularity,
    group_by: TrendGroup,
    max_series: usize,
) -> Trend {
    let buckets = granularity.buckets(&range);
    let n = buckets.len();
    // Bucket of each day of the range.
    let first_bucket = buckets.first().copied().unwrap_or(range.from);
    let day_bucket: Vec<usize> = range
        .iter_days()
        .map(|d| match granularity {
            Granularity::Day => (d - range.from).num_days() as usize,
            Granularity::Week => ((granularity.bucket_start(d) - first_bucket).num_days() / 7) as usize,
            Granularity::Month => {
                ((d.year() - first_bucket.year()) * 12 + d.month() as i32 - first_bucket.month() as i32)
                    as usize
            }
        })
        .collect();
    let mut conv = src.converter(range);
    let max_series = max_series.clamp(1, MAX_TREND_SERIES);
    // Which series each campaign feeds.
    let mut series: Vec<TrendSeries> = Vec::new();
    let mut key_of: HashMap<String, usize> = HashMap::new();
    let chosen: Option<std::collections::HashSet<CampaignId>> = match group_by {
        TrendGroup::Campaign => {
            let mut totals = src.totals(&range, &mut conv);
            totals.sort_by(|a, b| {
                b.1.spend
                    .cmp(&a.1.spend)
                    .then_with(|| a.0.dim.name.cmp(&b.0.dim.name))
            });
            Some(
                totals
                    .iter()
                    .take(max_series)
                    .map(|(c, _)| c.dim.id.clone())
                    .collect(),
            )
        }
        _ => None,
    };
    if group_by == TrendGroup::Platform {
        for p in Platform::ALL {
            key_of.insert(p.as_str().to_owned(), series.len());
            series.push(TrendSeries::new(
                p.as_str().to_owned(),
                p.label().to_owned(),
                Some(p),
                n,
            ));
        }
    }
    for c in src.facts.campaigns().filter(|c| src.scope.covers(&c.dim)) {
        if !conv.prepare(src.rates, c.dim.currency) {
            continue;
        }
        let (key, label, platform) = match group_by {
            TrendGroup::Platform => (
                c.dim.platform.as_str().to_owned(),
                String::new(),
                Some(c.dim.platform),
            ),
            TrendGroup::Project => (
                c.dim.project_id.as_str().to_owned(),
                c.dim.project_id.as_str().to_owned(),
                None,
            ),
            TrendGroup::Campaign => {
                if chosen.as_ref().is_some_and(|set| set.contains(&c.dim.id)) {
                    (
                        c.dim.id.as_str().to_owned(),
                        c.dim.name.clone(),
                        Some(c.dim.platform),
                    )
                } else {
                    ("other".to_owned(), "Other campaigns".to_owned(), None)
                }
            }
        };
        let at = *key_of.entry(key.clone()).or_insert_with(|| {
            series.push(TrendSeries::new(key, label, platform, n));
            series.len() - 1
        });
        let s = &mut series[at];
        c.series.each_day(&range, conv.rate(c.dim.currency), |day, v| {
            s.add(day_bucket[day], &v);
        });
    }
    if group_by != TrendGroup::Platform {
        // Biggest first; "other" last.
        series.sort_by(|a, b| {
            (a.key == "other")
                .cmp(&(b.key == "other"))
                .then_with(|| {
                    b.spend_micros
                        .iter()
                        .sum::<i64>()
                        .cmp(&a.spend_micros.iter().sum::<i64>())
                })
                .then_with(|| a.label.cmp(&b.label))
        });
    }
    Trend {
        range,
        granularity,
        group_by,
        currency: src.currency,
        buckets,
        series,
        missing_rates: conv.missing(),
        partial_bucket: None,
    }
}

/// What the campaign table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignOrder {
    Name,
    Platform,
    Metric(Metric),
}

impl FromStr for CampaignOrder {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "name" => Ok(CampaignOrder::Name),
            "platform" => Ok(CampaignOrder::Platform),
            other => other.parse::<Metric>().map(CampaignOrder::Metric).map_err(|_| {
                ParseError::invalid(
                    "sort",
                    s,
                    "expected name, platform or a metric (spend, impressions, clicks, conversions, conversion_value, ctr, cpc, cpm, cvr, cpa, roas)",
                )
            }),
        }
    }
}

pub const MAX_TABLE_PAGE: u32 = 500;

/// Filters, order and page of the campaign table.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignTableQuery {
    pub order: CampaignOrder,
    pub descending: bool,
    pub limit: u32,
    pub offset: u32,
    /// Case-insensitive part of the name or platform id.
    pub search: Option<String>,
    pub status: Option<CampaignStatus>,
    pub objective: Option<String>,
    /// Only campaigns with spend or impressions in the window.
    pub with_activity: bool,
}

impl Default for CampaignTableQuery {
    fn default() -> Self {
        CampaignTableQuery {
            order: CampaignOrder::Metric(Metric::Spend),
            descending: true,
            limit: 50,
            offset: 0,
            search: None,
            status: None,
            objective: None,
            with_activity: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignRow {
    pub id: CampaignId,
    pub name: String,
    pub project_id: crate::ids::ProjectId,
    pub platform: Platform,
    pub external_id: String,
    pub objective: Option<String>,
    pub status: CampaignStatus,
    /// The ad account's currency (the figures are in the report's).
    pub account_currency: Currency,
    #[serde(flatten)]
    pub kpis: Kpis,
}

/// `GET /analytics/campaigns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignTable {
    pub range: DateRange,
    pub currency: Currency,
    /// Rows matching the filters, over all pages.
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
    pub items: Vec<CampaignRow>,
    /// The matching rows summed.
    pub totals: Kpis,
    pub missing_rates: Vec<Currency>,
}

fn matches(dim: &CampaignDim, q: &CampaignTableQuery) -> bool {
    if q.status.is_some_and(|s| s != dim.status) {
        return false;
    }
    if let Some(o) = &q.objective
        && !dim
            .objective
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(o))
    {
        return false;
    }
    match &q.search {
        Some(s) if !s.trim().is_empty() => {
            let s = s.trim().to_lowercase();
            dim.name.to_lowercase().contains(&s) || dim.external_id.to_lowercase().contains(&s)
        }
        _ => true,
    }
}

pub fn campaign_table(src: &Source<'_>, range: DateRange, q: &CampaignTableQuery) -> CampaignTable {
    let mut conv = src.converter(range);
    let mut rows: Vec<(&CampaignFacts, Kpis)> = src
        .totals(&range, &mut conv)
        .into_iter()
        .filter(|(c, v)| matches(&c.dim, q) && (!q.with_activity || v.spend.get() > 0 || v.impressions > 0))
        .map(|(c, v)| (c, Kpis::from(v)))
        .collect();
    let mut totals = MetricValues::default();
    for (_, k) in &rows {
        totals.add(&k.values());
    }
    let by_name = |a: &(&CampaignFacts, Kpis), b: &(&CampaignFacts, Kpis)| {
        a.0.dim
            .name
            .to_lowercase()
            .cmp(&b.0.dim.name.to_lowercase())
            .then_with(|| a.0.dim.id.cmp(&b.0.dim.id))
    };
    let desc = q.descending;
    rows.sort_by(|a, b| {
        let primary = match q.order {
            CampaignOrder::Name => by_name(a, b),
            CampaignOrder::Platform => a.0.dim.platform.cmp(&b.0.dim.platform),
            CampaignOrder::Metric(m) => match (a.1.metric(m), b.1.metric(m)) {
                // Rows without a value go last whichever the direction.
                (Some(x), Some(y)) => {
                    let o = x.total_cmp(&y);
                    if desc { o.reverse() } else { o }
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
        };
        let primary = match q.order {
            CampaignOrder::Metric(_) => primary,
            _ if desc => primary.reverse(),
            _ => primary,
        };
        primary.then_with(|| by_name(a, b))
    });
    let total = rows.len() as u64;
    let limit = q.limit.clamp(1, MAX_TABLE_PAGE);
    let items = rows
        .into_iter()
        .skip(q.offset as usize)
        .take(limit as usize)
        .map(|(c, kpis)| CampaignRow {
            id: c.dim.id.clone(),
            name: c.dim.name.clone(),
            project_id: c.dim.project_id.clone(),
            platform: c.dim.platform,
            external_id: c.dim.external_id.clone(),
            objective: c.dim.objective.clone(),
            status: c.dim.status,
            account_currency: c.dim.currency,
            kpis,
        })
        .collect();
    CampaignTable {
        range,
        currency: src.currency,
        total,
        limit,
        offset: q.offset,
        items,
        totals: Kpis::from(totals),
        missing_rates: conv.missing(),
    }
}
