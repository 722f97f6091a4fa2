//! Connectors at the server's edge: running tools on connections, test mode from the stored test
//! account, live mode over HTTP with the connection's sealed OAuth tokens.

pub mod live;
mod runner;
pub mod settings;
mod test_accounts;

pub use live::LiveConnectors;
pub use runner::{LocalToolRunner, MAX_ROWS};
pub use settings::ConnectorSettings;
