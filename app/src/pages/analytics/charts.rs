//! The analytics charts as plain specs, built from the overview the same way on the server and in
//! the browser.

use crate::components::chart::{PARTIAL_LABEL, platform_color};
use crate::components::format::locale;
use crate::components::{ChartSpec, SeriesSpec};
use switchboard_core::Platform;
use switchboard_core::analytics::campaign_figures::DailySeries;
use switchboard_core::analytics::gauge::gauge_scale;
use switchboard_core::analytics::overview::AnalyticsOverview;
use switchboard_core::analytics::pacing::Pacing;
use switchboard_core::analytics::range::Granularity;

fn units(micros: i64) -> f64 {
    (micros as f64 / 1e4).round() / 100.0
}

/// Spend per bucket, stacked by platform; every platform is drawn (zeros included) so a filter
/// change updates the same three series.
pub fn spend_trend(o: &AnalyticsOverview) -> ChartSpec {
    let l = locale();
    let labels = o
        .trend
        .buckets
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let label = l.day_month(*d);
            match o.trend.partial_bucket {
                Some(p) if p == i && o.trend.granularity == Granularity::Day => PARTIAL_LABEL.to_owned(),
                Some(p) if p == i => format!("{label} (so far)"),
                _ => label,
            }
        })
        .collect();
    let series = Platform::ALL
        .into_iter()
        .map(|p| {
            let found = o.trend.series.iter().find(|s| s.platform == Some(p));
            SeriesSpec {
                name: p.label().to_owned(),
                color: platform_color(p),
                values: match found {
                    Some(s) => s.spend_micros.iter().map(|m| Some(units(*m))).collect(),
                    None => vec![Some(0.0); o.trend.buckets.len()],
                },
            }
        })
        .collect();
    ChartSpec::Trend {
        labels,
        series,
        unit: o.currency.to_string(),
        partial: o.trend.partial_bucket,
    }
}

/// Spend per platform (bars) against ROAS (line).
pub fn platform_comparison(o: &AnalyticsOverview) -> ChartSpec {
    let platforms = &o.summary.platforms;
    ChartSpec::Compare {
        categories: platforms.iter().map(|p| p.platform.label().to_owned()).collect(),
        colors: platforms.iter().map(|p| platform_color(p.platform)).collect(),
        bars: SeriesSpec {
            name: format!("Spend ({})", o.currency),
            color: "#6366f1",
            values: platforms
                .iter()
                .map(|p| Some(units(p.figures.current.spend_micros)))
                .collect(),
        },
        line: SeriesSpec {
            name: "ROAS".to_owned(),
            color: "#f59e0b",
            values: platforms
                .iter()
                .map(|p| p.figures.current.roas.map(|r| (r * 100.0).round() / 100.0))
                .collect(),
        },
    }
}

/// Projected end-of-period spend as a share of the budget, green inside the tolerance band.
pub fn pacing_gauge(p: &Pacing, label: &str) -> Option<ChartSpec> {
    let budget = p.budget_micros.filter(|b| *b > 0)?;
    let share = p.projected_micros as f64 * 100.0 / budget as f64;
    Some(ChartSpec::Gauge {
        scale: gauge_scale(share, p.tolerance),
        label: label.to_owned(),
    })
}

/// A campaign's spend (bars) and conversions (line) per day; today, still coming in, is drawn
/// faded and dashed.
pub fn campaign_trend(s: &DailySeries, currency: switchboard_core::Currency) -> ChartSpec {
    let l = locale();
    let labels = s
        .dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if s.partial == Some(i) {
                PARTIAL_LABEL.to_owned()
            } else {
                l.day_month(*d)
            }
        })
        .collect();
    ChartSpec::Daily {
        labels,
        bars: SeriesSpec {
            name: format!("Spend ({currency})"),
            color: "#6366f1",
            values: s.spend_micros.iter().map(|m| Some(units(*m))).collect(),
        },
        line: SeriesSpec {
            name: "Conversions".to_owned(),
            color: "#f59e0b",
            values: s
                .conversions
                .iter()
                .map(|c| Some((c * 10.0).round() / 10.0))
                .collect(),
        },
        partial: s.partial,
    }
}
