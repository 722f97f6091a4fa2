//! Memory's use cases over the memory store: the write path that merges repeats, the list, edits
//! and forgetting, recall (candidates from the store, scored by the core's `memory::recall`),
//! recommendations, and (in `memory/`) the capture of a finished run's learnings and the outcome
//! evaluator.

mod capture;
mod evaluator;

use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::execution::ExecutionDetail;
use switchboard_core::ids::MemoryId;
use switchboard_core::memory::input::{MemoryFilter, MemoryPatch, NewMemory};
use switchboard_core::memory::merge::{absorb, merge_key, repeated, standing, with_sighting};
use switchboard_core::memory::recall::{RecallSettings, rank, same_context};
use switchboard_core::memory::recommend::Recommendation;
use switchboard_core::memory::{
    AgentLearned, Memory, MemoryKind, MemoryPage, NOTHING_YET, Observation, OutcomeStatus, RecallQuery,
    Recalled, Recommendations, Recorded,
};
use switchboard_core::ports::{CampaignRepo, ConnectionRepo, MemoryRepo, ProjectRepo};
use switchboard_core::service::{MemoryService, ServiceError};
use switchboard_core::time::Timestamp;
use tokio::sync::Mutex;

/// Settings of the memory (`SWITCHBOARD_MEMORY_HALF_LIFE_DAYS`, `SWITCHBOARD_MEMORY_OUTCOME_DAYS`).
#[derive(Debug, Clone, Copy)]
pub struct MemorySettings {
    pub recall: RecallSettings,
    /// Days observed after a change before its outcome is measured.
    pub outcome_days: u32,
}

impl Default for MemorySettings {
    fn default() -> Self {
        MemorySettings {
            recall: RecallSettings::default(),
            outcome_days: 7,
        }
    }
}

impl MemorySettings {
    pub fn from_env() -> Self {
        let mut s = MemorySettings::default();
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        if let Some(d) = var("SWITCHBOARD_MEMORY_HALF_LIFE_DAYS").filter(|d| (1..=3650).contains(d)) {
            s.recall.half_life_days = f64::from(d);
        }
        if let Some(d) = var("SWITCHBOARD_MEMORY_OUTCOME_DAYS").filter(|d| (1..=90).contains(d)) {
            s.outcome_days = d;
        }
        s
    }
}

/// Sightings kept per learning (the count of all of them is its evidence).
const KEEP: u32 = 100;
/// Candidates read from the store per kind of match for one recall: five times the answers asked
/// for, at least 50 and at most 400.
fn candidates_for(q: &RecallQuery) -> u32 {
    u32::try_from(q.limit.saturating_mul(5))
        .unwrap_or(400)
        .clamp(50, 400)
}

pub struct Memories {
    pub memories: Arc<dyn MemoryRepo>,
    pub projects: Arc<dyn ProjectRepo>,
    pub campaigns: Arc<dyn CampaignRepo>,
    pub connections: Arc<dyn ConnectionRepo>,
    pub settings: MemorySettings,
    /// One write at a time, so two repeats arriving together still merge.
    pub writing: Mutex<()>,
}

impl Memories {
    pub fn new(
        memories: Arc<dyn MemoryRepo>,
        projects: Arc<dyn ProjectRepo>,
        campaigns: Arc<dyn CampaignRepo>,
        connections: Arc<dyn ConnectionRepo>,
        settings: MemorySettings,
    ) -> Self {
        Memories {
            memories,
            projects,
            campaigns,
            connections,
            settings,
            writing: Mutex::new(()),
        }
    }

    fn now() -> Timestamp {
        Timestamp::from_datetime(chrono::Utc::now())
    }

    /// The write path: merges `input` (with its sighting) into the learning it repeats, or stores a
    /// new one. A sighting whose key was recorded changes nothing.
    pub(crate) async fn write(
        &self,
        input: NewMemory,
        sighting: Observation,
    ) -> Result<Recorded, ServiceError> {
        self.write_at(input, sighting, Self::now()).await
    }

    /// The write path as of `now`: a new learning is created then, a merged one updated then (never
    /// moved back). Only seeding a history passes a past moment (its sighting's).
    async fn write_at(
        &self,
        input: NewMemory,
        sighting: Observation,
        now: Timestamp,
    ) -> Result<Recorded, ServiceError> {
        let _one = self.writing.lock().await;
        if let Some(key) = &sighting.key
            && self.memories.seen(key).await?
        {
            return Err(ServiceError::Conflict(format!(
                "sighting '{key}' was already recorded"
            )));
        }
        let metric = input.outcome.as_ref().map(|o| o.metric);
        let key = merge_key(
            input.kind,
            input.agent,
            input.project_id.as_ref(),
            &input.context,
            input.action,
            input.subject.as_deref(),
            metric,
        );
        let same = self.memories.by_key(&key).await?;
        if let Some(mut memory) = repeated(&input, same) {
            // The standing is worked out from the sightings it will have, so the sighting and the
            // learning's new standing are written together (one commit per merge).
            let prior = self.memories.observations(&memory.id, KEEP).await?;
            absorb(&mut memory, input);
            memory.updated_at = memory.updated_at.max(now);
            let seen = with_sighting(prior, sighting.clone(), KEEP as usize);
            let st = standing(
                memory.kind,
                metric.or(memory.outcome.as_ref().map(|o| o.metric)),
                memory.evidence,
                &seen,
            );
            memory.outcome = st.outcome;
            memory.confidence = st.confidence;
            memory.confidence_reason = st.confidence_reason;
            self.memories.merge(&memory, &sighting, KEEP).await?;
            return Ok(Recorded { memory, merged: true });
        }
        let id = MemoryId::from_suffix(&crate::db::ids::new_suffix())
            .map_err(|e| ServiceError::internal("making a memory id", &e))?;
        let st = standing(input.kind, metric, 1, std::slice::from_ref(&sighting));
        let memory = Memory {
            id,
            agent: input.agent,
            kind: input.kind,
            project_id: input.project_id,
            platform: input.context.platform,
            objective: input.context.objective,
            vertical: input.context.vertical,
            audience: input.context.audience,
            budget_band: input.context.budget_band,
            month: input.context.month,
            action: input.action,
            subject: input.subject,
            summary: input.summary,
            also_said: Vec::new(),
            tags: input.tags,
            outcome: st.outcome,
            evidence: 1,
            confidence: st.confidence,
            confidence_reason: st.confidence_reason,
            source: input.source,
            pinned: input.pinned,
            forgotten: false,
            created_at: now,
            updated_at: now,
            last_recalled_at: None,
            terms: None,
        };
        self.memories.insert(&memory, &key, metric, &sighting).await?;
        Ok(Recorded {
            memory,
            merged: false,
        })
    }

    /// Works a learning's standing out again from its sightings and stores it.
    pub(crate) async fn restand(
        &self,
        memory: &mut Memory,
        metric: Option<switchboard_core::memory::Metric>,
    ) -> Result<(), ServiceError> {
        let seen = self.memories.observations(&memory.id, KEEP).await?;
        let metric = metric.or(memory.outcome.as_ref().map(|o| o.metric));
        let st = standing(memory.kind, metric, memory.evidence, &seen);
        memory.outcome = st.outcome;
        memory.confidence = st.confidence;
        memory.confidence_reason = st.confidence_reason;
        self.memories.save(memory).await?;
        Ok(())
    }

    /// A question with the project's vertical filled in when it names a project and no vertical.
    async fn complete(&self, query: &RecallQuery) -> Result<RecallQuery, ServiceError> {
        let mut q = query.clone();
        if let Some(p) = &q.project_id {
            let project = self.projects.get(p).await.map_err(|e| {
                ServiceError::from(e).missing_as_field("project_id", format!("project '{p}' was not found"))
            })?;
            if q.context.vertical.is_none() {
                q.context.vertical = project.vertical;
            }
        }
        Ok(q)
    }
}

/// What a recommendation's answer says beside its items, when there is something to say: nothing
/// learned yet; nothing about the action asked (other actions' outcomes listed); nothing measured
/// yet; or that what it rests on comes from related contexts, not this one.
fn recommendation_message(
    asked: &RecallQuery,
    outcomes: &[Recalled],
    items: &[Recommendation],
) -> Option<String> {
    if outcomes.is_empty() {
        return Some(NOTHING_YET.to_owned());
    }
    let of_action: Vec<&Recalled> = outcomes
        .iter()
        .filter(|r| asked.action.is_none_or(|a| r.memory.action == Some(a)))
        .collect();
    if let Some(action) = asked.action
        && of_action.is_empty()
    {
        return Some(format!(
            "No learnings about {} here yet; the past outcomes listed are of other actions in this or related contexts.",
            action.label().to_lowercase()
        ));
    }
    if items.is_empty() {
        return Some(if asked.action.is_some() {
            "Past outcomes of this action fit this context, but none is measured yet.".to_owned()
        } else {
            "Past outcomes fit this context, but none is measured yet.".to_owned()
        });
    }
    if items.iter().all(|i| i.exact == 0) && !of_action.iter().any(|r| same_context(asked, &r.memory)) {
        return Some(
            "Nothing was learned in exactly this context yet: these come from related contexts (some fields different, or not said)."
                .to_owned(),
        );
    }
    None
}

/// The sighting a learning sent by a person or a system brings.
pub(crate) fn sighting_of(input: &NewMemory, at: Timestamp) -> Observation {
    let o = input.outcome.as_ref();
    let change = o.and_then(|o| o.change());
    Observation {
        key: None,
        status: match o {
            Some(o) => o.status(),
            None => OutcomeStatus::Measured,
        },
        before: o.and_then(|o| o.before),
        after: o.and_then(|o| o.after),
        change,
        control_change: None,
        effect: None,
        days: o.and_then(|o| o.days),
        spend_micros: o.and_then(|o| o.spend_micros),
        note: None,
        at,
        target: None,
    }
}

#[async_trait]
impl MemoryService for Memories {
    async fn record(&self, input: NewMemory) -> Result<Recorded, ServiceError> {
        if let Some(p) = &input.project_id {
            self.projects.get(p).await.map_err(|e| {
                ServiceError::from(e).missing_as_field("project_id", format!("project '{p}' was not found"))
            })?;
        }
        let sighting = sighting_of(&input, Self::now());
        self.write(input, sighting).await
    }

    async fn record_history(
        &self,
        input: NewMemory,
        sighting: Observation,
    ) -> Result<Recorded, ServiceError> {
        if let Some(p) = &input.project_id {
            self.projects.get(p).await.map_err(|e| {
                ServiceError::from(e).missing_as_field("project_id", format!("project '{p}' was not found"))
            })?;
        }
        let at = sighting.at;
        self.write_at(input, sighting, at).await
    }

    async fn list(&self, filter: &MemoryFilter) -> Result<MemoryPage, ServiceError> {
        Ok(self.memories.list(filter).await?)
    }

    async fn get(&self, id: &MemoryId) -> Result<Memory, ServiceError> {
        Ok(self.memories.get(id).await?)
    }

    async fn update(&self, id: &MemoryId, patch: &MemoryPatch, who: &str) -> Result<Memory, ServiceError> {
        let _one = self.writing.lock().await;
        let mut m = self.memories.get(id).await?;
        if let Some(s) = &patch.summary {
            m.summary = s.clone();
        }
        if let Some(t) = &patch.tags {
            m.tags = t.clone();
        }
        if let Some(p) = patch.pinned {
            m.pinned = p;
        }
        if let Some(f) = patch.forgotten {
            m.forgotten = f;
        }
        m.updated_at = Self::now();
        self.memories.save(&m).await?;
        tracing::info!(memory = %m.id, by = who, "memory changed");
        Ok(m)
    }

    async fn forget(&self, id: &MemoryId, who: &str) -> Result<Memory, ServiceError> {
        self.update(
            id,
            &MemoryPatch {
                forgotten: Some(true),
                ..Default::default()
            },
            who,
        )
        .await
    }

    async fn recall(&self, query: &RecallQuery) -> Result<Vec<Recalled>, ServiceError> {
        let q = self.complete(query).await?;
        let candidates = self.memories.candidates(&q, candidates_for(&q)).await?;
        let now = Self::now();
        let found = rank(&q, candidates, now, &self.settings.recall);
        let ids: Vec<MemoryId> = found.iter().map(|r| r.memory.id.clone()).collect();
        // Noting the recall is worth less than answering it: it is written after the answer, so
        // the answer does not wait for the write (nor for a WAL checkpoint that commit may make).
        if !ids.is_empty() {
            let memories = self.memories.clone();
            tokio::spawn(async move {
                if let Err(e) = memories.recalled(&ids, &now).await {
                    tracing::warn!(error = %e, "cannot note a recall");
                }
            });
        }
        Ok(found)
    }

    async fn recommend(&self, query: &RecallQuery) -> Result<Recommendations, ServiceError> {
        let asked = self.complete(query).await?;
        let wide = RecallQuery {
            limit: 200,
            ..query.clone()
        };
        let outcomes: Vec<Recalled> = self
            .recall(&wide)
            .await?
            .into_iter()
            .filter(|r| r.memory.kind == MemoryKind::Outcome)
            .collect();
        let items = switchboard_core::memory::recommend::recommend(&outcomes, &asked);
        let message = recommendation_message(&asked, &outcomes, &items);
        let mut outcomes = outcomes;
        outcomes.truncate(query.limit.max(1));
        Ok(Recommendations {
            items,
            outcomes,
            message,
        })
    }

    async fn by_agent(&self) -> Result<Vec<AgentLearned>, ServiceError> {
        let mut out = Vec::new();
        for (agent, memories, good, bad, pending) in self.memories.counts_by_agent().await? {
            let Ok(agent) = agent.parse() else { continue };
            let filter = MemoryFilter {
                agent: Some(agent),
                limit: 50,
                ..Default::default()
            };
            let mut top = self.memories.list(&filter).await?.items;
            top.sort_by(|a, b| {
                b.confidence
                    .total_cmp(&a.confidence)
                    .then(b.evidence.cmp(&a.evidence))
            });
            top.truncate(3);
            out.push(AgentLearned {
                agent,
                memories,
                good,
                bad,
                pending,
                top,
            });
        }
        Ok(out)
    }

    async fn capture_run(&self, run: &ExecutionDetail) -> Result<usize, ServiceError> {
        capture::capture(self, run).await
    }

    async fn evaluate_due(&self) -> Result<usize, ServiceError> {
        evaluator::evaluate(self, chrono::Utc::now().date_naive()).await
    }
}
