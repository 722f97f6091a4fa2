use super::{Db, ids::new_suffix, storage};
use async_trait::async_trait;
use switchboard_core::connection::SealedSecret;
use switchboard_core::ports::WebhookRepo;
use switchboard_core::time::Timestamp;
use switchboard_core::webhooks::{
    Delivery, DeliveryAuth, DeliveryOutcome, DeliveryReport, Reservation, Webhook, WebhookDraft,
};
use switchboard_core::{DeliveryId, ExecutionId, ParseError, ProjectId, RepoError, WebhookId, WorkflowId};

pub struct SqliteWebhookRepo {
    db: Db,
}

impl SqliteWebhookRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn now() -> String {
    Timestamp::from_datetime(chrono::Utc::now()).to_text()
}

#[derive(sqlx::FromRow)]
struct HookRow {
    id: String,
    name: String,
    workflow_id: String,
    project_id: Option<String>,
    active: bool,
    created_at: String,
    updated_at: Option<String>,
    last_delivery_at: Option<String>,
}

impl TryFrom<HookRow> for Webhook {
    type Error = ParseError;
    fn try_from(r: HookRow) -> Result<Self, ParseError> {
        Ok(Webhook {
            id: WebhookId::try_from(r.id)?,
            name: r.name,
            workflow_id: WorkflowId::try_from(r.workflow_id)?,
            project_id: r.project_id.map(ProjectId::try_from).transpose()?,
            active: r.active,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: r.updated_at.as_deref().map(Timestamp::parse).transpose()?,
            last_delivery_at: r.last_delivery_at.as_deref().map(Timestamp::parse).transpose()?,
        })
    }
}

const HOOK: &str = "id, name, workflow_id, project_id, active, created_at, updated_at, last_delivery_at";

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    webhook_id: String,
    message_id: Option<String>,
    received_at: String,
    outcome: String,
    status: i64,
    reason: Option<String>,
    auth: Option<String>,
    execution_id: Option<String>,
    body_bytes: i64,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = ParseError;
    fn try_from(r: DeliveryRow) -> Result<Self, ParseError> {
        let bad = |what: &'static str, value: &str| ParseError::invalid(what, value, "not a known value");
        Ok(Delivery {
            id: DeliveryId::try_from(r.id)?,
            received_at: Timestamp::parse(&r.received_at)?,
            report: DeliveryReport {
                webhook_id: WebhookId::try_from(r.webhook_id)?,
                message_id: r.message_id,
                outcome: r
                    .outcome
                    .parse()
                    .map_err(|_| bad("delivery outcome", &r.outcome))?,
                status: u16::try_from(r.status).map_err(|_| bad("delivery status", &r.status.to_string()))?,
                reason: r.reason,
                auth: match r.auth.as_deref() {
                    None => None,
                    Some("signature") => Some(DeliveryAuth::Signature),
                    Some("api_key") => Some(DeliveryAuth::ApiKey),
                    Some(other) => return Err(bad("delivery auth", other)),
                },
                execution_id: r.execution_id.map(ExecutionId::try_from).transpose()?,
                body_bytes: u64::try_from(r.body_bytes).unwrap_or(0),
            },
        })
    }
}

const DELIVERY: &str =
    "id, webhook_id, message_id, received_at, outcome, status, reason, auth, execution_id, body_bytes";

fn not_found(id: &WebhookId) -> RepoError {
    RepoError::NotFound {
        entity: "webhook",
        id: id.to_string(),
    }
}

/// A workflow or project that does not exist is the client's mistake, said plainly.
fn foreign_key(e: sqlx::Error) -> RepoError {
    match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            RepoError::Conflict("the workflow or project does not exist".to_owned())
        }
        _ => storage(e),
    }
}

async fn insert_delivery(
    conn: &mut sqlx::SqliteConnection,
    d: &DeliveryReport,
) -> Result<Result<Delivery, sqlx::Error>, RepoError> {
    let id = DeliveryId::from_suffix(&new_suffix())?;
    let received = now();
    let inserted: Result<DeliveryRow, sqlx::Error> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO webhook_deliveries ({DELIVERY}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {DELIVERY}"
    )))
    .bind(id.as_str())
    .bind(d.webhook_id.as_str())
    .bind(d.message_id.as_deref())
    .bind(&received)
    .bind(d.outcome.as_str())
    .bind(i64::from(d.status))
    .bind(d.reason.as_deref())
    .bind(d.auth.map(DeliveryAuth::as_str))
    .bind(d.execution_id.as_ref().map(ExecutionId::as_str))
    .bind(i64::try_from(d.body_bytes).unwrap_or(i64::MAX))
    .fetch_one(&mut *conn)
    .await;
    match inserted {
        Ok(row) => {
            sqlx::query("UPDATE webhooks SET last_delivery_at = ? WHERE id = ?")
                .bind(&received)
                .bind(d.webhook_id.as_str())
                .execute(&mut *conn)
                .await
                .map_err(storage)?;
            Ok(Ok(Delivery::try_from(row)?))
        }
        Err(e) => Ok(Err(e)),
    }
}

#[async_trait]
impl WebhookRepo for SqliteWebhookRepo {
    #[tracing::instrument(skip(self, secret), err(Debug, level = "debug"))]
    async fn create(
        &self,
        id: &WebhookId,
        draft: &WebhookDraft,
        secret: &SealedSecret,
    ) -> Result<Webhook, RepoError> {
        let row: HookRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO webhooks (id, name, workflow_id, project_id, active, secret_key_id, secret_nonce, secret_sealed, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {HOOK}"
        )))
        .bind(id.as_str())
        .bind(&draft.name)
        .bind(draft.workflow_id.as_str())
        .bind(draft.project_id.as_ref().map(ProjectId::as_str))
        .bind(draft.active)
        .bind(&secret.key_id)
        .bind(&secret.nonce)
        .bind(&secret.ciphertext)
        .bind(now())
        .fetch_one(&self.db.write)
        .await
        .map_err(foreign_key)?;
        Ok(row.try_into()?)
    }

    async fn list(&self) -> Result<Vec<Webhook>, RepoError> {
        super::list_by_name::<HookRow, Webhook>(&self.db, HOOK, "webhooks").await
    }

    async fn get(&self, id: &WebhookId) -> Result<Webhook, RepoError> {
        super::get_by_id::<HookRow, Webhook>(&self.db, HOOK, "webhooks", id.as_str(), "webhook").await
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn update(&self, id: &WebhookId, draft: &WebhookDraft) -> Result<Webhook, RepoError> {
        let row: Option<HookRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE webhooks SET name = ?, workflow_id = ?, project_id = ?, active = ?, updated_at = ? \
             WHERE id = ? RETURNING {HOOK}"
        )))
        .bind(&draft.name)
        .bind(draft.workflow_id.as_str())
        .bind(draft.project_id.as_ref().map(ProjectId::as_str))
        .bind(draft.active)
        .bind(now())
        .bind(id.as_str())
        .fetch_optional(&self.db.write)
        .await
        .map_err(foreign_key)?;
        Ok(row.ok_or_else(|| not_found(id))?.try_into()?)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn delete(&self, id: &WebhookId) -> Result<(), RepoError> {
        super::delete_by_id(&self.db, "webhooks", id.as_str(), "webhook").await
    }

    async fn secret(&self, id: &WebhookId) -> Result<SealedSecret, RepoError> {
        let row: Option<(String, Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT secret_key_id, secret_nonce, secret_sealed FROM webhooks WHERE id = ?")
                .bind(id.as_str())
                .fetch_optional(&self.db.read)
                .await
                .map_err(storage)?;
        let (key_id, nonce, ciphertext) = row.ok_or_else(|| not_found(id))?;
        Ok(SealedSecret {
            key_id,
            nonce,
            ciphertext,
        })
    }

    #[tracing::instrument(skip(self, secret), err(Debug, level = "debug"))]
    async fn set_secret(&self, id: &WebhookId, secret: &SealedSecret) -> Result<(), RepoError> {
        let done = sqlx::query(
            "UPDATE webhooks SET secret_key_id = ?, secret_nonce = ?, secret_sealed = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&secret.key_id)
        .bind(&secret.nonce)
        .bind(&secret.ciphertext)
        .bind(now())
        .bind(id.as_str())
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        if done.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    #[tracing::instrument(skip(self, delivery), err(Debug, level = "debug"))]
    async fn reserve(&self, delivery: &DeliveryReport) -> Result<Reservation, RepoError> {
        let mut tx = self.db.begin_write().await?;
        if let Some(message) = &delivery.message_id {
            let seen: Option<DeliveryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {DELIVERY} FROM webhook_deliveries WHERE webhook_id = ? AND message_id = ? AND outcome = 'accepted'"
            )))
            .bind(delivery.webhook_id.as_str())
            .bind(message)
            .fetch_optional(&mut *tx)
            .await
            .map_err(storage)?;
            if let Some(row) = seen {
                return Ok(Reservation::Seen(row.try_into()?));
            }
        }
        let reserved = DeliveryReport {
            outcome: DeliveryOutcome::Accepted,
            execution_id: None,
            ..delivery.clone()
        };
        let inserted = insert_delivery(&mut tx, &reserved).await?.map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        Ok(Reservation::Reserved(inserted.id))
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn settle(
        &self,
        id: &DeliveryId,
        outcome: DeliveryOutcome,
        status: u16,
        execution: Option<&ExecutionId>,
        reason: Option<&str>,
    ) -> Result<(), RepoError> {
        sqlx::query("UPDATE webhook_deliveries SET outcome = ?, status = ?, execution_id = ?, reason = ? WHERE id = ?")
            .bind(outcome.as_str())
            .bind(i64::from(status))
            .bind(execution.map(ExecutionId::as_str))
            .bind(reason)
            .bind(id.as_str())
            .execute(&self.db.write)
            .await
            .map_err(storage)?;
        Ok(())
    }

    #[tracing::instrument(skip(self, delivery), err(Debug, level = "debug"))]
    async fn record(&self, delivery: &DeliveryReport) -> Result<Delivery, RepoError> {
        let mut conn = self.db.write.acquire().await.map_err(storage)?;
        let d = insert_delivery(&mut conn, delivery).await?.map_err(storage)?;
        Ok(d)
    }

    async fn deliveries(&self, id: &WebhookId, limit: u32) -> Result<Vec<Delivery>, RepoError> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY} FROM webhook_deliveries WHERE webhook_id = ? ORDER BY received_at DESC, id DESC LIMIT ?"
        )))
        .bind(id.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(Delivery::try_from)
            .collect::<Result<_, _>>()?)
    }
}
