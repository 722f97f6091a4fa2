//! API keys: made (shown once) and revoked on the Integrations page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A new API key, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub name: String,
    pub key: String,
}

/// Without JavaScript the key waits for the page in the flash store, and so does the name typed
/// when the form answered an error.
#[server]
pub async fn create_api_key(name: String) -> Result<NewApiKey, AppError> {
    use super::flash::{Flash, FlashScope, TypedForm, ssr::after};
    let result = async {
        let issued = super::ssr::services()?.api_keys.create(&name).await?;
        Ok(NewApiKey {
            name: issued.record.name,
            key: issued.key,
        })
    }
    .await;
    after(
        FlashScope::Integrations,
        &result,
        |k| Some(Flash::ApiKey(k.clone())),
        || TypedForm::new("new-api-key", &[("name", Some(&name))]),
    );
    super::ssr::respond(result).await
}

#[server]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    super::ssr::respond(
        async move {
            let id = switchboard_core::ApiKeyId::parse(&id)
                .map_err(|_| AppError::NotFound(format!("API key '{id}' was not found")))?;
            super::ssr::services()?.api_keys.revoke(&id).await?;
            Ok(())
        }
        .await,
    )
    .await
}
