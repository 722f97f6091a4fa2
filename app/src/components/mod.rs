//! Reusable pieces of the UI.

pub mod campaign_rows;
pub mod chart;
mod copy_field;
mod data_table;
mod empty_state;
mod error_panel;
mod event_source;
pub mod format;
mod icon;
pub mod layout;
mod loaded;
mod page_header;
mod platform_table;
mod run_status_badge;
mod stat_card;

pub use campaign_rows::CampaignRows;
pub use chart::{Chart, ChartSpec, SeriesSpec};
pub use copy_field::CopyField;
pub use data_table::{Column, DataTable, Heading, Headings, TableWrap};
pub use empty_state::EmptyState;
pub use error_panel::ErrorPanel;
pub use event_source::use_event_source;
pub use format::Time;
pub use icon::{Icon, IconName};
pub use loaded::Loaded;
pub use page_header::PageHeader;
pub use platform_table::PlatformTable;
pub use run_status_badge::{RunStatusBadge, stage_badge};
pub use stat_card::StatCard;
