//! Inbound webhooks: an outside system starts a workflow by POSTing JSON to the webhook's URL,
//! authenticated by a Standard Webhooks signature or an API key. Every delivery, accepted or not,
//! is logged with its reason.

pub use crate::ids::{DeliveryId, WebhookId};
use crate::ids::{ExecutionId, ProjectId, WorkflowId};
use crate::time::Timestamp;
use crate::validation::{FieldErrors, optional_id, required_name};
use serde::{Deserialize, Serialize};

/// The largest request body a webhook takes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The longest idempotency key (`webhook-id` header) kept.
pub const MAX_MESSAGE_ID: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: WebhookId,
    pub name: String,
    /// The workflow each accepted delivery starts.
    pub workflow_id: WorkflowId,
    /// The project runs belong to (the workflow's own when empty).
    pub project_id: Option<ProjectId>,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
    pub last_delivery_at: Option<Timestamp>,
}

/// A webhook as a client sends it (create and replace).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub workflow_id: String,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// A checked webhook input.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDraft {
    pub name: String,
    pub workflow_id: WorkflowId,
    pub project_id: Option<ProjectId>,
    pub active: bool,
}

impl WebhookInput {
    pub fn validate(&self) -> Result<WebhookDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required_name(&mut errors, "name", &self.name, 120);
        let workflow_id = if self.workflow_id.trim().is_empty() {
            errors.add("workflow_id", "is required");
            None
        } else {
            optional_id(
                &mut errors,
                "workflow_id",
                Some(&self.workflow_id),
                WorkflowId::parse,
            )
        };
        let project_id = optional_id(
            &mut errors,
            "project_id",
            self.project_id.as_deref(),
            ProjectId::parse,
        );
        match (errors.is_empty(), workflow_id) {
            (true, Some(workflow_id)) => Ok(WebhookDraft {
                name,
                workflow_id,
                project_id,
                active: self.active.unwrap_or(true),
            }),
            _ => Err(errors),
        }
    }
}

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeliveryOutcome {
    /// Authenticated and recorded; its execution started.
    Accepted,
    /// A repeat of an accepted delivery (same `webhook-id`): answered with the first result.
    Replayed,
    /// Refused before anything started (authentication, size, JSON, a disabled webhook).
    Refused,
    /// Accepted, but the execution could not be started; the sender may retry.
    Failed,
}

impl DeliveryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Accepted => "accepted",
            DeliveryOutcome::Replayed => "replayed",
            DeliveryOutcome::Refused => "refused",
            DeliveryOutcome::Failed => "failed",
        }
    }
}

impl std::str::FromStr for DeliveryOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "accepted" => Ok(DeliveryOutcome::Accepted),
            "replayed" => Ok(DeliveryOutcome::Replayed),
            "refused" => Ok(DeliveryOutcome::Refused),
            "failed" => Ok(DeliveryOutcome::Failed),
            other => Err(format!("unknown delivery outcome '{other}'")),
        }
    }
}

/// How a delivery proved who sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeliveryAuth {
    Signature,
    ApiKey,
}

impl DeliveryAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryAuth::Signature => "signature",
            DeliveryAuth::ApiKey => "api_key",
        }
    }
}

/// One request on a webhook, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: DeliveryId,
    pub received_at: Timestamp,
    #[serde(flatten)]
    pub report: DeliveryReport,
}

/// What happened to a delivery (what is recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryReport {
    pub webhook_id: WebhookId,
    /// The sender's `webhook-id` (its idempotency key), when it sent one.
    pub message_id: Option<String>,
    pub outcome: DeliveryOutcome,
    /// The HTTP status answered.
    pub status: u16,
    /// Why it was refused or failed.
    pub reason: Option<String>,
    pub auth: Option<DeliveryAuth>,
    pub execution_id: Option<ExecutionId>,
    pub body_bytes: u64,
}

/// What reserving a message id found.
#[derive(Debug, Clone, PartialEq)]
pub enum Reservation {
    /// New: this delivery (recorded as accepted, without an execution yet) holds the id.
    Reserved(DeliveryId),
    /// Seen before: the accepted delivery that holds it.
    Seen(Delivery),
}

/// A webhook with its address and the name of the workflow it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookItem {
    pub webhook: Webhook,
    /// Where senders POST deliveries.
    pub url: String,
    pub workflow_name: String,
}

/// A webhook with its latest deliveries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDetail {
    pub item: WebhookItem,
    pub deliveries: Vec<Delivery>,
}

/// A webhook with its signing secret (`whsec_…`) in full, right after creating or rotating it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookWithSecret {
    pub webhook: Webhook,
    pub url: String,
    pub secret: String,
}

pub use crate::workflow::WorkflowChoice;

/// The Integrations page: the webhooks, the workflows they can start, and the API keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationsOverview {
    pub webhooks: Vec<WebhookItem>,
    pub workflows: Vec<WorkflowChoice>,
    /// The projects a webhook's runs can work for (needed when its workflow has none).
    pub projects: Vec<crate::project::ProjectChoice>,
    pub api_keys: Vec<crate::api_key::ApiKey>,
}

/// A delivery as it arrived on a webhook's address: the headers that matter and the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboundDelivery {
    /// `webhook-id`: the message id of a signed delivery, and its idempotency key.
    pub message_id: Option<String>,
    /// `webhook-timestamp`
    pub timestamp: Option<String>,
    /// `webhook-signature`
    pub signature: Option<String>,
    /// `Idempotency-Key`: the idempotency key when `webhook-id` is absent.
    pub idempotency_key: Option<String>,
    /// The token of `Authorization: Bearer …`.
    pub bearer: Option<String>,
    /// The declared `Content-Length`.
    pub content_length: Option<u64>,
    /// The body; `None` when it is larger than [`MAX_BODY_BYTES`].
    pub body: Option<Vec<u8>>,
}

/// The answer to a delivery that was not refused.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryAnswer {
    /// The run the delivery started, or for a replay the first delivery's run.
    Accepted {
        execution_id: ExecutionId,
        delivery_id: DeliveryId,
        /// A repeat of an earlier delivery's message id; nothing new was started.
        replayed: bool,
    },
    /// The first delivery with this message id has no run yet; the sender should retry after
    /// `retry_after_secs`.
    InProgress { retry_after_secs: u32, message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_needs_a_name_and_a_workflow() {
        let e = WebhookInput::default().validate().expect_err("empty");
        assert!(e.get("name").is_some() && e.get("workflow_id").is_some());
        let bad = WebhookInput {
            name: "x".into(),
            workflow_id: "proj_1".into(),
            project_id: Some("wf_1".into()),
            active: None,
        };
        let e = bad.validate().expect_err("wrong prefixes");
        assert!(e.get("workflow_id").is_some() && e.get("project_id").is_some());
        let ok = WebhookInput {
            name: "  Shopify orders ".into(),
            workflow_id: "wf_0001".into(),
            project_id: Some(" ".into()),
            active: None,
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.name, "Shopify orders");
        assert_eq!(ok.project_id, None);
        assert!(ok.active);
    }

    #[test]
    fn outcomes_round_trip() {
        for o in [
            DeliveryOutcome::Accepted,
            DeliveryOutcome::Replayed,
            DeliveryOutcome::Refused,
            DeliveryOutcome::Failed,
        ] {
            assert_eq!(o.as_str().parse::<DeliveryOutcome>(), Ok(o));
        }
        assert!("maybe".parse::<DeliveryOutcome>().is_err());
    }
}
