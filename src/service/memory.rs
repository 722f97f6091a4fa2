//! Memory: the agents' learnings, their recall, and recommendations from them.

use super::ServiceError;
use crate::execution::ExecutionDetail;
use crate::ids::MemoryId;
use crate::memory::input::{MemoryFilter, MemoryPatch, NewMemory};
use crate::memory::{AgentLearned, Memory, MemoryPage, RecallQuery, Recalled, Recommendations, Recorded};
use async_trait::async_trait;

#[async_trait]
pub trait MemoryService: Send + Sync {
    /// Records a learning, merging it into the one it repeats (same scope, agent, context and
    /// action; a note or insight only with a near-identical text).
    async fn record(&self, input: NewMemory) -> Result<Recorded, ServiceError>;
    /// Seeding a history only (the demo; no page or REST route reaches it): records a learning as
    /// `record` does, with the sighting the caller worked out (its values, and `at`: when the change
    /// happened, which the learning's created and updated times follow).
    async fn record_history(
        &self,
        input: NewMemory,
        sighting: crate::memory::Observation,
    ) -> Result<Recorded, ServiceError>;
    async fn list(&self, filter: &MemoryFilter) -> Result<MemoryPage, ServiceError>;
    async fn get(&self, id: &MemoryId) -> Result<Memory, ServiceError>;
    /// Changes a learning's summary, tags, pin, or forgets it (soft) and undoes that.
    async fn update(&self, id: &MemoryId, patch: &MemoryPatch, who: &str) -> Result<Memory, ServiceError>;
    /// Forgets a learning (soft: `update` with `forgotten: false` brings it back).
    async fn forget(&self, id: &MemoryId, who: &str) -> Result<Memory, ServiceError>;
    /// The learnings that fit a question, best first, with their score parts.
    async fn recall(&self, query: &RecallQuery) -> Result<Vec<Recalled>, ServiceError>;
    async fn recommend(&self, query: &RecallQuery) -> Result<Recommendations, ServiceError>;
    /// What each agent (and the people) learned.
    async fn by_agent(&self) -> Result<Vec<AgentLearned>, ServiceError>;
    /// A finished run's learnings: an outcome for every change it made, an insight for each of the
    /// Analyst's findings. Once only: a resumed run's second call adds nothing. Answers how many
    /// sightings were new.
    async fn capture_run(&self, run: &ExecutionDetail) -> Result<usize, ServiceError>;
    /// Measures the pending outcomes whose days have passed; answers how many were settled.
    async fn evaluate_due(&self) -> Result<usize, ServiceError>;
}
