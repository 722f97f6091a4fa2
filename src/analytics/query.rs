//! What a report request names, as each edge (the REST API, the Analytics page) parses it: the
//! window, the campaigns in scope, the currency, and each report's own options.

use super::facts::Scope;
use super::pacing::PacingMode;
use super::range::Granularity;
use super::report::TrendGroup;
use crate::ids::ProjectId;
use crate::money::Currency;
use crate::platform::Platform;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The window (the 30 days ending today by default), the campaigns in scope and the currency of
/// the answer (the project's own by default, or the report currency across projects).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub project_id: Option<ProjectId>,
    pub platform: Option<Platform>,
    pub currency: Option<Currency>,
}

impl ReportQuery {
    /// The campaigns the query covers.
    pub fn scope(&self) -> Scope {
        Scope {
            project_id: self.project_id.clone(),
            platform: self.platform,
        }
    }
}

/// How the spend trend is bucketed and split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendOptions {
    pub granularity: Granularity,
    pub group_by: TrendGroup,
    /// Most series; the rest are summed into `other`.
    pub limit: usize,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            granularity: Granularity::Day,
            group_by: TrendGroup::Platform,
            limit: 10,
        }
    }
}

/// The period a pacing report covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PacingPeriod {
    /// The calendar month holding `as_of`.
    #[default]
    Month,
    /// The ISO week holding `as_of`.
    Week,
    /// The calendar quarter holding `as_of`.
    Quarter,
    /// The query's window, whose `from` must be given.
    Custom,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PacingOptions {
    pub period: PacingPeriod,
    /// The day pacing is judged on; yesterday (the last full day) by default.
    pub as_of: Option<NaiveDate>,
    pub mode: PacingMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchmarkOptions {
    /// Campaigns with fewer impressions in the window are left out.
    pub min_impressions: u64,
    /// Most campaigns listed.
    pub limit: usize,
}

impl Default for BenchmarkOptions {
    fn default() -> Self {
        BenchmarkOptions {
            min_impressions: 100,
            limit: 100,
        }
    }
}
