mod integrations_page;
mod webhook_page;

pub use integrations_page::IntegrationsPage;
pub use webhook_page::WebhookPage;
