//! The ports: traits the server implements over its storage and services. Server functions, the REST
//! API and background jobs all reach infrastructure through these, bundled in [`Repos`].

use crate::activity::ActivityEntry;
use crate::campaign::{Campaign, CampaignPage, CampaignQuery};
use crate::connection::{
    Connection, ConnectionDraft, ConnectionStatus, LiveAccountInfo, LiveConnectionDraft, OAuthPending,
    StoredCredentials,
};
use crate::connectors::ConnectorError;
use crate::connectors::testmode::{LoggedAccount, TestAccount, TestChange};
use crate::dashboard::DashboardSummary;
use crate::error::RepoError;
use crate::health::DatabaseHealth;
use crate::ids::{CampaignId, ConnectionId, ProjectId};
use crate::metrics::DailyMetric;
use crate::project::{Project, ProjectDraft, ProjectFilter, ProjectStatus, ProjectSummary};
use async_trait::async_trait;
use chrono::NaiveDate;
use std::sync::Arc;

/// Reads the dashboard's counts.
#[async_trait]
pub trait DashboardRepo: Send + Sync {
    async fn summary(&self) -> Result<DashboardSummary, RepoError>;
}

/// Checks that the database answers.
#[async_trait]
pub trait HealthProbe: Send + Sync {
    async fn database(&self) -> DatabaseHealth;
}

/// Projects. Changes are recorded in the activity feed as the given actor.
#[async_trait]
pub trait ProjectRepo: Send + Sync {
    async fn list(&self, filter: &ProjectFilter) -> Result<Vec<ProjectSummary>, RepoError>;
    async fn get(&self, id: &ProjectId) -> Result<Project, RepoError>;
    async fn create(&self, draft: ProjectDraft, actor: &str) -> Result<Project, RepoError>;
    async fn update(&self, id: &ProjectId, draft: ProjectDraft, actor: &str) -> Result<Project, RepoError>;
    async fn set_status(
        &self,
        id: &ProjectId,
        status: ProjectStatus,
        actor: &str,
    ) -> Result<Project, RepoError>;
}

#[async_trait]
pub trait CampaignRepo: Send + Sync {
    async fn list(&self, query: &CampaignQuery) -> Result<CampaignPage, RepoError>;
    async fn get(&self, id: &CampaignId) -> Result<Campaign, RepoError>;
}

/// Daily campaign performance in the common metric model.
#[async_trait]
pub trait MetricsRepo: Send + Sync {
    /// Days of one campaign within `from..=to` (either end open), oldest first.
    async fn campaign_daily(
        &self,
        id: &CampaignId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DailyMetric>, RepoError>;
}

#[async_trait]
pub trait ActivityRepo: Send + Sync {
    /// The newest entries first; all projects when `project` is `None`.
    async fn recent(&self, project: Option<&ProjectId>, limit: u32) -> Result<Vec<ActivityEntry>, RepoError>;
}

/// Ad account connections, and the state of their test-mode accounts.
#[async_trait]
pub trait ConnectionRepo: Send + Sync {
    /// Connections of one project, or of all; newest first.
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Connection>, RepoError>;
    async fn get(&self, id: &ConnectionId) -> Result<Connection, RepoError>;
    /// Makes a test-mode connection around a generated account.
    async fn create_test(
        &self,
        draft: ConnectionDraft,
        account: &TestAccount,
        actor: &str,
    ) -> Result<Connection, RepoError>;
    async fn delete(&self, id: &ConnectionId, actor: &str) -> Result<(), RepoError>;
    /// A test account: its snapshot with the changes logged since replayed.
    async fn test_account(&self, id: &ConnectionId) -> Result<LoggedAccount, RepoError>;
    /// Stores a test account whole, as the snapshot that replaces its change log.
    async fn save_test_snapshot(&self, id: &ConnectionId, account: &TestAccount) -> Result<(), RepoError>;
    /// Makes (or, for an account the project already has, re-authorizes) a live connection with
    /// its sealed tokens, in one transaction.
    async fn create_live(
        &self,
        draft: LiveConnectionDraft,
        info: LiveAccountInfo,
        credentials: &StoredCredentials,
        actor: &str,
    ) -> Result<Connection, RepoError>;
    async fn credentials(&self, id: &ConnectionId) -> Result<StoredCredentials, RepoError>;
    async fn save_credentials(
        &self,
        id: &ConnectionId,
        credentials: &StoredCredentials,
    ) -> Result<(), RepoError>;
    /// Changes the status (a refused token marks the connection `needs_reauth`), with the reason
    /// in the project's activity feed. Nothing is written when the status is already that.
    async fn set_status(
        &self,
        id: &ConnectionId,
        status: ConnectionStatus,
        reason: &str,
        actor: &str,
    ) -> Result<(), RepoError>;
    async fn save_oauth_pending(&self, pending: &OAuthPending) -> Result<(), RepoError>;
    /// The answer a write already got under this idempotency key.
    async fn recorded_result(&self, key: &str) -> Result<Option<serde_json::Value>, RepoError>;
    /// Stores a write tool's change to a test account: appended to the account's change log, or,
    /// given the account as it now is, as its new snapshot, which replaces the log. A keyed write's
    /// answer is kept in the same transaction: a crash leaves both or neither.
    async fn save_test_change(
        &self,
        id: &ConnectionId,
        change: &TestChange,
        snapshot: Option<&TestAccount>,
        answer: Option<(&str, &serde_json::Value)>,
    ) -> Result<(), RepoError>;
    /// Records a live write's answer under its key.
    async fn record_result(
        &self,
        id: &ConnectionId,
        key: &str,
        tool: &str,
        result: &serde_json::Value,
    ) -> Result<(), RepoError>;
    /// Takes an authorization in progress (single use); `None` when unknown, used or expired.
    async fn take_oauth_pending(&self, state: &str) -> Result<Option<OAuthPending>, RepoError>;
}

/// Why a tool did not run.
#[derive(Debug, thiserror::Error)]
pub enum ToolRunError {
    #[error(transparent)]
    Connector(#[from] ConnectorError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("connection '{connection}' is a {actual} connection, not {asked}")]
    WrongPlatform {
        connection: ConnectionId,
        actual: crate::Platform,
        asked: crate::Platform,
    },
}

/// Runs connector tools on connections: parameters checked against the tool's schema first.
#[async_trait]
pub trait ToolRunner: Send + Sync {
    async fn run(
        &self,
        platform: crate::Platform,
        tool: &str,
        connection: &ConnectionId,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, ToolRunError>;

    /// The same, inside a workflow run: the call (tool, params, duration, outcome) is recorded as a
    /// `tool.called` event in the execution's log, whatever the outcome.
    async fn run_in(
        &self,
        scope: &crate::execution::ToolCallScope,
        platform: crate::Platform,
        tool: &str,
        connection: &ConnectionId,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, ToolRunError>;

    /// Before the server stops: stores each test account with logged changes whole, so that the
    /// next start reads it as it is rather than replaying its changes with a generator that may
    /// have been upgraded meanwhile. Answers how many accounts were stored.
    async fn settle(&self) -> Result<usize, RepoError>;
}

/// Workflow definitions.
#[async_trait]
pub trait WorkflowRepo: Send + Sync {
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<crate::workflow::Workflow>, RepoError>;
    async fn get(&self, id: &crate::ids::WorkflowId) -> Result<crate::workflow::Workflow, RepoError>;
    async fn create(
        &self,
        draft: crate::workflow::WorkflowDraft,
        actor: &str,
    ) -> Result<crate::workflow::Workflow, RepoError>;
    async fn update(
        &self,
        id: &crate::ids::WorkflowId,
        draft: crate::workflow::WorkflowDraft,
        actor: &str,
    ) -> Result<crate::workflow::Workflow, RepoError>;
    /// Workflows with a `schedule` trigger.
    async fn scheduled(&self) -> Result<Vec<crate::workflow::Workflow>, RepoError>;
    /// Records that the scheduler started it at `at`; `false` when another scheduler got there
    /// first (the stored time was no longer `previous`).
    async fn mark_scheduled(
        &self,
        id: &crate::ids::WorkflowId,
        previous: Option<&crate::time::Timestamp>,
        at: &crate::time::Timestamp,
    ) -> Result<bool, RepoError>;
}

/// Executions and their stages. Every change is written with its event in one transaction and
/// answers with that event (the bus publishes it after the commit).
#[async_trait]
pub trait ExecutionRepo: Send + Sync {
    /// Records a new run of `workflow` (stages pending, definitions copied) and its created event.
    async fn create(
        &self,
        workflow: &crate::workflow::Workflow,
        project: Option<&ProjectId>,
        input: serde_json::Value,
        dry_run: bool,
    ) -> Result<(crate::execution::Execution, crate::execution::ExecutionEvent), RepoError>;
    async fn get(&self, id: &crate::ids::ExecutionId)
    -> Result<crate::execution::ExecutionDetail, RepoError>;
    async fn list(
        &self,
        filter: &crate::execution::ExecutionFilter,
    ) -> Result<Vec<crate::execution::Execution>, RepoError>;
    /// Executions to run after a restart: pending or running, oldest first.
    async fn unfinished(&self) -> Result<Vec<crate::ids::ExecutionId>, RepoError>;
    async fn set_status(
        &self,
        id: &crate::ids::ExecutionId,
        status: crate::execution::ExecutionStatus,
        result: Option<serde_json::Value>,
        error: Option<String>,
        event: (&str, serde_json::Value),
    ) -> Result<crate::execution::ExecutionEvent, RepoError>;
    /// Changes a stage (status, attempt, output or error, timings) with its event.
    #[allow(clippy::too_many_arguments)]
    async fn set_stage(
        &self,
        id: &crate::ids::ExecutionId,
        position: u32,
        status: crate::execution::StageStatus,
        attempt: u32,
        output: Option<serde_json::Value>,
        error: Option<String>,
        event: (&str, serde_json::Value),
    ) -> Result<crate::execution::ExecutionEvent, RepoError>;
}

/// Where stored run events go next (the server's event bus). Called on the journal's thread right
/// after the commit, in sequence order: it must not block.
pub trait EventPublisher: Send + Sync {
    fn publish(&self, event: crate::execution::ExecutionEvent);
}

/// Publishes nothing: for maintenance commands that store no run events.
pub struct NoPublisher;

impl EventPublisher for NoPublisher {
    fn publish(&self, _event: crate::execution::ExecutionEvent) {}
}

/// Executions' event logs.
#[async_trait]
pub trait EventLog: Send + Sync {
    /// Appends an event; answers with it as stored (its `seq` and id).
    async fn append(
        &self,
        execution: &crate::ids::ExecutionId,
        kind: &str,
        data: serde_json::Value,
    ) -> Result<crate::execution::ExecutionEvent, RepoError>;
    /// Records an event without waiting for it to be stored: it is stored in order, before any
    /// later change of the same execution, so a run's next recorded step never outlives it.
    /// For what a run says as it goes (tool calls, reasoning); errors are logged by the store.
    async fn record(
        &self,
        execution: &crate::ids::ExecutionId,
        kind: &str,
        data: serde_json::Value,
    ) -> Result<(), RepoError>;
    /// An execution's events after `after_seq` (all with 0), oldest first.
    async fn list(
        &self,
        execution: &crate::ids::ExecutionId,
        after_seq: i64,
    ) -> Result<Vec<crate::execution::ExecutionEvent>, RepoError>;
    /// Every execution's events after `after_seq`, oldest first, at most `limit`.
    async fn since(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::execution::ExecutionEvent>, RepoError>;
    /// The newest event's number (0 when there is none).
    async fn last_seq(&self) -> Result<i64, RepoError>;
}

/// The reports' data, held in memory and refreshed from storage when something changed.
#[async_trait]
pub trait AnalyticsRepo: Send + Sync {
    /// The facts as they are now.
    async fn snapshot(&self) -> Result<Arc<crate::analytics::Snapshot>, RepoError>;
    /// Replaces the whole exchange-rate table.
    async fn replace_exchange_rates(&self, rates: &[crate::analytics::ExchangeRate])
    -> Result<(), RepoError>;
    /// Sets the currency of reports across projects.
    async fn set_report_currency(&self, currency: crate::money::Currency) -> Result<(), RepoError>;
}

/// Inbound webhooks and their delivery log. Secrets are stored sealed (by the caller, bound to the
/// webhook's id).
#[async_trait]
pub trait WebhookRepo: Send + Sync {
    async fn create(
        &self,
        id: &crate::ids::WebhookId,
        draft: &crate::webhooks::WebhookDraft,
        secret: &crate::connection::SealedSecret,
    ) -> Result<crate::webhooks::Webhook, RepoError>;
    async fn list(&self) -> Result<Vec<crate::webhooks::Webhook>, RepoError>;
    async fn get(&self, id: &crate::ids::WebhookId) -> Result<crate::webhooks::Webhook, RepoError>;
    async fn update(
        &self,
        id: &crate::ids::WebhookId,
        draft: &crate::webhooks::WebhookDraft,
    ) -> Result<crate::webhooks::Webhook, RepoError>;
    async fn delete(&self, id: &crate::ids::WebhookId) -> Result<(), RepoError>;
    /// The signing key, sealed.
    async fn secret(&self, id: &crate::ids::WebhookId) -> Result<crate::connection::SealedSecret, RepoError>;
    async fn set_secret(
        &self,
        id: &crate::ids::WebhookId,
        secret: &crate::connection::SealedSecret,
    ) -> Result<(), RepoError>;
    /// Records an accepted delivery holding `message_id`, unless an accepted one already holds
    /// it (then that one is answered and nothing is recorded).
    async fn reserve(
        &self,
        delivery: &crate::webhooks::DeliveryReport,
    ) -> Result<crate::webhooks::Reservation, RepoError>;
    /// Completes a reserved delivery: its execution, or its failure (which frees the message id).
    async fn settle(
        &self,
        id: &crate::ids::DeliveryId,
        outcome: crate::webhooks::DeliveryOutcome,
        status: u16,
        execution: Option<&crate::ids::ExecutionId>,
        reason: Option<&str>,
    ) -> Result<(), RepoError>;
    /// Records a delivery that needs no reservation (a refusal, a replay).
    async fn record(
        &self,
        delivery: &crate::webhooks::DeliveryReport,
    ) -> Result<crate::webhooks::Delivery, RepoError>;
    /// The latest deliveries first.
    async fn deliveries(
        &self,
        id: &crate::ids::WebhookId,
        limit: u32,
    ) -> Result<Vec<crate::webhooks::Delivery>, RepoError>;
}

/// API keys, stored as hashes.
#[async_trait]
pub trait ApiKeyRepo: Send + Sync {
    async fn create(&self, name: &str, hash: &[u8], shown: &str)
    -> Result<crate::api_key::ApiKey, RepoError>;
    async fn list(&self) -> Result<Vec<crate::api_key::ApiKey>, RepoError>;
    async fn revoke(&self, id: &crate::ids::ApiKeyId) -> Result<crate::api_key::ApiKey, RepoError>;
    /// The active key with this hash, its last use recorded; `None` for unknown or revoked keys.
    async fn authenticate(&self, hash: &[u8]) -> Result<Option<crate::api_key::ApiKey>, RepoError>;
}

/// A channel's destination as stored: a sealed webhook address, or email addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredDestination {
    Webhook(crate::connection::SealedSecret),
    Email(Vec<String>),
}

/// An attempt's result, as the outbox records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub state: crate::notifications::DeliveryState,
    pub next_attempt_at: Option<crate::time::Timestamp>,
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// A notification to put in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub channel_id: crate::ids::ChannelId,
    pub rule_id: Option<crate::ids::RuleId>,
    pub event: crate::notifications::EventKind,
    pub subject: Option<String>,
    pub notice: crate::notifications::message::Notice,
    /// When the sender may first take it: now when `None`. A caller that makes the first attempt
    /// itself holds it back this way, so the sender does not send it a second time meanwhile (and
    /// still does, later, if that caller never records its attempt).
    pub not_before: Option<crate::time::Timestamp>,
}

/// Notification channels, rules and the outbox.
#[async_trait]
pub trait NotificationRepo: Send + Sync {
    async fn create_channel(
        &self,
        id: &crate::ids::ChannelId,
        draft: &crate::notifications::ChannelDraft,
        destination: &StoredDestination,
    ) -> Result<crate::notifications::Channel, RepoError>;
    async fn channels(&self) -> Result<Vec<crate::notifications::Channel>, RepoError>;
    async fn channel(&self, id: &crate::ids::ChannelId) -> Result<crate::notifications::Channel, RepoError>;
    async fn update_channel(
        &self,
        id: &crate::ids::ChannelId,
        draft: &crate::notifications::ChannelDraft,
        destination: &StoredDestination,
    ) -> Result<crate::notifications::Channel, RepoError>;
    async fn delete_channel(&self, id: &crate::ids::ChannelId) -> Result<(), RepoError>;
    async fn destination(&self, id: &crate::ids::ChannelId) -> Result<StoredDestination, RepoError>;

    async fn create_rule(
        &self,
        draft: &crate::notifications::RuleDraft,
    ) -> Result<crate::notifications::Rule, RepoError>;
    async fn rules(&self) -> Result<Vec<crate::notifications::Rule>, RepoError>;
    async fn rule(&self, id: &crate::ids::RuleId) -> Result<crate::notifications::Rule, RepoError>;
    async fn update_rule(
        &self,
        id: &crate::ids::RuleId,
        draft: &crate::notifications::RuleDraft,
    ) -> Result<crate::notifications::Rule, RepoError>;
    async fn delete_rule(&self, id: &crate::ids::RuleId) -> Result<(), RepoError>;

    /// Adds notifications, due now; one already there for the same rule, event and subject is
    /// left alone. Answers those added.
    async fn enqueue(
        &self,
        items: &[NewNotification],
    ) -> Result<Vec<crate::notifications::Notification>, RepoError>;
    /// Pending notifications due at `now`, the oldest first.
    async fn due(
        &self,
        now: crate::time::Timestamp,
        limit: u32,
    ) -> Result<Vec<crate::notifications::Notification>, RepoError>;
    /// When the next pending notification is due.
    async fn next_due(&self) -> Result<Option<crate::time::Timestamp>, RepoError>;
    /// Records an attempt (it counts one more).
    async fn attempted(&self, id: &crate::ids::NotificationId, attempt: &Attempt) -> Result<(), RepoError>;
    /// The latest notifications first, of one channel or state.
    async fn notifications(
        &self,
        channel: Option<&crate::ids::ChannelId>,
        state: Option<crate::notifications::DeliveryState>,
        limit: u32,
    ) -> Result<Vec<crate::notifications::Notification>, RepoError>;
    async fn notification(
        &self,
        id: &crate::ids::NotificationId,
    ) -> Result<crate::notifications::Notification, RepoError>;
    /// Queues a notification again, due now (a dead one gets its attempts back).
    async fn requeue(
        &self,
        id: &crate::ids::NotificationId,
    ) -> Result<crate::notifications::Notification, RepoError>;

    /// Where the notifier stopped reading the event log (`None` before its first start).
    async fn cursor(&self) -> Result<Option<i64>, RepoError>;
    async fn set_cursor(&self, seq: i64) -> Result<(), RepoError>;
    /// Runs that ended (completed or failed) or stopped for approval after `after_seq`: (seq,
    /// execution, event type).
    async fn ended_runs_since(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<(i64, crate::ids::ExecutionId, String)>, RepoError>;
}

/// Proposed changes waiting for (or after) a decision.
#[async_trait]
pub trait ProposalRepo: Send + Sync {
    /// Stores a stage's proposal; a stage that already has one (a resumed stage) gets that one back.
    async fn create(
        &self,
        proposal: &crate::approval::Proposal,
    ) -> Result<crate::approval::Proposal, RepoError>;
    async fn get(&self, id: &str) -> Result<crate::approval::Proposal, RepoError>;
    async fn for_stage(
        &self,
        execution: &crate::ids::ExecutionId,
        position: u32,
    ) -> Result<Option<crate::approval::Proposal>, RepoError>;
    async fn for_execution(
        &self,
        execution: &crate::ids::ExecutionId,
    ) -> Result<Vec<crate::approval::Proposal>, RepoError>;
    /// Newest first.
    async fn list(
        &self,
        status: Option<crate::approval::ProposalStatus>,
        project: Option<&ProjectId>,
        limit: u32,
    ) -> Result<Vec<crate::approval::Proposal>, RepoError>;
    /// Writes the proposal's status, changes and decision, if it is still `expected` (a
    /// `Conflict` when someone else decided first).
    async fn save(
        &self,
        proposal: &crate::approval::Proposal,
        expected: crate::approval::ProposalStatus,
    ) -> Result<(), RepoError>;
    /// Pending proposals whose time is up at `now`.
    async fn expired(
        &self,
        now: &crate::time::Timestamp,
    ) -> Result<Vec<crate::approval::Proposal>, RepoError>;
}

/// Which of an ad account's campaigns a figure is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignSet {
    /// The campaigns with these platform ids.
    Only(Vec<String>),
    /// Every campaign of the connection but these.
    AllBut(Vec<String>),
}

/// A sighting waiting to be measured, with the learning it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingObservation {
    pub n: i64,
    pub memory: crate::ids::MemoryId,
    pub project_id: Option<ProjectId>,
    pub metric: Option<crate::memory::Metric>,
    pub observation: crate::memory::Observation,
}

/// The agents' learnings and their sightings.
#[async_trait]
pub trait MemoryRepo: Send + Sync {
    /// Learnings not forgotten with this merge key, oldest first.
    async fn by_key(&self, key: &str) -> Result<Vec<crate::memory::Memory>, RepoError>;
    /// Stores a new learning with its first sighting.
    async fn insert(
        &self,
        memory: &crate::memory::Memory,
        key: &str,
        metric: Option<crate::memory::Metric>,
        first: &crate::memory::Observation,
    ) -> Result<(), RepoError>;
    /// In one transaction: adds a sighting to a learning unless one with its key is there (answers
    /// whether it was added), keeps at most `keep` sightings per learning (the oldest measured ones
    /// go first), and writes the learning's fields and standing as `save` does.
    async fn merge(
        &self,
        memory: &crate::memory::Memory,
        observation: &crate::memory::Observation,
        keep: u32,
    ) -> Result<bool, RepoError>;
    /// Whether a sighting with this key was recorded.
    async fn seen(&self, key: &str) -> Result<bool, RepoError>;
    /// A learning's sightings, newest first.
    async fn observations(
        &self,
        id: &crate::ids::MemoryId,
        limit: u32,
    ) -> Result<Vec<crate::memory::Observation>, RepoError>;
    /// Writes a learning's fields and standing (everything but its id, key and creation).
    async fn save(&self, memory: &crate::memory::Memory) -> Result<(), RepoError>;
    async fn get(&self, id: &crate::ids::MemoryId) -> Result<crate::memory::Memory, RepoError>;
    async fn list(
        &self,
        filter: &crate::memory::input::MemoryFilter,
    ) -> Result<crate::memory::MemoryPage, RepoError>;
    /// Learnings that may fit a question, each with its raw full-text relevance (0 when it did
    /// not match): text matches, context matches, and the most recent, at most `max` of each.
    async fn candidates(
        &self,
        query: &crate::memory::RecallQuery,
        max: u32,
    ) -> Result<Vec<(crate::memory::Memory, f64)>, RepoError>;
    /// Notes when learnings were last recalled.
    async fn recalled(
        &self,
        ids: &[crate::ids::MemoryId],
        at: &crate::time::Timestamp,
    ) -> Result<(), RepoError>;
    /// Pending sightings due on or before `today`, oldest first.
    async fn due(&self, today: NaiveDate, limit: u32) -> Result<Vec<PendingObservation>, RepoError>;
    /// Writes a sighting's measurement.
    async fn settle(&self, n: i64, observation: &crate::memory::Observation) -> Result<(), RepoError>;
    /// Counts per agent: (agent, learnings, good, bad, pending).
    async fn counts_by_agent(&self) -> Result<Vec<(String, u64, u64, u64, u64)>, RepoError>;
    /// Summed daily figures of a connection's campaigns (`set`) over `from..=to`, and how many
    /// days had figures.
    async fn figures(
        &self,
        project: &ProjectId,
        connection: &crate::ids::ConnectionId,
        set: &CampaignSet,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(crate::metrics::MetricValues, u32), RepoError>;
}

pub use crate::experiments::{DecisionEntry, ExperimentFilter};

/// A/B experiments, their daily results, evaluations and decision history.
#[async_trait]
pub trait ExperimentRepo: Send + Sync {
    async fn insert(&self, experiment: &crate::experiments::Experiment) -> Result<(), RepoError>;
    /// Writes an experiment's fields and status (its variants are kept as created).
    async fn save(&self, experiment: &crate::experiments::Experiment) -> Result<(), RepoError>;
    async fn get(&self, id: &crate::ids::ExperimentId) -> Result<crate::experiments::Experiment, RepoError>;
    /// The experiments that match, newest first, with the total that match.
    async fn list(
        &self,
        filter: &ExperimentFilter,
    ) -> Result<(Vec<crate::experiments::Experiment>, u64), RepoError>;
    async fn delete(&self, id: &crate::ids::ExperimentId) -> Result<(), RepoError>;
    /// Writes daily results, each replacing the one of the same variant and day.
    async fn write_results(
        &self,
        id: &crate::ids::ExperimentId,
        days: &[crate::experiments::VariantDay],
    ) -> Result<(), RepoError>;
    /// Its daily results, by day then variant.
    async fn results(
        &self,
        id: &crate::ids::ExperimentId,
    ) -> Result<Vec<crate::experiments::VariantDay>, RepoError>;
    /// Keeps the latest evaluation; with `entry`, adds it to the decision history.
    async fn save_evaluation(
        &self,
        id: &crate::ids::ExperimentId,
        evaluation: &crate::experiments::Evaluation,
        at: &crate::time::Timestamp,
        entry: Option<&DecisionEntry>,
    ) -> Result<(), RepoError>;
    /// The latest evaluation and when it was made.
    async fn evaluation(
        &self,
        id: &crate::ids::ExperimentId,
    ) -> Result<Option<(crate::experiments::Evaluation, crate::time::Timestamp)>, RepoError>;
    /// The latest evaluations of these experiments (those evaluated), in one read.
    async fn evaluations(
        &self,
        ids: &[crate::ids::ExperimentId],
    ) -> Result<Vec<(crate::ids::ExperimentId, crate::experiments::Evaluation)>, RepoError>;
    /// Adds an entry to the decision history.
    async fn add_entry(&self, id: &crate::ids::ExperimentId, entry: &DecisionEntry) -> Result<(), RepoError>;
    /// The decision history, newest first.
    async fn history(
        &self,
        id: &crate::ids::ExperimentId,
        limit: u32,
    ) -> Result<Vec<DecisionEntry>, RepoError>;
}

/// The repositories and infrastructure ports, cheap to clone: what the application services, the executor and the background jobs are built on.
#[derive(Clone)]
pub struct Repos {
    pub dashboard: Arc<dyn DashboardRepo>,
    pub health: Arc<dyn HealthProbe>,
    pub projects: Arc<dyn ProjectRepo>,
    pub campaigns: Arc<dyn CampaignRepo>,
    pub metrics: Arc<dyn MetricsRepo>,
    pub analytics: Arc<dyn AnalyticsRepo>,
    pub activity: Arc<dyn ActivityRepo>,
    pub connections: Arc<dyn ConnectionRepo>,
    pub tools: Arc<dyn ToolRunner>,
    pub events: Arc<dyn EventLog>,
    pub workflows: Arc<dyn WorkflowRepo>,
    pub executions: Arc<dyn ExecutionRepo>,
    pub webhooks: Arc<dyn WebhookRepo>,
    pub api_keys: Arc<dyn ApiKeyRepo>,
    pub notifications: Arc<dyn NotificationRepo>,
    pub proposals: Arc<dyn ProposalRepo>,
    pub memories: Arc<dyn MemoryRepo>,
    pub experiments: Arc<dyn ExperimentRepo>,
}
