//! How a test account's rates move from day to day: a weekday profile per platform (search clicks
//! and converts best on working days; social feeds get more clicks and cheaper ones at the
//! weekend), a slow drift from week to week, and each day's own noise. Every draw is seeded by
//! the account, the campaign and the date, so the same day always gives the same numbers.

use super::rng::Rng;
use crate::platform::Platform;
use chrono::{Datelike, NaiveDate, Weekday};

/// Multipliers of a campaign's own rates for one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayFactors {
    pub ctr: f64,
    pub cpc: f64,
    pub cvr: f64,
}

/// The weekday profile: (CTR, CPC, CVR) multipliers, Monday first.
fn profile(platform: Platform) -> [(f64, f64, f64); 7] {
    match platform {
        // Search: people look things up at work; weekends click and convert less, and cost less.
        Platform::Google => [
            (1.03, 1.02, 1.04),
            (1.05, 1.03, 1.06),
            (1.04, 1.03, 1.05),
            (1.02, 1.01, 1.02),
            (0.97, 0.99, 0.96),
            (0.90, 0.94, 0.88),
            (0.92, 0.95, 0.93),
        ],
        // Social feeds: more scrolling at the weekend, less competition for it; Sunday shops.
        Platform::Meta => [
            (0.96, 1.03, 0.97),
            (0.97, 1.03, 0.98),
            (0.98, 1.02, 0.99),
            (0.99, 1.01, 1.00),
            (1.01, 0.99, 1.00),
            (1.08, 0.94, 1.03),
            (1.10, 0.93, 1.07),
        ],
        // Pinterest: planning happens in the evening and at the weekend.
        Platform::Pinterest => [
            (0.95, 1.02, 0.97),
            (0.96, 1.02, 0.97),
            (0.98, 1.01, 0.99),
            (0.99, 1.00, 1.00),
            (1.02, 0.99, 1.01),
            (1.09, 0.95, 1.04),
            (1.12, 0.94, 1.06),
        ],
    }
}

/// The multipliers for `campaign` on `day`: its weekday's profile, the week's drift (±6%) and
/// the day's own noise (±12%).
pub fn day_factors(platform: Platform, seed: u64, campaign: &str, day: NaiveDate) -> DayFactors {
    let (ctr, cpc, cvr) = profile(platform)[day.weekday().num_days_from_monday() as usize];
    let week = day.iso_week();
    let week = format!("{}-{}", week.year(), week.week());
    let mut w = Rng::for_parts(seed, &["week", campaign, &week]);
    let date = crate::time::date_text(day);
    let mut d = Rng::for_parts(seed, &["day-rates", campaign, &date]);
    let mut factor = |base: f64| base * w.between(0.94, 1.06) * d.between(0.88, 1.12);
    DayFactors {
        ctr: factor(ctr),
        cpc: factor(cpc),
        cvr: factor(cvr),
    }
}

/// Whether `day` is a Saturday or Sunday.
pub fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        crate::time::parse_date(text).expect("date")
    }

    #[test]
    fn the_same_day_gives_the_same_factors_and_days_differ() {
        let a = day_factors(Platform::Meta, 3, "c1", day("2026-03-04"));
        assert_eq!(a, day_factors(Platform::Meta, 3, "c1", day("2026-03-04")));
        assert_ne!(a, day_factors(Platform::Meta, 3, "c1", day("2026-03-05")));
        assert_ne!(a, day_factors(Platform::Meta, 3, "c2", day("2026-03-04")));
        assert_ne!(a, day_factors(Platform::Meta, 4, "c1", day("2026-03-04")));
    }

    #[test]
    fn weekends_lift_social_clicks_and_lower_search_clicks() {
        let mean_ctr = |platform, weekend: bool| {
            let mut sum = 0.0;
            let mut n = 0.0;
            for c in 0..40 {
                for k in 0..56 {
                    let d = day("2026-01-05") + chrono::Days::new(k);
                    if is_weekend(d) == weekend {
                        sum += day_factors(platform, 9, &format!("c{c}"), d).ctr;
                        n += 1.0;
                    }
                }
            }
            sum / n
        };
        let lift = |p| mean_ctr(p, true) / mean_ctr(p, false);
        assert!(lift(Platform::Meta) > 1.05, "{}", lift(Platform::Meta));
        assert!(lift(Platform::Pinterest) > 1.05);
        assert!(lift(Platform::Google) < 0.95, "{}", lift(Platform::Google));
    }

    #[test]
    fn factors_stay_near_one() {
        for k in 0..400 {
            let d = day("2026-01-01") + chrono::Days::new(k);
            for p in Platform::ALL {
                let f = day_factors(p, k, "c", d);
                for x in [f.ctr, f.cpc, f.cvr] {
                    assert!((0.7..1.4).contains(&x), "{x}");
                }
            }
        }
    }
}
