//! Reads a legacy file's top-level JSON array one element at a time, so files of any size import in
//! constant memory.

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::ops::Range;
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

/// One element of a file's top-level array: its index, its value, and where its text lies in the
/// file (so that it can be compared or read again without keeping the value).
pub struct Element {
    pub index: usize,
    pub value: Value,
    pub text: Range<usize>,
}

/// The file's bytes as text, or where they stop being UTF-8. Checked once for the whole file, the
/// parser then need not check every string it reads (a tenth of the parsing time).
pub fn as_text<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, FileError> {
    std::str::from_utf8(bytes).map_err(|e| FileError {
        file: file.to_owned(),
        position: position_at(bytes, e.valid_up_to()),
        reason: "invalid UTF-8: the file must be UTF-8 text".to_owned(),
    })
}

/// Calls `each` for every element of the array in `text` (the whole of `file`). `each` returning
/// `Err` stops the reading with that message. Returns the number of elements.
pub fn each_element(
    file: &str,
    text: &str,
    mut each: impl FnMut(Element) -> Result<(), String>,
) -> Result<usize, FileError> {
    let bytes = text.as_bytes();
    let fail = |at: usize, reason: &str| FileError {
        file: file.to_owned(),
        position: position_at(bytes, at),
        reason: reason.to_owned(),
    };
    let mut pos = skip_space(bytes, 0);
    if bytes.get(pos) != Some(&b'[') {
        let reason = if pos == bytes.len() {
            "EOF while parsing a JSON array of records"
        } else {
            "expected a JSON array of records"
        };
        return Err(fail(pos, reason));
    }
    pos = skip_space(bytes, pos + 1);
    let mut index = 0;
    if bytes.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            // One value at a time, so its extent in the file is known.
            // `pos` is at an ASCII byte (`[`, `,` or a value's first byte), so a char boundary.
            let rest = text.get(pos..).unwrap_or_default();
            let mut values = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
            let value = match values.next() {
                Some(Ok(v)) => v,
                Some(Err(e)) => return Err(relative_error(file, bytes, pos, &e)),
                None => return Err(fail(bytes.len(), "EOF while parsing a list")),
            };
            let end = pos + values.byte_offset();
            if !value.is_object() {
                let reason = format!(
                    "expected every element to be a record (a JSON object), found {}",
                    switchboard_core::legacy::fields::kind(&value)
                );
                return Err(fail(pos, &reason));
            }
            each(Element {
                index,
                value,
                text: pos..end,
            })
            .map_err(|reason| fail(pos, &reason))?;
            index += 1;
            pos = skip_space(bytes, end);
            match bytes.get(pos) {
                Some(b',') => pos = skip_space(bytes, pos + 1),
                Some(b']') => {
                    pos += 1;
                    break;
                }
                None => return Err(fail(pos, "EOF while parsing a list")),
                Some(_) => return Err(fail(pos, "expected `,` or `]`")),
            }
        }
    }
    let rest = skip_space(bytes, pos);
    if rest != bytes.len() {
        return Err(fail(rest, "trailing characters"));
    }
    Ok(index)
}

fn skip_space(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        pos += 1;
    }
    pos
}

/// `line L, column C` of a byte offset (both from 1, as serde_json counts them).
fn position_at(bytes: &[u8], at: usize) -> String {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    format!("line {line}, column {column}")
}

/// An error serde_json reported for the text starting at `start`, placed in the whole file.
fn relative_error(file: &str, bytes: &[u8], start: usize, e: &serde_json::Error) -> FileError {
    let before = &bytes[..start.min(bytes.len())];
    let lines_before = before.iter().filter(|b| **b == b'\n').count();
    let column_before = before.iter().rev().take_while(|b| **b != b'\n').count();
    let (line, column) = if e.line() <= 1 {
        (lines_before + 1, column_before + e.column())
    } else {
        (lines_before + e.line(), e.column())
    };
    FileError {
        file: file.to_owned(),
        position: format!("line {line}, column {column}"),
        reason: strip_position(&e.to_string()),
    }
}

/// The whole file in memory (parsing from a slice is several times faster than from a reader), in a
/// buffer kept from file to file: fresh memory for every file costs the kernel as much time as
/// the reading itself.
pub fn read_whole(path: &Path, buf: &mut Vec<u8>) -> Result<String, FileError> {
    use std::io::Read;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    buf.clear();
    let read = std::fs::File::open(path).and_then(|mut f| {
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        buf.reserve(usize::try_from(size).unwrap_or(0));
        f.read_to_end(buf)
    });
    match read {
        Ok(_) => Ok(file_name),
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

/// Checks that a file is a JSON array of objects without building the values (fast, no allocation).
pub fn check_records(path: &Path, buf: &mut Vec<u8>) -> Result<usize, FileError> {
    let file_name = read_whole(path, buf)?;
    let text = as_text(&file_name, buf)?;
    let mut de = serde_json::Deserializer::from_str(text);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(text: impl AsRef<[u8]>) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".json").tempfile().expect("tmp");
        f.write_all(text.as_ref()).expect("write");
        f
    }

    /// Reads a file's elements the way the import does.
    fn elements(f: &tempfile::NamedTempFile) -> Result<Vec<(usize, Value, String)>, FileError> {
        let mut buf = Vec::new();
        let name = read_whole(f.path(), &mut buf)?;
        let text = as_text(&name, &buf)?;
        let mut seen = Vec::new();
        each_element(&name, text, |e| {
            let text = String::from_utf8_lossy(&buf[e.text.clone()]).into_owned();
            seen.push((e.index, e.value, text));
            Ok(())
        })?;
        Ok(seen)
    }

    #[test]
    fn reads_every_element_with_its_text() {
        let f = file_with("[{\"id\": 1},\n  {\"id\": 2, \"x\": [1, \"]\"]} ]\n");
        let seen = elements(&f).expect("read");
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].1["id"], 1);
        assert_eq!(seen[0].2, "{\"id\": 1}");
        assert_eq!(seen[1].2, "{\"id\": 2, \"x\": [1, \"]\"]}");
        assert_eq!(elements(&file_with(" [ ] ")).map(|s| s.len()), Ok(0));
    }

    #[test]
    fn the_quick_check_agrees() {
        assert_eq!(
            check_records(
                file_with(r#"[{"a": [1, {"b": null}]}, {}]"#).path(),
                &mut Vec::new()
            ),
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
            assert!(
                check_records(file_with(bad).path(), &mut Vec::new()).is_err(),
                "{bad}"
            );
        }
        let e = check_records(file_with("[1]").path(), &mut Vec::new()).expect_err("number");
        assert!(e.reason.contains("record"), "{e}");
    }

    #[test]
    fn reports_position_and_reason() {
        let e = elements(&file_with("[{\"id\": 1},\n {\"id\": ")).expect_err("truncated");
        assert_eq!(e.position, "line 2, column 8");
        assert!(e.reason.contains("EOF"), "{e}");
        let e = elements(&file_with("[{\"id\": 1},\n {\"id\" 2}]")).expect_err("no colon");
        assert_eq!(e.position, "line 2, column 8");
        assert!(e.reason.contains("expected `:`"), "{e}");
        let e = elements(&file_with(r#"{"id": 1}"#)).expect_err("object");
        assert!(e.reason.contains("array"), "{e}");
        let e = elements(&file_with("[1, 2]")).expect_err("numbers");
        assert!(e.reason.contains("record"), "{e}");
        for bad in ["[] x", "[{}, ]", "[{} {}]", "[{}", "", "[{\"a\": tru}]"] {
            assert!(elements(&file_with(bad)).is_err(), "{bad}");
        }
        let e = elements(&file_with(b"[{\"a\": \"ok\"},\n {\"b\": \"\xc3\xa9\xff\"}]")).expect_err("latin-1");
        assert_eq!(e.position, "line 2, column 11");
        assert!(e.reason.contains("UTF-8"), "{e}");
        // The quick check and the full reading agree on where a file goes wrong.
        for bad in [
            "[{\"id\": 1},\n {\"id\": ",
            "[{}, {\"a\":\n\n  [1,, 2]}]",
            "[{}]\n x",
        ] {
            let quick = check_records(file_with(bad).path(), &mut Vec::new()).expect_err("quick");
            let full = elements(&file_with(bad)).expect_err("full");
            assert_eq!(quick.position, full.position, "{bad}");
        }
    }
}
