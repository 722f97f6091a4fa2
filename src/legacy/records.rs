//! The legacy record kinds: reading each into the row Switchboard stores, and writing it back.

use super::codecs::*;
use super::fields::{
    FieldProblem, Reader, Writer, parse_json, parse_nonempty, parse_string, render_json, render_string,
};
use crate::metrics::{MetricValues, normalize};
use crate::money::Currency;
use crate::platform::Platform;
use crate::time::Timestamp;
use serde_json::{Map, Value};

/// What an import knows about records already there (in the database or earlier in this import).
pub trait Known {
    fn project_currency(&self, id: &str) -> Option<Currency>;
    fn workflow_exists(&self, id: &str) -> bool;
    fn execution_exists(&self, id: &str) -> bool;
    /// The campaign's platform and currency.
    fn campaign(&self, id: &str) -> Option<(Platform, Currency)>;
}

/// A record read into its row, with what was noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<R> {
    pub row: R,
    pub warnings: Vec<String>,
}

/// Why a record cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl From<FieldProblem> for Refusal {
    fn from(p: FieldProblem) -> Self {
        Refusal(p.to_string())
    }
}

fn object(v: &Value) -> Result<&Map<String, Value>, Refusal> {
    v.as_object()
        .ok_or_else(|| Refusal("the record is not a JSON object".to_owned()))
}

/// Compact JSON text. Written straight into a byte buffer: `Value`'s `Display` goes through the
/// formatter machinery and is several times slower, which shows on imports of millions of records.
fn json_text(v: &Value) -> String {
    // Serializing a `Value` cannot fail: its keys are strings and its numbers are finite.
    serde_json::to_string(v).unwrap_or_else(|_| v.to_string())
}

fn extra_text(extra: Map<String, Value>) -> String {
    if extra.is_empty() {
        "{}".to_owned()
    } else {
        json_text(&Value::Object(extra))
    }
}

fn parse_extra(text: &str) -> Map<String, Value> {
    serde_json::from_str::<Map<String, Value>>(text).unwrap_or_default()
}

fn parse_stored_ts(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text).ok()
}

// ---------------------------------------------------------------- projects

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRow {
    pub id: String,
    pub name: String,
    pub client: Option<String>,
    /// A vertical's name (`Vertical::as_str`).
    pub vertical: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub monthly_budget_micros: Option<i64>,
    pub currency: String,
    pub platforms: String,
    pub extra: String,
    pub created_at: String,
    pub updated_at: Option<String>,
}

pub fn read_project(v: &Value) -> Result<Read<ProjectRow>, Refusal> {
    use crate::project::ProjectStatus;
    let mut r = Reader::new(object(v)?);
    let id = r.required("id", parse_project_id, render_string)?;
    let name = r.required("name", parse_nonempty, render_string)?;
    let client = r.optional("client", parse_string, render_string);
    let vertical = r.optional("vertical", parse_vertical, render_vertical);
    if vertical == Some(crate::vertical::Vertical::Other)
        && let Some(word) = v.get("vertical").and_then(|w| parse_string(w).ok())
        && crate::vertical::Vertical::parse_word(&word).is_none()
    {
        r.warnings.push(format!(
            "vertical '{word}' is none of Switchboard's verticals: imported as other, the word is kept \
             for export"
        ));
    }
    let description = r.optional("description", parse_string, render_string);
    let status = r.optional_or(
        "status",
        parse_project_status,
        render_project_status,
        ProjectStatus::Active,
    );
    let no_budget = Budget {
        monthly: None,
        currency: Currency::USD,
    };
    let budget = r.optional_or("budget", parse_budget, render_budget, no_budget);
    let platforms = r.optional_or("platforms", parse_platforms, render_platforms, Vec::new());
    let created_at = r.required("createdAt", parse_ts, render_ts)?;
    let updated_at = r.optional("updatedAt", parse_ts, render_ts);
    let warnings = std::mem::take(&mut r.warnings);
    let row = ProjectRow {
        id,
        name,
        client,
        vertical: vertical.map(|v| v.as_str().to_owned()),
        description,
        status: status.as_str().to_owned(),
        monthly_budget_micros: budget.monthly.map(|m| m.get()),
        currency: budget.currency.to_string(),
        platforms: json_text(&render_platforms(&platforms)),
        extra: extra_text(r.finish()),
        created_at: created_at.to_text(),
        updated_at: updated_at.map(|t| t.to_text()),
    };
    Ok(Read { row, warnings })
}

pub fn write_project(row: &ProjectRow) -> Value {
    use crate::project::ProjectStatus;
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("id", &row.id, parse_project_id, render_string);
    w.put("name", &row.name, parse_nonempty, render_string);
    w.put_opt("client", row.client.as_ref(), parse_string, render_string);
    let vertical = crate::project::stored_vertical(row.vertical.as_deref());
    w.put_opt("vertical", vertical.as_ref(), parse_vertical, render_vertical);
    w.put_opt(
        "description",
        row.description.as_ref(),
        parse_string,
        render_string,
    );
    let status = row.status.parse().unwrap_or(ProjectStatus::Active);
    w.put_defaulted("status", &status, parse_project_status, render_project_status);
    let budget = Budget {
        monthly: row.monthly_budget_micros.map(crate::money::Micros::new),
        currency: Currency::parse(&row.currency).unwrap_or(Currency::USD),
    };
    w.put_defaulted("budget", &budget, parse_budget, render_budget);
    let platforms: Vec<Platform> = serde_json::from_str::<Vec<Platform>>(&row.platforms).unwrap_or_default();
    w.put_defaulted("platforms", &platforms, parse_platforms, render_platforms);
    put_ts(&mut w, "createdAt", Some(&row.created_at));
    put_ts(&mut w, "updatedAt", row.updated_at.as_deref());
    w.finish()
}

fn put_ts(w: &mut Writer<'_>, key: &str, text: Option<&str>) {
    let t = text.and_then(parse_stored_ts);
    w.put_opt(key, t.as_ref(), parse_ts, render_ts);
}

// ---------------------------------------------------------------- campaigns

#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRow {
    pub id: String,
    pub project_id: String,
    pub platform: String,
    pub external_id: String,
    pub name: String,
    pub objective: Option<String>,
    pub status: String,
    pub platform_status: String,
    pub daily_budget_micros: Option<i64>,
    pub currency: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub extra: String,
    pub created_at: String,
    pub updated_at: Option<String>,
}

pub fn read_campaign(v: &Value, known: &impl Known) -> Result<Read<CampaignRow>, Refusal> {
    let mut r = Reader::new(object(v)?);
    let id = r.required("id", parse_campaign_id, render_string)?;
    let project_id = r.required("projectId", parse_project_id, render_string)?;
    let project_currency = known
        .project_currency(&project_id)
        .ok_or_else(|| Refusal(format!("its project '{project_id}' does not exist")))?;
    let platform = r.required("platform", parse_platform, render_platform)?;
    let external_id = r.required("externalId", parse_nonempty, render_string)?;
    let name = r.required("name", parse_nonempty, render_string)?;
    let objective = r.optional("objective", parse_string, render_string);
    let native = r.required("status", parse_nonempty, render_string)?;
    let status = normalized_status(platform, &native).map_err(|e| Refusal(format!("field 'status': {e}")))?;
    let daily_budget = r.optional("dailyBudget", parse_amount, render_amount_float);
    let currency = r.optional_or("currency", parse_currency, render_currency, project_currency);
    let start = r.optional("startDate", parse_day, render_day);
    let end = r.optional("endDate", parse_day, render_day);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        return Err(Refusal(format!("endDate {e} is before startDate {s}")));
    }
    // The legacy campaign had no `updatedAt`; one found is kept with the unknown fields.
    let created_at = r.required("createdAt", parse_ts, render_ts)?;
    let warnings = std::mem::take(&mut r.warnings);
    let row = CampaignRow {
        id,
        project_id,
        platform: platform.as_str().to_owned(),
        external_id,
        name,
        objective,
        status: status.as_str().to_owned(),
        platform_status: native,
        daily_budget_micros: daily_budget.map(|m| m.get()),
        currency: currency.to_string(),
        start_date: start.map(crate::time::date_text),
        end_date: end.map(crate::time::date_text),
        extra: extra_text(r.finish()),
        created_at: created_at.to_text(),
        updated_at: None,
    };
    Ok(Read { row, warnings })
}

pub fn write_campaign(row: &CampaignRow) -> Value {
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("id", &row.id, parse_campaign_id, render_string);
    w.put("projectId", &row.project_id, parse_project_id, render_string);
    let platform = row.platform.parse::<Platform>().unwrap_or(Platform::Google);
    w.put("platform", &platform, parse_platform, render_platform);
    w.put("externalId", &row.external_id, parse_nonempty, render_string);
    w.put("name", &row.name, parse_nonempty, render_string);
    w.put_opt("objective", row.objective.as_ref(), parse_string, render_string);
    w.put("status", &row.platform_status, parse_nonempty, render_string);
    let budget = row.daily_budget_micros.map(crate::money::Micros::new);
    w.put_opt("dailyBudget", budget.as_ref(), parse_amount, render_amount_float);
    let currency = Currency::parse(&row.currency).unwrap_or(Currency::USD);
    w.put_defaulted("currency", &currency, parse_currency, render_currency);
    let start = row
        .start_date
        .as_deref()
        .and_then(|d| crate::time::parse_date(d).ok());
    let end = row
        .end_date
        .as_deref()
        .and_then(|d| crate::time::parse_date(d).ok());
    w.put_opt("startDate", start.as_ref(), parse_day, render_day);
    w.put_opt("endDate", end.as_ref(), parse_day, render_day);
    put_ts(&mut w, "createdAt", Some(&row.created_at));
    w.finish()
}

// ---------------------------------------------------------------- workflows

#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub trigger: String,
    pub stages: String,
    pub extra: String,
    pub created_at: String,
    pub updated_at: Option<String>,
}

pub fn read_workflow(v: &Value) -> Result<Read<WorkflowRow>, Refusal> {
    let mut r = Reader::new(object(v)?);
    let id = r.required("id", parse_workflow_id, render_string)?;
    let name = r.required("name", parse_nonempty, render_string)?;
    let description = r.optional("description", parse_string, render_string);
    let trigger = r.optional_or(
        "trigger",
        parse_trigger,
        render_trigger,
        crate::workflow::Trigger::Manual,
    );
    let stages = r.required("stages", parse_stages, render_json)?;
    let created_at = r.required("createdAt", parse_ts, render_ts)?;
    let updated_at = r.optional("updatedAt", parse_ts, render_ts);
    let warnings = std::mem::take(&mut r.warnings);
    let row = WorkflowRow {
        id,
        name,
        description,
        trigger: trigger.as_str().to_owned(),
        stages: json_text(&stages),
        extra: extra_text(r.finish()),
        created_at: created_at.to_text(),
        updated_at: updated_at.map(|t| t.to_text()),
    };
    Ok(Read { row, warnings })
}

pub fn write_workflow(row: &WorkflowRow) -> Value {
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("id", &row.id, parse_workflow_id, render_string);
    w.put("name", &row.name, parse_nonempty, render_string);
    w.put_opt(
        "description",
        row.description.as_ref(),
        parse_string,
        render_string,
    );
    let trigger = row.trigger.parse().unwrap_or(crate::workflow::Trigger::Manual);
    w.put_defaulted("trigger", &trigger, parse_trigger, render_trigger);
    let stages = serde_json::from_str::<Value>(&row.stages).unwrap_or(Value::Array(Vec::new()));
    w.put("stages", &stages, parse_json, render_json);
    put_ts(&mut w, "createdAt", Some(&row.created_at));
    put_ts(&mut w, "updatedAt", row.updated_at.as_deref());
    w.finish()
}

// ---------------------------------------------------------------- executions

#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionRow {
    pub id: String,
    pub workflow_id: Option<String>,
    pub project_id: Option<String>,
    pub status: String,
    pub input: String,
    pub result: Option<String>,
    pub extra: String,
    pub created_at: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub stages: Vec<StageRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageRow {
    pub position: i64,
    pub stage_id: String,
    pub status: String,
    pub attempt: i64,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub output: Option<String>,
    pub error: Option<String>,
    pub extra: String,
}

fn read_stage(position: usize, v: &Value) -> Result<Read<StageRow>, Refusal> {
    let obj = v
        .as_object()
        .ok_or_else(|| Refusal(format!("stage {}: not a JSON object", position + 1)))?;
    let in_stage = |p: FieldProblem| Refusal(format!("stage {}: {p}", position + 1));
    let mut r = Reader::new(obj);
    let stage_id = r
        .required("stageId", parse_nonempty, render_string)
        .map_err(in_stage)?;
    let status = r
        .required("status", parse_stage_status, render_stage_status)
        .map_err(in_stage)?;
    let started_at = r.optional("startedAt", parse_ts, render_ts);
    let completed_at = r.optional("completedAt", parse_ts, render_ts);
    let output = r.optional_json("output");
    let error = r.optional("error", parse_string, render_string);
    let warnings = std::mem::take(&mut r.warnings)
        .into_iter()
        .map(|w| format!("stage {}: {w}", position + 1))
        .collect();
    use crate::execution::StageStatus;
    let attempt = i64::from(!matches!(status, StageStatus::Pending | StageStatus::Skipped));
    let row = StageRow {
        position: position as i64,
        stage_id,
        status: status.as_str().to_owned(),
        attempt,
        started_at: started_at.map(|t| t.to_text()),
        completed_at: completed_at.map(|t| t.to_text()),
        output: output.map(json_text),
        error,
        extra: extra_text(r.finish()),
    };
    Ok(Read { row, warnings })
}

pub fn read_execution(v: &Value, known: &impl Known, now: Timestamp) -> Result<Read<ExecutionRow>, Refusal> {
    let mut r = Reader::new(object(v)?);
    let id = r.required("id", parse_execution_id, render_string)?;
    let workflow_id = r.reference("workflowId", |w| known.workflow_exists(w));
    let project_id = r.reference("projectId", |p| known.project_currency(p).is_some());
    let status = r.required("status", parse_execution_status, render_execution_status)?;
    let started_at = r.optional("startedAt", parse_ts, render_ts);
    let completed_at = r.optional("completedAt", parse_ts, render_ts);
    let input = r.optional_json_or("input", Value::Object(Map::new()));
    let stages_value = r.optional_json_or("stages", Value::Array(Vec::new()));
    let result = r.optional_json("result");
    let mut warnings = std::mem::take(&mut r.warnings);
    let items = stages_value
        .as_array()
        .ok_or_else(|| Refusal("field 'stages': expected a list".to_owned()))?;
    let mut stages = Vec::with_capacity(items.len());
    for (i, s) in items.iter().enumerate() {
        let read = read_stage(i, s)?;
        warnings.extend(read.warnings);
        stages.push(read.row);
    }
    let row = ExecutionRow {
        id,
        workflow_id,
        project_id,
        status: status.as_str().to_owned(),
        input: json_text(&input),
        result: result.map(json_text),
        extra: extra_text(r.finish()),
        created_at: started_at.unwrap_or(now).to_text(),
        started_at: started_at.map(|t| t.to_text()),
        completed_at: completed_at.map(|t| t.to_text()),
        stages,
    };
    Ok(Read { row, warnings })
}

fn write_stage(row: &StageRow) -> Value {
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("stageId", &row.stage_id, parse_nonempty, render_string);
    if let Ok(status) = row.status.parse() {
        w.put("status", &status, parse_stage_status, render_stage_status);
    }
    put_ts(&mut w, "startedAt", row.started_at.as_deref());
    put_ts(&mut w, "completedAt", row.completed_at.as_deref());
    let output = row
        .output
        .as_deref()
        .and_then(|o| serde_json::from_str::<Value>(o).ok());
    w.put_opt("output", output.as_ref(), parse_json, render_json);
    w.put_opt("error", row.error.as_ref(), parse_string, render_string);
    w.finish()
}

pub fn write_execution(row: &ExecutionRow) -> Value {
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("id", &row.id, parse_execution_id, render_string);
    w.put_opt(
        "workflowId",
        row.workflow_id.as_ref(),
        parse_string,
        render_string,
    );
    w.put_opt("projectId", row.project_id.as_ref(), parse_string, render_string);
    if let Ok(status) = row.status.parse() {
        w.put("status", &status, parse_execution_status, render_execution_status);
    }
    put_ts(&mut w, "startedAt", row.started_at.as_deref());
    put_ts(&mut w, "completedAt", row.completed_at.as_deref());
    let input = serde_json::from_str::<Value>(&row.input).unwrap_or(Value::Object(Map::new()));
    w.put_defaulted("input", &input, parse_json, render_json);
    let stages = Value::Array(row.stages.iter().map(write_stage).collect());
    w.put_defaulted("stages", &stages, parse_json, render_json);
    let result = row
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<Value>(r).ok());
    w.put_opt("result", result.as_ref(), parse_json, render_json);
    w.finish()
}

// ---------------------------------------------------------------- events

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: String,
    pub execution_id: Option<String>,
    pub event_type: String,
    pub occurred_at: String,
    pub data: String,
    pub extra: String,
}

pub fn read_event(v: &Value, known: &impl Known) -> Result<Read<EventRow>, Refusal> {
    let mut r = Reader::new(object(v)?);
    let id = r.required("id", parse_record_id, render_string)?;
    let execution_id = r.reference("executionId", |e| known.execution_exists(e));
    let event_type = r.required("type", parse_nonempty, render_string)?;
    let occurred_at = r.required("timestamp", parse_ts, render_ts)?;
    let data = r.optional_json_or("data", Value::Object(Map::new()));
    let warnings = std::mem::take(&mut r.warnings);
    let row = EventRow {
        id,
        execution_id,
        event_type,
        occurred_at: occurred_at.to_text(),
        data: json_text(&data),
        extra: extra_text(r.finish()),
    };
    Ok(Read { row, warnings })
}

pub fn write_event(row: &EventRow) -> Value {
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("id", &row.id, parse_record_id, render_string);
    w.put_opt(
        "executionId",
        row.execution_id.as_ref(),
        parse_string,
        render_string,
    );
    w.put("type", &row.event_type, parse_nonempty, render_string);
    put_ts(&mut w, "timestamp", Some(&row.occurred_at));
    let data = serde_json::from_str::<Value>(&row.data).unwrap_or(Value::Object(Map::new()));
    w.put_defaulted("data", &data, parse_json, render_json);
    w.finish()
}

// ---------------------------------------------------------------- activity

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub id: String,
    pub project_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub summary: String,
    pub occurred_at: String,
    pub meta: String,
    pub extra: String,
}

pub fn read_activity(v: &Value, known: &impl Known) -> Result<Read<ActivityRow>, Refusal> {
    let mut r = Reader::new(object(v)?);
    let id = r.required("id", parse_record_id, render_string)?;
    let project_id = r.reference("projectId", |p| known.project_currency(p).is_some());
    let actor = r.required("actor", parse_actor, render_string)?;
    let action = r.required("action", parse_nonempty, render_string)?;
    let summary = r.optional_or("summary", parse_string, render_string, String::new());
    let occurred_at = r.required("timestamp", parse_ts, render_ts)?;
    let meta = r.optional_json_or("meta", Value::Object(Map::new()));
    let warnings = std::mem::take(&mut r.warnings);
    let row = ActivityRow {
        id,
        project_id,
        actor,
        action,
        summary,
        occurred_at: occurred_at.to_text(),
        meta: json_text(&meta),
        extra: extra_text(r.finish()),
    };
    Ok(Read { row, warnings })
}

pub fn write_activity(row: &ActivityRow) -> Value {
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("id", &row.id, parse_record_id, render_string);
    w.put_opt("projectId", row.project_id.as_ref(), parse_string, render_string);
    w.put("actor", &row.actor, parse_actor, render_string);
    w.put("action", &row.action, parse_nonempty, render_string);
    w.put_defaulted("summary", &row.summary, parse_string, render_string);
    put_ts(&mut w, "timestamp", Some(&row.occurred_at));
    let meta = serde_json::from_str::<Value>(&row.meta).unwrap_or(Value::Object(Map::new()));
    w.put_defaulted("meta", &meta, parse_json, render_json);
    w.finish()
}

// ---------------------------------------------------------------- campaign metrics

#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub campaign_id: String,
    pub date: String,
    pub platform: String,
    pub currency: String,
    pub values: MetricValues,
    pub raw: String,
    pub extra: String,
}

pub fn read_metric(v: &Value, known: &impl Known) -> Result<Read<MetricRow>, Refusal> {
    let mut r = Reader::new(object(v)?);
    let campaign_id = r.required("campaignId", parse_campaign_id, render_string)?;
    let (campaign_platform, currency) = known
        .campaign(&campaign_id)
        .ok_or_else(|| Refusal(format!("its campaign '{campaign_id}' does not exist")))?;
    let platform = r.required("platform", parse_platform, render_platform)?;
    if platform != campaign_platform {
        return Err(Refusal(format!(
            "platform '{platform}' does not match its campaign's platform '{campaign_platform}'"
        )));
    }
    let date = r.required("date", parse_day, render_day)?;
    let raw = r.required_json("raw")?;
    if !raw.is_object() {
        return Err(Refusal("field 'raw': expected an object".to_owned()));
    }
    let values = normalize(platform, raw).map_err(|e| Refusal(format!("field 'raw': {e}")))?;
    let warnings = std::mem::take(&mut r.warnings);
    let row = MetricRow {
        campaign_id,
        date: crate::time::date_text(date),
        platform: platform.as_str().to_owned(),
        currency: currency.to_string(),
        values,
        raw: json_text(raw),
        extra: extra_text(r.finish()),
    };
    Ok(Read { row, warnings })
}

pub fn write_metric(row: &MetricRow) -> Value {
    let extra = parse_extra(&row.extra);
    let mut w = Writer::new(&extra);
    w.put("campaignId", &row.campaign_id, parse_campaign_id, render_string);
    if let Ok(p) = row.platform.parse::<Platform>() {
        w.put("platform", &p, parse_platform, render_platform);
    }
    if let Ok(d) = crate::time::parse_date(&row.date) {
        w.put("date", &d, parse_day, render_day);
    }
    let raw = serde_json::from_str::<Value>(&row.raw).unwrap_or(Value::Null);
    w.put("raw", &raw, parse_json, render_json);
    w.finish()
}
