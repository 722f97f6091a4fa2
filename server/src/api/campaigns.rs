//! `/api/v1/campaigns`

use super::ApiError;
use super::extract::{Params, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use switchboard_core::campaign::{
    Campaign, CampaignMetrics, CampaignPage, CampaignQuery, CampaignSort, CampaignStatus, MAX_PAGE_SIZE,
};
use switchboard_core::time::parse_date;
use switchboard_core::{CampaignId, Platform, ProjectId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(show))
        .routes(routes!(metrics))
}

fn campaign_id(text: &str) -> Result<CampaignId, ApiError> {
    CampaignId::parse(text).map_err(|e| ApiError::NotFound(format!("no campaign '{text}' ({e})")))
}

fn page_number(name: &'static str, max: u32) -> impl Fn(&str) -> Result<u32, String> {
    move |s| match s.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("{name} must be a whole number from 0 to {max}")),
    }
}

/// The campaigns: filtered, searched, sorted and paged.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    params(
        ("project_id" = Option<ProjectId>, Query),
        ("platform" = Option<Platform>, Query),
        ("status" = Option<CampaignStatus>, Query),
        ("q" = Option<String>, Query, description = "Words in the name."),
        ("sort" = Option<String>, Query, pattern = "^-?(name|platform|status|daily_budget|start_date|created_at)$",
            description = "Column to sort by; a leading `-` sorts descending."),
        ("limit" = Option<u32>, Query, minimum = 0, maximum = 500, description = "Rows per page; 50 by default."),
        ("offset" = Option<i64>, Query, minimum = 0, maximum = 4_294_967_295_i64, description = "Rows to skip."),
    ),
    responses((status = 200, body = CampaignPage)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<CampaignPage>, ApiError> {
    let sort = params.get("sort", |s| {
        let (desc, col) = s.strip_prefix('-').map_or((false, s), |c| (true, c));
        col.parse::<CampaignSort>().map(|c| (c, desc))
    })?;
    let query = CampaignQuery {
        project_id: params.get("project_id", ProjectId::parse)?,
        platform: params.get("platform", str::parse::<Platform>)?,
        status: params.get("status", str::parse::<CampaignStatus>)?,
        search: params.get("q", |s| Ok::<_, String>(s.to_owned()))?,
        sort: sort.map(|(c, _)| c).unwrap_or_default(),
        descending: sort.is_some_and(|(_, d)| d),
        limit: params
            .get("limit", page_number("limit", MAX_PAGE_SIZE))?
            .unwrap_or(50)
            .max(1),
        offset: params
            .get("offset", page_number("offset", u32::MAX))?
            .unwrap_or(0),
    };
    Ok(Json(state.services.campaigns.list(&query).await?))
}

/// One campaign.
#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns",
    params(("id" = CampaignId, Path)),
    responses((status = 200, body = Campaign), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(state.services.campaigns.get(&campaign_id(&id)?).await?))
}

/// A campaign's daily metrics, in its platform's currency, for a window or all it has.
#[utoipa::path(get, path = "/campaigns/{id}/metrics", tag = "campaigns",
    params(
        ("id" = CampaignId, Path),
        ("from" = Option<chrono::NaiveDate>, Query),
        ("to" = Option<chrono::NaiveDate>, Query),
    ),
    responses((status = 200, body = CampaignMetrics), (status = 404, body = super::ErrorEnvelope)),
)]
async fn metrics(
    State(state): State<AppState>,
    Segment(id): Segment,
    params: Params,
) -> Result<Json<CampaignMetrics>, ApiError> {
    let id = campaign_id(&id)?;
    let from = params.get("from", parse_date)?;
    let to = params.get("to", parse_date)?;
    Ok(Json(state.services.campaigns.metrics(&id, from, to).await?))
}
