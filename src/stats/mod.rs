//! Statistics for A/B tests: pure functions on counts and sufficient statistics, no I/O. Each
//! is checked against statsmodels, scipy or gbstats (`testdata/ab_reference.py` writes the
//! reference values the tests read).
//!
//! - [`proportions`]: the pooled two-proportion z-test, the unpooled Wald interval of the
//!   difference and the relative lift with its delta-method interval (fixed horizon).
//! - [`sequential`]: always-valid p-values and confidence sequences (GrowthBook's sequential
//!   mode), safe to look at every day.
//! - [`rates`]: two Poisson rates (conversions per unit of spend: the cost per conversion).
//! - [`welch`]: Welch's t-test from each arm's mean, standard deviation and count.
//! - [`srm`]: the sample-ratio-mismatch check (chi-square goodness of fit).
//! - [`fdr`]: Benjamini-Hochberg across concurrently running tests.
//! - [`power`]: how many visitors, and days, a test needs.
//! - [`decision`]: when a winner may be called (minimum sample, split check, the mode's rule).
//!
//! Tail probabilities come from survival functions (`erfc`, the regularized incomplete beta and
//! gamma), never `1 - cdf`, so p-values far below 1e-12 keep their digits.

pub mod calculator;
pub mod decision;
pub mod fdr;
pub mod normal;
pub mod power;
pub mod proportions;
pub mod rates;
pub mod sequential;
pub mod srm;
pub mod welch;

#[cfg(test)]
mod reference;
#[cfg(test)]
mod simulation;

pub use proportions::{Arm, ProportionTest, Side, StatsError};
