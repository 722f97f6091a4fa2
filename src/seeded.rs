//! A small seeded generator (SplitMix64, Steele, Lea and Flood 2014) for what must come out the
//! same on every machine and every run: demo data, benchmarks' inputs, simulations in tests.
//! Not for secrets.

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    /// A generator for `parts` under `seed`: the same parts always draw the same numbers,
    /// whatever was drawn before (the test-mode accounts draw a campaign's day this way).
    pub fn for_parts(seed: u64, parts: &[&str]) -> Seeded {
        // FNV-1a over the parts (with separators), mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for part in parts {
            for b in part.bytes().chain(std::iter::once(0xff)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        let mut rng = Seeded(h);
        rng.next_u64(); // one round so nearby inputs diverge
        rng
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
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

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in [lo, hi] (integers).
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A standard normal draw (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.unit().max(1e-300), self.unit());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// Log-normal around `median` (`sigma` on the log scale).
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Binomial(n, p): exact by inversion while n·p is small (up to 200), the normal
    /// approximation (rounded, within 0..=n) beyond.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        let mean = n as f64 * p;
        if mean > 200.0 && n as f64 * (1.0 - p) > 200.0 {
            let x = mean + (mean * (1.0 - p)).sqrt() * self.normal();
            return x.round().clamp(0.0, n as f64) as u64;
        }
        if p > 0.5 {
            return n - self.binomial(n, 1.0 - p);
        }
        let u = self.unit();
        let q = 1.0 - p;
        let mut pmf = q.powf(n as f64);
        let mut cdf = pmf;
        let mut k = 0u64;
        while cdf < u && k < n {
            pmf *= (n - k) as f64 / (k + 1) as f64 * p / q;
            k += 1;
            cdf += pmf;
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same() {
        let (mut a, mut b) = (Seeded::new(42), Seeded::new(42));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn binomial_draws_have_the_right_mean_and_spread() {
        let mut r = Seeded::new(1);
        for (n, p) in [(1000u64, 0.03), (1000, 0.97), (50, 0.5), (100_000, 0.2)] {
            let k = 4000;
            let draws: Vec<f64> = (0..k).map(|_| r.binomial(n, p) as f64).collect();
            let mean = draws.iter().sum::<f64>() / k as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
            let (m, v) = (n as f64 * p, n as f64 * p * (1.0 - p));
            // Within 4 standard errors of the mean, and the variance within 10%.
            assert!(
                (mean - m).abs() < 4.0 * (v / k as f64).sqrt(),
                "{n} {p}: mean {mean} vs {m}"
            );
            assert!((var / v - 1.0).abs() < 0.1, "{n} {p}: variance {var} vs {v}");
            assert!(draws.iter().all(|d| *d >= 0.0 && *d <= n as f64));
        }
    }
}
