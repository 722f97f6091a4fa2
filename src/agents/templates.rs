//! Workflow templates: complete workflows a user starts from, each saying what it does.

use crate::workflow::{StageInput, WorkflowInput};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Template {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// What each stage does, in order, for the picker.
    pub steps: Vec<&'static str>,
    pub stages: Vec<StageInput>,
}

fn stage(id: &str, name: &str, agent: &str, action: &str, params: Value) -> StageInput {
    StageInput {
        id: Some(id.to_owned()),
        name: Some(name.to_owned()),
        agent: agent.to_owned(),
        action: action.to_owned(),
        params,
    }
}

pub fn templates() -> Vec<Template> {
    vec![
        Template {
            id: "cross_channel_report",
            name: "Cross-channel performance report",
            description: "Last week's spend, results and rates across Google, Meta and Pinterest in one model, with the budget split the numbers argue for.",
            steps: vec![
                "Analyst reports the last 7 days per platform and campaign",
                "Strategist proposes a budget split from the last 30 days",
            ],
            stages: vec![
                stage(
                    "report",
                    "Weekly report",
                    "Analyst",
                    "report",
                    json!({"lookback_days": 7}),
                ),
                stage(
                    "plan",
                    "Budget split",
                    "Strategist",
                    "plan",
                    json!({"lookback_days": 30}),
                ),
            ],
        },
        Template {
            id: "multi_platform_launch",
            name: "Multi-platform campaign launch",
            description: "Reads where money works, plans the split, launches a campaign on each social platform, rebalances budgets and reports the new state.",
            steps: vec![
                "Analyst reports the last 14 days",
                "Strategist plans the split from the last 30 days",
                "SocialMediaBuyer launches a paused campaign on Meta and Pinterest",
                "Trader rebalances budgets toward the best return",
                "Analyst reports the state after the changes",
            ],
            stages: vec![
                stage(
                    "before",
                    "Where we stand",
                    "Analyst",
                    "report",
                    json!({"lookback_days": 14}),
                ),
                stage(
                    "plan",
                    "Plan the split",
                    "Strategist",
                    "plan",
                    json!({"lookback_days": 30}),
                ),
                stage(
                    "launch",
                    "Launch on social",
                    "SocialMediaBuyer",
                    "launch",
                    json!({"name": "New launch", "daily_budget": 50, "goal": "sales"}),
                ),
                stage(
                    "rebalance",
                    "Rebalance budgets",
                    "Trader",
                    "rebalance_budgets",
                    json!({"lookback_days": 14, "max_change": 0.2}),
                ),
                stage(
                    "after",
                    "Report after launch",
                    "Analyst",
                    "report",
                    json!({"lookback_days": 7}),
                ),
            ],
        },
        Template {
            id: "budget_rebalance",
            name: "Budget rebalance",
            description: "Moves daily budget from campaigns with a low return to those with a high one on every platform, then moves Google bids toward the account's cost per conversion.",
            steps: vec![
                "Analyst reports the last 14 days",
                "Trader rebalances budgets (at most ±20% each)",
                "Trader adjusts Google bids (at most ±20%)",
            ],
            stages: vec![
                stage(
                    "report",
                    "Where we stand",
                    "Analyst",
                    "report",
                    json!({"lookback_days": 14}),
                ),
                stage(
                    "rebalance",
                    "Rebalance budgets",
                    "Trader",
                    "rebalance_budgets",
                    json!({"lookback_days": 14}),
                ),
                stage(
                    "bids",
                    "Adjust bids",
                    "Trader",
                    "adjust_bids",
                    json!({"lookback_days": 14}),
                ),
            ],
        },
        Template {
            id: "underperformer_pause",
            name: "Underperformer pause",
            description: "Pauses social campaigns whose cost per conversion is 1.5× their platform's once they spent enough to judge, then reports.",
            steps: vec![
                "SocialMediaBuyer pauses Meta and Pinterest campaigns over 1.5× the platform's cost per conversion",
                "Analyst reports the last 14 days",
            ],
            stages: vec![
                stage(
                    "pause",
                    "Pause underperformers",
                    "SocialMediaBuyer",
                    "pause_underperformers",
                    json!({"lookback_days": 14, "min_spend": 50, "cpa_multiple": 1.5}),
                ),
                stage(
                    "report",
                    "Report",
                    "Analyst",
                    "report",
                    json!({"lookback_days": 14}),
                ),
            ],
        },
        Template {
            id: "pinterest_pin_promotion",
            name: "Pinterest Pin promotion",
            description: "Promotes the newest organic Pins: a campaign, an ad group with budget and targeting, an ad per Pin; then reports Pinterest.",
            steps: vec![
                "SocialMediaBuyer promotes up to 3 organic Pins (paused, $25 a day)",
                "Analyst reports Pinterest's last 7 days",
            ],
            stages: vec![
                stage(
                    "promote",
                    "Promote Pins",
                    "SocialMediaBuyer",
                    "promote_pins",
                    json!({"daily_budget": 25, "max_pins": 3}),
                ),
                stage(
                    "report",
                    "Pinterest report",
                    "Analyst",
                    "report",
                    json!({"lookback_days": 7, "platforms": ["pinterest"]}),
                ),
            ],
        },
        Template {
            id: "pinterest_shopping_catalog",
            name: "Pinterest shopping catalog campaign",
            description: "Launches a Pinterest catalog-sales campaign (paused) for the product catalog, then reports Pinterest.",
            steps: vec![
                "SocialMediaBuyer launches a CATALOG_SALES campaign on Pinterest",
                "Analyst reports Pinterest's last 7 days",
            ],
            stages: vec![
                stage(
                    "launch",
                    "Catalog campaign",
                    "SocialMediaBuyer",
                    "launch",
                    json!({"name": "Shopping catalog", "daily_budget": 40, "goal": "catalog", "platforms": ["pinterest"]}),
                ),
                stage(
                    "report",
                    "Pinterest report",
                    "Analyst",
                    "report",
                    json!({"lookback_days": 7, "platforms": ["pinterest"]}),
                ),
            ],
        },
    ]
}

pub fn find_template(id: &str) -> Option<Template> {
    templates().into_iter().find(|t| t.id == id)
}

impl Template {
    /// A workflow definition from this template.
    pub fn instantiate(&self, name: Option<&str>, project_id: Option<&str>) -> WorkflowInput {
        WorkflowInput {
            name: name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(self.name)
                .to_owned(),
            description: Some(self.description.to_owned()),
            project_id: project_id.map(str::to_owned),
            trigger: Some("manual".to_owned()),
            schedule: None,
            stages: self.stages.clone(),
            approval: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_valid_workflow_and_one_has_five_stages() {
        let all = templates();
        assert!(all.len() >= 6);
        for t in &all {
            let draft = t
                .instantiate(None, Some("proj_abc"))
                .validate()
                .unwrap_or_else(|e| panic!("{}: {e}", t.id));
            assert_eq!(draft.stages.len(), t.steps.len(), "{}", t.id);
        }
        assert!(all.iter().any(|t| t.stages.len() == 5));
        assert!(find_template("nope").is_none());
    }
}
