//! How long a test-mode tool call takes. Test accounts answer from memory in microseconds, so a
//! run would end before its page opens; with a latency each call takes about as long as the
//! platform's API would (tens to a few hundred milliseconds), and a run's progress can be watched.
//! This module is the model only (pure); the server's connector layer does the waiting.

use super::rng::Rng;
use crate::connectors::Access;
use crate::platform::Platform;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The most a fixed latency may be (a typo must not stall every run).
pub const MAX_FIXED_MS: u64 = 10_000;

/// The `SWITCHBOARD_TESTMODE_LATENCY` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Latency {
    /// Answers at once (the test suites).
    #[default]
    Off,
    /// Each call takes a seeded-random time in the platform's range.
    Realistic,
    /// Each call takes this long.
    Fixed(Duration),
}

/// A platform's range for one call, in milliseconds: (fastest, slowest) for reads and for writes.
/// Figures from the platforms' typical answer times: Google Ads' search streams are the slowest,
/// Pinterest's small reads the quickest; a write costs about twice a read.
fn range_ms(platform: Platform, access: Access) -> (f64, f64) {
    match (platform, access) {
        (Platform::Google, Access::Read) => (120.0, 600.0),
        (Platform::Google, Access::Write) => (250.0, 900.0),
        (Platform::Meta, Access::Read) => (80.0, 450.0),
        (Platform::Meta, Access::Write) => (180.0, 650.0),
        (Platform::Pinterest, Access::Read) => (60.0, 380.0),
        (Platform::Pinterest, Access::Write) => (150.0, 550.0),
    }
}

impl Latency {
    /// How long one call waits. `draw` names the call (its connection, tool and a counter), so
    /// the same call of the same sequence always takes the same time.
    pub fn delay(self, platform: Platform, access: Access, draw: &[&str]) -> Duration {
        match self {
            Latency::Off => Duration::ZERO,
            Latency::Fixed(d) => d,
            Latency::Realistic => {
                let (lo, hi) = range_ms(platform, access);
                let u = Rng::for_parts(0x5eed_1a7e, draw).unit();
                // Skewed toward the fast end, with a long tail (as answer times are): most calls
                // take under half the range, a few reach its top.
                let ms = lo * (hi / lo).powf(u * u);
                Duration::from_micros((ms * 1_000.0).round() as u64)
            }
        }
    }

    pub fn is_off(self) -> bool {
        self == Latency::Off || self == Latency::Fixed(Duration::ZERO)
    }
}

impl FromStr for Latency {
    type Err = String;
    /// `off` (or `0`, `none`), `realistic` (or `on`), or a number of milliseconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "off" | "none" | "0" => Ok(Latency::Off),
            "realistic" | "on" => Ok(Latency::Realistic),
            n => match n.trim_end_matches("ms").trim().parse::<u64>() {
                Ok(ms) if ms <= MAX_FIXED_MS => Ok(Latency::Fixed(Duration::from_millis(ms))),
                Ok(_) => Err(format!("'{s}' is more than {MAX_FIXED_MS} ms")),
                Err(_) => Err(format!("'{s}' is not off, realistic or a number of milliseconds")),
            },
        }
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Latency::Off => f.write_str("off"),
            Latency::Realistic => f.write_str("realistic"),
            Latency::Fixed(d) => write!(f, "{} ms", d.as_millis()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_reads_off_realistic_and_milliseconds() {
        assert_eq!("off".parse(), Ok(Latency::Off));
        assert_eq!(" Realistic ".parse(), Ok(Latency::Realistic));
        assert_eq!("on".parse(), Ok(Latency::Realistic));
        assert_eq!("250".parse(), Ok(Latency::Fixed(Duration::from_millis(250))));
        assert_eq!("40ms".parse(), Ok(Latency::Fixed(Duration::from_millis(40))));
        assert!("fast".parse::<Latency>().is_err());
        assert!("60000".parse::<Latency>().is_err());
        assert!(Latency::Fixed(Duration::ZERO).is_off());
        assert!(!Latency::Realistic.is_off());
    }

    #[test]
    fn realistic_calls_take_tens_to_hundreds_of_ms_the_same_for_the_same_call() {
        let l = Latency::Realistic;
        assert_eq!(
            l.delay(Platform::Meta, Access::Read, &["c1", "list", "1"]),
            l.delay(Platform::Meta, Access::Read, &["c1", "list", "1"])
        );
        for platform in Platform::ALL {
            for access in [Access::Read, Access::Write] {
                let (lo, hi) = range_ms(platform, access);
                let times: Vec<f64> = (0..500)
                    .map(|n| {
                        l.delay(platform, access, &["c", "t", &n.to_string()])
                            .as_secs_f64()
                            * 1_000.0
                    })
                    .collect();
                assert!(
                    times.iter().all(|t| *t >= lo - 0.01 && *t <= hi + 0.01),
                    "{platform}"
                );
                assert!(lo >= 50.0 && hi <= 1_000.0);
                let mean = times.iter().sum::<f64>() / times.len() as f64;
                // Most calls are quick; the mean sits in the lower half of the range.
                assert!(mean > lo * 1.2 && mean < (lo + hi) / 2.0, "{platform} {mean}");
                let distinct: std::collections::BTreeSet<u64> = times.iter().map(|t| *t as u64).collect();
                assert!(distinct.len() > 50, "the times vary");
            }
        }
        // Writes are slower than reads, Google slower than Pinterest.
        let mean = |p, a| {
            (0..300)
                .map(|n| l.delay(p, a, &[&n.to_string()]).as_secs_f64())
                .sum::<f64>()
        };
        assert!(mean(Platform::Google, Access::Write) > mean(Platform::Google, Access::Read));
        assert!(mean(Platform::Google, Access::Read) > mean(Platform::Pinterest, Access::Read));
        assert_eq!(
            Latency::Off.delay(Platform::Google, Access::Write, &[]),
            Duration::ZERO
        );
        assert_eq!(
            Latency::Fixed(Duration::from_millis(75)).delay(Platform::Meta, Access::Read, &["x"]),
            Duration::from_millis(75)
        );
    }
}
