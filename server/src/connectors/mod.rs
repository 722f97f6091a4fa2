//! Connectors at the server's edge: running tools on connections (test mode now; live mode's HTTP
//! clients will sit beside it).

mod runner;

pub use runner::LocalToolRunner;
