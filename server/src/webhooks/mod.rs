//! Inbound webhooks: their signing secrets (sealed at rest with the server's key, bound to the
//! webhook's id) and the Standard Webhooks signature check.

pub mod signature;

use crate::secrets::Keyring;
use signature::WebhookSecret;
use std::sync::Arc;
use switchboard_core::ports::WebhookRepo;
use switchboard_core::webhooks::{Webhook, WebhookDraft};
use switchboard_core::{RepoError, WebhookId};

#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("the webhook's secret cannot be opened: {0}")]
    Secret(String),
}

/// Webhooks with their secrets.
#[derive(Clone)]
pub struct Hooks {
    repo: Arc<dyn WebhookRepo>,
    keyring: Arc<Keyring>,
    public_url: String,
}

fn context(id: &WebhookId) -> String {
    format!("webhook/{id}")
}

impl Hooks {
    pub fn new(repo: Arc<dyn WebhookRepo>, keyring: Arc<Keyring>, public_url: &str) -> Self {
        Hooks {
            repo,
            keyring,
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// Where senders POST deliveries for webhook `id`.
    pub fn url(&self, id: &WebhookId) -> String {
        format!("{}/api/v1/hooks/{id}", self.public_url)
    }

    pub fn repo(&self) -> &dyn WebhookRepo {
        self.repo.as_ref()
    }

    /// A new webhook and its secret (shown to the caller once; revealed again on request).
    pub async fn create(&self, draft: &WebhookDraft) -> Result<(Webhook, WebhookSecret), HookError> {
        let id = WebhookId::from_suffix(&crate::db::ids::new_suffix()).map_err(RepoError::from)?;
        let secret = WebhookSecret::generate().map_err(|e| HookError::Secret(e.to_string()))?;
        let sealed = self
            .keyring
            .seal(secret.as_bytes(), &context(&id))
            .map_err(|e| HookError::Secret(e.to_string()))?;
        let hook = self.repo.create(&id, draft, &sealed).await?;
        Ok((hook, secret))
    }

    pub async fn secret(&self, id: &WebhookId) -> Result<WebhookSecret, HookError> {
        let sealed = self.repo.secret(id).await?;
        let plain = self
            .keyring
            .open(&sealed, &context(id))
            .map_err(|e| HookError::Secret(e.to_string()))?;
        WebhookSecret::from_bytes(plain).map_err(HookError::Secret)
    }

    /// Replaces the secret; deliveries signed with the old one are refused from now on.
    pub async fn rotate(&self, id: &WebhookId) -> Result<WebhookSecret, HookError> {
        self.repo.get(id).await?;
        let secret = WebhookSecret::generate().map_err(|e| HookError::Secret(e.to_string()))?;
        let sealed = self
            .keyring
            .seal(secret.as_bytes(), &context(id))
            .map_err(|e| HookError::Secret(e.to_string()))?;
        self.repo.set_secret(id, &sealed).await?;
        Ok(secret)
    }
}
