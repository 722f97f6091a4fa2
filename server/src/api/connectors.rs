//! `/api/v1/connectors`: the platforms, their tools with schemas, and running one tool.

use super::ApiError;
use super::extract::ApiJson;
use crate::startup::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_core::Platform;
use switchboard_core::connectors::{ToolSpec, catalog};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connectors", get(list))
        .route("/connectors/{platform}/tools/{tool}", post(run))
}

#[derive(Serialize)]
struct Connector {
    platform: Platform,
    label: &'static str,
    tools: &'static [ToolSpec],
}

async fn list() -> Json<Vec<Connector>> {
    Json(
        Platform::ALL
            .into_iter()
            .filter(|p| !catalog(*p).is_empty())
            .map(|platform| Connector {
                platform,
                label: platform.label(),
                tools: catalog(platform),
            })
            .collect(),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    connection_id: String,
    #[serde(default = "empty_object")]
    params: Value,
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

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
        .tools
        .run(platform, &tool, &connection, request.params)
        .await?;
    Ok(Json(result))
}
