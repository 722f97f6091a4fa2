mod analytics_page;
pub(crate) mod charts;
pub(crate) mod panels;
mod sync_panel;

pub use analytics_page::AnalyticsPage;
