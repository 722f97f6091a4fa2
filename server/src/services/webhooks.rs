//! Inbound webhooks' use cases over the webhook, workflow and API key repositories, the project
//! service and the engine: management, secrets, and the deliveries themselves.

use crate::auth::api_keys;
use crate::webhooks::{HookError, Hooks};
use crate::workflows::Engine;
use async_trait::async_trait;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use switchboard_core::ports::{ApiKeyRepo, WorkflowRepo};
use switchboard_core::service::{ProjectService, ServiceError, WebhookService};
use switchboard_core::webhooks::{
    Delivery, DeliveryAnswer, DeliveryAuth, DeliveryOutcome, DeliveryReport, InboundDelivery,
    IntegrationsOverview, MAX_BODY_BYTES, MAX_MESSAGE_ID, Reservation, Webhook, WebhookDetail, WebhookDraft,
    WebhookInput, WebhookItem, WebhookWithSecret, WorkflowChoice,
};
use switchboard_core::workflow::Workflow;
use switchboard_core::{DeliveryId, WebhookId, WorkflowId};

/// How long a delivery may hold its message id without a run before a retry may take it over.
const STALE_RESERVATION_SECS: i64 = 60;
/// How many deliveries the webhook page shows.
const DETAIL_DELIVERIES: u32 = 50;
/// The most deliveries one request lists.
const MAX_DELIVERIES: u32 = 500;

pub struct Webhooks {
    pub hooks: Hooks,
    pub workflows: Arc<dyn WorkflowRepo>,
    pub api_keys: Arc<dyn ApiKeyRepo>,
    pub projects: Arc<dyn ProjectService>,
    pub engine: Arc<Engine>,
}

impl From<HookError> for ServiceError {
    fn from(e: HookError) -> Self {
        match e {
            HookError::Repo(r) => r.into(),
            HookError::Secret(m) => ServiceError::internal("a webhook secret could not be opened", &m),
        }
    }
}

/// A refused delivery: logged on the webhook with its reason, answered with its status and code.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    reason: String,
}

impl Refusal {
    fn internal(reason: &str) -> Self {
        Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", reason)
    }

    fn new(status: StatusCode, code: &'static str, reason: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            reason: reason.into(),
        }
    }
}

impl Webhooks {
    fn item(&self, webhook: Webhook, workflow_name: Option<String>) -> WebhookItem {
        WebhookItem {
            url: self.hooks.url(&webhook.id),
            workflow_name: workflow_name.unwrap_or_else(|| webhook.workflow_id.to_string()),
            webhook,
        }
    }

    /// The webhooks with the names of their workflows, out of `workflows`.
    fn items(&self, hooks: Vec<Webhook>, workflows: &[Workflow]) -> Vec<WebhookItem> {
        let names: HashMap<&WorkflowId, &str> = workflows.iter().map(|w| (&w.id, w.name.as_str())).collect();
        hooks
            .into_iter()
            .map(|h| {
                let name = names.get(&h.workflow_id).map(|n| (*n).to_owned());
                self.item(h, name)
            })
            .collect()
    }

    /// The webhook with its workflow's name (its id when the workflow cannot be read).
    async fn named(&self, webhook: Webhook) -> WebhookItem {
        let name = self
            .workflows
            .get(&webhook.workflow_id)
            .await
            .ok()
            .map(|w| w.name);
        self.item(webhook, name)
    }

    fn with_secret(&self, webhook: Webhook, secret: String) -> WebhookWithSecret {
        WebhookWithSecret {
            url: self.hooks.url(&webhook.id),
            webhook,
            secret,
        }
    }

    /// The input checked, with its workflow and project.
    async fn check(&self, input: &WebhookInput) -> Result<WebhookDraft, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        let workflow = self.workflows.get(&draft.workflow_id).await.map_err(|e| {
            ServiceError::from(e).missing_as_field(
                "workflow_id",
                format!("there is no workflow '{}'", draft.workflow_id),
            )
        })?;
        // Its runs need a project: the webhook's own, or the workflow's.
        if draft.project_id.is_none() && workflow.project_id.is_none() {
            return Err(ServiceError::field(
                "project_id",
                "the workflow has no project: choose the project this webhook's runs work for",
            ));
        }
        self.projects
            .check_exists(draft.project_id.as_ref(), "project_id")
            .await?;
        Ok(draft)
    }

    /// Checks, records and starts a delivery. A refusal is logged by the caller; the inner result
    /// is the answer otherwise (a run that could not be started is an error there, already noted).
    /// One delivery, step by step: what the webhook accepts, who sent it, the run's input, once per
    /// message id, the run. A refusal is logged on the webhook by the caller.
    async fn deliver(
        &self,
        hook: &Webhook,
        delivery: InboundDelivery,
        log: &mut DeliveryReport,
    ) -> Result<Result<DeliveryAnswer, ServiceError>, Refusal> {
        let mut delivery = delivery;
        let body = admitted(hook, delivery.content_length, delivery.body.take(), log)?;
        self.authenticate(hook, &delivery, &body, log).await?;
        let input = run_input(&body)?;
        let delivery_id = match self.reserve(log).await? {
            Reserved::New(id) => id,
            Reserved::Answered(answer) => return Ok(Ok(answer)),
        };
        self.start_run(hook, delivery_id, input).await
    }

    /// Who sent it: a Standard Webhooks signature with the webhook's secret, or an API key.
    async fn authenticate(
        &self,
        hook: &Webhook,
        delivery: &InboundDelivery,
        body: &[u8],
        log: &mut DeliveryReport,
    ) -> Result<(), Refusal> {
        if let Some(signature) = delivery.signature.as_deref() {
            let secret = self.hooks.secret(&hook.id).await.map_err(|e| {
                tracing::error!(error = %e, webhook = %hook.id, "the webhook's secret could not be opened");
                Refusal::internal("the webhook's secret could not be read")
            })?;
            let now = chrono::Utc::now().timestamp();
            secret
                .verify(
                    delivery.message_id.as_deref(),
                    delivery.timestamp.as_deref(),
                    Some(signature),
                    body,
                    now,
                )
                .map_err(|e| Refusal::new(StatusCode::UNAUTHORIZED, "bad_signature", e.to_string()))?;
            log.auth = Some(DeliveryAuth::Signature);
            return Ok(());
        }
        let Some(token) = delivery.bearer.as_deref() else {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign the delivery (webhook-id, webhook-timestamp, webhook-signature) or send an API key (Authorization: Bearer)",
            ));
        };
        match api_keys::authenticate(self.api_keys.as_ref(), token).await {
            Ok(Some(_)) => {
                log.auth = Some(DeliveryAuth::ApiKey);
                Ok(())
            }
            Ok(None) => Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the API key is unknown or revoked",
            )),
            Err(e) => {
                tracing::error!(error = ?e, "an API key could not be checked");
                Err(Refusal::internal("the API key could not be checked"))
            }
        }
    }

    /// Once per message id: a new delivery holds it; a repeat of one that started a run is answered
    /// with that run. A reservation that never got its run (the server stopped between the two) is
    /// released after a minute, so the sender's retry is not refused for ever.
    async fn reserve(&self, log: &DeliveryReport) -> Result<Reserved, Refusal> {
        let repo = self.hooks.repo();
        let mut released = false;
        loop {
            let reserved = repo.reserve(log).await.map_err(|e| {
                tracing::error!(error = ?e, "a delivery could not be recorded");
                Refusal::internal("the delivery could not be recorded")
            })?;
            let first = match reserved {
                Reservation::Reserved(id) => return Ok(Reserved::New(id)),
                Reservation::Seen(first) => first,
            };
            if let Some(execution) = first.report.execution_id.clone() {
                let replay = DeliveryReport {
                    outcome: DeliveryOutcome::Replayed,
                    status: StatusCode::ACCEPTED.as_u16(),
                    execution_id: Some(execution.clone()),
                    reason: Some(format!("a repeat of delivery {}", first.id)),
                    ..log.clone()
                };
                if let Err(e) = repo.record(&replay).await {
                    tracing::error!(error = ?e, "a replayed delivery could not be logged");
                }
                return Ok(Reserved::Answered(DeliveryAnswer::Accepted {
                    execution_id: execution,
                    delivery_id: first.id,
                    replayed: true,
                }));
            }
            let age = chrono::Utc::now().signed_duration_since(first.received_at.as_datetime());
            if released || age < chrono::Duration::seconds(STALE_RESERVATION_SECS) {
                return Ok(Reserved::Answered(DeliveryAnswer::InProgress {
                    retry_after_secs: 1,
                    message: "the first delivery with this webhook-id is still being processed".to_owned(),
                }));
            }
            released = true;
            let _ = repo
                .settle(
                    &first.id,
                    DeliveryOutcome::Failed,
                    500,
                    None,
                    Some("abandoned: no run was recorded for it"),
                )
                .await;
        }
    }

    /// Starts the webhook's workflow with `input` and notes the run on the delivery, on a task of its
    /// own: a sender that hangs up does not leave the delivery half done. A run that cannot start
    /// frees the message id, so the sender may try again.
    async fn start_run(
        &self,
        hook: &Webhook,
        delivery_id: DeliveryId,
        input: Value,
    ) -> Result<Result<DeliveryAnswer, ServiceError>, Refusal> {
        let (hooks, engine, hook_id, workflow, project) = (
            self.hooks.clone(),
            self.engine.clone(),
            hook.id.clone(),
            hook.workflow_id.clone(),
            hook.project_id.clone(),
        );
        let task = tokio::spawn(async move {
            let started = engine.start(&workflow, project.as_ref(), input, false).await;
            let (outcome, status, execution, reason, answer) = match started {
                Ok(execution) => {
                    tracing::info!(webhook = %hook_id, execution = %execution.id, "webhook delivery started a run");
                    let answer = Ok(DeliveryAnswer::Accepted {
                        execution_id: execution.id.clone(),
                        delivery_id: delivery_id.clone(),
                        replayed: false,
                    });
                    (DeliveryOutcome::Accepted, 202, Some(execution.id), None, answer)
                }
                Err(e) => {
                    let error = ServiceError::from(e);
                    let status = error.status();
                    let reason = format!("the run could not be started ({})", status_text(status));
                    (DeliveryOutcome::Failed, status, None, Some(reason), Err(error))
                }
            };
            if let Err(e) = hooks
                .repo()
                .settle(
                    &delivery_id,
                    outcome,
                    status,
                    execution.as_ref(),
                    reason.as_deref(),
                )
                .await
            {
                tracing::error!(error = ?e, "a delivery's outcome could not be noted");
            }
            answer
        });
        task.await.map_err(|e| {
            tracing::error!(error = %e, "a delivery's task failed");
            Refusal::internal("the delivery could not be completed")
        })
    }
}

/// How a reservation ended: the delivery holds its message id, or it is answered already.
enum Reserved {
    New(DeliveryId),
    Answered(DeliveryAnswer),
}

/// What the webhook accepts: enabled, a message id of a sane length, a body within the limit.
/// Answers the body.
fn admitted(
    hook: &Webhook,
    content_length: Option<u64>,
    body: Option<Vec<u8>>,
    log: &mut DeliveryReport,
) -> Result<Vec<u8>, Refusal> {
    if !hook.active {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "webhook_disabled",
            "the webhook is disabled",
        ));
    }
    if log.message_id.as_ref().is_some_and(|m| m.len() > MAX_MESSAGE_ID) {
        log.message_id = None;
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("webhook-id is longer than {MAX_MESSAGE_ID} characters"),
        ));
    }
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {} KiB", MAX_BODY_BYTES / 1024),
        )
    };
    if let Some(n) = content_length {
        log.body_bytes = n;
        if n > MAX_BODY_BYTES as u64 {
            return Err(too_large());
        }
    }
    let body = body.filter(|b| b.len() <= MAX_BODY_BYTES).ok_or_else(too_large)?;
    log.body_bytes = body.len() as u64;
    Ok(body)
}

/// The run's input: the body's JSON object (an empty body is `{}`).
fn run_input(body: &[u8]) -> Result<Value, Refusal> {
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("the body is not JSON: {e}"),
            )
        })?
    };
    if !input.is_object() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the body must be a JSON object (it becomes the run's input)",
        ));
    }
    Ok(input)
}

/// `409 Conflict`, for a delivery's log.
fn status_text(status: u16) -> String {
    StatusCode::from_u16(status).map_or_else(|_| status.to_string(), |s| s.to_string())
}

#[async_trait]
impl WebhookService for Webhooks {
    async fn list(&self) -> Result<Vec<WebhookItem>, ServiceError> {
        let hooks = self.hooks.repo().list().await?;
        if hooks.is_empty() {
            return Ok(Vec::new());
        }
        let workflows = self.workflows.list(None).await?;
        Ok(self.items(hooks, &workflows))
    }

    async fn overview(&self) -> Result<IntegrationsOverview, ServiceError> {
        let hooks = self.hooks.repo().list().await?;
        let workflows = self.workflows.list(None).await?;
        let projects = self.projects.list(&Default::default()).await?;
        Ok(IntegrationsOverview {
            webhooks: self.items(hooks, &workflows),
            projects: switchboard_core::project::ProjectChoice::open(&projects),
            workflows: workflows
                .into_iter()
                .map(|w| WorkflowChoice {
                    id: w.id.to_string(),
                    name: w.name,
                })
                .collect(),
            api_keys: self.api_keys.list().await?,
        })
    }

    async fn get(&self, id: &WebhookId) -> Result<WebhookItem, ServiceError> {
        let webhook = self.hooks.repo().get(id).await?;
        Ok(self.named(webhook).await)
    }

    async fn detail(&self, id: &WebhookId) -> Result<WebhookDetail, ServiceError> {
        let webhook = self.hooks.repo().get(id).await?;
        let deliveries = self.hooks.repo().deliveries(id, DETAIL_DELIVERIES).await?;
        Ok(WebhookDetail {
            item: self.named(webhook).await,
            deliveries,
        })
    }

    async fn create(&self, input: WebhookInput) -> Result<WebhookWithSecret, ServiceError> {
        let draft = self.check(&input).await?;
        let (webhook, secret) = self.hooks.create(&draft).await?;
        tracing::info!(webhook = %webhook.id, workflow = %webhook.workflow_id, "webhook created");
        Ok(self.with_secret(webhook, secret.to_text()))
    }

    async fn update(&self, id: &WebhookId, input: WebhookInput) -> Result<WebhookItem, ServiceError> {
        self.hooks.repo().get(id).await?;
        let draft = self.check(&input).await?;
        let webhook = self.hooks.repo().update(id, &draft).await?;
        Ok(self.named(webhook).await)
    }

    async fn delete(&self, id: &WebhookId) -> Result<(), ServiceError> {
        self.hooks.repo().delete(id).await?;
        tracing::info!(webhook = %id, "webhook removed");
        Ok(())
    }

    async fn secret(&self, id: &WebhookId) -> Result<String, ServiceError> {
        Ok(self.hooks.secret(id).await?.to_text())
    }

    async fn rotate_secret(&self, id: &WebhookId) -> Result<WebhookWithSecret, ServiceError> {
        let secret = self.hooks.rotate(id).await?;
        tracing::info!(webhook = %id, "webhook secret rotated");
        let webhook = self.hooks.repo().get(id).await?;
        Ok(self.with_secret(webhook, secret.to_text()))
    }

    async fn deliveries(&self, id: &WebhookId, limit: u32) -> Result<Vec<Delivery>, ServiceError> {
        self.hooks.repo().get(id).await?;
        Ok(self
            .hooks
            .repo()
            .deliveries(id, limit.clamp(1, MAX_DELIVERIES))
            .await?)
    }

    async fn accept(
        &self,
        id: &WebhookId,
        delivery: InboundDelivery,
    ) -> Result<DeliveryAnswer, ServiceError> {
        let hook = self.hooks.repo().get(id).await?;
        let message_id = delivery
            .message_id
            .as_deref()
            .or(delivery.idempotency_key.as_deref())
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        let mut log = DeliveryReport {
            webhook_id: hook.id.clone(),
            message_id,
            outcome: DeliveryOutcome::Refused,
            status: 0,
            reason: None,
            auth: None,
            execution_id: None,
            body_bytes: 0,
        };
        match self.deliver(&hook, delivery, &mut log).await {
            Ok(answer) => answer,
            Err(refusal) => {
                tracing::warn!(webhook = %hook.id, status = refusal.status.as_u16(), reason = %refusal.reason, "webhook delivery refused");
                log.outcome = DeliveryOutcome::Refused;
                log.status = refusal.status.as_u16();
                log.reason = Some(refusal.reason.clone());
                if let Err(e) = self.hooks.repo().record(&log).await {
                    tracing::error!(error = ?e, webhook = %hook.id, "a refused delivery could not be logged");
                }
                Err(ServiceError::refused(
                    refusal.status.as_u16(),
                    refusal.code,
                    refusal.reason,
                ))
            }
        }
    }
}
