//! `/api/v1/connectors`: the platforms, their tools with schemas, and running one tool.

use super::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;
use switchboard_core::Platform;
use switchboard_core::connection::Connector;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(run))
}

/// The platforms and their tools, each with the JSON Schema of its parameters and of its result.
#[utoipa::path(get, path = "/connectors", tag = "connectors",
    responses((status = 200, body = Vec<Connector>)),
)]
async fn list(State(state): State<AppState>) -> Json<Vec<Connector>> {
    Json(state.services.connections.catalogue())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    /// The connection (of the tool's platform) to run the tool on.
    #[schema(value_type = switchboard_core::ConnectionId)]
    connection_id: String,
    /// The tool's parameters, as its `params` schema describes; `{}` by default.
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    params: Value,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// Runs one tool on a connection: test mode answers from the seeded account, live mode calls the
/// platform. The answer is in the platform's own shape and units.
#[utoipa::path(post, path = "/connectors/{platform}/tools/{tool}", tag = "connectors",
    params(("platform" = Platform, Path), ("tool" = String, Path, description = "The tool's name, as `/connectors` lists it.")),
    request_body = RunRequest,
    responses(
        (status = 200, description = "The platform's answer.", body = Object),
        (status = 404, description = "No such platform, tool or connection.", body = super::ErrorEnvelope),
        (status = 422, description = "The parameters do not match the tool's schema.", body = super::ErrorEnvelope),
        (status = 502, description = "The platform answered with an error.", body = super::ErrorEnvelope),
    ),
)]
async fn run(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    ApiJson(request): ApiJson<RunRequest>,
) -> Result<Json<Value>, ApiError> {
    let Path((platform, tool)) = path.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let platform: Platform = platform
        .parse()
        .map_err(|e: switchboard_core::ParseError| ApiError::NotFound(e.to_string()))?;
    let connection = super::connections::connection_id(&request.connection_id)?;
    let result = state
        .services
        .connections
        .run_tool(platform, &tool, &connection, request.params)
        .await?;
    Ok(Json(result))
}
