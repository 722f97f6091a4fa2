//! Webhooks and API keys as the Integrations page sees them.

use super::{HookError, Hooks};
use app::error::AppError;
use app::server_fns::integrations::IntegrationHub;
use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::api_key::ApiKey;
use switchboard_core::hooks::{Webhook, WebhookDraft};
use switchboard_core::notify::{Channel, ChannelDraft, Notification};
use switchboard_core::ports::ApiKeyRepo;
use switchboard_core::{ChannelId, NotificationId, WebhookId};

pub struct Hub {
    pub hooks: Hooks,
    pub notifier: Arc<crate::notify::Notifier>,
    pub api_keys: Arc<dyn ApiKeyRepo>,
}

fn app_error(e: HookError) -> AppError {
    match e {
        HookError::Repo(r) => r.into(),
        HookError::Secret(m) => {
            tracing::error!(error = %m, "a webhook secret could not be opened");
            AppError::Internal
        }
    }
}

#[async_trait]
impl IntegrationHub for Hub {
    async fn create_webhook(&self, draft: &WebhookDraft) -> Result<(Webhook, String), AppError> {
        let (webhook, secret) = self.hooks.create(draft).await.map_err(app_error)?;
        tracing::info!(webhook = %webhook.id, "webhook created on the Integrations page");
        Ok((webhook, secret.to_text()))
    }

    async fn webhook_secret(&self, id: &WebhookId) -> Result<String, AppError> {
        Ok(self.hooks.secret(id).await.map_err(app_error)?.to_text())
    }

    async fn rotate_webhook_secret(&self, id: &WebhookId) -> Result<String, AppError> {
        let secret = self.hooks.rotate(id).await.map_err(app_error)?;
        tracing::info!(webhook = %id, "webhook secret rotated on the Integrations page");
        Ok(secret.to_text())
    }

    fn webhook_url(&self, id: &WebhookId) -> String {
        self.hooks.url(id)
    }

    async fn create_api_key(&self, name: &str) -> Result<(ApiKey, String), AppError> {
        crate::auth::api_keys::create(self.api_keys.as_ref(), name)
            .await
            .map_err(|e| match e {
                crate::auth::api_keys::KeyError::Invalid(m) => {
                    AppError::Validation(switchboard_core::validation::FieldErrors::single("name", m))
                }
                crate::auth::api_keys::KeyError::Repo(r) => r.into(),
                crate::auth::api_keys::KeyError::Random => AppError::Internal,
            })
    }

    async fn create_channel(&self, draft: &ChannelDraft) -> Result<Channel, AppError> {
        let channel = self.notifier.create_channel(draft).await.map_err(notify_error)?;
        tracing::info!(channel = %channel.id, "notification channel created on the Integrations page");
        Ok(channel)
    }

    async fn send_test(&self, channel: &ChannelId) -> Result<Notification, AppError> {
        self.notifier.send_test(channel).await.map_err(notify_error)
    }

    async fn retry_notification(&self, id: &NotificationId) -> Result<Notification, AppError> {
        self.notifier.retry(id).await.map_err(notify_error)
    }
}

fn notify_error(e: crate::notify::NotifyError) -> AppError {
    match e {
        crate::notify::NotifyError::Repo(r) => r.into(),
        crate::notify::NotifyError::Refused(why) => {
            AppError::Validation(switchboard_core::validation::FieldErrors::single("url", why))
        }
        crate::notify::NotifyError::Secret(m) => {
            tracing::error!(error = %m, "a channel's address could not be sealed or opened");
            AppError::Internal
        }
    }
}
