//! What every HTTP handler can reach.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use switchboard_core::service::Services;

/// What every handler can reach: the application services and the guard's access control.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The application services: what the REST API and the server functions call.
    pub services: Services,
    /// The address the server is reached at (`SWITCHBOARD_PUBLIC_URL`), for the Origin checks.
    pub public_url: String,
    /// Sessions, API keys and rate limits.
    pub access: Arc<crate::auth::access::Access>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
