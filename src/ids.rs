//! Typed, prefixed string ids (`proj_0001`, `camp_9f3k…`). Legacy ids keep their text on import (some
//! hold non-ASCII letters, such as `proj_ü01`), so an id is its prefix, an underscore and 1 to 64
//! letters or digits (any script), `-` or `_`: never spaces, punctuation or control characters.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const MAX_SUFFIX: usize = 64;

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $what:literal, $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(
            value_type = String,
            example = $example,
        ))]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// Parses an id as it comes from outside: `<prefix>_<suffix>`.
            pub fn parse(value: &str) -> Result<Self, ParseError> {
                validate_id(value, $prefix, $what).map(|()| Self(value.to_owned()))
            }

            /// Builds an id from a freshly generated suffix (the server makes it random).
            pub fn from_suffix(suffix: &str) -> Result<Self, ParseError> {
                Self::parse(&format!("{}_{}", $prefix, suffix))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                validate_id(&value, $prefix, $what).map(|()| Self(value))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

fn validate_id(value: &str, prefix: &str, what: &'static str) -> Result<(), ParseError> {
    if value.is_empty() {
        return Err(ParseError::Empty { what });
    }
    let suffix = value
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .ok_or_else(|| ParseError::invalid(what, value, "wrong prefix"))?;
    let chars = suffix.chars().count();
    if chars == 0 || chars > MAX_SUFFIX {
        return Err(ParseError::invalid(
            what,
            value,
            "must have 1 to 64 characters after the prefix",
        ));
    }
    if !suffix
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ParseError::invalid(
            what,
            value,
            "only letters, digits, '-' and '_' are allowed",
        ));
    }
    Ok(())
}

prefixed_id!(
    /// A client project: the unit that owns budgets, connections and campaigns.
    ProjectId, "proj", "project id", "proj_0001"
);
prefixed_id!(
    /// A campaign as Switchboard knows it (the platform's own id is kept beside it).
    CampaignId, "camp", "campaign id", "camp_0001"
);
prefixed_id!(
    /// A workflow definition.
    WorkflowId, "wf", "workflow id", "wf_0001"
);
prefixed_id!(
    /// One run of a workflow.
    ExecutionId, "exec", "execution id", "exec_0001"
);
prefixed_id!(
    /// An ad account connection: one project's account on one platform.
    ConnectionId, "conn", "connection id", "conn_0001"
);
prefixed_id!(
    /// An inbound webhook.
    WebhookId, "hook", "webhook id", "hook_0001"
);
prefixed_id!(
    /// One request received on a webhook.
    DeliveryId, "dlv", "delivery id", "dlv_0001"
);
prefixed_id!(
    /// An API key (the id, not the key).
    ApiKeyId, "key", "API key id", "key_0001"
);
prefixed_id!(
    /// A notification channel (a Discord or Slack webhook, email addresses).
    ChannelId, "chan", "channel id", "chan_0001"
);
prefixed_id!(
    /// A rule routing events to a channel.
    RuleId, "rule", "rule id", "rule_0001"
);
prefixed_id!(
    /// One learning in the agents' memory.
    MemoryId, "mem", "memory id", "mem_0001"
);
prefixed_id!(
    /// An A/B experiment on platform objects.
    ExperimentId, "exp", "experiment id", "exp_0001"
);
prefixed_id!(
    /// One notification in the outbox.
    NotificationId, "ntf", "notification id", "ntf_0001"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_legacy_and_new_ids() {
        assert_eq!(
            ProjectId::parse("proj_0001").map(|i| i.to_string()),
            Ok("proj_0001".into())
        );
        assert!(CampaignId::parse("camp_01HZX3-abc_9").is_ok());
        assert!(
            ProjectId::parse("proj_ü01").is_ok(),
            "legacy ids may hold non-ASCII letters"
        );
        assert!(ProjectId::parse(&format!("proj_{}", "é".repeat(64))).is_ok());
        assert!(WorkflowId::from_suffix("001").is_ok());
        assert_eq!(
            ExecutionId::parse("exec_000001").map(String::from),
            Ok("exec_000001".into())
        );
    }

    #[test]
    fn rejects_bad_ids_with_a_reason() {
        assert_eq!(
            ProjectId::parse(""),
            Err(ParseError::Empty { what: "project id" })
        );
        for bad in [
            "camp_1",
            "proj",
            "proj_",
            "proj_a b",
            "proj_a/b",
            "proj_x?y",
            "proj_\u{0}",
            "PROJ_1",
            "projx_1",
        ] {
            assert!(ProjectId::parse(bad).is_err(), "{bad} should be refused");
        }
        let long = format!("proj_{}", "a".repeat(65));
        assert!(ProjectId::parse(&long).is_err());
        assert!(ProjectId::parse(&format!("proj_{}", "a".repeat(64))).is_ok());
    }

    #[test]
    fn serde_refuses_what_parse_refuses() {
        let ok: Result<ProjectId, _> = serde_json::from_str("\"proj_7\"");
        assert!(ok.is_ok());
        let bad: Result<ProjectId, _> = serde_json::from_str("\"camp_7\"");
        assert!(bad.is_err());
        assert_eq!(
            serde_json::to_string(&ok.ok()).ok(),
            Some("\"proj_7\"".to_owned())
        );
    }
}
