//! Reusable pieces of the UI.

pub mod chart;
mod data_table;
mod empty_state;
mod event_source;
mod error_panel;
pub mod format;
mod icon;
pub mod layout;
mod page_header;
mod stat_card;

pub use chart::{Chart, ChartSpec, SeriesSpec};
pub use data_table::{Column, DataTable};
pub use empty_state::EmptyState;
pub use event_source::use_event_source;
pub use error_panel::ErrorPanel;
pub use icon::{Icon, IconName};
pub use page_header::PageHeader;
pub use stat_card::StatCard;
