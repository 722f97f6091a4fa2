//! Test-mode accounts held in memory. Each account is read from the database once, then answers
//! from memory; a write tool changes the account and stores it (with its answer, under an
//! idempotency key) before anyone else sees it, so the database always holds what memory holds.
//! Each account has its own lock: runs on different accounts never wait for each other.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use switchboard_core::ConnectionId;
use switchboard_core::connectors::testmode::{CallContext, TestAccount};
use switchboard_core::connectors::{Access, ToolSpec};
use switchboard_core::ports::{ConnectionRepo, ToolRunError};

/// Past this many accounts in memory, those not in use are let go (they load again when asked).
const MAX_KEPT: usize = 4_096;

type Slot = Arc<tokio::sync::Mutex<Option<TestAccount>>>;

pub struct TestAccounts {
    repo: Arc<dyn ConnectionRepo>,
    slots: Mutex<HashMap<ConnectionId, Slot>>,
}

impl TestAccounts {
    pub fn new(repo: Arc<dyn ConnectionRepo>) -> Self {
        Self {
            repo,
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, id: &ConnectionId) -> Slot {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slots.len() >= MAX_KEPT && !slots.contains_key(id) {
            slots.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
        slots.entry(id.clone()).or_default().clone()
    }

    /// Runs a tool (its parameters checked) on the connection's test account.
    pub async fn call(
        &self,
        id: &ConnectionId,
        spec: &ToolSpec,
        params: &Value,
        at: CallContext<'_>,
        key: Option<&str>,
    ) -> Result<Value, ToolRunError> {
        let slot = self.slot(id);
        let mut held = slot.lock().await;
        if held.is_none() {
            *held = Some(self.repo.test_account(id).await?);
        }
        let Some(account) = held.as_mut() else {
            return Err(ToolRunError::Repo(switchboard_core::RepoError::NotFound {
                entity: "test account",
                id: id.to_string(),
            }));
        };
        if spec.access == Access::Read {
            // Reads leave the account as it was (a core test holds every read tool to that).
            return Ok(account.call_at(spec.name, params, at)?);
        }
        let answer = match account.call_at(spec.name, params, at) {
            Ok(answer) => answer,
            Err(e) => {
                // A refused write may have changed part of the account: start again from storage.
                *held = None;
                return Err(e.into());
            }
        };
        let saved = match key {
            Some(key) => {
                self.repo
                    .save_test_account_once(id, account, key, spec.name, &answer)
                    .await
            }
            None => self.repo.save_test_account(id, account).await,
        };
        if let Err(e) = saved {
            // Memory must not hold what storage does not.
            *held = None;
            return Err(e.into());
        }
        Ok(answer)
    }
}
