//! Switchboard's domain: typed ids, money, platforms, wire types and the ports the server implements.
//! Pure Rust, no I/O; compiles to wasm32 for the browser as well as for the server.

pub mod access;
pub mod activity;
pub mod agents;
pub mod analytics;
pub mod api_key;
pub mod approval;
pub mod campaign;
pub mod connection;
pub mod connectors;
pub mod dashboard;
pub mod error;
pub mod execution;
pub mod experiments;
pub mod flash;
pub mod format;
pub mod health;
pub mod ids;
pub mod json_fields;
pub mod legacy;
pub mod memory;
pub mod metrics;
pub mod money;
pub mod net;
pub mod notifications;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod platform;
#[cfg(feature = "server")]
pub mod ports;
pub mod project;
pub mod run_event;
pub mod schedule;
pub mod seeded;
#[cfg(feature = "server")]
pub mod service;
pub mod stats;
pub mod sync;
pub mod time;
pub mod validation;
pub mod vertical;
pub mod webhooks;
pub mod words;
pub mod workflow;

pub use error::{ParseError, RepoError};
pub use ids::{
    ApiKeyId, CampaignId, ChannelId, ConnectionId, DeliveryId, ExecutionId, ExperimentId, MemoryId,
    NotificationId, ProjectId, RuleId, WebhookId, WorkflowId,
};
pub use money::{Currency, Micros};
pub use platform::Platform;
