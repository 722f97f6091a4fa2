//! Ad account connections and their test-mode accounts.

use super::Db;
use super::journal::{AccountChange, Write};
use super::{ids::new_suffix, record_activity, storage};
use async_trait::async_trait;
use sqlx::{Sqlite, Transaction};
use switchboard_core::connection::{
    ApiSettings, Connection, ConnectionDraft, ConnectionMode, ConnectionStatus, LiveAccountInfo,
    LiveConnectionDraft, OAuthPending, SealedSecret, StoredCredentials,
};
use switchboard_core::connectors::testmode::{LoggedAccount, TestAccount, TestChange};
use switchboard_core::ports::ConnectionRepo;
use switchboard_core::time::Timestamp;
use switchboard_core::{ConnectionId, Currency, ParseError, ProjectId, RepoError};

pub struct SqliteConnectionRepo {
    db: Db,
}

impl SqliteConnectionRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(sqlx::FromRow)]
struct ConnectionRow {
    id: String,
    project_id: String,
    platform: String,
    mode: String,
    account_id: String,
    name: Option<String>,
    status: String,
    currency: String,
    time_zone: String,
    api_base_url: Option<String>,
    api_version: Option<String>,
    login_customer_id: Option<String>,
    created_at: String,
    updated_at: Option<String>,
}

impl TryFrom<ConnectionRow> for Connection {
    type Error = ParseError;
    fn try_from(r: ConnectionRow) -> Result<Self, ParseError> {
        Ok(Connection {
            id: ConnectionId::try_from(r.id)?,
            project_id: ProjectId::try_from(r.project_id)?,
            platform: r.platform.parse()?,
            mode: r.mode.parse()?,
            account_id: r.account_id,
            name: r.name,
            status: r.status.parse()?,
            currency: Currency::parse(&r.currency)?,
            time_zone: r.time_zone,
            api: ApiSettings {
                base_url: r.api_base_url,
                version: r.api_version,
                login_customer_id: r.login_customer_id,
            },
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: r.updated_at.as_deref().map(Timestamp::parse).transpose()?,
        })
    }
}

const SELECT: &str = "SELECT id, project_id, platform, mode, account_id, name, status, currency, time_zone, \
                      api_base_url, api_version, login_customer_id, created_at, updated_at FROM connections";

fn not_found(id: &ConnectionId) -> RepoError {
    RepoError::NotFound {
        entity: "connection",
        id: id.to_string(),
    }
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

async fn fetch(conn: &mut sqlx::SqliteConnection, id: &ConnectionId) -> Result<Connection, RepoError> {
    let row: Option<ConnectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(storage)?;
    Ok(Connection::try_from(row.ok_or_else(|| not_found(id))?)?)
}

async fn project_name(tx: &mut Transaction<'_, Sqlite>, project: &ProjectId) -> Result<String, RepoError> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM projects WHERE id = ?")
        .bind(project.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(storage)?;
    name.ok_or_else(|| RepoError::NotFound {
        entity: "project",
        id: project.to_string(),
    })
}

async fn upsert_credentials(
    tx: &mut Transaction<'_, Sqlite>,
    id: &ConnectionId,
    credentials: &StoredCredentials,
    at: &Timestamp,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO connection_credentials (connection_id, key_id, nonce, ciphertext, expires_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (connection_id) DO UPDATE SET key_id = excluded.key_id, \
         nonce = excluded.nonce, ciphertext = excluded.ciphertext, expires_at = excluded.expires_at, \
         updated_at = excluded.updated_at",
    )
    .bind(id.as_str())
    .bind(&credentials.sealed.key_id)
    .bind(&credentials.sealed.nonce)
    .bind(&credentials.sealed.ciphertext)
    .bind(credentials.expires_at.as_ref().map(Timestamp::to_text))
    .bind(at.to_text())
    .execute(&mut **tx)
    .await
    .map_err(storage)?;
    Ok(())
}

fn corrupt(what: &'static str, id: &str) -> RepoError {
    RepoError::Invalid(ParseError::Invalid {
        what,
        value: id.to_owned(),
        reason: "the stored value cannot be read",
    })
}

/// Records the change in the project's feed and commits.
async fn commit_with_activity(
    mut tx: Transaction<'_, Sqlite>,
    project: &ProjectId,
    actor: &str,
    kind: &str,
    summary: &str,
    at: &Timestamp,
) -> Result<(), RepoError> {
    record_activity(&mut tx, project.as_str(), actor, kind, summary, at).await?;
    tx.commit().await.map_err(storage)
}

/// Records the change in the project's feed, commits, and answers with the connection as stored.
async fn finish(
    mut tx: Transaction<'_, Sqlite>,
    id: &ConnectionId,
    project: &ProjectId,
    actor: &str,
    kind: &str,
    summary: &str,
    at: &Timestamp,
) -> Result<Connection, RepoError> {
    let connection = fetch(&mut tx, id).await?;
    commit_with_activity(tx, project, actor, kind, summary, at).await?;
    Ok(connection)
}

fn state_json(account: &TestAccount) -> Result<String, RepoError> {
    serde_json::to_string(account).map_err(|e| RepoError::Storage(Box::new(e)))
}

#[async_trait]
impl ConnectionRepo for SqliteConnectionRepo {
    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Connection>, RepoError> {
        let rows: Vec<ConnectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (?1 IS NULL OR project_id = ?1) AND status != 'disconnected' \
             ORDER BY created_at DESC, id DESC"
        )))
        .bind(project.map(ProjectId::as_str))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|r| Connection::try_from(r).map_err(RepoError::from))
            .collect()
    }

    #[tracing::instrument(level = "debug", skip(self), err(Debug, level = "debug"))]
    async fn get(&self, id: &ConnectionId) -> Result<Connection, RepoError> {
        let mut conn = self.db.read.acquire().await.map_err(storage)?;
        fetch(&mut conn, id).await
    }

    #[tracing::instrument(skip(self, draft, account), err(Debug, level = "debug"))]
    async fn create_test(
        &self,
        draft: ConnectionDraft,
        account: &TestAccount,
        actor: &str,
    ) -> Result<Connection, RepoError> {
        let id = ConnectionId::from_suffix(&new_suffix())?;
        let at = now();
        let mut tx = self.db.begin_write().await?;
        let project_name = project_name(&mut tx, &draft.project_id).await?;
        let inserted = sqlx::query(
            "INSERT INTO connections (id, project_id, platform, account_id, name, mode, status, currency, \
                                      time_zone, created_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(draft.project_id.as_str())
        .bind(draft.platform.as_str())
        .bind(&account.account_id)
        .bind(draft.name.as_deref().unwrap_or(&account.name))
        .bind(ConnectionMode::Test.as_str())
        .bind(account.currency.as_str())
        .bind(&account.time_zone)
        .bind(at.to_text())
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(RepoError::Conflict(format!(
                    "project '{}' already has {} account {}",
                    draft.project_id,
                    draft.platform.label(),
                    account.account_id
                )));
            }
            other => other.map_err(storage)?,
        };
        sqlx::query(
            "INSERT INTO connector_test_accounts (connection_id, seed, state, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(account.seed.to_string())
        .bind(state_json(account)?)
        .bind(at.to_text())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        let summary = format!(
            "Connected {} test account {} to {project_name}",
            draft.platform.label(),
            account.account_id
        );
        finish(
            tx,
            &id,
            &draft.project_id,
            actor,
            "connection.created",
            &summary,
            &at,
        )
        .await
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn delete(&self, id: &ConnectionId, actor: &str) -> Result<(), RepoError> {
        let at = now();
        let mut tx = self.db.begin_write().await?;
        let connection = fetch(&mut tx, id).await?;
        // Campaigns keep their history; they lose the link (ON DELETE SET NULL).
        sqlx::query("DELETE FROM connections WHERE id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        let summary = format!(
            "Disconnected {} account {}",
            connection.platform.label(),
            connection.account_id
        );
        commit_with_activity(
            tx,
            &connection.project_id,
            actor,
            "connection.deleted",
            &summary,
            &at,
        )
        .await
    }

    #[tracing::instrument(level = "debug", skip(self), err(Debug, level = "debug"))]
    async fn test_account(&self, id: &ConnectionId) -> Result<LoggedAccount, RepoError> {
        // A change still queued (its caller may have gone) is stored before the account is read.
        self.db.journal.flush().await?;
        // One read transaction: the snapshot and its log as of one moment.
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM connector_test_accounts WHERE connection_id = ?")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(storage)?;
        let state = state.ok_or_else(|| not_found(id))?;
        let changes: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT seq, tool, params, called_at FROM connector_test_account_changes \
             WHERE connection_id = ? ORDER BY seq",
        )
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        let mut account: TestAccount =
            serde_json::from_str(&state).map_err(|_| corrupt("test account state", id.as_str()))?;
        for (seq, tool, params, called_at) in &changes {
            let change = TestChange {
                tool: tool.clone(),
                params: serde_json::from_str(params)
                    .map_err(|_| corrupt("test account change", &seq.to_string()))?,
                at: Timestamp::parse(called_at)?.as_datetime(),
            };
            // Replayed on a copy: a change this generator refuses (only a generator changed since
            // the call was made can) leaves no part of itself behind.
            let mut next = account.clone();
            match next.replay(&change) {
                Ok(()) => account = next,
                Err(e) => {
                    tracing::warn!(connection = %id, seq, tool, error = %e, "a logged test account change no longer applies; left out");
                }
            }
        }
        Ok(LoggedAccount {
            account,
            changes: changes.len(),
        })
    }

    #[tracing::instrument(skip(self, draft, info, credentials), fields(project = %draft.project_id), err(Debug, level = "debug"))]
    async fn create_live(
        &self,
        draft: LiveConnectionDraft,
        info: LiveAccountInfo,
        credentials: &StoredCredentials,
        actor: &str,
    ) -> Result<Connection, RepoError> {
        let at = now();
        let mut tx = self.db.begin_write().await?;
        let project_name = project_name(&mut tx, &draft.project_id).await?;
        let existing: Option<(String, String)> = sqlx::query_as(
            "SELECT id, mode FROM connections WHERE project_id = ? AND platform = ? AND account_id = ?",
        )
        .bind(draft.project_id.as_str())
        .bind(draft.platform.as_str())
        .bind(&draft.account_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(storage)?;
        let name = draft.name.clone().or(info.name);
        let (id, verb) = match existing {
            Some((_, mode)) if mode != ConnectionMode::Live.as_str() => {
                return Err(RepoError::Conflict(format!(
                    "project '{}' already has {} account {} as a test connection; disconnect it first",
                    draft.project_id,
                    draft.platform.label(),
                    draft.account_id
                )));
            }
            Some((id, _)) => {
                let id = ConnectionId::try_from(id)?;
                sqlx::query(
                    "UPDATE connections SET status = 'active', name = ?, currency = ?, time_zone = ?, \
                     api_base_url = ?, api_version = ?, login_customer_id = ?, updated_at = ? WHERE id = ?",
                )
                .bind(&name)
                .bind(info.currency.as_str())
                .bind(&info.time_zone)
                .bind(&draft.api.base_url)
                .bind(&draft.api.version)
                .bind(&draft.api.login_customer_id)
                .bind(at.to_text())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(storage)?;
                (id, "Re-authorized")
            }
            None => {
                let id = ConnectionId::from_suffix(&new_suffix())?;
                sqlx::query(
                    "INSERT INTO connections (id, project_id, platform, account_id, name, mode, status, currency, \
                     time_zone, api_base_url, api_version, login_customer_id, created_at) \
                     VALUES (?, ?, ?, ?, ?, 'live', 'active', ?, ?, ?, ?, ?, ?)",
                )
                .bind(id.as_str())
                .bind(draft.project_id.as_str())
                .bind(draft.platform.as_str())
                .bind(&draft.account_id)
                .bind(&name)
                .bind(info.currency.as_str())
                .bind(&info.time_zone)
                .bind(&draft.api.base_url)
                .bind(&draft.api.version)
                .bind(&draft.api.login_customer_id)
                .bind(at.to_text())
                .execute(&mut *tx)
                .await
                .map_err(storage)?;
                (id, "Connected")
            }
        };
        upsert_credentials(&mut tx, &id, credentials, &at).await?;
        let summary = format!(
            "{verb} {} account {} (live) for {project_name}",
            draft.platform.label(),
            draft.account_id
        );
        finish(
            tx,
            &id,
            &draft.project_id,
            actor,
            "connection.authorized",
            &summary,
            &at,
        )
        .await
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn credentials(&self, id: &ConnectionId) -> Result<StoredCredentials, RepoError> {
        let row: Option<(String, Vec<u8>, Vec<u8>, Option<String>)> = sqlx::query_as(
            "SELECT key_id, nonce, ciphertext, expires_at FROM connection_credentials WHERE connection_id = ?",
        )
        .bind(id.as_str())
        .fetch_optional(&self.db.read)
        .await
        .map_err(storage)?;
        let (key_id, nonce, ciphertext, expires_at) = row.ok_or_else(|| RepoError::NotFound {
            entity: "credentials of connection",
            id: id.to_string(),
        })?;
        let expires_at = match expires_at.as_deref().map(Timestamp::parse).transpose() {
            Ok(at) => at,
            Err(_) => return Err(corrupt("token expiry", id.as_str())),
        };
        Ok(StoredCredentials {
            sealed: SealedSecret {
                key_id,
                nonce,
                ciphertext,
            },
            expires_at,
        })
    }

    #[tracing::instrument(skip(self, credentials), err(Debug, level = "debug"))]
    async fn save_credentials(
        &self,
        id: &ConnectionId,
        credentials: &StoredCredentials,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        fetch(&mut tx, id).await?;
        upsert_credentials(&mut tx, id, credentials, &now()).await?;
        tx.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn set_status(
        &self,
        id: &ConnectionId,
        status: ConnectionStatus,
        reason: &str,
        actor: &str,
    ) -> Result<(), RepoError> {
        let at = now();
        let mut tx = self.db.begin_write().await?;
        let connection = fetch(&mut tx, id).await?;
        if connection.status == status {
            return Ok(());
        }
        sqlx::query("UPDATE connections SET status = ?, updated_at = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(at.to_text())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        let summary = format!(
            "{} account {} is now {status}: {reason}",
            connection.platform.label(),
            connection.account_id
        );
        commit_with_activity(
            tx,
            &connection.project_id,
            actor,
            "connection.status",
            &summary,
            &at,
        )
        .await
    }

    #[tracing::instrument(skip(self, pending), err(Debug, level = "debug"))]
    async fn save_oauth_pending(&self, pending: &OAuthPending) -> Result<(), RepoError> {
        let draft = serde_json::to_string(&pending.draft).map_err(|e| RepoError::Storage(Box::new(e)))?;
        let mut tx = self.db.begin_write().await?;
        project_name(&mut tx, &pending.draft.project_id).await?;
        sqlx::query("DELETE FROM oauth_pending WHERE expires_at < ?")
            .bind(now().to_text())
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        sqlx::query(
            "INSERT INTO oauth_pending (state, project_id, platform, draft, code_verifier, redirect_uri, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&pending.state)
        .bind(pending.draft.project_id.as_str())
        .bind(pending.draft.platform.as_str())
        .bind(draft)
        .bind(&pending.code_verifier)
        .bind(&pending.redirect_uri)
        .bind(pending.expires_at.to_text())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(skip(self, state), err(Debug, level = "debug"))]
    async fn take_oauth_pending(&self, state: &str) -> Result<Option<OAuthPending>, RepoError> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "DELETE FROM oauth_pending WHERE state = ? RETURNING draft, code_verifier, redirect_uri, expires_at",
        )
        .bind(state)
        .fetch_optional(&self.db.read)
        .await
        .map_err(storage)?;
        let Some((draft, code_verifier, redirect_uri, expires_at)) = row else {
            return Ok(None);
        };
        let draft: LiveConnectionDraft = serde_json::from_str(&draft)
            .map_err(|_| corrupt("authorization in progress", "oauth_pending"))?;
        let expires_at =
            Timestamp::parse(&expires_at).map_err(|_| corrupt("authorization expiry", "oauth_pending"))?;
        if expires_at < now() {
            return Ok(None);
        }
        Ok(Some(OAuthPending {
            state: state.to_owned(),
            draft,
            code_verifier,
            redirect_uri,
            expires_at,
        }))
    }

    #[tracing::instrument(level = "debug", skip(self), err(Debug, level = "debug"))]
    async fn recorded_result(&self, key: &str) -> Result<Option<serde_json::Value>, RepoError> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT result FROM tool_call_results WHERE idempotency_key = ?")
                .bind(key)
                .fetch_optional(&self.db.read)
                .await
                .map_err(storage)?;
        text.map(|t| serde_json::from_str(&t).map_err(|_| corrupt("recorded tool result", key)))
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip(self, account), err(Debug, level = "debug"))]
    async fn save_test_snapshot(&self, id: &ConnectionId, account: &TestAccount) -> Result<(), RepoError> {
        let write = Write::Account {
            connection: id.clone(),
            change: AccountChange::Snapshot(state_json(account)?),
            answer: None,
        };
        self.db.journal.write(write).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(connection = %id, tool = %change.tool), err(Debug, level = "debug"))]
    async fn save_test_change(
        &self,
        id: &ConnectionId,
        change: &TestChange,
        snapshot: Option<&TestAccount>,
        answer: Option<(&str, &serde_json::Value)>,
    ) -> Result<(), RepoError> {
        let stored = match snapshot {
            Some(account) => AccountChange::Snapshot(state_json(account)?),
            None => AccountChange::Logged {
                tool: change.tool.clone(),
                params: change.params.to_string(),
                at: Timestamp::from_datetime(change.at),
            },
        };
        let write = Write::Account {
            connection: id.clone(),
            change: stored,
            answer: answer.map(|(key, result)| (key.to_owned(), change.tool.clone(), result.to_string())),
        };
        self.db.journal.write(write).await?;
        Ok(())
    }

    #[tracing::instrument(skip(self, result), err(Debug, level = "debug"))]
    async fn record_result(
        &self,
        id: &ConnectionId,
        key: &str,
        tool: &str,
        result: &serde_json::Value,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.write.begin().await.map_err(storage)?;
        insert_result(&mut tx, id, key, tool, result, &now()).await?;
        tx.commit().await.map_err(storage)?;
        Ok(())
    }
}

async fn insert_result(
    tx: &mut Transaction<'_, Sqlite>,
    id: &ConnectionId,
    key: &str,
    tool: &str,
    result: &serde_json::Value,
    at: &Timestamp,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO tool_call_results (idempotency_key, connection_id, tool, result, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(id.as_str())
    .bind(tool)
    .bind(result.to_string())
    .bind(at.to_text())
    .execute(&mut **tx)
    .await
    .map_err(storage)?;
    Ok(())
}
