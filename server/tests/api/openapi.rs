//! Pinterest's official OpenAPI document (v5.23.0, MIT; `tests/fixtures/pinterest/`) as a validator:
//! an operation's response or request body checked by the `jsonschema` crate against the schema the
//! document gives it. OpenAPI 3.0 schemas are JSON Schema draft 4 plus `nullable`, which becomes a
//! `null` alternative here; `$ref`s resolve inside the document.

use serde_json::{Map, Value, json};
use std::sync::OnceLock;

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/pinterest/openapi-v5.json"
        );
        let text = std::fs::read_to_string(path).expect("the Pinterest OpenAPI document");
        serde_json::from_str(&text).expect("valid JSON")
    })
}

/// `nullable: true` → `null` allowed, everywhere in a schema.
fn convert(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), convert(v))).collect();
            if out.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::Array(list)) = out.get_mut("enum")
                    && !list.contains(&Value::Null)
                {
                    list.push(Value::Null);
                }
                match out.get("type").cloned() {
                    Some(Value::String(t)) => {
                        out.insert("type".into(), json!([t, "null"]));
                    }
                    Some(_) => {}
                    None => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        other => other.clone(),
    }
}

fn components() -> &'static Value {
    static COMPONENTS: OnceLock<Value> = OnceLock::new();
    COMPONENTS.get_or_init(|| convert(&document()["components"]))
}

fn operation(method: &str, path: &str) -> &'static Value {
    let op = &document()["paths"][path][method];
    assert!(op.is_object(), "the document has no {method} {path}");
    op
}

fn check(schema: &Value, value: &Value, what: &str) -> Result<(), String> {
    let mut root = convert(schema);
    if let Value::Object(map) = &mut root {
        map.insert("components".into(), components().clone());
    }
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("{what}: the schema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}: {}", errors.join("; ")))
    }
}

/// Checks an answer against the operation's 200 (or 201) JSON schema.
pub fn check_response(method: &str, path: &str, value: &Value) -> Result<(), String> {
    let responses = &operation(method, path)["responses"];
    let schema = ["200", "201"]
        .iter()
        .find_map(|code| responses[*code]["content"]["application/json"]["schema"].as_object())
        .unwrap_or_else(|| panic!("{method} {path} documents no JSON answer"));
    check(
        &Value::Object(schema.clone()),
        value,
        &format!("{method} {path} answer"),
    )
}

/// Checks a request body against the operation's JSON request schema.
pub fn check_request(method: &str, path: &str, body: &Value) -> Result<(), String> {
    let schema = &operation(method, path)["requestBody"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{method} {path} takes no JSON body");
    check(schema, body, &format!("{method} {path} request"))
}

#[test]
fn the_validator_refuses_what_the_document_refuses() {
    let good = json!({"items": [], "bookmark": null});
    assert_eq!(
        check_response("get", "/ad_accounts/{ad_account_id}/campaigns", &good),
        Ok(())
    );
    let bad = json!({"items": [{"id": "not digits", "objective_type": "SALES"}]});
    let error = check_response("get", "/ad_accounts/{ad_account_id}/campaigns", &bad).expect_err("refused");
    assert!(error.contains("/items/0"), "{error}");
    let body = json!([{"name": "x"}]);
    assert!(check_request("post", "/ad_accounts/{ad_account_id}/campaigns", &body).is_err());
}
