//! The JSON Schemas of tool parameters and results, and the validator that enforces them.
//!
//! Schemas are plain JSON Schema (2020-12) using this subset of keywords: `type` (one name or a
//! list), `properties`, `required`, `additionalProperties` (a boolean), `items`, `enum`, `const`,
//! `minimum`, `maximum`, `exclusiveMinimum`, `minLength`, `maxLength`, `minItems`, `maxItems`,
//! `format` and the annotations `title`, `description`, `default`, `examples`. Formats checked:
//! `date` (YYYY-MM-DD), `date-time` (RFC 3339), and two for platform-native numbers carried as
//! text: `int64` (Google's int64-as-string) and `decimal` (Meta's decimal strings).
//! [`check_schema`] refuses any other keyword, so a schema never promises more than is enforced.

use serde_json::{Map, Value};
use std::fmt;

/// Where a value breaks its schema (`params.daily_budget`, `params.ids[2]`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub path: String,
    pub reason: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for SchemaError {}

const KEYWORDS: [&str; 20] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "format",
    "title",
    "description",
    "default",
    "examples",
    "$schema",
];

const TYPES: [&str; 7] = [
    "object", "array", "string", "integer", "number", "boolean", "null",
];
const FORMATS: [&str; 4] = ["date", "date-time", "int64", "decimal"];

/// Checks that a schema uses only the keywords, types and formats the validator enforces.
pub fn check_schema(schema: &Value, path: &str) -> Result<(), SchemaError> {
    let fail = |reason: String| SchemaError {
        path: path.to_owned(),
        reason,
    };
    let obj = schema
        .as_object()
        .ok_or_else(|| fail("a schema must be an object".to_owned()))?;
    for key in obj.keys() {
        if !KEYWORDS.contains(&key.as_str()) {
            return Err(fail(format!("unsupported keyword '{key}'")));
        }
    }
    for t in types(obj) {
        if !TYPES.contains(&t) {
            return Err(fail(format!("unknown type '{t}'")));
        }
    }
    if let Some(f) = obj.get("format") {
        let f = f.as_str().unwrap_or_default();
        if !FORMATS.contains(&f) {
            return Err(fail(format!("unsupported format '{f}'")));
        }
    }
    if let Some(props) = obj.get("properties") {
        let props = props
            .as_object()
            .ok_or_else(|| fail("'properties' must be an object".to_owned()))?;
        for (name, sub) in props {
            check_schema(sub, &format!("{path}.{name}"))?;
        }
    }
    if let Some(required) = obj.get("required") {
        let names = required
            .as_array()
            .ok_or_else(|| fail("'required' must be a list".to_owned()))?;
        for name in names {
            let name = name.as_str().unwrap_or_default();
            let declared = obj
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| p.contains_key(name));
            if !declared {
                return Err(fail(format!("required property '{name}' is not declared")));
            }
        }
    }
    if let Some(items) = obj.get("items") {
        check_schema(items, &format!("{path}[]"))?;
    }
    if let Some(extra) = obj.get("additionalProperties")
        && !extra.is_boolean()
    {
        return Err(fail("'additionalProperties' must be true or false".to_owned()));
    }
    Ok(())
}

fn types(obj: &Map<String, Value>) -> Vec<&str> {
    match obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if is_integer(n) => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn is_integer(n: &serde_json::Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

fn has_type(v: &Value, t: &str) -> bool {
    match (t, v) {
        ("object", Value::Object(_))
        | ("array", Value::Array(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("null", Value::Null)
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => is_integer(n),
        _ => false,
    }
}

fn expected(ts: &[&str]) -> String {
    let words: Vec<&str> = ts
        .iter()
        .map(|t| match *t {
            "object" => "an object",
            "array" => "a list",
            "string" => "text",
            "integer" => "a whole number",
            "number" => "a number",
            "boolean" => "true or false",
            _ => "null",
        })
        .collect();
    words.join(" or ")
}

/// Validates `value` against `schema`; the error names the first field that does not match, with
/// `path` as the root (`params`, `result`).
pub fn validate(schema: &Value, value: &Value, path: &str) -> Result<(), SchemaError> {
    let Some(obj) = schema.as_object() else {
        return Ok(());
    };
    let fail = |reason: String| {
        Err(SchemaError {
            path: path.to_owned(),
            reason,
        })
    };
    let ts = types(obj);
    if !ts.is_empty() && !ts.iter().any(|t| has_type(value, t)) {
        return fail(format!("expected {}, found {}", expected(&ts), type_name(value)));
    }
    if let Some(allowed) = obj.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return fail(format!("must be one of {}", names.join(", ")));
    }
    if let Some(c) = obj.get("const")
        && c != value
    {
        return fail(format!("must be {c}"));
    }
    match value {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
                && x < min
            {
                return fail(format!("must be at least {}", number_text(min)));
            }
            if let Some(min) = obj.get("exclusiveMinimum").and_then(Value::as_f64)
                && x <= min
            {
                return fail(format!("must be more than {}", number_text(min)));
            }
            if let Some(max) = obj.get("maximum").and_then(Value::as_f64)
                && x > max
            {
                return fail(format!("must be at most {}", number_text(max)));
            }
        }
        Value::String(s) => {
            let chars = s.chars().count();
            if let Some(min) = obj.get("minLength").and_then(Value::as_u64)
                && (chars as u64) < min
            {
                return fail(if min == 1 {
                    "must not be empty".to_owned()
                } else {
                    format!("must be at least {min} characters")
                });
            }
            if let Some(max) = obj.get("maxLength").and_then(Value::as_u64)
                && chars as u64 > max
            {
                return fail(format!("must be at most {max} characters"));
            }
            if let Some(format) = obj.get("format").and_then(Value::as_str)
                && let Err(reason) = check_format(format, s)
            {
                return fail(reason.to_owned());
            }
        }
        Value::Array(items) => {
            if let Some(min) = obj.get("minItems").and_then(Value::as_u64)
                && (items.len() as u64) < min
            {
                return fail(format!("must hold at least {min} item(s)"));
            }
            if let Some(max) = obj.get("maxItems").and_then(Value::as_u64)
                && items.len() as u64 > max
            {
                return fail(format!("must hold at most {max} items"));
            }
            if let Some(item_schema) = obj.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate(item_schema, item, &format!("{path}[{i}]"))?;
                }
            }
        }
        Value::Object(fields) => {
            let props = obj.get("properties").and_then(Value::as_object);
            if let Some(required) = obj.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !fields.contains_key(name) {
                        return Err(SchemaError {
                            path: format!("{path}.{name}"),
                            reason: "is required".to_owned(),
                        });
                    }
                }
            }
            let closed = obj.get("additionalProperties") == Some(&Value::Bool(false));
            for (name, v) in fields {
                match props.and_then(|p| p.get(name)) {
                    Some(sub) => validate(sub, v, &format!("{path}.{name}"))?,
                    None if closed => {
                        let known: Vec<&str> = props
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        return Err(SchemaError {
                            path: format!("{path}.{name}"),
                            reason: if known.is_empty() {
                                "is not expected here".to_owned()
                            } else {
                                format!("is not a known field (expected one of: {})", known.join(", "))
                            },
                        });
                    }
                    None => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn check_format(format: &str, s: &str) -> Result<(), &'static str> {
    match format {
        "date" => crate::time::parse_date(s)
            .map(|_| ())
            .map_err(|_| "expected a date written YYYY-MM-DD"),
        "date-time" => crate::time::Timestamp::parse(s)
            .map(|_| ())
            .map_err(|_| "expected a date and time (RFC 3339)"),
        "int64" => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && s.parse::<i64>().is_ok() {
                Ok(())
            } else {
                Err("expected a whole number written as text")
            }
        }
        "decimal" => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
            let whole = whole.strip_prefix('-').unwrap_or(whole);
            let ok = !whole.is_empty()
                && !frac.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit());
            if ok {
                Ok(())
            } else {
                Err("expected a decimal number written as text")
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "daily_budget"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 10},
                "daily_budget": {"type": "integer", "minimum": 1},
                "status": {"type": "string", "enum": ["ACTIVE", "PAUSED"]},
                "start": {"type": "string", "format": "date"},
                "ids": {"type": "array", "maxItems": 2, "items": {"type": "string", "format": "int64"}},
                "spend": {"type": ["string", "null"], "format": "decimal"}
            }
        })
    }

    fn err(value: Value) -> String {
        validate(&schema(), &value, "params")
            .map(|()| "ok".to_owned())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn accepts_what_matches() {
        assert_eq!(check_schema(&schema(), "params"), Ok(()));
        let ok = json!({"name": "Brand", "daily_budget": 5000, "status": "PAUSED", "start": "2026-06-01",
                        "ids": ["123", "-4"], "spend": "12.50"});
        assert_eq!(err(ok), "ok");
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 2.0, "spend": null})),
            "ok"
        );
    }

    #[test]
    fn names_the_field_and_the_reason() {
        assert_eq!(err(json!({"daily_budget": 1})), "params.name: is required");
        assert_eq!(
            err(json!({"name": "", "daily_budget": 1})),
            "params.name: must not be empty"
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 0})),
            "params.daily_budget: must be at least 1"
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": "5"})),
            "params.daily_budget: expected a whole number, found text"
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 1.5})),
            "params.daily_budget: expected a whole number, found a number"
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 1, "status": "ON"})),
            "params.status: must be one of \"ACTIVE\", \"PAUSED\""
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 1, "start": "2026-02-30"})),
            "params.start: expected a date written YYYY-MM-DD"
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 1, "ids": ["1", "x"]})),
            "params.ids[1]: expected a whole number written as text"
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 1, "ids": ["1", "2", "3"]})),
            "params.ids: must hold at most 2 items"
        );
        assert_eq!(
            err(json!({"name": "x", "daily_budget": 1, "spend": "1e5"})),
            "params.spend: expected a decimal number written as text"
        );
        assert!(
            err(json!({"name": "x", "daily_budget": 1, "budget": 3}))
                .starts_with("params.budget: is not a known field (expected one of: ")
        );
        assert_eq!(err(json!([1])), "params: expected an object, found a list");
        assert_eq!(
            err(json!({"name": "abcdefghijk", "daily_budget": 1})),
            "params.name: must be at most 10 characters"
        );
    }

    #[test]
    fn refuses_schemas_it_cannot_enforce() {
        for bad in [
            json!({"type": "string", "pattern": "^a"}),
            json!({"type": "strnig"}),
            json!({"type": "string", "format": "email"}),
            json!({"type": "object", "required": ["a"], "properties": {}}),
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            json!({"type": "object", "properties": {"a": {"oneOf": []}}}),
        ] {
            assert!(check_schema(&bad, "s").is_err(), "{bad}");
        }
    }
}
