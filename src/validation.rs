//! Errors about the fields of a form or request, reported next to each field.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One message for one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every problem found in an input, so the user can fix them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// One field's error.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was added, else the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Names are one-line labels: a control character (NUL, a tab, a line break) is refused. SQLite's
/// `length()` also stops at a NUL, so such a name would fail the tables' non-empty checks.
pub const CONTROL_CHARACTERS: &str = "must not contain control characters (tabs, line breaks, …)";

/// A yes/no query parameter or checkbox: `true`, `1` or `on` (what a checked box sends), or
/// `false` or `0`; anything else is `None`.
pub fn parse_flag(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "1" | "on" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A required name: trimmed, 1 to `max` characters, without control characters.
pub fn required_name(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let name = value.trim();
    if name.is_empty() {
        errors.add(field, "is required");
    } else if name.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    } else if has_control_characters(name) {
        errors.add(field, CONTROL_CHARACTERS);
    }
    name.to_owned()
}

/// An optional id (trimmed; empty is `None`) parsed with `parse`; a bad one is noted on `field`.
pub fn optional_id<T, E: std::fmt::Display>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    parse(v).map_err(|e| errors.add(field, e.to_string())).ok()
}

/// Trims a text input; empty becomes `None`. Refuses more than `max` characters.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let t = value.map(str::trim).filter(|t| !t.is_empty())?;
    if t.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
        return None;
    }
    Some(t.to_owned())
}

/// For `Option<Option<T>>` fields of a PATCH body: tells a field sent as `null` (`Some(None)`) from
/// one left out (`None`, with `#[serde(default)]`).
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_control_characters() {
        for bad in ["\u{0}w", "a\tb", "line\nbreak", "bell\u{7}", "x\u{85}y"] {
            let mut e = FieldErrors::new();
            required_name(&mut e, "name", bad, 120);
            assert_eq!(e.get("name"), Some(CONTROL_CHARACTERS), "{bad:?}");
        }
        let mut e = FieldErrors::new();
        assert_eq!(
            required_name(&mut e, "name", "  Zürich launch ✓ ", 120),
            "Zürich launch ✓"
        );
        assert!(e.is_empty());
    }

    #[test]
    fn collects_and_finds_messages() {
        let mut e = FieldErrors::new();
        assert!(e.clone().into_result(1).is_ok());
        e.add("name", "is required");
        e.add("budget", "must be positive");
        assert_eq!(e.get("name"), Some("is required"));
        assert_eq!(e.get("currency"), None);
        assert_eq!(e.to_string(), "name: is required; budget: must be positive");
    }

    #[test]
    fn optional_text_trims_and_limits() {
        let mut e = FieldErrors::new();
        assert_eq!(optional_text(&mut e, "a", Some("  x "), 5), Some("x".to_owned()));
        assert_eq!(optional_text(&mut e, "a", Some("   "), 5), None);
        assert_eq!(optional_text(&mut e, "a", None, 5), None);
        assert!(e.is_empty());
        assert_eq!(optional_text(&mut e, "b", Some("toolong"), 5), None);
        assert_eq!(e.get("b"), Some("must be at most 5 characters"));
    }
}
