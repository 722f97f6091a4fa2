//! Inbound webhooks: the Integrations page's overview, a webhook's address, secret and delivery log.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use switchboard_core::webhooks::{IntegrationsOverview, WebhookDetail, WebhookItem, WorkflowChoice};

/// A webhook's address and secret, shown after creating or rotating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSecretShown {
    pub id: String,
    pub url: String,
    pub secret: String,
}

#[cfg(feature = "ssr")]
fn webhook_id(id: &str) -> Result<switchboard_core::WebhookId, AppError> {
    switchboard_core::WebhookId::parse(id)
        .map_err(|_| AppError::NotFound(format!("webhook '{id}' was not found")))
}

#[cfg(feature = "ssr")]
fn shown(w: switchboard_core::webhooks::WebhookWithSecret) -> WebhookSecretShown {
    WebhookSecretShown {
        id: w.webhook.id.to_string(),
        url: w.url,
        secret: w.secret,
    }
}

#[server]
pub async fn get_integrations() -> Result<IntegrationsOverview, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.webhooks.overview().await?) }.await).await
}

/// Without JavaScript the page is sent back to: the secret and its sample command wait for it in
/// the flash store, and so does what was typed when the form answered an error.
#[server]
pub async fn create_webhook(
    name: String,
    workflow_id: String,
    /// The project its runs work for; empty: the workflow's own.
    #[server(default)]
    project_id: Option<String>,
) -> Result<WebhookSecretShown, AppError> {
    use super::flash::{Flash, FlashScope, TypedForm, ssr::after};
    let project_id = project_id.filter(|p| !p.trim().is_empty());
    let typed = TypedForm::new(
        "new-webhook",
        &[
            ("name", Some(&name)),
            ("workflow_id", Some(&workflow_id)),
            ("project_id", project_id.as_deref()),
        ],
    );
    let result = async move {
        let input = switchboard_core::webhooks::WebhookInput {
            name,
            workflow_id,
            project_id,
            active: None,
        };
        Ok(shown(super::ssr::services()?.webhooks.create(input).await?))
    }
    .await;
    after(
        FlashScope::Integrations,
        &result,
        |s| Some(Flash::WebhookSecret(s.clone())),
        || typed,
    );
    super::ssr::respond(result).await
}

#[server]
pub async fn get_webhook(id: String) -> Result<WebhookDetail, AppError> {
    super::ssr::respond(
        async move {
            let id = webhook_id(&id)?;
            Ok(super::ssr::services()?.webhooks.detail(&id).await?)
        }
        .await,
    )
    .await
}

/// Without JavaScript the secret waits for the webhook's page in the flash store.
#[server]
pub async fn reveal_webhook_secret(id: String) -> Result<String, AppError> {
    use super::flash::{Flash, FlashScope, TypedForm, ssr::after};
    let result = async {
        let webhook = webhook_id(&id)?;
        Ok(super::ssr::services()?.webhooks.secret(&webhook).await?)
    }
    .await;
    after(
        FlashScope::Webhook,
        &result,
        |secret| {
            Some(Flash::Revealed {
                id: id.clone(),
                secret: secret.clone(),
            })
        },
        TypedForm::default,
    );
    super::ssr::respond(result).await
}

/// Without JavaScript the new secret waits for the webhook's page in the flash store.
#[server]
pub async fn rotate_webhook_secret(id: String) -> Result<WebhookSecretShown, AppError> {
    use super::flash::{Flash, FlashScope, TypedForm, ssr::after};
    let result = async move {
        let webhook = webhook_id(&id)?;
        let rotated = super::ssr::services()?.webhooks.rotate_secret(&webhook).await?;
        Ok(WebhookSecretShown {
            url: rotated.url,
            id,
            secret: rotated.secret,
        })
    }
    .await;
    after(
        FlashScope::Webhook,
        &result,
        |s| Some(Flash::WebhookSecret(s.clone())),
        TypedForm::default,
    );
    super::ssr::respond(result).await
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
