//! The analytics charts as plain specs, built from the overview the same way on the server and in
//! the browser.

use crate::components::chart::platform_color;
use crate::components::{ChartSpec, SeriesSpec};
use switchboard_core::Platform;
use switchboard_core::analytics::overview::AnalyticsOverview;
use switchboard_core::analytics::pacing::Pacing;

fn units(micros: i64) -> f64 {
    (micros as f64 / 1e4).round() / 100.0
}

/// Spend per bucket, stacked by platform; every platform is drawn (zeros included) so a filter
/// change updates the same three series.
pub fn spend_trend(o: &AnalyticsOverview) -> ChartSpec {
    let labels = o
        .trend
        .buckets
        .iter()
        .map(|d| d.format("%b %-d").to_string())
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
        value: share,
        max: 150.0,
        low: 100.0 * (1.0 - p.tolerance),
        high: 100.0 * (1.0 + p.tolerance),
        label: label.to_owned(),
    })
}
