mod connections_page;
mod explorer_page;
mod tool_form;

pub use connections_page::ConnectionsPage;
pub use explorer_page::ExplorerPage;
