//! The frame around every page: sidebar, header and the main area.

mod app_layout;
mod sidebar;
mod theme_toggle;
mod top_bar;

pub use app_layout::AppLayout;
pub use sidebar::{NAV_AREAS, NavArea, Sidebar};
pub use theme_toggle::ThemeToggle;
pub use top_bar::TopBar;
