//! Pinterest API v5: ads objects under `/ad_accounts/{id}`, bulk writes as JSON arrays (1 to 30
//! items, answered per item even when the HTTP status is 200), array filters sent comma-separated,
//! `bookmark` paging, analytics as flat rows, asynchronous reports by token.

use super::http::{Http, retry_after_header};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard_core::connectors::ConnectorError;

pub struct PinterestAds<'a> {
    pub http: &'a Http,
    /// `{base}/{version}`, e.g. `https://api.pinterest.com/v5`.
    pub root: String,
    pub ad_account_id: &'a str,
    pub access_token: &'a str,
}

type Query = Vec<(&'static str, String)>;

fn text<'v>(p: &'v Value, key: &str) -> Option<&'v str> {
    p.get(key).and_then(Value::as_str)
}

/// Query parameters copied from the tool's parameters: scalars as text, lists comma-separated
/// (Pinterest's `explode=false`).
fn query(p: &Value, keys: &[&'static str]) -> Query {
    keys.iter()
        .filter_map(|k| {
            let value = match p.get(*k)? {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            Some((*k, value))
        })
        .collect()
}

const PAGING: [&str; 3] = ["page_size", "bookmark", "order"];
const ANALYTICS: [&str; 7] = [
    "start_date",
    "end_date",
    "columns",
    "granularity",
    "click_window_days",
    "engagement_window_days",
    "view_window_days",
];

impl PinterestAds<'_> {
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &Query,
        body: Option<&Value>,
    ) -> Result<Value, ConnectorError> {
        let url = format!("{}/{path}", self.root);
        self.http
            .send(
                |c| {
                    let request = c
                        .request(method.clone(), &url)
                        .bearer_auth(self.access_token)
                        .query(query);
                    match body {
                        Some(body) => request.json(body),
                        None => request,
                    }
                },
                classify,
            )
            .await
    }

    fn account(&self, rest: &str) -> String {
        format!("ad_accounts/{}{rest}", self.ad_account_id)
    }

    /// A bulk write: the `items`, with the ad account added where Pinterest requires it.
    async fn bulk(
        &self,
        method: Method,
        what: &str,
        p: &Value,
        with_account: bool,
    ) -> Result<Value, ConnectorError> {
        let mut items = p.get("items").cloned().unwrap_or_else(|| json!([]));
        if with_account && let Some(list) = items.as_array_mut() {
            for item in list {
                item["ad_account_id"] = json!(self.ad_account_id);
            }
        }
        self.send(
            method,
            &self.account(&format!("/{what}")),
            &Vec::new(),
            Some(&items),
        )
        .await
    }

    pub async fn call(&self, tool: &str, p: &Value) -> Result<Value, ConnectorError> {
        let list = |extra: &[&'static str]| {
            let mut keys: Vec<&'static str> = extra.to_vec();
            keys.extend(PAGING);
            query(p, &keys)
        };
        match tool {
            "get_account_info" => self.send(Method::GET, &self.account(""), &Vec::new(), None).await,
            "list_campaigns" => {
                let q = list(&["campaign_ids", "entity_statuses"]);
                self.send(Method::GET, &self.account("/campaigns"), &q, None)
                    .await
            }
            "create_campaigns" => self.bulk(Method::POST, "campaigns", p, true).await,
            "update_campaigns" => self.bulk(Method::PATCH, "campaigns", p, true).await,
            "list_ad_groups" => {
                let q = list(&["campaign_ids", "ad_group_ids", "entity_statuses"]);
                self.send(Method::GET, &self.account("/ad_groups"), &q, None)
                    .await
            }
            "create_ad_groups" => self.bulk(Method::POST, "ad_groups", p, false).await,
            "update_ad_groups" => self.bulk(Method::PATCH, "ad_groups", p, false).await,
            "list_ads" => {
                let q = list(&["campaign_ids", "ad_group_ids", "ad_ids", "entity_statuses"]);
                self.send(Method::GET, &self.account("/ads"), &q, None).await
            }
            "create_ads" => self.bulk(Method::POST, "ads", p, false).await,
            "update_ads" => self.bulk(Method::PATCH, "ads", p, false).await,
            "list_pins" => {
                let mut q = query(p, &["pin_filter", "creative_types", "page_size", "bookmark"]);
                q.push(("ad_account_id", self.ad_account_id.to_owned()));
                self.send(Method::GET, "pins", &q, None).await
            }
            "create_pin" => {
                let mut body = json!({
                    "board_id": text(p, "board_id"),
                    "media_source": {"source_type": "image_url", "url": text(p, "image_url")}
                });
                for key in ["title", "description", "link", "alt_text"] {
                    if let Some(v) = text(p, key) {
                        body[key] = json!(v);
                    }
                }
                let q = vec![("ad_account_id", self.ad_account_id.to_owned())];
                self.send(Method::POST, "pins", &q, Some(&body)).await
            }
            "list_audiences" => {
                let q = list(&["ownership_type"]);
                self.send(Method::GET, &self.account("/audiences"), &q, None)
                    .await
            }
            "create_audience" => {
                let mut body = json!({"ad_account_id": self.ad_account_id});
                for key in ["name", "audience_type", "description", "rule"] {
                    if let Some(v) = p.get(key) {
                        body[key] = v.clone();
                    }
                }
                self.send(
                    Method::POST,
                    &self.account("/audiences"),
                    &Vec::new(),
                    Some(&body),
                )
                .await
            }
            "get_targeting_options" => {
                let kind = text(p, "targeting_type").unwrap_or_default();
                let q = vec![("ad_account_id", self.ad_account_id.to_owned())];
                self.send(Method::GET, &format!("resources/targeting/{kind}"), &q, None)
                    .await
            }
            "get_campaign_analytics" => {
                let mut keys = vec!["campaign_ids"];
                keys.extend(ANALYTICS);
                self.send(
                    Method::GET,
                    &self.account("/campaigns/analytics"),
                    &query(p, &keys),
                    None,
                )
                .await
            }
            "get_ad_analytics" => {
                let mut keys = vec!["ad_ids"];
                keys.extend(ANALYTICS);
                self.send(
                    Method::GET,
                    &self.account("/ads/analytics"),
                    &query(p, &keys),
                    None,
                )
                .await
            }
            "get_targeting_analytics" => {
                let mut keys = vec!["targeting_types"];
                keys.extend(ANALYTICS);
                self.send(
                    Method::GET,
                    &self.account("/targeting_analytics"),
                    &query(p, &keys),
                    None,
                )
                .await
            }
            "create_async_report" => {
                let mut body = json!({});
                for key in [
                    "start_date",
                    "end_date",
                    "granularity",
                    "level",
                    "columns",
                    "campaign_ids",
                    "report_format",
                ] {
                    if let Some(v) = p.get(key) {
                        body[key] = v.clone();
                    }
                }
                self.send(Method::POST, &self.account("/reports"), &Vec::new(), Some(&body))
                    .await
            }
            "get_async_report" => {
                let q = vec![("token", text(p, "token").unwrap_or_default().to_owned())];
                self.send(Method::GET, &self.account("/reports"), &q, None).await
            }
            other => Err(ConnectorError::Permanent(format!(
                "the live Pinterest connector has no tool '{other}'"
            ))),
        }
    }
}

/// Pinterest's `{code, message}` answers. Code 8 (and HTTP 429) is its rate limit; 2 and 1104 on a
/// 401 are refused credentials.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &Value) -> ConnectorError {
    let code = body["code"].as_i64().unwrap_or_default();
    let message = body["message"]
        .as_str()
        .map_or_else(|| format!("HTTP {status}"), str::to_owned);
    if status == StatusCode::UNAUTHORIZED || code == 1104 {
        return ConnectorError::Unauthorized(message);
    }
    if status == StatusCode::TOO_MANY_REQUESTS || code == 8 {
        return ConnectorError::RateLimited {
            retry_after: retry_after_header(headers),
        };
    }
    if status.is_server_error() {
        return ConnectorError::Transient(message);
    }
    ConnectorError::Permanent(message)
}

/// The token endpoint: a refused code or refresh token is a 400 or 401 there.
pub fn classify_token(status: StatusCode, headers: &HeaderMap, body: &Value) -> ConnectorError {
    match classify(status, headers, body) {
        ConnectorError::Permanent(message) if status.is_client_error() => {
            ConnectorError::Unauthorized(message)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_go_comma_separated_and_errors_are_sorted() {
        let q = query(
            &json!({"campaign_ids": ["1", "2"], "page_size": 50, "bookmark": "b"}),
            &["campaign_ids", "page_size", "bookmark", "order"],
        );
        assert_eq!(
            q,
            vec![
                ("campaign_ids", "1,2".to_owned()),
                ("page_size", "50".to_owned()),
                ("bookmark", "b".to_owned())
            ]
        );
        let limited = json!({"code": 8, "message": "This request exceeded a rate limit."});
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), &limited),
            ConnectorError::RateLimited { .. }
        ));
        let auth = json!({"code": 2, "message": "Authentication failed."});
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, &HeaderMap::new(), &auth),
            ConnectorError::Unauthorized(_)
        ));
        let forbidden = json!({"code": 29, "message": "You are not permitted to access that resource."});
        assert_eq!(
            classify(StatusCode::FORBIDDEN, &HeaderMap::new(), &forbidden),
            ConnectorError::Permanent("You are not permitted to access that resource.".into())
        );
    }
}
