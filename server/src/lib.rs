//! The Switchboard server: configuration, database, HTTP routes and the `switchboard` command line.
//! A library as well as a binary, so integration tests start the real application.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod connectors;
pub mod db;
pub mod demo;
pub mod legacy;
pub mod notifications;
pub mod outbound;
pub mod routes;
pub mod secrets;
pub mod services;
pub mod startup;
pub mod state;
pub mod sync;
pub mod telemetry;
pub mod webhooks;
pub mod wiring;
pub mod workflows;

pub use config::Config;
pub use startup::Application;
