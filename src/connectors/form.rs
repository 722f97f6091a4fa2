//! Tool parameters from an HTML form: every value arrives as text, and the tool's schema says what
//! it should be. Blank fields are left out (the schema's defaults apply); an array of choices arrives
//! as one checkbox per choice, named `field.CHOICE`. The result still goes through the validator.

use super::schema::SchemaError;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

fn fail(field: &str, reason: impl Into<String>) -> SchemaError {
    SchemaError {
        path: format!("params.{field}"),
        reason: reason.into(),
    }
}

/// The kind of input a property gets in a generated form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One of a fixed list.
    Choice(Vec<String>),
    /// Any number of a fixed list (checkboxes).
    Choices(Vec<String>),
    Text,
    Date,
    Integer,
    Number,
    Boolean,
    /// Anything else, typed as JSON.
    Json,
}

fn strings(list: Option<&Value>) -> Option<Vec<String>> {
    Some(
        list?
            .as_array()?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    )
}

/// The input for one property schema.
pub fn input_for(schema: &Value) -> Input {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match (
            strings(schema.get("enum")),
            schema.get("format").and_then(Value::as_str),
        ) {
            (Some(choices), _) => Input::Choice(choices),
            (None, Some("date")) => Input::Date,
            _ => Input::Text,
        },
        Some("integer") => Input::Integer,
        Some("number") => Input::Number,
        Some("boolean") => Input::Boolean,
        Some("array") => match strings(schema.get("items").and_then(|i| i.get("enum"))) {
            Some(choices) => Input::Choices(choices),
            None => Input::Json,
        },
        _ => Input::Json,
    }
}

/// The properties of an object schema, required ones first.
pub fn properties(schema: &Value) -> Vec<(&str, &Value, bool)> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut props: Vec<(&str, &Value, bool)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .map(|(k, v)| (k.as_str(), v, required.contains(&k.as_str())))
                .collect()
        })
        .unwrap_or_default();
    props.sort_by_key(|(_, _, required)| !required);
    props
}

/// Parameters from form fields, typed by the tool's parameter schema.
pub fn params_from_form(schema: &Value, fields: &HashMap<String, String>) -> Result<Value, SchemaError> {
    let mut out = Map::new();
    let mut ticked: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (key, value) in fields {
        if let Some((field, choice)) = key.split_once('.')
            && value != "false"
        {
            ticked.entry(field).or_default().push(choice.to_owned());
        }
    }
    for (name, prop, _) in properties(schema) {
        let text = fields.get(name).map(|t| t.trim()).filter(|t| !t.is_empty());
        let value = match input_for(prop) {
            Input::Choices(choices) => {
                let Some(mut picked) = ticked.remove(name) else {
                    continue;
                };
                // In the order the schema lists them.
                picked.sort_by_key(|p| choices.iter().position(|c| c == p));
                Value::Array(picked.into_iter().map(Value::String).collect())
            }
            Input::Boolean => match text {
                None => continue,
                Some("on" | "true" | "yes" | "1") => Value::Bool(true),
                Some("false" | "no" | "0") => Value::Bool(false),
                Some(_) => return Err(fail(name, "must be true or false")),
            },
            input => {
                let Some(text) = text else { continue };
                match input {
                    Input::Integer => Value::from(
                        text.parse::<i64>()
                            .map_err(|_| fail(name, format!("'{text}' is not a whole number")))?,
                    ),
                    Input::Number => {
                        let n: f64 = text
                            .parse()
                            .map_err(|_| fail(name, format!("'{text}' is not a number")))?;
                        serde_json::Number::from_f64(n)
                            .map(Value::Number)
                            .ok_or_else(|| fail(name, "must be a finite number"))?
                    }
                    Input::Json => serde_json::from_str(text)
                        .map_err(|e| fail(name, format!("is not valid JSON: {e}")))?,
                    _ => Value::String(text.to_owned()),
                }
            }
        };
        out.insert(name.to_owned(), value);
    }
    if let Some(field) = ticked.keys().next() {
        return Err(fail(field, "is not a parameter of this tool"));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object", "additionalProperties": false, "required": ["since"],
            "properties": {
                "effective_status": {"type": "array", "items": {"type": "string", "enum": ["ACTIVE", "PAUSED", "DELETED"]}},
                "limit": {"type": "integer"},
                "since": {"type": "string", "format": "date"},
                "all_pages": {"type": "boolean"},
                "ratio": {"type": "number"},
                "status": {"type": "string", "enum": ["ENABLED", "PAUSED"]},
                "filter": {"type": "object"}
            }
        })
    }

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn form_text_becomes_typed_parameters_and_blanks_are_left_out() {
        let got = params_from_form(
            &schema(),
            &fields(&[
                ("effective_status.PAUSED", "on"),
                ("effective_status.ACTIVE", "on"),
                ("limit", " 50 "),
                ("since", "2026-11-01"),
                ("all_pages", "on"),
                ("ratio", ""),
                ("status", ""),
                ("filter", r#"{"a": 1}"#),
            ]),
        )
        .expect("params");
        assert_eq!(
            got,
            json!({"effective_status": ["ACTIVE", "PAUSED"], "limit": 50, "since": "2026-11-01",
                   "all_pages": true, "filter": {"a": 1}})
        );
    }

    #[test]
    fn bad_text_names_the_field() {
        let e = params_from_form(&schema(), &fields(&[("limit", "ten")])).expect_err("limit");
        assert_eq!(e.path, "params.limit");
        let e = params_from_form(&schema(), &fields(&[("filter", "{")])).expect_err("json");
        assert_eq!(e.path, "params.filter");
        let e = params_from_form(&schema(), &fields(&[("colour.RED", "on")])).expect_err("unknown");
        assert_eq!(e.path, "params.colour");
    }

    #[test]
    fn inputs_follow_the_schema_and_required_fields_come_first() {
        let s = schema();
        let props = properties(&s);
        assert_eq!(props[0].0, "since");
        assert!(props[0].2);
        assert_eq!(input_for(&s["properties"]["since"]), Input::Date);
        assert_eq!(
            input_for(&s["properties"]["status"]),
            Input::Choice(vec!["ENABLED".into(), "PAUSED".into()])
        );
        assert!(matches!(
            input_for(&s["properties"]["effective_status"]),
            Input::Choices(_)
        ));
        assert_eq!(input_for(&s["properties"]["filter"]), Input::Json);
    }
}
