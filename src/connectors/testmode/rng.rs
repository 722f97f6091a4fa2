//! Deterministic randomness: every number the test accounts produce is drawn from a generator
//! seeded by the account's seed and the name of what is being drawn (a campaign id, a date), so
//! the same seed always gives the same account and the same metrics, whatever was asked before.

/// The core's seeded generator, built for what is drawn ([`Rng::for_parts`]).
pub use crate::seeded::Seeded as Rng;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_parts_same_numbers_and_different_parts_differ() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::for_parts(7, &["c1", "2026-06-01"]).next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::for_parts(7, &["c1", "2026-06-01"]).next_u64(),
            Rng::for_parts(7, &["c1", "2026-06-02"]).next_u64()
        );
        assert_ne!(
            Rng::for_parts(7, &["ab", "c"]).next_u64(),
            Rng::for_parts(7, &["a", "bc"]).next_u64()
        );
        let mut r = Rng::for_parts(1, &[]);
        for _ in 0..1000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!((3..=5).contains(&r.int(3, 5)));
        }
    }
}
