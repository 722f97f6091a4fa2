//! `/api/v1/campaigns`

use super::ApiError;
use super::extract::{Params, Segment};
use crate::startup::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use switchboard_core::campaign::{
    Campaign, CampaignPage, CampaignQuery, CampaignSort, CampaignStatus, MAX_PAGE_SIZE,
};
use switchboard_core::metrics::DailyMetric;
use switchboard_core::time::parse_date;
use switchboard_core::{CampaignId, Platform, ProjectId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/campaigns", get(list))
        .route("/campaigns/{id}", get(show))
        .route("/campaigns/{id}/metrics", get(metrics))
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

async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(state.services.campaigns.get(&campaign_id(&id)?).await?))
}

#[derive(Serialize)]
struct MetricsResponse {
    campaign_id: CampaignId,
    currency: String,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    days: Vec<DailyMetric>,
}

async fn metrics(
    State(state): State<AppState>,
    Segment(id): Segment,
    params: Params,
) -> Result<Json<MetricsResponse>, ApiError> {
    let id = campaign_id(&id)?;
    let from = params.get("from", parse_date)?;
    let to = params.get("to", parse_date)?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(ApiError::BadRequest(format!("'to' ({t}) is before 'from' ({f})")));
    }
    let campaign = state.services.campaigns.get(&id).await?;
    let days = state.services.metrics.campaign_daily(&id, from, to).await?;
    Ok(Json(MetricsResponse {
        campaign_id: id,
        currency: campaign.currency.to_string(),
        from,
        to,
        days,
    }))
}
