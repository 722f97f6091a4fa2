//! One folder per area, one file per page.

mod dashboard;
mod not_found_page;
mod system;

pub use dashboard::DashboardPage;
pub use not_found_page::NotFoundPage;
pub use system::SystemPage;
