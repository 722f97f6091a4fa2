//! The browser's side of connecting a live account: `/oauth/{platform}/start` (the Connect form
//! sends the user here; we send them on to the platform) and `/oauth/{platform}/callback` (the
//! platform sends them back). Both end on the Connections page, with what happened in its address.

use crate::startup::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use serde::Deserialize;
use std::collections::HashMap;
use switchboard_core::Platform;
use switchboard_core::connection::AuthorizeInput;

const ACTOR: &str = "user";

/// `/connections` with a message for the page (`connected=` or `error=`).
fn back(key: &str, value: &str) -> Redirect {
    let mut url = reqwest::Url::parse("http://switchboard.invalid/connections").expect("a fixed URL parses");
    url.query_pairs_mut().append_pair(key, value);
    Redirect::to(&format!("{}?{}", url.path(), url.query().unwrap_or_default()))
}

/// `/oauth/{platform}/start?project_id=…&account_id=…`
pub async fn start(
    State(state): State<AppState>,
    Path(platform): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Redirect {
    start_for(&state, platform, &query).await
}

/// `/oauth/start?platform=…&project_id=…`: the Connections page's form, which picks the platform
/// in a field.
pub async fn start_from_form(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Redirect {
    let platform = query.get("platform").cloned().unwrap_or_default();
    start_for(&state, platform, &query).await
}

async fn start_for(state: &AppState, platform: String, query: &HashMap<String, String>) -> Redirect {
    let field = |name: &str| query.get(name).cloned();
    let input = AuthorizeInput {
        project_id: field("project_id").unwrap_or_default(),
        platform,
        account_id: field("account_id").unwrap_or_default(),
        name: field("name"),
        api_base_url: field("api_base_url"),
        api_version: field("api_version"),
        login_customer_id: field("login_customer_id"),
    };
    let draft = match input.validate() {
        Ok(draft) => draft,
        Err(errors) => return back("error", &errors.to_string()),
    };
    match state.live.authorize(draft).await {
        Ok(authorize) => Redirect::to(&authorize.authorization_url),
        Err(e) => {
            tracing::warn!(error = %e, "cannot start an authorization");
            back("error", &e.to_string())
        }
    }
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// Meta's name for the reason.
    error_reason: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    Path(platform): Path<String>,
    Query(callback): Query<Callback>,
) -> Redirect {
    let Ok(platform) = platform.parse::<Platform>() else {
        return back("error", "the platform in the callback address is unknown");
    };
    if let Some(error) = callback.error {
        let reason = callback
            .error_description
            .or(callback.error_reason)
            .unwrap_or(error);
        if let Some(s) = callback.state.as_deref() {
            // The authorization is over either way.
            let _ = state.live.abandon(s).await;
        }
        return back(
            "error",
            &format!("{} did not authorize Switchboard: {reason}", platform.label()),
        );
    }
    let (Some(code), Some(s)) = (callback.code, callback.state) else {
        return back("error", "the platform's callback had no code or state");
    };
    match state.live.complete(platform, &s, &code, ACTOR).await {
        Ok(connection) => back("connected", connection.id.as_str()),
        Err(e) => {
            tracing::warn!(error = %e, %platform, "authorization failed");
            back("error", &e.to_string())
        }
    }
}
