//! Switchboard's own OpenAPI document (`/api/openapi.json`) and the Swagger UI page (`/api/docs`).
//! Schemathesis checks the answers against the document on a running server (`make test-api`);
//! these tests check the document's shape and that it and the routes agree.

use crate::helpers::{anonymous, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::collections::HashSet;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &crate::helpers::TestApp) -> Value {
    let (status, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, 200, "{doc}");
    doc
}

#[tokio::test]
async fn the_document_needs_credentials_like_the_api() {
    let app = spawn_app().await;
    let r = anonymous()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers().get("www-authenticate").and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_both_ways_to_authenticate() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Switchboard API");
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["api_key"]["type"], "http");
    assert_eq!(schemes["api_key"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "sb_session");
    assert_eq!(doc["security"], json!([{"api_key": []}, {"session": []}]));
    // Inbound webhooks authenticate with a signature or, optionally, a key.
    assert_eq!(
        doc["paths"]["/api/v1/hooks/{id}"]["post"]["security"],
        json!([{}, {"api_key": []}])
    );
}

#[tokio::test]
async fn every_operation_is_described_and_every_reference_resolves() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 45, "{} paths", paths.len());
    let mut ids = HashSet::new();
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(ids.insert(id.to_owned()), "operationId {id} twice");
            assert!(op["tags"][0].is_string(), "{method} {path} has no tag");
            assert!(op["summary"].is_string(), "{method} {path} has no summary");
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path}: no success answer"
            );
            for status in ["400", "429", "500"] {
                assert!(responses.contains_key(status), "{method} {path}: no {status}");
            }
            for (status, r) in responses {
                assert!(
                    !r["description"].as_str().unwrap_or_default().is_empty(),
                    "{method} {path} {status}: no description"
                );
            }
            // Path parameters are declared.
            for segment in path.split('/').filter(|s| s.starts_with('{')) {
                let name = segment.trim_matches(|c| c == '{' || c == '}');
                let declared = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path"));
                assert!(declared, "{method} {path}: {name} is not declared");
            }
        }
    }
    // Every $ref points at a component that exists.
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 100);
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(schemas.contains_key(name), "$ref {r} does not resolve");
    }
    // Enumerations use the wire's spelling.
    assert_eq!(
        schemas["ExecutionStatus"]["enum"],
        json!([
            "pending",
            "running",
            "awaiting_approval",
            "completed",
            "failed",
            "cancelled"
        ])
    );
    assert_eq!(
        schemas["Platform"]["enum"],
        json!(["google", "meta", "pinterest"])
    );
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Every documented operation is routed: none answers 405, or the API's "no such route".
#[tokio::test]
async fn every_documented_operation_has_a_route() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path
            .replace("{platform}", "google")
            .replace("{tool}", "no_such_tool")
            .replace("{token}", "no-such-report")
            .replace("{id}", "x_none");
        for method in METHODS {
            if item.get(method).is_none() {
                continue;
            }
            let request = app
                .client
                .request(method.to_uppercase().parse().expect("method"), app.url(&concrete));
            let request = match method {
                "post" | "put" | "patch" => request.json(&json!({})),
                _ => request,
            };
            // The headers are enough (the global event stream never ends).
            let r = request.send().await.expect("request");
            let status = r.status().as_u16();
            assert_ne!(status, 405, "{method} {path}");
            if status == 404 {
                let body: Value = r.json().await.unwrap_or(Value::Null);
                assert_ne!(
                    body["error"]["message"], "no such API route",
                    "{method} {path} is documented but not routed"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked} operations");
}

#[tokio::test]
async fn the_docs_page_serves_swagger_ui_from_this_server() {
    let app = spawn_app_with(|c| c.access.owner_password = Some(crate::access::PASSWORD.to_owned())).await;
    let r = anonymous()
        .get(app.url("/api/docs"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 303, "a page: without a session, the login page");
    let to = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(to.starts_with("/login?next="), "{to}");

    let session = crate::access::login(&app).await;
    let r = anonymous()
        .get(app.url("/api/docs"))
        .header("cookie", session)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"src="/vendor/swagger-ui/swagger-ui-bundle.js""#));
    assert!(html.contains(r#"href="/vendor/swagger-ui/swagger-ui.css""#));
    assert!(html.contains(r#"url: "/api/openapi.json""#));
    assert!(html.contains("validatorUrl: null"), "no third-party validator");
    assert!(!html.contains("https://"), "nothing from elsewhere");
}

#[tokio::test]
async fn typed_query_parameters_refuse_empty_values_and_out_of_range_limits() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/analytics/summary?to=").await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("'to'"),
        "{body}"
    );
    let (status, body) = app.get_json("/api/v1/campaigns?platform=").await;
    assert_eq!(status, 400, "{body}");
    // Empty text is a valid search: no filter.
    let (status, body) = app.get_json("/api/v1/projects?q=").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.get_json("/api/v1/executions?limit=5000").await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app.get_json("/api/v1/executions?limit=1000").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .get_json("/api/v1/analytics/benchmarks?min_impressions=9223372036854775808")
        .await;
    assert_eq!(status, 400, "{body}");
}

/// Every body is a JSON object: serde would read an array as a struct's fields in order.
#[tokio::test]
async fn bodies_must_be_json_objects() {
    let app = spawn_app().await;
    for (path, body) in [
        ("/api/v1/projects", json!(["Alpine", null, null])),
        ("/api/v1/api-keys", json!(["a key"])),
        ("/api/v1/notification-channels", json!([])),
    ] {
        let (status, answer) = app.post_json(path, body).await;
        assert_eq!(status, 400, "{path}: {answer}");
        assert_eq!(
            answer["error"]["message"], "the request body must be a JSON object",
            "{path}"
        );
    }
    let (status, channel) = app
        .post_json(
            "/api/v1/notification-channels",
            json!({"name": "Ops", "kind": "email", "to": ["ops@example.com"]}),
        )
        .await;
    assert_eq!(status, 201, "{channel}");
    let preview = format!(
        "/api/v1/notification-channels/{}/preview",
        channel["id"].as_str().unwrap_or_default()
    );
    let (status, answer) = app.post_json(&preview, json!([])).await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = app.post_json(&preview, json!({})).await;
    assert_eq!(status, 200, "{answer}");
}

/// A name with a control character is a 422 naming the field (a NUL once reached the database's
/// checks, which stop counting at it, and answered 500; schemathesis found it).
#[tokio::test]
async fn names_with_control_characters_are_refused() {
    let app = spawn_app().await;
    for (path, body) in [
        ("/api/v1/projects", json!({"name": "\u{0}w"})),
        ("/api/v1/api-keys", json!({"name": "\u{0}w"})),
        (
            "/api/v1/notification-channels",
            json!({"name": "\u{0}w", "kind": "email", "to": ["ops@example.com"]}),
        ),
        (
            "/api/v1/webhooks",
            json!({"name": "\u{0}w", "workflow_id": "wf_none"}),
        ),
        (
            "/api/v1/workflows",
            json!({"name": "a\nb", "stages": [{"agent": "Analyst", "action": "report"}]}),
        ),
    ] {
        let (status, answer) = app.post_json(path, body).await;
        assert_eq!(status, 422, "{path}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("name") && message.contains("control characters"),
            "{path}: {answer}"
        );
    }
}
