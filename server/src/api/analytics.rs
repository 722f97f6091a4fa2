//! `/api/v1/analytics/*`: the reports over the in-memory facts. Every report takes `from`, `to`
//! (ISO dates; the last 30 days by default), `project_id` and `platform`, and answers in the
//! project's currency (or the report currency across projects; `currency` overrides).

use super::ApiError;
use super::extract::{ApiJson, Params};
use crate::startup::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use switchboard_core::analytics::benchmarks::{Benchmarks, benchmarks};
use switchboard_core::analytics::pacing::PacingMode;
use switchboard_core::analytics::pacing_report::{PacingReport, pacing_report};
use switchboard_core::analytics::report::{
    CampaignOrder, CampaignTable, CampaignTableQuery, MAX_TABLE_PAGE, MAX_TREND_SERIES, PlatformFigures,
    Summary, Trend, TrendGroup, campaign_table, summary, trend,
};
use switchboard_core::analytics::{DateRange, ExchangeRate, Granularity, Metric, Scope, Snapshot};
use switchboard_core::campaign::CampaignStatus;
use switchboard_core::time::parse_date;
use switchboard_core::{Currency, Platform, ProjectId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    use super::{analytics_export, analytics_sync};
    OpenApiRouter::new()
        .routes(routes!(summary_report))
        .routes(routes!(spend_trend))
        .routes(routes!(platforms))
        .routes(routes!(campaigns))
        .routes(routes!(pacing))
        .routes(routes!(benchmark_report))
        .routes(routes!(analytics_export::export))
        .routes(routes!(analytics_sync::overview, analytics_sync::sync_now))
        .routes(routes!(analytics_sync::set_schedule))
        .routes(routes!(exchange_rates, replace_exchange_rates))
}

/// The parameters every report reads (see [`report_request`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Read as text by `report_request`; this is their description.
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

/// What every report request names: the window, the campaigns, the currency.
pub(crate) struct ReportRequest {
    pub snapshot: Arc<Snapshot>,
    pub range: DateRange,
    pub scope: Scope,
    pub currency: Currency,
}

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

pub(crate) async fn report_request(state: &AppState, params: &Params) -> Result<ReportRequest, ApiError> {
    // Each date on its own first, so an empty or malformed one is named.
    params.get("from", parse_date)?;
    params.get("to", parse_date)?;
    let text = |name: &str| params.0.get(name).map(String::as_str);
    let range = DateRange::parse(text("from"), text("to"), today())
        .map_err(|e| ApiError::BadRequest(format!("query parameters 'from' / 'to': {e}")))?;
    let project_id = params.get("project_id", ProjectId::parse)?;
    let platform = params.get("platform", str::parse::<Platform>)?;
    let currency = params.get("currency", Currency::parse)?;
    let snapshot = state.services.analytics.snapshot().await?;
    if let Some(id) = &project_id
        && snapshot.project(id).is_none()
    {
        return Err(ApiError::NotFound(format!("no project '{id}'")));
    }
    let currency = currency.unwrap_or_else(|| snapshot.currency_for(project_id.as_ref()));
    if snapshot.rates.per_usd(currency, range.to).is_none() {
        return Err(ApiError::BadRequest(format!(
            "query parameter 'currency': there is no exchange rate for {currency}; add one under /api/v1/analytics/exchange-rates"
        )));
    }
    Ok(ReportRequest {
        snapshot,
        range,
        scope: Scope { project_id, platform },
        currency,
    })
}

/// Runs a report off the async threads (a large window reads a million rows).
async fn compute<T: Send + 'static>(
    req: ReportRequest,
    f: impl FnOnce(&ReportRequest) -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || f(&req)).await.map_err(|e| {
        tracing::error!(error = %e, "a report failed");
        ApiError::Internal
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
    let req = report_request(&state, &params).await?;
    let out = compute(req, |r| {
        summary(&r.snapshot.source(&r.scope, r.currency), r.range)
    })
    .await?;
    Ok(Json(out))
}

#[derive(Serialize, utoipa::ToSchema)]
struct PlatformComparison {
    range: DateRange,
    previous_range: DateRange,
    currency: Currency,
    platforms: Vec<PlatformFigures>,
    missing_rates: Vec<Currency>,
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
    let req = report_request(&state, &params).await?;
    let s = compute(req, |r| {
        summary(&r.snapshot.source(&r.scope, r.currency), r.range)
    })
    .await?;
    Ok(Json(PlatformComparison {
        range: s.range,
        previous_range: s.previous_range,
        currency: s.currency,
        platforms: s.platforms,
        missing_rates: s.missing_rates,
    }))
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
    let req = report_request(&state, &params).await?;
    let out = compute(req, move |r| {
        let mut t = trend(
            &r.snapshot.source(&r.scope, r.currency),
            r.range,
            granularity,
            group_by,
            limit as usize,
        );
        if group_by == TrendGroup::Project {
            for s in &mut t.series {
                if let Some(p) = ProjectId::parse(&s.key)
                    .ok()
                    .and_then(|id| r.snapshot.project(&id))
                {
                    s.label = p.name.clone();
                }
            }
        }
        t
    })
    .await?;
    Ok(Json(out))
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
    let query = CampaignTableQuery {
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
            .get("active", |s| match s {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err("expected true or false"),
            })?
            .unwrap_or(false),
    };
    let req = report_request(&state, &params).await?;
    let out = compute(req, move |r| {
        campaign_table(&r.snapshot.source(&r.scope, r.currency), r.range, &query)
    })
    .await?;
    Ok(Json(out))
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
    let mode = params.get("mode", str::parse::<PacingMode>)?.unwrap_or_default();
    let as_of = params
        .get("as_of", parse_date)?
        .unwrap_or_else(|| today().pred_opt().unwrap_or_else(today));
    let kind = params.get("period", |s| match s {
        "month" | "week" | "quarter" | "custom" => Ok(s.to_owned()),
        _ => Err("expected month, week, quarter or custom"),
    })?;
    let custom = kind.as_deref() == Some("custom");
    let req = report_request(&state, &params).await?;
    let period = match kind.as_deref() {
        Some("custom") => req.range,
        Some("week") => DateRange::week_of(as_of),
        Some("quarter") => DateRange::quarter_of(as_of),
        _ => DateRange::month_of(as_of),
    };
    if custom && !params.0.contains_key("from") {
        return Err(ApiError::BadRequest(
            "query parameter 'period': custom needs 'from' and 'to'".to_owned(),
        ));
    }
    let out = compute(req, move |r| {
        pacing_report(
            &r.snapshot.source(&r.scope, r.currency),
            &r.snapshot.rates,
            period,
            as_of,
            mode,
            &r.snapshot.projects,
        )
    })
    .await?;
    Ok(Json(out))
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
    let req = report_request(&state, &params).await?;
    let out = compute(req, move |r| {
        benchmarks(
            &r.snapshot.source(&r.scope, r.currency),
            r.range,
            min_impressions,
            limit as usize,
        )
    })
    .await?;
    Ok(Json(out))
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
struct RatesBody {
    /// The currency of reports across projects.
    report_currency: Currency,
    /// Units of each currency per US dollar, from a date on.
    rates: Vec<ExchangeRate>,
}

/// The exchange rates reports convert with, and the report currency across projects.
#[utoipa::path(get, path = "/analytics/exchange-rates", tag = "analytics",
    responses((status = 200, body = RatesBody)),
)]
async fn exchange_rates(State(state): State<AppState>) -> Result<Json<RatesBody>, ApiError> {
    let snapshot = state.services.analytics.snapshot().await?;
    Ok(Json(RatesBody {
        report_currency: snapshot.report_currency,
        rates: snapshot.rates.rows(),
    }))
}

/// Replaces the exchange rates and the report currency (which must have a rate).
#[utoipa::path(put, path = "/analytics/exchange-rates", tag = "analytics",
    request_body = RatesBody,
    responses((status = 200, body = RatesBody)),
)]
async fn replace_exchange_rates(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RatesBody>,
) -> Result<Json<RatesBody>, ApiError> {
    let mut checked = Vec::with_capacity(body.rates.len());
    for (i, r) in body.rates.into_iter().enumerate() {
        checked.push(
            ExchangeRate::new(r.currency, r.effective_from, r.per_usd)
                .map_err(|e| ApiError::BadRequest(format!("rates[{i}]: {e}")))?,
        );
    }
    let table = switchboard_core::analytics::ExchangeRates::new(checked.clone());
    if table.per_usd(body.report_currency, today()).is_none() {
        return Err(ApiError::BadRequest(format!(
            "report_currency: there is no rate for {}",
            body.report_currency
        )));
    }
    state.services.analytics.replace_exchange_rates(&checked).await?;
    state
        .services
        .analytics
        .set_report_currency(body.report_currency)
        .await?;
    exchange_rates(State(state)).await
}
