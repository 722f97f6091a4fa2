//! API keys for the REST API and webhooks.

use super::ServiceError;
use crate::api_key::{ApiKey, IssuedKey};
use crate::ids::ApiKeyId;
use async_trait::async_trait;

#[async_trait]
pub trait ApiKeyService: Send + Sync {
    /// The keys' records (never the keys themselves).
    async fn list(&self) -> Result<Vec<ApiKey>, ServiceError>;
    /// A new key named `name`; the key itself is in the answer only.
    async fn create(&self, name: &str) -> Result<IssuedKey, ServiceError>;
    /// Requests with the key are refused from now on.
    async fn revoke(&self, id: &ApiKeyId) -> Result<ApiKey, ServiceError>;
}
