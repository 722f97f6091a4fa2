//! `/api/v1/analytics/*`: the reports over the in-memory facts. Every report takes `from`, `to`
//! (ISO dates; the last 30 days by default), `project_id` and `platform`, and answers in the
//! project's currency (or the report currency across projects; `currency` overrides).

use super::ApiError;
use super::extract::{ApiJson, Params};
use crate::startup::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/analytics/summary", get(summary_report))
        .route("/analytics/spend-trend", get(spend_trend))
        .route("/analytics/platforms", get(platforms))
        .route("/analytics/campaigns", get(campaigns))
        .route("/analytics/pacing", get(pacing))
        .route("/analytics/benchmarks", get(benchmark_report))
        .route("/analytics/export", get(super::analytics_export::export))
        .route(
            "/analytics/sync",
            get(super::analytics_sync::overview).post(super::analytics_sync::sync_now),
        )
        .route(
            "/analytics/sync/schedule",
            axum::routing::put(super::analytics_sync::set_schedule),
        )
        .route(
            "/analytics/exchange-rates",
            get(exchange_rates).put(replace_exchange_rates),
        )
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

async fn summary_report(State(state): State<AppState>, params: Params) -> Result<Json<Summary>, ApiError> {
    let req = report_request(&state, &params).await?;
    let out = compute(req, |r| {
        summary(&r.snapshot.source(&r.scope, r.currency), r.range)
    })
    .await?;
    Ok(Json(out))
}

#[derive(Serialize)]
struct PlatformComparison {
    range: DateRange,
    previous_range: DateRange,
    currency: Currency,
    platforms: Vec<PlatformFigures>,
    missing_rates: Vec<Currency>,
}

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

async fn benchmark_report(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Benchmarks>, ApiError> {
    let min_impressions = params
        .get("min_impressions", |s| {
            s.parse::<u64>().map_err(|_| "expected a whole number")
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

#[derive(Serialize, Deserialize)]
struct RatesBody {
    /// The currency of reports across projects.
    report_currency: Currency,
    /// Units of each currency per US dollar, from a date on.
    rates: Vec<ExchangeRate>,
}

async fn exchange_rates(State(state): State<AppState>) -> Result<Json<RatesBody>, ApiError> {
    let snapshot = state.services.analytics.snapshot().await?;
    Ok(Json(RatesBody {
        report_currency: snapshot.report_currency,
        rates: snapshot.rates.rows(),
    }))
}

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
