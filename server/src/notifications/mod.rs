//! Sends notifications. A router reads the event log from a cursor kept in the database (so a run
//! that ended while the server was down is still announced) and puts a notification in the outbox
//! for each rule that matches; a sender delivers what is due (Discord and Slack through the
//! guarded outbound client, email over SMTP), retrying with backoff and jitter and honouring the
//! services' `retry_after`.

mod mail;

use crate::outbound::{OutboundClient, OutboundError};
use crate::secrets::Keyring;
use crate::workflows::EventBus;
use mail::Mailer;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::execution::events;
use switchboard_core::notifications::message::{Notice, discord_payload, email_parts, slack_payload};
use switchboard_core::notifications::retry::{Next, RetryPolicy, retryable};
use switchboard_core::notifications::{
    Channel, ChannelDraft, ChannelKind, DeliveryState, Destination, EventKind, Notification, notices,
};
use switchboard_core::ports::{Attempt, NewNotification, NotificationRepo, Repos, StoredDestination};
use switchboard_core::time::Timestamp;
use switchboard_core::{ChannelId, ExecutionId, NotificationId, RepoError};

/// Ended runs read per look at the event log.
const BATCH: u32 = 200;
/// The sender looks for due notifications at least this often.
const IDLE: Duration = Duration::from_secs(30);
/// A test message is held back from the sender this long while "send test" makes its attempt
/// (well past the outbound client's 5 s connect and 15 s answer timeouts).
const TEST_HOLD_SECS: i64 = 120;

#[derive(Debug, Clone, Default)]
pub struct NotifySettings {
    /// `smtp://host:587?tls=required`, `smtps://user:pass@host`, … (SWITCHBOARD_SMTP_URL).
    pub smtp_url: Option<String>,
    /// The sender address (SWITCHBOARD_SMTP_FROM), e.g. `Switchboard <alerts@example.com>`.
    pub smtp_from: Option<String>,
    pub policy: RetryPolicy,
}

impl NotifySettings {
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        NotifySettings {
            smtp_url: var("SWITCHBOARD_SMTP_URL"),
            smtp_from: var("SWITCHBOARD_SMTP_FROM"),
            policy: RetryPolicy::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// A user-supplied address the outbound client will not send to.
    #[error("{0}")]
    Refused(String),
    #[error("a channel's address cannot be opened: {0}")]
    Secret(String),
}

pub struct Notifier {
    services: Repos,
    repo: Arc<dyn NotificationRepo>,
    keyring: Arc<Keyring>,
    outbound: OutboundClient,
    mailer: Option<Mailer>,
    policy: RetryPolicy,
    public_url: String,
    wake: tokio::sync::Notify,
}

fn context(id: &ChannelId) -> String {
    format!("channel/{id}")
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

impl Notifier {
    pub fn new(
        services: Repos,
        keyring: Arc<Keyring>,
        outbound: OutboundClient,
        settings: NotifySettings,
        public_url: String,
    ) -> anyhow::Result<Arc<Self>> {
        let mailer = match &settings.smtp_url {
            Some(url) => Some(Mailer::new(url, settings.smtp_from.as_deref())?),
            None => None,
        };
        Ok(Arc::new(Notifier {
            repo: services.notifications.clone(),
            services,
            keyring,
            outbound,
            mailer,
            policy: settings.policy,
            public_url,
            wake: tokio::sync::Notify::new(),
        }))
    }

    fn seal(&self, id: &ChannelId, draft: &ChannelDraft) -> Result<StoredDestination, NotifyError> {
        match &draft.destination {
            Destination::Webhook(url) => {
                // Refuse a private or loopback address now, with a clear reason.
                self.outbound
                    .check_url(url)
                    .map_err(|e| NotifyError::Refused(e.to_string()))?;
                let sealed = self
                    .keyring
                    .seal(url.as_bytes(), &context(id))
                    .map_err(|e| NotifyError::Secret(e.to_string()))?;
                Ok(StoredDestination::Webhook(sealed))
            }
            Destination::Email(to) => Ok(StoredDestination::Email(to.clone())),
        }
    }

    async fn destination(&self, id: &ChannelId) -> Result<Destination, NotifyError> {
        match self.repo.destination(id).await? {
            StoredDestination::Email(to) => Ok(Destination::Email(to)),
            StoredDestination::Webhook(sealed) => {
                let plain = self
                    .keyring
                    .open(&sealed, &context(id))
                    .map_err(|e| NotifyError::Secret(e.to_string()))?;
                String::from_utf8(plain)
                    .map(Destination::Webhook)
                    .map_err(|_| NotifyError::Secret("not text".to_owned()))
            }
        }
    }

    pub async fn create_channel(&self, draft: &ChannelDraft) -> Result<Channel, NotifyError> {
        let id = ChannelId::from_suffix(&crate::db::ids::new_suffix()).map_err(RepoError::from)?;
        let stored = self.seal(&id, draft)?;
        Ok(self.repo.create_channel(&id, draft, &stored).await?)
    }

    pub async fn update_channel(&self, id: &ChannelId, draft: &ChannelDraft) -> Result<Channel, NotifyError> {
        self.repo.channel(id).await?;
        let stored = self.seal(id, draft)?;
        Ok(self.repo.update_channel(id, draft, &stored).await?)
    }

    /// The body a channel of `kind` would get for `notice` (the message preview).
    pub fn preview(kind: ChannelKind, notice: &Notice) -> Value {
        match kind {
            ChannelKind::Discord => discord_payload(notice),
            ChannelKind::Slack => slack_payload(notice),
            ChannelKind::Email => {
                let (subject, body) = email_parts(notice);
                serde_json::json!({"subject": subject, "text": body})
            }
        }
    }

    /// The test message of a channel.
    pub fn test_notice(&self, channel: &Channel) -> Notice {
        notices::test_notice(&channel.name, &self.public_url, now())
    }

    /// What a run's notification says (its project named when it has one).
    pub async fn notice_for(&self, detail: &switchboard_core::execution::ExecutionDetail) -> Notice {
        let project_name = match &detail.execution.project_id {
            Some(p) => self.services.projects.get(p).await.ok().map(|p| p.name),
            None => None,
        };
        notices::run_notice(detail, project_name.as_deref(), &self.public_url)
    }

    /// "Send test": queues a test message to the channel and tries it at once; answers the
    /// notification as it stands after the attempt.
    pub async fn send_test(&self, id: &ChannelId) -> Result<Notification, NotifyError> {
        let channel = self.repo.channel(id).await?;
        let notice = self.test_notice(&channel);
        let mut added = self
            .repo
            .enqueue(&[NewNotification {
                channel_id: id.clone(),
                rule_id: None,
                event: EventKind::Test,
                subject: None,
                notice,
                // This call makes the first attempt; the sender only takes it up if that never ends.
                not_before: Some(Timestamp::from_datetime(
                    chrono::Utc::now() + chrono::Duration::seconds(TEST_HOLD_SECS),
                )),
            }])
            .await?;
        let n = added
            .pop()
            .ok_or_else(|| RepoError::Conflict("the test could not be queued".to_owned()))?;
        self.attempt(&n).await?;
        // A retry it needs is the sender's to make.
        self.wake.notify_one();
        Ok(self.repo.notification(&n.id).await?)
    }

    /// Queues a notification again (a dead one gets its attempts back) and wakes the sender.
    pub async fn retry(&self, id: &NotificationId) -> Result<Notification, NotifyError> {
        let n = self.repo.requeue(id).await?;
        self.wake.notify_one();
        Ok(n)
    }

    /// Starts the router and the sender. On the very first start the cursor is set to the end of
    /// the event log (history is not announced); after that, runs that ended while the server was
    /// down are announced.
    pub async fn start(self: &Arc<Self>, bus: &EventBus) -> Result<(), NotifyError> {
        let mut rx = bus.subscribe();
        if self.repo.cursor().await?.is_none() {
            self.repo
                .set_cursor(self.services.events.last_seq().await?)
                .await?;
        }
        let router = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = router.route_ended_runs().await {
                    tracing::warn!(error = ?e, "notifications: reading ended runs failed");
                }
                // Wake on the next run that ends (other events are ignored), or look again soon.
                let deadline = tokio::time::sleep(Duration::from_secs(10));
                tokio::pin!(deadline);
                loop {
                    tokio::select! {
                        _ = &mut deadline => break,
                        got = rx.recv() => match got {
                            Ok(e) if e.kind == events::EXECUTION_COMPLETED
                                || e.kind == events::EXECUTION_FAILED
                                || e.kind == events::APPROVAL_REQUESTED => break,
                            Ok(_) => {}
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                        },
                    }
                }
            }
        });
        let sender = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = sender.send_due().await {
                    tracing::warn!(error = ?e, "notifications: sending failed");
                    // Storage trouble: wait before looking again rather than spin.
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                let wait = match sender.repo.next_due().await {
                    Ok(Some(at)) => (at.as_datetime() - chrono::Utc::now())
                        .to_std()
                        .unwrap_or(Duration::ZERO)
                        .min(IDLE),
                    _ => IDLE,
                };
                if wait > Duration::ZERO {
                    let _ = tokio::time::timeout(wait, sender.wake.notified()).await;
                }
            }
        });
        Ok(())
    }

    /// Puts a notification in the outbox for every rule an ended run matches, then moves the cursor.
    pub async fn route_ended_runs(&self) -> Result<usize, NotifyError> {
        let top = self.services.events.last_seq().await?;
        let Some(cursor) = self.repo.cursor().await? else {
            // First start: announce what happens from now on, not the history.
            self.repo.set_cursor(top).await?;
            return Ok(0);
        };
        let ended = self.repo.ended_runs_since(cursor, BATCH).await?;
        let mut queued = 0;
        if !ended.is_empty() {
            let rules = self.repo.rules().await?;
            for (_, execution, kind) in &ended {
                // One run that cannot be read must not hold back the others.
                match self.route_run(&rules, execution, kind).await {
                    Ok(n) => queued += n,
                    Err(e) => {
                        tracing::warn!(execution = %execution, error = ?e, "notifications: a run was skipped")
                    }
                }
            }
        }
        let next = if ended.len() < BATCH as usize {
            top.max(cursor)
        } else {
            ended.last().map_or(cursor, |(seq, _, _)| *seq)
        };
        if next != cursor {
            self.repo.set_cursor(next).await?;
        }
        if queued > 0 {
            self.wake.notify_one();
        }
        Ok(queued)
    }

    async fn route_run(
        &self,
        rules: &[switchboard_core::notifications::Rule],
        execution: &ExecutionId,
        kind: &str,
    ) -> Result<usize, NotifyError> {
        let event = match kind {
            events::EXECUTION_FAILED => EventKind::ExecutionFailed,
            events::APPROVAL_REQUESTED => EventKind::ApprovalRequested,
            _ => EventKind::ExecutionCompleted,
        };
        let detail = self.services.executions.get(execution).await?;
        let project = detail.execution.project_id.clone();
        let matching: Vec<_> = rules
            .iter()
            .filter(|r| r.matches(event, project.as_ref()))
            .collect();
        if matching.is_empty() {
            return Ok(0);
        }
        let project_name = match &project {
            Some(p) => self.services.projects.get(p).await.ok().map(|p| p.name),
            None => None,
        };
        let (notice, subject) = if event == EventKind::ApprovalRequested {
            // The newest waiting proposal of the run (one stage waits at a time).
            let waiting = self
                .services
                .proposals
                .for_execution(execution)
                .await?
                .into_iter()
                .rev()
                .find(|p| p.status == switchboard_core::approval::ProposalStatus::Pending);
            match waiting {
                // One notice per proposal (a run may stop at several stages).
                Some(p) => (
                    notices::approval_notice(&p, project_name.as_deref(), &self.public_url),
                    p.id.clone(),
                ),
                // Decided before the notice went out: nothing to ask any more.
                None => return Ok(0),
            }
        } else {
            (
                notices::run_notice(&detail, project_name.as_deref(), &self.public_url),
                execution.to_string(),
            )
        };
        let items: Vec<NewNotification> = matching
            .into_iter()
            .map(|r| NewNotification {
                channel_id: r.channel_id.clone(),
                rule_id: Some(r.id.clone()),
                event,
                subject: Some(subject.clone()),
                notice: notice.clone(),
                not_before: None,
            })
            .collect();
        Ok(self.repo.enqueue(&items).await?.len())
    }

    /// Queues `notice` (an event other than a run's) for every rule that routes its event for
    /// `project`, once per `subject` and channel; answers how many were queued.
    pub async fn announce(
        &self,
        project: Option<&switchboard_core::ProjectId>,
        subject: &str,
        notice: switchboard_core::notifications::message::Notice,
    ) -> Result<usize, NotifyError> {
        let event = notice.event;
        let rules = self.repo.rules().await?;
        let items: Vec<NewNotification> = rules
            .iter()
            .filter(|r| r.matches(event, project))
            .map(|r| NewNotification {
                channel_id: r.channel_id.clone(),
                rule_id: Some(r.id.clone()),
                event,
                subject: Some(subject.to_owned()),
                notice: notice.clone(),
                not_before: None,
            })
            .collect();
        if items.is_empty() {
            return Ok(0);
        }
        let queued = self.repo.enqueue(&items).await?.len();
        if queued > 0 {
            self.wake.notify_one();
        }
        Ok(queued)
    }

    /// The server's public address, for links in notices.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Delivers everything due now.
    pub async fn send_due(&self) -> Result<usize, NotifyError> {
        let mut sent = 0;
        loop {
            let due = self.repo.due(now(), 50).await?;
            if due.is_empty() {
                return Ok(sent);
            }
            for n in &due {
                self.attempt(n).await?;
                sent += 1;
            }
        }
    }

    /// One attempt at one notification, recorded.
    async fn attempt(&self, n: &Notification) -> Result<(), NotifyError> {
        let attempt_no = n.attempts + 1;
        let (next, status, error) = match self.deliver(n).await {
            Ok(status) => (Next::Delivered, status, None),
            Err(f) => {
                let next = if f.permanent {
                    Next::GiveUp
                } else {
                    // A retryable answer, or none: the policy decides when (and whether) again.
                    self.policy.next(
                        attempt_no,
                        f.status.filter(|s| retryable(*s)),
                        fastrand::f64(),
                        f.retry_after,
                    )
                };
                (next, f.status, Some(f.reason))
            }
        };
        let (state, next_attempt_at) = match next {
            Next::Delivered => (DeliveryState::Delivered, None),
            Next::GiveUp => (DeliveryState::Dead, None),
            Next::RetryAfter(wait) => (
                DeliveryState::Pending,
                Some(Timestamp::from_datetime(
                    chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero()),
                )),
            ),
        };
        match state {
            DeliveryState::Delivered => {
                tracing::info!(notification = %n.id, channel = %n.channel_id, "notification delivered")
            }
            _ => tracing::warn!(
                notification = %n.id, channel = %n.channel_id, attempt = attempt_no, state = state.as_str(),
                error = ?error, "notification not delivered"
            ),
        }
        self.repo
            .attempted(
                &n.id,
                &Attempt {
                    state,
                    next_attempt_at,
                    status,
                    error,
                },
            )
            .await?;
        Ok(())
    }

    /// Sends one notification: the service's status when it took it, or why not.
    async fn deliver(&self, n: &Notification) -> Result<Option<u16>, Failure> {
        let channel = self
            .repo
            .channel(&n.channel_id)
            .await
            .map_err(|e| Failure::permanent(e.to_string()))?;
        if !channel.active && n.event != EventKind::Test {
            return Err(Failure::permanent("the channel is disabled"));
        }
        let destination = self
            .destination(&n.channel_id)
            .await
            .map_err(|e| Failure::permanent(e.to_string()))?;
        match (channel.kind, destination) {
            (ChannelKind::Discord | ChannelKind::Slack, Destination::Webhook(url)) => {
                let body = Self::preview(channel.kind, &n.notice);
                let answer = self.outbound.post_json(&url, &body).await.map_err(|e| match e {
                    // The address will not become public by waiting.
                    OutboundError::Refused(why) | OutboundError::InvalidUrl(why) => {
                        Failure::permanent(format!("refused: {why}"))
                    }
                    other => Failure::transient(None, other.to_string()),
                })?;
                let status = answer.status.as_u16();
                if answer.status.is_success() {
                    return Ok(Some(status));
                }
                // Discord also says how long to wait in the body (seconds, possibly fractional).
                let retry_after = answer.retry_after.or_else(|| {
                    serde_json::from_str::<Value>(&answer.body)
                        .ok()
                        .and_then(|v| v["retry_after"].as_f64())
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .map(|s| Duration::from_secs_f64(s.min(86_400.0)))
                });
                let body = answer.body.trim();
                let reason = if body.is_empty() {
                    format!("answered {status}")
                } else {
                    format!(
                        "answered {status}: {}",
                        body.chars().take(300).collect::<String>()
                    )
                };
                Err(Failure {
                    status: Some(status),
                    retry_after,
                    permanent: !retryable(status),
                    reason,
                })
            }
            (ChannelKind::Email, Destination::Email(to)) => {
                let mailer = self.mailer.as_ref().ok_or_else(|| {
                    Failure::permanent(
                        "email is not set up: set SWITCHBOARD_SMTP_URL and SWITCHBOARD_SMTP_FROM",
                    )
                })?;
                let (subject, text) = email_parts(&n.notice);
                mailer.send(&to, &subject, &text).await.map(|()| None)
            }
            _ => Err(Failure::permanent("the channel's kind and address do not agree")),
        }
    }
}

/// Why an attempt did not deliver.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The service's HTTP status, when it answered.
    status: Option<u16>,
    retry_after: Option<Duration>,
    /// Waiting will not help (a refused payload, a deleted webhook, a bad address).
    permanent: bool,
    reason: String,
}

impl Failure {
    pub(crate) fn permanent(reason: impl Into<String>) -> Self {
        Failure {
            status: None,
            retry_after: None,
            permanent: true,
            reason: reason.into(),
        }
    }

    pub(crate) fn transient(status: Option<u16>, reason: impl Into<String>) -> Self {
        Failure {
            status,
            retry_after: None,
            permanent: false,
            reason: reason.into(),
        }
    }
}
