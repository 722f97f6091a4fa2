//! The experiments service: A/B statistics (the core's `stats`), and the experiments built on them.

use switchboard_core::service::{ExperimentService, ServiceError};
use switchboard_core::stats::calculator::{self, AbInput, AbResult};

/// The experiments service.
#[derive(Debug, Default, Clone)]
pub struct Experiments;

impl Experiments {
    pub fn new() -> Experiments {
        Experiments
    }
}

impl ExperimentService for Experiments {
    fn calculate(&self, tests: &[AbInput]) -> Result<Vec<AbResult>, ServiceError> {
        tests
            .iter()
            .enumerate()
            .map(|(i, t)| {
                // The parser checked every count; a refusal here names the test all the same.
                calculator::calculate(t)
                    .map_err(|e| ServiceError::field(&format!("tests[{i}].{}", e.field()), e.to_string()))
            })
            .collect()
    }
}
