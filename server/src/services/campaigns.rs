//! Campaigns' use cases over the campaign, metrics and project repositories.

use async_trait::async_trait;
use chrono::NaiveDate;
use std::sync::Arc;
use switchboard_core::CampaignId;
use switchboard_core::campaign::{
    Campaign, CampaignDetail, CampaignList, CampaignMetrics, CampaignPage, CampaignQuery,
};
use switchboard_core::metrics::DailyMetric;
use switchboard_core::ports::{CampaignRepo, MetricsRepo, ProjectRepo};
use switchboard_core::project::ProjectFilter;
use switchboard_core::service::{CampaignService, ServiceError};

pub struct Campaigns {
    pub campaigns: Arc<dyn CampaignRepo>,
    pub metrics: Arc<dyn MetricsRepo>,
    pub projects: Arc<dyn ProjectRepo>,
}

impl Campaigns {
    /// The campaign and its days within `from..=to`, either end open.
    async fn days(
        &self,
        id: &CampaignId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<(Campaign, Vec<DailyMetric>), ServiceError> {
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(ServiceError::BadRequest(format!(
                "'to' ({t}) is before 'from' ({f})"
            )));
        }
        let campaign = self.campaigns.get(id).await?;
        let days = self.metrics.campaign_daily(id, from, to).await?;
        Ok((campaign, days))
    }
}

#[async_trait]
impl CampaignService for Campaigns {
    async fn list(&self, query: &CampaignQuery) -> Result<CampaignPage, ServiceError> {
        Ok(self.campaigns.list(query).await?)
    }

    async fn table(&self, query: &CampaignQuery) -> Result<CampaignList, ServiceError> {
        let page = self.campaigns.list(query).await?;
        let projects = self
            .projects
            .list(&ProjectFilter::default())
            .await?
            .into_iter()
            .map(|p| (p.project.id.to_string(), p.project.name))
            .collect();
        Ok(CampaignList { page, projects })
    }

    async fn get(&self, id: &CampaignId) -> Result<Campaign, ServiceError> {
        Ok(self.campaigns.get(id).await?)
    }

    async fn metrics(
        &self,
        id: &CampaignId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<CampaignMetrics, ServiceError> {
        let (campaign, days) = self.days(id, from, to).await?;
        Ok(CampaignMetrics {
            campaign_id: campaign.id,
            currency: campaign.currency.to_string(),
            from,
            to,
            days,
        })
    }

    async fn detail(
        &self,
        id: &CampaignId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<CampaignDetail, ServiceError> {
        let (campaign, days) = self.days(id, from, to).await?;
        let project = self.projects.get(&campaign.project_id).await?;
        Ok(CampaignDetail {
            campaign,
            project,
            days,
        })
    }
}
