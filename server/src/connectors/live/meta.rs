//! Meta Marketing API (Graph): reads with `fields`, insights with `level`, `time_range` and
//! `time_increment`, cursor paging; changes as form posts. The token goes in the `Authorization`
//! header (never in a URL), with an `appsecret_proof` when the app secret is configured.

use super::http::{Http, retry_after_header};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_core::connectors::ConnectorError;

pub struct MetaAds<'a> {
    pub http: &'a Http,
    /// `{base}/{version}`, e.g. `https://graph.facebook.com/v25.0`.
    pub root: String,
    /// Digits, without `act_`.
    pub account_id: &'a str,
    pub access_token: &'a str,
    pub appsecret_proof: Option<String>,
}

const CAMPAIGN_FIELDS: &str =
    "id,name,objective,status,effective_status,daily_budget,special_ad_categories,created_time,start_time";
const AD_SET_FIELDS: &str =
    "id,campaign_id,name,status,optimization_goal,billing_event,bid_amount,daily_budget";
const AD_FIELDS: &str = "id,adset_id,campaign_id,name,status,creative";
const INSIGHT_FIELDS: &str = "campaign_id,campaign_name,date_start,date_stop,account_currency,spend,impressions,\
                              clicks,ctr,cpc,cpm,actions,action_values";

fn text<'v>(p: &'v Value, key: &str) -> Option<&'v str> {
    p.get(key).and_then(Value::as_str)
}

type Query = Vec<(&'static str, String)>;

impl MetaAds<'_> {
    fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let request = request.bearer_auth(self.access_token);
        match &self.appsecret_proof {
            Some(proof) => request.query(&[("appsecret_proof", proof)]),
            None => request,
        }
    }

    async fn get(&self, path: &str, query: &Query) -> Result<Value, ConnectorError> {
        let url = format!("{}/{path}", self.root);
        self.http
            .send(|c| self.authorize(c.get(&url).query(query)), classify)
            .await
    }

    async fn post(&self, path: &str, form: &Query) -> Result<Value, ConnectorError> {
        let url = format!("{}/{path}", self.root);
        self.http
            .send(|c| self.authorize(c.post(&url).form(form)), classify)
            .await
    }

    fn account(&self) -> String {
        format!("act_{}", self.account_id)
    }

    /// `limit` and `after` of the paged list tools.
    fn paging(p: &Value, query: &mut Query) {
        if let Some(limit) = p.get("limit").and_then(Value::as_u64) {
            query.push(("limit", limit.to_string()));
        }
        if let Some(after) = text(p, "after") {
            query.push(("after", after.to_owned()));
        }
    }

    pub async fn call(&self, tool: &str, p: &Value) -> Result<Value, ConnectorError> {
        match tool {
            "get_account_info" => {
                let query = vec![(
                    "fields",
                    "id,account_id,name,currency,timezone_name,account_status".to_owned(),
                )];
                self.get(&self.account(), &query).await
            }
            "list_campaigns" => {
                let mut query = vec![("fields", CAMPAIGN_FIELDS.to_owned())];
                if let Some(statuses) = p.get("effective_status") {
                    query.push(("effective_status", statuses.to_string()));
                }
                Self::paging(p, &mut query);
                self.get(&format!("{}/campaigns", self.account()), &query).await
            }
            "list_ad_sets" => {
                let parent = text(p, "campaign_id").map_or_else(|| self.account(), str::to_owned);
                let mut query = vec![("fields", AD_SET_FIELDS.to_owned())];
                Self::paging(p, &mut query);
                self.get(&format!("{parent}/adsets"), &query).await
            }
            "list_ads" => {
                let parent = text(p, "ad_set_id")
                    .or_else(|| text(p, "campaign_id"))
                    .map_or_else(|| self.account(), str::to_owned);
                let mut query = vec![("fields", AD_FIELDS.to_owned())];
                Self::paging(p, &mut query);
                self.get(&format!("{parent}/ads"), &query).await
            }
            "get_campaign_insights" => {
                let (since, until) = (text(p, "since").unwrap_or(""), text(p, "until").unwrap_or(""));
                if until < since {
                    return Err(ConnectorError::invalid("params.until", "is before since"));
                }
                let mut query = vec![
                    ("level", "campaign".to_owned()),
                    ("fields", INSIGHT_FIELDS.to_owned()),
                    ("time_range", json!({"since": since, "until": until}).to_string()),
                    ("time_increment", "1".to_owned()),
                ];
                if let Some(id) = text(p, "campaign_id") {
                    query.push((
                        "filtering",
                        json!([{"field": "campaign.id", "operator": "IN", "value": [id]}]).to_string(),
                    ));
                }
                Self::paging(p, &mut query);
                self.get(&format!("{}/insights", self.account()), &query).await
            }
            "create_campaign" => {
                let mut form: Query = vec![
                    ("name", text(p, "name").unwrap_or_default().to_owned()),
                    ("objective", text(p, "objective").unwrap_or_default().to_owned()),
                    ("status", text(p, "status").unwrap_or("PAUSED").to_owned()),
                    (
                        "special_ad_categories",
                        p.get("special_ad_categories")
                            .cloned()
                            .unwrap_or(json!([]))
                            .to_string(),
                    ),
                ];
                if let Some(budget) = p.get("daily_budget").and_then(Value::as_u64) {
                    form.push(("daily_budget", budget.to_string()));
                }
                if let Some(strategy) = text(p, "bid_strategy") {
                    form.push(("bid_strategy", strategy.to_owned()));
                }
                let created = self.post(&format!("{}/campaigns", self.account()), &form).await?;
                Ok(json!({ "id": created["id"] }))
            }
            "update_campaign" => {
                let form = changes(p, &["name", "status", "daily_budget"])?;
                self.post(text(p, "campaign_id").unwrap_or_default(), &form).await
            }
            "update_ad_set" => {
                let form = changes(p, &["name", "status", "daily_budget", "bid_amount"])?;
                self.post(text(p, "ad_set_id").unwrap_or_default(), &form).await
            }
            other => Err(ConnectorError::Permanent(format!(
                "the live Meta connector has no tool '{other}'"
            ))),
        }
    }
}

/// The fields of an update that were given, as form values.
fn changes(p: &Value, fields: &[&'static str]) -> Result<Query, ConnectorError> {
    let form: Query = fields
        .iter()
        .filter_map(|f| {
            p.get(*f).map(|v| match v {
                Value::String(s) => (*f, s.clone()),
                other => (*f, other.to_string()),
            })
        })
        .collect();
    if form.is_empty() {
        return Err(ConnectorError::invalid(
            "params",
            format!("nothing to change: give {}", fields.join(", ")),
        ));
    }
    Ok(form)
}

/// Graph's `{"error": {message, type, code, error_subcode, is_transient, error_user_msg}}` answers.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &Value) -> ConnectorError {
    let error = &body["error"];
    let code = error["code"].as_i64().unwrap_or_default();
    let message = error["error_user_msg"]
        .as_str()
        .or_else(|| error["message"].as_str())
        .map_or_else(|| format!("HTTP {status}"), str::to_owned);
    if status == StatusCode::UNAUTHORIZED || matches!(code, 102 | 190) {
        return ConnectorError::Unauthorized(message);
    }
    if status == StatusCode::TOO_MANY_REQUESTS || matches!(code, 4 | 17 | 32 | 613 | 80_000..=80_014) {
        return ConnectorError::RateLimited {
            retry_after: retry_after_header(headers).or_else(|| regain_access(headers)),
        };
    }
    if status.is_server_error() || matches!(code, 1 | 2) || error["is_transient"].as_bool() == Some(true) {
        return ConnectorError::Transient(message);
    }
    ConnectorError::Permanent(message)
}

/// The longest `estimated_time_to_regain_access` (minutes) in the business-use-case usage header.
fn regain_access(headers: &HeaderMap) -> Option<Duration> {
    let usage: Value = serde_json::from_str(headers.get("x-business-use-case-usage")?.to_str().ok()?).ok()?;
    let minutes = usage
        .as_object()?
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|u| u["estimated_time_to_regain_access"].as_u64())
        .max()?;
    (minutes > 0).then(|| Duration::from_secs(minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn graph_errors_are_sorted_into_what_to_do() {
        let limited = json!({"error": {"message": "User request limit reached", "code": 17, "error_subcode": 2_446_079}});
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-business-use-case-usage",
            HeaderValue::from_static(
                r#"{"123":[{"type":"ads_management","call_count":100,"estimated_time_to_regain_access":3}]}"#,
            ),
        );
        assert_eq!(
            classify(StatusCode::BAD_REQUEST, &headers, &limited),
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(180))
            }
        );
        let expired = json!({"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}});
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &HeaderMap::new(), &expired),
            ConnectorError::Unauthorized(_)
        ));
        let invalid = json!({"error": {"message": "Invalid parameter", "code": 100, "error_user_msg": "The budget is too low."}});
        assert_eq!(
            classify(StatusCode::BAD_REQUEST, &HeaderMap::new(), &invalid),
            ConnectorError::Permanent("The budget is too low.".into())
        );
        let transient = json!({"error": {"message": "An unexpected error has occurred.", "code": 2, "is_transient": true}});
        assert!(matches!(
            classify(StatusCode::INTERNAL_SERVER_ERROR, &HeaderMap::new(), &transient),
            ConnectorError::Transient(_)
        ));
    }
}
