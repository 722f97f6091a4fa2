//! The format of the earlier, JSON-file version of Switchboard: one JSON array per file, camelCase
//! keys. Reading turns each record into the row Switchboard stores, losing nothing; writing turns
//! rows back into records equal to the originals.

mod codecs;
pub mod fields;
pub mod records;

pub use records::{
    ActivityRow, CampaignRow, EventRow, ExecutionRow, Known, MetricRow, ProjectRow, Read, Refusal, StageRow,
    WorkflowRow,
};

/// The files of a legacy folder, in the order they import (a record's references come first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegacyFile {
    Projects,
    Workflows,
    Campaigns,
    Executions,
    Events,
    Activity,
    CampaignMetrics,
}

impl LegacyFile {
    pub const ALL: [LegacyFile; 7] = [
        LegacyFile::Projects,
        LegacyFile::Workflows,
        LegacyFile::Campaigns,
        LegacyFile::Executions,
        LegacyFile::Events,
        LegacyFile::Activity,
        LegacyFile::CampaignMetrics,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            LegacyFile::Projects => "projects.json",
            LegacyFile::Workflows => "workflows.json",
            LegacyFile::Campaigns => "campaigns.json",
            LegacyFile::Executions => "executions.json",
            LegacyFile::Events => "events.json",
            LegacyFile::Activity => "activity.json",
            LegacyFile::CampaignMetrics => "campaign-metrics.json",
        }
    }
}

/// The id a record is known by in messages (`campaignId/date` for metrics).
pub fn record_label(file: LegacyFile, v: &serde_json::Value) -> Option<String> {
    let text = |k: &str| {
        v.get(k).and_then(|x| match x {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    match file {
        LegacyFile::CampaignMetrics => match (text("campaignId"), text("date")) {
            (Some(c), Some(d)) => Some(format!("{c}/{d}")),
            (c, d) => c.or(d),
        },
        _ => text("id"),
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// A stable 64-bit FNV-1a hash of a text, for recognising a record seen before.
pub fn fingerprint(text: &str) -> String {
    format!("{:016x}", fnv(FNV_OFFSET, text.as_bytes()))
}

/// The same kind of hash over a JSON value's structure, without writing it out as text. Equal values
/// (keys in any order) hash equally.
pub fn value_fingerprint(v: &serde_json::Value) -> u64 {
    fn walk(h: u64, v: &serde_json::Value) -> u64 {
        use serde_json::Value;
        match v {
            Value::Null => fnv(h, b"n"),
            Value::Bool(b) => fnv(h, if *b { b"t" } else { b"f" }),
            Value::Number(n) => {
                let h = fnv(h, b"#");
                match (n.as_u64(), n.as_i64(), n.as_f64()) {
                    (Some(u), _, _) => fnv(fnv(h, b"u"), &u.to_le_bytes()),
                    (_, Some(i), _) => fnv(fnv(h, b"i"), &i.to_le_bytes()),
                    (_, _, Some(f)) => fnv(fnv(h, b"f"), &f.to_bits().to_le_bytes()),
                    _ => fnv(h, n.to_string().as_bytes()),
                }
            }
            // Lengths first, so ["a\"b"] and ["a", "b"] never hash alike.
            Value::String(s) => fnv(fnv(fnv(h, b"\""), &s.len().to_le_bytes()), s.as_bytes()),
            Value::Array(items) => {
                let h = items
                    .iter()
                    .fold(fnv(fnv(h, b"["), &items.len().to_le_bytes()), walk);
                fnv(h, b"]")
            }
            // serde_json's map keeps keys sorted, so equal objects walk alike.
            Value::Object(map) => {
                let h = map
                    .iter()
                    .fold(fnv(fnv(h, b"{"), &map.len().to_le_bytes()), |h, (k, v)| {
                        walk(fnv(fnv(fnv(h, &k.len().to_le_bytes()), k.as_bytes()), b":"), v)
                    });
                fnv(h, b"}")
            }
        }
    }
    walk(FNV_OFFSET, v)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fingerprint_tests {
    use super::value_fingerprint;
    use serde_json::json;

    #[test]
    fn different_values_hash_differently() {
        let pairs = [
            (json!(["a\"b"]), json!(["a", "b"])),
            (json!(["", ""]), json!(["\""])),
            (json!({"ab": "c"}), json!({"a": "bc"})),
            (json!([1]), json!([1.0])),
            (json!({"a": [1, 2]}), json!({"a": [[1], 2]})),
        ];
        for (a, b) in pairs {
            assert_ne!(value_fingerprint(&a), value_fingerprint(&b), "{a} vs {b}");
        }
        assert_eq!(
            value_fingerprint(&json!({"b": 1, "a": 2})),
            value_fingerprint(&json!({"a": 2, "b": 1}))
        );
    }
}
