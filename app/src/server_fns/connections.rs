//! Connections and the tool explorer: list, add a test account, check, disconnect; the tools of a
//! connection's platform with their schemas, and running one from a generated form.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use switchboard_core::connection::Connection;
use switchboard_core::connectors::table::ResultTable;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionItem {
    pub connection: Connection,
    pub project_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectChoice {
    pub id: String,
    pub name: String,
}

/// Everything the Connections page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionsOverview {
    pub connections: Vec<ConnectionItem>,
    pub projects: Vec<ProjectChoice>,
}

/// A tool as the explorer shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    /// The platform endpoint it calls (`GET /ad_accounts/{ad_account_id}/campaigns`).
    pub endpoint: String,
    pub title: String,
    pub description: String,
    pub write: bool,
    pub params: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplorerData {
    pub item: ConnectionItem,
    pub tools: Vec<ToolInfo>,
}

/// One tool run's answer: the JSON, and its rows as a table when it has rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolRun {
    pub tool: String,
    pub json: String,
    pub table: Option<ResultTable>,
    pub elapsed_ms: u64,
}

#[cfg(feature = "ssr")]
const ACTOR: &str = "user";

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use switchboard_core::ConnectionId;
    use switchboard_core::ports::Services;

    pub fn connection_id(id: &str) -> Result<ConnectionId, AppError> {
        ConnectionId::parse(id.trim())
            .map_err(|_| AppError::NotFound(format!("connection '{id}' was not found")))
    }

    pub async fn item(services: &Services, connection: Connection) -> Result<ConnectionItem, AppError> {
        let project_name = services.projects.get(&connection.project_id).await?.name;
        Ok(ConnectionItem {
            connection,
            project_name,
        })
    }
}

#[server]
pub async fn get_connections() -> Result<ConnectionsOverview, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::project::{ProjectFilter, ProjectStatus};
            let services = super::ssr::services()?;
            let projects = services.projects.list(&ProjectFilter::default()).await?;
            let name_of = |id: &switchboard_core::ProjectId| {
                projects
                    .iter()
                    .find(|p| &p.project.id == id)
                    .map(|p| p.project.name.clone())
                    .unwrap_or_else(|| id.to_string())
            };
            let connections = services
                .connections
                .list(None)
                .await?
                .into_iter()
                .map(|connection| ConnectionItem {
                    project_name: name_of(&connection.project_id),
                    connection,
                })
                .collect();
            let projects = projects
                .iter()
                .filter(|p| p.project.status != ProjectStatus::Archived)
                .map(|p| ProjectChoice {
                    id: p.project.id.to_string(),
                    name: p.project.name.clone(),
                })
                .collect();
            Ok(ConnectionsOverview {
                connections,
                projects,
            })
        }
        .await,
    )
    .await
}

/// Adds a test-mode account (a generated, stateful account) to a project.
#[server]
pub async fn create_test_connection(
    project_id: String,
    platform: String,
    currency: Option<String>,
    seed: Option<String>,
) -> Result<Connection, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::connection::ConnectionInput;
            use switchboard_core::connectors::testmode::TestAccount;
            let seed = match seed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(s.parse::<u64>().map_err(|_| {
                    let mut errors = switchboard_core::validation::FieldErrors::new();
                    errors.add(
                        "seed",
                        "must be a whole number (or left empty for a random account)",
                    );
                    AppError::Validation(errors)
                })?),
            };
            let draft = ConnectionInput {
                project_id,
                platform,
                mode: None,
                seed,
                name: None,
                currency,
            }
            .validate()
            .map_err(AppError::Validation)?;
            let now = chrono::Utc::now();
            let seed = draft.seed.unwrap_or_else(|| {
                u64::try_from(now.timestamp_nanos_opt().unwrap_or_default()).unwrap_or_default()
            });
            let account = TestAccount::generate(draft.platform, seed, draft.currency, now.date_naive());
            let connection = super::ssr::services()?
                .connections
                .create_test(draft, &account, ACTOR)
                .await?;
            leptos_axum::redirect(&format!("/connections?connected={}", connection.id));
            Ok(connection)
        }
        .await,
    )
    .await
}

#[server]
pub async fn delete_connection(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = ssr::connection_id(&id)?;
            super::ssr::services()?.connections.delete(&id, ACTOR).await?;
            leptos_axum::redirect("/connections");
            Ok(())
        }
        .await,
    )
    .await
}

/// Reads the account's details with the connection's credentials: proves it works.
#[server]
pub async fn check_connection(id: String) -> Result<String, AppError> {
    super::ssr::respond(
        async move {
            let id = ssr::connection_id(&id)?;
            let services = super::ssr::services()?;
            let connection = services.connections.get(&id).await?;
            if connection.platform == switchboard_core::Platform::Pinterest {
                // Pinterest's tools have no account read; a one-item campaign list proves the token.
                let page = services
                    .tools
                    .run(
                        connection.platform,
                        "list_campaigns",
                        &id,
                        serde_json::json!({"page_size": 1}),
                    )
                    .await?;
                let more = if page["bookmark"].is_string() {
                    "campaigns"
                } else {
                    "campaign list"
                };
                return Ok(format!(
                    "Works: the {more} of ad account {} answered",
                    connection.account_id
                ));
            }
            let info = services
                .tools
                .run(
                    connection.platform,
                    "get_account_info",
                    &id,
                    serde_json::json!({}),
                )
                .await?;
            let account = info.get("customer").unwrap_or(&info);
            let text = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| account.get(*k).and_then(Value::as_str))
                    .unwrap_or("?")
                    .to_owned()
            };
            Ok(format!(
                "Works: {} · {} · {}",
                text(&["descriptiveName", "name"]),
                text(&["currencyCode", "currency"]),
                text(&["timeZone", "timezone_name"])
            ))
        }
        .await,
    )
    .await
}

#[server]
pub async fn get_explorer(id: String) -> Result<ExplorerData, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::connectors::{Access, catalog};
            let id = ssr::connection_id(&id)?;
            let services = super::ssr::services()?;
            let connection = services.connections.get(&id).await?;
            let tools = catalog(connection.platform)
                .iter()
                .map(|t| ToolInfo {
                    name: t.name.to_owned(),
                    endpoint: t.endpoint.to_owned(),
                    title: t.title.to_owned(),
                    description: t.description.to_owned(),
                    write: t.access == Access::Write,
                    params: t.params.clone(),
                })
                .collect();
            Ok(ExplorerData {
                item: ssr::item(&services, connection).await?,
                tools,
            })
        }
        .await,
    )
    .await
}

/// Runs one tool with parameters from the generated form (`params[...]`, typed by the tool's
/// schema), or from `params_json` when that is given.
#[server]
pub async fn run_tool(
    connection_id: String,
    tool: String,
    #[server(default)] params: HashMap<String, String>,
    #[server(default)] params_json: Option<String>,
) -> Result<ToolRun, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::connectors::{find_tool, form, table};
            let id = ssr::connection_id(&connection_id)?;
            let services = super::ssr::services()?;
            let connection = services.connections.get(&id).await?;
            let spec =
                find_tool(connection.platform, &tool).map_err(|e| AppError::NotFound(e.to_string()))?;
            let invalid = |field: &str, reason: String| {
                let mut errors = switchboard_core::validation::FieldErrors::new();
                errors.add(field, reason);
                AppError::Validation(errors)
            };
            let value = match params_json.as_deref().map(str::trim).filter(|j| !j.is_empty()) {
                Some(json) => serde_json::from_str(json)
                    .map_err(|e| invalid("params_json", format!("is not valid JSON: {e}")))?,
                None => form::params_from_form(&spec.params, &params)
                    .map_err(|e| invalid(e.path.strip_prefix("params.").unwrap_or(&e.path), e.reason))?,
            };
            let started = std::time::Instant::now();
            let result = services.tools.run(connection.platform, &tool, &id, value).await?;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            Ok(ToolRun {
                tool,
                json: serde_json::to_string_pretty(&result).unwrap_or_default(),
                table: table::tabulate(&result),
                elapsed_ms,
            })
        }
        .await,
    )
    .await
}
