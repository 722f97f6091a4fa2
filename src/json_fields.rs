//! Reading a JSON body's fields at the edge, each bad one named by its path
//! (`variants[1].object_id`), so a request's every problem is answered at once.

use crate::validation::{CONTROL_CHARACTERS, FieldErrors, has_control_characters};
use serde_json::Value;
use std::str::FromStr;

/// A string, trimmed; `None` when absent, null or blank.
pub fn text<'a>(v: Option<&'a Value>, path: &str, errors: &mut FieldErrors) -> Option<&'a str> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim()),
        Some(_) => {
            errors.add(path, "must be a string");
            None
        }
    }
}

/// A line of at most `max` characters without control characters.
pub fn line(v: Option<&Value>, path: &str, max: usize, errors: &mut FieldErrors) -> Option<String> {
    let s = text(v, path, errors)?;
    if s.chars().count() > max {
        errors.add(path, format!("must be at most {max} characters"));
        None
    } else if has_control_characters(s) {
        errors.add(path, CONTROL_CHARACTERS);
        None
    } else {
        Some(s.to_owned())
    }
}

/// A word of a vocabulary (`names` lists them for the message).
pub fn word<T: FromStr>(v: Option<&Value>, path: &str, names: &str, errors: &mut FieldErrors) -> Option<T> {
    let s = text(v, path, errors)?;
    match s.parse::<T>() {
        Ok(w) => Some(w),
        Err(_) => {
            errors.add(
                path,
                format!(
                    "'{}' is not one of: {names}",
                    s.chars().take(40).collect::<String>()
                ),
            );
            None
        }
    }
}

/// A finite number within `range` (inclusive ends as written in `rule`).
pub fn number(
    v: Option<&Value>,
    path: &str,
    ok: impl Fn(f64) -> bool,
    rule: &str,
    errors: &mut FieldErrors,
) -> Option<f64> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if x.is_finite() && ok(x) => Some(x),
            _ => {
                errors.add(path, rule);
                None
            }
        },
        Some(_) => {
            errors.add(path, rule);
            None
        }
    }
}

/// A whole number within `lo..=hi`.
pub fn whole(v: Option<&Value>, path: &str, lo: u64, hi: u64, errors: &mut FieldErrors) -> Option<u64> {
    let rule = format!("must be a whole number from {lo} to {hi}");
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 9e15)
                .map(|f| f as u64)
        }) {
            Some(x) if (lo..=hi).contains(&x) => Some(x),
            _ => {
                errors.add(path, rule);
                None
            }
        },
        Some(_) => {
            errors.add(path, rule);
            None
        }
    }
}

/// A true or false (a form's "on", "true", "1" too).
pub fn flag(v: Option<&Value>, path: &str, errors: &mut FieldErrors) -> Option<bool> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => match crate::validation::parse_flag(s) {
            Some(b) => Some(b),
            None => {
                errors.add(path, "must be true or false");
                None
            }
        },
        Some(_) => {
            errors.add(path, "must be true or false");
            None
        }
    }
}

/// Refuses the keys of `map` not in `known` (a misspelt field is not silently dropped).
pub fn known(map: &serde_json::Map<String, Value>, prefix: &str, known: &[&str], errors: &mut FieldErrors) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            errors.add(
                &path,
                format!("is not a known field (known: {})", known.join(", ")),
            );
        }
    }
}
