//! One-time values carried across a form post's redirect, for the pages that work without
//! JavaScript: a plain `<form>` post answers with a redirect back to the page, so what the post made
//! (a new webhook secret, a new API key, a connection check's answer) or what was typed into a form
//! that answered an error has to wait on the server until the page is loaded again. A flash is kept
//! in memory under a random id (the browser holds the id in a short-lived cookie), for one page's
//! scope, read once and gone, and dropped when not read in time.
//!
//! This module holds the store's rules (expiry, one read, the page it is for, a size bound) and the
//! cookie's text; the server keeps one [`FlashBox`] behind a lock and makes the random ids.

use std::collections::HashMap;

/// The cookie that names the browser's latest flash.
pub const FLASH_COOKIE: &str = "sb_flash";

/// How long a flash waits for its page, in seconds (the cookie lives as long).
pub const FLASH_TTL_SECS: u32 = 120;

/// At most this many flashes wait at once; past it the one closest to expiring goes.
pub const FLASH_CAPACITY: usize = 1_000;

/// The flashes waiting to be read.
#[derive(Debug)]
pub struct FlashBox {
    entries: HashMap<String, Entry>,
    ttl_ms: i64,
    capacity: usize,
}

#[derive(Debug)]
struct Entry {
    scope: String,
    payload: String,
    expires_at_ms: i64,
}

impl Default for FlashBox {
    fn default() -> Self {
        FlashBox::new(i64::from(FLASH_TTL_SECS) * 1_000, FLASH_CAPACITY)
    }
}

impl FlashBox {
    /// A store whose flashes live `ttl_ms` milliseconds, `capacity` at most (at least one).
    pub fn new(ttl_ms: i64, capacity: usize) -> Self {
        FlashBox {
            entries: HashMap::new(),
            ttl_ms,
            capacity: capacity.max(1),
        }
    }

    /// Keeps `payload` for the page `scope` under `id` (a fresh random id) from `now_ms`.
    pub fn put(&mut self, id: String, scope: &str, payload: String, now_ms: i64) {
        self.entries.retain(|_, e| e.expires_at_ms > now_ms);
        while self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.expires_at_ms)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    self.entries.remove(&k);
                }
                None => break,
            }
        }
        self.entries.insert(
            id,
            Entry {
                scope: scope.to_owned(),
                payload,
                expires_at_ms: now_ms.saturating_add(self.ttl_ms),
            },
        );
    }

    /// The payload under `id` if it is for `scope` and still fresh at `now_ms`, removed: a second
    /// read finds nothing. A flash for another page stays for that page.
    pub fn take(&mut self, id: &str, scope: &str, now_ms: i64) -> Option<String> {
        let entry = self.entries.get(id)?;
        if entry.expires_at_ms <= now_ms {
            self.entries.remove(id);
            return None;
        }
        if entry.scope != scope {
            return None;
        }
        self.entries.remove(id).map(|e| e.payload)
    }

    /// How many flashes wait.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Whether `id` looks like an id the server makes (URL-safe base64, 16 to 64 characters): anything
/// else in the cookie is ignored without a look-up.
pub fn is_flash_id(id: &str) -> bool {
    (16..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The flash id in a `Cookie` header's value, if one is there and well formed.
pub fn flash_id_in_cookies(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == FLASH_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| is_flash_id(v))
}

/// The `Set-Cookie` value that hands the browser the id of its new flash (`secure`: the site is
/// served over https, and the cookie is only ever sent back over it).
pub fn flash_cookie(id: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{FLASH_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={FLASH_TTL_SECS}{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn a_flash_is_read_once() {
        let mut store = FlashBox::new(1_000, 10);
        store.put(ID.to_owned(), "integrations", "secret".to_owned(), 0);
        assert_eq!(store.take(ID, "integrations", 10), Some("secret".to_owned()));
        assert_eq!(store.take(ID, "integrations", 20), None);
        assert!(store.is_empty());
    }

    #[test]
    fn a_flash_expires() {
        let mut store = FlashBox::new(1_000, 10);
        store.put(ID.to_owned(), "integrations", "secret".to_owned(), 0);
        assert_eq!(store.take(ID, "integrations", 1_000), None);
        assert!(store.is_empty(), "an expired flash is dropped when looked up");
        store.put(ID.to_owned(), "integrations", "again".to_owned(), 5_000);
        assert_eq!(store.take(ID, "integrations", 5_999), Some("again".to_owned()));
    }

    #[test]
    fn a_flash_waits_for_its_own_page() {
        let mut store = FlashBox::new(1_000, 10);
        store.put(ID.to_owned(), "connections", "checked".to_owned(), 0);
        assert_eq!(store.take(ID, "integrations", 1), None);
        assert_eq!(store.len(), 1, "another page does not use up the flash");
        assert_eq!(store.take(ID, "connections", 2), Some("checked".to_owned()));
    }

    #[test]
    fn expired_flashes_go_and_the_store_stays_bounded() {
        let mut store = FlashBox::new(100, 3);
        store.put("a".repeat(22), "p", "1".to_owned(), 0);
        store.put("b".repeat(22), "p", "2".to_owned(), 50);
        // The first has expired by now and is dropped before the third is kept.
        store.put("c".repeat(22), "p", "3".to_owned(), 120);
        assert_eq!(store.len(), 2);
        store.put("d".repeat(22), "p", "4".to_owned(), 121);
        assert_eq!(store.len(), 3);
        // Full: the one closest to expiring ("b", kept at 50) makes room.
        store.put("e".repeat(22), "p", "5".to_owned(), 122);
        assert_eq!(store.len(), 3);
        assert_eq!(store.take(&"b".repeat(22), "p", 123), None);
        assert_eq!(store.take(&"e".repeat(22), "p", 123), Some("5".to_owned()));
    }

    #[test]
    fn the_cookie_is_found_among_others_and_checked() {
        let header = format!("sb_session=abc; {FLASH_COOKIE}={ID}; other=1");
        assert_eq!(flash_id_in_cookies(&header), Some(ID));
        assert_eq!(flash_id_in_cookies("sb_session=abc"), None);
        assert_eq!(flash_id_in_cookies(&format!("{FLASH_COOKIE}=short")), None);
        assert_eq!(
            flash_id_in_cookies(&format!("{FLASH_COOKIE}=../../etc/passwd%00aaaaaa")),
            None
        );
        assert_eq!(flash_id_in_cookies(&format!("{FLASH_COOKIE}=")), None);
    }

    #[test]
    fn the_set_cookie_value_is_short_lived_and_http_only() {
        assert_eq!(
            flash_cookie(ID, false),
            format!("sb_flash={ID}; Path=/; HttpOnly; SameSite=Lax; Max-Age=120")
        );
        assert_eq!(
            flash_cookie(ID, true),
            format!("sb_flash={ID}; Path=/; HttpOnly; SameSite=Lax; Max-Age=120; Secure")
        );
    }
}
