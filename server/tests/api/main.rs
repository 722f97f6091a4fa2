//! Integration tests: the real application on port 0 against a temporary SQLite file, and the
//! `switchboard` binary itself. One test binary for all of them.

mod access;
mod agent_memory;
mod analytics;
mod api_docs;
mod approvals;
mod cli;
mod connectors;
mod crash;
mod dashboard;
mod demo;
mod experiments;
mod health;
mod helpers;
mod legacy;
mod live;
mod memories;
mod notifications;
mod openapi;
mod outbound;
mod pages;
mod pinterest;
mod repos;
mod rest;
mod stub;
mod sync;
mod webhooks;
mod workflows;
