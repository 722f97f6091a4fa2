//! Meta Marketing API tools (Graph API shapes: decimal strings for money in insights, budgets in the
//! currency's minor unit as strings, `actions` / `action_values` lists, cursor paging).

use super::tool::{Access, ToolSpec};
use serde_json::{Value, json};

pub const OBJECTIVES: [&str; 6] = [
    "OUTCOME_AWARENESS",
    "OUTCOME_TRAFFIC",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_LEADS",
    "OUTCOME_APP_PROMOTION",
    "OUTCOME_SALES",
];
pub const STATUSES: [&str; 4] = ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED"];
pub const SPECIAL_AD_CATEGORIES: [&str; 4] = ["NONE", "CREDIT", "EMPLOYMENT", "HOUSING"];
pub const BID_STRATEGIES: [&str; 4] = [
    "LOWEST_COST_WITHOUT_CAP",
    "LOWEST_COST_WITH_BID_CAP",
    "COST_CAP",
    "LOWEST_COST_WITH_MIN_ROAS",
];

fn graph_id() -> Value {
    json!({"type": "string", "format": "int64", "minLength": 1, "description": "A Graph API object id (digits)."})
}

fn paging_params() -> (Value, Value) {
    (
        json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 25,
               "description": "Rows per page."}),
        json!({"type": "string", "minLength": 1, "description": "The `paging.cursors.after` of the previous page."}),
    )
}

fn all_pages() -> Value {
    json!({"type": "boolean", "default": false,
           "description": "Follow the paging cursors and return every row in one list (up to 5,000)."})
}

fn page_of(row: Value) -> Value {
    json!({
        "type": "object",
        "required": ["data"],
        "properties": {
            "data": {"type": "array", "items": row},
            "paging": {"type": "object", "properties": {
                "cursors": {"type": "object", "properties": {
                    "before": {"type": "string"}, "after": {"type": "string"}}},
                "next": {"type": "string"}}}
        }
    })
}

fn minor_units() -> Value {
    json!({"type": "integer", "minimum": 100,
           "description": "In the currency's minor unit (cents for USD; whole yen for JPY)."})
}

fn campaign_row() -> Value {
    json!({
        "type": "object",
        "required": ["id", "name", "objective", "status"],
        "properties": {
            "id": {"type": "string", "format": "int64"},
            "name": {"type": "string"},
            "objective": {"type": "string"},
            "status": {"type": "string", "enum": STATUSES},
            "effective_status": {"type": "string"},
            "daily_budget": {"type": "string", "format": "int64"},
            "special_ad_categories": {"type": "array", "items": {"type": "string"}},
            "created_time": {"type": "string"},
            "start_time": {"type": "string"}
        }
    })
}

fn action_list() -> Value {
    json!({"type": "array", "items": {"type": "object", "required": ["action_type", "value"], "properties": {
        "action_type": {"type": "string"}, "value": {"type": "string", "format": "decimal"}}}})
}

pub fn tools() -> Vec<ToolSpec> {
    let (limit, after) = paging_params();
    vec![
        ToolSpec {
            name: "get_account_info",
            endpoint: "GET /act_{ad_account_id}",
            title: "Get account info",
            description: "The ad account's name, currency, time zone and status.",
            access: Access::Read,
            params: json!({"type": "object", "additionalProperties": false, "properties": {}}),
            result: json!({
                "type": "object",
                "required": ["id", "account_id", "name", "currency", "timezone_name", "account_status"],
                "properties": {
                    "id": {"type": "string", "description": "act_ followed by the account id"},
                    "account_id": {"type": "string", "format": "int64"},
                    "name": {"type": "string"},
                    "currency": {"type": "string", "minLength": 3, "maxLength": 3},
                    "timezone_name": {"type": "string"},
                    "account_status": {"type": "integer"}
                }
            }),
        },
        ToolSpec {
            name: "list_campaigns",
            endpoint: "GET /act_{ad_account_id}/campaigns",
            title: "List campaigns",
            description: "The account's campaigns, newest first, one page at a time.",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "properties": {
                    "effective_status": {"type": "array", "items": {"type": "string", "enum": STATUSES},
                                          "description": "Only campaigns in these statuses."},
                    "limit": limit.clone(),
                    "after": after.clone(),
                    "all_pages": all_pages()
                }
            }),
            result: page_of(campaign_row()),
        },
        ToolSpec {
            name: "create_campaign",
            endpoint: "POST /act_{ad_account_id}/campaigns",
            title: "Create a campaign",
            description: "Creates a campaign (paused unless told otherwise). A daily budget here turns on campaign budget optimization.",
            access: Access::Write,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["name", "objective", "special_ad_categories"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 400},
                    "objective": {"type": "string", "enum": OBJECTIVES},
                    "status": {"type": "string", "enum": ["ACTIVE", "PAUSED"], "default": "PAUSED"},
                    "special_ad_categories": {"type": "array", "items": {"type": "string", "enum": SPECIAL_AD_CATEGORIES}},
                    "daily_budget": minor_units(),
                    "bid_strategy": {"type": "string", "enum": BID_STRATEGIES}
                }
            }),
            result: json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "format": "int64"}}}),
        },
        ToolSpec {
            name: "update_campaign",
            endpoint: "POST /{campaign_id}",
            title: "Update a campaign",
            description: "Renames a campaign, changes its status or its daily budget.",
            access: Access::Write,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["campaign_id"],
                "properties": {
                    "campaign_id": graph_id(),
                    "name": {"type": "string", "minLength": 1, "maxLength": 400},
                    "status": {"type": "string", "enum": STATUSES},
                    "daily_budget": minor_units()
                }
            }),
            result: json!({"type": "object", "required": ["success"], "properties": {"success": {"type": "boolean"}}}),
        },
        ToolSpec {
            name: "list_ad_sets",
            endpoint: "GET /act_{ad_account_id}/adsets",
            title: "List ad sets",
            description: "Ad sets of the account or of one campaign, with their budgets and bids.",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "properties": {"campaign_id": graph_id(), "limit": limit.clone(), "after": after.clone(), "all_pages": all_pages()}
            }),
            result: page_of(json!({
                "type": "object", "required": ["id", "campaign_id", "name", "status"],
                "properties": {
                    "id": {"type": "string", "format": "int64"},
                    "campaign_id": {"type": "string", "format": "int64"},
                    "name": {"type": "string"},
                    "status": {"type": "string", "enum": STATUSES},
                    "optimization_goal": {"type": "string"},
                    "billing_event": {"type": "string"},
                    "bid_amount": {"type": "string", "format": "int64"},
                    "daily_budget": {"type": "string", "format": "int64"}
                }
            })),
        },
        ToolSpec {
            name: "update_ad_set",
            endpoint: "POST /{ad_set_id}",
            title: "Update an ad set",
            description: "Renames an ad set, changes its status, daily budget or bid.",
            access: Access::Write,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["ad_set_id"],
                "properties": {
                    "ad_set_id": graph_id(),
                    "name": {"type": "string", "minLength": 1, "maxLength": 400},
                    "status": {"type": "string", "enum": STATUSES},
                    "daily_budget": minor_units(),
                    "bid_amount": {"type": "integer", "minimum": 1, "description": "In the currency's minor unit."}
                }
            }),
            result: json!({"type": "object", "required": ["success"], "properties": {"success": {"type": "boolean"}}}),
        },
        ToolSpec {
            name: "list_ads",
            endpoint: "GET /act_{ad_account_id}/ads",
            title: "List ads",
            description: "Ads of the account, of a campaign or of an ad set.",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "properties": {"campaign_id": graph_id(), "ad_set_id": graph_id(), "limit": limit, "after": after, "all_pages": all_pages()}
            }),
            result: page_of(json!({
                "type": "object", "required": ["id", "adset_id", "campaign_id", "name", "status"],
                "properties": {
                    "id": {"type": "string", "format": "int64"},
                    "adset_id": {"type": "string", "format": "int64"},
                    "campaign_id": {"type": "string", "format": "int64"},
                    "name": {"type": "string"},
                    "status": {"type": "string", "enum": STATUSES},
                    "creative": {"type": "object"}
                }
            })),
        },
        ToolSpec {
            name: "get_campaign_insights",
            endpoint: "GET /act_{ad_account_id}/insights",
            title: "Campaign performance by day",
            description: "Daily insights (spend, impressions, clicks, actions and their values) per campaign for a date range, in the account's time zone.",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["since", "until"],
                "properties": {
                    "campaign_id": graph_id(),
                    "since": {"type": "string", "format": "date"},
                    "until": {"type": "string", "format": "date"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 25,
                              "description": "Rows per page."},
                    "after": {"type": "string", "minLength": 1,
                              "description": "The `paging.cursors.after` of the previous page."},
                    "all_pages": all_pages()
                }
            }),
            result: page_of(json!({
                "type": "object",
                "required": ["campaign_id", "date_start", "date_stop", "spend", "impressions", "clicks"],
                "properties": {
                    "campaign_id": {"type": "string", "format": "int64"},
                    "campaign_name": {"type": "string"},
                    "date_start": {"type": "string", "format": "date"},
                    "date_stop": {"type": "string", "format": "date"},
                    "account_currency": {"type": "string"},
                    "spend": {"type": "string", "format": "decimal"},
                    "impressions": {"type": "string", "format": "int64"},
                    "clicks": {"type": "string", "format": "int64"},
                    "ctr": {"type": "string", "format": "decimal"},
                    "cpc": {"type": "string", "format": "decimal"},
                    "cpm": {"type": "string", "format": "decimal"},
                    "actions": action_list(),
                    "action_values": action_list()
                }
            })),
        },
    ]
}
