//! `/api/v1/experiments` (A/B tests on platform objects: create, list, get, change, delete, start,
//! stop, results, apply), `/api/v1/stats/ab` (the stateless A/B calculator, up to 10,000 two-arm tests a
//! call, fixed-horizon and always-valid) and `/api/v1/stats/power` (visitors and days a test needs).
//! README: A/B statistics, Experiments.

use super::ApiError;
use super::extract::{Params, Segment};
use crate::auth::access::Caller;
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::Value;
use switchboard_core::experiments::input;
use switchboard_core::experiments::{Experiment, ExperimentFilter, ExperimentStatus};
use switchboard_core::ids::ExperimentId;
use switchboard_core::service::experiments::{ExperimentPage, ExperimentResults};
use switchboard_core::stats::calculator::{self, AbResult};
use switchboard_core::stats::power::PowerPlan;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest calculator request: 10,000 tests written out with room to spare.
const CALCULATOR_BODY_MAX: usize = 8 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    let calculator = OpenApiRouter::new()
        .routes(routes!(ab))
        .layer(DefaultBodyLimit::max(CALCULATOR_BODY_MAX));
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, change, remove))
        .routes(routes!(start))
        .routes(routes!(stop))
        .routes(routes!(apply))
        .routes(routes!(results))
        .routes(routes!(power))
        .merge(calculator)
}

fn who(caller: Option<Extension<Caller>>) -> String {
    caller.map_or_else(|| "api".to_owned(), |Extension(c)| c.who())
}

fn experiment_id(id: &str) -> Result<ExperimentId, ApiError> {
    ExperimentId::parse(id).map_err(|_| ApiError::NotFound(format!("experiment '{id}' was not found")))
}

/// An experiment to create: two to ten variants, each a campaign of the project on the platform
/// (by its platform id); the first is the control unless another is marked.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct NewExperimentBody {
    #[schema(example = "proj_0001")]
    project_id: String,
    #[schema(max_length = 120, example = "Benefit headline")]
    name: String,
    #[schema(max_length = 1000)]
    hypothesis: Option<String>,
    platform: switchboard_core::Platform,
    /// `campaigns` (ad groups and ads are not read yet).
    level: Option<switchboard_core::experiments::Level>,
    /// `cvr` (conversions per click), `ctr`, `cpa` (cost per conversion) or `rpc` (revenue per click).
    metric: switchboard_core::experiments::ExperimentMetric,
    guardrails: Option<Vec<switchboard_core::experiments::Guardrail>>,
    #[schema(minimum = 1e-10, exclusive_maximum = 0.5)]
    alpha: Option<f64>,
    /// `sequential` (default: always valid, decided as soon as the rule says so) or `fixed`.
    mode: Option<switchboard_core::experiments::DecisionMode>,
    /// Visitors per variant: fixed mode reads the test there (required); sequential tunes to it.
    #[schema(minimum = 1)]
    planned_per_arm: Option<u64>,
    auto_apply: Option<bool>,
    #[schema(min_items = 2, max_items = 10)]
    variants: Vec<NewVariantBody>,
    /// The first day of results counted (default: the day it starts); not after today.
    #[schema(example = "2026-11-01")]
    started_on: Option<String>,
    /// Start it now (default: a draft).
    start: Option<bool>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct NewVariantBody {
    /// The platform's id of an existing campaign, ad group or ad (or give `pin_id`).
    #[schema(max_length = 64, example = "687194767360")]
    object_id: Option<String>,
    /// Pinterest ad tests: a Pin to promote as a new ad in the control's ad group (made when the
    /// experiment is created; the control must be an existing ad).
    #[schema(max_length = 64, example = "813744226420795884")]
    pin_id: Option<String>,
    #[schema(max_length = 120)]
    name: Option<String>,
    #[schema(exclusive_minimum = 0)]
    weight: Option<f64>,
    control: Option<bool>,
}

/// Experiments, newest first, with the headline of each one's latest evaluation.
#[utoipa::path(get, path = "/experiments", tag = "experiments",
    params(
        ("project_id" = Option<String>, Query),
        ("status" = Option<ExperimentStatus>, Query),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 200),
        ("offset" = Option<u32>, Query, minimum = 0, maximum = 2147483647),
    ),
    responses((status = 200, body = ExperimentPage), (status = 400, body = super::ErrorEnvelope)),
)]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<ExperimentPage>, ApiError> {
    let filter = ExperimentFilter {
        project_id: params.get("project_id", switchboard_core::ProjectId::parse)?,
        status: params.get("status", |s| s.parse::<ExperimentStatus>())?,
        limit: params
            .get("limit", |s| match s.parse::<u32>() {
                Ok(n @ 1..=200) => Ok(n),
                _ => Err("must be a whole number from 1 to 200"),
            })?
            .unwrap_or(50),
        offset: params
            .get("offset", |s| match s.parse::<u32>() {
                Ok(n) if n <= 2_147_483_647 => Ok(n),
                _ => Err("must be a whole number, 0 or more"),
            })?
            .unwrap_or(0),
    };
    Ok(Json(state.services.experiments.list(&filter).await?))
}

/// Creates an experiment: a draft, or running with `"start": true`.
#[utoipa::path(post, path = "/experiments", tag = "experiments",
    request_body = NewExperimentBody,
    responses(
        (status = 201, body = Experiment),
        (status = 400, body = super::ErrorEnvelope),
        (status = 422, description = "A field is wrong; each is named (`variants[1].object_id`).", body = super::ErrorEnvelope),
    ),
)]
async fn create(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    super::extract::ApiJson(body): super::extract::ApiJson<Value>,
) -> Result<(StatusCode, Json<Experiment>), ApiError> {
    let new = input::parse_new(&body).map_err(ApiError::Validation)?;
    let e = state.services.experiments.create(new, &who(caller)).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

/// One experiment.
#[utoipa::path(get, path = "/experiments/{id}", tag = "experiments",
    params(("id" = String, Path, example = "exp_0001")),
    responses((status = 200, body = Experiment), (status = 404, body = super::ErrorEnvelope)),
)]
async fn show(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<Experiment>, ApiError> {
    Ok(Json(state.services.experiments.get(&experiment_id(&id)?).await?))
}

/// Changes an experiment's `name`, `hypothesis`, `auto_apply`, `alpha` or `guardrails`.
#[utoipa::path(patch, path = "/experiments/{id}", tag = "experiments",
    params(("id" = String, Path, example = "exp_0001")),
    request_body = Object,
    responses((status = 200, body = Experiment), (status = 404, body = super::ErrorEnvelope), (status = 409, body = super::ErrorEnvelope), (status = 422, body = super::ErrorEnvelope)),
)]
async fn change(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Segment(id): Segment,
    super::extract::ApiJson(body): super::extract::ApiJson<Value>,
) -> Result<Json<Experiment>, ApiError> {
    let id = experiment_id(&id)?;
    let patch = input::parse_patch(&body).map_err(ApiError::Validation)?;
    Ok(Json(
        state
            .services
            .experiments
            .update(&id, patch, &who(caller))
            .await?,
    ))
}

/// Deletes an experiment that is not running (stop it first), with its results and history.
#[utoipa::path(delete, path = "/experiments/{id}", tag = "experiments",
    params(("id" = String, Path, example = "exp_0001")),
    responses((status = 204, description = "Deleted."), (status = 404, body = super::ErrorEnvelope), (status = 409, body = super::ErrorEnvelope)),
)]
async fn remove(State(state): State<AppState>, Segment(id): Segment) -> Result<StatusCode, ApiError> {
    state.services.experiments.delete(&experiment_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts a draft (or a stopped experiment again): its results count from `started_on`, or today.
#[utoipa::path(post, path = "/experiments/{id}/start", tag = "experiments",
    params(("id" = String, Path, example = "exp_0001")),
    responses((status = 200, body = Experiment), (status = 404, body = super::ErrorEnvelope), (status = 409, body = super::ErrorEnvelope)),
)]
async fn start(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Segment(id): Segment,
) -> Result<Json<Experiment>, ApiError> {
    Ok(Json(
        state
            .services
            .experiments
            .start(&experiment_id(&id)?, &who(caller))
            .await?,
    ))
}

/// Stops a running experiment without a decision.
#[utoipa::path(post, path = "/experiments/{id}/stop", tag = "experiments",
    params(("id" = String, Path, example = "exp_0001")),
    responses((status = 200, body = Experiment), (status = 404, body = super::ErrorEnvelope), (status = 409, body = super::ErrorEnvelope)),
)]
async fn stop(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Segment(id): Segment,
) -> Result<Json<Experiment>, ApiError> {
    Ok(Json(
        state
            .services
            .experiments
            .stop(&experiment_id(&id)?, &who(caller))
            .await?,
    ))
}

/// Applies a decided experiment's winner: starts a durable run (the project's "Apply A/B test
/// winners" workflow) that pauses the losing variants and moves their daily budget to the winner,
/// through the platform's tools. `applied_by` names the run (follow it at
/// `/api/v1/executions/{run}`); the status becomes `applied` when the run completes. Asked again
/// while the run goes on, or once applied, it answers the experiment as it is.
#[utoipa::path(post, path = "/experiments/{id}/apply", tag = "experiments",
    params(("id" = String, Path, example = "exp_0001")),
    responses((status = 202, body = Experiment, description = "The run that applies it is going (or done)."),
              (status = 404, body = super::ErrorEnvelope),
              (status = 409, body = super::ErrorEnvelope, description = "Not decided, or decided without a winner.")),
)]
async fn apply(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    Segment(id): Segment,
) -> Result<(StatusCode, Json<Experiment>), ApiError> {
    let e = state
        .services
        .experiments
        .apply(&experiment_id(&id)?, &who(caller))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(e)))
}

/// The experiment's results: per-variant totals, each variant against the control, the lift over
/// time, the sample-ratio check, the decision and its history. A running experiment is read from
/// the synced platform data and evaluated first (and decided when its rule says so).
#[utoipa::path(get, path = "/experiments/{id}/results", tag = "experiments",
    params(("id" = String, Path, example = "exp_0001")),
    responses((status = 200, body = ExperimentResults), (status = 404, body = super::ErrorEnvelope)),
)]
async fn results(
    State(state): State<AppState>,
    Segment(id): Segment,
) -> Result<Json<ExperimentResults>, ApiError> {
    Ok(Json(
        state.services.experiments.results(&experiment_id(&id)?).await?,
    ))
}

/// What a test is planned for.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct PowerBody {
    /// The control's rate now (0.03 for 3%).
    #[schema(exclusive_minimum = 0, exclusive_maximum = 1, example = 0.03)]
    baseline: f64,
    /// The smallest relative lift worth finding (0.2 for +20%).
    #[schema(example = 0.2)]
    relative_lift: f64,
    #[schema(minimum = 1, example = 1000)]
    daily_visitors_per_arm: f64,
    #[schema(minimum = 1e-10, exclusive_maximum = 0.5)]
    alpha: Option<f64>,
    #[schema(exclusive_minimum = 0, exclusive_maximum = 1)]
    power: Option<f64>,
}

/// How many visitors per variant, and days, a test needs to find a lift: fixed horizon
/// (statsmodels' `NormalIndPower`) and sequential.
#[utoipa::path(post, path = "/stats/power", tag = "experiments",
    request_body = PowerBody,
    responses((status = 200, body = PowerPlan), (status = 400, body = super::ErrorEnvelope), (status = 422, body = super::ErrorEnvelope)),
)]
async fn power(
    State(state): State<AppState>,
    super::extract::ApiJson(body): super::extract::ApiJson<Value>,
) -> Result<Json<PowerPlan>, ApiError> {
    let input = switchboard_core::stats::power::parse(&body).map_err(ApiError::Validation)?;
    Ok(Json(state.services.experiments.plan(input)?))
}

/// One arm's counts.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ArmBody {
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_u64, example = 30)]
    conversions: u64,
    #[schema(minimum = 1, maximum = 1_000_000_000_000_000_u64, example = 1000)]
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
    #[schema(minimum = 1e-10, exclusive_maximum = 0.5, example = 0.05)]
    alpha: Option<f64>,
    /// Sequential mode: the total sample (both arms) the interval is tightest at (default 5000).
    #[schema(minimum = 1, maximum = 2e15, example = 5000)]
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
    super::extract::JsonBytes(body): super::extract::JsonBytes,
) -> Result<Json<AbResponse>, ApiError> {
    let tests = calculator::parse_bytes(&body).map_err(|e| match e {
        calculator::BodyError::NotJson(why) => {
            ApiError::BadRequest(format!("Failed to parse the request body as JSON: {why}"))
        }
        calculator::BodyError::Invalid(errors) => ApiError::Validation(errors),
    })?;
    let results = state.services.experiments.calculate(&tests)?;
    Ok(Json(AbResponse { results }))
}
