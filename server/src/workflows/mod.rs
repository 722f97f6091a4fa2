//! Workflows at run time: the durable executor, the agents' work, and the event bus that carries
//! progress to the browser.

pub mod agents;
pub mod approval;
pub mod bus;
pub mod engine;
pub mod scheduler;

pub use bus::EventBus;
pub use engine::{Engine, EngineError, EngineSettings};
