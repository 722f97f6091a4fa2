//! Reading and writing one legacy record's fields without losing anything.
//!
//! Each known field is parsed into its domain value. When the text a file held differs from the
//! canonical way of writing that value (a number written as a string, a timestamp without
//! milliseconds), the original is kept under `$legacy`; a field the record did not have is listed
//! under `$absent`; a reference to a record that no longer exists is kept under `$dangling`; where a
//! missing, null or unusable value was replaced by a default, the default is noted under `$defaulted`.
//! Fields Switchboard does not model stay as they are (their names escaped when they start with `$`).
//! Writing back uses the original form only while it still means the current value, so edits made in
//! Switchboard always win.

use serde_json::{Map, Value};
use std::borrow::Cow;

pub const LEGACY: &str = "$legacy";
pub const ABSENT: &str = "$absent";
pub const DANGLING: &str = "$dangling";
pub const DEFAULTED: &str = "$defaulted";

/// Notes start with one `$`; a record's own field starting with `$` is stored with one more.
fn is_note(key: &str) -> bool {
    key.starts_with('$') && !key.starts_with("$$")
}

/// Parses one field's JSON into a value, or says why it cannot.
pub type Parse<T> = fn(&Value) -> Result<T, String>;
/// Writes a value the canonical way.
pub type Render<T> = fn(&T) -> Value;

/// A field problem that refuses the whole record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "field '{}': {}", self.field, self.reason)
    }
}

pub struct Reader<'a> {
    obj: &'a Map<String, Value>,
    known: Vec<&'static str>,
    legacy: Map<String, Value>,
    absent: Vec<Value>,
    dangling: Map<String, Value>,
    defaulted: Map<String, Value>,
    pub warnings: Vec<String>,
}

impl<'a> Reader<'a> {
    pub fn new(obj: &'a Map<String, Value>) -> Self {
        Reader {
            obj,
            known: Vec::new(),
            legacy: Map::new(),
            absent: Vec::new(),
            dangling: Map::new(),
            defaulted: Map::new(),
            warnings: Vec::new(),
        }
    }

    /// An optional field with a default used when it is missing, null or unusable.
    pub fn optional_or<T>(&mut self, key: &'static str, parse: Parse<T>, render: Render<T>, default: T) -> T {
        match self.optional(key, parse, render) {
            Some(v) => v,
            None => {
                self.defaulted.insert(key.to_owned(), render(&default));
                default
            }
        }
    }

    /// An optional JSON field with a default used when it is missing or null.
    pub fn optional_json_or(&mut self, key: &'static str, default: Value) -> Cow<'a, Value> {
        match self.optional_json(key) {
            Some(v) => Cow::Borrowed(v),
            None => {
                self.defaulted.insert(key.to_owned(), default.clone());
                Cow::Owned(default)
            }
        }
    }

    fn note_form(&mut self, key: &'static str, original: &Value, canonical: Value) {
        if *original != canonical {
            self.legacy.insert(key.to_owned(), original.clone());
        }
    }

    /// A field the record must have, with a usable value.
    pub fn required<T>(
        &mut self,
        key: &'static str,
        parse: Parse<T>,
        render: Render<T>,
    ) -> Result<T, FieldProblem> {
        self.known.push(key);
        let problem = |reason: String| FieldProblem {
            field: key.to_owned(),
            reason,
        };
        match self.obj.get(key) {
            None => Err(problem("is missing".to_owned())),
            Some(Value::Null) => Err(problem("is null".to_owned())),
            Some(v) => {
                let value = parse(v).map_err(problem)?;
                self.note_form(key, v, render(&value));
                Ok(value)
            }
        }
    }

    /// A field that may be missing or null. A value that cannot be used is kept as it was, with a
    /// warning, and reads as `None`.
    pub fn optional<T>(&mut self, key: &'static str, parse: Parse<T>, render: Render<T>) -> Option<T> {
        self.known.push(key);
        match self.obj.get(key) {
            None => {
                self.absent.push(Value::String(key.to_owned()));
                None
            }
            Some(Value::Null) => None,
            Some(v) => match parse(v) {
                Ok(value) => {
                    self.note_form(key, v, render(&value));
                    Some(value)
                }
                Err(reason) => {
                    self.warnings
                        .push(format!("field '{key}' kept as it was but not used: {reason}"));
                    self.legacy.insert(key.to_owned(), v.clone());
                    None
                }
            },
        }
    }

    /// A JSON field kept as it is (it has no other form), never re-rendered.
    pub fn required_json(&mut self, key: &'static str) -> Result<&'a Value, FieldProblem> {
        self.known.push(key);
        match self.obj.get(key) {
            None => Err(FieldProblem {
                field: key.to_owned(),
                reason: "is missing".to_owned(),
            }),
            Some(Value::Null) => Err(FieldProblem {
                field: key.to_owned(),
                reason: "is null".to_owned(),
            }),
            Some(v) => Ok(v),
        }
    }

    /// An optional JSON field kept as it is.
    pub fn optional_json(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        match self.obj.get(key) {
            None => {
                self.absent.push(Value::String(key.to_owned()));
                None
            }
            Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// A reference to another record, resolved by `exists`. A reference to a record that does not
    /// exist reads as `None`, with a warning, and is kept for export.
    pub fn reference(&mut self, key: &'static str, exists: impl Fn(&str) -> bool) -> Option<String> {
        let id = self.optional(key, parse_string, render_string)?;
        if exists(&id) {
            Some(id)
        } else {
            self.warnings.push(format!(
                "'{key}' refers to '{id}', which does not exist; the link is kept but not followed"
            ));
            self.dangling.insert(key.to_owned(), Value::String(id));
            None
        }
    }

    /// Everything the record held that is not a known field, plus the notes above.
    pub fn finish(self) -> Map<String, Value> {
        let mut extra: Map<String, Value> = self
            .obj
            .iter()
            .filter(|(k, _)| !self.known.contains(&k.as_str()))
            .map(|(k, v)| {
                let key = if k.starts_with('$') {
                    format!("${k}")
                } else {
                    k.clone()
                };
                (key, v.clone())
            })
            .collect();
        if !self.legacy.is_empty() {
            extra.insert(LEGACY.to_owned(), Value::Object(self.legacy));
        }
        if !self.absent.is_empty() {
            extra.insert(ABSENT.to_owned(), Value::Array(self.absent));
        }
        if !self.dangling.is_empty() {
            extra.insert(DANGLING.to_owned(), Value::Object(self.dangling));
        }
        if !self.defaulted.is_empty() {
            extra.insert(DEFAULTED.to_owned(), Value::Object(self.defaulted));
        }
        extra
    }
}

pub struct Writer<'a> {
    extra: &'a Map<String, Value>,
    out: Map<String, Value>,
}

impl<'a> Writer<'a> {
    pub fn new(extra: &'a Map<String, Value>) -> Self {
        Writer {
            extra,
            out: Map::new(),
        }
    }

    fn original(&self, key: &str) -> Option<&'a Value> {
        self.extra.get(LEGACY).and_then(|l| l.get(key))
    }

    fn was_absent(&self, key: &str) -> bool {
        self.extra
            .get(ABSENT)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|k| k.as_str() == Some(key)))
    }

    pub fn put<T: PartialEq>(&mut self, key: &str, value: &T, parse: Parse<T>, render: Render<T>) {
        let out = match self.original(key) {
            Some(orig) if parse(orig).as_ref() == Ok(value) => orig.clone(),
            _ => render(value),
        };
        self.out.insert(key.to_owned(), out);
    }

    /// A field that may hold a default the reader put in: while the value is still that default, the
    /// record is written as it was (the field missing, null, or its unusable original).
    pub fn put_defaulted<T: PartialEq>(&mut self, key: &str, value: &T, parse: Parse<T>, render: Render<T>) {
        let rendered = render(value);
        let still_default = self.extra.get(DEFAULTED).and_then(|d| d.get(key)) == Some(&rendered);
        if !still_default {
            self.put(key, value, parse, render);
        } else if let Some(orig) = self.original(key) {
            self.out.insert(key.to_owned(), orig.clone());
        } else if !self.was_absent(key) {
            self.out.insert(key.to_owned(), Value::Null);
        }
    }

    pub fn put_opt<T: PartialEq>(
        &mut self,
        key: &str,
        value: Option<&T>,
        parse: Parse<T>,
        render: Render<T>,
    ) {
        match value {
            Some(v) => self.put(key, v, parse, render),
            None => {
                if let Some(orig) = self.original(key).filter(|o| parse(o).is_err()) {
                    self.out.insert(key.to_owned(), orig.clone());
                } else if let Some(d) = self.extra.get(DANGLING).and_then(|d| d.get(key)) {
                    self.out.insert(key.to_owned(), d.clone());
                } else if !self.was_absent(key) {
                    self.out.insert(key.to_owned(), Value::Null);
                }
            }
        }
    }

    pub fn finish(mut self) -> Value {
        for (k, v) in self.extra {
            if is_note(k) {
                continue;
            }
            let key = k.strip_prefix('$').filter(|_| k.starts_with("$$")).unwrap_or(k);
            if !self.out.contains_key(key) {
                self.out.insert(key.to_owned(), v.clone());
            }
        }
        Value::Object(self.out)
    }
}

// Field codecs shared by the record kinds.

pub fn parse_string(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(format!("expected text, found {}", kind(v))),
    }
}

#[allow(clippy::ptr_arg, reason = "a Render<String> takes &String")]
pub fn render_string(s: &String) -> Value {
    Value::String(s.clone())
}

pub fn parse_nonempty(v: &Value) -> Result<String, String> {
    let s = parse_string(v)?;
    if s.trim().is_empty() {
        Err("is empty".to_owned())
    } else {
        Ok(s)
    }
}

pub fn parse_json(v: &Value) -> Result<Value, String> {
    Ok(v.clone())
}

pub fn render_json(v: &Value) -> Value {
    v.clone()
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_int(v: &Value) -> Result<i64, String> {
        match v {
            Value::Number(n) => n.as_i64().ok_or_else(|| "not whole".to_owned()),
            Value::String(s) => s.parse().map_err(|_| "not a number".to_owned()),
            _ => Err("not a number".to_owned()),
        }
    }
    fn render_int(n: &i64) -> Value {
        json!(n)
    }

    #[test]
    fn round_trips_forms_absence_and_unknown_fields() {
        let rec = json!({"a": "12", "b": 3, "keep": {"x": [1, 2]}, "c": null});
        let obj = rec.as_object().cloned().unwrap_or_default();
        let mut r = Reader::new(&obj);
        let a = r.required("a", parse_int, render_int);
        let b = r.optional("b", parse_int, render_int);
        let c = r.optional("c", parse_int, render_int);
        let d = r.optional("d", parse_int, render_int);
        let extra = r.finish();
        assert_eq!((a, b, c, d), (Ok(12), Some(3), None, None));
        assert_eq!(extra.get(LEGACY), Some(&json!({"a": "12"})));
        assert_eq!(extra.get(ABSENT), Some(&json!(["d"])));

        let mut w = Writer::new(&extra);
        w.put("a", &12, parse_int, render_int);
        w.put_opt("b", Some(&3), parse_int, render_int);
        w.put_opt::<i64>("c", None, parse_int, render_int);
        w.put_opt::<i64>("d", None, parse_int, render_int);
        assert_eq!(w.finish(), rec);
    }

    #[test]
    fn edits_win_over_the_original_form() {
        let obj = json!({"a": "12"}).as_object().cloned().unwrap_or_default();
        let mut r = Reader::new(&obj);
        assert_eq!(r.required("a", parse_int, render_int), Ok(12));
        let extra = r.finish();
        let mut w = Writer::new(&extra);
        w.put("a", &13, parse_int, render_int);
        assert_eq!(w.finish(), json!({"a": 13}));
    }

    #[test]
    fn unusable_optional_values_and_dangling_links_are_kept() {
        let obj = json!({"n": [1], "ref": "wf_gone"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut r = Reader::new(&obj);
        assert_eq!(r.optional("n", parse_int, render_int), None);
        assert_eq!(r.reference("ref", |_| false), None);
        assert_eq!(r.warnings.len(), 2);
        let extra = r.finish();
        let mut w = Writer::new(&extra);
        w.put_opt::<i64>("n", None, parse_int, render_int);
        w.put_opt::<String>("ref", None, parse_string, render_string);
        assert_eq!(w.finish(), json!({"n": [1], "ref": "wf_gone"}));
    }

    #[test]
    fn defaults_write_back_as_the_record_had_them() {
        let obj = json!({"b": null, "c": "x", "$own": 1})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut r = Reader::new(&obj);
        assert_eq!(r.optional_or("a", parse_int, render_int, 7), 7);
        assert_eq!(r.optional_or("b", parse_int, render_int, 7), 7);
        assert_eq!(r.optional_or("c", parse_int, render_int, 7), 7);
        let extra = r.finish();
        let mut w = Writer::new(&extra);
        for k in ["a", "b", "c"] {
            w.put_defaulted(k, &7, parse_int, render_int);
        }
        assert_eq!(w.finish(), json!({"b": null, "c": "x", "$own": 1}));
        // A value changed since is written.
        let mut w = Writer::new(&extra);
        w.put_defaulted("a", &8, parse_int, render_int);
        w.put_defaulted("b", &7, parse_int, render_int);
        w.put_defaulted("c", &9, parse_int, render_int);
        assert_eq!(w.finish(), json!({"a": 8, "b": null, "c": 9, "$own": 1}));
    }

    #[test]
    fn missing_required_fields_are_problems() {
        let obj = json!({"a": null}).as_object().cloned().unwrap_or_default();
        let mut r = Reader::new(&obj);
        assert!(r.required("a", parse_int, render_int).is_err());
        assert_eq!(
            r.required("z", parse_int, render_int).map_err(|p| p.to_string()),
            Err("field 'z': is missing".to_owned())
        );
    }
}
