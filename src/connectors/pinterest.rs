//! Pinterest API v5 tools (shapes of Pinterest's OpenAPI description 5.23.0: ids as digit strings,
//! money in micro-units of the account currency, Unix-second timestamps on ads objects, `bookmark`
//! paging, bulk writes answering per item with `data` or `exceptions`).

use super::tool::{Access, ToolSpec};
use serde_json::{Value, json};

pub const OBJECTIVES: [&str; 5] = [
    "AWARENESS",
    "CONSIDERATION",
    "WEB_CONVERSION",
    "CATALOG_SALES",
    "VIDEO_COMPLETION",
];
pub const ENTITY_STATUSES: [&str; 5] = ["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT"];
pub const BILLABLE_EVENTS: [&str; 3] = ["CLICKTHROUGH", "IMPRESSION", "VIDEO_V_50_MRC"];
pub const BID_STRATEGIES: [&str; 3] = ["AUTOMATIC_BID", "MAX_BID", "TARGET_AVG"];
pub const CREATIVE_TYPES: [&str; 6] = ["REGULAR", "VIDEO", "SHOPPING", "CAROUSEL", "MAX_VIDEO", "IDEA"];
pub const CTA_TYPES: [&str; 6] = [
    "LEARN_MORE",
    "SHOP_NOW",
    "SIGN_UP",
    "BUY_NOW",
    "GET_OFFER",
    "ORDER_NOW",
];
pub const AUDIENCE_TYPES: [&str; 5] = ["CUSTOMER_LIST", "VISITOR", "ENGAGEMENT", "ACTALIKE", "PERSONA"];
pub const TARGETING_TYPES: [&str; 10] = [
    "APPTYPE",
    "GENDER",
    "LOCALE",
    "AGE_BUCKET",
    "LOCATION",
    "GEO",
    "INTEREST",
    "KEYWORD",
    "AUDIENCE_INCLUDE",
    "AUDIENCE_EXCLUDE",
];
pub const ANALYTICS_TARGETING_TYPES: [&str; 12] = [
    "KEYWORD",
    "APPTYPE",
    "GENDER",
    "LOCATION",
    "PLACEMENT",
    "COUNTRY",
    "TARGETED_INTEREST",
    "PINNER_INTEREST",
    "AUDIENCE_INCLUDE",
    "GEO",
    "AGE_BUCKET",
    "REGION",
];
pub const GRANULARITIES: [&str; 5] = ["TOTAL", "DAY", "HOUR", "WEEK", "MONTH"];
pub const REPORT_LEVELS: [&str; 6] = [
    "ADVERTISER",
    "CAMPAIGN",
    "AD_GROUP",
    "PIN_PROMOTION",
    "CAMPAIGN_TARGETING",
    "AD_GROUP_TARGETING",
];
/// Analytics columns the connector offers (all in Pinterest's synchronous list). Money columns
/// named `_IN_MICRO_DOLLAR` are micros of the account currency, `_IN_DOLLAR` whole units.
pub const COLUMNS: [&str; 31] = [
    "SPEND_IN_MICRO_DOLLAR",
    "SPEND_IN_DOLLAR",
    "PAID_IMPRESSION",
    "IMPRESSION_1",
    "IMPRESSION_2",
    "TOTAL_IMPRESSION",
    "TOTAL_IMPRESSION_USER",
    "CLICKTHROUGH_1",
    "CLICKTHROUGH_2",
    "TOTAL_CLICKTHROUGH",
    "OUTBOUND_CLICK_1",
    "CTR",
    "OUTBOUND_CTR_1",
    "CPC_IN_MICRO_DOLLAR",
    "ECPC_IN_DOLLAR",
    "CPM_IN_MICRO_DOLLAR",
    "CPM_IN_DOLLAR",
    "TOTAL_ENGAGEMENT",
    "ENGAGEMENT_1",
    "ENGAGEMENT_RATE",
    "REPIN_1",
    "TOTAL_CONVERSIONS",
    "TOTAL_CHECKOUT",
    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
    "CHECKOUT_ROAS",
    "TOTAL_PAGE_VISIT",
    "TOTAL_SIGNUP",
    "TOTAL_LEAD",
    "CAMPAIGN_NAME",
    "CAMPAIGN_ENTITY_STATUS",
    "CAMPAIGN_OBJECTIVE_TYPE",
];

fn id() -> Value {
    json!({"type": "string", "format": "int64", "minLength": 1, "maxLength": 18})
}

fn ids(max: u64) -> Value {
    json!({"type": "array", "items": id(), "minItems": 1, "maxItems": max})
}

fn micros(what: &str) -> Value {
    json!({"type": "integer", "minimum": 0,
           "description": format!("{what} in micro-units of the account currency (1 unit = 1000000).")})
}

fn unix_seconds(what: &str) -> Value {
    json!({"type": "integer", "minimum": 0, "description": format!("{what} (Unix seconds).")})
}

fn statuses() -> Value {
    json!({"type": "array", "items": {"type": "string", "enum": ENTITY_STATUSES},
           "description": "Only these statuses (Pinterest's default: ACTIVE and PAUSED)."})
}

fn paging() -> [(&'static str, Value); 3] {
    [
        (
            "page_size",
            json!({"type": "integer", "minimum": 1, "maximum": 250, "default": 25, "description": "Items per page."}),
        ),
        (
            "bookmark",
            json!({"type": "string", "minLength": 1, "description": "The `bookmark` of the previous page."}),
        ),
        (
            "all_pages",
            json!({"type": "boolean", "default": false,
                   "description": "Follow the bookmarks and return every item in one list (up to 5,000)."}),
        ),
    ]
}

fn object(required: &[&str], props: Value) -> Value {
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": props})
}

/// A list tool's parameters: its own filters plus `order` and paging.
fn list_params(filters: Value) -> Value {
    let mut props = filters;
    props["order"] = json!({"type": "string", "enum": ["ASCENDING", "DESCENDING"], "description": "By id; higher ids are newer."});
    for (k, v) in paging() {
        props[k] = v;
    }
    object(&[], props)
}

fn paginated(item: Value) -> Value {
    json!({
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": item}, "bookmark": {"type": ["string", "null"]}}
    })
}

/// A bulk write's answer: one entry per item, with its object or its exceptions.
fn per_item(item: Value) -> Value {
    json!({
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
            "data": {"type": ["object", "null"], "properties": item["properties"].clone()},
            "exceptions": {"type": ["array", "object"],
                "description": "Why the item failed: a list of {code, message} (campaigns, ad groups) or one (ads)."}
        }}}}
    })
}

/// A bulk write's parameters: `items`, 1 to 30 of `item`.
fn bulk(item: Value) -> Value {
    object(
        &["items"],
        json!({"items": {"type": "array", "items": item, "minItems": 1, "maxItems": 30,
                         "description": "1 to 30 objects, written together; each succeeds or fails on its own."}}),
    )
}

fn nullable(t: &str) -> Value {
    json!({"type": [t, "null"]})
}

fn campaign() -> Value {
    json!({"type": "object", "required": ["id", "ad_account_id", "name", "status", "objective_type"], "properties": {
        "id": id(), "ad_account_id": id(), "name": {"type": "string"},
        "status": {"type": "string", "enum": ENTITY_STATUSES},
        "objective_type": {"type": "string", "enum": OBJECTIVES},
        "daily_spend_cap": nullable("integer"), "lifetime_spend_cap": nullable("integer"),
        "start_time": nullable("integer"), "end_time": nullable("integer"),
        "summary_status": {"type": "string"},
        "is_campaign_budget_optimization": nullable("boolean"),
        "is_flexible_daily_budgets": nullable("boolean"),
        "is_performance_plus": {"type": "boolean"},
        "created_time": {"type": "integer"}, "updated_time": {"type": "integer"},
        "type": {"type": "string", "const": "campaign"}
    }})
}

fn ad_group() -> Value {
    json!({"type": "object", "required": ["id", "ad_account_id", "campaign_id", "name", "status"], "properties": {
        "id": id(), "ad_account_id": id(), "campaign_id": id(), "name": {"type": "string"},
        "status": {"type": "string", "enum": ENTITY_STATUSES},
        "budget_in_micro_currency": nullable("integer"), "bid_in_micro_currency": nullable("integer"),
        "budget_type": {"type": "string"}, "billable_event": {"type": "string", "enum": BILLABLE_EVENTS},
        "bid_strategy_type": {"type": ["string", "null"]},
        "pacing_delivery_type": {"type": "string"}, "placement_group": {"type": "string"},
        "targeting_spec": {"type": "object"}, "auto_targeting_enabled": nullable("boolean"),
        "start_time": nullable("integer"), "end_time": nullable("integer"),
        "summary_status": {"type": "string"}, "created_time": {"type": "integer"},
        "updated_time": {"type": "integer"}, "type": {"type": "string", "const": "adgroup"}
    }})
}

fn ad() -> Value {
    json!({"type": "object", "required": ["id", "ad_account_id", "campaign_id", "ad_group_id", "pin_id", "status"], "properties": {
        "id": id(), "ad_account_id": id(), "campaign_id": id(), "ad_group_id": id(), "pin_id": id(),
        "name": nullable("string"), "status": {"type": "string", "enum": ENTITY_STATUSES},
        "creative_type": {"type": "string"}, "destination_url": nullable("string"),
        "customizable_cta_type": {"type": ["string", "null"]},
        "review_status": {"type": "string", "enum": ["OTHER", "PENDING", "REJECTED", "APPROVED"]},
        "summary_status": {"type": "string"}, "created_time": {"type": "integer"},
        "updated_time": {"type": "integer"}, "type": {"type": "string"}
    }})
}

fn pin() -> Value {
    json!({"type": "object", "required": ["id"], "properties": {
        "id": id(), "board_id": id(), "created_at": {"type": "string", "format": "date-time"},
        "title": nullable("string"), "description": nullable("string"), "link": nullable("string"),
        "alt_text": nullable("string"), "has_been_promoted": {"type": "boolean"},
        "creative_type": {"type": ["string", "null"]}, "media": {"type": "object"}
    }})
}

fn audience() -> Value {
    json!({"type": "object", "required": ["id", "ad_account_id", "name", "audience_type", "status"], "properties": {
        "id": id(), "ad_account_id": id(), "name": {"type": "string"},
        "audience_type": {"type": "string", "enum": AUDIENCE_TYPES},
        "description": nullable("string"), "rule": {"type": "object"}, "size": nullable("integer"),
        "status": {"type": "string", "enum": ["READY", "INITIALIZING", "TOO_SMALL"]},
        "created_timestamp": nullable("integer"), "updated_timestamp": nullable("integer"),
        "type": {"type": "string", "const": "audience"}
    }})
}

fn analytics_window() -> Value {
    json!({
        "start_date": {"type": "string", "format": "date", "description": "First day (UTC); at most 90 days back."},
        "end_date": {"type": "string", "format": "date", "description": "Last day; the window is at most 90 days."},
        "columns": {"type": "array", "items": {"type": "string", "enum": COLUMNS}, "minItems": 1},
        "granularity": {"type": "string", "enum": GRANULARITIES},
        "click_window_days": {"type": "integer", "enum": [0, 1, 7, 14, 30, 60], "default": 30},
        "engagement_window_days": {"type": "integer", "enum": [0, 1, 7, 14, 30, 60], "default": 30},
        "view_window_days": {"type": "integer", "enum": [0, 1, 7, 14, 30, 60], "default": 1}
    })
}

fn spend_caps(props: &mut Value) {
    props["daily_spend_cap"] = micros("Daily spend cap");
    props["lifetime_spend_cap"] = micros("Lifetime spend cap");
    props["end_time"] = unix_seconds("End");
}

pub fn tools() -> Vec<ToolSpec> {
    let mut campaign_create = json!({
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "objective_type": {"type": "string", "enum": OBJECTIVES},
        "status": {"type": "string", "enum": ENTITY_STATUSES, "default": "ACTIVE"},
        "start_time": unix_seconds("Start"),
        "is_campaign_budget_optimization": {"type": "boolean"},
        "default_ad_group_budget_in_micro_currency": micros("Default ad group budget")
    });
    spend_caps(&mut campaign_create);
    let mut campaign_update = json!({
        "id": id(),
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "status": {"type": "string", "enum": ENTITY_STATUSES}
    });
    spend_caps(&mut campaign_update);
    let ad_group_fields = json!({
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "status": {"type": "string", "enum": ENTITY_STATUSES},
        "budget_in_micro_currency": micros("Budget"),
        "bid_in_micro_currency": micros("Bid"),
        "targeting_spec": {"type": "object", "description": "Targeting keys (LOCATION, GENDER, AGE_BUCKET, INTEREST, …) each with a list of values."},
        "end_time": unix_seconds("End")
    });
    let mut ad_group_create = ad_group_fields.clone();
    for (k, v) in [
        ("campaign_id", id()),
        (
            "billable_event",
            json!({"type": "string", "enum": BILLABLE_EVENTS}),
        ),
        (
            "budget_type",
            json!({"type": "string", "enum": ["DAILY", "LIFETIME", "CBO_ADGROUP"], "default": "DAILY"}),
        ),
        (
            "bid_strategy_type",
            json!({"type": "string", "enum": BID_STRATEGIES}),
        ),
        (
            "pacing_delivery_type",
            json!({"type": "string", "enum": ["STANDARD", "ACCELERATED"], "default": "STANDARD"}),
        ),
        (
            "placement_group",
            json!({"type": "string", "enum": ["ALL", "SEARCH", "BROWSE", "OTHER"], "default": "ALL"}),
        ),
        ("auto_targeting_enabled", json!({"type": "boolean"})),
        ("start_time", unix_seconds("Start")),
    ] {
        ad_group_create[k] = v;
    }
    let mut ad_group_update = ad_group_fields;
    ad_group_update["id"] = id();
    let ad_fields = json!({
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "status": {"type": "string", "enum": ENTITY_STATUSES},
        "destination_url": {"type": "string", "minLength": 1, "maxLength": 2048},
        "customizable_cta_type": {"type": "string", "enum": CTA_TYPES}
    });
    let mut ad_create = ad_fields.clone();
    ad_create["ad_group_id"] = id();
    ad_create["pin_id"] = id();
    ad_create["creative_type"] = json!({"type": "string", "enum": CREATIVE_TYPES});
    let mut ad_update = ad_fields;
    ad_update["id"] = id();
    let mut campaign_analytics = analytics_window();
    campaign_analytics["campaign_ids"] = ids(250);
    let mut ad_analytics = analytics_window();
    ad_analytics["ad_ids"] = ids(250);
    let mut targeting_analytics = analytics_window();
    targeting_analytics["targeting_types"] = json!({"type": "array", "items": {"type": "string", "enum": ANALYTICS_TARGETING_TYPES}, "minItems": 1, "maxItems": 15});
    let metrics_rows = json!({"type": "array", "items": {"type": "object", "properties": {
        "DATE": {"type": "string", "format": "date"}, "CAMPAIGN_ID": id()}}});

    vec![
        ToolSpec {
            name: "list_campaigns",
            endpoint: "GET /ad_accounts/{ad_account_id}/campaigns",
            title: "List campaigns",
            description: "The ad account's campaigns with their objective, status and spend caps (micro-units), a page at a time.",
            access: Access::Read,
            params: list_params(json!({"campaign_ids": ids(250), "entity_statuses": statuses()})),
            result: paginated(campaign()),
        },
        ToolSpec {
            name: "create_campaigns",
            endpoint: "POST /ad_accounts/{ad_account_id}/campaigns",
            title: "Create campaigns",
            description: "Creates 1 to 30 campaigns in one call; each item answers with its campaign or its exceptions.",
            access: Access::Write,
            params: bulk(object(&["name", "objective_type"], campaign_create)),
            result: per_item(campaign()),
        },
        ToolSpec {
            name: "update_campaigns",
            endpoint: "PATCH /ad_accounts/{ad_account_id}/campaigns",
            title: "Update campaigns",
            description: "Changes the name, status, spend caps or end of 1 to 30 campaigns.",
            access: Access::Write,
            params: bulk(object(&["id"], campaign_update)),
            result: per_item(campaign()),
        },
        ToolSpec {
            name: "list_ad_groups",
            endpoint: "GET /ad_accounts/{ad_account_id}/ad_groups",
            title: "List ad groups",
            description: "Ad groups with their budget, bid, billable event and targeting.",
            access: Access::Read,
            params: list_params(
                json!({"campaign_ids": ids(250), "ad_group_ids": ids(250), "entity_statuses": statuses()}),
            ),
            result: paginated(ad_group()),
        },
        ToolSpec {
            name: "create_ad_groups",
            endpoint: "POST /ad_accounts/{ad_account_id}/ad_groups",
            title: "Create ad groups",
            description: "Creates 1 to 30 ad groups (budgets and bids in micro-units); each item answers on its own.",
            access: Access::Write,
            params: bulk(object(
                &["campaign_id", "name", "billable_event"],
                ad_group_create,
            )),
            result: per_item(ad_group()),
        },
        ToolSpec {
            name: "update_ad_groups",
            endpoint: "PATCH /ad_accounts/{ad_account_id}/ad_groups",
            title: "Update ad groups",
            description: "Changes the bid, budget, targeting or status of 1 to 30 ad groups.",
            access: Access::Write,
            params: bulk(object(&["id"], ad_group_update)),
            result: per_item(ad_group()),
        },
        ToolSpec {
            name: "list_ads",
            endpoint: "GET /ad_accounts/{ad_account_id}/ads",
            title: "List ads",
            description: "Ads (promoted Pins) with their Pin, creative type, review status and destination.",
            access: Access::Read,
            params: list_params(
                json!({"campaign_ids": ids(250), "ad_group_ids": ids(250), "ad_ids": ids(250), "entity_statuses": statuses()}),
            ),
            result: paginated(ad()),
        },
        ToolSpec {
            name: "create_ads",
            endpoint: "POST /ad_accounts/{ad_account_id}/ads",
            title: "Create ads",
            description: "Promotes existing Pins in an ad group: 1 to 30 ads, each answering on its own.",
            access: Access::Write,
            params: bulk(object(&["ad_group_id", "pin_id", "creative_type"], ad_create)),
            result: per_item(ad()),
        },
        ToolSpec {
            name: "update_ads",
            endpoint: "PATCH /ad_accounts/{ad_account_id}/ads",
            title: "Update ads",
            description: "Changes the name, status, destination or call to action of 1 to 30 ads.",
            access: Access::Write,
            params: bulk(object(&["id"], ad_update)),
            result: per_item(ad()),
        },
        ToolSpec {
            name: "list_pins",
            endpoint: "GET /pins",
            title: "List Pins",
            description: "The account's Pins (the creatives ads promote).",
            access: Access::Read,
            params: object(&[], {
                let mut p = json!({
                    "pin_filter": {"type": "string", "enum": ["exclude_native", "exclude_repins", "has_been_promoted"]},
                    "creative_types": {"type": "array", "items": {"type": "string", "enum": CREATIVE_TYPES}}
                });
                for (k, v) in paging() {
                    p[k] = v;
                }
                p
            }),
            result: paginated(pin()),
        },
        ToolSpec {
            name: "create_pin",
            endpoint: "POST /pins",
            title: "Create a Pin",
            description: "Creates a Pin on a board from an image address, ready to be promoted.",
            access: Access::Write,
            params: object(
                &["board_id", "image_url"],
                json!({
                    "board_id": id(),
                    "image_url": {"type": "string", "minLength": 8, "maxLength": 2048, "description": "The image's https address."},
                    "title": {"type": "string", "maxLength": 100},
                    "description": {"type": "string", "maxLength": 800},
                    "link": {"type": "string", "maxLength": 2048, "description": "Where the Pin leads."},
                    "alt_text": {"type": "string", "maxLength": 500}
                }),
            ),
            result: pin(),
        },
        ToolSpec {
            name: "list_audiences",
            endpoint: "GET /ad_accounts/{ad_account_id}/audiences",
            title: "List audiences",
            description: "Audiences of the ad account with their type, size and status.",
            access: Access::Read,
            params: list_params(
                json!({"ownership_type": {"type": "string", "enum": ["OWNED", "RECEIVED"], "default": "OWNED"}}),
            ),
            result: paginated(audience()),
        },
        ToolSpec {
            name: "create_audience",
            endpoint: "POST /ad_accounts/{ad_account_id}/audiences",
            title: "Create an audience",
            description: "Creates an audience from a rule: site visitors, engagers, a customer list or an actalike of another audience.",
            access: Access::Write,
            params: object(
                &["name", "audience_type", "rule"],
                json!({
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "audience_type": {"type": "string", "enum": AUDIENCE_TYPES},
                    "description": {"type": "string", "maxLength": 255},
                    "rule": {"type": "object", "description": "e.g. {\"retention_days\": 30, \"visitor_source_id\": \"…\"} or {\"seed_id\": [\"…\"], \"percentage\": 5, \"country\": \"US\"}."}
                }),
            ),
            result: audience(),
        },
        ToolSpec {
            name: "get_targeting_options",
            endpoint: "GET /resources/targeting/{targeting_type}",
            title: "Targeting options",
            description: "The values a targeting key accepts (countries, interests, age buckets, …), as id → label.",
            access: Access::Read,
            params: object(
                &["targeting_type"],
                json!({"targeting_type": {"type": "string", "enum": TARGETING_TYPES}}),
            ),
            result: json!({"type": "array", "items": {"type": "object"}}),
        },
        ToolSpec {
            name: "get_campaign_analytics",
            endpoint: "GET /ad_accounts/{ad_account_id}/campaigns/analytics",
            title: "Campaign analytics",
            description: "Metrics per campaign for a date range (at most 90 days back), by day, week, month or in total; one flat row per campaign and period keyed by column name.",
            access: Access::Read,
            params: object(
                &["campaign_ids", "start_date", "end_date", "columns", "granularity"],
                campaign_analytics,
            ),
            result: metrics_rows,
        },
        ToolSpec {
            name: "get_ad_analytics",
            endpoint: "GET /ad_accounts/{ad_account_id}/ads/analytics",
            title: "Ad analytics",
            description: "Metrics per ad for a date range (at most 90 days back), by day, week, month or in total; one flat row per ad and period keyed by column name (what an A/B test of ads reads).",
            access: Access::Read,
            params: object(
                &["ad_ids", "start_date", "end_date", "columns", "granularity"],
                ad_analytics,
            ),
            result: json!({"type": "array", "items": {"type": "object", "required": ["AD_ID"], "properties": {
                "DATE": {"type": "string", "format": "date"}, "AD_ID": id()}}}),
        },
        ToolSpec {
            name: "get_targeting_analytics",
            endpoint: "GET /ad_accounts/{ad_account_id}/targeting_analytics",
            title: "Targeting analytics",
            description: "The account's metrics broken down by targeting value (country, gender, age, interest, …).",
            access: Access::Read,
            params: object(
                &[
                    "targeting_types",
                    "start_date",
                    "end_date",
                    "columns",
                    "granularity",
                ],
                targeting_analytics,
            ),
            result: json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": {
                "type": "object", "required": ["targeting_type", "targeting_value", "metrics"],
                "properties": {"targeting_type": {"type": "string"}, "targeting_value": {"type": "string"}, "metrics": {"type": "object"}}}}}}),
        },
        ToolSpec {
            name: "create_async_report",
            endpoint: "POST /ad_accounts/{ad_account_id}/reports",
            title: "Create a report",
            description: "Starts an asynchronous report (up to 186 days); poll it with get_async_report and its token.",
            access: Access::Write,
            params: object(
                &["start_date", "end_date", "granularity", "level", "columns"],
                json!({
                    "start_date": {"type": "string", "format": "date"},
                    "end_date": {"type": "string", "format": "date"},
                    "granularity": {"type": "string", "enum": GRANULARITIES},
                    "level": {"type": "string", "enum": REPORT_LEVELS},
                    "columns": {"type": "array", "items": {"type": "string", "enum": COLUMNS}, "minItems": 1},
                    "campaign_ids": ids(500),
                    "report_format": {"type": "string", "enum": ["JSON", "CSV"], "default": "JSON"}
                }),
            ),
            result: json!({"type": "object", "required": ["token", "report_status"], "properties": {
                "token": {"type": "string"}, "report_status": {"type": "string"}, "message": nullable("string")}}),
        },
        ToolSpec {
            name: "get_async_report",
            endpoint: "GET /ad_accounts/{ad_account_id}/reports",
            title: "Get a report",
            description: "A report's status; once FINISHED, the address to download it from (valid a few minutes).",
            access: Access::Read,
            params: object(
                &["token"],
                json!({"token": {"type": "string", "minLength": 1, "maxLength": 200}}),
            ),
            result: json!({"type": "object", "required": ["report_status"], "properties": {
                "report_status": {"type": "string", "enum": ["DOES_NOT_EXIST", "FINISHED", "IN_PROGRESS", "EXPIRED", "FAILED", "CANCELLED"]},
                "url": nullable("string"), "size": nullable("number")}}),
        },
    ]
}
