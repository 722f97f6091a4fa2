//! Connections' use cases over the connection and project repositories, the tool runner and live
//! mode's OAuth flow.

use crate::connectors::LiveConnectors;
use crate::connectors::live::AuthorizationError;
use async_trait::async_trait;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use switchboard_core::Platform;
use switchboard_core::connection::{
    Authorize, AuthorizeInput, Connection, ConnectionInput, ConnectionItem, ConnectionsOverview, Connector,
    ExplorerData, OAuthCallback, ProjectChoice, ToolInfo, ToolRun,
};
use switchboard_core::connectors::testmode::TestAccount;
use switchboard_core::connectors::{catalog, find_tool, form, table};
use switchboard_core::ports::{ConnectionRepo, ProjectRepo, ToolRunError, ToolRunner};
use switchboard_core::project::ProjectFilter;
use switchboard_core::service::{ConnectionService, ServiceError};
use switchboard_core::{ConnectionId, ProjectId};

/// How old a test-mode report must be to be finished (seconds), and how long it stays available.
const REPORT_READY_AFTER: i64 = 2;
const REPORT_KEPT_FOR: i64 = 3_600;

pub struct Connections {
    pub connections: Arc<dyn ConnectionRepo>,
    pub projects: Arc<dyn ProjectRepo>,
    pub tools: Arc<dyn ToolRunner>,
    pub live: Arc<LiveConnectors>,
}

/// An authorization that failed, as the services answer it.
fn authorization_error(e: AuthorizationError) -> ServiceError {
    use AuthorizationError as A;
    let message = e.to_string();
    match e {
        A::NotConfigured(_) => ServiceError::refused(503, "oauth_not_configured", message),
        A::UnknownState => ServiceError::refused(400, "invalid_state", message),
        A::Denied(_) => ServiceError::refused(400, "authorization_denied", message),
        A::Connector(c) => ToolRunError::Connector(c).into(),
        A::Repo(r) => r.into(),
        A::Secret(s) => ServiceError::internal("cannot seal tokens", &s),
    }
}

impl Connections {
    async fn item(&self, connection: Connection) -> Result<ConnectionItem, ServiceError> {
        let project_name = self.projects.get(&connection.project_id).await?.name;
        Ok(ConnectionItem {
            connection,
            project_name,
        })
    }
}

#[async_trait]
impl ConnectionService for Connections {
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Connection>, ServiceError> {
        Ok(self.connections.list(project).await?)
    }

    async fn overview(&self) -> Result<ConnectionsOverview, ServiceError> {
        let projects = self.projects.list(&ProjectFilter::default()).await?;
        let name_of = |id: &ProjectId| {
            projects
                .iter()
                .find(|p| &p.project.id == id)
                .map(|p| p.project.name.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let connections = self
            .connections
            .list(None)
            .await?
            .into_iter()
            .map(|connection| ConnectionItem {
                project_name: name_of(&connection.project_id),
                connection,
            })
            .collect();
        let projects = ProjectChoice::open(&projects);
        Ok(ConnectionsOverview {
            connections,
            projects,
        })
    }

    async fn get(&self, id: &ConnectionId) -> Result<Connection, ServiceError> {
        Ok(self.connections.get(id).await?)
    }

    async fn create_test(&self, input: ConnectionInput, actor: &str) -> Result<Connection, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        let seed = draft.seed.unwrap_or_else(|| fastrand::u64(..));
        let today = chrono::Utc::now().date_naive();
        let account = TestAccount::generate(draft.platform, seed, draft.currency, today);
        Ok(self.connections.create_test(draft, &account, actor).await?)
    }

    async fn delete(&self, id: &ConnectionId, actor: &str) -> Result<(), ServiceError> {
        Ok(self.connections.delete(id, actor).await?)
    }

    async fn check(&self, id: &ConnectionId) -> Result<String, ServiceError> {
        let connection = self.connections.get(id).await?;
        if connection.platform == Platform::Pinterest {
            // Pinterest's tools have no account read; a one-item campaign list proves the token.
            let page = self
                .tools
                .run(connection.platform, "list_campaigns", id, json!({"page_size": 1}))
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
        let info = self
            .tools
            .run(connection.platform, "get_account_info", id, json!({}))
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

    async fn test_report(
        &self,
        id: &ConnectionId,
        token: &str,
    ) -> Result<(&'static str, String), ServiceError> {
        let account = self.connections.test_account(id).await?.account;
        let missing = || ServiceError::NotFound(format!("no finished report '{token}' on this connection"));
        let report = account
            .reports
            .iter()
            .find(|r| r.token == token)
            .ok_or_else(missing)?;
        let now = chrono::Utc::now();
        let age = now.timestamp() - report.requested_at;
        if !(REPORT_READY_AFTER..=REPORT_KEPT_FOR).contains(&age) {
            return Err(missing());
        }
        account.report_file(token, now.date_naive()).ok_or_else(missing)
    }

    async fn authorize(&self, input: AuthorizeInput) -> Result<Authorize, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        self.live.authorize(draft).await.map_err(|e| {
            tracing::warn!(error = %e, "cannot start an authorization");
            authorization_error(e)
        })
    }

    async fn complete_authorization(
        &self,
        platform: Platform,
        callback: OAuthCallback,
        actor: &str,
    ) -> Result<Connection, ServiceError> {
        if let Some(error) = callback.error {
            let reason = callback
                .error_description
                .or(callback.error_reason)
                .unwrap_or(error);
            if let Some(state) = callback.state.as_deref() {
                // The authorization is over either way.
                let _ = self.live.abandon(state).await;
            }
            return Err(ServiceError::refused(
                400,
                "authorization_denied",
                format!("{} did not authorize Switchboard: {reason}", platform.label()),
            ));
        }
        let (Some(code), Some(state)) = (callback.code, callback.state) else {
            return Err(ServiceError::BadRequest(
                "the platform's callback had no code or state".to_owned(),
            ));
        };
        self.live
            .complete(platform, &state, &code, actor)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, %platform, "authorization failed");
                authorization_error(e)
            })
    }

    fn catalogue(&self) -> Vec<Connector> {
        Platform::ALL
            .into_iter()
            .filter(|p| !catalog(*p).is_empty())
            .map(|platform| Connector {
                platform,
                label: platform.label(),
                tools: catalog(platform),
            })
            .collect()
    }

    async fn explorer(&self, id: &ConnectionId) -> Result<ExplorerData, ServiceError> {
        let connection = self.connections.get(id).await?;
        let tools = catalog(connection.platform).iter().map(ToolInfo::from).collect();
        Ok(ExplorerData {
            item: self.item(connection).await?,
            tools,
        })
    }

    async fn run_tool(
        &self,
        platform: Platform,
        tool: &str,
        connection: &ConnectionId,
        params: Value,
    ) -> Result<Value, ServiceError> {
        Ok(self.tools.run(platform, tool, connection, params).await?)
    }

    async fn run_tool_form(
        &self,
        connection: &ConnectionId,
        tool: &str,
        fields: &HashMap<String, String>,
        json: Option<&str>,
    ) -> Result<ToolRun, ServiceError> {
        let platform = self.connections.get(connection).await?.platform;
        let spec = find_tool(platform, tool).map_err(|e| ServiceError::NotFound(e.to_string()))?;
        let params = match json.map(str::trim).filter(|j| !j.is_empty()) {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| ServiceError::field("params_json", format!("is not valid JSON: {e}")))?,
            None => form::params_from_form(&spec.params, fields).map_err(|e| {
                ServiceError::field(e.path.strip_prefix("params.").unwrap_or(&e.path), e.reason)
            })?,
        };
        let started = std::time::Instant::now();
        let result = self.tools.run(platform, tool, connection, params).await?;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(ToolRun {
            tool: tool.to_owned(),
            json: serde_json::to_string_pretty(&result).unwrap_or_default(),
            table: table::tabulate(&result),
            elapsed_ms,
        })
    }
}
