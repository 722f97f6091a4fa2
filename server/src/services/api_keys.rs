//! API keys' use cases over the key repository; the keys are made in `crate::auth::api_keys`.

use crate::auth::api_keys::{self, KeyError};
use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::ApiKeyId;
use switchboard_core::api_key::{ApiKey, IssuedKey};
use switchboard_core::ports::ApiKeyRepo;
use switchboard_core::service::{ApiKeyService, ServiceError};

pub struct ApiKeys {
    pub repo: Arc<dyn ApiKeyRepo>,
}

impl From<KeyError> for ServiceError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Invalid(m) => ServiceError::field("name", m),
            KeyError::Repo(r) => r.into(),
            KeyError::Random => ServiceError::internal("an API key could not be made", &e),
        }
    }
}

#[async_trait]
impl ApiKeyService for ApiKeys {
    async fn list(&self) -> Result<Vec<ApiKey>, ServiceError> {
        Ok(self.repo.list().await?)
    }

    async fn create(&self, name: &str) -> Result<IssuedKey, ServiceError> {
        let (record, key) = api_keys::create(self.repo.as_ref(), name).await?;
        tracing::info!(key = %record.id, name = %record.name, "API key created");
        Ok(IssuedKey { record, key })
    }

    async fn revoke(&self, id: &ApiKeyId) -> Result<ApiKey, ServiceError> {
        let key = self.repo.revoke(id).await?;
        tracing::info!(key = %key.id, "API key revoked");
        Ok(key)
    }
}
