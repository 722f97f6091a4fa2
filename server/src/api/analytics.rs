//! `/api/v1/analytics/*`: the reports over the in-memory facts. Every report takes `from`, `to`
//! (ISO dates; the last 30 days by default), `project_id` and `platform`, and answers in the
//! project's currency (or the report currency across projects; `currency` overrides).

use super::ApiError;
use super::extract::{ApiJson, Params};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use switchboard_core::analytics::benchmarks::Benchmarks;
use switchboard_core::analytics::pacing::PacingMode;
use switchboard_core::analytics::pacing_report::PacingReport;
use switchboard_core::analytics::query::{BenchmarkOptions, PacingOptions, PacingPeriod, TrendOptions};
use switchboard_core::analytics::report::{
    CampaignOrder, CampaignTable, CampaignTableQuery, MAX_TABLE_PAGE, MAX_TREND_SERIES, PlatformComparison,
    Summary, Trend, TrendGroup,
};
use switchboard_core::analytics::{Granularity, Metric, RateTable, ReportQuery};
use switchboard_core::campaign::CampaignStatus;
use switchboard_core::time::parse_date;
use switchboard_core::{Currency, Platform, ProjectId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    use super::{analytics_export, sync};
    OpenApiRouter::new()
        .routes(routes!(summary_report))
        .routes(routes!(spend_trend))
        .routes(routes!(platforms))
        .routes(routes!(campaigns))
        .routes(routes!(pacing))
        .routes(routes!(benchmark_report))
        .routes(routes!(analytics_export::export))
        .routes(routes!(sync::overview, sync::sync_now))
        .routes(routes!(sync::set_schedule))
        .routes(routes!(exchange_rates, replace_exchange_rates))
}

/// The parameters every report reads (see [`report_query`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Read as text by `report_query`; this is their description.
pub(crate) struct ReportParams {
    /// First day of the window (`YYYY-MM-DD`); 29 days before `to` by default.
    from: Option<chrono::NaiveDate>,
    /// Last day of the window, inclusive; yesterday by default. At most three years after `from`.
    to: Option<chrono::NaiveDate>,
    /// Only this project's campaigns.
    project_id: Option<ProjectId>,
    /// Only this platform's campaigns.
    platform: Option<Platform>,
    /// The currency of the answer: the project's by default, or the report currency across projects.
    currency: Option<Currency>,
}

/// The parameters every report reads, as a query (a malformed one is refused naming it).
pub(crate) fn report_query(params: &Params) -> Result<ReportQuery, ApiError> {
    Ok(ReportQuery {
        from: params.get("from", parse_date)?,
        to: params.get("to", parse_date)?,
        project_id: params.get("project_id", ProjectId::parse)?,
        platform: params.get("platform", str::parse::<Platform>)?,
        currency: params.get("currency", Currency::parse)?,
    })
}

fn bounded(name: &'static str, max: u32) -> impl Fn(&str) -> Result<u32, String> {
    move |s| match s.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("{name} must be a whole number from 0 to {max}")),
    }
}

/// Totals and KPIs for the window, the previous window of the same length, and each platform.
#[utoipa::path(get, path = "/analytics/summary", tag = "analytics",
    params(ReportParams),
    responses((status = 200, body = Summary), (status = 404, description = "No such project.", body = super::ErrorEnvelope)),
)]
async fn summary_report(State(state): State<AppState>, params: Params) -> Result<Json<Summary>, ApiError> {
    let query = report_query(&params)?;
    Ok(Json(state.services.analytics.summary(&query).await?))
}

/// The platforms side by side for the window, with the previous window's figures.
#[utoipa::path(get, path = "/analytics/platforms", tag = "analytics",
    params(ReportParams),
    responses((status = 200, body = PlatformComparison), (status = 404, description = "No such project.", body = super::ErrorEnvelope)),
)]
async fn platforms(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<PlatformComparison>, ApiError> {
    let query = report_query(&params)?;
    Ok(Json(state.services.analytics.platforms(&query).await?))
}

/// Spend and results over time, by day, week or month, split by platform, campaign or project.
#[utoipa::path(get, path = "/analytics/spend-trend", tag = "analytics",
    params(
        ReportParams,
        ("granularity" = Option<Granularity>, Query, description = "Bucket size; `day` by default."),
        ("group_by" = Option<TrendGroup>, Query, description = "How series are split; `platform` by default."),
        ("limit" = Option<u32>, Query, minimum = 0, maximum = 50, description = "Most series; the rest are summed into `other`. 10 by default."),
    ),
    responses((status = 200, body = Trend), (status = 404, description = "No such project.", body = super::ErrorEnvelope)),
)]
async fn spend_trend(State(state): State<AppState>, params: Params) -> Result<Json<Trend>, ApiError> {
    let granularity = params
        .get("granularity", str::parse::<Granularity>)?
        .unwrap_or_default();
    let group_by = params
        .get("group_by", str::parse::<TrendGroup>)?
        .unwrap_or_default();
    let limit = params
        .get("limit", bounded("limit", MAX_TREND_SERIES as u32))?
        .unwrap_or(10)
        .max(1);
    let query = report_query(&params)?;
    let options = TrendOptions {
        granularity,
        group_by,
        limit: limit as usize,
    };
    Ok(Json(state.services.analytics.trend(&query, options).await?))
}

/// Each campaign's figures for the window: sortable, searchable, paged.
#[utoipa::path(get, path = "/analytics/campaigns", tag = "analytics",
    params(
        ReportParams,
        ("sort" = Option<String>, Query, pattern = "^-?(name|platform|spend|impressions|clicks|conversions|conversion_value|ctr|cpc|cpm|cvr|cpa|roas)$",
            description = "Column to sort by; a leading `-` sorts descending. `-spend` by default."),
        ("limit" = Option<u32>, Query, minimum = 0, maximum = 500, description = "Rows per page; 50 by default."),
        ("offset" = Option<i64>, Query, minimum = 0, maximum = 4_294_967_295_i64, description = "Rows to skip."),
        ("q" = Option<String>, Query, description = "Words in the campaign name."),
        ("status" = Option<CampaignStatus>, Query),
        ("objective" = Option<String>, Query, description = "Only campaigns with this objective."),
        ("active" = Option<bool>, Query, description = "Only campaigns with spend or impressions in the window."),
    ),
    responses((status = 200, body = CampaignTable), (status = 404, description = "No such project.", body = super::ErrorEnvelope)),
)]
async fn campaigns(State(state): State<AppState>, params: Params) -> Result<Json<CampaignTable>, ApiError> {
    let sort = params.get("sort", |s| {
        let (desc, col) = s.strip_prefix('-').map_or((false, s), |c| (true, c));
        col.parse::<CampaignOrder>().map(|c| (c, desc))
    })?;
    let table = CampaignTableQuery {
        order: sort.map_or(CampaignOrder::Metric(Metric::Spend), |(c, _)| c),
        descending: sort.is_none_or(|(_, d)| d),
        limit: params
            .get("limit", bounded("limit", MAX_TABLE_PAGE))?
            .unwrap_or(50)
            .max(1),
        offset: params.get("offset", bounded("offset", u32::MAX))?.unwrap_or(0),
        search: params.get("q", |s| Ok::<_, String>(s.to_owned()))?,
        status: params.get("status", str::parse::<CampaignStatus>)?,
        objective: params.get("objective", |s| Ok::<_, String>(s.to_owned()))?,
        with_activity: params
            .get("active", |s| {
                switchboard_core::validation::parse_flag(s).ok_or("expected true or false")
            })?
            .unwrap_or(false),
    };
    let query = report_query(&params)?;
    Ok(Json(state.services.analytics.campaigns(&query, &table).await?))
}

/// `period`: `month` (default), `week`, `quarter`, or `custom` (the `from` / `to` window); the
/// period holding `as_of` (yesterday by default: today's spend is still coming in).
/// Budget pacing per project and platform for a period: spent, expected, projected, status.
#[utoipa::path(get, path = "/analytics/pacing", tag = "analytics",
    params(
        ReportParams,
        ("period" = Option<String>, Query, pattern = "^(month|week|quarter|custom)$",
            description = "`month` (default), `week`, `quarter`, or `custom` (the `from` / `to` window, which must be given)."),
        ("as_of" = Option<chrono::NaiveDate>, Query, description = "The day pacing is judged on; yesterday by default."),
        ("mode" = Option<PacingMode>, Query, description = "How expected spend accrues through the period."),
    ),
    responses((status = 200, body = PacingReport), (status = 404, description = "No such project.", body = super::ErrorEnvelope)),
)]
async fn pacing(State(state): State<AppState>, params: Params) -> Result<Json<PacingReport>, ApiError> {
    let options = PacingOptions {
        mode: params.get("mode", str::parse::<PacingMode>)?.unwrap_or_default(),
        as_of: params.get("as_of", parse_date)?,
        period: params
            .get("period", |s| match s {
                "month" => Ok(PacingPeriod::Month),
                "week" => Ok(PacingPeriod::Week),
                "quarter" => Ok(PacingPeriod::Quarter),
                "custom" => Ok(PacingPeriod::Custom),
                _ => Err("expected month, week, quarter or custom"),
            })?
            .unwrap_or_default(),
    };
    let query = report_query(&params)?;
    Ok(Json(state.services.analytics.pacing(&query, options).await?))
}

/// Each campaign's KPIs against the median and quartiles of its platform and objective.
#[utoipa::path(get, path = "/analytics/benchmarks", tag = "analytics",
    params(
        ReportParams,
        ("min_impressions" = Option<i64>, Query, minimum = 0, description = "Campaigns with fewer impressions are left out; 100 by default."),
        ("limit" = Option<u32>, Query, minimum = 0, maximum = 500, description = "Most campaigns listed; 100 by default."),
    ),
    responses((status = 200, body = Benchmarks), (status = 404, description = "No such project.", body = super::ErrorEnvelope)),
)]
async fn benchmark_report(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Benchmarks>, ApiError> {
    let min_impressions = params
        .get("min_impressions", |s| match s.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(n as u64),
            _ => Err("expected a whole number from 0"),
        })?
        .unwrap_or(100);
    let limit = params
        .get("limit", bounded("limit", MAX_TABLE_PAGE))?
        .unwrap_or(100);
    let query = report_query(&params)?;
    let options = BenchmarkOptions {
        min_impressions,
        limit: limit as usize,
    };
    Ok(Json(state.services.analytics.benchmarks(&query, options).await?))
}

/// The exchange rates reports convert with, and the report currency across projects.
#[utoipa::path(get, path = "/analytics/exchange-rates", tag = "analytics",
    responses((status = 200, body = RateTable)),
)]
async fn exchange_rates(State(state): State<AppState>) -> Result<Json<RateTable>, ApiError> {
    Ok(Json(state.services.analytics.exchange_rates().await?))
}

/// Replaces the exchange rates and the report currency (which must have a rate).
#[utoipa::path(put, path = "/analytics/exchange-rates", tag = "analytics",
    request_body = RateTable,
    responses((status = 200, body = RateTable)),
)]
async fn replace_exchange_rates(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RateTable>,
) -> Result<Json<RateTable>, ApiError> {
    Ok(Json(state.services.analytics.replace_exchange_rates(body).await?))
}
