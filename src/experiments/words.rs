//! The experiments' vocabularies, lower case in the API.

use crate::words::word_enum;

word_enum!(
    /// Which platform objects the variants are.
    Level, "level", {
        Campaigns => "campaigns", "Campaigns", ["campaign"],
        AdGroups => "ad_groups", "Ad groups", ["ad_group", "ad_sets", "ad_set", "adgroups"],
        Ads => "ads", "Ads", ["ad", "pin_promotions", "pin_promotion"],
    }
);

impl Level {
    /// One object of the level, in words: `campaign`, `ad group`, `ad`.
    pub fn noun(self) -> &'static str {
        match self {
            Level::Campaigns => "campaign",
            Level::AdGroups => "ad group",
            Level::Ads => "ad",
        }
    }
}

word_enum!(
    /// What decides the test.
    ExperimentMetric, "metric", {
        Cvr => "cvr", "Conversion rate per click", ["conversion_rate", "conversions_per_click"],
        Ctr => "ctr", "Click-through rate", ["click_through_rate", "clickthrough_rate"],
        Cpa => "cpa", "Cost per conversion", ["cost_per_conversion", "cost_per_acquisition"],
        Rpc => "rpc", "Revenue per click", ["revenue_per_click"],
    }
);

impl ExperimentMetric {
    /// Whether a higher value is better (all but the cost per conversion).
    pub fn higher_is_better(self) -> bool {
        !matches!(self, ExperimentMetric::Cpa)
    }

    /// What the metric counts as visitors (the units the minimum sample and the split are read
    /// on) and as conversions (the events the minimum sample asks for).
    pub fn units(self) -> (&'static str, &'static str) {
        match self {
            ExperimentMetric::Ctr => ("impressions", "clicks"),
            ExperimentMetric::Cvr | ExperimentMetric::Rpc | ExperimentMetric::Cpa => {
                ("clicks", "conversions")
            }
        }
    }
}

word_enum!(
    /// Where an experiment is.
    ExperimentStatus, "status", {
        Draft => "draft", "Draft", [],
        Running => "running", "Running", [],
        Stopped => "stopped", "Stopped", [],
        Decided => "decided", "Decided", [],
        Applied => "applied", "Applied", [],
    }
);

word_enum!(
    /// How the experiment decides: always-valid (look every day) or once at a planned sample.
    DecisionMode, "mode", {
        Sequential => "sequential", "Sequential", ["always_valid"],
        Fixed => "fixed", "Fixed horizon", ["fixed_horizon"],
    }
);
