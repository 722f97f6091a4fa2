//! The browser's side of connecting a live account: `/oauth/{platform}/start` (the Connect form
//! sends the user here; we send them on to the platform) and `/oauth/{platform}/callback` (the
//! platform sends them back). Both end on the Connections page, with what happened in its address.

use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use std::collections::HashMap;
use switchboard_core::Platform;
use switchboard_core::connection::{AuthorizeInput, OAuthCallback};

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
    match state.services.connections.authorize(input).await {
        Ok(authorize) => Redirect::to(&authorize.authorization_url),
        Err(e) => back("error", &e.to_string()),
    }
}

/// `/oauth/{platform}/callback?code=…&state=…`, or `?error=…` when the user declined.
pub async fn callback(
    State(state): State<AppState>,
    Path(platform): Path<String>,
    Query(callback): Query<OAuthCallback>,
) -> Redirect {
    let Ok(platform) = platform.parse::<Platform>() else {
        return back("error", "the platform in the callback address is unknown");
    };
    match state
        .services
        .connections
        .complete_authorization(platform, callback, ACTOR)
        .await
    {
        Ok(connection) => back("connected", connection.id.as_str()),
        Err(e) => back("error", &e.to_string()),
    }
}
