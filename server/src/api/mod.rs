//! The public REST API under `/api/v1`: JSON in and out, errors as `{"error": {"code", "message"}}`.

mod analytics;
mod analytics_export;
mod api_keys;
mod approvals;
mod campaigns;
mod connections;
mod connectors;
mod error;
mod executions;
mod experiments;
mod extract;
mod hooks_inbound;
mod memories;
mod notifications;
mod openapi;
mod projects;
mod sync;
mod webhooks;
mod workflows;

pub use error::{ApiError, ErrorEnvelope};
pub use openapi::DOCUMENT_PATH;

use crate::state::AppState;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes to nest under `/api/v1`, and their OpenAPI document (paths already under `/api/v1`).
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(projects::router())
        .merge(campaigns::router())
        .merge(analytics::router())
        .merge(connections::router())
        .merge(connectors::router())
        .merge(workflows::router())
        .merge(executions::router())
        .merge(approvals::router())
        .merge(memories::router())
        .merge(experiments::router())
        .merge(webhooks::router())
        .merge(api_keys::router())
        .merge(notifications::router())
        .routes(routes!(hooks_inbound::receive))
        .split_for_parts();
    let router = router
        .fallback(|| async { ApiError::NotFound("no such API route".to_owned()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    (router, openapi::finish(doc))
}
