//! Ad account connections: a project's account on one platform, in test or live mode. A
//! connection never carries its tokens: they stay encrypted in the server's storage.

use crate::error::ParseError;
use crate::ids::{ConnectionId, ProjectId};
use crate::money::Currency;
use crate::platform::Platform;
use crate::time::Timestamp;
use crate::validation::FieldErrors;
use crate::workflow::text_enum;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

text_enum!(
    /// Test mode answers from a seeded generator; live mode calls the platform.
    ConnectionMode, "connection mode", {
        Test => "test",
        Live => "live",
    }
);

text_enum!(
    /// Whether tools can run on the connection.
    ConnectionStatus, "connection status", {
        Active => "active",
        NeedsReauth => "needs_reauth",
        Error => "error",
        Disconnected => "disconnected",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub id: ConnectionId,
    pub project_id: ProjectId,
    pub platform: Platform,
    pub mode: ConnectionMode,
    /// The platform's account id (Google customer id, Meta ad account id without `act_`).
    pub account_id: String,
    pub name: Option<String>,
    pub status: ConnectionStatus,
    pub currency: Currency,
    pub time_zone: String,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

/// What a client sends to make a connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionInput {
    pub project_id: String,
    pub platform: String,
    /// `test` (the default) or `live`.
    #[serde(default)]
    pub mode: Option<String>,
    /// For test mode, the seed of the generated account (random when left out).
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub name: Option<String>,
    /// The account currency for a test account (USD when left out).
    #[serde(default)]
    pub currency: Option<String>,
}

/// A checked request for a test-mode connection.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionDraft {
    pub project_id: ProjectId,
    pub platform: Platform,
    pub seed: Option<u64>,
    pub name: Option<String>,
    pub currency: Currency,
}

impl ConnectionInput {
    pub fn validate(&self) -> Result<ConnectionDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let project_id = ProjectId::parse(self.project_id.trim())
            .map_err(|e| errors.add("project_id", e.to_string()))
            .ok();
        let platform = self
            .platform
            .parse::<Platform>()
            .map_err(|e| errors.add("platform", e.to_string()))
            .ok();
        if platform == Some(Platform::Pinterest) {
            errors.add("platform", "the Pinterest connector is not available yet");
        }
        match self.mode.as_deref().map(str::parse::<ConnectionMode>) {
            None | Some(Ok(ConnectionMode::Test)) => {}
            Some(Ok(ConnectionMode::Live)) => errors.add(
                "mode",
                "live connections are made by authorizing with the platform (OAuth), which this version does not offer yet",
            ),
            Some(Err(e)) => errors.add("mode", e.to_string()),
        }
        let currency = match self.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Some(Currency::USD),
            Some(c) => Currency::parse(c).map_err(|e| errors.add("currency", e.to_string())).ok(),
        };
        let name = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if name.is_some_and(|n| n.chars().count() > 120) {
            errors.add("name", "must be at most 120 characters");
        }
        match (project_id, platform, currency) {
            (Some(project_id), Some(platform), Some(currency)) if errors.is_empty() => Ok(ConnectionDraft {
                project_id,
                platform,
                seed: self.seed,
                name: name.map(str::to_owned),
                currency,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ConnectionInput {
        ConnectionInput {
            project_id: "proj_abc".into(),
            platform: "meta".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_test_connection_needs_a_project_and_a_platform() {
        let draft = input().validate().expect("valid");
        assert_eq!(draft.platform, Platform::Meta);
        assert_eq!(draft.currency, Currency::USD);
        let bad = ConnectionInput {
            project_id: "".into(),
            platform: "myspace".into(),
            mode: Some("sandbox".into()),
            currency: Some("dollars".into()),
            ..Default::default()
        };
        let errors = bad.validate().expect_err("invalid");
        for field in ["project_id", "platform", "mode", "currency"] {
            assert!(errors.get(field).is_some(), "{field}: {errors}");
        }
        let live = ConnectionInput {
            mode: Some("live".into()),
            ..input()
        };
        assert!(live.validate().expect_err("live").get("mode").is_some_and(|m| m.contains("OAuth")));
    }

    #[test]
    fn modes_and_statuses_read_their_stored_words() {
        assert_eq!("needs_reauth".parse::<ConnectionStatus>(), Ok(ConnectionStatus::NeedsReauth));
        assert_eq!(ConnectionMode::Test.as_str(), "test");
        assert!("paused".parse::<ConnectionStatus>().is_err());
    }
}
