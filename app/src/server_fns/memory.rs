//! The agents' memory: the Memory page's list, a learning's page, recall for a search, a person's
//! learning, and the changes people make (summary, pin, forget and undo). Each is a thin adapter
//! over `Services.memory`. Without JavaScript a form post is sent back to the page; what it made
//! (a notice, the undo of a forget) or the error with what was typed waits in the flash store.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use switchboard_core::memory::{AgentLearned, Memory, MemoryPage, Recalled, Recorded};

/// Learnings per page of the list.
pub const PAGE_SIZE: u32 = 20;

/// Who changes and records learnings from the pages.
#[cfg(feature = "ssr")]
const WHO: &str = "owner";

/// The list's search, filters and page, as they appear in the page's URL (all text: a bad value
/// is named by the answer's error).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryFilters {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub objective: Option<String>,
    #[serde(default)]
    pub vertical: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    /// good, bad, neutral, pending or inconclusive.
    #[serde(default)]
    pub outcome: Option<String>,
    /// From 1.
    #[serde(default)]
    pub page: Option<u32>,
}

impl MemoryFilters {
    /// The filters as query pairs (empty ones left out), in the order the form has them.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", &self.q),
            ("agent", &self.agent),
            ("kind", &self.kind),
            ("platform", &self.platform),
            ("objective", &self.objective),
            ("vertical", &self.vertical),
            ("action", &self.action),
            ("project_id", &self.project_id),
            ("outcome", &self.outcome),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| (k, v.to_owned()))
        })
        .collect()
    }

    /// Whether any filter or a search is set.
    pub fn any(&self) -> bool {
        !self.pairs().is_empty()
    }

    /// Whether the question is one recall can rank (a search or a context).
    pub fn can_recall(&self) -> bool {
        self.pairs()
            .iter()
            .any(|(k, _)| !matches!(*k, "kind" | "outcome"))
    }
}

/// What a post from the Memory pages made, to say on the page it is sent back to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryNotice {
    pub message: String,
    /// The learning it is about (linked).
    pub id: Option<String>,
    /// A learning was forgotten: the page offers to undo it.
    pub undo: bool,
}

/// What a plain form post leaves for the Memory pages: a notice, or the error with what was typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryFlash {
    pub notice: Option<MemoryNotice>,
    pub error: Option<AppError>,
    pub typed: Option<super::flash::TypedForm>,
}

#[cfg(feature = "ssr")]
fn memory_id(id: &str) -> Result<switchboard_core::MemoryId, AppError> {
    switchboard_core::MemoryId::parse(id.trim())
        .map_err(|_| AppError::NotFound(format!("learning '{id}' was not found")))
}

/// Keeps, for a plain form post, a notice on success or the error with what was typed.
#[cfg(feature = "ssr")]
fn after<T>(
    result: &Result<T, AppError>,
    notice: impl FnOnce(&T) -> MemoryNotice,
    typed: impl FnOnce() -> super::flash::TypedForm,
) {
    use super::flash::{Flash, FlashScope, ssr::keep};
    match result {
        Ok(value) => {
            let n = notice(value);
            keep(FlashScope::Memory, || {
                Flash::Memory(MemoryFlash {
                    notice: Some(n),
                    error: None,
                    typed: None,
                })
            });
        }
        Err(e) => {
            let e = e.clone();
            keep(FlashScope::Memory, || {
                Flash::Memory(MemoryFlash {
                    notice: None,
                    error: Some(e),
                    typed: Some(typed()),
                })
            });
        }
    }
}

/// A page of learnings matching the filters and search, with the total.
#[server]
pub async fn list_memories(
    // No filters at all send nothing.
    #[server(default)] filters: MemoryFilters,
) -> Result<MemoryPage, AppError> {
    super::ssr::respond(
        async move {
            let pairs = filters.pairs();
            let mut filter =
                switchboard_core::memory::input::parse_filter(pairs.iter().map(|(k, v)| (*k, v.as_str())))
                    .map_err(AppError::Validation)?;
            let page = filters.page.unwrap_or(1).max(1);
            filter.limit = PAGE_SIZE;
            filter.offset = (page - 1).saturating_mul(PAGE_SIZE);
            Ok(super::ssr::services()?.memory.list(&filter).await?)
        }
        .await,
    )
    .await
}

/// One learning (a forgotten one too).
#[server]
pub async fn get_memory(id: String) -> Result<Memory, AppError> {
    super::ssr::respond(
        async move {
            let id = memory_id(&id)?;
            Ok(super::ssr::services()?.memory.get(&id).await?)
        }
        .await,
    )
    .await
}

/// What each agent (and the people) learned.
#[server]
pub async fn memories_by_agent() -> Result<Vec<AgentLearned>, AppError> {
    super::ssr::respond(async move { Ok(super::ssr::services()?.memory.by_agent().await?) }.await).await
}

/// The learnings that fit the search and context of `filters`, best first, with their score
/// parts (at most `limit`, 100 at most).
#[server]
pub async fn recall_memories(
    #[server(default)] filters: MemoryFilters,
    limit: Option<u32>,
) -> Result<Vec<Recalled>, AppError> {
    super::ssr::respond(
        async move {
            let mut pairs = filters.pairs();
            pairs.retain(|(k, _)| !matches!(*k, "kind" | "outcome"));
            let limit = limit.unwrap_or(20).to_string();
            pairs.push(("limit", limit));
            let query = switchboard_core::memory::input::parse_recall(
                pairs.iter().map(|(k, v)| (*k, v.as_str())),
                20,
            )
            .map_err(AppError::Validation)?;
            Ok(super::ssr::services()?.memory.recall(&query).await?)
        }
        .await,
    )
    .await
}

/// A learning as a person writes it on the Memory page (all text, as a form sends it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordForm {
    /// `note` (the default) or `outcome`.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub objective: Option<String>,
    #[serde(default)]
    pub vertical: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    /// Comma separated.
    #[serde(default)]
    pub tags: Option<String>,
    /// An outcome's metric, values before and after, and days observed.
    #[serde(default)]
    pub metric: Option<String>,
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub days: Option<String>,
}

impl RecordForm {
    /// The form's name in the flash store.
    pub const NAME: &'static str = "record-memory";

    fn fields(&self) -> [(&'static str, &Option<String>); 12] {
        [
            ("kind", &self.kind),
            ("summary", &self.summary),
            ("project_id", &self.project_id),
            ("platform", &self.platform),
            ("objective", &self.objective),
            ("vertical", &self.vertical),
            ("action", &self.action),
            ("tags", &self.tags),
            ("metric", &self.metric),
            ("before", &self.before),
            ("after", &self.after),
            ("days", &self.days),
        ]
    }

    /// What was typed, to give back with an error.
    pub fn typed(&self) -> super::flash::TypedForm {
        let values: Vec<(&str, Option<&str>)> = self
            .fields()
            .into_iter()
            .map(|(k, v)| (k, v.as_deref()))
            .collect();
        super::flash::TypedForm::new(Self::NAME, &values)
    }

    /// The request body the service's parser reads (`agent` is the person); numbers that do not
    /// read as numbers are named.
    pub fn body(&self) -> Result<serde_json::Value, switchboard_core::validation::FieldErrors> {
        use serde_json::{Map, Value};
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let mut errors = switchboard_core::validation::FieldErrors::new();
        let mut body = Map::new();
        body.insert("agent".into(), Value::from("person"));
        let kind = given(&self.kind).unwrap_or_else(|| "note".to_owned());
        body.insert("kind".into(), Value::from(kind.clone()));
        for (key, value) in [
            ("summary", &self.summary),
            ("project_id", &self.project_id),
            ("platform", &self.platform),
            ("objective", &self.objective),
            ("vertical", &self.vertical),
            ("action", &self.action),
        ] {
            if let Some(v) = given(value) {
                body.insert(key.into(), Value::from(v));
            }
        }
        if let Some(tags) = given(&self.tags) {
            body.insert("tags".into(), Value::from(tags));
        }
        if kind == "outcome" {
            let mut outcome = Map::new();
            if let Some(m) = given(&self.metric) {
                outcome.insert("metric".into(), Value::from(m));
            }
            for (key, value) in [("before", &self.before), ("after", &self.after)] {
                if let Some(v) = given(value) {
                    match v.replace(',', ".").parse::<f64>() {
                        Ok(x) if x.is_finite() => {
                            outcome.insert(key.into(), Value::from(x));
                        }
                        _ => errors.add(&format!("outcome.{key}"), "must be a number, like 3.2"),
                    }
                }
            }
            if let Some(v) = given(&self.days) {
                match v.parse::<u64>() {
                    Ok(d) => {
                        outcome.insert("days".into(), Value::from(d));
                    }
                    Err(_) => errors.add("outcome.days", "must be a whole number of days from 1 to 365"),
                }
            }
            body.insert("outcome".into(), Value::Object(outcome));
        }
        errors.into_result(Value::Object(body))
    }
}

/// Records a person's learning (a note, or an outcome with its metric before and after); the
/// answer says whether it merged into one already there.
#[server]
pub async fn record_memory(#[server(default)] form: RecordForm) -> Result<Recorded, AppError> {
    let typed = form.typed();
    let result = async move {
        use switchboard_core::memory::{MemorySource, SourceKind};
        let body = form.body().map_err(AppError::Validation)?;
        let source = MemorySource::sent_by(SourceKind::Person, WHO);
        let input =
            switchboard_core::memory::input::parse_new(&body, source).map_err(AppError::Validation)?;
        Ok(super::ssr::services()?.memory.record(input).await?)
    }
    .await;
    after(&result, recorded_notice, || typed);
    super::ssr::respond(result).await
}

/// What the page says after recording.
pub fn recorded_notice(r: &Recorded) -> MemoryNotice {
    let message = if r.merged {
        format!(
            "Merged into an existing learning (now seen {} times): {}",
            r.memory.evidence, r.memory.summary
        )
    } else {
        format!("Recorded: {}", r.memory.summary)
    };
    MemoryNotice {
        message,
        id: Some(r.memory.id.to_string()),
        undo: false,
    }
}

/// Changes a learning: its summary, its pin (`pinned` true or false), or brings it back
/// (`forgotten=false`, the undo of a forget).
#[server]
pub async fn update_memory(
    id: String,
    #[server(default)] summary: Option<String>,
    #[server(default)] pinned: Option<String>,
    #[server(default)] forgotten: Option<String>,
) -> Result<Memory, AppError> {
    // An edited summary comes back with its error; a pin or an undo's error is the page's.
    let typed = if summary.is_some() {
        super::flash::TypedForm::new(
            "edit-summary",
            &[("id", Some(&id)), ("summary", summary.as_deref())],
        )
    } else {
        super::flash::TypedForm::default()
    };
    let what = (summary.is_some(), pinned.clone(), forgotten.clone());
    let result = async move {
        use serde_json::{Map, Value};
        let id = memory_id(&id)?;
        let mut body = Map::new();
        if let Some(s) = summary {
            body.insert("summary".into(), Value::from(s));
        }
        for (key, value) in [("pinned", pinned), ("forgotten", forgotten)] {
            match value.as_deref().map(str::trim) {
                None | Some("") => {}
                Some("true" | "on") => {
                    body.insert(key.into(), Value::Bool(true));
                }
                Some("false" | "off") => {
                    body.insert(key.into(), Value::Bool(false));
                }
                Some(_) => return Err(super::ssr::invalid(key, "must be true or false".to_owned())),
            }
        }
        let patch = switchboard_core::memory::input::parse_patch(&Value::Object(body))
            .map_err(AppError::Validation)?;
        Ok(super::ssr::services()?.memory.update(&id, &patch, WHO).await?)
    }
    .await;
    after(
        &result,
        |m| updated_notice(m, what.0, what.1.as_deref(), what.2.as_deref()),
        || typed,
    );
    super::ssr::respond(result).await
}

/// What the page says after a change.
pub fn updated_notice(
    m: &Memory,
    summary: bool,
    pinned: Option<&str>,
    forgotten: Option<&str>,
) -> MemoryNotice {
    let message = if forgotten.is_some() && !m.forgotten {
        format!("Brought back: {}", m.summary)
    } else if pinned.is_some() {
        if m.pinned {
            format!("Pinned: {}", m.summary)
        } else {
            format!("Unpinned: {}", m.summary)
        }
    } else if summary {
        format!("Summary saved: {}", m.summary)
    } else {
        format!("Saved: {}", m.summary)
    };
    MemoryNotice {
        message,
        id: Some(m.id.to_string()),
        undo: false,
    }
}

/// Forgets a learning (soft: the notice offers an undo, which posts `forgotten=false`).
#[server]
pub async fn forget_memory(id: String) -> Result<Memory, AppError> {
    let result = async move {
        let id = memory_id(&id)?;
        Ok(super::ssr::services()?.memory.forget(&id, WHO).await?)
    }
    .await;
    after(&result, forgotten_notice, super::flash::TypedForm::default);
    super::ssr::respond(result).await
}

/// What the page says after forgetting: with its undo.
pub fn forgotten_notice(m: &Memory) -> MemoryNotice {
    MemoryNotice {
        message: format!("Forgotten: {}", m.summary),
        id: Some(m.id.to_string()),
        undo: true,
    }
}
