use super::{Db, ids::new_suffix, storage};
use async_trait::async_trait;
use switchboard_core::connection::SealedSecret;
use switchboard_core::notifications::message::Notice;
use switchboard_core::notifications::{
    Channel, ChannelDraft, DeliveryState, EventKind, Notification, Rule, RuleDraft,
};
use switchboard_core::ports::{Attempt, NewNotification, NotificationRepo, StoredDestination};
use switchboard_core::time::Timestamp;
use switchboard_core::{ChannelId, ExecutionId, NotificationId, ParseError, ProjectId, RepoError, RuleId};

pub struct SqliteNotificationRepo {
    db: Db,
}

impl SqliteNotificationRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

fn stamp(t: Option<&str>) -> Result<Option<Timestamp>, ParseError> {
    t.map(Timestamp::parse).transpose()
}

fn corrupt(what: &'static str, value: &str) -> ParseError {
    ParseError::invalid(what, value, "not what was stored")
}

fn missing(entity: &'static str, id: &str) -> RepoError {
    RepoError::NotFound {
        entity,
        id: id.to_owned(),
    }
}

/// A rule naming a project or channel that does not exist.
fn foreign_key(e: sqlx::Error) -> RepoError {
    match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            RepoError::Conflict("the project or channel does not exist".to_owned())
        }
        _ => storage(e),
    }
}

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: String,
    name: String,
    kind: String,
    target: String,
    active: bool,
    created_at: String,
    updated_at: Option<String>,
}

impl TryFrom<ChannelRow> for Channel {
    type Error = ParseError;
    fn try_from(r: ChannelRow) -> Result<Self, ParseError> {
        Ok(Channel {
            id: ChannelId::try_from(r.id)?,
            name: r.name,
            kind: r.kind.parse().map_err(|_| corrupt("channel kind", &r.kind))?,
            target: r.target,
            active: r.active,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: stamp(r.updated_at.as_deref())?,
        })
    }
}

const CHANNEL: &str = "id, name, kind, target, active, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: String,
    name: String,
    project_id: Option<String>,
    events: String,
    channel_id: String,
    active: bool,
    created_at: String,
    updated_at: Option<String>,
}

impl TryFrom<RuleRow> for Rule {
    type Error = ParseError;
    fn try_from(r: RuleRow) -> Result<Self, ParseError> {
        let names: Vec<String> =
            serde_json::from_str(&r.events).map_err(|_| corrupt("rule events", &r.events))?;
        let events = names
            .iter()
            .map(|e| e.parse::<EventKind>().map_err(|_| corrupt("rule event", e)))
            .collect::<Result<_, _>>()?;
        Ok(Rule {
            id: RuleId::try_from(r.id)?,
            name: r.name,
            project_id: r.project_id.map(ProjectId::try_from).transpose()?,
            events,
            channel_id: ChannelId::try_from(r.channel_id)?,
            active: r.active,
            created_at: Timestamp::parse(&r.created_at)?,
            updated_at: stamp(r.updated_at.as_deref())?,
        })
    }
}

const RULE: &str = "id, name, project_id, events, channel_id, active, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: String,
    channel_id: String,
    rule_id: Option<String>,
    event: String,
    subject: Option<String>,
    notice: String,
    state: String,
    attempts: i64,
    next_attempt_at: Option<String>,
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: String,
    delivered_at: Option<String>,
}

impl TryFrom<OutboxRow> for Notification {
    type Error = ParseError;
    fn try_from(r: OutboxRow) -> Result<Self, ParseError> {
        let notice = serde_json::from_str::<Notice>(&r.notice).map_err(|_| corrupt("notification", &r.id))?;
        Ok(Notification {
            id: NotificationId::try_from(r.id)?,
            channel_id: ChannelId::try_from(r.channel_id)?,
            rule_id: r.rule_id.map(RuleId::try_from).transpose()?,
            event: r
                .event
                .parse()
                .map_err(|_| corrupt("notification event", &r.event))?,
            subject: r.subject,
            notice,
            state: r
                .state
                .parse()
                .map_err(|_| corrupt("notification state", &r.state))?,
            attempts: u32::try_from(r.attempts).unwrap_or(0),
            next_attempt_at: stamp(r.next_attempt_at.as_deref())?,
            last_status: r.last_status.and_then(|s| u16::try_from(s).ok()),
            last_error: r.last_error,
            created_at: Timestamp::parse(&r.created_at)?,
            delivered_at: stamp(r.delivered_at.as_deref())?,
        })
    }
}

const OUTBOX: &str = "id, channel_id, rule_id, event, subject, notice, state, attempts, next_attempt_at, \
                      last_status, last_error, created_at, delivered_at";

/// The destination's columns: (url key id, nonce, sealed url, recipients JSON).
type DestinationColumns = (Option<String>, Option<Vec<u8>>, Option<Vec<u8>>, Option<String>);

fn destination_columns(d: &StoredDestination) -> DestinationColumns {
    match d {
        StoredDestination::Webhook(s) => (
            Some(s.key_id.clone()),
            Some(s.nonce.clone()),
            Some(s.ciphertext.clone()),
            None,
        ),
        StoredDestination::Email(to) => (
            None,
            None,
            None,
            Some(serde_json::Value::from(to.clone()).to_string()),
        ),
    }
}

fn events_json(events: &[EventKind]) -> String {
    serde_json::Value::from(events.iter().map(|e| e.as_str()).collect::<Vec<_>>()).to_string()
}

#[async_trait]
impl NotificationRepo for SqliteNotificationRepo {
    // The draft holds the webhook address, a secret: never in the logs.
    #[tracing::instrument(skip(self, draft, destination), fields(channel = %id), err(Debug, level = "debug"))]
    async fn create_channel(
        &self,
        id: &ChannelId,
        draft: &ChannelDraft,
        destination: &StoredDestination,
    ) -> Result<Channel, RepoError> {
        let (key, nonce, sealed, recipients) = destination_columns(destination);
        let row: ChannelRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO notification_channels (id, name, kind, target, url_key_id, url_nonce, url_sealed, recipients, active, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {CHANNEL}"
        )))
        .bind(id.as_str())
        .bind(&draft.name)
        .bind(draft.kind.as_str())
        .bind(draft.target())
        .bind(key)
        .bind(nonce)
        .bind(sealed)
        .bind(recipients)
        .bind(draft.active)
        .bind(now().to_text())
        .fetch_one(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(row.try_into()?)
    }

    async fn channels(&self) -> Result<Vec<Channel>, RepoError> {
        super::list_by_name::<ChannelRow, Channel>(&self.db, CHANNEL, "notification_channels").await
    }

    async fn channel(&self, id: &ChannelId) -> Result<Channel, RepoError> {
        super::get_by_id::<ChannelRow, Channel>(
            &self.db,
            CHANNEL,
            "notification_channels",
            id.as_str(),
            "channel",
        )
        .await
    }

    #[tracing::instrument(skip(self, draft, destination), fields(channel = %id), err(Debug, level = "debug"))]
    async fn update_channel(
        &self,
        id: &ChannelId,
        draft: &ChannelDraft,
        destination: &StoredDestination,
    ) -> Result<Channel, RepoError> {
        let (key, nonce, sealed, recipients) = destination_columns(destination);
        let row: Option<ChannelRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE notification_channels SET name = ?, kind = ?, target = ?, url_key_id = ?, url_nonce = ?, \
             url_sealed = ?, recipients = ?, active = ?, updated_at = ? WHERE id = ? RETURNING {CHANNEL}"
        )))
        .bind(&draft.name)
        .bind(draft.kind.as_str())
        .bind(draft.target())
        .bind(key)
        .bind(nonce)
        .bind(sealed)
        .bind(recipients)
        .bind(draft.active)
        .bind(now().to_text())
        .bind(id.as_str())
        .fetch_optional(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(row.ok_or_else(|| missing("channel", id.as_str()))?.try_into()?)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn delete_channel(&self, id: &ChannelId) -> Result<(), RepoError> {
        super::delete_by_id(&self.db, "notification_channels", id.as_str(), "channel").await
    }

    async fn destination(&self, id: &ChannelId) -> Result<StoredDestination, RepoError> {
        let row: Option<DestinationColumns> = sqlx::query_as(
            "SELECT url_key_id, url_nonce, url_sealed, recipients FROM notification_channels WHERE id = ?",
        )
        .bind(id.as_str())
        .fetch_optional(&self.db.read)
        .await
        .map_err(storage)?;
        match row.ok_or_else(|| missing("channel", id.as_str()))? {
            (Some(key_id), Some(nonce), Some(ciphertext), None) => {
                Ok(StoredDestination::Webhook(SealedSecret {
                    key_id,
                    nonce,
                    ciphertext,
                }))
            }
            (None, None, None, Some(to)) => Ok(StoredDestination::Email(
                serde_json::from_str(&to).map_err(|_| corrupt("channel recipients", &to))?,
            )),
            _ => Err(corrupt("channel destination", id.as_str()).into()),
        }
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn create_rule(&self, draft: &RuleDraft) -> Result<Rule, RepoError> {
        let id = RuleId::from_suffix(&new_suffix())?;
        let row: RuleRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO notification_rules (id, name, project_id, events, channel_id, active, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {RULE}"
        )))
        .bind(id.as_str())
        .bind(&draft.name)
        .bind(draft.project_id.as_ref().map(ProjectId::as_str))
        .bind(events_json(&draft.events))
        .bind(draft.channel_id.as_str())
        .bind(draft.active)
        .bind(now().to_text())
        .fetch_one(&self.db.write)
        .await
        .map_err(foreign_key)?;
        Ok(row.try_into()?)
    }

    async fn rules(&self) -> Result<Vec<Rule>, RepoError> {
        super::list_by_name::<RuleRow, Rule>(&self.db, RULE, "notification_rules").await
    }

    async fn rule(&self, id: &RuleId) -> Result<Rule, RepoError> {
        super::get_by_id::<RuleRow, Rule>(&self.db, RULE, "notification_rules", id.as_str(), "rule").await
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn update_rule(&self, id: &RuleId, draft: &RuleDraft) -> Result<Rule, RepoError> {
        let row: Option<RuleRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE notification_rules SET name = ?, project_id = ?, events = ?, channel_id = ?, active = ?, \
             updated_at = ? WHERE id = ? RETURNING {RULE}"
        )))
        .bind(&draft.name)
        .bind(draft.project_id.as_ref().map(ProjectId::as_str))
        .bind(events_json(&draft.events))
        .bind(draft.channel_id.as_str())
        .bind(draft.active)
        .bind(now().to_text())
        .bind(id.as_str())
        .fetch_optional(&self.db.write)
        .await
        .map_err(foreign_key)?;
        Ok(row.ok_or_else(|| missing("rule", id.as_str()))?.try_into()?)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn delete_rule(&self, id: &RuleId) -> Result<(), RepoError> {
        super::delete_by_id(&self.db, "notification_rules", id.as_str(), "rule").await
    }

    #[tracing::instrument(skip(self, items), fields(items = items.len()), err(Debug, level = "debug"))]
    async fn enqueue(&self, items: &[NewNotification]) -> Result<Vec<Notification>, RepoError> {
        let mut tx = self.db.begin_write().await?;
        let at = now().to_text();
        let mut added = Vec::with_capacity(items.len());
        for item in items {
            let id = NotificationId::from_suffix(&new_suffix())?;
            let notice = serde_json::to_string(&item.notice).map_err(|e| RepoError::Storage(Box::new(e)))?;
            let row: Option<OutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "INSERT INTO notification_outbox (id, channel_id, rule_id, event, subject, notice, next_attempt_at, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING {OUTBOX}"
            )))
            .bind(id.as_str())
            .bind(item.channel_id.as_str())
            .bind(item.rule_id.as_ref().map(RuleId::as_str))
            .bind(item.event.as_str())
            .bind(item.subject.as_deref())
            .bind(notice)
            .bind(item.not_before.map_or_else(|| at.clone(), |t| t.to_text()))
            .bind(&at)
            .fetch_optional(&mut *tx)
            .await
            .map_err(storage)?;
            if let Some(row) = row {
                added.push(Notification::try_from(row)?);
            }
        }
        tx.commit().await.map_err(storage)?;
        Ok(added)
    }

    async fn due(&self, now: Timestamp, limit: u32) -> Result<Vec<Notification>, RepoError> {
        let rows: Vec<OutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OUTBOX} FROM notification_outbox WHERE state = 'pending' AND next_attempt_at <= ? \
             ORDER BY next_attempt_at, id LIMIT ?"
        )))
        .bind(now.to_text())
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(Notification::try_from)
            .collect::<Result<_, _>>()?)
    }

    async fn next_due(&self) -> Result<Option<Timestamp>, RepoError> {
        let next: Option<String> = sqlx::query_scalar(
            "SELECT min(next_attempt_at) FROM notification_outbox WHERE state = 'pending'",
        )
        .fetch_one(&self.db.read)
        .await
        .map_err(storage)?;
        Ok(stamp(next.as_deref())?)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn attempted(&self, id: &NotificationId, attempt: &Attempt) -> Result<(), RepoError> {
        let delivered = (attempt.state == DeliveryState::Delivered).then(|| now().to_text());
        sqlx::query(
            "UPDATE notification_outbox SET state = ?, attempts = attempts + 1, next_attempt_at = ?, \
             last_status = ?, last_error = ?, delivered_at = coalesce(?, delivered_at) WHERE id = ?",
        )
        .bind(attempt.state.as_str())
        .bind(attempt.next_attempt_at.map(|t| t.to_text()))
        .bind(attempt.status.map(i64::from))
        .bind(attempt.error.as_deref())
        .bind(delivered)
        .bind(id.as_str())
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn notifications(
        &self,
        channel: Option<&ChannelId>,
        state: Option<DeliveryState>,
        limit: u32,
    ) -> Result<Vec<Notification>, RepoError> {
        let rows: Vec<OutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OUTBOX} FROM notification_outbox WHERE (?1 IS NULL OR channel_id = ?1) \
             AND (?2 IS NULL OR state = ?2) ORDER BY created_at DESC, id DESC LIMIT ?3"
        )))
        .bind(channel.map(ChannelId::as_str))
        .bind(state.map(DeliveryState::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(Notification::try_from)
            .collect::<Result<_, _>>()?)
    }

    async fn notification(&self, id: &NotificationId) -> Result<Notification, RepoError> {
        super::get_by_id::<OutboxRow, Notification>(
            &self.db,
            OUTBOX,
            "notification_outbox",
            id.as_str(),
            "notification",
        )
        .await
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn requeue(&self, id: &NotificationId) -> Result<Notification, RepoError> {
        let row: Option<OutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE notification_outbox SET state = 'pending', next_attempt_at = ?, \
             attempts = CASE WHEN state = 'dead' THEN 0 ELSE attempts END WHERE id = ? RETURNING {OUTBOX}"
        )))
        .bind(now().to_text())
        .bind(id.as_str())
        .fetch_optional(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(row
            .ok_or_else(|| missing("notification", id.as_str()))?
            .try_into()?)
    }

    async fn cursor(&self) -> Result<Option<i64>, RepoError> {
        sqlx::query_scalar("SELECT seq FROM notifier_cursor WHERE id = 1")
            .fetch_optional(&self.db.read)
            .await
            .map_err(storage)
    }

    async fn set_cursor(&self, seq: i64) -> Result<(), RepoError> {
        sqlx::query(
            "INSERT INTO notifier_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
        )
        .bind(seq)
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(())
    }

    async fn ended_runs_since(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<(i64, ExecutionId, String)>, RepoError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT seq, execution_id, type FROM events WHERE seq > ? \
             AND type IN ('execution.completed', 'execution.failed', 'approval.requested') AND execution_id IS NOT NULL \
             ORDER BY seq LIMIT ?",
        )
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|(seq, id, kind)| Ok((seq, ExecutionId::try_from(id)?, kind)))
            .collect()
    }
}
