//! Benjamini-Hochberg: p-values of several tests run at once, adjusted so that the expected
//! share of false winners among the declared ones stays under alpha (statsmodels'
//! `multipletests(method="fdr_bh")`).

/// The adjusted p-values, in the order given: for the i-th smallest of m, the smallest
/// `m / j * p(j)` over j >= i, at most 1.
pub fn adjust(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|x, y| p_values[*x].total_cmp(&p_values[*y]));
    let mut adjusted = vec![1.0; m];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let value = p_values[i] * m as f64 / (rank + 1) as f64;
        running = running.min(value).min(1.0);
        adjusted[i] = running;
    }
    adjusted
}

/// Which tests are declared at `alpha` after the adjustment.
pub fn reject(p_values: &[f64], alpha: f64) -> Vec<bool> {
    adjust(p_values).into_iter().map(|p| p <= alpha).collect()
}
