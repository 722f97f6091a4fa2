//! Configuration from the command line and the environment.

use anyhow::{Context, bail};
use leptos::config::LeptosOptions;
use sqlx::sqlite::SqliteConnectOptions;
use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/switchboard.db?mode=rwc";
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
const ADDR_VAR: &str = "SWITCHBOARD_ADDR";

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: SqliteConnectOptions,
    pub addr: SocketAddr,
    /// Where the built site (wasm, JS, CSS, public files) is, and its names; cargo-leptos sets the
    /// `LEPTOS_*` variables, the defaults match its layout (`target/site`).
    pub leptos: LeptosOptions,
    /// Live-mode OAuth apps, API addresses and retries (`SWITCHBOARD_GOOGLE_*`, `SWITCHBOARD_META_*`).
    pub connectors: crate::connectors::ConnectorSettings,
    /// The workflow executor (`SWITCHBOARD_MAX_RUNNING`, `SWITCHBOARD_STAGE_TIMEOUT_SECS`, …).
    pub engine: crate::workflows::EngineSettings,
    /// The performance sync (`SWITCHBOARD_SYNC_SCHEDULE`, `SWITCHBOARD_SYNC_FIRST_DAYS`).
    pub sync: crate::sync::SyncSettings,
    /// Requests to user-supplied URLs (`SWITCHBOARD_OUTBOUND_ALLOW`).
    pub outbound: crate::outbound::OutboundSettings,
    /// Notifications (`SWITCHBOARD_SMTP_URL`, `SWITCHBOARD_SMTP_FROM`).
    pub notify: crate::notifications::NotifySettings,
    /// The owner's password, rate limits, cookies (`SWITCHBOARD_OWNER_PASSWORD`, `SWITCHBOARD_RATE_LIMIT`).
    pub access: crate::auth::access::AccessSettings,
}

impl Config {
    /// Reads the configuration; `addr` from the command line wins over `SWITCHBOARD_ADDR`.
    pub fn load(database_url: &str, addr: Option<SocketAddr>) -> anyhow::Result<Self> {
        let database = crate::db::connect_options(database_url)?;
        let addr = match addr {
            Some(addr) => addr,
            None => address_from_env()?,
        };
        let mut leptos = leptos::config::get_configuration(None)
            .context("could not read the site configuration (LEPTOS_* variables)")?
            .leptos_options;
        leptos.site_addr = addr;
        Ok(Config {
            database,
            addr,
            leptos,
            connectors: crate::connectors::ConnectorSettings {
                test_latency: crate::connectors::settings::test_latency_from_env()?,
                ..crate::connectors::ConnectorSettings::from_env()
            },
            engine: crate::workflows::EngineSettings::from_env(),
            sync: crate::sync::SyncSettings::from_env()?,
            outbound: crate::outbound::OutboundSettings::from_env()?,
            notify: crate::notifications::NotifySettings::from_env(),
            access: crate::auth::access::AccessSettings::from_env()?,
        })
    }
}

fn address_from_env() -> anyhow::Result<SocketAddr> {
    let text = match std::env::var(ADDR_VAR) {
        Ok(value) if !value.trim().is_empty() => value,
        Ok(_) | Err(std::env::VarError::NotPresent) => DEFAULT_ADDR.to_owned(),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{ADDR_VAR} is not valid UTF-8"),
    };
    text.trim()
        .parse()
        .with_context(|| format!("{ADDR_VAR} '{text}' is not an address like 127.0.0.1:3000"))
}
