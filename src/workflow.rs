//! Workflow definitions: ordered stages, each done by an agent with an action and parameters.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(t))
                    .ok_or_else(|| ParseError::invalid($what, s, concat!("expected one of: ", $($text, " "),+)))
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// The agents that do a workflow's stages.
    Agent, "agent", {
        Strategist => "Strategist",
        SocialMediaBuyer => "SocialMediaBuyer",
        Trader => "Trader",
        Analyst => "Analyst",
    }
);

text_enum!(
    /// What starts a workflow.
    Trigger, "trigger", {
        Manual => "manual",
        Schedule => "schedule",
        Webhook => "webhook",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_and_triggers_parse() {
        assert_eq!("socialmediabuyer".parse::<Agent>(), Ok(Agent::SocialMediaBuyer));
        assert_eq!(Agent::Trader.to_string(), "Trader");
        assert!("Intern".parse::<Agent>().is_err());
        assert_eq!("webhook".parse::<Trigger>(), Ok(Trigger::Webhook));
        assert!("cron".parse::<Trigger>().is_err());
    }
}
