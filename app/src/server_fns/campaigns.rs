use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use switchboard_core::campaign::{CampaignDetail, CampaignList};

/// The campaign table's filters, sort and page, as they appear in the page's URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignFilters {
    pub project: Option<String>,
    pub platform: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    /// A column name or a figure (`spend`, `cpa`, `roas`), `-` in front for descending.
    pub sort: Option<String>,
    pub page: Option<u32>,
    /// The window of the spend, CPA and ROAS columns (ISO dates; the 30 days ending today).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

pub const PAGE_SIZE: u32 = 50;

/// The filter's text, trimmed; empty is no filter.
#[cfg(feature = "ssr")]
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A filter that does not parse, as an error about its field.
#[cfg(feature = "ssr")]
fn bad(field: &'static str) -> impl Fn(switchboard_core::ParseError) -> AppError {
    move |e| super::ssr::invalid(field, e.to_string())
}

/// A page of campaigns, and the projects to filter by.
#[server]
pub async fn list_campaigns(filters: CampaignFilters) -> Result<CampaignList, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::analytics::campaign_figures::FigureSort;
            use switchboard_core::campaign::{CampaignQuery, CampaignTableRequest};
            let (sort, figure_sort, descending) = match given(&filters.sort) {
                None => (Default::default(), None, false),
                Some(s) => {
                    let (desc, col) = s.strip_prefix('-').map_or((false, s.as_str()), |c| (true, c));
                    match col.parse::<FigureSort>() {
                        Ok(figure) => (Default::default(), Some(figure), desc),
                        Err(_) => (col.parse().map_err(bad("sort"))?, None, desc),
                    }
                }
            };
            let date = |field: &'static str, v: &Option<String>| {
                given(v)
                    .map(|text| switchboard_core::time::parse_date(&text))
                    .transpose()
                    .map_err(bad(field))
            };
            let query = CampaignQuery {
                project_id: given(&filters.project)
                    .map(|p| p.parse())
                    .transpose()
                    .map_err(bad("project"))?,
                platform: given(&filters.platform)
                    .map(|p| p.parse())
                    .transpose()
                    .map_err(bad("platform"))?,
                status: given(&filters.status)
                    .map(|p| p.parse())
                    .transpose()
                    .map_err(bad("status"))?,
                search: given(&filters.q),
                sort,
                descending,
                limit: PAGE_SIZE,
                offset: filters
                    .page
                    .unwrap_or(1)
                    .saturating_sub(1)
                    .saturating_mul(PAGE_SIZE),
            };
            let request = CampaignTableRequest {
                query,
                from: date("from", &filters.from)?,
                to: date("to", &filters.to)?,
                figure_sort,
            };
            Ok(super::ssr::services()?.campaigns.table(&request).await?)
        }
        .await,
    )
    .await
}

#[server]
pub async fn get_campaign_detail(
    id: String,
    from: Option<String>,
    to: Option<String>,
) -> Result<CampaignDetail, AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::CampaignId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("campaign '{id}' was not found")))?;
            let date = |field: &str, v: &Option<String>| {
                given(v)
                    .map(|text| switchboard_core::time::parse_date(&text))
                    .transpose()
                    .map_err(|e| super::ssr::invalid(field, e.to_string()))
            };
            let (from, to) = (date("from", &from)?, date("to", &to)?);
            Ok(super::ssr::services()?.campaigns.detail(&id, from, to).await?)
        }
        .await,
    )
    .await
}
