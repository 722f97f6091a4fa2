//! When a failed notification is tried again: exponential backoff with full jitter, or the wait the
//! service asked for (Discord's and Slack's 429 `retry_after`), whichever is longer; and which
//! answers are worth another try.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The wait before the second attempt (before jitter).
    pub base: Duration,
    /// The longest wait between attempts.
    pub cap: Duration,
    /// Attempts in all, the first included; then the delivery is given up ("dead").
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(5),
            cap: Duration::from_secs(30 * 60),
            max_attempts: 8,
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    Delivered,
    /// Try again after this long.
    RetryAfter(Duration),
    /// Stop: the answer will not change (a bad payload, a deleted webhook) or attempts ran out.
    GiveUp,
}

/// Whether an HTTP status is worth another try: timeouts, rate limits and server errors are.
pub fn retryable(status: u16) -> bool {
    matches!(status, 408 | 425 | 429) || status >= 500
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` after `attempt` (1-based) failed. `jitter` in [0, 1)
    /// picks a point in the window ("full jitter"), so many failed deliveries do not retry at once;
    /// a service's own `Retry-After` is a floor.
    pub fn backoff(&self, attempt: u32, jitter: f64, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(20)))
            .min(self.cap);
        let jittered = exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        match retry_after {
            Some(asked) => jittered.max(asked.min(self.cap)),
            None => jittered,
        }
    }

    /// What follows attempt `attempt` (1-based) that got `status` (`None`: no answer at all).
    pub fn next(
        &self,
        attempt: u32,
        status: Option<u16>,
        jitter: f64,
        retry_after: Option<Duration>,
    ) -> Next {
        match status {
            Some(s) if (200..300).contains(&s) => Next::Delivered,
            Some(s) if !retryable(s) => Next::GiveUp,
            _ if attempt >= self.max_attempts => Next::GiveUp,
            _ => Next::RetryAfter(self.backoff(attempt, jitter, retry_after)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn waits_double_up_to_the_cap_with_jitter_inside_the_window() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 1.0, None), S(5));
        assert_eq!(p.backoff(1, 0.0, None), Duration::from_millis(2500));
        assert_eq!(p.backoff(2, 1.0, None), S(10));
        assert_eq!(p.backoff(4, 1.0, None), S(40));
        assert_eq!(p.backoff(30, 1.0, None), S(1800));
        assert_eq!(p.backoff(30, 0.0, None), S(900));
    }

    #[test]
    fn a_services_retry_after_is_a_floor_within_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0, Some(S(12))), S(12));
        assert_eq!(p.backoff(5, 1.0, Some(S(1))), S(80));
        assert_eq!(p.backoff(1, 1.0, Some(S(86_400))), S(1800));
    }

    #[test]
    fn what_follows_each_answer() {
        let p = RetryPolicy::default();
        assert_eq!(p.next(1, Some(204), 0.5, None), Next::Delivered);
        assert_eq!(p.next(1, Some(400), 0.5, None), Next::GiveUp);
        assert_eq!(p.next(1, Some(404), 0.5, None), Next::GiveUp);
        assert!(matches!(p.next(1, Some(429), 0.5, None), Next::RetryAfter(_)));
        assert!(matches!(p.next(1, Some(503), 0.5, None), Next::RetryAfter(_)));
        assert!(matches!(p.next(1, None, 0.5, None), Next::RetryAfter(_)));
        assert_eq!(p.next(8, Some(500), 0.5, None), Next::GiveUp);
    }
}
