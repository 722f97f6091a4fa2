//! Runs a tool on a connection: the parameters are checked against the tool's schema, then a
//! test-mode connection's account answers (and keeps what a write tool changed) or, in live mode,
//! the platform does. `all_pages` follows Graph's cursors to the end in either mode.

use super::live::LiveConnectors;
use super::test_accounts::TestAccounts;
use async_trait::async_trait;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use switchboard_core::connection::{Connection, ConnectionMode, ConnectionStatus};
use switchboard_core::connectors::testmode::CallContext;
use switchboard_core::connectors::testmode::latency::Latency;
use switchboard_core::connectors::{Access, ConnectorError, ToolSpec, find_tool, schema};
use switchboard_core::execution::ToolCallScope;
use switchboard_core::ports::{ConnectionRepo, EventLog, ToolRunError, ToolRunner};
use switchboard_core::run_event::{RunEvent, ToolCall, ToolOutcome};
use switchboard_core::{ConnectionId, Platform, RepoError};

/// The most rows `all_pages` gathers; past it the result keeps the cursor to carry on from.
pub const MAX_ROWS: usize = 5_000;

pub struct LocalToolRunner {
    connections: Arc<dyn ConnectionRepo>,
    live: Arc<LiveConnectors>,
    events: Arc<dyn EventLog>,
    test_accounts: TestAccounts,
    /// How long a test-mode call takes, and how many calls have waited (each call's draw).
    latency: Latency,
    calls: AtomicU64,
}

impl LocalToolRunner {
    pub fn new(
        connections: Arc<dyn ConnectionRepo>,
        live: Arc<LiveConnectors>,
        events: Arc<dyn EventLog>,
    ) -> Self {
        Self {
            test_accounts: TestAccounts::new(connections.clone()),
            latency: live.test_latency(),
            calls: AtomicU64::new(0),
            connections,
            live,
            events,
        }
    }

    /// Waits as long as the platform would take to answer a test-mode call (nothing when the
    /// latency is off). The wait comes before the account is taken, so runs on the same account
    /// still wait side by side.
    async fn wait_like_the_platform(&self, connection: &Connection, spec: &ToolSpec) {
        if self.latency.is_off() {
            return;
        }
        let n = self.calls.fetch_add(1, Ordering::Relaxed).to_string();
        let delay = self.latency.delay(
            connection.platform,
            spec.access,
            &[connection.id.as_str(), spec.name, &n],
        );
        tokio::time::sleep(delay).await;
    }

    /// One call. A write with an idempotency key is stored with its answer: for a test account
    /// in the same transaction as the account's new state.
    async fn once(
        &self,
        connection: &Connection,
        spec: &ToolSpec,
        params: &Value,
        key: Option<&str>,
    ) -> Result<Value, ToolRunError> {
        if connection.mode == ConnectionMode::Live {
            let result = self.live.call(connection, spec.name, params).await?;
            if let Some(key) = key.filter(|_| spec.access == Access::Write)
                && let Err(e) = self
                    .connections
                    .record_result(&connection.id, key, spec.name, &result)
                    .await
            {
                tracing::error!(key, error = %e, "cannot record a live write's answer");
            }
            return Ok(result);
        }
        // Test accounts keep the UTC calendar; their reports download from this server.
        let id = &connection.id;
        let base = format!("{}/api/v1/connections/{id}/test-reports", self.live.public_url());
        self.wait_like_the_platform(connection, spec).await;
        let at = CallContext {
            now: chrono::Utc::now(),
            download_base: &base,
        };
        self.test_accounts.call(id, spec, params, at, key).await
    }

    /// Every page of a list, joined: Graph's `{data, paging}` (cursor `after`) or Pinterest's
    /// `{items, bookmark}`. The result is `{data}` or `{items}`, with the cursor to carry on from
    /// only when it stopped at [`MAX_ROWS`].
    async fn all_pages(
        &self,
        connection: &Connection,
        spec: &ToolSpec,
        mut params: Value,
    ) -> Result<Value, ToolRunError> {
        let mut rows = Vec::new();
        loop {
            let mut page = self.once(connection, spec, &params, None).await?;
            let (key, cursor_param, next) = if page.get("items").is_some() {
                ("items", "bookmark", page["bookmark"].as_str().map(str::to_owned))
            } else {
                let next = page["paging"]["cursors"]["after"]
                    .as_str()
                    .filter(|_| page["paging"].get("next").is_some())
                    .map(str::to_owned);
                ("data", "after", next)
            };
            if let Some(Value::Array(data)) = page.get_mut(key).map(Value::take) {
                rows.extend(data);
            }
            // The rows are moved into the answer (`json!` would copy them).
            let answer = |rows: Vec<Value>, rest: Option<(&str, Value)>| {
                let mut out = serde_json::Map::new();
                out.insert(key.to_owned(), Value::Array(rows));
                if let Some((name, value)) = rest {
                    out.insert(name.to_owned(), value);
                }
                Value::Object(out)
            };
            match next {
                Some(cursor) if rows.len() < MAX_ROWS => params[cursor_param] = Value::String(cursor),
                Some(cursor) if key == "items" => {
                    return Ok(answer(rows, Some(("bookmark", Value::String(cursor)))));
                }
                Some(_) => return Ok(answer(rows, Some(("paging", page["paging"].take())))),
                None if key == "items" => return Ok(answer(rows, Some(("bookmark", Value::Null)))),
                None => return Ok(answer(rows, None)),
            }
        }
    }
}

#[async_trait]
impl ToolRunner for LocalToolRunner {
    #[tracing::instrument(level = "debug", skip(self, params), fields(connection = %connection))]
    async fn run(
        &self,
        platform: Platform,
        tool: &str,
        connection: &ConnectionId,
        params: Value,
    ) -> Result<Value, ToolRunError> {
        let outcome = self
            .run_checked(platform, tool, connection, None, params, None)
            .await;
        if let Err(e) = &outcome {
            // A caller's mistake gets its message back; the log need not shout about it.
            let callers_mistake = matches!(
                e,
                ToolRunError::Connector(
                    ConnectorError::InvalidParams(_)
                        | ConnectorError::UnknownTool { .. }
                        | ConnectorError::NotFound { .. }
                )
            );
            if callers_mistake {
                tracing::debug!(%platform, tool, error = %e, "tool refused");
            } else {
                tracing::warn!(%platform, tool, error = %e, "tool failed");
            }
        }
        outcome
    }

    async fn run_in(
        &self,
        scope: &ToolCallScope,
        platform: Platform,
        tool: &str,
        connection: &ConnectionId,
        params: Value,
    ) -> Result<Value, ToolRunError> {
        let started = std::time::Instant::now();
        let recorded_params = params.clone();
        let key = scope.idempotency_key.as_deref();
        // A write already made under this key answers as it did then (a first attempt has made none).
        let replayed = match key {
            Some(key) if !scope.first_attempt => self.connections.recorded_result(key).await?,
            _ => None,
        };
        let was_replayed = replayed.is_some();
        let outcome = match replayed {
            Some(result) => Ok(result),
            None => {
                let known = scope.connection.as_ref().filter(|c| c.id == *connection);
                self.run_checked(platform, tool, connection, known, params, key)
                    .await
            }
        };
        let (outcome_kind, rows, error) = match &outcome {
            Ok(result) => {
                let rows = ["data", "results", "items"]
                    .iter()
                    .find_map(|k| result[*k].as_array())
                    .map(Vec::len);
                (ToolOutcome::Ok, rows, None)
            }
            Err(e) => (ToolOutcome::Error, None, Some(e.to_string())),
        };
        let (kind, data) = RunEvent::ToolCalled(ToolCall {
            tool: tool.to_owned(),
            platform,
            connection_id: connection.as_str().to_owned(),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            params: recorded_params,
            stage_id: scope.stage_id.clone(),
            agent: scope.agent.clone(),
            replayed: was_replayed,
            outcome: outcome_kind,
            rows,
            error,
        })
        .into_parts();
        if let Err(e) = self.events.record(&scope.execution, kind, data).await {
            tracing::error!(execution = %scope.execution, tool, error = %e, "cannot record a tool call");
        }
        outcome
    }

    async fn settle(&self) -> Result<usize, RepoError> {
        self.test_accounts.settle().await
    }
}

impl LocalToolRunner {
    async fn run_checked(
        &self,
        platform: Platform,
        tool: &str,
        connection: &ConnectionId,
        known: Option<&Connection>,
        mut params: Value,
        key: Option<&str>,
    ) -> Result<Value, ToolRunError> {
        let spec = find_tool(platform, tool)?;
        spec.check_params(&params)?;
        let found = match known {
            Some(c) => c.clone(),
            None => self.connections.get(connection).await?,
        };
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
                return Err(ConnectorError::Unauthorized(
                    "the connection needs to be authorized again (Connect on the Connections page)".into(),
                )
                .into());
            }
            other => {
                return Err(ConnectorError::Permanent(format!("the connection is {other}")).into());
            }
        }
        let started = std::time::Instant::now();
        let all_pages = params
            .as_object_mut()
            .and_then(|p| p.remove("all_pages"))
            .is_some_and(|v| v == Value::Bool(true));
        let result = if all_pages {
            self.all_pages(&found, spec, params).await?
        } else {
            self.once(&found, spec, &params, key).await?
        };
        // A platform's answer is checked against the tool's result schema (test mode's answers are,
        // by the core tests).
        if found.mode == ConnectionMode::Live
            && let Err(e) = schema::validate(&spec.result, &result, "result")
        {
            tracing::warn!(%platform, tool, error = %e, "a tool's result does not match its schema");
        }
        tracing::debug!(%platform, tool, mode = %found.mode, elapsed = ?started.elapsed(), "tool ran");
        Ok(result)
    }
}
