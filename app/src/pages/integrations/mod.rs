mod integrations_page;
mod notifications_panel;
mod webhook_page;

pub use integrations_page::IntegrationsPage;
pub use webhook_page::WebhookPage;
