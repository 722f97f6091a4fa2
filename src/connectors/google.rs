//! Google Ads API tools (REST shapes: GoogleAdsRow objects nested by resource with lowerCamelCase
//! keys, int64 as strings, money in micros, mutate responses naming resources).

use super::tool::{Access, ToolSpec};
use serde_json::{Value, json};

pub const STATUSES: [&str; 3] = ["ENABLED", "PAUSED", "REMOVED"];
pub const CHANNELS: [&str; 6] = [
    "SEARCH",
    "DISPLAY",
    "SHOPPING",
    "VIDEO",
    "PERFORMANCE_MAX",
    "DEMAND_GEN",
];

fn int64_id(what: &str) -> Value {
    json!({"type": "string", "format": "int64", "minLength": 1,
           "description": format!("The {what}'s id (digits).")})
}

fn micros(what: &str, min: i64) -> Value {
    json!({"type": "integer", "minimum": min,
           "description": format!("{what} in micros of the account currency (1 USD = 1000000).")})
}

fn rows(row: Value) -> Value {
    json!({
        "type": "object",
        "required": ["results"],
        "properties": {
            "results": {"type": "array", "items": row},
            "fieldMask": {"type": "string"}
        }
    })
}

fn mutate_result() -> Value {
    json!({
        "type": "object",
        "required": ["mutateOperationResponses"],
        "properties": {"mutateOperationResponses": {"type": "array", "items": {"type": "object"}}}
    })
}

fn resource(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "required": required, "properties": props})
}

fn campaign_resource() -> Value {
    resource(
        json!({
            "resourceName": {"type": "string"},
            "id": {"type": "string", "format": "int64"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": STATUSES},
            "advertisingChannelType": {"type": "string"},
            "startDate": {"type": "string", "format": "date"},
            "endDate": {"type": "string", "format": "date"},
            "campaignBudget": {"type": "string"}
        }),
        &["resourceName", "id"],
    )
}

pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "get_account_info",
            endpoint: "POST /customers/{customer_id}/googleAds:searchStream",
            title: "Get account info",
            description: "The customer account's name, currency and time zone.",
            access: Access::Read,
            params: json!({"type": "object", "additionalProperties": false, "properties": {}}),
            result: resource(
                json!({"customer": resource(json!({
                    "resourceName": {"type": "string"},
                    "id": {"type": "string", "format": "int64"},
                    "descriptiveName": {"type": "string"},
                    "currencyCode": {"type": "string", "minLength": 3, "maxLength": 3},
                    "timeZone": {"type": "string"}
                }), &["resourceName", "id", "currencyCode", "timeZone"])}),
                &["customer"],
            ),
        },
        ToolSpec {
            name: "list_campaigns",
            endpoint: "POST /customers/{customer_id}/googleAds:searchStream",
            title: "List campaigns",
            description: "Campaigns with their status, channel, dates and budget (GAQL over `campaign`).",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "properties": {"status": {"type": "string", "enum": STATUSES}}
            }),
            result: rows(resource(
                json!({
                    "campaign": campaign_resource(),
                    "campaignBudget": resource(json!({
                        "resourceName": {"type": "string"},
                        "amountMicros": {"type": "string", "format": "int64"}
                    }), &["resourceName"])
                }),
                &["campaign"],
            )),
        },
        ToolSpec {
            name: "create_campaign",
            endpoint: "POST /customers/{customer_id}/googleAds:mutate",
            title: "Create a campaign",
            description: "Creates a daily campaign budget and a campaign using it (paused unless told otherwise), in one mutate call.",
            access: Access::Write,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["name", "budget_micros", "advertising_channel_type"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "budget_micros": micros("Daily budget", 10_000),
                    "advertising_channel_type": {"type": "string", "enum": CHANNELS},
                    "status": {"type": "string", "enum": ["ENABLED", "PAUSED"], "default": "PAUSED"},
                    "start_date": {"type": "string", "format": "date"},
                    "end_date": {"type": "string", "format": "date"}
                }
            }),
            result: mutate_result(),
        },
        ToolSpec {
            name: "update_campaign",
            endpoint: "POST /customers/{customer_id}/googleAds:mutate",
            title: "Update a campaign",
            description: "Renames a campaign, changes its status or its daily budget.",
            access: Access::Write,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["campaign_id"],
                "properties": {
                    "campaign_id": int64_id("campaign"),
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "status": {"type": "string", "enum": STATUSES},
                    "budget_micros": micros("Daily budget", 10_000)
                }
            }),
            result: mutate_result(),
        },
        ToolSpec {
            name: "list_ad_groups",
            endpoint: "POST /customers/{customer_id}/googleAds:searchStream",
            title: "List ad groups",
            description: "Ad groups of the account or of one campaign, with their status and CPC bid.",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "properties": {"campaign_id": int64_id("campaign"), "status": {"type": "string", "enum": STATUSES}}
            }),
            result: rows(resource(
                json!({
                    "adGroup": resource(json!({
                        "resourceName": {"type": "string"},
                        "id": {"type": "string", "format": "int64"},
                        "name": {"type": "string"},
                        "status": {"type": "string", "enum": STATUSES},
                        "campaign": {"type": "string"},
                        "cpcBidMicros": {"type": "string", "format": "int64"}
                    }), &["resourceName", "id"]),
                    "campaign": resource(json!({"resourceName": {"type": "string"}, "id": {"type": "string", "format": "int64"}}), &["id"])
                }),
                &["adGroup"],
            )),
        },
        ToolSpec {
            name: "update_ad_group",
            endpoint: "POST /customers/{customer_id}/googleAds:mutate",
            title: "Update an ad group",
            description: "Renames an ad group, changes its status or its CPC bid.",
            access: Access::Write,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["ad_group_id"],
                "properties": {
                    "ad_group_id": int64_id("ad group"),
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "status": {"type": "string", "enum": STATUSES},
                    "cpc_bid_micros": micros("Maximum CPC bid", 10_000)
                }
            }),
            result: mutate_result(),
        },
        ToolSpec {
            name: "list_ads",
            endpoint: "POST /customers/{customer_id}/googleAds:searchStream",
            title: "List ads",
            description: "Ads of the account, of a campaign or of an ad group, with their headlines and final URLs.",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "properties": {"campaign_id": int64_id("campaign"), "ad_group_id": int64_id("ad group")}
            }),
            result: rows(resource(
                json!({"adGroupAd": resource(json!({
                    "resourceName": {"type": "string"},
                    "status": {"type": "string", "enum": STATUSES},
                    "adGroup": {"type": "string"},
                    "ad": {"type": "object"}
                }), &["resourceName", "ad"])}),
                &["adGroupAd"],
            )),
        },
        ToolSpec {
            name: "get_campaign_performance",
            endpoint: "POST /customers/{customer_id}/googleAds:searchStream",
            title: "Campaign performance by day",
            description: "Daily metrics per campaign for a date range (cost in micros, counts as int64 text, conversions and their value as numbers), in the account's time zone.",
            access: Access::Read,
            params: json!({
                "type": "object", "additionalProperties": false,
                "required": ["start_date", "end_date"],
                "properties": {
                    "campaign_id": int64_id("campaign"),
                    "start_date": {"type": "string", "format": "date"},
                    "end_date": {"type": "string", "format": "date"}
                }
            }),
            result: rows(resource(
                json!({
                    "campaign": resource(json!({"resourceName": {"type": "string"}, "id": {"type": "string", "format": "int64"}, "name": {"type": "string"}}), &["id"]),
                    "segments": resource(json!({"date": {"type": "string", "format": "date"}}), &["date"]),
                    "metrics": resource(json!({
                        "impressions": {"type": "string", "format": "int64"},
                        "clicks": {"type": "string", "format": "int64"},
                        "costMicros": {"type": "string", "format": "int64"},
                        "conversions": {"type": "number", "minimum": 0},
                        "conversionsValue": {"type": "number", "minimum": 0},
                        "ctr": {"type": "number", "minimum": 0, "maximum": 1},
                        "averageCpc": {"type": "number", "minimum": 0}
                    }), &[])
                }),
                &["campaign", "segments", "metrics"],
            )),
        },
    ]
}
