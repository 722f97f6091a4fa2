//! What people and systems send: a learning to record, a change to one, a search. Each is parsed
//! at the edge into typed values; every bad field is named.

use super::MemoryContext;
use super::model::MemorySource;
use super::words::{
    BudgetBand, MemoryAction, MemoryAgent, MemoryKind, Metric, Objective, OutcomeStatus, OutcomeVerdict,
};
use crate::ids::ProjectId;
use crate::platform::Platform;
use crate::validation::{FieldErrors, has_control_characters};
use crate::vertical::Vertical;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::str::FromStr;

pub const SUMMARY_MAX: usize = 500;
pub const TAG_MAX: usize = 40;
pub const TAGS_MAX: usize = 20;
pub const AUDIENCE_MAX: usize = 60;
pub const SUBJECT_MAX: usize = 200;

/// An outcome as sent: the metric and, when it was measured, the values before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOutcome {
    pub metric: Metric,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub days: Option<u32>,
    pub spend_micros: Option<i64>,
}

impl NewOutcome {
    /// The relative change when both values are known (and `before` is not zero).
    pub fn change(&self) -> Option<f64> {
        match (self.before, self.after) {
            (Some(b), Some(a)) if b.abs() > 1e-12 => Some(a / b - 1.0),
            _ => None,
        }
    }

    pub fn status(&self) -> OutcomeStatus {
        if self.change().is_some() {
            OutcomeStatus::Measured
        } else {
            OutcomeStatus::Pending
        }
    }
}

/// A learning to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMemory {
    pub agent: MemoryAgent,
    pub kind: MemoryKind,
    pub project_id: Option<ProjectId>,
    pub context: MemoryContext,
    pub action: Option<MemoryAction>,
    pub subject: Option<String>,
    pub summary: String,
    pub tags: Vec<String>,
    pub outcome: Option<NewOutcome>,
    pub source: MemorySource,
    pub pinned: bool,
}

const FIELDS: &[&str] = &[
    "agent",
    "kind",
    "project_id",
    "platform",
    "objective",
    "vertical",
    "audience",
    "budget_band",
    "month",
    "action",
    "subject",
    "summary",
    "tags",
    "outcome",
    "pinned",
];

fn text<'a>(body: &'a Value, key: &str, errors: &mut FieldErrors) -> Option<&'a str> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.add(key, "must be a string");
            None
        }
    }
}

fn word<T: FromStr>(body: &Value, key: &str, names: &str, errors: &mut FieldErrors) -> Option<T> {
    let s = text(body, key, errors)?;
    match s.parse::<T>() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.add(
                key,
                format!(
                    "'{}' is not one of: {names}",
                    s.chars().take(40).collect::<String>()
                ),
            );
            None
        }
    }
}

fn number(v: &Value, key: &str, errors: &mut FieldErrors) -> Option<f64> {
    match v.get(key.rsplit('.').next().unwrap_or(key)) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if x.is_finite() && x.abs() < 1e15 => Some(x),
            _ => {
                errors.add(key, "must be a finite number");
                None
            }
        },
        Some(_) => {
            errors.add(key, "must be a number");
            None
        }
    }
}

/// A one-line text: trimmed, at most `max` characters, no control characters.
fn line(value: Option<&str>, key: &str, max: usize, errors: &mut FieldErrors) -> Option<String> {
    let v = value?.trim();
    if v.chars().count() > max {
        errors.add(key, format!("must be at most {max} characters"));
        None
    } else if has_control_characters(v) {
        errors.add(key, crate::validation::CONTROL_CHARACTERS);
        None
    } else {
        Some(v.to_owned())
    }
}

/// Tags: lower case, trimmed, without repeats; each a short word or phrase.
pub fn parse_tags(v: Option<&Value>, errors: &mut FieldErrors) -> Vec<String> {
    let items = match v {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(Value::String(s)) => {
            // A form's "a, b, c".
            let list: Vec<Value> = s.split(',').map(|t| Value::String(t.to_owned())).collect();
            return parse_tags(Some(&Value::Array(list)), errors);
        }
        Some(_) => {
            errors.add("tags", "must be a list of strings");
            return Vec::new();
        }
    };
    let mut tags: Vec<String> = Vec::new();
    for (i, t) in items.iter().enumerate() {
        let Some(s) = t.as_str() else {
            errors.add(&format!("tags[{i}]"), "must be a string");
            continue;
        };
        let s = s.trim().to_lowercase();
        if s.is_empty() {
            continue;
        }
        if s.chars().count() > TAG_MAX || has_control_characters(&s) {
            errors.add(
                &format!("tags[{i}]"),
                format!("must be at most {TAG_MAX} characters on one line"),
            );
            continue;
        }
        if !tags.contains(&s) {
            tags.push(s);
        }
    }
    if tags.len() > TAGS_MAX {
        errors.add("tags", format!("at most {TAGS_MAX} tags"));
    }
    tags
}

/// Parses a learning from a request body (`source` says who sends it). Unknown fields are refused,
/// so a misspelt field is not silently dropped.
pub fn parse_new(body: &Value, source: MemorySource) -> Result<NewMemory, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(map) = body.as_object() else {
        return Err(FieldErrors::single("body", "must be a JSON object"));
    };
    for key in map.keys() {
        if !FIELDS.contains(&key.as_str()) {
            errors.add(
                key,
                format!("is not a known field (known: {})", FIELDS.join(", ")),
            );
        }
    }
    let agent = word::<MemoryAgent>(body, "agent", &MemoryAgent::names(), &mut errors);
    if body.get("agent").is_none_or(Value::is_null) {
        errors.add("agent", format!("is required: one of {}", MemoryAgent::names()));
    }
    let kind = word::<MemoryKind>(body, "kind", &MemoryKind::names(), &mut errors);
    let project_id = text(body, "project_id", &mut errors).and_then(|s| match ProjectId::parse(s.trim()) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("project_id", e.to_string());
            None
        }
    });
    let platform = word::<Platform>(body, "platform", "google, meta, pinterest", &mut errors);
    let objective = word::<Objective>(body, "objective", &Objective::names(), &mut errors);
    let vertical = word::<Vertical>(body, "vertical", &Vertical::names(), &mut errors);
    let audience = line(
        text(body, "audience", &mut errors),
        "audience",
        AUDIENCE_MAX,
        &mut errors,
    )
    .map(|a| crate::words::normalize(&a));
    let budget_band = word::<BudgetBand>(body, "budget_band", &BudgetBand::names(), &mut errors);
    let month = match body.get("month") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(m @ 1..=12) => u8::try_from(m).ok(),
            _ => {
                errors.add("month", "must be a whole number from 1 to 12");
                None
            }
        },
    };
    let action = word::<MemoryAction>(body, "action", &MemoryAction::names(), &mut errors);
    let subject = line(
        text(body, "subject", &mut errors),
        "subject",
        SUBJECT_MAX,
        &mut errors,
    );
    let summary = line(
        text(body, "summary", &mut errors),
        "summary",
        SUMMARY_MAX,
        &mut errors,
    );
    if summary.is_none() && errors.get("summary").is_none() {
        errors.add("summary", "is required: one sentence saying what was learned");
    }
    let tags = parse_tags(body.get("tags"), &mut errors);
    let pinned = match body.get("pinned") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add("pinned", "must be true or false");
            false
        }
    };
    let outcome = parse_outcome(body.get("outcome"), &mut errors);
    let kind = kind.unwrap_or(if outcome.is_some() {
        MemoryKind::Outcome
    } else {
        MemoryKind::Note
    });
    if kind == MemoryKind::Outcome {
        if action.is_none() && errors.get("action").is_none() {
            errors.add(
                "action",
                format!(
                    "is required for an outcome (what was done): one of {}",
                    MemoryAction::names()
                ),
            );
        }
        if outcome.is_none() && errors.get("outcome").is_none() && errors.get("outcome.metric").is_none() {
            errors.add(
                "outcome",
                "is required for an outcome: {\"metric\", \"before\", \"after\", \"days\"}",
            );
        }
    }
    let (Some(agent), Some(summary)) = (agent, summary) else {
        return Err(errors);
    };
    errors.into_result(NewMemory {
        agent,
        kind,
        project_id,
        context: MemoryContext {
            platform,
            objective,
            vertical,
            audience,
            budget_band,
            month,
        },
        action,
        subject,
        summary,
        tags,
        outcome,
        source,
        pinned,
    })
}

fn parse_outcome(v: Option<&Value>, errors: &mut FieldErrors) -> Option<NewOutcome> {
    let v = match v {
        None | Some(Value::Null) => return None,
        Some(v @ Value::Object(_)) => v,
        Some(_) => {
            errors.add(
                "outcome",
                "must be an object: {\"metric\", \"before\", \"after\", \"days\"}",
            );
            return None;
        }
    };
    if let Some(map) = v.as_object() {
        for key in map.keys() {
            if !["metric", "before", "after", "days", "spend_micros", "change"].contains(&key.as_str()) {
                errors.add(
                    &format!("outcome.{key}"),
                    "is not a known field (known: metric, before, after, days, spend_micros)",
                );
            }
        }
    }
    let metric = match v.get("metric") {
        None | Some(Value::Null) => {
            errors.add(
                "outcome.metric",
                format!("is required: one of {}", Metric::names()),
            );
            None
        }
        Some(Value::String(s)) => match s.parse::<Metric>() {
            Ok(m) => Some(m),
            Err(_) => {
                errors.add(
                    "outcome.metric",
                    format!(
                        "'{}' is not one of: {}",
                        s.chars().take(40).collect::<String>(),
                        Metric::names()
                    ),
                );
                None
            }
        },
        Some(_) => {
            errors.add("outcome.metric", "must be a string");
            None
        }
    };
    let before = number(v, "outcome.before", errors);
    let after = number(v, "outcome.after", errors);
    if before.is_some_and(|b| b < 0.0) {
        errors.add("outcome.before", "must not be negative");
    }
    if after.is_some_and(|a| a < 0.0) {
        errors.add("outcome.after", "must not be negative");
    }
    if before == Some(0.0) && after.is_some() {
        errors.add(
            "outcome.before",
            "must not be zero when after is given: the change is relative to it",
        );
    }
    let days = match v.get("days") {
        None | Some(Value::Null) => None,
        Some(d) => match d.as_u64() {
            Some(n @ 1..=365) => u32::try_from(n).ok(),
            _ => {
                errors.add("outcome.days", "must be a whole number of days from 1 to 365");
                None
            }
        },
    };
    let spend_micros = match v.get("spend_micros") {
        None | Some(Value::Null) => None,
        Some(s) => match s.as_i64() {
            Some(n) if n >= 0 => Some(n),
            _ => {
                errors.add(
                    "outcome.spend_micros",
                    "must be a whole number of micros, not negative",
                );
                None
            }
        },
    };
    Some(NewOutcome {
        metric: metric?,
        before,
        after,
        days,
        spend_micros,
    })
}

/// A change to a learning: its summary, tags, pin, or forgetting it (and undoing that).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryPatch {
    pub summary: Option<String>,
    pub tags: Option<Vec<String>>,
    pub pinned: Option<bool>,
    pub forgotten: Option<bool>,
}

pub fn parse_patch(body: &Value) -> Result<MemoryPatch, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(map) = body.as_object() else {
        return Err(FieldErrors::single("body", "must be a JSON object"));
    };
    for key in map.keys() {
        if !["summary", "tags", "pinned", "forgotten"].contains(&key.as_str()) {
            errors.add(
                key,
                "is not a field that can be changed (summary, tags, pinned, forgotten)",
            );
        }
    }
    let summary = match body.get("summary") {
        None => None,
        Some(Value::String(s)) if s.trim().is_empty() => {
            errors.add("summary", "must not be empty");
            None
        }
        Some(Value::String(s)) => line(Some(s), "summary", SUMMARY_MAX, &mut errors),
        Some(_) => {
            errors.add("summary", "must be a string");
            None
        }
    };
    let tags = body.get("tags").map(|t| parse_tags(Some(t), &mut errors));
    let flag = |key: &str, errors: &mut FieldErrors| match body.get(key) {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errors.add(key, "must be true or false");
            None
        }
    };
    let pinned = flag("pinned", &mut errors);
    let forgotten = flag("forgotten", &mut errors);
    errors.into_result(MemoryPatch {
        summary,
        tags,
        pinned,
        forgotten,
    })
}

/// Outcome filter of a list: good, bad, neutral, pending or inconclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeFilter {
    Verdict(OutcomeVerdict),
    Status(OutcomeStatus),
}

impl FromStr for OutcomeFilter {
    type Err = crate::error::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(v) = OutcomeVerdict::parse_word(s) {
            return Ok(OutcomeFilter::Verdict(v));
        }
        OutcomeStatus::parse_word(s)
            .filter(|s| *s != OutcomeStatus::Measured)
            .map(OutcomeFilter::Status)
            .ok_or_else(|| {
                crate::error::ParseError::invalid(
                    "outcome",
                    s,
                    "expected good, bad, neutral, pending or inconclusive",
                )
            })
    }
}

impl OutcomeFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeFilter::Verdict(v) => v.as_str(),
            OutcomeFilter::Status(s) => s.as_str(),
        }
    }
}

/// A list's filters and page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryFilter {
    pub q: Option<String>,
    pub agent: Option<MemoryAgent>,
    pub kind: Option<MemoryKind>,
    pub platform: Option<Platform>,
    pub objective: Option<Objective>,
    pub vertical: Option<Vertical>,
    pub action: Option<MemoryAction>,
    pub project_id: Option<ProjectId>,
    pub outcome: Option<OutcomeFilter>,
    pub pinned: Option<bool>,
    /// Forgotten learnings too (they are left out otherwise).
    pub include_forgotten: bool,
    pub limit: u32,
    pub offset: u32,
}

pub const LIST_LIMIT_DEFAULT: u32 = 50;
pub const LIST_LIMIT_MAX: u32 = 500;
pub const RECALL_LIMIT_MAX: usize = 100;
/// Learnings a recall answers, and past outcomes a recommendation lists, when no limit is given.
pub const RECALL_LIMIT_DEFAULT: usize = 10;
pub const OFFSET_MAX: u32 = i32::MAX as u32;

/// The query parameters that are free text, where an empty value means "any" (every other one
/// names a choice or a number).
pub const FREE_TEXT_PARAMS: &[&str] = &["q", "audience"];

/// Parses a query string's pairs (as the REST API and the page's form send them) into a filter;
/// every bad value is named.
pub fn parse_filter<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<MemoryFilter, FieldErrors> {
    let mut f = MemoryFilter {
        limit: LIST_LIMIT_DEFAULT,
        ..Default::default()
    };
    let mut errors = FieldErrors::new();
    for (key, value) in pairs {
        let v = value.trim();
        if v.is_empty() {
            continue;
        }
        let bad = |errors: &mut FieldErrors, names: String| {
            errors.add(
                key,
                format!(
                    "'{}' is not one of: {names}",
                    v.chars().take(40).collect::<String>()
                ),
            );
        };
        match key {
            "q" => f.q = Some(v.chars().take(200).collect()),
            "agent" => match v.parse() {
                Ok(x) => f.agent = Some(x),
                Err(_) => bad(&mut errors, MemoryAgent::names()),
            },
            "kind" => match v.parse() {
                Ok(x) => f.kind = Some(x),
                Err(_) => bad(&mut errors, MemoryKind::names()),
            },
            "platform" => match v.parse() {
                Ok(x) => f.platform = Some(x),
                Err(_) => bad(&mut errors, "google, meta, pinterest".into()),
            },
            "objective" => match v.parse() {
                Ok(x) => f.objective = Some(x),
                Err(_) => bad(&mut errors, Objective::names()),
            },
            "vertical" => match v.parse() {
                Ok(x) => f.vertical = Some(x),
                Err(_) => bad(&mut errors, Vertical::names()),
            },
            "action" => match v.parse() {
                Ok(x) => f.action = Some(x),
                Err(_) => bad(&mut errors, MemoryAction::names()),
            },
            "outcome" => match v.parse() {
                Ok(x) => f.outcome = Some(x),
                Err(_) => bad(&mut errors, "good, bad, neutral, pending, inconclusive".into()),
            },
            "project_id" => match ProjectId::parse(v) {
                Ok(p) => f.project_id = Some(p),
                Err(e) => errors.add(key, e.to_string()),
            },
            "pinned" => match crate::validation::parse_flag(v) {
                Some(yes) => f.pinned = Some(yes),
                None => errors.add(key, "must be true or false"),
            },
            "forgotten" | "include_forgotten" => match crate::validation::parse_flag(v) {
                Some(yes) => f.include_forgotten = yes,
                None => errors.add(key, "must be true or false"),
            },
            "limit" => match v.parse::<u32>() {
                Ok(n @ 1..=LIST_LIMIT_MAX) => f.limit = n,
                _ => errors.add(key, format!("must be a whole number from 1 to {LIST_LIMIT_MAX}")),
            },
            "offset" => match v.parse::<u32>() {
                Ok(n @ 0..=OFFSET_MAX) => f.offset = n,
                _ => errors.add(key, format!("must be a whole number from 0 to {OFFSET_MAX}")),
            },
            _ => {}
        }
    }
    errors.into_result(f)
}

/// Parses a recall (or recommendation) question from a query string's pairs.
pub fn parse_recall<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    default_limit: usize,
) -> Result<super::recall::RecallQuery, FieldErrors> {
    let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
    let mut errors = FieldErrors::new();
    let f = match parse_filter(
        pairs
            .iter()
            .copied()
            .filter(|(k, _)| !matches!(*k, "limit" | "offset" | "month" | "audience" | "budget_band")),
    ) {
        Ok(f) => f,
        Err(e) => {
            errors = e;
            MemoryFilter::default()
        }
    };
    let mut q = super::recall::RecallQuery {
        project_id: f.project_id,
        context: MemoryContext {
            platform: f.platform,
            objective: f.objective,
            vertical: f.vertical,
            ..Default::default()
        },
        action: f.action,
        agent: f.agent,
        q: f.q,
        limit: default_limit,
    };
    for (key, value) in pairs {
        let v = value.trim();
        if v.is_empty() {
            continue;
        }
        match key {
            "limit" => match v.parse::<usize>() {
                Ok(n @ 1..=RECALL_LIMIT_MAX) => q.limit = n,
                _ => errors.add(
                    key,
                    format!("must be a whole number from 1 to {RECALL_LIMIT_MAX}"),
                ),
            },
            "month" => match v.parse::<u8>() {
                Ok(m @ 1..=12) => q.context.month = Some(m),
                _ => errors.add(key, "must be a whole number from 1 to 12"),
            },
            "audience" => q.context.audience = Some(crate::words::normalize(v)),
            "budget_band" => match v.parse() {
                Ok(b) => q.context.budget_band = Some(b),
                Err(_) => errors.add(key, format!("is not one of: {}", BudgetBand::names())),
            },
            _ => {}
        }
    }
    errors.into_result(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api() -> MemorySource {
        MemorySource {
            kind: super::super::words::SourceKind::Api,
            execution_id: None,
            stage_id: None,
            experiment_id: None,
            by: Some("api key key_1".into()),
        }
    }

    #[test]
    fn a_learning_as_the_api_sends_it() {
        let body = json!({"agent": "trader", "kind": "outcome", "platform": "meta", "objective": "sales",
            "vertical": "home_decor", "action": "budget_increase", "summary": " Raising Meta budgets 20% cut ROAS ",
            "tags": ["Scaling", "scaling", "q4"], "outcome": {"metric": "roas", "before": 3.2, "after": 2.9, "days": 7}});
        let m = parse_new(&body, api()).expect("valid");
        assert_eq!(m.summary, "Raising Meta budgets 20% cut ROAS");
        assert_eq!(m.tags, ["scaling", "q4"]);
        assert_eq!(m.context.vertical, Some(Vertical::HomeDecor));
        let o = m.outcome.expect("outcome");
        assert!((o.change().expect("change") - (2.9 / 3.2 - 1.0)).abs() < 1e-12);
        assert_eq!(o.status(), OutcomeStatus::Measured);
    }

    #[test]
    fn every_bad_field_is_named() {
        let body = json!({"agent": "robot", "platform": "tiktok", "vertical": "pets", "action": "explode",
            "summary": "", "kind": "outcome", "outcome": {"metric": "likes", "before": -1, "days": 0}, "colour": "red"});
        let e = parse_new(&body, api()).expect_err("invalid");
        for field in [
            "agent",
            "platform",
            "vertical",
            "action",
            "summary",
            "outcome.metric",
            "outcome.before",
            "outcome.days",
            "colour",
        ] {
            assert!(e.get(field).is_some(), "{field} not named: {e}");
        }
        let e = parse_new(
            &json!({"agent": "person", "kind": "outcome", "summary": "x"}),
            api(),
        )
        .expect_err("outcome needs action");
        assert!(e.get("action").is_some() && e.get("outcome").is_some(), "{e}");
        assert!(parse_new(&json!([1]), api()).is_err());
        // A note needs only an agent and a summary.
        let n = parse_new(
            &json!({"agent": "person", "summary": "Clients in finance need legal review of ad copy"}),
            api(),
        )
        .expect("note");
        assert_eq!((n.kind, n.context.platform), (MemoryKind::Note, None));
    }

    #[test]
    fn filters_and_questions_from_query_strings() {
        let f = parse_filter([
            ("agent", "trader"),
            ("outcome", "bad"),
            ("limit", "10"),
            ("q", "roas"),
        ])
        .expect("filter");
        assert_eq!(
            (f.agent, f.outcome, f.limit),
            (
                Some(MemoryAgent::Trader),
                Some(OutcomeFilter::Verdict(OutcomeVerdict::Bad)),
                10
            )
        );
        let e = parse_filter([("kind", "memo"), ("limit", "0")]).expect_err("bad");
        assert!(e.get("kind").is_some() && e.get("limit").is_some());
        let q = parse_recall(
            [
                ("platform", "meta"),
                ("action", "budget_increase"),
                ("limit", "5"),
                ("month", "11"),
            ],
            10,
        )
        .expect("recall");
        assert_eq!(
            (q.limit, q.context.month, q.action),
            (5, Some(11), Some(MemoryAction::BudgetIncrease))
        );
        assert!(parse_recall([("limit", "1000")], 10).is_err());
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let p = parse_patch(&json!({"summary": "Better words", "pinned": true})).expect("patch");
        assert_eq!(
            (p.summary.as_deref(), p.pinned, p.forgotten),
            (Some("Better words"), Some(true), None)
        );
        let e = parse_patch(&json!({"summary": "", "agent": "x", "pinned": "yes"})).expect_err("bad");
        assert!(e.get("summary").is_some() && e.get("agent").is_some() && e.get("pinned").is_some());
    }
}
