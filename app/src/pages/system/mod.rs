mod system_page;

pub use system_page::SystemPage;
