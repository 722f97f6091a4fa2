//! Pacing for every campaign and project in scope over one period, in the report currency.

use super::facts::{CampaignFacts, Converter};
use super::fx::{ExchangeRates, scale};
use super::pacing::{
    Pacing, PacingInput, PacingMode, delivery_limits, pace, period_budget, prorated_monthly, weekday_weights,
};
use super::pacing_finding::{BudgetMismatch, budget_mismatch};
use super::range::DateRange;
use super::report::Source;
use crate::campaign::CampaignStatus;
use crate::ids::{CampaignId, ProjectId};
use crate::money::{Currency, Micros};
use crate::platform::Platform;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Days of history the day-of-week pattern is read from.
pub const PATTERN_DAYS: u64 = 56;

/// A project's own budget, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectBudget {
    pub id: ProjectId,
    pub name: String,
    pub monthly: Option<Micros>,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignPacing {
    pub id: CampaignId,
    pub name: String,
    pub project_id: ProjectId,
    pub platform: Platform,
    /// The campaign's own status (`status` is the pacing's, from the flattened [`Pacing`]).
    #[serde(rename = "campaign_status")]
    pub status: CampaignStatus,
    /// In the report currency.
    pub daily_budget_micros: Option<i64>,
    #[serde(flatten)]
    pub pacing: Pacing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BudgetSource {
    /// The project's monthly budget, prorated to the period.
    Project,
    /// The sum of its campaigns' daily budgets over the period.
    Campaigns,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectPacing {
    pub project_id: ProjectId,
    pub name: String,
    pub budget_source: BudgetSource,
    /// Campaigns paced this period (active, or spent in it). With none, `status` is `null`.
    pub campaigns: u32,
    /// Set when the active campaigns' daily budgets, over the month, add up to more or less than
    /// the project's own monthly budget (beyond ±10%): why the project can be over or under while
    /// every campaign is on track.
    pub budget_mismatch: Option<BudgetMismatch>,
    #[serde(flatten)]
    pub pacing: Pacing,
}

/// `GET /analytics/pacing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PacingReport {
    pub period: DateRange,
    pub as_of: NaiveDate,
    pub mode: PacingMode,
    pub currency: Currency,
    pub projects: Vec<ProjectPacing>,
    /// Campaigns that are active or spent in the period, most behind or ahead first.
    pub campaigns: Vec<CampaignPacing>,
    pub missing_rates: Vec<Currency>,
}

/// Google bills at most 30.4 daily budgets in a calendar month, and any day at most two.
fn google_cap(daily: Micros, period: &DateRange) -> Micros {
    let mut cap = 0.0;
    let mut month = DateRange::month_of(period.from);
    loop {
        let from = month.from.max(period.from);
        let to = month.to.min(period.to);
        let days = ((to - from).num_days() + 1) as f64;
        cap += (2.0 * days).min(super::pacing::GOOGLE_MONTH_DAYS);
        match month.to.succ_opt() {
            Some(next) if next <= period.to => month = DateRange::month_of(next),
            _ => break,
        }
    }
    Micros::new((daily.get() as f64 * cap).round() as i64)
}

struct Accumulated {
    daily: Vec<i64>,
    history: Vec<i64>,
    budget: Option<i64>,
    /// Sum of the campaigns' daily ceilings; `None` once one campaign has no budget.
    max_daily: Option<i64>,
    campaigns: u32,
    /// Each active campaign's daily budget (report currency), `None` for one without.
    active_daily: Vec<Option<Micros>>,
}

pub fn pacing_report(
    src: &Source<'_>,
    rates: &ExchangeRates,
    period: DateRange,
    as_of: NaiveDate,
    mode: PacingMode,
    projects: &[ProjectBudget],
) -> PacingReport {
    let counted_to = as_of.min(period.to);
    let elapsed = if as_of < period.from {
        0
    } else {
        ((counted_to - period.from).num_days() + 1) as usize
    };
    let history_range = DateRange {
        from: counted_to
            .checked_sub_days(Days::new(PATTERN_DAYS - 1))
            .unwrap_or(counted_to),
        to: counted_to,
    };
    let mut conv = Converter::new(src.currency, period);
    let mut conv_history = Converter::new(src.currency, history_range);
    let mut per_project: BTreeMap<ProjectId, Accumulated> = BTreeMap::new();
    let mut campaigns = Vec::new();
    let in_scope: Vec<&CampaignFacts> = src
        .facts
        .campaigns()
        .filter(|c| src.scope.covers(&c.dim))
        .collect();
    for c in in_scope {
        if !conv.prepare(rates, c.dim.currency) || !conv_history.prepare(rates, c.dim.currency) {
            continue;
        }
        let mut daily = vec![0i64; elapsed];
        if elapsed > 0 {
            c.series.each_day(&period, conv.rate(c.dim.currency), |at, v| {
                if at < elapsed {
                    daily[at] = v.spend.get();
                }
            });
        }
        let spent: i64 = daily.iter().sum();
        if c.dim.status != CampaignStatus::Active && spent == 0 {
            continue;
        }
        let mut history = vec![0i64; history_range.days() as usize];
        if elapsed > 0 {
            c.series
                .each_day(&history_range, conv_history.rate(c.dim.currency), |at, v| {
                    history[at] = v.spend.get()
                });
        }
        let daily_budget = c
            .dim
            .daily_budget
            .and_then(|b| rates.convert(b, c.dim.currency, src.currency, counted_to));
        let limits = delivery_limits(c.dim.platform);
        let budget = daily_budget.map(|b| period_budget(c.dim.platform, b, &period));
        let max_daily = daily_budget.map(|b| scale(b, limits.max_daily_factor));
        let period_cap = match (c.dim.platform, daily_budget) {
            (Platform::Google, Some(b)) => Some(google_cap(b, &period)),
            _ => None,
        };
        let weights = match mode {
            PacingMode::Weekday => weekday_weights(&dated(&history_range, &history)),
            PacingMode::Even => None,
        };
        let p = pace(&PacingInput {
            period,
            as_of,
            budget,
            daily_spend: daily.clone(),
            mode,
            weights,
            max_daily,
            period_cap,
        });
        let acc = per_project
            .entry(c.dim.project_id.clone())
            .or_insert_with(|| Accumulated {
                daily: vec![0; elapsed],
                history: vec![0; history.len()],
                budget: None,
                max_daily: Some(0),
                campaigns: 0,
                active_daily: Vec::new(),
            });
        if c.dim.status == CampaignStatus::Active {
            acc.active_daily.push(daily_budget);
        }
        for (a, d) in acc.daily.iter_mut().zip(&daily) {
            *a += d;
        }
        for (a, d) in acc.history.iter_mut().zip(&history) {
            *a += d;
        }
        if let Some(b) = budget {
            acc.budget = Some(acc.budget.unwrap_or(0) + b.get());
        }
        acc.max_daily = acc.max_daily.zip(max_daily).map(|(x, m)| x + m.get());
        acc.campaigns += 1;
        campaigns.push(CampaignPacing {
            id: c.dim.id.clone(),
            name: c.dim.name.clone(),
            project_id: c.dim.project_id.clone(),
            platform: c.dim.platform,
            status: c.dim.status,
            daily_budget_micros: daily_budget.map(Micros::get),
            pacing: p,
        });
    }
    // Most off pace first (furthest from 1.0), those without a pace last.
    campaigns.sort_by(|a, b| {
        let off = |c: &CampaignPacing| c.pacing.pace.map(|p| (p - 1.0).abs());
        match (off(a), off(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.name.cmp(&b.name))
    });
    let mut project_rows = Vec::new();
    let listed: Vec<&ProjectBudget> = projects
        .iter()
        .filter(|p| src.scope.project_id.as_ref().is_none_or(|id| *id == p.id))
        .collect();
    for p in listed {
        let acc = per_project.remove(&p.id);
        let own = p
            .monthly
            .and_then(|m| rates.convert(prorated_monthly(m, &period), p.currency, src.currency, counted_to));
        let mismatch = budget_mismatch(
            p.monthly
                .and_then(|m| rates.convert(m, p.currency, src.currency, counted_to)),
            acc.as_ref().map_or(&[][..], |a| &a.active_daily),
            DateRange::month_of(counted_to).days() as u32,
            src.currency,
        );
        let (budget, source) = match (own, acc.as_ref().and_then(|a| a.budget)) {
            (Some(b), _) => (Some(b), BudgetSource::Project),
            (None, Some(b)) => (Some(Micros::new(b)), BudgetSource::Campaigns),
            (None, None) => (None, BudgetSource::None),
        };
        let (daily, history, max_daily, count) = match acc {
            Some(a) => (a.daily, a.history, a.max_daily.map(Micros::new), a.campaigns),
            None => (vec![0; elapsed], vec![0; history_range.days() as usize], None, 0),
        };
        let weights = match mode {
            PacingMode::Weekday => weekday_weights(&dated(&history_range, &history)),
            PacingMode::Even => None,
        };
        let mut pacing = pace(&PacingInput {
            period,
            as_of,
            budget,
            daily_spend: daily,
            mode,
            weights,
            max_daily,
            period_cap: None,
        });
        if count == 0 {
            // Nothing runs: "under" would be a verdict on campaigns that do not exist.
            pacing.status = None;
        }
        project_rows.push(ProjectPacing {
            project_id: p.id.clone(),
            name: p.name.clone(),
            budget_source: source,
            campaigns: count,
            budget_mismatch: mismatch,
            pacing,
        });
    }
    PacingReport {
        period,
        as_of,
        mode,
        currency: src.currency,
        projects: project_rows,
        campaigns,
        missing_rates: {
            let mut m = conv.missing();
            m.extend(conv_history.missing());
            m.sort();
            m.dedup();
            m
        },
    }
}

/// Days with their spend, from the first day that spent (days before a campaign ran say nothing
/// about its pattern).
fn dated(range: &DateRange, values: &[i64]) -> Vec<(NaiveDate, i64)> {
    range
        .iter_days()
        .zip(values.iter().copied())
        .skip_while(|(_, v)| *v == 0)
        .collect()
}
