//! `/api/v1/api-keys`: keys for the REST API and webhooks. A key is shown once, when created.

use super::ApiError;
use super::extract::{ApiJson, Segment};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_core::ApiKeyId;
use switchboard_core::api_key::{ApiKey, IssuedKey};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewKey {
    /// What the key is for, such as the system that will use it; at most 80 characters.
    #[schema(min_length = 1, pattern = r"\S", example = "Zapier")]
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Created {
    #[serde(flatten)]
    record: ApiKey,
    /// The key itself: shown this once, stored only as a hash.
    key: String,
}

/// The API keys (never the keys themselves): name, prefix, creation, last use, revocation.
#[utoipa::path(get, path = "/api-keys", tag = "api-keys",
    responses((status = 200, body = Vec<ApiKey>)),
)]
async fn list(State(state): State<AppState>) -> Result<Json<Vec<ApiKey>>, ApiError> {
    Ok(Json(state.services.api_keys.list().await?))
}

/// Creates a key. The answer holds the key itself; it is shown this once and stored only as a hash.
#[utoipa::path(post, path = "/api-keys", tag = "api-keys",
    request_body = NewKey,
    responses((status = 201, body = Created), (status = 422, description = "The name is not valid.", body = super::ErrorEnvelope)),
)]
async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<NewKey>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let IssuedKey { record, key } = state.services.api_keys.create(&body.name).await?;
    Ok((StatusCode::CREATED, Json(Created { record, key })))
}

/// Revokes a key: requests with it are refused from now on.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "api-keys",
    params(("id" = ApiKeyId, Path)),
    responses((status = 200, body = ApiKey), (status = 404, body = super::ErrorEnvelope)),
)]
async fn revoke(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<ApiKey>, ApiError> {
    let id = ApiKeyId::parse(&id).map_err(|_| ApiError::NotFound(format!("no API key '{id}'")))?;
    Ok(Json(state.services.api_keys.revoke(&id).await?))
}
