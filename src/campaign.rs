//! Campaigns as Switchboard sees them across platforms.

use crate::error::ParseError;
use crate::ids::{CampaignId, ProjectId};
use crate::metrics::DailyMetric;
use crate::money::{Currency, Micros};
use crate::platform::Platform;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The normalized status; each platform's own word is kept beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CampaignStatus {
    Active,
    Paused,
    Removed,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 3] = [
        CampaignStatus::Active,
        CampaignStatus::Paused,
        CampaignStatus::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Active => "active",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Removed => "removed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CampaignStatus::Active => "Active",
            CampaignStatus::Paused => "Paused",
            CampaignStatus::Removed => "Removed",
        }
    }

    /// Maps a platform's own status word: Google ENABLED / PAUSED / REMOVED; Meta ACTIVE / PAUSED /
    /// DELETED / ARCHIVED; Pinterest ACTIVE / PAUSED / ARCHIVED.
    pub fn from_platform(platform: Platform, native: &str) -> Result<Self, ParseError> {
        let word = native.trim().to_ascii_uppercase();
        let status = match (platform, word.as_str()) {
            (Platform::Google, "ENABLED") => CampaignStatus::Active,
            (Platform::Meta | Platform::Pinterest, "ACTIVE") => CampaignStatus::Active,
            (_, "PAUSED") => CampaignStatus::Paused,
            (Platform::Google, "REMOVED") => CampaignStatus::Removed,
            (Platform::Meta, "DELETED" | "ARCHIVED") => CampaignStatus::Removed,
            (Platform::Pinterest, "ARCHIVED") => CampaignStatus::Removed,
            _ => {
                return Err(ParseError::invalid(
                    "campaign status",
                    native,
                    "not a status this platform uses",
                ));
            }
        };
        Ok(status)
    }
}

impl fmt::Display for CampaignStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CampaignStatus {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        CampaignStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == t)
            .ok_or_else(|| ParseError::invalid("campaign status", s, "expected active, paused or removed"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    pub id: CampaignId,
    pub project_id: ProjectId,
    pub platform: Platform,
    /// The platform's own id for the campaign.
    pub external_id: String,
    pub name: String,
    pub objective: Option<String>,
    pub status: CampaignStatus,
    pub platform_status: String,
    pub daily_budget: Option<Micros>,
    pub currency: Currency,
    pub time_zone: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

/// Columns the campaign table sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignSort {
    #[default]
    Name,
    Platform,
    Status,
    DailyBudget,
    StartDate,
    CreatedAt,
}

impl CampaignSort {
    pub const ALL: [CampaignSort; 6] = [
        CampaignSort::Name,
        CampaignSort::Platform,
        CampaignSort::Status,
        CampaignSort::DailyBudget,
        CampaignSort::StartDate,
        CampaignSort::CreatedAt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CampaignSort::Name => "name",
            CampaignSort::Platform => "platform",
            CampaignSort::Status => "status",
            CampaignSort::DailyBudget => "daily_budget",
            CampaignSort::StartDate => "start_date",
            CampaignSort::CreatedAt => "created_at",
        }
    }
}

impl FromStr for CampaignSort {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CampaignSort::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                ParseError::invalid(
                    "sort",
                    s,
                    "expected name, platform, status, daily_budget, start_date or created_at",
                )
            })
    }
}

pub const MAX_PAGE_SIZE: u32 = 500;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// Which campaigns to list, in what order, which page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignQuery {
    pub project_id: Option<ProjectId>,
    pub platform: Option<Platform>,
    pub status: Option<CampaignStatus>,
    /// Case-insensitive match on the name or the platform's id.
    pub search: Option<String>,
    pub sort: CampaignSort,
    pub descending: bool,
    pub limit: u32,
    pub offset: u32,
}

impl Default for CampaignQuery {
    fn default() -> Self {
        CampaignQuery {
            project_id: None,
            platform: None,
            status: None,
            search: None,
            sort: CampaignSort::default(),
            descending: false,
            limit: DEFAULT_PAGE_SIZE,
            offset: 0,
        }
    }
}

/// One page of campaigns and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignPage {
    pub items: Vec<Campaign>,
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

/// The campaigns page: a page of campaigns, the projects to filter by as (id, name), and each
/// listed campaign's spend, CPA and ROAS over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignList {
    pub page: CampaignPage,
    pub projects: Vec<(String, String)>,
    /// The window the figures cover.
    pub window: crate::analytics::DateRange,
    /// The page's campaigns' figures over `window`, in page order.
    pub figures: Vec<crate::analytics::campaign_figures::CampaignFigures>,
}

/// What the campaigns page asks for: the list's filters, order and page; the window of the
/// figures (the 30 days ending today by default); or a figure to sort by instead of a column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignTableRequest {
    pub query: CampaignQuery,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Sorts by this figure over the window (in `query.descending` order) instead of `query.sort`.
    pub figure_sort: Option<crate::analytics::campaign_figures::FigureSort>,
}

/// One campaign with its project and its daily metrics for a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub campaign: Campaign,
    pub project: crate::project::Project,
    pub days: Vec<DailyMetric>,
    /// Spend and conversions per day for the trend chart, today marked partial.
    pub trend: crate::analytics::campaign_figures::DailySeries,
}

// A campaign's daily metrics in its platform's currency, for a window or all it has (the API's
// `MetricsResponse`; no doc comment, which would change the API document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = MetricsResponse))]
pub struct CampaignMetrics {
    pub campaign_id: CampaignId,
    pub currency: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub days: Vec<DailyMetric>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_statuses_map_to_ours() {
        use CampaignStatus::*;
        let cases = [
            (Platform::Google, "ENABLED", Active),
            (Platform::Google, "PAUSED", Paused),
            (Platform::Google, "REMOVED", Removed),
            (Platform::Meta, "ACTIVE", Active),
            (Platform::Meta, "paused", Paused),
            (Platform::Meta, "DELETED", Removed),
            (Platform::Meta, "ARCHIVED", Removed),
            (Platform::Pinterest, "ACTIVE", Active),
            (Platform::Pinterest, "ARCHIVED", Removed),
        ];
        for (p, word, expected) in cases {
            assert_eq!(CampaignStatus::from_platform(p, word), Ok(expected), "{p} {word}");
        }
        assert!(CampaignStatus::from_platform(Platform::Google, "ACTIVE").is_err());
        assert!(CampaignStatus::from_platform(Platform::Meta, "ENABLED").is_err());
        assert!(CampaignStatus::from_platform(Platform::Pinterest, "").is_err());
    }

    #[test]
    fn sorts_parse() {
        for s in CampaignSort::ALL {
            assert_eq!(s.as_str().parse::<CampaignSort>(), Ok(s));
        }
        assert!("spend; DROP TABLE".parse::<CampaignSort>().is_err());
    }
}
