//! The standard normal's tails and quantiles, accurate far into the tails.

use statrs::function::erf::{erfc, erfc_inv};

/// P(|Z| >= |z|) for a standard normal Z: `erfc(|z| / sqrt 2)`, exact to the last digits also
/// when it is 1e-300.
pub fn two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// P(Z >= z).
pub fn sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The `z` with P(Z >= z) = `p` (the upper quantile), for 0 < p < 1.
pub fn isf(p: f64) -> f64 {
    std::f64::consts::SQRT_2 * erfc_inv(2.0 * p)
}

/// The two-sided critical value for `alpha` (1.959964 for 0.05).
pub fn critical(alpha: f64) -> f64 {
    isf(alpha / 2.0)
}
