//! Connectors: what agents may do on an ad platform. A platform exposes named tools, each with a
//! description and JSON Schemas for its parameters and its result ([`schema`]). Parameters are
//! validated before anything runs. In test mode a seeded, stateful account answers
//! in the platform's own shapes and units; live mode (the server crate) calls the real API.

pub mod error;
pub mod form;
pub mod google;
pub mod meta;
pub mod pinterest;
pub mod retry;
pub mod schema;
pub mod table;
pub mod testmode;
pub mod tool;

pub use error::ConnectorError;
pub use retry::{Retry, RetryPolicy};
pub use schema::SchemaError;
pub use tool::{Access, ToolSpec, catalog, find_tool};
