//! What the dashboard shows at a glance.

use crate::platform::Platform;
use serde::{Deserialize, Serialize};

/// Counts read from the database for the dashboard's tiles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardSummary {
    pub projects: ProjectCounts,
    pub campaigns: CampaignCounts,
    pub workflows: u64,
    pub executions: ExecutionCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectCounts {
    pub total: u64,
    pub active: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignCounts {
    pub total: u64,
    pub active: u64,
    /// Campaigns per platform, in `Platform::ALL` order, zero included.
    pub by_platform: Vec<(Platform, u64)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionCounts {
    pub total: u64,
    pub running: u64,
    pub failed: u64,
}

impl DashboardSummary {
    /// True when nothing has been created yet: the dashboard then shows how to start.
    pub fn is_empty(&self) -> bool {
        self.projects.total == 0 && self.campaigns.total == 0 && self.workflows == 0
    }
}

impl CampaignCounts {
    /// Fills in every platform, so the UI always shows all three.
    pub fn with_platforms(total: u64, active: u64, counted: &[(Platform, u64)]) -> Self {
        let by_platform = Platform::ALL
            .into_iter()
            .map(|p| {
                let n = counted.iter().filter(|(q, _)| *q == p).map(|(_, n)| *n).sum();
                (p, n)
            })
            .collect();
        CampaignCounts {
            total,
            active,
            by_platform,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_is_listed_once() {
        let c = CampaignCounts::with_platforms(5, 2, &[(Platform::Meta, 3), (Platform::Google, 2)]);
        assert_eq!(
            c.by_platform,
            vec![
                (Platform::Google, 2),
                (Platform::Meta, 3),
                (Platform::Pinterest, 0)
            ]
        );
    }

    #[test]
    fn empty_means_nothing_created() {
        assert!(DashboardSummary::default().is_empty());
        let s = DashboardSummary {
            workflows: 1,
            ..Default::default()
        };
        assert!(!s.is_empty());
    }
}
