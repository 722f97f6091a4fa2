//! Connections and the tool explorer: list, add a test account, check, disconnect; the tools of a
//! connection's platform with their schemas, and running one from a generated form.

use crate::error::AppError;
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_core::connection::Connection;
pub use switchboard_core::connection::{
    ConnectionItem, ConnectionsOverview, ExplorerData, ProjectChoice, ToolInfo, ToolRun,
};

#[cfg(feature = "ssr")]
const ACTOR: &str = "user";

#[cfg(feature = "ssr")]
fn parse_connection_id(id: &str) -> Result<switchboard_core::ConnectionId, AppError> {
    switchboard_core::ConnectionId::parse(id.trim())
        .map_err(|_| AppError::NotFound(format!("connection '{id}' was not found")))
}

#[server]
pub async fn get_connections() -> Result<ConnectionsOverview, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.connections.overview().await?) }.await).await
}

/// Adds a test-mode account (a generated, stateful account) to a project. Without JavaScript,
/// what was typed waits for the page in the flash store when the form answers an error.
#[server]
pub async fn create_test_connection(
    project_id: String,
    platform: String,
    currency: Option<String>,
    seed: Option<String>,
) -> Result<Connection, AppError> {
    use super::flash::{FlashScope, TypedForm, ssr::after};
    let typed = TypedForm::new(
        "test-account",
        &[
            ("project_id", Some(&project_id)),
            ("platform", Some(&platform)),
            ("currency", currency.as_deref()),
            ("seed", seed.as_deref()),
        ],
    );
    let result = async move {
        use switchboard_core::connection::ConnectionInput;
        let seed = match seed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(s.parse::<u64>().map_err(|_| {
                super::ssr::invalid(
                    "seed",
                    "must be a whole number (or left empty for a random account)".to_owned(),
                )
            })?),
        };
        let input = ConnectionInput {
            project_id,
            platform,
            mode: None,
            seed,
            name: None,
            currency,
        };
        let connection = super::ssr::services()?
            .connections
            .create_test(input, ACTOR)
            .await?;
        leptos_axum::redirect(&format!("/connections?connected={}", connection.id));
        Ok(connection)
    }
    .await;
    after(FlashScope::Connections, &result, |_| None, || typed);
    super::ssr::respond(result).await
}

#[server]
pub async fn delete_connection(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = parse_connection_id(&id)?;
            super::ssr::services()?.connections.delete(&id, ACTOR).await?;
            leptos_axum::redirect("/connections");
            Ok(())
        }
        .await,
    )
    .await
}

/// Reads the account's details with the connection's credentials: proves it works. Without
/// JavaScript the answer, success or failure, waits for the page in the flash store (shown in the
/// connection's row), and the post itself succeeds: a failure carried in the address back would
/// be shown beside every connection.
#[server]
pub async fn check_connection(id: String) -> Result<String, AppError> {
    use super::flash::{Flash, FlashScope, ssr};
    let result: Result<String, AppError> = async {
        let connection = parse_connection_id(&id)?;
        Ok(super::ssr::services()?.connections.check(&connection).await?)
    }
    .await;
    if ssr::is_form_post() {
        let (ok, message) = match &result {
            Ok(m) => (true, m.clone()),
            Err(e) => (false, e.to_string()),
        };
        ssr::keep(FlashScope::Connections, || Flash::ConnectionCheck {
            id,
            ok,
            message: message.clone(),
        });
        return Ok(message);
    }
    super::ssr::respond(result).await
}

#[server]
pub async fn get_explorer(id: String) -> Result<ExplorerData, AppError> {
    super::ssr::respond(
        async move {
            let id = parse_connection_id(&id)?;
            Ok(super::ssr::services()?.connections.explorer(&id).await?)
        }
        .await,
    )
    .await
}

/// The name under which a tool form's typed values are kept (one connection, one tool).
pub fn tool_form_name(connection_id: &str, tool: &str) -> String {
    format!("tool:{connection_id}:{tool}")
}

/// Runs one tool with parameters from the generated form (`params[...]`, typed by the tool's
/// schema), or from `params_json` when that is given. Without JavaScript the answer waits for the
/// explorer in the flash store, and so does what was typed when the form answered an error.
#[server]
pub async fn run_tool(
    connection_id: String,
    tool: String,
    #[server(default)] params: HashMap<String, String>,
    #[server(default)] params_json: Option<String>,
) -> Result<ToolRun, AppError> {
    use super::flash::{Flash, FlashScope, TypedForm, ssr::after};
    let typed = TypedForm {
        form: tool_form_name(&connection_id, &tool),
        values: params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    };
    let result = async {
        let id = parse_connection_id(&connection_id)?;
        Ok(super::ssr::services()?
            .connections
            .run_tool_form(&id, &tool, &params, params_json.as_deref())
            .await?)
    }
    .await;
    after(
        FlashScope::Explorer,
        &result,
        |run: &ToolRun| {
            Some(Flash::ToolRun {
                connection_id: connection_id.clone(),
                run: Box::new(run.clone()),
                typed: typed.clone(),
            })
        },
        || typed.clone(),
    );
    super::ssr::respond(result).await
}
