//! Deterministic randomness: every number the test accounts produce is drawn from a generator
//! seeded by the account's seed and the name of what is being drawn (a campaign id, a date), so
//! the same seed always gives the same account and the same metrics, whatever was asked before.

/// SplitMix64 (Steele, Lea and Flood, 2014): small, fast and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `parts` under `seed`.
    pub fn for_parts(seed: u64, parts: &[&str]) -> Self {
        // FNV-1a over the parts (with separators), mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for part in parts {
            for b in part.bytes().chain(std::iter::once(0xff)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        let mut rng = Rng(h);
        rng.next_u64(); // one round so nearby inputs diverge
        rng
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in [lo, hi] (integers).
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

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
