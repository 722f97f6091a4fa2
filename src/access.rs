//! Access control's pure parts: what a password must be, and a token-bucket rate limiter.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A password the owner may choose: 12 to 256 characters, not only one repeated character.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(format!("a password has at most {MAX_PASSWORD_CHARS} characters"));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("a password of one repeated character is too easy to guess".to_owned());
    }
    Ok(())
}

/// Token buckets per key: `burst` requests at once, refilled at `per_second`. A refused request
/// learns how long until the next token.
#[derive(Debug)]
pub struct RateLimiter<K> {
    burst: f64,
    per_second: f64,
    buckets: HashMap<K, (f64, Instant)>,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute.max(1)) / 60.0,
            buckets: HashMap::new(),
        }
    }

    /// Takes a token for `key` at `now`, or answers the wait until one is free.
    pub fn check(&mut self, key: &K, now: Instant) -> Result<(), Duration> {
        let (burst, rate) = (self.burst, self.per_second);
        let (tokens, at) = self.buckets.entry(key.clone()).or_insert((burst, now));
        let elapsed = now.saturating_duration_since(*at).as_secs_f64();
        *tokens = (*tokens + elapsed * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
        }
    }

    /// Forgets buckets that have refilled (bounded memory under many clients).
    pub fn prune(&mut self, now: Instant) {
        let (burst, rate) = (self.burst, self.per_second);
        self.buckets.retain(|_, (tokens, at)| {
            *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < burst
        });
    }

    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password("short").is_err());
        assert!(check_password(&"a".repeat(20)).is_err());
        assert!(check_password(&"ab".repeat(200)).is_err());
    }

    #[test]
    fn a_bucket_allows_its_burst_then_one_per_interval() {
        let t0 = Instant::now();
        let mut rl = RateLimiter::new(3, 60);
        for _ in 0..3 {
            assert_eq!(rl.check(&"ip", t0), Ok(()));
        }
        let wait = rl.check(&"ip", t0).expect_err("empty");
        assert!((wait.as_secs_f64() - 1.0).abs() < 1e-9, "{wait:?}");
        // Other keys have their own bucket.
        assert_eq!(rl.check(&"other", t0), Ok(()));
        // Half a second later: still half a token short.
        let wait = rl
            .check(&"ip", t0 + Duration::from_millis(500))
            .expect_err("half");
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-9, "{wait:?}");
        assert_eq!(rl.check(&"ip", t0 + Duration::from_millis(1000)), Ok(()));
        // Long idle: back to the burst, not more.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(rl.check(&"ip", later), Ok(()));
        }
        assert!(rl.check(&"ip", later).is_err());
    }

    #[test]
    fn pruning_forgets_full_buckets_only() {
        let t0 = Instant::now();
        let mut rl = RateLimiter::new(2, 60);
        rl.check(&1, t0).expect("token");
        rl.check(&2, t0).expect("token");
        rl.check(&2, t0).expect("token");
        rl.prune(t0 + Duration::from_millis(1500));
        // Key 1 refilled to 2 (pruned); key 2 has 1.5 of 2 (kept).
        assert_eq!(rl.len(), 1);
    }
}
