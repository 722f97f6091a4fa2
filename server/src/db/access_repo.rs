//! The owner's password hash and the login sessions.

use super::{Db, storage};
use switchboard_core::RepoError;
use switchboard_core::time::Timestamp;

#[derive(Clone)]
pub struct AccessStore {
    db: Db,
}

fn now() -> String {
    Timestamp::from_datetime(chrono::Utc::now()).to_text()
}

impl AccessStore {
    pub fn new(db: Db) -> Self {
        AccessStore { db }
    }

    pub async fn owner_hash(&self) -> Result<Option<String>, RepoError> {
        sqlx::query_scalar("SELECT password_hash FROM owner WHERE id = 1")
            .fetch_optional(&self.db.read)
            .await
            .map_err(storage)
    }

    /// Sets the owner's password; every session ends (whoever had one must log in again).
    pub async fn set_owner_hash(&self, hash: &str) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO owner (id, password_hash, created_at) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.created_at",
        )
        .bind(hash)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(storage)?;
        sqlx::query("DELETE FROM sessions")
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        tx.commit().await.map_err(storage)
    }

    /// Records the first owner password; `false` when there is one already.
    pub async fn create_owner_hash(&self, hash: &str) -> Result<bool, RepoError> {
        let done = sqlx::query(
            "INSERT INTO owner (id, password_hash, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(hash)
        .bind(now())
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn create_session(
        &self,
        token_hash: &[u8],
        expires_at: Timestamp,
        user_agent: Option<&str>,
    ) -> Result<(), RepoError> {
        let at = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, created_at, expires_at, last_seen_at, user_agent) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(&at)
        .bind(expires_at.to_text())
        .bind(&at)
        .bind(user_agent.map(|u| u.chars().take(200).collect::<String>()))
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(())
    }

    /// Whether the session is live (known and not expired).
    pub async fn session_live(&self, token_hash: &[u8]) -> Result<bool, RepoError> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sessions WHERE token_hash = ? AND expires_at > ?)")
            .bind(token_hash)
            .bind(now())
            .fetch_one(&self.db.read)
            .await
            .map_err(storage)
    }

    pub async fn end_session(&self, token_hash: &[u8]) -> Result<(), RepoError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?")
            .bind(token_hash)
            .bind(now())
            .execute(&self.db.write)
            .await
            .map_err(storage)?;
        Ok(())
    }
}
