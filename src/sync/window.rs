//! Which days a sync asks each platform for: everything since the last sync plus the last
//! [`SyncPolicy::restate_days`] again (platforms restate conversions for days after the fact), cut
//! into windows each platform accepts and small enough to answer in one go.

use crate::platform::Platform;
use chrono::{Duration, NaiveDate};

/// How far back a sync reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPolicy {
    /// Days a connection's first sync pulls, ending today.
    pub first_days: u32,
    /// Days every later sync pulls again, ending today.
    pub restate_days: u32,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        SyncPolicy {
            first_days: 90,
            restate_days: 7,
        }
    }
}

/// Days per request, so that one answer stays well inside what a connector returns at once
/// (the runner's page limit is 5,000 rows).
const ROWS_PER_REQUEST: usize = 4_000;

/// The longest window each platform answers for in one request, and how far back it reaches.
fn limits(platform: Platform) -> (u32, Option<u32>) {
    match platform {
        // Google's reports take any range; a quarter keeps answers small.
        Platform::Google => (90, None),
        Platform::Meta => (90, Some(37 * 31)),
        // Pinterest's analytics cover the last 90 days, at most 90 days per request.
        Platform::Pinterest => (90, Some(90)),
    }
}

/// The days to pull, `[from, to]`, and the days a platform no longer reports (so a first sync can
/// say what it could not fetch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days wanted but older than the platform keeps: `[from, to]` of the gap.
    pub out_of_reach: Option<(NaiveDate, NaiveDate)>,
}

/// The span of one sync of a connection last synced through `synced_through` (None: never).
pub fn span(
    platform: Platform,
    synced_through: Option<NaiveDate>,
    today: NaiveDate,
    policy: SyncPolicy,
) -> SyncSpan {
    let back = |days: u32| today - Duration::days(i64::from(days.max(1)) - 1);
    let restate_from = back(policy.restate_days);
    let wanted_from = match synced_through {
        // A gap since the last sync is pulled too, whatever its length.
        Some(through) => (through + Duration::days(1)).min(restate_from),
        None => back(policy.first_days),
    };
    let wanted_from = wanted_from.min(today);
    let (_, reach) = limits(platform);
    match reach.map(back) {
        Some(oldest) if wanted_from < oldest => SyncSpan {
            from: oldest,
            to: today,
            out_of_reach: Some((wanted_from, oldest - Duration::days(1))),
        },
        _ => SyncSpan {
            from: wanted_from,
            to: today,
            out_of_reach: None,
        },
    }
}

/// `[from, to]` cut into request windows for a platform, sized for `campaigns` campaigns, oldest
/// first.
pub fn windows(
    platform: Platform,
    from: NaiveDate,
    to: NaiveDate,
    campaigns: usize,
) -> Vec<(NaiveDate, NaiveDate)> {
    let (max_days, _) = limits(platform);
    let by_rows = u32::try_from(ROWS_PER_REQUEST / campaigns.max(1)).unwrap_or(u32::MAX);
    let days = i64::from(by_rows.clamp(1, max_days));
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = (start + Duration::days(days - 1)).min(to);
        out.push((start, end));
        start = end + Duration::days(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::time::parse_date(s).expect("date")
    }

    #[test]
    fn a_first_sync_pulls_the_policys_days_ending_today() {
        let s = span(Platform::Google, None, d("2026-11-25"), SyncPolicy::default());
        assert_eq!(
            (s.from, s.to, s.out_of_reach),
            (d("2026-08-28"), d("2026-11-25"), None)
        );
        assert_eq!((s.to - s.from).num_days() + 1, 90);
    }

    #[test]
    fn a_later_sync_pulls_the_gap_and_restates_the_last_seven_days() {
        let policy = SyncPolicy::default();
        // Synced yesterday: the last seven days again.
        let s = span(Platform::Meta, Some(d("2026-11-24")), d("2026-11-25"), policy);
        assert_eq!((s.from, s.to), (d("2026-11-19"), d("2026-11-25")));
        // Synced today already: still the last seven days.
        let s = span(Platform::Meta, Some(d("2026-11-25")), d("2026-11-25"), policy);
        assert_eq!(s.from, d("2026-11-19"));
        // A month without a sync: the whole gap.
        let s = span(Platform::Meta, Some(d("2026-10-20")), d("2026-11-25"), policy);
        assert_eq!(s.from, d("2026-10-21"));
    }

    #[test]
    fn pinterest_reaches_back_ninety_days_and_says_what_it_could_not_fetch() {
        let policy = SyncPolicy {
            first_days: 365,
            restate_days: 7,
        };
        let s = span(Platform::Pinterest, None, d("2026-11-25"), policy);
        assert_eq!(s.from, d("2026-08-28"));
        assert_eq!(s.out_of_reach, Some((d("2025-11-26"), d("2026-08-27"))));
        // Google keeps everything.
        let g = span(Platform::Google, None, d("2026-11-25"), policy);
        assert_eq!((g.from, g.out_of_reach), (d("2025-11-26"), None));
    }

    #[test]
    fn windows_cover_the_span_once_and_shrink_for_large_accounts() {
        let (from, to) = (d("2026-08-28"), d("2026-11-25"));
        assert_eq!(windows(Platform::Google, from, to, 10), vec![(from, to)]);
        // 200 campaigns: 20 days a request.
        let w = windows(Platform::Meta, from, to, 200);
        assert_eq!(w.len(), 5);
        assert_eq!(w[0], (d("2026-08-28"), d("2026-09-16")));
        assert_eq!(w[4].1, to);
        for pair in w.windows(2) {
            assert_eq!(pair[0].1 + Duration::days(1), pair[1].0);
        }
        // More campaigns than rows a request: a day at a time.
        assert_eq!(windows(Platform::Google, from, to, 10_000).len(), 90);
        // A one-day span.
        assert_eq!(windows(Platform::Pinterest, to, to, 3), vec![(to, to)]);
    }
}
