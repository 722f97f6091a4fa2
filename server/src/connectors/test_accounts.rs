//! Test-mode accounts held in memory. Each account is read from the database once, then answers
//! from memory; a write tool changes the account and stores the change (with its answer, under an
//! idempotency key) before anyone else sees it, so the database always holds what memory holds.
//! A change is stored as the call that made it, appended to the account's log; every
//! [`SNAPSHOT_EVERY`] changes the whole account is stored instead, which empties the log.
//! Each account has its own lock: runs on different accounts never wait for each other.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use switchboard_core::ConnectionId;
use switchboard_core::connectors::testmode::{CallContext, LoggedAccount, TestChange};
use switchboard_core::connectors::{Access, ToolSpec};
use switchboard_core::ports::{ConnectionRepo, ToolRunError};
use switchboard_core::time::Timestamp;

/// Past this many accounts in memory, those not in use are let go (they load again when asked).
const MAX_KEPT: usize = 4_096;

/// How many logged changes an account gathers before the next one stores the whole account.
/// Loading replays at most this many calls; most writes store a row of a few hundred bytes.
const SNAPSHOT_EVERY: usize = 32;

type Slot = Arc<tokio::sync::Mutex<Option<LoggedAccount>>>;

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
        // The log keeps moments to the millisecond: the call runs at the moment a replay will see.
        let at = CallContext {
            now: Timestamp::from_datetime(at.now).as_datetime(),
            ..at
        };
        let slot = self.slot(id);
        let mut held = slot.lock().await;
        if held.is_none() {
            *held = Some(self.repo.test_account(id).await?);
        }
        if spec.access == Access::Read {
            let Some(held) = held.as_mut() else {
                return Err(missing(id));
            };
            // Reads leave the account as it was (a core test holds every read tool to that).
            return Ok(held.account.call_at(spec.name, params, at)?);
        }
        // A write works on the account taken out of its slot, and puts it back once the change is
        // stored. If the call fails, or is dropped half-way (a stage's timeout or cancel), the
        // slot stays empty and the next call reads the account again from storage, which then
        // holds every change that was stored.
        let Some(LoggedAccount { mut account, changes }) = held.take() else {
            return Err(missing(id));
        };
        let answer = account.call_at(spec.name, params, at)?;
        let change = TestChange {
            tool: spec.name.to_owned(),
            params: params.clone(),
            at: at.now,
        };
        let snapshot = (changes + 1 >= SNAPSHOT_EVERY).then_some(&account);
        self.repo
            .save_test_change(id, &change, snapshot, key.map(|k| (k, &answer)))
            .await?;
        let changes = if snapshot.is_some() { 0 } else { changes + 1 };
        *held = Some(LoggedAccount { account, changes });
        Ok(answer)
    }

    /// Stores every account held with logged changes whole (each waits for a call under way).
    pub async fn settle(&self) -> Result<usize, switchboard_core::RepoError> {
        let slots: Vec<(ConnectionId, Slot)> = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(id, slot)| (id.clone(), slot.clone()))
            .collect();
        let mut stored = 0;
        for (id, slot) in slots {
            let mut held = slot.lock().await;
            let Some(logged) = held.as_mut().filter(|l| l.changes > 0) else {
                continue;
            };
            self.repo.save_test_snapshot(&id, &logged.account).await?;
            logged.changes = 0;
            stored += 1;
        }
        Ok(stored)
    }
}

fn missing(id: &ConnectionId) -> ToolRunError {
    ToolRunError::Repo(switchboard_core::RepoError::NotFound {
        entity: "test account",
        id: id.to_string(),
    })
}
