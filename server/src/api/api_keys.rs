//! `/api/v1/api-keys`: keys for the REST API and webhooks. A key is shown once, when created.

use super::ApiError;
use super::extract::{ApiJson, Segment};
use crate::auth::api_keys::{self, KeyError};
use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use switchboard_core::ApiKeyId;
use switchboard_core::api_key::ApiKey;
use switchboard_core::validation::FieldErrors;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api-keys", get(list).post(create))
        .route("/api-keys/{id}", delete(revoke))
}

impl From<KeyError> for ApiError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Invalid(m) => ApiError::Validation(FieldErrors::single("name", m)),
            KeyError::Repo(r) => r.into(),
            KeyError::Random => {
                tracing::error!("the random source failed");
                ApiError::Internal
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    name: String,
}

#[derive(Serialize)]
struct Created {
    #[serde(flatten)]
    record: ApiKey,
    /// The key itself: shown this once, stored only as a hash.
    key: String,
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<ApiKey>>, ApiError> {
    Ok(Json(state.services.api_keys.list().await?))
}

async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<NewKey>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (record, key) = api_keys::create(state.services.api_keys.as_ref(), &body.name).await?;
    tracing::info!(key = %record.id, name = %record.name, "API key created");
    Ok((StatusCode::CREATED, Json(Created { record, key })))
}

async fn revoke(State(state): State<AppState>, Segment(id): Segment) -> Result<Json<ApiKey>, ApiError> {
    let id = ApiKeyId::parse(&id).map_err(|_| ApiError::NotFound(format!("no API key '{id}'")))?;
    let key = state.services.api_keys.revoke(&id).await?;
    tracing::info!(key = %key.id, "API key revoked");
    Ok(Json(key))
}
