//! The Integrations page: inbound webhooks (address, secret, delivery log) and API keys.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_core::api_key::ApiKey;
use switchboard_core::hooks::{Delivery, Webhook};

/// A webhook with its address and the workflow it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookItem {
    pub webhook: Webhook,
    pub url: String,
    pub workflow_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowChoice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationsOverview {
    pub webhooks: Vec<WebhookItem>,
    pub workflows: Vec<WorkflowChoice>,
    pub api_keys: Vec<ApiKey>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDetail {
    pub item: WebhookItem,
    pub deliveries: Vec<Delivery>,
}

/// A webhook's address and secret, shown after creating or rotating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSecretShown {
    pub id: String,
    pub url: String,
    pub secret: String,
}

/// A new API key, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub key: String,
}

/// What the page needs from the server beyond the repositories: secrets and keys are made and
/// sealed there (the server provides it in context).
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait IntegrationHub: Send + Sync {
    /// A new webhook and its secret (`whsec_…`).
    async fn create_webhook(
        &self,
        draft: &switchboard_core::hooks::WebhookDraft,
    ) -> Result<(Webhook, String), AppError>;
    async fn webhook_secret(&self, id: &switchboard_core::WebhookId) -> Result<String, AppError>;
    async fn rotate_webhook_secret(&self, id: &switchboard_core::WebhookId) -> Result<String, AppError>;
    fn webhook_url(&self, id: &switchboard_core::WebhookId) -> String;
    /// A new API key: its record and the key itself.
    async fn create_api_key(&self, name: &str) -> Result<(ApiKey, String), AppError>;
    /// A notification channel (its address checked and sealed).
    async fn create_channel(
        &self,
        draft: &switchboard_core::notify::ChannelDraft,
    ) -> Result<switchboard_core::notify::Channel, AppError>;
    /// Sends a test message now; the notification as it stands after the attempt.
    async fn send_test(
        &self,
        channel: &switchboard_core::ChannelId,
    ) -> Result<switchboard_core::notify::Notification, AppError>;
    async fn retry_notification(
        &self,
        id: &switchboard_core::NotificationId,
    ) -> Result<switchboard_core::notify::Notification, AppError>;
}

#[cfg(feature = "ssr")]
pub(super) mod ssr {
    pub use super::super::ssr::services;
    use super::*;
    use switchboard_core::ports::Services;

    pub fn hub() -> Result<std::sync::Arc<dyn IntegrationHub>, AppError> {
        use_context::<std::sync::Arc<dyn IntegrationHub>>().ok_or(AppError::Internal)
    }

    pub fn webhook_id(id: &str) -> Result<switchboard_core::WebhookId, AppError> {
        switchboard_core::WebhookId::parse(id)
            .map_err(|_| AppError::NotFound(format!("webhook '{id}' was not found")))
    }

    pub async fn item(s: &Services, hub: &dyn IntegrationHub, webhook: Webhook) -> WebhookItem {
        let workflow_name = s
            .workflows
            .get(&webhook.workflow_id)
            .await
            .map(|w| w.name)
            .unwrap_or_else(|_| webhook.workflow_id.to_string());
        WebhookItem {
            url: hub.webhook_url(&webhook.id),
            webhook,
            workflow_name,
        }
    }
}

#[server]
pub async fn get_integrations() -> Result<IntegrationsOverview, AppError> {
    super::ssr::respond(
        async move {
            let s = ssr::services()?;
            let hub = ssr::hub()?;
            let mut webhooks = Vec::new();
            for w in s.webhooks.list().await? {
                webhooks.push(ssr::item(&s, hub.as_ref(), w).await);
            }
            let workflows = s
                .workflows
                .list(None)
                .await?
                .into_iter()
                .map(|w| WorkflowChoice {
                    id: w.id.to_string(),
                    name: w.name,
                })
                .collect();
            Ok(IntegrationsOverview {
                webhooks,
                workflows,
                api_keys: s.api_keys.list().await?,
            })
        }
        .await,
    )
    .await
}

#[server]
pub async fn create_webhook(name: String, workflow_id: String) -> Result<WebhookSecretShown, AppError> {
    super::ssr::respond(
        async move {
            let draft = switchboard_core::hooks::WebhookInput {
                name,
                workflow_id,
                project_id: None,
                active: None,
            }
            .validate()
            .map_err(AppError::Validation)?;
            let s = ssr::services()?;
            if s.workflows.get(&draft.workflow_id).await.is_err() {
                return Err(super::ssr::invalid("workflow_id", "choose a workflow".to_owned()));
            }
            let hub = ssr::hub()?;
            let (webhook, secret) = hub.create_webhook(&draft).await?;
            Ok(WebhookSecretShown {
                url: hub.webhook_url(&webhook.id),
                id: webhook.id.to_string(),
                secret,
            })
        }
        .await,
    )
    .await
}

#[server]
pub async fn get_webhook(id: String) -> Result<WebhookDetail, AppError> {
    super::ssr::respond(
        async move {
            let id = ssr::webhook_id(&id)?;
            let s = ssr::services()?;
            let hub = ssr::hub()?;
            let webhook = s.webhooks.get(&id).await?;
            let deliveries = s.webhooks.deliveries(&id, 50).await?;
            Ok(WebhookDetail {
                item: ssr::item(&s, hub.as_ref(), webhook).await,
                deliveries,
            })
        }
        .await,
    )
    .await
}

#[server]
pub async fn reveal_webhook_secret(id: String) -> Result<String, AppError> {
    super::ssr::respond(async move { ssr::hub()?.webhook_secret(&ssr::webhook_id(&id)?).await }.await).await
}

#[server]
pub async fn rotate_webhook_secret(id: String) -> Result<WebhookSecretShown, AppError> {
    super::ssr::respond(
        async move {
            let webhook = ssr::webhook_id(&id)?;
            let hub = ssr::hub()?;
            let secret = hub.rotate_webhook_secret(&webhook).await?;
            Ok(WebhookSecretShown {
                url: hub.webhook_url(&webhook),
                id,
                secret,
            })
        }
        .await,
    )
    .await
}

#[server]
pub async fn create_api_key(name: String) -> Result<NewApiKey, AppError> {
    super::ssr::respond(
        async move {
            let (record, key) = ssr::hub()?.create_api_key(&name).await?;
            Ok(NewApiKey {
                name: record.name,
                key,
            })
        }
        .await,
    )
    .await
}

#[server]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::ApiKeyId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("API key '{id}' was not found")))?;
            ssr::services()?.api_keys.revoke(&id).await?;
            Ok(())
        }
        .await,
    )
    .await
}

/// Shell commands that send a test delivery to `url`: signed with `secret` (bash, coreutils, openssl), or
/// with an API key.
pub fn sample_curl(url: &str, secret: &str) -> (String, String) {
    let signed = format!(
        r#"SECRET='{secret}'
BODY='{{"order": "A-1001", "total": 129.90}}'
ID="msg_$(date +%s%N)"; TS="$(date +%s)"
KEY_HEX="$(printf '%s' "${{SECRET#whsec_}}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
SIG="$(printf '%s' "$ID.$TS.$BODY" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY_HEX" -binary | base64)"
curl -sS -X POST '{url}' \
  -H 'content-type: application/json' \
  -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIG" \
  -d "$BODY""#
    );
    let bearer = format!(
        r#"curl -sS -X POST '{url}' \
  -H "authorization: Bearer $SWITCHBOARD_API_KEY" \
  -H 'content-type: application/json' \
  -d '{{"order": "A-1001", "total": 129.90}}'"#
    );
    (signed, bearer)
}
