//! The daily performance facts reports are computed from, held column by column per campaign so a
//! report over a window reads contiguous slices. A snapshot shares unchanged campaigns with the one
//! before it, so refreshing a few campaigns after a sync copies nothing else.

use super::fx::ExchangeRates;
use super::range::DateRange;
use crate::campaign::CampaignStatus;
use crate::ids::{CampaignId, ProjectId};
use crate::metrics::{DailyMetric, MetricValues};
use crate::money::{Currency, Micros};
use crate::platform::Platform;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// What a report knows about a campaign besides its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignDim {
    pub id: CampaignId,
    pub project_id: ProjectId,
    pub platform: Platform,
    pub external_id: String,
    pub name: String,
    pub objective: Option<String>,
    pub status: CampaignStatus,
    pub daily_budget: Option<Micros>,
    /// The ad account's currency: the numbers below are in it.
    pub currency: Currency,
}

/// One campaign's days, sorted by date, one vector per measure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Days since 0001-01-01 (chrono's `num_days_from_ce`).
    pub days: Vec<i32>,
    pub spend: Vec<i64>,
    pub impressions: Vec<u64>,
    pub clicks: Vec<u64>,
    pub conversions: Vec<f64>,
    pub conversion_value: Vec<i64>,
}

impl Series {
    /// From days in any order; a later entry for the same date replaces an earlier one.
    pub fn from_days(mut days: Vec<DailyMetric>) -> Series {
        days.sort_by_key(|d| d.date);
        days.dedup_by(|later, earlier| {
            if later.date == earlier.date {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        let mut s = Series::with_capacity(days.len());
        for d in days {
            s.push(d.date, &d.values);
        }
        s
    }

    pub fn with_capacity(n: usize) -> Series {
        Series {
            days: Vec::with_capacity(n),
            spend: Vec::with_capacity(n),
            impressions: Vec::with_capacity(n),
            clicks: Vec::with_capacity(n),
            conversions: Vec::with_capacity(n),
            conversion_value: Vec::with_capacity(n),
        }
    }

    /// Appends a day; callers push in date order.
    pub fn push(&mut self, date: NaiveDate, v: &MetricValues) {
        self.days.push(date.num_days_from_ce());
        self.spend.push(v.spend.get());
        self.impressions.push(v.impressions);
        self.clicks.push(v.clicks);
        self.conversions.push(v.conversions);
        self.conversion_value.push(v.conversion_value.get());
    }

    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// Puts days pushed out of order back in order; of two entries for one date the later stays.
    pub fn sort(&mut self) {
        if self.days.is_sorted_by(|a, b| a < b) {
            return;
        }
        let mut order: Vec<usize> = (0..self.days.len()).collect();
        // Stable: entries of one date keep their push order, so the last is the later one.
        order.sort_by_key(|i| self.days[*i]);
        let mut keep: Vec<usize> = Vec::with_capacity(order.len());
        for i in order {
            match keep.last_mut() {
                Some(last) if self.days[*last] == self.days[i] => *last = i,
                _ => keep.push(i),
            }
        }
        let pick = |v: &[i64]| keep.iter().map(|i| v[*i]).collect::<Vec<i64>>();
        let (spend, value) = (pick(&self.spend), pick(&self.conversion_value));
        let days = keep.iter().map(|i| self.days[*i]).collect();
        let impressions = keep.iter().map(|i| self.impressions[*i]).collect();
        let clicks = keep.iter().map(|i| self.clicks[*i]).collect();
        let conversions = keep.iter().map(|i| self.conversions[*i]).collect();
        *self = Series {
            days,
            spend,
            impressions,
            clicks,
            conversions,
            conversion_value: value,
        };
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The rows inside `range`.
    fn span(&self, range: &DateRange) -> std::ops::Range<usize> {
        let (from, to) = (range.from.num_days_from_ce(), range.to.num_days_from_ce());
        let start = self.days.partition_point(|d| *d < from);
        let end = self.days.partition_point(|d| *d <= to);
        start..end.max(start)
    }

    /// Totals over `range`, money converted by `rate` (per day of the range; `None`: same currency).
    pub fn total(&self, range: &DateRange, rate: Option<&[f64]>) -> MetricValues {
        let span = self.span(range);
        let (spend, value) = match rate {
            None => (
                self.spend[span.clone()].iter().sum::<i64>(),
                self.conversion_value[span.clone()].iter().sum::<i64>(),
            ),
            Some(rate) => {
                let first = range.from.num_days_from_ce();
                let mut spend = 0i64;
                let mut value = 0i64;
                for i in span.clone() {
                    let f = rate[(self.days[i] - first) as usize];
                    spend += (self.spend[i] as f64 * f).round() as i64;
                    value += (self.conversion_value[i] as f64 * f).round() as i64;
                }
                (spend, value)
            }
        };
        MetricValues {
            spend: Micros::new(spend),
            impressions: self.impressions[span.clone()].iter().sum(),
            clicks: self.clicks[span.clone()].iter().sum(),
            conversions: self.conversions[span].iter().sum(),
            conversion_value: Micros::new(value),
        }
    }

    /// Calls `f(index of the day in range, values)` for every day with data inside `range`.
    pub fn each_day(&self, range: &DateRange, rate: Option<&[f64]>, mut f: impl FnMut(usize, MetricValues)) {
        let first = range.from.num_days_from_ce();
        for i in self.span(range) {
            let at = (self.days[i] - first) as usize;
            let factor = rate.map_or(1.0, |r| r[at]);
            let money = |m: i64| {
                if rate.is_some() {
                    Micros::new((m as f64 * factor).round() as i64)
                } else {
                    Micros::new(m)
                }
            };
            f(
                at,
                MetricValues {
                    spend: money(self.spend[i]),
                    impressions: self.impressions[i],
                    clicks: self.clicks[i],
                    conversions: self.conversions[i],
                    conversion_value: money(self.conversion_value[i]),
                },
            );
        }
    }

    /// The first and last day with data.
    pub fn bounds(&self) -> Option<(NaiveDate, NaiveDate)> {
        let day = |d: &i32| NaiveDate::from_num_days_from_ce_opt(*d);
        Some((day(self.days.first()?)?, day(self.days.last()?)?))
    }
}

/// A campaign and its days.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignFacts {
    pub dim: CampaignDim,
    pub series: Series,
}

/// Every campaign's facts at one moment.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    campaigns: Vec<Arc<CampaignFacts>>,
    index: HashMap<CampaignId, usize>,
}

impl Facts {
    pub fn new(campaigns: impl IntoIterator<Item = CampaignFacts>) -> Facts {
        let mut f = Facts::default();
        for c in campaigns {
            f.put(Arc::new(c));
        }
        f
    }

    fn put(&mut self, c: Arc<CampaignFacts>) {
        match self.index.get(&c.dim.id) {
            Some(&i) => self.campaigns[i] = c,
            None => {
                self.index.insert(c.dim.id.clone(), self.campaigns.len());
                self.campaigns.push(c);
            }
        }
    }

    /// A new snapshot with `changed` campaigns put in (replacing those with the same id) and
    /// `removed` ones taken out; everything else is shared with `self`.
    pub fn with_changes(&self, changed: Vec<CampaignFacts>, removed: &[CampaignId]) -> Facts {
        let mut next = if removed.is_empty() {
            self.clone()
        } else {
            let gone: BTreeSet<&CampaignId> = removed.iter().collect();
            Facts::from_arcs(
                self.campaigns
                    .iter()
                    .filter(|c| !gone.contains(&c.dim.id))
                    .cloned(),
            )
        };
        for c in changed {
            next.put(Arc::new(c));
        }
        next
    }

    fn from_arcs(list: impl Iterator<Item = Arc<CampaignFacts>>) -> Facts {
        let mut f = Facts::default();
        for c in list {
            f.put(c);
        }
        f
    }

    pub fn campaigns(&self) -> impl Iterator<Item = &CampaignFacts> {
        self.campaigns.iter().map(|c| c.as_ref())
    }

    pub fn get(&self, id: &CampaignId) -> Option<&CampaignFacts> {
        self.index.get(id).map(|&i| self.campaigns[i].as_ref())
    }

    pub fn len(&self) -> usize {
        self.campaigns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.campaigns.is_empty()
    }

    /// Campaign-days held.
    pub fn rows(&self) -> usize {
        self.campaigns.iter().map(|c| c.series.len()).sum()
    }
}

/// Which campaigns a report covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub project_id: Option<ProjectId>,
    pub platform: Option<Platform>,
}

impl Scope {
    pub fn covers(&self, dim: &CampaignDim) -> bool {
        self.project_id.as_ref().is_none_or(|p| *p == dim.project_id)
            && self.platform.is_none_or(|p| p == dim.platform)
    }
}

/// Money conversion into the reporting currency over one window: a dense table of factors per day
/// for each account currency met.
#[derive(Debug, Clone)]
pub struct Converter {
    pub currency: Currency,
    range: DateRange,
    factors: HashMap<Currency, Option<Vec<f64>>>,
    missing: BTreeSet<Currency>,
}

impl Converter {
    pub fn new(currency: Currency, range: DateRange) -> Converter {
        Converter {
            currency,
            range,
            factors: HashMap::new(),
            missing: BTreeSet::new(),
        }
    }

    /// Prepares the factors for `from`; `false` when no rate converts it.
    pub fn prepare(&mut self, rates: &ExchangeRates, from: Currency) -> bool {
        if from == self.currency {
            return true;
        }
        let (to, range) = (self.currency, self.range);
        let entry = self.factors.entry(from).or_insert_with(|| {
            range
                .iter_days()
                .map(|d| rates.factor(from, to, d))
                .collect::<Option<Vec<f64>>>()
        });
        if entry.is_none() {
            self.missing.insert(from);
            return false;
        }
        true
    }

    /// The per-day factors for `from` (call `prepare` first): `None` means same currency.
    pub fn rate(&self, from: Currency) -> Option<&[f64]> {
        if from == self.currency {
            return None;
        }
        self.factors.get(&from).and_then(|f| f.as_deref())
    }

    /// Account currencies that could not be converted (their campaigns are left out).
    pub fn missing(&self) -> Vec<Currency> {
        self.missing.iter().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::fx::ExchangeRate;
    use crate::time::parse_date;

    fn d(text: &str) -> NaiveDate {
        parse_date(text).unwrap_or_default()
    }

    pub(crate) fn day(
        date: &str,
        spend: i64,
        impressions: u64,
        clicks: u64,
        conversions: f64,
        value: i64,
    ) -> DailyMetric {
        DailyMetric {
            date: d(date),
            values: MetricValues {
                spend: Micros::new(spend),
                impressions,
                clicks,
                conversions,
                conversion_value: Micros::new(value),
            },
        }
    }

    #[test]
    fn totals_over_a_window() {
        let s = Series::from_days(vec![
            day("2026-03-03", 30, 300, 3, 0.5, 90),
            day("2026-03-01", 10, 100, 1, 1.0, 0),
            day("2026-03-02", 20, 200, 2, 0.0, 40),
            day("2026-03-03", 33, 330, 3, 0.5, 99),
        ]);
        assert_eq!(
            s.days.len(),
            3,
            "a later entry for a date replaces the earlier one"
        );
        let r = DateRange::new(d("2026-03-02"), d("2026-03-10")).unwrap_or_else(|e| panic!("{e}"));
        let t = s.total(&r, None);
        assert_eq!(t.spend, Micros::new(53));
        assert_eq!((t.impressions, t.clicks), (530, 5));
        assert_eq!(t.conversion_value, Micros::new(139));
        let before = DateRange::new(d("2026-02-01"), d("2026-02-28")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.total(&before, None), MetricValues::default());
        let mut seen = vec![];
        s.each_day(&r, None, |at, v| seen.push((at, v.spend.get())));
        assert_eq!(seen, vec![(0, 20), (1, 33)]);
    }

    #[test]
    fn conversion_uses_each_days_rate() {
        let eur = Currency::EUR;
        let rates = ExchangeRates::new([
            ExchangeRate {
                currency: eur,
                effective_from: d("2026-03-01"),
                per_usd: 0.5,
            },
            ExchangeRate {
                currency: eur,
                effective_from: d("2026-03-02"),
                per_usd: 0.8,
            },
        ]);
        let r = DateRange::new(d("2026-03-01"), d("2026-03-02")).unwrap_or_else(|e| panic!("{e}"));
        let mut conv = Converter::new(Currency::USD, r);
        assert!(conv.prepare(&rates, eur));
        let s = Series::from_days(vec![
            day("2026-03-01", 1_000_000, 1, 1, 0.0, 0),
            day("2026-03-02", 1_000_000, 1, 1, 0.0, 0),
        ]);
        // 1 EUR = 2 USD on the 1st, 1.25 USD on the 2nd.
        assert_eq!(s.total(&r, conv.rate(eur)).spend, Micros::new(3_250_000));
        let gbp = Currency::parse("GBP").unwrap_or(Currency::USD);
        assert!(!conv.prepare(&rates, gbp));
        assert_eq!(conv.missing(), vec![gbp]);
    }
}
