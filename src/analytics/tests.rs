//! The reports over a small hand-made book of campaigns, with expected figures worked out by hand.

use super::benchmarks::benchmarks;
use super::facts::{CampaignDim, CampaignFacts, Facts, Scope, Series};
use super::fx::{ExchangeRate, ExchangeRates};
use super::kpis::Metric;
use super::pacing::{PacingMode, PacingStatus};
use super::pacing_finding::BudgetGap;
use super::pacing_report::{BudgetSource, ProjectBudget, pacing_report};
use super::range::{DateRange, Granularity};
use super::report::{
    CampaignOrder, CampaignTableQuery, Source, TrendGroup, campaign_table, split_partial, summary, trend,
};
use crate::campaign::CampaignStatus;
use crate::ids::{CampaignId, ProjectId};
use crate::metrics::{DailyMetric, MetricValues};
use crate::money::{Currency, Micros};
use crate::platform::Platform;
use crate::time::parse_date;
use chrono::NaiveDate;

const U: i64 = 1_000_000;

fn d(text: &str) -> NaiveDate {
    parse_date(text).unwrap_or_default()
}

fn range(from: &str, to: &str) -> DateRange {
    DateRange::new(d(from), d(to)).unwrap_or_else(|e| panic!("{e}"))
}

fn pid(s: &str) -> ProjectId {
    ProjectId::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

/// A campaign spending `spend` units a day from `from` to `to` with 1,000 impressions, 20 clicks,
/// 2 conversions and `value` units of conversion value a day.
#[allow(clippy::too_many_arguments)]
fn campaign(
    id: &str,
    project: &str,
    platform: Platform,
    objective: &str,
    currency: &str,
    budget: Option<i64>,
    (from, to): (&str, &str),
    spend: i64,
    value: i64,
) -> CampaignFacts {
    let days = range(from, to)
        .iter_days()
        .map(|date| DailyMetric {
            date,
            values: MetricValues {
                spend: Micros::new(spend * U),
                impressions: 1_000,
                clicks: 20,
                conversions: 2.0,
                conversion_value: Micros::new(value * U),
            },
        })
        .collect();
    CampaignFacts {
        dim: CampaignDim {
            id: CampaignId::parse(id).unwrap_or_else(|e| panic!("{e}")),
            project_id: pid(project),
            platform,
            external_id: id.trim_start_matches("camp_").to_owned(),
            name: format!("Campaign {id}"),
            objective: Some(objective.to_owned()),
            status: CampaignStatus::Active,
            daily_budget: budget.map(|b| Micros::new(b * U)),
            currency: Currency::parse(currency).unwrap_or(Currency::USD),
        },
        series: Series::from_days(days),
    }
}

fn book() -> Facts {
    Facts::new([
        // Google, 100/day all of October and November, value 300/day.
        campaign(
            "camp_g1",
            "proj_a",
            Platform::Google,
            "SEARCH",
            "USD",
            Some(100),
            ("2026-10-01", "2026-11-30"),
            100,
            300,
        ),
        // Meta, 50/day in November only, value 50/day.
        campaign(
            "camp_m1",
            "proj_a",
            Platform::Meta,
            "OUTCOME_SALES",
            "USD",
            Some(50),
            ("2026-11-01", "2026-11-30"),
            50,
            50,
        ),
        // Pinterest in EUR (0.5 EUR per USD: 1 EUR = 2 USD), 10 EUR/day in November.
        campaign(
            "camp_p1",
            "proj_b",
            Platform::Pinterest,
            "CONSIDERATION",
            "EUR",
            None,
            ("2026-11-01", "2026-11-30"),
            10,
            40,
        ),
        // A second Google campaign in project b, 20/day in November.
        campaign(
            "camp_g2",
            "proj_b",
            Platform::Google,
            "SEARCH",
            "USD",
            Some(30),
            ("2026-11-01", "2026-11-30"),
            20,
            20,
        ),
    ])
}

fn rates() -> ExchangeRates {
    ExchangeRates::new([ExchangeRate {
        currency: Currency::EUR,
        effective_from: d("2020-01-01"),
        per_usd: 0.5,
    }])
}

#[test]
fn summary_totals_compare_and_convert() {
    let facts = book();
    let rates = rates();
    let scope = Scope::default();
    let src = Source {
        facts: &facts,
        rates: &rates,
        currency: Currency::USD,
        scope: &scope,
    };
    let s = summary(&src, range("2026-11-01", "2026-11-10"));
    // Ten days of 100 + 50 + 10 EUR (= 20 USD) + 20 = 190 a day.
    assert_eq!(s.total.current.spend_micros, 1_900 * U);
    assert_eq!(s.total.current.impressions, 40_000);
    assert_eq!(
        s.total.current.conversion_value_micros,
        (3_000 + 500 + 800 + 200) * U
    );
    // The ten days before: only camp_g1 ran.
    assert_eq!(s.previous_range, range("2026-10-22", "2026-10-31"));
    assert_eq!(s.total.previous.spend_micros, 1_000 * U);
    assert_eq!(s.total.change.get("spend"), Some(&0.9));
    let google = &s.platforms[0];
    assert_eq!(
        (google.platform, google.campaigns, google.spending_campaigns),
        (Platform::Google, 2, 2)
    );
    assert_eq!(google.figures.current.spend_micros, 1_200 * U);
    assert_eq!(google.share_of_spend, Some(1_200.0 / 1_900.0));
    assert_eq!(google.figures.current.cpc, Some(1_200.0 / 400.0));
    assert_eq!(s.platforms[2].figures.current.spend_micros, 200 * U);
    assert!(s.missing_rates.is_empty());

    // In EUR for project b: 10 EUR + 20 USD (= 10 EUR) a day.
    let b = Scope {
        project_id: Some(pid("proj_b")),
        platform: None,
    };
    let src = Source {
        currency: Currency::EUR,
        scope: &b,
        ..src
    };
    let s = summary(&src, range("2026-11-01", "2026-11-10"));
    assert_eq!(s.total.current.spend_micros, 200 * U);

    // Without a rate, EUR campaigns are left out and named.
    let none = ExchangeRates::default();
    let src = Source {
        rates: &none,
        currency: Currency::USD,
        scope: &scope,
        facts: &facts,
    };
    let s = summary(&src, range("2026-11-01", "2026-11-10"));
    assert_eq!(s.total.current.spend_micros, 1_700 * U);
    assert_eq!(s.missing_rates, vec![Currency::EUR]);
}

#[test]
fn trend_buckets_by_day_week_and_month() {
    let facts = book();
    let rates = rates();
    let scope = Scope::default();
    let src = Source {
        facts: &facts,
        rates: &rates,
        currency: Currency::USD,
        scope: &scope,
    };
    let four_days = |g| {
        trend(
            &src,
            range("2026-10-30", "2026-11-02"),
            g,
            TrendGroup::Platform,
            10,
        )
    };
    let t = four_days(Granularity::Day);
    assert_eq!(t.buckets.len(), 4);
    assert_eq!(t.series.len(), 3);
    assert_eq!(t.series[0].spend_micros, vec![100 * U, 100 * U, 120 * U, 120 * U]);
    assert_eq!(t.series[1].spend_micros, vec![0, 0, 50 * U, 50 * U]);
    assert_eq!(t.series[2].spend_micros, vec![0, 0, 20 * U, 20 * U]);
    // Months: October's two days, November's two.
    let t = four_days(Granularity::Month);
    assert_eq!(t.buckets, vec![d("2026-10-01"), d("2026-11-01")]);
    assert_eq!(t.series[0].spend_micros, vec![200 * U, 240 * U]);
    // ISO weeks: 2026-10-26 (Mon) to 11-01 holds 30, 31 and 1; 11-02 starts the next.
    let t = four_days(Granularity::Week);
    assert_eq!(t.buckets, vec![d("2026-10-26"), d("2026-11-02")]);
    assert_eq!(t.series[0].spend_micros, vec![320 * U, 120 * U]);
    // By campaign, top two and the rest.
    let t = trend(
        &src,
        range("2026-11-01", "2026-11-02"),
        Granularity::Day,
        TrendGroup::Campaign,
        2,
    );
    let keys: Vec<&str> = t.series.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, vec!["camp_g1", "camp_m1", "other"]);
    assert_eq!(t.series[2].spend_micros, vec![40 * U, 40 * U]);
}

#[test]
fn todays_partial_day_is_marked_not_drawn_as_a_full_day() {
    let facts = book();
    let rates = rates();
    let scope = Scope::default();
    let src = Source {
        facts: &facts,
        rates: &rates,
        currency: Currency::USD,
        scope: &scope,
    };
    let window = range("2026-10-30", "2026-11-02");
    let mut t = trend(&src, window, Granularity::Day, TrendGroup::Platform, 10);
    assert_eq!(t.partial_bucket, None);
    // Today is the window's last day: its bucket is partial.
    t.mark_partial(d("2026-11-02"));
    assert_eq!(t.partial_bucket, Some(3));
    // A window that ended yesterday has no partial day.
    t.mark_partial(d("2026-11-03"));
    assert_eq!(t.partial_bucket, None);
    // By week, today's week is partial: 2026-11-02 starts the second bucket.
    let mut w = trend(&src, window, Granularity::Week, TrendGroup::Platform, 10);
    w.mark_partial(d("2026-11-02"));
    assert_eq!(w.partial_bucket, Some(1));
    w.mark_partial(d("2026-11-01"));
    assert_eq!(w.partial_bucket, Some(0));
    // It crosses the wire.
    let json = serde_json::to_value(&w).expect("serialize");
    assert_eq!(json["partial_bucket"], 0);
    // Drawn apart: solid up to yesterday, dashed from yesterday to today.
    let v = vec![Some(1.0), Some(2.0), Some(3.0)];
    let (solid, dashed) = split_partial(&v, Some(2));
    assert_eq!(solid, vec![Some(1.0), Some(2.0), None]);
    assert_eq!(dashed, vec![None, Some(2.0), Some(3.0)]);
    // Today alone in the window: nothing solid, today's point dashed.
    assert_eq!(split_partial(&v[..1], Some(0)), (vec![None], vec![Some(1.0)]));
    assert_eq!(split_partial(&v, None), (v.clone(), Vec::new()));
    assert_eq!(split_partial(&v, Some(7)), (v.clone(), Vec::new()));
}

#[test]
fn campaign_table_sorts_filters_and_pages() {
    let facts = book();
    let rates = rates();
    let scope = Scope::default();
    let src = Source {
        facts: &facts,
        rates: &rates,
        currency: Currency::USD,
        scope: &scope,
    };
    let r = range("2026-11-01", "2026-11-30");
    let t = campaign_table(&src, r, &CampaignTableQuery::default());
    let ids: Vec<&str> = t.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, vec!["camp_g1", "camp_m1", "camp_g2", "camp_p1"]);
    assert_eq!(t.total, 4);
    assert_eq!(t.totals.spend_micros, 190 * 30 * U);
    // ROAS ascending: g2 1.0, m1 1.0 (a tie, by name), g1 3.0, p1 4.0.
    let q = CampaignTableQuery {
        order: CampaignOrder::Metric(Metric::Roas),
        descending: false,
        ..Default::default()
    };
    let ids: Vec<String> = campaign_table(&src, r, &q)
        .items
        .into_iter()
        .map(|c| c.id.as_str().to_owned())
        .collect();
    assert_eq!(ids, vec!["camp_g2", "camp_m1", "camp_g1", "camp_p1"]);
    let q = CampaignTableQuery {
        search: Some("CAMP_G".into()),
        limit: 1,
        offset: 1,
        ..Default::default()
    };
    let page = campaign_table(&src, r, &q);
    assert_eq!((page.total, page.items.len()), (2, 1));
    assert_eq!(page.items[0].id.as_str(), "camp_g2");
    // October: only camp_g1 had activity.
    let q = CampaignTableQuery {
        with_activity: true,
        ..Default::default()
    };
    assert_eq!(
        campaign_table(&src, range("2026-10-01", "2026-10-31"), &q).total,
        1
    );
}

#[test]
fn benchmarks_place_each_campaign() {
    let mut list = vec![];
    // Five Google SEARCH campaigns with CPC 1, 2, 3, 4, 10 (20 clicks a day).
    for (i, spend) in [20, 40, 60, 80, 200].into_iter().enumerate() {
        let project = if i < 2 { "proj_a" } else { "proj_b" };
        list.push(campaign(
            &format!("camp_s{i}"),
            project,
            Platform::Google,
            "SEARCH",
            "USD",
            None,
            ("2026-11-01", "2026-11-01"),
            spend,
            spend,
        ));
    }
    let facts = Facts::new(list);
    let rates = rates();
    let a = Scope {
        project_id: Some(pid("proj_a")),
        platform: None,
    };
    let src = Source {
        facts: &facts,
        rates: &rates,
        currency: Currency::USD,
        scope: &a,
    };
    let b = benchmarks(&src, range("2026-11-01", "2026-11-01"), 0, 100);
    assert_eq!(b.groups.len(), 1);
    let cpc = b.groups[0].all_projects.get("cpc").copied();
    assert_eq!(cpc.map(|c| (c.q1, c.median, c.q3, c.n)), Some((2.0, 3.0, 4.0, 5)));
    let mine = b.groups[0].project.get("cpc").copied();
    assert_eq!(mine.map(|c| (c.median, c.n)), Some((1.5, 2)));
    assert_eq!(b.campaigns.len(), 2);
    // camp_s1: CPC 2, at the first quartile: rank 30 (one below, itself half), cheaper than median.
    let s1 = &b.campaigns[0];
    assert_eq!(s1.id.as_str(), "camp_s1");
    let st = s1.metrics.get("cpc").copied();
    assert_eq!(
        st.map(|s| (s.value, s.percentile, s.quartile, s.better_than_median)),
        Some((2.0, 30.0, 1, true))
    );
}

#[test]
fn pacing_for_campaigns_and_projects() {
    let facts = book();
    let rates = rates();
    let scope = Scope::default();
    let src = Source {
        facts: &facts,
        rates: &rates,
        currency: Currency::USD,
        scope: &scope,
    };
    let projects = vec![
        ProjectBudget {
            id: pid("proj_a"),
            name: "A".into(),
            monthly: Some(Micros::new(6_000 * U)),
            currency: Currency::USD,
        },
        ProjectBudget {
            id: pid("proj_b"),
            name: "B".into(),
            monthly: None,
            currency: Currency::USD,
        },
    ];
    let r = pacing_report(
        &src,
        &rates,
        DateRange::month_of(d("2026-11-01")),
        d("2026-11-15"),
        PacingMode::Even,
        &projects,
    );
    assert_eq!(r.campaigns.len(), 4);
    let g2 = r
        .campaigns
        .iter()
        .find(|c| c.id.as_str() == "camp_g2")
        .map(|c| c.pacing.clone());
    // 20/day against a 30/day budget (900 for November): 300 spent, 450 expected, 600 projected.
    let g2 = g2.unwrap_or_else(|| panic!("camp_g2"));
    assert_eq!(
        (g2.spent_micros, g2.expected_micros, g2.projected_micros),
        (300 * U, Some(450 * U), 600 * U)
    );
    assert_eq!(g2.status, Some(PacingStatus::Under));
    // camp_p1 has no budget.
    let p1 = r
        .campaigns
        .iter()
        .find(|c| c.id.as_str() == "camp_p1")
        .map(|c| c.pacing.status);
    assert_eq!(p1, Some(Some(PacingStatus::NoBudget)));
    // Project a: its own 6,000; 150/day spent, 2,250 by the 15th, 4,500 projected: under.
    let a = &r.projects[0];
    assert_eq!(a.budget_source, BudgetSource::Project);
    assert_eq!(
        (
            a.pacing.budget_micros,
            a.pacing.spent_micros,
            a.pacing.projected_micros
        ),
        (Some(6_000 * U), 2_250 * U, 4_500 * U)
    );
    assert_eq!(a.pacing.status, Some(PacingStatus::Under));
    // Its campaigns' budgets (150/day, 4,500 for November) are under its 6,000: said.
    let gap = a
        .budget_mismatch
        .as_ref()
        .map(|m| (m.gap, m.campaigns_monthly_micros, m.project_monthly_micros));
    assert_eq!(gap, Some((BudgetGap::CampaignsUnder, 4_500 * U, 6_000 * U)));
    // Project b: no own budget, so its campaigns' (only camp_g2's 900) is used.
    let b = &r.projects[1];
    assert_eq!(
        (b.budget_source, b.pacing.budget_micros),
        (BudgetSource::Campaigns, Some(900 * U))
    );
    assert_eq!(b.pacing.spent_micros, (20 + 20) * 15 * U);
    assert_eq!(b.campaigns, 2);
}

#[test]
fn a_project_over_budget_because_its_campaigns_add_up_to_three_times_it_says_why() {
    // Three Meta campaigns at 100/day, each spending exactly its budget through November 15th:
    // each is on track, while together they spend 9,000 a month against the project's 3,000.
    let facts = Facts::new((1..=3).map(|i| {
        campaign(
            &format!("camp_c{i}"),
            "proj_c",
            Platform::Meta,
            "OUTCOME_SALES",
            "USD",
            Some(100),
            ("2026-11-01", "2026-11-15"),
            100,
            100,
        )
    }));
    let rates = rates();
    let scope = Scope::default();
    let src = Source {
        facts: &facts,
        rates: &rates,
        currency: Currency::USD,
        scope: &scope,
    };
    let projects = vec![
        ProjectBudget {
            id: pid("proj_c"),
            name: "C".into(),
            monthly: Some(Micros::new(3_000 * U)),
            currency: Currency::USD,
        },
        ProjectBudget {
            id: pid("proj_empty"),
            name: "Empty".into(),
            monthly: Some(Micros::new(3_000 * U)),
            currency: Currency::USD,
        },
    ];
    let r = pacing_report(
        &src,
        &rates,
        DateRange::month_of(d("2026-11-01")),
        d("2026-11-15"),
        PacingMode::Even,
        &projects,
    );
    assert!(
        r.campaigns
            .iter()
            .all(|c| c.pacing.status == Some(PacingStatus::OnTrack))
    );
    let c = &r.projects[0];
    assert_eq!(c.pacing.status, Some(PacingStatus::Over));
    // 4,500 spent by the 15th against 1,500 expected; 9,000 projected against 3,000.
    assert_eq!(
        (
            c.pacing.spent_micros,
            c.pacing.expected_micros,
            c.pacing.projected_micros
        ),
        (4_500 * U, Some(1_500 * U), 9_000 * U)
    );
    let m = c.budget_mismatch.as_ref().unwrap_or_else(|| panic!("no finding"));
    assert_eq!(m.gap, BudgetGap::CampaignsOver);
    assert_eq!(
        (m.campaigns_monthly_micros, m.project_monthly_micros),
        (9_000 * U, 3_000 * U)
    );
    assert_eq!(
        m.message,
        "Campaign budgets add up to $9,000 a month, 3.0× the project's $3,000: \
         lower campaign budgets or raise the project budget."
    );
    // A project without campaigns has no pacing status and nothing to explain.
    let empty = &r.projects[1];
    assert_eq!((empty.campaigns, empty.pacing.status), (0, None));
    assert_eq!(empty.budget_mismatch, None);
    let json = serde_json::to_value(empty).expect("serialize");
    assert_eq!(json["campaigns"], 0);
    assert_eq!(json["status"], serde_json::Value::Null);
    assert_eq!(json["budget_mismatch"], serde_json::Value::Null);
}
