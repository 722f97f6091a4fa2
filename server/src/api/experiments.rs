//! `/api/v1/stats/ab`: the stateless A/B calculator, up to 10,000 two-arm tests a call, each with
//! the fixed-horizon z-test and intervals and, in sequential mode, the always-valid p-value and
//! interval (README: A/B statistics).

use super::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use serde::Serialize;
use serde_json::Value;
use switchboard_core::stats::calculator::{self, AbResult};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest calculator request: 10,000 tests written out with room to spare.
const CALCULATOR_BODY_MAX: usize = 8 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ab))
        .layer(DefaultBodyLimit::max(CALCULATOR_BODY_MAX))
}

/// One arm's counts.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ArmBody {
    #[schema(minimum = 0, example = 30)]
    conversions: u64,
    #[schema(minimum = 1, example = 1000)]
    visitors: u64,
}

/// One two-arm test: A is the control, every difference is B minus A.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AbTestBody {
    a: ArmBody,
    b: ArmBody,
    /// `fixed` (default) or `sequential` (always-valid, safe to check at every look).
    mode: Option<calculator::TestMode>,
    /// Significance level, 0 to 0.5 (default 0.05).
    #[schema(exclusive_minimum = 0, exclusive_maximum = 0.5, example = 0.05)]
    alpha: Option<f64>,
    /// Sequential mode: the total sample (both arms) the interval is tightest at (default 5000).
    #[schema(minimum = 1, example = 5000)]
    tuning: Option<f64>,
}

/// The tests to work out.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AbRequestBody {
    #[schema(min_items = 1, max_items = 10000)]
    tests: Vec<AbTestBody>,
}

/// Each test's results, in the order asked.
#[derive(Serialize, utoipa::ToSchema)]
struct AbResponse {
    results: Vec<AbResult>,
}

/// Works out two-proportion A/B tests: the pooled z-test, the Wald interval of the difference and
/// the relative lift's delta-method interval; in sequential mode also the always-valid p-value and
/// intervals (GrowthBook's confidence sequences), which decide `significant` and `winner`.
#[utoipa::path(post, path = "/stats/ab", tag = "experiments",
    request_body = AbRequestBody,
    responses(
        (status = 200, body = AbResponse),
        (status = 400, body = super::ErrorEnvelope),
        (status = 413, description = "The body is over 8 MiB.", body = super::ErrorEnvelope),
        (status = 422, description = "A count or setting is wrong; each is named by its test (`tests[3].b.conversions`).", body = super::ErrorEnvelope),
    ),
)]
async fn ab(
    State(state): State<AppState>,
    super::extract::ApiJson(body): super::extract::ApiJson<Value>,
) -> Result<Json<AbResponse>, ApiError> {
    let tests = calculator::parse(&body).map_err(ApiError::Validation)?;
    let results = state.services.experiments.calculate(&tests)?;
    Ok(Json(AbResponse { results }))
}
