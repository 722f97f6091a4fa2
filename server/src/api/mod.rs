//! The public REST API under `/api/v1`: JSON in and out, errors as `{"error": {"code", "message"}}`.

mod analytics;
mod analytics_export;
mod analytics_sync;
mod api_keys;
mod campaigns;
mod connections;
mod connectors;
mod error;
mod executions;
mod extract;
mod hooks_inbound;
mod notifications;
mod projects;
mod webhooks;
mod workflows;

pub use error::ApiError;

use crate::startup::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(projects::router())
        .merge(campaigns::router())
        .merge(analytics::router())
        .merge(connections::router())
        .merge(connectors::router())
        .merge(workflows::router())
        .merge(executions::router())
        .merge(webhooks::router())
        .merge(api_keys::router())
        .merge(notifications::router())
        .route("/hooks/{id}", axum::routing::post(hooks_inbound::receive))
        .fallback(|| async { ApiError::NotFound("no such API route".to_owned()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}
