//! The memory's vocabularies, lower case in the API: who learned, what kind of learning, the
//! campaign objective, the action taken, the metric measured.

use crate::words::word_enum;

word_enum!(
    /// Who a learning comes from: an agent, or a person.
    MemoryAgent, "agent", {
        Strategist => "strategist", "Strategist", [],
        SocialMediaBuyer => "social_media_buyer", "Social media buyer", ["socialmediabuyer", "buyer"],
        Trader => "trader", "Trader", [],
        Analyst => "analyst", "Analyst", [],
        Person => "person", "Person", ["human", "user", "owner"],
    }
);

impl From<crate::workflow::Agent> for MemoryAgent {
    fn from(a: crate::workflow::Agent) -> Self {
        use crate::workflow::Agent;
        match a {
            Agent::Strategist => MemoryAgent::Strategist,
            Agent::SocialMediaBuyer => MemoryAgent::SocialMediaBuyer,
            Agent::Trader => MemoryAgent::Trader,
            Agent::Analyst => MemoryAgent::Analyst,
        }
    }
}

word_enum!(
    /// What kind of learning: a decision and what followed, a finding from a report, or a note a
    /// person wrote.
    MemoryKind, "kind", {
        Outcome => "outcome", "Outcome", [],
        Insight => "insight", "Insight", ["finding"],
        Note => "note", "Note", [],
    }
);

word_enum!(
    /// A campaign's objective, across platforms.
    Objective, "objective", {
        Sales => "sales", "Sales", ["outcome_sales", "conversions", "purchases", "purchase", "shopping", "web_conversion", "web_conversions", "performance_max", "search"],
        Leads => "leads", "Leads", ["lead", "lead_generation", "outcome_leads"],
        Traffic => "traffic", "Traffic", ["outcome_traffic", "clicks", "link_clicks", "consideration"],
        Awareness => "awareness", "Awareness", ["outcome_awareness", "reach", "brand_awareness", "video_view", "video_views", "display", "video"],
        Engagement => "engagement", "Engagement", ["outcome_engagement", "post_engagement"],
        AppInstalls => "app_installs", "App installs", ["app_install", "app_promotion", "outcome_app_promotion"],
        Catalog => "catalog", "Catalog sales", ["catalog_sales", "product_catalog_sales"],
    }
);

word_enum!(
    /// What was done.
    MemoryAction, "action", {
        BudgetIncrease => "budget_increase", "Budget increase", ["raise_budget", "increase_budget", "budget_up"],
        BudgetDecrease => "budget_decrease", "Budget decrease", ["lower_budget", "decrease_budget", "budget_down", "cut_budget"],
        Pause => "pause", "Pause", [],
        Resume => "resume", "Resume", ["unpause", "reactivate"],
        BidIncrease => "bid_increase", "Bid increase", ["raise_bid", "increase_bid", "bid_up"],
        BidDecrease => "bid_decrease", "Bid decrease", ["lower_bid", "decrease_bid", "bid_down"],
        CreativeRefresh => "creative_refresh", "Creative refresh", ["new_creative", "refresh_creative"],
        AudienceExpansion => "audience_expansion", "Audience expansion", ["expand_audience", "broaden_audience"],
        AudienceNarrowing => "audience_narrowing", "Audience narrowing", ["narrow_audience"],
        Launch => "launch", "Launch", ["create_campaign", "new_campaign"],
        Rebalance => "rebalance", "Rebalance", ["budget_rebalance"],
        BidStrategyChange => "bid_strategy_change", "Bid strategy change", ["bidding_change"],
        Promote => "promote", "Promote posts", ["promote_pins", "boost"],
        Report => "report", "Report", ["analysis"],
        AbTest => "ab_test", "A/B test winner", ["split_test", "experiment", "a_b_test"],
    }
);

impl MemoryAction {
    /// Whether the action changes what a platform spends or shows (outcomes are measured for these).
    pub fn is_change(self) -> bool {
        !matches!(self, MemoryAction::Report)
    }
}

word_enum!(
    /// The metric an outcome is measured on.
    Metric, "metric", {
        Roas => "roas", "ROAS", ["return_on_ad_spend"],
        Cpa => "cpa", "CPA", ["cost_per_acquisition", "cost_per_conversion"],
        Ctr => "ctr", "CTR", ["click_through_rate"],
        Cvr => "cvr", "Conversion rate", ["conversion_rate"],
        Cpc => "cpc", "CPC", ["cost_per_click"],
        Cpm => "cpm", "CPM", [],
        Spend => "spend", "Spend", ["cost"],
        Conversions => "conversions", "Conversions", ["purchases"],
        Revenue => "revenue", "Revenue", ["conversion_value", "value"],
    }
);

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// Neither: more spend is not better or worse in itself.
    Neither,
}

impl Metric {
    pub fn better(self) -> Better {
        match self {
            Metric::Roas | Metric::Ctr | Metric::Cvr | Metric::Conversions | Metric::Revenue => {
                Better::Higher
            }
            Metric::Cpa | Metric::Cpc | Metric::Cpm => Better::Lower,
            Metric::Spend => Better::Neither,
        }
    }

    /// The metric's value over a period's figures (`None` when it is undefined: no spend, no
    /// conversions...). Sums (spend, conversions, revenue) are per day of `days`.
    pub fn of(self, m: &crate::metrics::MetricValues, days: u32) -> Option<f64> {
        let per_day = |x: f64| (days > 0).then(|| x / f64::from(days));
        match self {
            Metric::Roas => m.roas(),
            Metric::Cpa => m.cpa(),
            Metric::Ctr => m.ctr(),
            Metric::Cvr => m.cvr(),
            Metric::Cpc => m.cpc(),
            Metric::Cpm => m.cpm(),
            Metric::Spend => per_day(m.spend.as_units_f64()),
            Metric::Conversions => per_day(m.conversions),
            Metric::Revenue => per_day(m.conversion_value.as_units_f64()),
        }
    }
}

word_enum!(
    /// Where an outcome stands.
    OutcomeStatus, "outcome status", {
        Pending => "pending", "Pending", [],
        Measured => "measured", "Measured", [],
        Inconclusive => "inconclusive", "Inconclusive", [],
    }
);

word_enum!(
    /// What an outcome came to for the business.
    OutcomeVerdict, "verdict", {
        Good => "good", "Good", [],
        Bad => "bad", "Bad", [],
        Neutral => "neutral", "Neutral", [],
    }
);

word_enum!(
    /// A campaign's daily budget band, in units of its account's currency.
    BudgetBand, "budget band", {
        Micro => "micro", "under 25 a day", [],
        Small => "small", "25 to 100 a day", [],
        Medium => "medium", "100 to 500 a day", [],
        Large => "large", "500 to 2,500 a day", [],
        Xlarge => "xlarge", "over 2,500 a day", [],
    }
);

impl BudgetBand {
    /// The band of a daily budget in micros.
    pub fn of_daily_micros(micros: i64) -> BudgetBand {
        let units = micros as f64 / 1e6;
        if units < 25.0 {
            BudgetBand::Micro
        } else if units < 100.0 {
            BudgetBand::Small
        } else if units < 500.0 {
            BudgetBand::Medium
        } else if units < 2500.0 {
            BudgetBand::Large
        } else {
            BudgetBand::Xlarge
        }
    }
}

word_enum!(
    /// Where a learning came from.
    SourceKind, "source", {
        Run => "run", "Workflow run", [],
        Experiment => "experiment", "Experiment", [],
        Person => "person", "Person", [],
        Api => "api", "API", [],
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_words_read_back() {
        for a in MemoryAgent::ALL {
            assert_eq!(a.as_str().parse::<MemoryAgent>(), Ok(*a));
        }
        assert_eq!(
            "SocialMediaBuyer".parse::<MemoryAgent>(),
            Ok(MemoryAgent::SocialMediaBuyer)
        );
        assert_eq!("OUTCOME_SALES".parse::<Objective>(), Ok(Objective::Sales));
        assert_eq!("app installs".parse::<Objective>(), Ok(Objective::AppInstalls));
        for a in MemoryAction::ALL {
            assert_eq!(a.as_str().parse::<MemoryAction>(), Ok(*a));
        }
        assert!("budget_explosion".parse::<MemoryAction>().is_err());
        assert_eq!(Metric::ALL.len(), 9);
        assert_eq!(BudgetBand::of_daily_micros(24_990_000), BudgetBand::Micro);
        assert_eq!(BudgetBand::of_daily_micros(100_000_000), BudgetBand::Medium);
        assert_eq!(BudgetBand::of_daily_micros(3_000_000_000), BudgetBand::Xlarge);
    }

    #[test]
    fn metrics_read_from_a_period() {
        use crate::metrics::MetricValues;
        use crate::money::Micros;
        let m = MetricValues {
            spend: Micros::new(700_000_000),
            impressions: 70_000,
            clicks: 1_400,
            conversions: 35.0,
            conversion_value: Micros::new(2_100_000_000),
        };
        assert_eq!(Metric::Roas.of(&m, 7), Some(3.0));
        assert_eq!(Metric::Cpa.of(&m, 7), Some(20.0));
        assert_eq!(Metric::Ctr.of(&m, 7), Some(0.02));
        assert_eq!(Metric::Spend.of(&m, 7), Some(100.0));
        assert_eq!(Metric::Conversions.of(&m, 7), Some(5.0));
        assert_eq!(Metric::Cpa.of(&MetricValues::default(), 7), None);
    }
}
