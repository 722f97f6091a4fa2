//! Performance sync: every connection's campaigns and daily performance pulled through its
//! connector into the metrics table, on a cron schedule or on demand. This module is the pure
//! part: which days to ask for ([`window`]), the calls and how to read their answers ([`native`]),
//! and the records the server keeps of each run.

pub mod native;
pub mod window;

use crate::ids::{ConnectionId, ProjectId};
use crate::platform::Platform;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use window::SyncPolicy;

/// The schedule when none is set: at the top of every hour (UTC).
pub const DEFAULT_SCHEDULE: &str = "0 * * * *";
/// The schedule setting's value that turns scheduled syncs off ("sync now" still works).
pub const SCHEDULE_OFF: &str = "off";

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SyncTrigger {
    Schedule,
    Manual,
}

impl SyncTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncTrigger::Schedule => "schedule",
            SyncTrigger::Manual => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [SyncTrigger::Schedule, SyncTrigger::Manual]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

/// How a run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SyncState {
    Running,
    /// Every connection synced with every row read.
    Succeeded,
    /// Some connections or rows failed; the rest were written.
    Partial,
    /// Nothing could be synced.
    Failed,
}

impl SyncState {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncState::Running => "running",
            SyncState::Succeeded => "succeeded",
            SyncState::Partial => "partial",
            SyncState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            SyncState::Running,
            SyncState::Succeeded,
            SyncState::Partial,
            SyncState::Failed,
        ]
        .into_iter()
        .find(|t| t.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            SyncState::Running => "Running",
            SyncState::Succeeded => "Succeeded",
            SyncState::Partial => "Partly failed",
            SyncState::Failed => "Failed",
        }
    }

    /// The state a finished run ends in, from its connection counts.
    pub fn finished(connections: usize, failed_connections: usize, problems: usize) -> Self {
        if connections > 0 && failed_connections == connections {
            SyncState::Failed
        } else if failed_connections > 0 || problems > 0 {
            SyncState::Partial
        } else {
            SyncState::Succeeded
        }
    }
}

/// One sync run, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncRun {
    pub id: i64,
    pub trigger: SyncTrigger,
    pub state: SyncState,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub connections_total: u32,
    pub connections_done: u32,
    pub campaigns_written: u64,
    /// Campaign-days inserted or changed (rows equal to what was stored are not counted).
    pub rows_written: u64,
    /// What went wrong, one line each (the first [`MAX_PROBLEMS`] kept).
    pub problems: Vec<String>,
}

/// Problems kept per run.
pub const MAX_PROBLEMS: usize = 50;

/// Where one connection's sync stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionSync {
    pub connection_id: ConnectionId,
    pub project_id: ProjectId,
    pub project_name: String,
    pub platform: Platform,
    pub account: String,
    /// The last day pulled by a successful sync.
    pub synced_through: Option<NaiveDate>,
    pub last_attempt_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// The sync's schedule, runs and connections, for the API and the pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncOverview {
    /// The cron expression, or [`SCHEDULE_OFF`].
    pub schedule: String,
    pub next_run_at: Option<Timestamp>,
    /// Latest first; a running one is first.
    pub runs: Vec<SyncRun>,
    pub connections: Vec<ConnectionSync>,
}

/// What one connection's sync wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectionOutcome {
    pub campaigns_written: u64,
    pub rows_written: u64,
    pub problems: Vec<String>,
}

/// Why a sync could not be started or configured.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("a sync is already running (run {0})")]
    AlreadyRunning(i64),
    #[error("the schedule '{value}' is not valid: {reason}")]
    BadSchedule { value: String, reason: String },
    #[error(transparent)]
    Repo(#[from] crate::error::RepoError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_fails_only_when_every_connection_did() {
        assert_eq!(SyncState::finished(3, 0, 0), SyncState::Succeeded);
        assert_eq!(SyncState::finished(3, 0, 2), SyncState::Partial);
        assert_eq!(SyncState::finished(3, 1, 0), SyncState::Partial);
        assert_eq!(SyncState::finished(3, 3, 0), SyncState::Failed);
        // Nothing to sync is not a failure.
        assert_eq!(SyncState::finished(0, 0, 0), SyncState::Succeeded);
        for s in [
            SyncState::Running,
            SyncState::Succeeded,
            SyncState::Partial,
            SyncState::Failed,
        ] {
            assert_eq!(SyncState::parse(s.as_str()), Some(s));
        }
        assert_eq!(SyncTrigger::parse("manual"), Some(SyncTrigger::Manual));
        assert_eq!(SyncTrigger::parse("cron"), None);
    }
}
