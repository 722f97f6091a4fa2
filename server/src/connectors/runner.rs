//! Runs a tool on a connection: the parameters are checked against the tool's schema, then a
//! test-mode connection's account answers (and keeps what a write tool changed).

use async_trait::async_trait;
use serde_json::Value;
use std::sync::Arc;
use switchboard_core::connection::{ConnectionMode, ConnectionStatus};
use switchboard_core::connectors::{Access, ConnectorError, find_tool, schema};
use switchboard_core::ports::{ConnectionRepo, ToolRunError, ToolRunner};
use switchboard_core::{ConnectionId, Platform};

pub struct LocalToolRunner {
    connections: Arc<dyn ConnectionRepo>,
    /// Write tools on test accounts read, change and save the account: one at a time.
    writes: tokio::sync::Mutex<()>,
}

impl LocalToolRunner {
    pub fn new(connections: Arc<dyn ConnectionRepo>) -> Self {
        Self {
            connections,
            writes: tokio::sync::Mutex::new(()),
        }
    }
}

#[async_trait]
impl ToolRunner for LocalToolRunner {
    #[tracing::instrument(skip(self, params), fields(connection = %connection), err(Display))]
    async fn run(
        &self,
        platform: Platform,
        tool: &str,
        connection: &ConnectionId,
        params: Value,
    ) -> Result<Value, ToolRunError> {
        let spec = find_tool(platform, tool)?;
        spec.check_params(&params)?;
        let found = self.connections.get(connection).await?;
        if found.platform != platform {
            return Err(ToolRunError::WrongPlatform {
                connection: connection.clone(),
                actual: found.platform,
                asked: platform,
            });
        }
        match found.status {
            ConnectionStatus::Active => {}
            ConnectionStatus::NeedsReauth => {
                return Err(ConnectorError::Unauthorized("the connection needs to be authorized again".into()).into());
            }
            other => {
                return Err(ConnectorError::Permanent(format!("the connection is {other}")).into());
            }
        }
        if found.mode == ConnectionMode::Live {
            return Err(ConnectorError::Permanent("live mode is not available in this version".into()).into());
        }
        // Test accounts keep the UTC calendar.
        let today = chrono::Utc::now().date_naive();
        let started = std::time::Instant::now();
        let result = if spec.access == Access::Write {
            let _one_at_a_time = self.writes.lock().await;
            let mut account = self.connections.test_account(connection).await?;
            let result = account.call(tool, &params, today)?;
            self.connections.save_test_account(connection, &account).await?;
            result
        } else {
            self.connections.test_account(connection).await?.call(tool, &params, today)?
        };
        if let Err(e) = schema::validate(&spec.result, &result, "result") {
            tracing::warn!(%platform, tool, error = %e, "a tool's result does not match its schema");
        }
        tracing::debug!(%platform, tool, elapsed = ?started.elapsed(), "tool ran");
        Ok(result)
    }
}
