//! Connections: a project's ad accounts, test-mode and live, and the connector tools run on them.

use super::ServiceError;
use crate::connection::{
    Authorize, AuthorizeInput, Connection, ConnectionInput, ConnectionsOverview, Connector, ExplorerData,
    OAuthCallback, ToolRun,
};
use crate::ids::{ConnectionId, ProjectId};
use crate::platform::Platform;
use async_trait::async_trait;
use serde_json::Value;
use std::collections::HashMap;

/// Changes are recorded in the project's activity feed as `actor`.
#[async_trait]
pub trait ConnectionService: Send + Sync {
    /// Connections of one project, or of all; newest first. Never their tokens.
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Connection>, ServiceError>;
    /// The Connections page: every connection with its project's name, and the projects that are
    /// not archived, for the forms.
    async fn overview(&self) -> Result<ConnectionsOverview, ServiceError>;
    async fn get(&self, id: &ConnectionId) -> Result<Connection, ServiceError>;
    /// Connects a test-mode account generated from the input's seed; without one, from a random
    /// seed (`fastrand`), whichever edge asks.
    async fn create_test(&self, input: ConnectionInput, actor: &str) -> Result<Connection, ServiceError>;
    /// Removes a connection and its stored tokens.
    async fn delete(&self, id: &ConnectionId, actor: &str) -> Result<(), ServiceError>;
    /// Reads the account with the connection's credentials, proving they work: a line about what
    /// answered.
    async fn check(&self, id: &ConnectionId) -> Result<String, ServiceError>;
    /// A finished test-mode Pinterest report, where `get_async_report` said it would be: its
    /// content type and body.
    async fn test_report(
        &self,
        id: &ConnectionId,
        token: &str,
    ) -> Result<(&'static str, String), ServiceError>;
    /// Starts connecting a live account: the platform's authorization address. The connection
    /// exists once the platform has called back.
    async fn authorize(&self, input: AuthorizeInput) -> Result<Authorize, ServiceError>;
    /// Finishes an authorization from the platform's callback: the new (or re-authorized)
    /// connection, or why there is none (a refusal is `authorization_denied`).
    async fn complete_authorization(
        &self,
        platform: Platform,
        callback: OAuthCallback,
        actor: &str,
    ) -> Result<Connection, ServiceError>;
    /// The platforms that have tools, each tool with the JSON Schema of its parameters and result.
    fn catalogue(&self) -> Vec<Connector>;
    /// The tool explorer of a connection: it, its project's name and its platform's tools.
    async fn explorer(&self, id: &ConnectionId) -> Result<ExplorerData, ServiceError>;
    /// Runs one tool on a connection: test mode answers from the stored account, live mode calls
    /// the platform. The answer is in the platform's own shape.
    async fn run_tool(
        &self,
        platform: Platform,
        tool: &str,
        connection: &ConnectionId,
        params: Value,
    ) -> Result<Value, ServiceError>;
    /// Runs one of the connection's tools from the explorer's form: the parameters from its fields
    /// (`params[...]`, typed by the tool's schema), or from `json` when that is not blank.
    async fn run_tool_form(
        &self,
        connection: &ConnectionId,
        tool: &str,
        fields: &HashMap<String, String>,
        json: Option<&str>,
    ) -> Result<ToolRun, ServiceError>;
}
