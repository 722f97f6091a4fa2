//! Inbound webhooks: their management, secrets and delivery logs, and the deliveries themselves.

use super::ServiceError;
use crate::ids::WebhookId;
use crate::webhooks::{
    Delivery, DeliveryAnswer, InboundDelivery, IntegrationsOverview, WebhookDetail, WebhookInput,
    WebhookItem, WebhookWithSecret,
};
use async_trait::async_trait;

#[async_trait]
pub trait WebhookService: Send + Sync {
    /// The webhooks, each with its address and the name of the workflow it starts.
    async fn list(&self) -> Result<Vec<WebhookItem>, ServiceError>;
    /// The Integrations page: the webhooks, the workflows to choose from and the API keys.
    async fn overview(&self) -> Result<IntegrationsOverview, ServiceError>;
    async fn get(&self, id: &WebhookId) -> Result<WebhookItem, ServiceError>;
    /// The webhook page: the webhook and its latest deliveries.
    async fn detail(&self, id: &WebhookId) -> Result<WebhookDetail, ServiceError>;
    /// A new webhook with its secret. An unknown workflow or project is an error about its field.
    async fn create(&self, input: WebhookInput) -> Result<WebhookWithSecret, ServiceError>;
    /// Replaces the name, workflow, project and state; the secret stays.
    async fn update(&self, id: &WebhookId, input: WebhookInput) -> Result<WebhookItem, ServiceError>;
    /// Removes a webhook and its delivery log.
    async fn delete(&self, id: &WebhookId) -> Result<(), ServiceError>;
    /// The signing secret (`whsec_…`).
    async fn secret(&self, id: &WebhookId) -> Result<String, ServiceError>;
    /// Replaces the signing secret; deliveries signed with the old one are refused from now on.
    async fn rotate_secret(&self, id: &WebhookId) -> Result<WebhookWithSecret, ServiceError>;
    /// The latest `limit` deliveries (1 to 500; a limit outside is brought inside), newest first.
    async fn deliveries(&self, id: &WebhookId, limit: u32) -> Result<Vec<Delivery>, ServiceError>;
    /// A delivery from an outside system: authenticated by its signature or API key, logged, and
    /// once per message id started as a run of the webhook's workflow with the JSON body as input.
    /// A refusal is `ServiceError::Refused` with its status and code, and is logged with its reason.
    async fn accept(&self, id: &WebhookId, delivery: InboundDelivery)
    -> Result<DeliveryAnswer, ServiceError>;
}
