//! When to try a platform call again: exponential backoff with full jitter, never sooner than the
//! platform asked (`Retry-After`, Google's `retryDelay`, Meta's time to regain access).

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// The ceiling of the first wait; it doubles with every retry.
    pub base: Duration,
    /// The longest computed wait.
    pub cap: Duration,
    /// A platform asking for a longer pause than this is not waited for: the caller gets the
    /// rate-limit error (with the platform's delay) at once instead of a request that hangs.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(20),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    After(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// The decision after attempt number `attempt` (1 for the first call) failed with a retryable
    /// error. `jitter` is a uniform draw from [0, 1): the wait is a random point below the
    /// exponential ceiling ("full jitter"), so clients that failed together do not retry together.
    pub fn after_failure(&self, attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Retry {
        if attempt >= self.max_attempts {
            return Retry::GiveUp;
        }
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        let jittered = ceiling.mul_f64(jitter.clamp(0.0, 1.0));
        match retry_after {
            Some(asked) if asked > self.max_wait => Retry::GiveUp,
            Some(asked) => Retry::After(asked.max(jittered)),
            None => Retry::After(jittered),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(100),
            cap: Duration::from_millis(300),
            max_wait: Duration::from_secs(10),
        }
    }

    #[test]
    fn the_ceiling_doubles_up_to_the_cap_and_jitter_picks_below_it() {
        let p = policy();
        assert_eq!(
            p.after_failure(1, None, 0.999_999),
            Retry::After(Duration::from_nanos(99_999_900))
        );
        assert_eq!(
            p.after_failure(2, None, 0.5),
            Retry::After(Duration::from_millis(100))
        );
        assert_eq!(
            p.after_failure(3, None, 0.5),
            Retry::After(Duration::from_millis(150))
        );
        assert_eq!(p.after_failure(1, None, 0.0), Retry::After(Duration::ZERO));
        assert_eq!(p.after_failure(4, None, 0.5), Retry::GiveUp);
    }

    #[test]
    fn the_platforms_delay_is_a_floor_and_a_long_one_is_not_waited_for() {
        let p = policy();
        assert_eq!(
            p.after_failure(1, Some(Duration::from_secs(2)), 0.9),
            Retry::After(Duration::from_secs(2))
        );
        assert_eq!(
            p.after_failure(1, Some(Duration::from_secs(11)), 0.9),
            Retry::GiveUp
        );
    }

    #[test]
    fn huge_attempt_numbers_do_not_overflow() {
        let p = RetryPolicy {
            max_attempts: u32::MAX,
            ..policy()
        };
        assert_eq!(
            p.after_failure(200, None, 1.0),
            Retry::After(Duration::from_millis(300))
        );
    }
}
