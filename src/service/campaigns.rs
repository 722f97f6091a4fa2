//! Campaigns as synced from the platforms, and their daily metrics.

use super::ServiceError;
use crate::campaign::{
    Campaign, CampaignDetail, CampaignList, CampaignMetrics, CampaignPage, CampaignQuery,
    CampaignTableRequest,
};
use crate::ids::CampaignId;
use async_trait::async_trait;
use chrono::NaiveDate;

/// The metric windows run `from` through `to`, either end open; `to` must not be before `from`.
#[async_trait]
pub trait CampaignService: Send + Sync {
    async fn list(&self, query: &CampaignQuery) -> Result<CampaignPage, ServiceError>;
    /// The campaigns page: the page of campaigns, every project to filter by, and the listed
    /// campaigns' spend, CPA and ROAS over the request's window (sorted by one of them if asked).
    async fn table(&self, request: &CampaignTableRequest) -> Result<CampaignList, ServiceError>;
    async fn get(&self, id: &CampaignId) -> Result<Campaign, ServiceError>;
    /// A campaign's daily metrics in its platform's currency.
    async fn metrics(
        &self,
        id: &CampaignId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<CampaignMetrics, ServiceError>;
    /// The campaign page: the campaign, its project, its daily metrics and their trend.
    async fn detail(
        &self,
        id: &CampaignId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<CampaignDetail, ServiceError>;
}
