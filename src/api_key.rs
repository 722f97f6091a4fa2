//! API keys for `/api/v1`: `sbk_` and 43 URL-safe base64 characters (256 random bits), shown once
//! when created and stored only as a SHA-256 hash. The prefix makes a leaked key recognisable to
//! secret scanners and to the person who finds it.

use crate::ids::ApiKeyId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

pub const KEY_PREFIX: &str = "sbk_";
/// Characters after the prefix.
pub const KEY_BODY_LEN: usize = 43;
/// How much of a key is kept in clear to tell keys apart in lists (`sbk_AbCd`).
pub const SHOWN_LEN: usize = KEY_PREFIX.len() + 4;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    /// The key's first characters (`sbk_AbCd`), to recognise it.
    pub shown: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl ApiKey {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A new key: its record, and the key itself (shown this once, stored only as a hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedKey {
    pub record: ApiKey,
    pub key: String,
}

/// Whether text has the shape of a key (before any lookup).
pub fn looks_like_key(text: &str) -> bool {
    text.strip_prefix(KEY_PREFIX).is_some_and(|body| {
        body.len() == KEY_BODY_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// A key's name, checked.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        Err("a key needs a name (what uses it)".to_owned())
    } else if name.chars().count() > 80 {
        Err("a key's name has at most 80 characters".to_owned())
    } else if crate::validation::has_control_characters(name) {
        Err(format!("a key's name {}", crate::validation::CONTROL_CHARACTERS))
    } else {
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shape() {
        let body = "A".repeat(KEY_BODY_LEN);
        assert!(looks_like_key(&format!("sbk_{body}")));
        assert!(!looks_like_key(&format!("sbk_{}", &body[1..])));
        assert!(!looks_like_key(&format!("sbx_{body}")));
        assert!(!looks_like_key(&format!("sbk_{}+", &body[1..])));
    }

    #[test]
    fn names() {
        assert_eq!(check_name("  Zapier "), Ok("Zapier".to_owned()));
        assert!(check_name(" ").is_err());
        assert!(check_name(&"x".repeat(81)).is_err());
    }
}
