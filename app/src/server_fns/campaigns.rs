use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_core::campaign::{Campaign, CampaignPage};
use switchboard_core::metrics::DailyMetric;
use switchboard_core::project::Project;

/// The campaign table's filters, sort and page, as they appear in the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignFilters {
    pub project: Option<String>,
    pub platform: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    /// A column name, `-` in front for descending.
    pub sort: Option<String>,
    pub page: Option<u32>,
}

pub const PAGE_SIZE: u32 = 50;

/// A page of campaigns with the names of their projects, and the projects to filter by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignTable {
    pub page: CampaignPage,
    pub projects: Vec<(String, String)>,
}

#[server]
pub async fn list_campaigns(filters: CampaignFilters) -> Result<CampaignTable, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::campaign::CampaignQuery;
            use switchboard_core::project::ProjectFilter;
            let bad = |field: &str, e: switchboard_core::ParseError| {
                let mut errors = switchboard_core::validation::FieldErrors::new();
                errors.add(field, e.to_string());
                AppError::Validation(errors)
            };
            let text = |v: &Option<String>| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            let (sort, descending) = match text(&filters.sort) {
                None => (Default::default(), false),
                Some(s) => {
                    let (desc, col) = s.strip_prefix('-').map_or((false, s.as_str()), |c| (true, c));
                    (col.parse().map_err(|e| bad("sort", e))?, desc)
                }
            };
            let query = CampaignQuery {
                project_id: text(&filters.project)
                    .map(|p| p.parse())
                    .transpose()
                    .map_err(|e| bad("project", e))?,
                platform: text(&filters.platform)
                    .map(|p| p.parse())
                    .transpose()
                    .map_err(|e| bad("platform", e))?,
                status: text(&filters.status)
                    .map(|p| p.parse())
                    .transpose()
                    .map_err(|e| bad("status", e))?,
                search: text(&filters.q),
                sort,
                descending,
                limit: PAGE_SIZE,
                offset: filters
                    .page
                    .unwrap_or(1)
                    .saturating_sub(1)
                    .saturating_mul(PAGE_SIZE),
            };
            let services = super::ssr::services()?;
            let page = services.campaigns.list(&query).await?;
            let projects = services
                .projects
                .list(&ProjectFilter::default())
                .await?
                .into_iter()
                .map(|p| (p.project.id.to_string(), p.project.name))
                .collect();
            Ok(CampaignTable { page, projects })
        }
        .await,
    )
    .await
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub campaign: Campaign,
    pub project: Project,
    pub days: Vec<DailyMetric>,
}

#[server]
pub async fn get_campaign_detail(
    id: String,
    from: Option<String>,
    to: Option<String>,
) -> Result<CampaignDetail, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::time::parse_date;
            let bad = |field: &str, message: String| {
                let mut errors = switchboard_core::validation::FieldErrors::new();
                errors.add(field, message);
                AppError::Validation(errors)
            };
            let id = switchboard_core::CampaignId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("campaign '{id}' was not found")))?;
            let date = |field: &str, v: &Option<String>| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(parse_date)
                    .transpose()
                    .map_err(|e| bad(field, e.to_string()))
            };
            let (from, to) = (date("from", &from)?, date("to", &to)?);
            if let (Some(f), Some(t)) = (from, to)
                && t < f
            {
                return Err(bad("to", "The end date is before the start date".to_owned()));
            }
            let services = super::ssr::services()?;
            let campaign = services.campaigns.get(&id).await?;
            let project = services.projects.get(&campaign.project_id).await?;
            let days = services.metrics.campaign_daily(&id, from, to).await?;
            Ok(CampaignDetail {
                campaign,
                project,
                days,
            })
        }
        .await,
    )
    .await
}
