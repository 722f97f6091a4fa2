//! The stateless A/B calculator's work: each two-arm test of a call, on every core for a large one.

use switchboard_core::service::ServiceError;
use switchboard_core::stats::calculator::{self, AbInput, AbResult};

/// Calls of at least this many tests are shared out over the cores.
const PARALLEL_FROM: usize = 2_000;

/// Works out each two-arm test, in order; a large call on every core (each test stands alone).
pub fn calculate_all(tests: &[AbInput]) -> Result<Vec<AbResult>, ServiceError> {
    // The parser checked every count; a refusal here names the test all the same.
    let one = |i: usize, t: &AbInput| {
        calculator::calculate(t)
            .map_err(|e| ServiceError::field(&format!("tests[{i}].{}", e.field()), e.to_string()))
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    if tests.len() < PARALLEL_FROM || cores < 2 {
        return tests.iter().enumerate().map(|(i, t)| one(i, t)).collect();
    }
    let size = tests.len().div_ceil(cores);
    std::thread::scope(|s| {
        let parts: Vec<_> = tests
            .chunks(size)
            .enumerate()
            .map(|(c, part)| {
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(j, t)| one(c * size + j, t))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(tests.len());
        for part in parts {
            let done = part.join().map_err(|_| {
                tracing::error!("a thread of the A/B calculator panicked");
                ServiceError::Internal
            })?;
            out.extend(done?);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::stats::calculator::TestMode;
    use switchboard_core::stats::proportions::Arm;

    #[test]
    fn a_large_call_shared_out_over_the_cores_answers_in_order() {
        let tests: Vec<AbInput> = (0..5_000u64)
            .map(|i| AbInput {
                a: Arm {
                    conversions: 30 + i % 17,
                    visitors: 1_000 + i,
                },
                b: Arm {
                    conversions: 36 + i % 23,
                    visitors: 1_000 + 2 * i,
                },
                mode: if i % 2 == 0 {
                    TestMode::Fixed
                } else {
                    TestMode::Sequential
                },
                alpha: 0.05,
                tuning: switchboard_core::stats::sequential::DEFAULT_TUNING,
            })
            .collect();
        let one_by_one: Vec<AbResult> = tests
            .iter()
            .map(|t| calculator::calculate(t).expect("valid"))
            .collect();
        assert_eq!(calculate_all(&tests).expect("valid"), one_by_one);
    }
}
