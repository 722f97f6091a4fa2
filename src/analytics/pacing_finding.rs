//! Why a project's pacing can disagree with its campaigns': the project is paced against its own
//! monthly budget, each campaign against its own daily budget. When the campaigns' daily budgets,
//! over a month, add up to more (or less) than the project's budget, every campaign can be on track
//! while the project is far over (or under). This finds that and says it with both figures and what
//! to change.

use crate::format::Locale;
use crate::money::{Currency, Micros};
use serde::{Deserialize, Serialize};

/// How far the campaigns' budgets may be from the project's before it is worth saying: ±10%.
pub const BUDGET_TOLERANCE: f64 = 0.10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BudgetGap {
    /// The campaigns may spend more than the project's budget.
    CampaignsOver,
    /// The campaigns cannot spend the project's budget.
    CampaignsUnder,
}

/// The campaigns' daily budgets over a month against the project's monthly budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetMismatch {
    pub gap: BudgetGap,
    /// The active campaigns' daily budgets × the days of the month, in the report currency.
    pub campaigns_monthly_micros: i64,
    /// The project's monthly budget, in the report currency.
    pub project_monthly_micros: i64,
    /// Campaigns' ÷ project's (3.0: the campaigns may spend three times the project's budget).
    pub ratio: f64,
    pub days_in_month: u32,
    /// Active campaigns with a daily budget, summed.
    pub campaigns_counted: u32,
    /// Active campaigns without a daily budget (not in the sum).
    pub campaigns_without_budget: u32,
    /// What is wrong and what to change, in words (en-US figures).
    pub message: String,
}

/// Compares the project's monthly budget with its active campaigns' daily budgets × `days_in_month`
/// (`None` for a campaign without a daily budget), all in `currency`. `None` when there is nothing
/// to compare (no project budget, no campaign budget) or they agree within [`BUDGET_TOLERANCE`].
pub fn budget_mismatch(
    project_monthly: Option<Micros>,
    campaign_daily: &[Option<Micros>],
    days_in_month: u32,
    currency: Currency,
) -> Option<BudgetMismatch> {
    let project = project_monthly.map(Micros::get).filter(|b| *b > 0)?;
    let counted: Vec<i64> = campaign_daily.iter().flatten().map(|b| b.get()).collect();
    let daily_sum: i64 = counted.iter().sum();
    if daily_sum <= 0 {
        return None;
    }
    let monthly = daily_sum.saturating_mul(i64::from(days_in_month));
    let ratio = monthly as f64 / project as f64;
    let gap = if ratio > 1.0 + BUDGET_TOLERANCE {
        BudgetGap::CampaignsOver
    } else if ratio < 1.0 - BUDGET_TOLERANCE {
        BudgetGap::CampaignsUnder
    } else {
        return None;
    };
    let mut m = BudgetMismatch {
        gap,
        campaigns_monthly_micros: monthly,
        project_monthly_micros: project,
        ratio,
        days_in_month,
        campaigns_counted: counted.len() as u32,
        campaigns_without_budget: (campaign_daily.len() - counted.len()) as u32,
        message: String::new(),
    };
    m.message = explain(&m, currency, &Locale::en_us());
    Some(m)
}

/// The finding in words, with figures in `locale`: "Campaign budgets add up to €9,000 a month,
/// 3.0× the project's €3,000: lower campaign budgets or raise the project budget."
pub fn explain(m: &BudgetMismatch, currency: Currency, locale: &Locale) -> String {
    let campaigns = locale.money_whole(Micros::new(m.campaigns_monthly_micros), currency);
    let project = locale.money_whole(Micros::new(m.project_monthly_micros), currency);
    let what = match m.gap {
        BudgetGap::CampaignsOver => "lower campaign budgets or raise the project budget",
        BudgetGap::CampaignsUnder => "raise campaign budgets or lower the project budget",
    };
    let mut text = format!(
        "Campaign budgets add up to {campaigns} a month, {} the project's {project}: {what}.",
        locale.times(m.ratio)
    );
    if m.campaigns_without_budget > 0 {
        let n = m.campaigns_without_budget;
        text.push_str(&format!(
            " ({n} active campaign{} without a daily budget {} not counted.)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" }
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: i64 = 1_000_000;

    fn daily(units: &[i64]) -> Vec<Option<Micros>> {
        units.iter().map(|u| Some(Micros::new(u * U))).collect()
    }

    #[test]
    fn campaigns_adding_to_three_times_the_project_say_why_with_both_figures() {
        // Three campaigns at 100/day over a 30-day month: 9,000 against the project's 3,000.
        let m = budget_mismatch(
            Some(Micros::new(3_000 * U)),
            &daily(&[100, 100, 100]),
            30,
            Currency::EUR,
        )
        .expect("a finding");
        assert_eq!(m.gap, BudgetGap::CampaignsOver);
        assert_eq!(m.campaigns_monthly_micros, 9_000 * U);
        assert_eq!(m.project_monthly_micros, 3_000 * U);
        assert!((m.ratio - 3.0).abs() < 1e-12);
        assert_eq!(m.campaigns_counted, 3);
        assert_eq!(
            m.message,
            "Campaign budgets add up to €9,000 a month, 3.0× the project's €3,000: \
             lower campaign budgets or raise the project budget."
        );
        // In another locale, the same finding with its figures.
        assert_eq!(
            explain(&m, Currency::EUR, &Locale::parse("de-DE")),
            "Campaign budgets add up to 9.000\u{a0}€ a month, 3,0× the project's 3.000\u{a0}€: \
             lower campaign budgets or raise the project budget."
        );
    }

    #[test]
    fn campaigns_that_cannot_spend_the_budget() {
        let mut budgets = daily(&[20, 30]);
        budgets.push(None);
        let m =
            budget_mismatch(Some(Micros::new(3_100 * U)), &budgets, 31, Currency::USD).expect("a finding");
        assert_eq!(m.gap, BudgetGap::CampaignsUnder);
        assert_eq!(m.campaigns_monthly_micros, 1_550 * U);
        assert_eq!((m.campaigns_counted, m.campaigns_without_budget), (2, 1));
        assert_eq!(
            m.message,
            "Campaign budgets add up to $1,550 a month, 0.5× the project's $3,100: \
             raise campaign budgets or lower the project budget. \
             (1 active campaign without a daily budget is not counted.)"
        );
    }

    #[test]
    fn nothing_to_say() {
        let eur = Currency::EUR;
        // Within ±10%: 3,200 against 3,000.
        assert_eq!(
            budget_mismatch(Some(Micros::new(3_000 * U)), &daily(&[80, 20, 6]), 30, eur).map(|m| m.ratio),
            None
        );
        // 3,330 is 11% over: said.
        assert!(budget_mismatch(Some(Micros::new(3_000 * U)), &daily(&[111]), 30, eur).is_some());
        // No project budget, no campaigns, no campaign budgets.
        assert_eq!(budget_mismatch(None, &daily(&[100]), 30, eur), None);
        assert_eq!(
            budget_mismatch(Some(Micros::new(0)), &daily(&[100]), 30, eur),
            None
        );
        assert_eq!(budget_mismatch(Some(Micros::new(3_000 * U)), &[], 30, eur), None);
        assert_eq!(
            budget_mismatch(Some(Micros::new(3_000 * U)), &[None, None], 30, eur),
            None
        );
    }
}
