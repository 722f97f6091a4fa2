//! Reads a legacy file's top-level JSON array one element at a time, so files of any size import in
//! constant memory.

use serde::de::{DeserializeSeed, Deserializer, Error as _, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::path::Path;

/// Why a file cannot be read as a legacy file: not JSON, or not a list of objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub position: String,
    pub reason: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.position, self.reason)
    }
}

/// Calls `each(index, element)` for every element of the file's top-level array. `each` returning
/// `Err` stops the reading with that message. Returns the number of elements.
pub fn for_each_record(
    path: &Path,
    mut each: impl FnMut(usize, Value) -> Result<(), String>,
) -> Result<usize, FileError> {
    let (file_name, bytes) = read_whole(path)?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    de.deserialize_seq(ArrayVisitor { each: &mut each })
        .and_then(|n| de.end().map(|()| n))
        .map_err(|e| at_position(file_name, &e))
}

/// The whole file in memory: parsing from a slice is several times faster than from a reader.
fn read_whole(path: &Path) -> Result<(String, Vec<u8>), FileError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match std::fs::read(path) {
        Ok(bytes) => Ok((file_name, bytes)),
        Err(e) => Err(FileError {
            file: file_name,
            position: "opening".to_owned(),
            reason: e.to_string(),
        }),
    }
}

fn at_position(file: String, e: &serde_json::Error) -> FileError {
    FileError {
        file,
        position: if e.line() == 0 {
            "whole file".to_owned()
        } else {
            format!("line {}, column {}", e.line(), e.column())
        },
        reason: strip_position(&e.to_string()),
    }
}

/// serde_json ends its messages with " at line L column C"; the position is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

struct ArrayVisitor<'a, F> {
    each: &'a mut F,
}

impl<'de, F: FnMut(usize, Value) -> Result<(), String>> Visitor<'de> for ArrayVisitor<'_, F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut index = 0;
        while let Some(value) = seq.next_element_seed(ObjectSeed)? {
            (self.each)(index, value).map_err(A::Error::custom)?;
            index += 1;
        }
        Ok(index)
    }
}

/// Checks that a file is a JSON array of objects without building the values (fast, no allocation).
pub fn check_records(path: &Path) -> Result<usize, FileError> {
    let (file_name, bytes) = read_whole(path)?;
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    de.deserialize_seq(CountVisitor)
        .and_then(|n| de.end().map(|()| n))
        .map_err(|e| at_position(file_name, &e))
}

struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while seq.next_element_seed(ObjectShape)?.is_some() {
            n += 1;
        }
        Ok(n)
    }
}

/// An element that must be an object; its contents are checked as the full read will see them
/// (syntax, and numbers in range), without being kept.
struct ObjectShape;

impl<'de> DeserializeSeed<'de> for ObjectShape {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(ObjectShape)
    }
}

impl<'de> Visitor<'de> for ObjectShape {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("every element to be a record (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
            map.next_value_seed(AnyValue)?;
        }
        Ok(())
    }
}

/// Any JSON value, walked so that the parser checks every number; nothing is kept.
struct AnyValue;

impl<'de> DeserializeSeed<'de> for AnyValue {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(AnyValue)
    }
}

impl<'de> Visitor<'de> for AnyValue {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(AnyValue)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
            map.next_value_seed(AnyValue)?;
        }
        Ok(())
    }
}

/// One element, which must be a JSON object.
struct ObjectSeed;

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let v = <Value as serde::Deserialize>::deserialize(d)?;
        if v.is_object() {
            Ok(v)
        } else {
            Err(D::Error::custom(format!(
                "expected every element to be a record (a JSON object), found {}",
                switchboard_core::legacy::fields::kind(&v)
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".json").tempfile().expect("tmp");
        f.write_all(text.as_bytes()).expect("write");
        f
    }

    #[test]
    fn reads_every_element() {
        let f = file_with(r#"[{"id": 1}, {"id": 2}]"#);
        let mut seen = Vec::new();
        let n = for_each_record(f.path(), |i, v| {
            seen.push((i, v["id"].clone()));
            Ok(())
        });
        assert_eq!(n, Ok(2));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn the_quick_check_agrees() {
        assert_eq!(
            check_records(file_with(r#"[{"a": [1, {"b": null}]}, {}]"#).path()),
            Ok(2)
        );
        for bad in [
            "[{\"id\": 1},\n {\"id\": ",
            r#"{"id": 1}"#,
            "[1, 2]",
            "[] x",
            "[{\"a\": tru}]",
            r#"[{"x": [1e400]}]"#,
            r#"[{"x": {"y": -1e999}}]"#,
        ] {
            assert!(check_records(file_with(bad).path()).is_err(), "{bad}");
        }
        let e = check_records(file_with("[1]").path()).expect_err("number");
        assert!(e.reason.contains("record"), "{e}");
    }

    #[test]
    fn reports_position_and_reason() {
        let f = file_with("[{\"id\": 1},\n {\"id\": ");
        let e = for_each_record(f.path(), |_, _| Ok(())).expect_err("truncated");
        assert_eq!(e.position, "line 2, column 8");
        assert!(e.reason.contains("EOF"), "{e}");
        let not_list = file_with(r#"{"id": 1}"#);
        let e = for_each_record(not_list.path(), |_, _| Ok(())).expect_err("object");
        assert!(e.reason.contains("array"), "{e}");
        let not_objects = file_with("[1, 2]");
        let e = for_each_record(not_objects.path(), |_, _| Ok(())).expect_err("numbers");
        assert!(e.reason.contains("record"), "{e}");
        let trailing = file_with("[] x");
        assert!(for_each_record(trailing.path(), |_, _| Ok(())).is_err());
    }
}
