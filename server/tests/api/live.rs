//! Live mode against stub platforms on 127.0.0.1: the OAuth flow (PKCE, state, code exchange, token
//! refresh), sealed tokens, request shapes, paging, retries on rate limits, refused credentials.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::stub::{Answer, Seen, Stub, ok};
use axum::http::StatusCode;
use serde_json::{Value, json};
use server::Config;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use switchboard_core::connectors::RetryPolicy;

fn configure(stub: &Stub) -> impl FnOnce(&mut Config) {
    let base = stub.url();
    move |config| {
        let s = &mut config.connectors;
        s.google.client_id = Some("google-client".into());
        s.google.client_secret = Some("google-secret".into());
        s.google.auth_url = format!("{base}/o/oauth2/v2/auth");
        s.google.token_url = format!("{base}/token");
        s.google.api_base_url = base.clone();
        s.google.api_version = "v22".into();
        s.google.developer_token = Some("dev-token-1".into());
        s.meta.client_id = Some("meta-app".into());
        s.meta.client_secret = Some("meta-secret".into());
        s.meta.auth_url = format!("{base}/dialog/oauth");
        s.meta.token_url = format!("{base}/v25.0/oauth/access_token");
        s.meta.api_base_url = base;
        s.meta.api_version = "v25.0".into();
        s.retry = RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(5),
            cap: Duration::from_millis(40),
            max_wait: Duration::from_secs(5),
        };
    }
}

fn query_of(url: &str) -> HashMap<String, String> {
    reqwest::Url::parse(url)
        .expect("authorization url")
        .query_pairs()
        .into_owned()
        .collect()
}

/// Connect → the platform (skipped: the user says yes) → the callback. Returns the connection id
/// and the authorization address's query.
async fn connect(app: &TestApp, body: Value) -> (String, HashMap<String, String>) {
    let (status, started) = app.post_json("/api/v1/connections/authorize", body).await;
    assert_eq!(status, 200, "{started}");
    let url = started["authorization_url"].as_str().expect("url").to_owned();
    let query = query_of(&url);
    let platform = if url.contains("/dialog/oauth") {
        "meta"
    } else {
        "google"
    };
    let callback = format!(
        "/oauth/{platform}/callback?code=the-code&state={}",
        query["state"]
    );
    let r = app.get(&callback).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().expect("location").to_owned();
    let id = location
        .strip_prefix("/connections?connected=")
        .unwrap_or_else(|| panic!("not connected: {location}"))
        .to_owned();
    (id, query)
}

fn page(rows: std::ops::Range<usize>, after: &str, more: bool) -> Value {
    let data: Vec<Value> = rows
        .map(|i| {
            json!({"campaign_id": "120200000000001", "campaign_name": "Prospecting",
                   "date_start": format!("2026-11-0{}", i + 1), "date_stop": format!("2026-11-0{}", i + 1),
                   "account_currency": "EUR", "spend": "12.34", "impressions": "1000", "clicks": "25",
                   "actions": [{"action_type": "purchase", "value": "2"}],
                   "action_values": [{"action_type": "purchase", "value": "80.5"}]})
        })
        .collect();
    let mut paging = json!({"cursors": {"before": "b", "after": after}});
    if more {
        paging["next"] = json!(format!(
            "https://graph.facebook.com/v25.0/act_42/insights?after={after}"
        ));
    }
    json!({"data": data, "paging": paging})
}

fn meta_platform(seen: &Seen, _: usize) -> Answer {
    match seen.path.as_str() {
        "/v25.0/oauth/access_token" => match seen.query.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {
                ok(json!({"access_token": "short-SECRET", "token_type": "bearer", "expires_in": 5183}))
            }
            Some("fb_exchange_token") => ok(
                json!({"access_token": "long-lived-SECRET", "token_type": "bearer", "expires_in": 5_184_000}),
            ),
            _ => (
                StatusCode::BAD_REQUEST,
                vec![],
                json!({"error": {"message": "bad grant", "code": 100}}),
            ),
        },
        "/v25.0/act_42" => ok(
            json!({"id": "act_42", "account_id": "42", "name": "Stub Ads", "currency": "EUR",
                                     "timezone_name": "Europe/Paris", "account_status": 1}),
        ),
        "/v25.0/act_42/campaigns" if seen.method == reqwest::Method::POST => {
            ok(json!({"id": "120200000000099"}))
        }
        "/v25.0/120200000000099" if seen.method == reqwest::Method::POST => ok(json!({"success": true})),
        "/v25.0/act_42/insights" => match seen.query.get("after").map(String::as_str) {
            None => ok(page(0..2, "c1", true)),
            Some("c1") => ok(page(2..4, "c2", true)),
            _ => ok(page(4..5, "c3", false)),
        },
        _ => (
            StatusCode::NOT_FOUND,
            vec![],
            json!({"error": {"message": "unknown path", "code": 803}}),
        ),
    }
}

#[tokio::test]
async fn a_meta_account_connects_through_oauth_and_its_tokens_are_sealed() {
    let stub = Stub::start(meta_platform).await;
    let app = spawn_app_with(configure(&stub)).await;
    let project = app.new_project("Live Co", "EUR").await;
    let (id, query) = connect(
        &app,
        json!({"project_id": project, "platform": "meta", "account_id": "act_42"}),
    )
    .await;

    // The authorization address: our app, our callback, a state, a PKCE challenge.
    assert_eq!(query["client_id"], "meta-app");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["redirect_uri"], app.url("/oauth/meta/callback"));
    assert!(query["scope"].contains("ads_management"));
    assert!(query["state"].len() >= 43);

    // The code went back with the verifier whose challenge was sent, then was made long-lived.
    let tokens = stub.seen_at("/oauth/access_token");
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    let exchange = &tokens[0].query;
    assert_eq!(exchange["code"], "the-code");
    assert_eq!(exchange["client_secret"], "meta-secret");
    assert_eq!(exchange["redirect_uri"], query["redirect_uri"]);
    assert_eq!(
        server::secrets::pkce_challenge(&exchange["code_verifier"]),
        query["code_challenge"]
    );
    assert_eq!(tokens[1].query["fb_exchange_token"], "short-SECRET");

    // The account was read with the long-lived token, in the header, with the app secret proof.
    let account = &stub.seen_at("/v25.0/act_42")[0];
    assert_eq!(account.header("authorization"), Some("Bearer long-lived-SECRET"));
    assert_eq!(
        account.query["appsecret_proof"],
        server::secrets::appsecret_proof("meta-secret", "long-lived-SECRET")
    );
    assert!(account.query["fields"].contains("currency"));
    assert!(!account.query.contains_key("access_token"));

    let (status, connection) = app.get_json(&format!("/api/v1/connections/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(connection["mode"], "live");
    assert_eq!(connection["status"], "active");
    assert_eq!(connection["account_id"], "42");
    assert_eq!(connection["currency"], "EUR");
    assert_eq!(connection["time_zone"], "Europe/Paris");
    assert_eq!(connection["name"], "Stub Ads");
    assert!(!connection.to_string().contains("SECRET"));
    let (_, all) = app.get_json("/api/v1/connections").await;
    assert!(!all.to_string().contains("SECRET"));

    // The raw columns, and the database files themselves, never hold a token in the clear.
    let pool = app.pool().await;
    let (key_id, nonce, ciphertext): (String, Vec<u8>, Vec<u8>) = sqlx::query_as(
        "SELECT key_id, nonce, ciphertext FROM connection_credentials WHERE connection_id = ?",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .expect("credentials row");
    assert!(key_id.starts_with('k'));
    assert_eq!(nonce.len(), 12);
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(!contains(&ciphertext, b"long-lived"));
    assert!(!contains(&ciphertext, b"SECRET"));
    pool.close().await;
    let dir = std::path::Path::new(app.database_url.trim_start_matches("sqlite://"))
        .parent()
        .expect("dir")
        .to_owned();
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        assert!(
            !contains(&bytes, b"long-lived-SECRET"),
            "{} holds the token",
            path.display()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(dir.join("switchboard.key")).expect("the key file");
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }

    // A state is single use.
    let again = app
        .get(&format!(
            "/oauth/meta/callback?code=the-code&state={}",
            query["state"]
        ))
        .await;
    let location = again.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.starts_with("/connections?error="), "{location}");
    assert!(location.contains("already"), "{location}");

    // Insights: the Graph request shape, and every page followed to the end.
    let (status, insights) = app.post_json(
        "/api/v1/connectors/meta/tools/get_campaign_insights",
        json!({"connection_id": id, "params": {"since": "2026-11-01", "until": "2026-11-05", "all_pages": true}}),
    )
    .await;
    assert_eq!(status, 200, "{insights}");
    assert_eq!(insights["data"].as_array().map(Vec::len), Some(5));
    assert!(insights.get("paging").is_none());
    let calls = stub.seen_at("/v25.0/act_42/insights");
    assert_eq!(calls.len(), 3);
    let first = &calls[0];
    assert_eq!(first.method, reqwest::Method::GET);
    assert_eq!(first.query["level"], "campaign");
    assert_eq!(first.query["time_increment"], "1");
    assert_eq!(
        serde_json::from_str::<Value>(&first.query["time_range"]).expect("json"),
        json!({"since": "2026-11-01", "until": "2026-11-05"})
    );
    for field in [
        "spend",
        "impressions",
        "clicks",
        "actions",
        "action_values",
        "date_start",
    ] {
        assert!(first.query["fields"].split(',').any(|f| f == field), "{field}");
    }
    assert!(!first.query.contains_key("after"));
    assert_eq!(calls[1].query["after"], "c1");
    assert_eq!(calls[2].query["after"], "c2");
    assert!(
        calls
            .iter()
            .all(|c| c.header("authorization") == Some("Bearer long-lived-SECRET"))
    );
}

/// A Google Ads stand-in. `script` decides the answer to searchStream calls after the account check.
fn google_platform(
    expires_in: i64,
    search: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
) -> impl Fn(&Seen, usize) -> Answer + Send + Sync + 'static {
    move |seen, _| match seen.path.as_str() {
        "/token" => match seen.form().get("grant_type").map(String::as_str) {
            Some("authorization_code") => ok(
                json!({"access_token": "ya29.first-SECRET", "refresh_token": "1//refresh-SECRET",
                                                    "expires_in": expires_in, "token_type": "Bearer"}),
            ),
            Some("refresh_token") => {
                ok(json!({"access_token": "ya29.second-SECRET", "expires_in": 3599, "token_type": "Bearer"}))
            }
            _ => (
                StatusCode::BAD_REQUEST,
                vec![],
                json!({"error": "unsupported_grant_type"}),
            ),
        },
        "/v22/customers/1234567890/googleAds:searchStream"
            if seen.json()["query"]
                .as_str()
                .is_some_and(|q| q.contains("FROM customer")) =>
        {
            ok(
                json!([{"results": [{"customer": {"resourceName": "customers/1234567890", "id": "1234567890",
                "descriptiveName": "Stub GmbH", "currencyCode": "EUR", "timeZone": "Europe/Berlin"}}],
                "fieldMask": "customer.id,customer.descriptiveName,customer.currencyCode,customer.timeZone", "requestId": "r0"}]),
            )
        }
        "/v22/customers/1234567890/googleAds:searchStream" => search(seen),
        "/v22/customers/1234567890/googleAds:mutate" => ok(json!({"mutateOperationResponses": [
            {"campaignBudgetResult": {"resourceName": "customers/1234567890/campaignBudgets/77"}},
            {"campaignResult": {"resourceName": "customers/1234567890/campaigns/88"}}]})),
        _ => (
            StatusCode::NOT_FOUND,
            vec![],
            json!({"error": {"code": 404, "status": "NOT_FOUND", "message": "no such path"}}),
        ),
    }
}

fn performance_row(date: &str) -> Value {
    json!({"campaign": {"resourceName": "customers/1234567890/campaigns/555", "id": "555", "name": "Brand"},
           "segments": {"date": date},
           "metrics": {"impressions": "1000", "clicks": "80", "costMicros": "2500000", "conversions": 4.0,
                       "conversionsValue": 180.5, "ctr": 0.08, "averageCpc": 31250.0}})
}

#[tokio::test]
async fn google_calls_carry_their_headers_retry_rate_limits_and_stop_on_refused_credentials() {
    let performance_calls = Arc::new(AtomicUsize::new(0));
    let counter = performance_calls.clone();
    let stub = Stub::start(google_platform(3599, move |seen| {
        let query = seen.json()["query"].as_str().unwrap_or_default().to_owned();
        if query.contains("segments.date") {
            // Two quota refusals, then the data in two stream batches.
            if counter.fetch_add(1, Ordering::SeqCst) < 2 {
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    vec![],
                    json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Resource has been exhausted",
                        "details": [{"errors": [{"errorCode": {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"},
                                                 "message": "Too many requests."}]}]}}),
                );
            }
            return ok(json!([
                {"results": [performance_row("2026-11-01"), performance_row("2026-11-02")], "fieldMask": "campaign.id,segments.date,metrics.clicks"},
                {"results": [performance_row("2026-11-03")], "queryResourceConsumption": "12"}
            ]));
        }
        (
            StatusCode::UNAUTHORIZED,
            vec![],
            json!({"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "Request had invalid authentication credentials."}}),
        )
    }))
    .await;
    let app = spawn_app_with(configure(&stub)).await;
    let project = app.new_project("Live Co", "EUR").await;
    let (id, query) = connect(
        &app,
        json!({"project_id": project, "platform": "google", "account_id": "123-456-7890",
               "login_customer_id": "111-222-3333"}),
    )
    .await;
    assert_eq!(query["access_type"], "offline");
    assert_eq!(query["scope"], "https://www.googleapis.com/auth/adwords");
    let exchange = stub.seen_at("/token")[0].form();
    assert_eq!(exchange["grant_type"], "authorization_code");
    assert_eq!(
        server::secrets::pkce_challenge(&exchange["code_verifier"]),
        query["code_challenge"]
    );

    let account = &stub.seen_at("googleAds:searchStream")[0];
    assert_eq!(account.method, reqwest::Method::POST);
    assert_eq!(account.header("authorization"), Some("Bearer ya29.first-SECRET"));
    assert_eq!(account.header("developer-token"), Some("dev-token-1"));
    assert_eq!(account.header("login-customer-id"), Some("1112223333"));

    // 429 twice, then the answer: three requests, the batches joined.
    let (status, performance) = app.post_json(
        "/api/v1/connectors/google/tools/get_campaign_performance",
        json!({"connection_id": id, "params": {"start_date": "2026-11-01", "end_date": "2026-11-03", "campaign_id": "555"}}),
    )
    .await;
    assert_eq!(status, 200, "{performance}");
    assert_eq!(performance["results"].as_array().map(Vec::len), Some(3));
    assert_eq!(performance["results"][2]["metrics"]["costMicros"], "2500000");
    assert_eq!(performance_calls.load(Ordering::SeqCst), 3);
    let gaql = stub.seen_at("googleAds:searchStream")[1].json()["query"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        gaql.contains("segments.date BETWEEN '2026-11-01' AND '2026-11-03'"),
        "{gaql}"
    );
    assert!(gaql.contains("campaign.id = 555"), "{gaql}");
    assert!(
        gaql.contains("metrics.cost_micros") && gaql.starts_with("SELECT "),
        "{gaql}"
    );

    // 401: not retried; the connection now needs re-authorization and stops calling out.
    let before = stub.seen().len();
    let (status, refused) = app
        .post_json(
            "/api/v1/connectors/google/tools/list_campaigns",
            json!({"connection_id": id, "params": {}}),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "needs_reauth");
    assert_eq!(stub.seen().len(), before + 1);
    let (_, connection) = app.get_json(&format!("/api/v1/connections/{id}")).await;
    assert_eq!(connection["status"], "needs_reauth");
    let (status, _) = app
        .post_json(
            "/api/v1/connectors/google/tools/list_campaigns",
            json!({"connection_id": id, "params": {}}),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(stub.seen().len(), before + 1);

    // Authorizing again brings it back.
    let (again, _) = connect(
        &app,
        json!({"project_id": project, "platform": "google", "account_id": "1234567890", "login_customer_id": "1112223333"}),
    )
    .await;
    assert_eq!(again, id);
    let (_, connection) = app.get_json(&format!("/api/v1/connections/{id}")).await;
    assert_eq!(connection["status"], "active");
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_the_call() {
    let stub = Stub::start(google_platform(60, |_| {
        ok(json!([{"results": [{"campaign": {"resourceName": "customers/1234567890/campaigns/1", "id": "1", "name": "A",
            "status": "ENABLED"}}]}]))
    }))
    .await;
    let app = spawn_app_with(configure(&stub)).await;
    let project = app.new_project("Live Co", "EUR").await;
    let (id, _) = connect(
        &app,
        json!({"project_id": project, "platform": "google", "account_id": "1234567890"}),
    )
    .await;
    let pool = app.pool().await;
    let sealed_before: Vec<u8> =
        sqlx::query_scalar("SELECT ciphertext FROM connection_credentials WHERE connection_id = ?")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("row");

    let (status, listed) = app
        .post_json(
            "/api/v1/connectors/google/tools/list_campaigns",
            json!({"connection_id": id, "params": {"status": "ENABLED"}}),
        )
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["results"][0]["campaign"]["id"], "1");
    let refresh = stub.seen_at("/token");
    assert_eq!(refresh.len(), 2);
    let form = refresh[1].form();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "1//refresh-SECRET");
    assert_eq!(form["client_secret"], "google-secret");
    let list = stub.seen_at("googleAds:searchStream").pop().expect("list call");
    assert_eq!(list.header("authorization"), Some("Bearer ya29.second-SECRET"));
    assert!(
        list.json()["query"]
            .as_str()
            .is_some_and(|q| q.contains("campaign.status = 'ENABLED'"))
    );

    let (sealed_after, expires_at): (Vec<u8>, String) =
        sqlx::query_as("SELECT ciphertext, expires_at FROM connection_credentials WHERE connection_id = ?")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .expect("row");
    assert_ne!(sealed_after, sealed_before);
    let expires = chrono::DateTime::parse_from_rfc3339(&expires_at).expect("time");
    assert!(expires > chrono::Utc::now() + chrono::Duration::minutes(30));

    // A campaign is made with its budget in one mutate: the budget first, under a temporary id.
    let (status, created) = app
        .post_json(
            "/api/v1/connectors/google/tools/create_campaign",
            json!({"connection_id": id, "params": {"name": "Brand", "budget_micros": 25_000_000,
               "advertising_channel_type": "SEARCH", "start_date": "2026-12-01"}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["mutateOperationResponses"][1]["campaignResult"]["resourceName"],
        "customers/1234567890/campaigns/88"
    );
    let mutate = stub.seen_at("googleAds:mutate")[0].json();
    let ops = &mutate["mutateOperations"];
    let budget = &ops[0]["campaignBudgetOperation"]["create"];
    assert_eq!(budget["amountMicros"], "25000000");
    assert_eq!(budget["resourceName"], "customers/1234567890/campaignBudgets/-1");
    let campaign = &ops[1]["campaignOperation"]["create"];
    assert_eq!(
        campaign["campaignBudget"],
        "customers/1234567890/campaignBudgets/-1"
    );
    assert_eq!(campaign["status"], "PAUSED");
    assert_eq!(campaign["advertisingChannelType"], "SEARCH");
    assert_eq!(campaign["startDate"], "2026-12-01");
    assert!(campaign["manualCpc"].is_object());
    assert_eq!(
        stub.seen_at("googleAds:mutate")[0].header("developer-token"),
        Some("dev-token-1")
    );
}

#[tokio::test]
async fn connecting_without_an_oauth_app_or_with_bad_fields_is_refused_with_the_reason() {
    let app = spawn_app().await;
    let project = app.new_project("Live Co", "EUR").await;
    let (status, body) = app
        .post_json(
            "/api/v1/connections/authorize",
            json!({"project_id": project, "platform": "google", "account_id": "123-456-7890"}),
        )
        .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "oauth_not_configured");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("SWITCHBOARD_GOOGLE_CLIENT_ID"))
    );

    let (status, body) = app.post_json(
        "/api/v1/connections/authorize",
        json!({"project_id": project, "platform": "meta", "account_id": "my account", "api_base_url": "graph.local"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["account_id", "api_base_url"], "{body}");

    // The browser flow lands back on the Connections page with the reason.
    let r = app
        .get(&format!(
            "/oauth/google/start?project_id={project}&account_id=1234567890"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().expect("location");
    assert!(location.starts_with("/connections?error=") && location.contains("SWITCHBOARD_GOOGLE_CLIENT_ID"));
    let declined = app
        .get("/oauth/meta/callback?error=access_denied&error_description=Permissions+error")
        .await;
    let location = declined.headers()["location"].to_str().expect("location");
    assert!(
        location.contains("did+not+authorize") || location.contains("did%20not%20authorize"),
        "{location}"
    );
}
