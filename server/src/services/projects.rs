//! Projects' use cases over the project, campaign and activity repositories.

use async_trait::async_trait;
use chrono::NaiveDate;
use std::sync::Arc;
use switchboard_core::ProjectId;
use switchboard_core::analytics::campaign_figures::campaign_figures;
use switchboard_core::analytics::overview::month_pacing;
use switchboard_core::campaign::CampaignQuery;
use switchboard_core::ports::{ActivityRepo, AnalyticsRepo, CampaignRepo, ProjectRepo};
use switchboard_core::project::{
    Project, ProjectDetail, ProjectFilter, ProjectInput, ProjectPatch, ProjectStatus, ProjectSummary,
};
use switchboard_core::service::{ProjectService, ServiceError};

/// How many campaigns and activity entries the project page shows.
const DETAIL_CAMPAIGNS: u32 = 200;
const DETAIL_ACTIVITY: u32 = 25;

pub struct Projects {
    pub projects: Arc<dyn ProjectRepo>,
    pub campaigns: Arc<dyn CampaignRepo>,
    pub activity: Arc<dyn ActivityRepo>,
    /// The in-memory facts the campaigns' figures and the pacing are read from.
    pub analytics: Arc<dyn AnalyticsRepo>,
}

#[async_trait]
impl ProjectService for Projects {
    async fn list(&self, filter: &ProjectFilter) -> Result<Vec<ProjectSummary>, ServiceError> {
        Ok(self.projects.list(filter).await?)
    }

    async fn get(&self, id: &ProjectId) -> Result<Project, ServiceError> {
        Ok(self.projects.get(id).await?)
    }

    async fn detail(
        &self,
        id: &ProjectId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<ProjectDetail, ServiceError> {
        let today = chrono::Utc::now().date_naive();
        let window = super::campaigns::figures_window(from, to, today)?;
        let project = self.projects.get(id).await?;
        let campaigns = self
            .campaigns
            .list(&CampaignQuery {
                project_id: Some(id.clone()),
                limit: DETAIL_CAMPAIGNS,
                ..Default::default()
            })
            .await?;
        let activity = self.activity.recent(Some(id), DETAIL_ACTIVITY).await?;
        let snapshot = self.analytics.snapshot().await?;
        let figures = campaign_figures(&snapshot.facts, &campaigns.items, &window);
        let pacing = month_pacing(&snapshot, Some(id), today);
        Ok(ProjectDetail {
            project,
            campaigns,
            activity,
            window,
            figures,
            pacing,
        })
    }

    async fn create(&self, input: ProjectInput, actor: &str) -> Result<Project, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        Ok(self.projects.create(draft, actor).await?)
    }

    async fn update(
        &self,
        id: &ProjectId,
        input: ProjectInput,
        actor: &str,
    ) -> Result<Project, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        Ok(self.projects.update(id, draft, actor).await?)
    }

    async fn patch(&self, id: &ProjectId, patch: ProjectPatch, actor: &str) -> Result<Project, ServiceError> {
        let current = self.projects.get(id).await?;
        self.update(id, patch.apply(&current), actor).await
    }

    async fn set_status(
        &self,
        id: &ProjectId,
        status: ProjectStatus,
        actor: &str,
    ) -> Result<Project, ServiceError> {
        Ok(self.projects.set_status(id, status, actor).await?)
    }

    async fn check_exists(&self, id: Option<&ProjectId>, field: &str) -> Result<(), ServiceError> {
        if let Some(p) = id {
            self.projects.get(p).await.map_err(|e| {
                ServiceError::from(e).missing_as_field(field, format!("there is no project '{p}'"))
            })?;
        }
        Ok(())
    }
}
