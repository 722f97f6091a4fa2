//! Campaigns' use cases over the campaign, metrics and project repositories.

use async_trait::async_trait;
use chrono::NaiveDate;
use std::sync::Arc;
use switchboard_core::CampaignId;
use switchboard_core::analytics::DateRange;
use switchboard_core::analytics::campaign_figures::{campaign_figures, daily_series, sort_by_figure};
use switchboard_core::campaign::{
    Campaign, CampaignDetail, CampaignList, CampaignMetrics, CampaignPage, CampaignQuery,
    CampaignTableRequest, MAX_PAGE_SIZE,
};
use switchboard_core::metrics::DailyMetric;
use switchboard_core::ports::{AnalyticsRepo, CampaignRepo, MetricsRepo, ProjectRepo};
use switchboard_core::project::ProjectFilter;
use switchboard_core::service::{CampaignService, ServiceError};

pub struct Campaigns {
    pub campaigns: Arc<dyn CampaignRepo>,
    pub metrics: Arc<dyn MetricsRepo>,
    pub projects: Arc<dyn ProjectRepo>,
    /// The in-memory facts the campaigns' figures are read from.
    pub analytics: Arc<dyn AnalyticsRepo>,
}

/// The window of a list's figures: `from..=to`, the 30 days ending today by default.
pub(crate) fn figures_window(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<DateRange, ServiceError> {
    DateRange::resolve(from, to, today).map_err(|e| ServiceError::BadRequest(format!("'from' / 'to': {e}")))
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

    async fn table(&self, request: &CampaignTableRequest) -> Result<CampaignList, ServiceError> {
        let today = chrono::Utc::now().date_naive();
        let window = figures_window(request.from, request.to, today)?;
        let snapshot = self.analytics.snapshot().await?;
        let query = &request.query;
        let page = match request.figure_sort {
            None => self.campaigns.list(query).await?,
            Some(sort) => {
                // Every match, sorted by the figure, then this page of them.
                let mut all = Vec::new();
                let mut at = 0;
                loop {
                    let chunk = self
                        .campaigns
                        .list(&CampaignQuery {
                            limit: MAX_PAGE_SIZE,
                            offset: at,
                            ..query.clone()
                        })
                        .await?;
                    let got = chunk.items.len() as u32;
                    all.extend(chunk.items);
                    at += got;
                    if got == 0 || u64::from(at) >= chunk.total {
                        break;
                    }
                }
                let figures = campaign_figures(&snapshot.facts, &all, &window);
                let total = all.len() as u64;
                let sorted = sort_by_figure(
                    all,
                    &figures,
                    sort,
                    query.descending,
                    &snapshot.rates,
                    snapshot.report_currency,
                    window.to,
                );
                let limit = query.limit.clamp(1, MAX_PAGE_SIZE);
                CampaignPage {
                    items: sorted
                        .into_iter()
                        .skip(query.offset as usize)
                        .take(limit as usize)
                        .collect(),
                    total,
                    limit,
                    offset: query.offset,
                }
            }
        };
        let figures = campaign_figures(&snapshot.facts, &page.items, &window);
        let projects = self
            .projects
            .list(&ProjectFilter::default())
            .await?
            .into_iter()
            .map(|p| (p.project.id.to_string(), p.project.name))
            .collect();
        Ok(CampaignList {
            page,
            projects,
            window,
            figures,
        })
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
        let trend = daily_series(&days, chrono::Utc::now().date_naive());
        Ok(CampaignDetail {
            campaign,
            project,
            days,
            trend,
        })
    }
}
