//! A/B tests: the stateless calculator today; experiments on platform objects build on it.

use super::ServiceError;
use crate::stats::calculator::{AbInput, AbResult};

pub trait ExperimentService: Send + Sync {
    /// Works out each two-arm test (checked by `stats::calculator::parse`), in order.
    fn calculate(&self, tests: &[AbInput]) -> Result<Vec<AbResult>, ServiceError>;
}
