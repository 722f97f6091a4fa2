//! The flash store (`switchboard_core::flash`) in memory behind a lock, with random ids.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use std::sync::Mutex;
use std::time::Instant;
use switchboard_core::flash::{FlashBox, flash_cookie};
use switchboard_core::service::{FlashService, ServiceError};

pub struct Flashes {
    store: Mutex<FlashBox>,
    random: SystemRandom,
    started: Instant,
    /// The cookie is `Secure` (the site is served over https).
    secure_cookie: bool,
}

impl Flashes {
    pub fn new(secure_cookie: bool) -> Self {
        Flashes {
            store: Mutex::new(FlashBox::default()),
            random: SystemRandom::new(),
            started: Instant::now(),
            secure_cookie,
        }
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    fn store(&self) -> std::sync::MutexGuard<'_, FlashBox> {
        // A panic while holding the lock leaves a map that is still whole.
        match self.store.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl FlashService for Flashes {
    fn put(&self, scope: &str, payload: String) -> Result<String, ServiceError> {
        let mut bytes = [0u8; 18];
        self.random.fill(&mut bytes).map_err(|_| {
            ServiceError::internal(
                "a flash id could not be made",
                &"the system's random source failed",
            )
        })?;
        let id = URL_SAFE_NO_PAD.encode(bytes);
        let now = self.now_ms();
        let cookie = flash_cookie(&id, self.secure_cookie);
        self.store().put(id, scope, payload, now);
        Ok(cookie)
    }

    fn take(&self, id: &str, scope: &str) -> Option<String> {
        let now = self.now_ms();
        self.store().take(id, scope, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::flash::{flash_id_in_cookies, is_flash_id};

    /// The id a `Set-Cookie` value carries.
    fn id_in(cookie: &str) -> String {
        flash_id_in_cookies(cookie.split(';').next().unwrap_or_default())
            .expect("a well-formed flash id")
            .to_owned()
    }

    #[test]
    fn ids_are_random_cookie_safe_and_read_once() {
        let flashes = Flashes::new(false);
        let cookie = flashes.put("integrations", "one".to_owned()).expect("put");
        assert!(!cookie.contains("Secure"), "{cookie}");
        let a = id_in(&cookie);
        let b = id_in(&flashes.put("integrations", "two".to_owned()).expect("put"));
        assert_ne!(a, b);
        assert!(is_flash_id(&a), "{a}");
        assert_eq!(a.len(), 24);
        assert_eq!(flashes.take(&b, "integrations"), Some("two".to_owned()));
        assert_eq!(flashes.take(&b, "integrations"), None);
        assert_eq!(flashes.take(&a, "connections"), None);
        assert_eq!(flashes.take(&a, "integrations"), Some("one".to_owned()));
    }

    #[test]
    fn the_cookie_is_secure_on_an_https_site() {
        let flashes = Flashes::new(true);
        let cookie = flashes.put("connections", "checked".to_owned()).expect("put");
        assert!(cookie.ends_with("; Secure"), "{cookie}");
        assert_eq!(
            flashes.take(&id_in(&cookie), "connections"),
            Some("checked".to_owned())
        );
    }
}
