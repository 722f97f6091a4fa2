//! Everything the Analytics page and the dashboard's charts show, computed at once from one
//! snapshot: the summary against the previous period, the spend trend by platform, pacing for the
//! month so far, and benchmarks. Pure; the analytics service supplies the snapshot and dates.

use super::benchmarks::{Benchmarks, benchmarks};
use super::pacing::PacingMode;
use super::pacing_report::{PacingReport, pacing_report};
use super::report::{Summary, Trend, TrendGroup, summary, trend};
use super::{DateRange, Granularity, Scope, Snapshot};
use crate::ids::ProjectId;
use crate::money::Currency;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::project::ProjectChoice;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsOverview {
    pub range: DateRange,
    pub project_id: Option<ProjectId>,
    pub currency: Currency,
    pub projects: Vec<ProjectChoice>,
    pub summary: Summary,
    /// Spend by platform, per day up to 92 days, per week up to about two years, else per month.
    pub trend: Trend,
    /// The calendar month holding `as_of`.
    pub pacing: PacingReport,
    pub benchmarks: Benchmarks,
    /// The first and last day with data in scope, whatever the window (so an empty window can
    /// point to where the data is).
    pub data_span: Option<(NaiveDate, NaiveDate)>,
    /// The server's today (UTC), for the quick ranges.
    pub today: NaiveDate,
}

/// The trend's buckets for a window: about 13 to 100 points whatever its length.
pub fn granularity_for(range: DateRange) -> Granularity {
    match range.days() {
        0..=92 => Granularity::Day,
        93..=730 => Granularity::Week,
        _ => Granularity::Month,
    }
}

/// Campaigns listed in the page's pacing and benchmark tables.
const TABLE_ROWS: usize = 25;
/// Campaigns need this many impressions in the window to count in the benchmarks.
const BENCHMARK_MIN_IMPRESSIONS: u64 = 100;

/// Pacing for the calendar month holding yesterday (the last full day), even, over one project or
/// all, in the project's currency or the report currency: what the Analytics page, the dashboard
/// and a project's page show.
pub fn month_pacing(snapshot: &Snapshot, project_id: Option<&ProjectId>, today: NaiveDate) -> PacingReport {
    let as_of = today.pred_opt().unwrap_or(today);
    let scope = Scope {
        project_id: project_id.cloned(),
        platform: None,
    };
    let src = snapshot.source(&scope, snapshot.currency_for(project_id));
    pacing_report(
        &src,
        &snapshot.rates,
        DateRange::month_of(as_of),
        as_of,
        PacingMode::Even,
        &snapshot.projects,
    )
}

/// The page for `range` over one project or all (in the project's currency, or the report
/// currency across projects); pacing is for the month holding yesterday (the last full day).
pub fn overview(
    snapshot: &Snapshot,
    range: DateRange,
    project_id: Option<ProjectId>,
    today: NaiveDate,
) -> AnalyticsOverview {
    let currency = snapshot.currency_for(project_id.as_ref());
    let scope = Scope {
        project_id: project_id.clone(),
        platform: None,
    };
    let src = snapshot.source(&scope, currency);
    let summary = summary(&src, range);
    let mut trend = trend(&src, range, granularity_for(range), TrendGroup::Platform, 3);
    trend.mark_partial(today);
    let mut pacing = month_pacing(snapshot, project_id.as_ref(), today);
    pacing.campaigns.truncate(TABLE_ROWS);
    let benchmarks = benchmarks(&src, range, BENCHMARK_MIN_IMPRESSIONS, TABLE_ROWS);
    let mut projects: Vec<ProjectChoice> = snapshot
        .projects
        .iter()
        .map(|p| ProjectChoice {
            id: p.id.clone(),
            name: p.name.clone(),
        })
        .collect();
    projects.sort_by_key(|p| p.name.to_lowercase());
    let data_span = snapshot
        .facts
        .campaigns()
        .filter(|c| scope.covers(&c.dim))
        .filter_map(|c| c.series.bounds())
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    AnalyticsOverview {
        today,
        data_span,
        range,
        project_id,
        currency,
        projects,
        summary,
        trend,
        pacing,
        benchmarks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::time::parse_date(s).expect("date")
    }

    #[test]
    fn the_trend_keeps_a_readable_number_of_points() {
        let r = |from: &str, to: &str| DateRange::new(d(from), d(to)).expect("range");
        assert_eq!(granularity_for(r("2026-06-01", "2026-06-30")), Granularity::Day);
        assert_eq!(granularity_for(r("2026-06-01", "2026-08-31")), Granularity::Day);
        assert_eq!(granularity_for(r("2026-01-01", "2026-12-31")), Granularity::Week);
        assert_eq!(granularity_for(r("2024-01-01", "2026-12-31")), Granularity::Month);
    }

    #[test]
    fn an_empty_snapshot_gives_an_empty_page_not_an_error() {
        let range = DateRange::new(d("2026-06-01"), d("2026-06-30")).expect("range");
        let page = overview(&Snapshot::default(), range, None, d("2026-07-01"));
        assert_eq!(page.summary.total.current.spend_micros, 0);
        assert!(page.projects.is_empty());
        assert!(page.pacing.campaigns.is_empty());
        assert_eq!(page.trend.buckets.len(), 30);
        // The window ended the day before today: nothing partial.
        assert_eq!(page.trend.partial_bucket, None);
        let today = overview(&Snapshot::default(), range, None, d("2026-06-30"));
        assert_eq!(today.trend.partial_bucket, Some(29));
        assert_eq!(page.data_span, None);
        // It crosses to the browser as JSON.
        let text = serde_json::to_string(&page).expect("serialize");
        let back: AnalyticsOverview = serde_json::from_str(&text).expect("deserialize");
        assert_eq!(back, page);
    }
}
