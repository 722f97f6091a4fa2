//! Agents: deterministic, explainable procedures (no language model). Each action reads through
//! connector tools, decides with the pure functions in [`decide`], and writes through tools, saying
//! what it read, what it decided and why. The catalog here names each agent's actions, which
//! platforms they work on, and the JSON Schema of their parameters.

pub mod decide;
pub mod lessons;
pub mod platform;
pub mod templates;

use crate::platform::Platform;
use crate::workflow::Agent;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::LazyLock;

#[derive(Debug, Clone, Serialize)]
pub struct ActionSpec {
    pub agent: Agent,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The platforms it works on (the project's connections on them).
    pub platforms: &'static [Platform],
    /// Whether it changes anything on the platforms.
    pub writes: bool,
    pub params: Value,
}

const ALL: &[Platform] = &[Platform::Google, Platform::Meta, Platform::Pinterest];
const SOCIAL: &[Platform] = &[Platform::Meta, Platform::Pinterest];
const SEARCH: &[Platform] = &[Platform::Google];

fn lookback(default: u64) -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": 90, "default": default,
           "description": "Days of performance to read, ending yesterday."})
}

fn params(props: Value) -> Value {
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

fn platforms_param(of: &[Platform]) -> Value {
    json!({"type": "array", "items": {"type": "string", "enum": of.iter().map(|p| p.as_str()).collect::<Vec<_>>()},
           "description": "Only these platforms (all the action supports when left out)."})
}

static ACTIONS: LazyLock<Vec<ActionSpec>> = LazyLock::new(|| {
    vec![
        ActionSpec {
            agent: Agent::Strategist,
            name: "plan",
            title: "Plan the budget split",
            description: "Reads each platform's recent performance and splits the budget toward the platforms that return the most per unit spent, keeping every platform between a floor and a cap.",
            platforms: ALL,
            writes: false,
            params: params(json!({
                "lookback_days": lookback(30),
                "daily_budget": {"type": "number", "exclusiveMinimum": 0, "description": "The daily budget to split, in the project's currency (today's total when left out)."},
                "min_share": {"type": "number", "minimum": 0, "maximum": 0.5, "default": 0.1, "description": "No platform gets less than this share."},
                "max_share": {"type": "number", "minimum": 0.2, "maximum": 1, "default": 0.7, "description": "No platform gets more than this share."}
            })),
        },
        ActionSpec {
            agent: Agent::SocialMediaBuyer,
            name: "launch",
            title: "Launch a campaign",
            description: "Creates a campaign on each social platform the project is connected to (Meta, Pinterest), paused unless told otherwise, with the daily budget given.",
            platforms: SOCIAL,
            writes: true,
            params: json!({"type": "object", "additionalProperties": false, "required": ["name", "daily_budget"], "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "daily_budget": {"type": "number", "exclusiveMinimum": 0, "description": "Per platform, in the account's currency."},
                "goal": {"type": "string", "enum": ["sales", "traffic", "awareness", "leads", "catalog"], "default": "sales",
                         "description": "catalog: a shopping campaign from the product catalog (Pinterest CATALOG_SALES)."},
                "active": {"type": "boolean", "default": false, "description": "Start delivering at once."},
                "platforms": platforms_param(SOCIAL)
            }}),
        },
        ActionSpec {
            agent: Agent::SocialMediaBuyer,
            name: "promote_pins",
            title: "Promote Pins",
            description: "Promotes the account's best organic Pins (or the ones given): a Pinterest campaign, an ad group with its budget and targeting, and an ad per Pin.",
            platforms: &[Platform::Pinterest],
            writes: true,
            params: json!({"type": "object", "additionalProperties": false, "required": ["daily_budget"], "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "default": "Pin promotion"},
                "daily_budget": {"type": "number", "exclusiveMinimum": 0, "description": "In the account's currency."},
                "pin_ids": {"type": "array", "items": {"type": "string", "format": "int64"}, "maxItems": 10,
                            "description": "The Pins to promote (the newest organic ones when left out)."},
                "max_pins": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
                "countries": {"type": "array", "items": {"type": "string", "minLength": 2, "maxLength": 2}, "default": ["US"]},
                "active": {"type": "boolean", "default": false}
            }}),
        },
        ActionSpec {
            agent: Agent::SocialMediaBuyer,
            name: "pause_underperformers",
            title: "Pause underperformers",
            description: "Pauses active social campaigns whose cost per conversion is well above the account's, once they have spent enough to judge.",
            platforms: SOCIAL,
            writes: true,
            params: params(json!({
                "lookback_days": lookback(14),
                "min_spend": {"type": "number", "minimum": 0, "default": 50, "description": "Campaigns that spent less are not judged yet."},
                "cpa_multiple": {"type": "number", "minimum": 1, "maximum": 10, "default": 1.5, "description": "Paused when its cost per conversion is this many times the account's."},
                "platforms": platforms_param(SOCIAL)
            })),
        },
        ActionSpec {
            agent: Agent::SocialMediaBuyer,
            name: "apply_experiment",
            title: "Apply an A/B test's winner",
            description: "Reads a decided experiment and its objects as they stand on the platform, pauses the losing campaigns or ads and moves their daily budget to the winner (an ad group left with no ad delivering is paused and its budget moved).",
            platforms: ALL,
            writes: true,
            params: params(json!({
                "experiment_id": {"type": "string", "minLength": 1, "maxLength": 64,
                                  "description": "The experiment whose winner to apply (the run's input experiment_id when left out)."}
            })),
        },
        ActionSpec {
            agent: Agent::Trader,
            name: "rebalance_budgets",
            title: "Rebalance budgets",
            description: "Moves daily budget from campaigns with a low return on spend to those with a high one, keeping the total, each change within a limit.",
            platforms: ALL,
            writes: true,
            params: params(json!({
                "lookback_days": lookback(14),
                "max_change": {"type": "number", "minimum": 0.01, "maximum": 0.5, "default": 0.2, "description": "The largest change to one budget, as a fraction."},
                "platforms": platforms_param(ALL)
            })),
        },
        ActionSpec {
            agent: Agent::Trader,
            name: "adjust_bids",
            title: "Adjust bids",
            description: "Moves Google ad groups' CPC bids toward a target cost per conversion (the account's when none is given), within a limit per change.",
            platforms: SEARCH,
            writes: true,
            params: params(json!({
                "lookback_days": lookback(14),
                "target_cpa": {"type": "number", "exclusiveMinimum": 0, "description": "Target cost per conversion in the account's currency."},
                "max_change": {"type": "number", "minimum": 0.01, "maximum": 0.5, "default": 0.2}
            })),
        },
        ActionSpec {
            agent: Agent::Analyst,
            name: "report",
            title: "Cross-platform report",
            description: "Reads every connected platform's performance for the period and reports spend, results and rates per platform and campaign, in one model.",
            platforms: ALL,
            writes: false,
            params: params(json!({"lookback_days": lookback(7), "platforms": platforms_param(ALL)})),
        },
    ]
});

/// Earlier versions' action words, read as today's read-only actions. (`report` was every
/// agent's word there; today only the Analyst has a `report` of its own.)
const LEGACY: [(&str, &str); 5] = [
    ("analyze", "report"),
    ("review", "report"),
    ("execute", "report"),
    ("plan", "report"),
    ("report", "report"),
];

/// The legacy stage parameters (`lookbackDays`) are accepted too.
fn legacy_params() -> Value {
    json!({"type": "object", "properties": {
        "lookbackDays": {"type": "integer", "minimum": 1, "maximum": 90},
        "lookback_days": {"type": "integer", "minimum": 1, "maximum": 90}
    }})
}

static LEGACY_SPECS: LazyLock<Vec<ActionSpec>> = LazyLock::new(|| {
    [Agent::Strategist, Agent::SocialMediaBuyer, Agent::Trader, Agent::Analyst]
        .into_iter()
        .flat_map(|agent| {
            LEGACY.iter().map(move |(word, _)| ActionSpec {
                agent,
                name: word,
                title: "Review (earlier version)",
                description: "A stage from the earlier version: reads the agent's platforms and reports what it sees, without changing anything.",
                platforms: if agent == Agent::SocialMediaBuyer { SOCIAL } else { ALL },
                writes: false,
                params: legacy_params(),
            })
        })
        .collect()
});

/// Every current action.
pub fn actions() -> &'static [ActionSpec] {
    &ACTIONS
}

pub fn actions_of(agent: Agent) -> impl Iterator<Item = &'static ActionSpec> {
    ACTIONS.iter().filter(move |a| a.agent == agent)
}

/// The action an agent does under this name (current first, then an earlier version's word).
pub fn find_action(agent: Agent, name: &str) -> Option<&'static ActionSpec> {
    ACTIONS
        .iter()
        .chain(LEGACY_SPECS.iter())
        .find(|a| a.agent == agent && a.name == name)
}

/// The action an agent's stage runs: its own action of that name, else what an earlier version's
/// word means (`None` when it is neither).
pub fn resolve_action(agent: Agent, name: &str) -> Option<&'static str> {
    actions_of(agent)
        .find(|a| a.name == name)
        .map(|a| a.name)
        .or_else(|| LEGACY.iter().find(|(w, _)| *w == name).map(|(_, m)| *m))
}

/// A stage as an earlier version (or the legacy import) may have written it, in today's words:
/// an earlier action word becomes the action it means when the agent has that action (the
/// Analyst's `analyze` is its `report`; other agents keep the earlier word, which runs as a
/// read-only review), and camelCase parameter names become the action's snake_case ones
/// (`lookbackDays` is `lookback_days`) when the action knows them. Anything else is left as it
/// is, for validation to name.
pub fn canonical_stage(agent: Agent, action: &str, params: &Value) -> (String, Value) {
    let word = action.trim();
    let action = resolve_action(agent, word)
        .filter(|meant| actions_of(agent).any(|a| a.name == *meant))
        .unwrap_or(word)
        .to_owned();
    let Some(spec) = find_action(agent, &action) else {
        return (action, params.clone());
    };
    let known = |key: &str| spec.params["properties"].get(key).is_some();
    let params = match params {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let snake = snake_case(k);
                    if snake != *k && known(&snake) && !map.contains_key(&snake) {
                        (snake, v.clone())
                    } else {
                        (k.clone(), v.clone())
                    }
                })
                .collect(),
        ),
        other => other.clone(),
    };
    (action, params)
}

/// `lookbackDays` -> `lookback_days`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_words_and_camel_case_parameters_read_as_todays() {
        let (action, params) = canonical_stage(Agent::Analyst, "report", &json!({"lookbackDays": 7}));
        assert_eq!((action.as_str(), params), ("report", json!({"lookback_days": 7})));
        let (action, params) = canonical_stage(
            Agent::Analyst,
            "analyze",
            &json!({"lookbackDays": 14, "platforms": ["google"]}),
        );
        assert_eq!(action, "report");
        assert_eq!(params, json!({"lookback_days": 14, "platforms": ["google"]}));
        // Other agents keep an earlier word (a read-only review), with today's parameter names.
        let (action, params) = canonical_stage(Agent::Trader, "analyze", &json!({"lookbackDays": 30}));
        assert_eq!(
            (action.as_str(), params),
            ("analyze", json!({"lookback_days": 30}))
        );
        // Strategist's plan is its own action; Trader's is an earlier word for a review.
        assert_eq!(canonical_stage(Agent::Strategist, "plan", &json!({})).0, "plan");
        assert_eq!(canonical_stage(Agent::Trader, "plan", &json!({})).0, "plan");
        // The earlier version let every agent `report`: a review for all but the Analyst.
        assert_eq!(canonical_stage(Agent::Trader, "report", &json!({})).0, "report");
        assert!(find_action(Agent::Trader, "report").is_some_and(|a| !a.writes));
        assert!(find_action(Agent::Analyst, "report").is_some_and(|a| a.title == "Cross-platform report"));
        let (_, params) = canonical_stage(
            Agent::Trader,
            "rebalance_budgets",
            &json!({"maxChange": 0.1, "oddField": 1}),
        );
        assert_eq!(
            params,
            json!({"max_change": 0.1, "oddField": 1}),
            "unknown names are left for validation"
        );
        // A snake_case name already there wins over its camelCase twin.
        let (_, params) = canonical_stage(
            Agent::Analyst,
            "report",
            &json!({"lookbackDays": 7, "lookback_days": 3}),
        );
        assert_eq!(params, json!({"lookbackDays": 7, "lookback_days": 3}));
        assert_eq!(
            canonical_stage(Agent::Analyst, "launch", &json!({"a": 1})),
            ("launch".to_owned(), json!({"a": 1}))
        );
    }

    #[test]
    fn every_action_schema_is_enforceable_and_each_agent_has_work() {
        for a in actions().iter().chain(LEGACY_SPECS.iter()) {
            crate::connectors::schema::check_schema(&a.params, &format!("{}.{}", a.agent, a.name))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        for agent in [
            Agent::Strategist,
            Agent::SocialMediaBuyer,
            Agent::Trader,
            Agent::Analyst,
        ] {
            assert!(actions_of(agent).count() >= 1, "{agent}");
        }
        assert!(find_action(Agent::Trader, "rebalance_budgets").is_some_and(|a| a.writes));
        assert!(find_action(Agent::Trader, "execute").is_some_and(|a| !a.writes));
        assert!(find_action(Agent::Analyst, "launch").is_none());
        assert_eq!(resolve_action(Agent::Trader, "analyze"), Some("report"));
        assert_eq!(resolve_action(Agent::Strategist, "plan"), Some("plan"));
        assert_eq!(resolve_action(Agent::Trader, "plan"), Some("report"));
        assert_eq!(resolve_action(Agent::Analyst, "launch"), None);
    }
}
