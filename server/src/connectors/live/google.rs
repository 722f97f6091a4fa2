//! Google Ads REST: GAQL through `googleAds:searchStream`, changes through `googleAds:mutate`, with
//! the developer token and the OAuth bearer on every call. Parameters were checked against the tool's
//! schema first, so ids are digits and statuses are enum names: nothing user-typed reaches GAQL.

use super::http::{Http, retry_after_header};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_core::connectors::ConnectorError;

pub struct GoogleAds<'a> {
    pub http: &'a Http,
    /// `{base}/{version}`, e.g. `https://googleads.googleapis.com/v22`.
    pub root: String,
    pub customer_id: &'a str,
    pub access_token: &'a str,
    pub developer_token: &'a str,
    pub login_customer_id: Option<&'a str>,
}

fn text<'v>(p: &'v Value, key: &str) -> Option<&'v str> {
    p.get(key).and_then(Value::as_str)
}

impl GoogleAds<'_> {
    fn post(&self, client: &reqwest::Client, method: &str, body: &Value) -> reqwest::RequestBuilder {
        let url = format!("{}/customers/{}/googleAds:{method}", self.root, self.customer_id);
        let mut request = client
            .post(url)
            .bearer_auth(self.access_token)
            .header("developer-token", self.developer_token)
            .json(body);
        if let Some(login) = self.login_customer_id {
            request = request.header("login-customer-id", login);
        }
        request
    }

    /// Runs a GAQL query; the stream's batches are joined into one `{ results, fieldMask }`.
    pub async fn search(&self, query: &str) -> Result<Value, ConnectorError> {
        let body = json!({ "query": query });
        let answer = self
            .http
            .send(|c| self.post(c, "searchStream", &body), classify)
            .await?;
        let batches = match answer {
            Value::Array(batches) => batches,
            single @ Value::Object(_) => vec![single],
            _ => {
                return Err(ConnectorError::Transient(
                    "searchStream did not answer with batches".into(),
                ));
            }
        };
        let mut results = Vec::new();
        let mut field_mask = None;
        for batch in batches {
            // A stream that fails part-way ends with an error object instead of a batch.
            if batch.get("error").is_some() {
                return Err(classify(StatusCode::OK, &HeaderMap::new(), &batch));
            }
            if field_mask.is_none() {
                field_mask = batch.get("fieldMask").cloned();
            }
            if let Some(Value::Array(rows)) = batch.get("results") {
                results.extend(rows.iter().cloned());
            }
        }
        let mut out = json!({ "results": results });
        if let Some(mask) = field_mask {
            out["fieldMask"] = mask;
        }
        Ok(out)
    }

    async fn mutate(&self, operations: Vec<Value>) -> Result<Value, ConnectorError> {
        let body = json!({ "mutateOperations": operations });
        self.http.send(|c| self.post(c, "mutate", &body), classify).await
    }

    fn resource(&self, collection: &str, id: &str) -> String {
        format!("customers/{}/{collection}/{id}", self.customer_id)
    }

    pub async fn call(&self, tool: &str, p: &Value) -> Result<Value, ConnectorError> {
        match tool {
            "get_account_info" => {
                let rows = self
                    .search(
                        "SELECT customer.id, customer.descriptive_name, customer.currency_code, \
                         customer.time_zone FROM customer LIMIT 1",
                    )
                    .await?;
                let customer = rows["results"]
                    .get(0)
                    .and_then(|r| r.get("customer"))
                    .cloned()
                    .ok_or_else(|| {
                        ConnectorError::Permanent("the account answered without its details".into())
                    })?;
                Ok(json!({ "customer": customer }))
            }
            "list_campaigns" => {
                let mut query = String::from(
                    "SELECT campaign.id, campaign.name, campaign.status, campaign.advertising_channel_type, \
                     campaign.start_date, campaign.end_date, campaign.campaign_budget, \
                     campaign_budget.amount_micros FROM campaign",
                );
                if let Some(status) = text(p, "status") {
                    query.push_str(&format!(" WHERE campaign.status = '{status}'"));
                }
                query.push_str(" ORDER BY campaign.id");
                self.search(&query).await
            }
            "list_ad_groups" => {
                let mut filters = Vec::new();
                if let Some(id) = text(p, "campaign_id") {
                    filters.push(format!("campaign.id = {id}"));
                }
                if let Some(status) = text(p, "status") {
                    filters.push(format!("ad_group.status = '{status}'"));
                }
                let query = format!(
                    "SELECT ad_group.id, ad_group.name, ad_group.status, ad_group.campaign, \
                     ad_group.cpc_bid_micros, campaign.id FROM ad_group{} ORDER BY ad_group.id",
                    where_clause(&filters)
                );
                self.search(&query).await
            }
            "list_ads" => {
                let mut filters = Vec::new();
                if let Some(id) = text(p, "campaign_id") {
                    filters.push(format!("campaign.id = {id}"));
                }
                if let Some(id) = text(p, "ad_group_id") {
                    filters.push(format!("ad_group.id = {id}"));
                }
                let query = format!(
                    "SELECT ad_group_ad.status, ad_group_ad.ad_group, ad_group_ad.ad.id, ad_group_ad.ad.name, \
                     ad_group_ad.ad.type, ad_group_ad.ad.final_urls, \
                     ad_group_ad.ad.responsive_search_ad.headlines FROM ad_group_ad{}",
                    where_clause(&filters)
                );
                self.search(&query).await
            }
            "get_campaign_performance" => {
                let (start, end) = (
                    text(p, "start_date").unwrap_or(""),
                    text(p, "end_date").unwrap_or(""),
                );
                if end < start {
                    return Err(ConnectorError::invalid("params.end_date", "is before start_date"));
                }
                let mut filters = vec![format!("segments.date BETWEEN '{start}' AND '{end}'")];
                if let Some(id) = text(p, "campaign_id") {
                    filters.push(format!("campaign.id = {id}"));
                }
                let query = format!(
                    "SELECT campaign.id, campaign.name, segments.date, metrics.impressions, metrics.clicks, \
                     metrics.cost_micros, metrics.conversions, metrics.conversions_value, metrics.ctr, \
                     metrics.average_cpc FROM campaign{} ORDER BY segments.date, campaign.id",
                    where_clause(&filters)
                );
                self.search(&query).await
            }
            "create_campaign" => self.create_campaign(p).await,
            "update_campaign" => self.update_campaign(p).await,
            "update_ad_group" => {
                let id = text(p, "ad_group_id").unwrap_or_default();
                let mut update = json!({ "resourceName": self.resource("adGroups", id) });
                let mut mask = Vec::new();
                if let Some(name) = text(p, "name") {
                    update["name"] = json!(name);
                    mask.push("name");
                }
                if let Some(status) = text(p, "status") {
                    update["status"] = json!(status);
                    mask.push("status");
                }
                if let Some(bid) = p.get("cpc_bid_micros").and_then(Value::as_i64) {
                    update["cpcBidMicros"] = json!(bid.to_string());
                    mask.push("cpc_bid_micros");
                }
                if mask.is_empty() {
                    return Err(nothing_to_change("name, status or cpc_bid_micros"));
                }
                self.mutate(vec![
                    json!({"adGroupOperation": {"update": update, "updateMask": mask.join(",")}}),
                ])
                .await
            }
            other => Err(ConnectorError::Permanent(format!(
                "the live Google Ads connector has no tool '{other}'"
            ))),
        }
    }

    async fn create_campaign(&self, p: &Value) -> Result<Value, ConnectorError> {
        let name = text(p, "name").unwrap_or_default();
        let channel = text(p, "advertising_channel_type").unwrap_or("SEARCH");
        let budget = self.resource("campaignBudgets", "-1");
        let mut campaign = json!({
            "resourceName": self.resource("campaigns", "-2"),
            "name": name,
            "advertisingChannelType": channel,
            "status": text(p, "status").unwrap_or("PAUSED"),
            "campaignBudget": budget,
            "containsEuPoliticalAdvertising": "DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING",
        });
        // Manual CPC where the channel allows it; the automated strategy the others require.
        match channel {
            "SEARCH" | "DISPLAY" => campaign["manualCpc"] = json!({}),
            _ => campaign["maximizeConversions"] = json!({}),
        }
        if let Some(start) = text(p, "start_date") {
            campaign["startDate"] = json!(start);
        }
        if let Some(end) = text(p, "end_date") {
            campaign["endDate"] = json!(end);
        }
        let amount = p.get("budget_micros").and_then(Value::as_i64).unwrap_or_default();
        self.mutate(vec![
            json!({"campaignBudgetOperation": {"create": {
                "resourceName": budget,
                "name": format!("{name} budget"),
                "amountMicros": amount.to_string(),
                "deliveryMethod": "STANDARD",
                "explicitlyShared": false
            }}}),
            json!({"campaignOperation": {"create": campaign}}),
        ])
        .await
    }

    async fn update_campaign(&self, p: &Value) -> Result<Value, ConnectorError> {
        let id = text(p, "campaign_id").unwrap_or_default();
        let mut operations = Vec::new();
        let mut update = json!({ "resourceName": self.resource("campaigns", id) });
        let mut mask = Vec::new();
        if let Some(name) = text(p, "name") {
            update["name"] = json!(name);
            mask.push("name");
        }
        if let Some(status) = text(p, "status") {
            update["status"] = json!(status);
            mask.push("status");
        }
        if !mask.is_empty() {
            operations.push(json!({"campaignOperation": {"update": update, "updateMask": mask.join(",")}}));
        }
        if let Some(amount) = p.get("budget_micros").and_then(Value::as_i64) {
            let found = self
                .search(&format!(
                    "SELECT campaign.campaign_budget FROM campaign WHERE campaign.id = {id}"
                ))
                .await?;
            let budget = found["results"]
                .get(0)
                .and_then(|r| r["campaign"]["campaignBudget"].as_str())
                .ok_or_else(|| ConnectorError::NotFound {
                    what: "campaign",
                    id: id.to_owned(),
                })?
                .to_owned();
            operations.push(json!({"campaignBudgetOperation": {
                "update": {"resourceName": budget, "amountMicros": amount.to_string()},
                "updateMask": "amount_micros"
            }}));
        }
        if operations.is_empty() {
            return Err(nothing_to_change("name, status or budget_micros"));
        }
        self.mutate(operations).await
    }
}

fn where_clause(filters: &[String]) -> String {
    if filters.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", filters.join(" AND "))
    }
}

fn nothing_to_change(fields: &str) -> ConnectorError {
    ConnectorError::invalid("params", format!("nothing to change: give {fields}"))
}

/// Google's `{"error": {code, message, status, details: [{errors: [...]}]}}` answers.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &Value) -> ConnectorError {
    let error = &body["error"];
    let grpc = error["status"].as_str().unwrap_or_default();
    let detail = error["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["errors"].as_array())
        .flatten()
        .find_map(|e| e["message"].as_str());
    let message = match (error["message"].as_str(), detail) {
        (Some(m), Some(d)) if m != d => format!("{m} ({d})"),
        (Some(m), _) => m.to_owned(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => format!("HTTP {status}"),
    };
    if status == StatusCode::UNAUTHORIZED || grpc == "UNAUTHENTICATED" {
        return ConnectorError::Unauthorized(message);
    }
    if status == StatusCode::TOO_MANY_REQUESTS || grpc == "RESOURCE_EXHAUSTED" {
        return ConnectorError::RateLimited {
            retry_after: retry_after_header(headers).or_else(|| retry_delay(error)),
        };
    }
    if status.is_server_error() || matches!(grpc, "UNAVAILABLE" | "DEADLINE_EXCEEDED" | "INTERNAL") {
        return ConnectorError::Transient(message);
    }
    ConnectorError::Permanent(message)
}

/// `QuotaErrorDetails.retryDelay` ("30s") anywhere in the error's details.
fn retry_delay(error: &Value) -> Option<Duration> {
    fn find(v: &Value) -> Option<&str> {
        match v {
            Value::Object(map) => map
                .get("retryDelay")
                .and_then(Value::as_str)
                .or_else(|| map.values().find_map(find)),
            Value::Array(items) => items.iter().find_map(find),
            _ => None,
        }
    }
    let text = find(error)?;
    let seconds: f64 = text.strip_suffix('s')?.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sorted_into_what_to_do() {
        let quota = json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Quota",
            "details": [{"errors": [{"message": "Too many requests", "details": {"quotaErrorDetails": {"retryDelay": "7s"}}}]}]}});
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), &quota),
            ConnectorError::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        let auth = json!({"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "Request had invalid authentication credentials."}});
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, &HeaderMap::new(), &auth),
            ConnectorError::Unauthorized(_)
        ));
        let bad = json!({"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "Request contains an invalid argument.",
            "details": [{"errors": [{"message": "Unrecognized field in the query: 'campaign.nope'."}]}]}});
        assert_eq!(
            classify(StatusCode::BAD_REQUEST, &HeaderMap::new(), &bad),
            ConnectorError::Permanent(
                "Request contains an invalid argument. (Unrecognized field in the query: 'campaign.nope'.)"
                    .into()
            )
        );
        assert!(matches!(
            classify(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), &Value::Null),
            ConnectorError::Transient(_)
        ));
    }
}
