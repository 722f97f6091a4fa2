//! What a plain form post (the page without JavaScript) leaves for the page it is sent back to: the
//! new webhook secret or API key to show once, a connection check's answer, or what was typed into
//! a form that answered an error (never a secret). With JavaScript the server functions answer these
//! directly and nothing is kept. The values wait in the server's flash store
//! (`switchboard_core::flash`), named by a short-lived cookie.

use super::api_keys::NewApiKey;
use super::webhooks::WebhookSecretShown;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The page a flash is for: a page reads only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashScope {
    /// The Integrations page's webhooks and API keys.
    Integrations,
    /// The Integrations page's notification channels and rules.
    Notifications,
    /// One webhook's page (its secret revealed or rotated).
    Webhook,
    Connections,
    /// A connection's tool explorer (a tool's answer).
    Explorer,
    /// A workflow's editor (what was typed, when saving answered an error).
    WorkflowEditor,
    /// The Memory page and a learning's page (a notice with its undo, or an error).
    Memory,
    /// The Experiments pages (a button's notice, or the create form's error with what was typed).
    Experiments,
}

impl FlashScope {
    pub fn as_str(self) -> &'static str {
        match self {
            FlashScope::Integrations => "integrations",
            FlashScope::Notifications => "notifications",
            FlashScope::Webhook => "webhook",
            FlashScope::Connections => "connections",
            FlashScope::Explorer => "explorer",
            FlashScope::WorkflowEditor => "workflow-editor",
            FlashScope::Memory => "memory",
            FlashScope::Experiments => "experiments",
        }
    }
}

/// One flash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flash {
    /// A webhook's address and secret, after it was made, revealed or its secret rotated.
    WebhookSecret(WebhookSecretShown),
    /// A webhook's secret, revealed on its page (which knows the address).
    Revealed { id: String, secret: String },
    /// A new API key.
    ApiKey(NewApiKey),
    /// What checking a connection answered.
    ConnectionCheck { id: String, ok: bool, message: String },
    /// What became of a test message sent to a notification channel.
    TestNotification(Box<switchboard_core::notifications::Notification>),
    /// A tool's answer in the explorer of connection `connection_id`, with the parameters typed.
    ToolRun {
        connection_id: String,
        run: Box<switchboard_core::connection::ToolRun>,
        typed: TypedForm,
    },
    /// A form that answered an error, with what was typed.
    Typed(TypedForm),
    /// What a post on the Memory pages made, or its error with what was typed.
    Memory(super::memory::MemoryFlash),
    /// What a post on the Experiments pages did, or its error with what was typed.
    Experiments(super::experiments::ExperimentFlash),
}

/// What was typed into one form, by field name (secrets are never kept).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TypedForm {
    /// The form's name (`new-webhook`, `new-api-key`, ...).
    pub form: String,
    pub values: Vec<(String, String)>,
}

impl TypedForm {
    pub fn new(form: &str, values: &[(&str, Option<&str>)]) -> Self {
        TypedForm {
            form: form.to_owned(),
            values: values
                .iter()
                .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), v.to_owned())))
                .collect(),
        }
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
    }
}

impl Flash {
    pub fn webhook_secret(self) -> Option<WebhookSecretShown> {
        match self {
            Flash::WebhookSecret(s) => Some(s),
            _ => None,
        }
    }

    pub fn api_key(self) -> Option<NewApiKey> {
        match self {
            Flash::ApiKey(k) => Some(k),
            _ => None,
        }
    }

    /// What was typed into the form named `form`, if this flash holds it.
    pub fn typed(&self, form: &str) -> Option<TypedForm> {
        match self {
            Flash::Typed(t) | Flash::ToolRun { typed: t, .. } if t.form == form => Some(t.clone()),
            _ => None,
        }
    }
}

/// The typed values of one form from an optional flash, as a lookup the form's fields use: the
/// value typed into `field`, or nothing (the field's default).
#[derive(Debug, Clone, Default)]
pub struct Typed(Option<TypedForm>);

impl Typed {
    pub fn from_flash(flash: Option<&Flash>, form: &str) -> Self {
        Typed(flash.and_then(|f| f.typed(form)))
    }

    /// The value typed into `field`.
    pub fn value(&self, field: &str) -> Option<String> {
        self.0.as_ref().and_then(|t| t.get(field))
    }

    /// Whether `value` was the chosen option of `field` (for `<option selected>`).
    pub fn chose(&self, field: &str, value: &str) -> bool {
        self.value(field).is_some_and(|v| v == value)
    }

    /// Whether the form came back at all (a checkbox's default applies only when it did not).
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }
}

/// The flash the browser's cookie names for `scope`, read once.
#[server]
pub async fn take_flash(scope: FlashScope) -> Result<Option<Flash>, AppError> {
    Ok(ssr::take(scope))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::{Flash, FlashScope};
    use leptos::prelude::use_context;
    use switchboard_core::flash::flash_id_in_cookies;

    fn headers() -> Option<http::HeaderMap> {
        use_context::<http::request::Parts>().map(|p| p.headers)
    }

    /// Whether this request is a plain HTML form post (the browser without JavaScript), which is
    /// answered with a redirect back to the page.
    pub fn is_form_post() -> bool {
        headers()
            .and_then(|h| {
                h.get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false)
    }

    /// Keeps `flash` for the page `scope` when this is a plain form post (with JavaScript the
    /// answer itself carries it): stored, and its id handed to the browser in a cookie. A flash
    /// that cannot be kept is logged and left out; the post's own answer stands.
    pub fn keep(scope: FlashScope, flash: impl FnOnce() -> Flash) {
        if !is_form_post() {
            return;
        }
        let Some(services) = use_context::<switchboard_core::service::Services>() else {
            tracing::error!("Services missing from the request context");
            return;
        };
        let payload = match serde_json::to_string(&flash()) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "a flash could not be serialized");
                return;
            }
        };
        let Ok(cookie) = services.flash.put(scope.as_str(), payload) else {
            return;
        };
        if let (Some(response), Ok(cookie)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&cookie),
        ) {
            response.append_header(http::header::SET_COOKIE, cookie);
        }
    }

    /// After a plain form post: keeps what a success made to show once (`ok`, when it made
    /// something), or what was typed when it failed.
    pub fn after<T>(
        scope: FlashScope,
        result: &Result<T, crate::error::AppError>,
        ok: impl FnOnce(&T) -> Option<Flash>,
        typed: impl FnOnce() -> super::TypedForm,
    ) {
        match result {
            Ok(value) => {
                if let Some(flash) = ok(value) {
                    keep(scope, || flash);
                }
            }
            Err(_) => keep(scope, || Flash::Typed(typed())),
        }
    }

    /// The flash for `scope` that the request's cookie names, removed from the store.
    pub fn take(scope: FlashScope) -> Option<Flash> {
        let headers = headers()?;
        let id = headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(flash_id_in_cookies)?
            .to_owned();
        let services = use_context::<switchboard_core::service::Services>()?;
        let payload = services.flash.take(&id, scope.as_str())?;
        serde_json::from_str(&payload)
            .inspect_err(|e| tracing::warn!(error = %e, "a flash could not be read back"))
            .ok()
    }
}
