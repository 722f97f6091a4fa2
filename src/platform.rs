//! The ad platforms Switchboard works with.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Platform {
    Google,
    Meta,
    Pinterest,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Google, Platform::Meta, Platform::Pinterest];

    /// The stable name used in the database, URLs and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Google => "google",
            Platform::Meta => "meta",
            Platform::Pinterest => "pinterest",
        }
    }

    /// The name people know the product by.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Google => "Google Ads",
            Platform::Meta => "Meta Ads",
            Platform::Pinterest => "Pinterest Ads",
        }
    }

    /// Social platforms are the SocialMediaBuyer's; search and shopping are the Trader's.
    pub fn is_social(self) -> bool {
        matches!(self, Platform::Meta | Platform::Pinterest)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = ParseError;

    /// Accepts the stable names in any case, and the `_ads` forms (`google_ads`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ParseError::Empty { what: "platform" });
        }
        let lower = t.to_ascii_lowercase();
        let name = lower.strip_suffix("_ads").unwrap_or(&lower);
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| ParseError::invalid("platform", s, "expected google, meta or pinterest"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_names() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>(), Ok(p));
            assert_eq!(serde_json::to_string(&p).ok(), Some(format!("\"{p}\"")));
        }
        assert_eq!("Google_Ads".parse::<Platform>(), Ok(Platform::Google));
        assert_eq!(" META ".parse::<Platform>(), Ok(Platform::Meta));
    }

    #[test]
    fn refuses_unknown_platforms() {
        assert!("tiktok".parse::<Platform>().is_err());
        assert_eq!(
            "".parse::<Platform>(),
            Err(ParseError::Empty { what: "platform" })
        );
        assert!(serde_json::from_str::<Platform>("\"bing\"").is_err());
    }

    #[test]
    fn social_platforms() {
        assert!(!Platform::Google.is_social());
        assert!(Platform::Meta.is_social() && Platform::Pinterest.is_social());
    }
}
