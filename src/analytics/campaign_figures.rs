//! What a media buyer looks at first in a list of campaigns: each campaign's spend, CPA and ROAS
//! over a window, in its own currency; the list sorted by one of them; and a campaign's daily
//! spend and conversions for its trend chart, with today's partial day marked.

use super::facts::Facts;
use super::fx::ExchangeRates;
use super::range::DateRange;
use crate::campaign::Campaign;
use crate::error::ParseError;
use crate::ids::CampaignId;
use crate::metrics::{DailyMetric, MetricValues};
use crate::money::{Currency, Micros};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A figure a campaign list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureSort {
    Spend,
    Cpa,
    Roas,
}

impl FigureSort {
    pub const ALL: [FigureSort; 3] = [FigureSort::Spend, FigureSort::Cpa, FigureSort::Roas];

    pub fn as_str(self) -> &'static str {
        match self {
            FigureSort::Spend => "spend",
            FigureSort::Cpa => "cpa",
            FigureSort::Roas => "roas",
        }
    }
}

impl FromStr for FigureSort {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        FigureSort::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| ParseError::invalid("sort", s, "expected spend, cpa or roas"))
    }
}

/// One campaign's totals over a window, in its account's currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignFigures {
    pub campaign_id: CampaignId,
    pub currency: Currency,
    pub values: MetricValues,
}

impl CampaignFigures {
    pub fn spend(&self) -> Micros {
        self.values.spend
    }
    /// Spend per conversion, in currency units; `None` without conversions.
    pub fn cpa(&self) -> Option<f64> {
        self.values.cpa()
    }
    /// Conversion value per unit spent; `None` without spend.
    pub fn roas(&self) -> Option<f64> {
        self.values.roas()
    }
}

/// Each campaign's figures over `window` (zeros for one without data), in list order.
pub fn campaign_figures(facts: &Facts, campaigns: &[Campaign], window: &DateRange) -> Vec<CampaignFigures> {
    campaigns
        .iter()
        .map(|c| CampaignFigures {
            campaign_id: c.id.clone(),
            currency: c.currency,
            values: facts
                .get(&c.id)
                .map(|f| f.series.total(window, None))
                .unwrap_or_default(),
        })
        .collect()
}

/// Sorts `campaigns` by a figure (compared across currencies in `currency` at `on`'s rates),
/// descending or ascending; campaigns without the figure (no conversions for CPA, no spend for
/// ROAS, or no rate) go last either way, then by name. `figures` are `campaigns`' own, in order.
pub fn sort_by_figure(
    campaigns: Vec<Campaign>,
    figures: &[CampaignFigures],
    sort: FigureSort,
    descending: bool,
    rates: &ExchangeRates,
    currency: Currency,
    on: NaiveDate,
) -> Vec<Campaign> {
    let to_report = |units: f64, from: Currency| -> Option<f64> {
        if from == currency {
            return Some(units);
        }
        let m = Micros::from_units_f64(units).ok()?;
        rates.convert(m, from, currency, on).map(Micros::as_units_f64)
    };
    let mut keyed: Vec<(Option<f64>, Campaign)> = campaigns
        .into_iter()
        .zip(figures)
        .map(|(c, f)| {
            let key = match sort {
                FigureSort::Spend => to_report(f.spend().as_units_f64(), f.currency),
                FigureSort::Cpa => f.cpa().and_then(|v| to_report(v, f.currency)),
                FigureSort::Roas => f.roas(),
            };
            (key, c)
        })
        .collect();
    keyed.sort_by(|(a, ca), (b, cb)| {
        let primary = match (a, b) {
            (Some(x), Some(y)) => {
                let o = x.total_cmp(y);
                if descending { o.reverse() } else { o }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        primary.then_with(|| ca.name.to_lowercase().cmp(&cb.name.to_lowercase()))
    });
    keyed.into_iter().map(|(_, c)| c).collect()
}

/// A campaign's spend and conversions per day, for its trend chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailySeries {
    pub dates: Vec<NaiveDate>,
    pub spend_micros: Vec<i64>,
    pub conversions: Vec<f64>,
    /// The day still coming in (today), drawn as partial.
    pub partial: Option<usize>,
}

/// Every day from the first to the last of `days` (missing days as zeros), with today marked
/// partial.
pub fn daily_series(days: &[DailyMetric], today: NaiveDate) -> DailySeries {
    let (Some(first), Some(last)) = (
        days.iter().map(|d| d.date).min(),
        days.iter().map(|d| d.date).max(),
    ) else {
        return DailySeries {
            dates: Vec::new(),
            spend_micros: Vec::new(),
            conversions: Vec::new(),
            partial: None,
        };
    };
    let dates: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let mut spend = vec![0i64; dates.len()];
    let mut conversions = vec![0f64; dates.len()];
    for d in days {
        let at = (d.date - first).num_days() as usize;
        spend[at] += d.values.spend.get();
        conversions[at] += d.values.conversions;
    }
    let partial = dates.iter().position(|d| *d == today);
    DailySeries {
        dates,
        spend_micros: spend,
        conversions,
        partial,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::facts::{CampaignDim, CampaignFacts, Series};
    use crate::analytics::fx::ExchangeRate;
    use crate::campaign::CampaignStatus;
    use crate::ids::ProjectId;
    use crate::platform::Platform;
    use crate::time::{Timestamp, parse_date};

    const U: i64 = 1_000_000;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    fn day(date: &str, spend: i64, conversions: f64, value: i64) -> DailyMetric {
        DailyMetric {
            date: d(date),
            values: MetricValues {
                spend: Micros::new(spend * U),
                impressions: 100,
                clicks: 10,
                conversions,
                conversion_value: Micros::new(value * U),
            },
        }
    }

    fn campaign(id: &str, name: &str, currency: Currency) -> Campaign {
        Campaign {
            id: CampaignId::parse(id).expect("id"),
            project_id: ProjectId::parse("proj_a").expect("id"),
            platform: Platform::Meta,
            external_id: id.to_owned(),
            name: name.to_owned(),
            objective: None,
            status: CampaignStatus::Active,
            platform_status: "ACTIVE".to_owned(),
            daily_budget: None,
            currency,
            time_zone: None,
            start_date: None,
            end_date: None,
            created_at: Timestamp::parse("2026-06-01T00:00:00Z").expect("ts"),
            updated_at: None,
        }
    }

    fn facts(rows: &[(&Campaign, Vec<DailyMetric>)]) -> Facts {
        Facts::new(rows.iter().map(|(c, days)| CampaignFacts {
            dim: CampaignDim {
                id: c.id.clone(),
                project_id: c.project_id.clone(),
                platform: c.platform,
                external_id: c.external_id.clone(),
                name: c.name.clone(),
                objective: None,
                status: c.status,
                daily_budget: None,
                currency: c.currency,
            },
            series: Series::from_days(days.clone()),
        }))
    }

    #[test]
    fn spend_cpa_and_roas_over_the_window_sorted() {
        let eur = Currency::EUR;
        let a = campaign("camp_a", "Alpha", Currency::USD);
        let b = campaign("camp_b", "Bravo", eur);
        let c = campaign("camp_c", "Charlie", Currency::USD);
        let f = facts(&[
            // Alpha: 100 + 100 spent, 4 conversions, 600 value: CPA 50, ROAS 3. A day outside.
            (
                &a,
                vec![
                    day("2026-11-01", 100, 2.0, 300),
                    day("2026-11-02", 100, 2.0, 300),
                    day("2026-10-01", 999, 0.0, 0),
                ],
            ),
            // Bravo: 150 EUR (300 USD at 0.5 EUR per USD), 1 conversion, no value.
            (&b, vec![day("2026-11-02", 150, 1.0, 0)]),
        ]);
        let window = DateRange::new(d("2026-11-01"), d("2026-11-30")).expect("range");
        let list = vec![a, b, c];
        let figures = campaign_figures(&f, &list, &window);
        assert_eq!(figures[0].spend(), Micros::new(200 * U));
        assert_eq!(figures[0].cpa(), Some(50.0));
        assert_eq!(figures[0].roas(), Some(3.0));
        assert_eq!(
            (figures[1].spend(), figures[1].currency),
            (Micros::new(150 * U), eur)
        );
        assert_eq!(figures[1].roas(), Some(0.0));
        // Charlie has no data: zeros, no CPA or ROAS.
        assert_eq!(figures[2].spend(), Micros::ZERO);
        assert_eq!((figures[2].cpa(), figures[2].roas()), (None, None));

        let rates = ExchangeRates::new([ExchangeRate {
            currency: eur,
            effective_from: d("2020-01-01"),
            per_usd: 0.5,
        }]);
        let names = |v: Vec<Campaign>| v.into_iter().map(|c| c.name).collect::<Vec<_>>();
        let on = d("2026-11-30");
        let by = |s, desc| {
            names(sort_by_figure(
                list.clone(),
                &figures,
                s,
                desc,
                &rates,
                Currency::USD,
                on,
            ))
        };
        // 150 EUR is 300 USD: Bravo spent most.
        assert_eq!(by(FigureSort::Spend, true), ["Bravo", "Alpha", "Charlie"]);
        assert_eq!(by(FigureSort::Spend, false), ["Charlie", "Alpha", "Bravo"]);
        // CPA: Alpha 50, Bravo 300 USD; Charlie has none and goes last either way.
        assert_eq!(by(FigureSort::Cpa, false), ["Alpha", "Bravo", "Charlie"]);
        assert_eq!(by(FigureSort::Cpa, true), ["Bravo", "Alpha", "Charlie"]);
        assert_eq!(by(FigureSort::Roas, true), ["Alpha", "Bravo", "Charlie"]);
        assert_eq!("roas".parse::<FigureSort>(), Ok(FigureSort::Roas));
        assert!("budget".parse::<FigureSort>().is_err());
    }

    #[test]
    fn daily_series_fills_gaps_and_marks_today() {
        let days = vec![
            day("2026-12-05", 30, 1.0, 0),
            day("2026-12-02", 100, 3.0, 0),
            day("2026-12-04", 90, 2.0, 0),
        ];
        let s = daily_series(&days, d("2026-12-05"));
        assert_eq!(s.dates.len(), 4);
        assert_eq!(s.spend_micros, vec![100 * U, 0, 90 * U, 30 * U]);
        assert_eq!(s.conversions, vec![3.0, 0.0, 2.0, 1.0]);
        // Today's 30 is a day still coming in, not a drop.
        assert_eq!(s.partial, Some(3));
        assert_eq!(daily_series(&days, d("2026-12-06")).partial, None);
        assert_eq!(daily_series(&[], d("2026-12-06")).dates, Vec::<NaiveDate>::new());
    }
}
