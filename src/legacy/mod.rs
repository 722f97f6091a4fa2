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
            (Some(mut c), Some(d)) => {
                c.reserve(d.len() + 1);
                c.push('/');
                c.push_str(&d);
                Some(c)
            }
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

#[cfg(test)]
mod tests;
