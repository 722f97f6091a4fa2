//! Field codecs for the legacy format: how each kind of value is read and written.

use super::fields::{kind, parse_string};
use crate::campaign::CampaignStatus;
use crate::execution::{ExecutionStatus, StageStatus};
use crate::ids::{ExecutionId, ProjectId, WorkflowId};
use crate::money::{Currency, Micros};
use crate::platform::Platform;
use crate::project::ProjectStatus;
use crate::time::{Timestamp, date_text, parse_date};
use crate::vertical::Vertical;
use crate::workflow::{Agent, Trigger};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

pub fn parse_ts(v: &Value) -> Result<Timestamp, String> {
    Timestamp::parse(&parse_string(v)?).map_err(|e| e.to_string())
}
pub fn render_ts(t: &Timestamp) -> Value {
    Value::String(t.to_text())
}

/// A date exactly as `YYYY-MM-DD` (no spaces: the text is also the record's key).
pub fn parse_day(v: &Value) -> Result<NaiveDate, String> {
    let text = parse_string(v)?;
    if text.trim() != text {
        return Err(format!("'{text}' has spaces around the date"));
    }
    parse_date(&text).map_err(|e| e.to_string())
}
pub fn render_day(d: &NaiveDate) -> Value {
    Value::String(date_text(*d))
}

/// An amount in currency units: a JSON number or a decimal string.
pub fn parse_amount(v: &Value) -> Result<Micros, String> {
    let m = match v {
        Value::String(s) => Micros::parse_units(s).map_err(|e| e.to_string())?,
        Value::Number(n) => Micros::parse_units(&n.to_string())
            .or_else(|_| {
                n.as_f64()
                    .ok_or(())
                    .and_then(|f| Micros::from_units_f64(f).map_err(|_| ()))
                    .map_err(|_| ())
            })
            .map_err(|_| format!("'{n}' is not an amount"))?,
        other => return Err(format!("expected an amount, found {}", kind(other))),
    };
    if m.get() < 0 {
        return Err("must not be negative".to_owned());
    }
    Ok(m)
}
/// Daily budgets were written as floats (`50.0`).
pub fn render_amount_float(m: &Micros) -> Value {
    json!(m.as_units_f64())
}
/// Monthly budgets were written as whole numbers when whole (`25000`).
pub fn render_amount_natural(m: &Micros) -> Value {
    if m.get() % 1_000_000 == 0 {
        json!(m.get() / 1_000_000)
    } else {
        json!(m.as_units_f64())
    }
}

pub fn parse_currency(v: &Value) -> Result<Currency, String> {
    Currency::parse(&parse_string(v)?).map_err(|e| e.to_string())
}
pub fn render_currency(c: &Currency) -> Value {
    Value::String(c.to_string())
}

/// A project's `budget`: `{"monthly": 25000, "currency": "USD"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub monthly: Option<Micros>,
    pub currency: Currency,
}
pub fn parse_budget(v: &Value) -> Result<Budget, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("expected an object, found {}", kind(v)))?;
    let monthly = match obj.get("monthly") {
        None | Some(Value::Null) => None,
        Some(m) => Some(parse_amount(m).map_err(|e| format!("monthly: {e}"))?),
    };
    let currency = match obj.get("currency") {
        None | Some(Value::Null) => Currency::USD,
        Some(c) => parse_currency(c).map_err(|e| format!("currency: {e}"))?,
    };
    Ok(Budget { monthly, currency })
}
pub fn render_budget(b: &Budget) -> Value {
    let mut m = Map::new();
    m.insert(
        "monthly".into(),
        b.monthly
            .as_ref()
            .map(render_amount_natural)
            .unwrap_or(Value::Null),
    );
    m.insert("currency".into(), render_currency(&b.currency));
    Value::Object(m)
}

pub fn parse_platforms(v: &Value) -> Result<Vec<Platform>, String> {
    let items = v
        .as_array()
        .ok_or_else(|| format!("expected a list, found {}", kind(v)))?;
    items
        .iter()
        .map(|p| parse_string(p).and_then(|s| s.parse::<Platform>().map_err(|e| e.to_string())))
        .collect()
}
#[allow(clippy::ptr_arg, reason = "a Render<Vec<Platform>> takes &Vec")]
pub fn render_platforms(ps: &Vec<Platform>) -> Value {
    Value::Array(ps.iter().map(|p| Value::String(p.as_str().to_owned())).collect())
}

pub fn parse_platform(v: &Value) -> Result<Platform, String> {
    parse_string(v)?
        .parse()
        .map_err(|e: crate::ParseError| e.to_string())
}
pub fn render_platform(p: &Platform) -> Value {
    Value::String(p.as_str().to_owned())
}

/// A vertical: a name, label or alias is that vertical; any other word is `other` (the reader notes
/// it, and the word itself is kept as the field's original form). Empty text is not a vertical.
pub fn parse_vertical(v: &Value) -> Result<Vertical, String> {
    let text = parse_string(v)?;
    if text.trim().is_empty() {
        return Err("is empty".to_owned());
    }
    Ok(Vertical::parse_word(&text).unwrap_or(Vertical::Other))
}
pub fn render_vertical(x: &Vertical) -> Value {
    Value::String(x.as_str().to_owned())
}

macro_rules! enum_codec {
    ($parse:ident, $render:ident, $ty:ty) => {
        pub fn $parse(v: &Value) -> Result<$ty, String> {
            parse_string(v)?.parse::<$ty>().map_err(|e| e.to_string())
        }
        pub fn $render(x: &$ty) -> Value {
            Value::String(x.as_str().to_owned())
        }
    };
}
enum_codec!(parse_project_status, render_project_status, ProjectStatus);
enum_codec!(parse_trigger, render_trigger, Trigger);
enum_codec!(parse_execution_status, render_execution_status, ExecutionStatus);
enum_codec!(parse_stage_status, render_stage_status, StageStatus);

macro_rules! id_codec {
    ($parse:ident, $ty:ty) => {
        pub fn $parse(v: &Value) -> Result<String, String> {
            let s = parse_string(v)?;
            <$ty>::parse(&s).map(|_| s).map_err(|e| e.to_string())
        }
    };
}
id_codec!(parse_project_id, ProjectId);
id_codec!(parse_workflow_id, WorkflowId);
id_codec!(parse_execution_id, ExecutionId);

pub fn parse_campaign_id(v: &Value) -> Result<String, String> {
    let s = parse_string(v)?;
    crate::ids::CampaignId::parse(&s)
        .map(|_| s)
        .map_err(|e| e.to_string())
}

/// Any non-empty id without spaces or control characters (events and activity ids).
pub fn parse_record_id(v: &Value) -> Result<String, String> {
    let s = parse_string(v)?;
    if s.is_empty() || s.chars().count() > 128 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("'{s}' is not a usable id"));
    }
    Ok(s)
}

/// `user`, `system` or `agent:NAME` with a known agent.
pub fn parse_actor(v: &Value) -> Result<String, String> {
    let s = parse_string(v)?;
    match s.strip_prefix("agent:") {
        Some(agent) => agent
            .parse::<Agent>()
            .map(|_| s.clone())
            .map_err(|e| e.to_string()),
        None if s == "user" || s == "system" => Ok(s),
        None => Err(format!("'{s}' is not user, system or agent:NAME")),
    }
}

/// A workflow's `stages`: a list of objects with an `agent` Switchboard knows and an `action`.
pub fn parse_stages(v: &Value) -> Result<Value, String> {
    let items = v
        .as_array()
        .ok_or_else(|| format!("expected a list, found {}", kind(v)))?;
    for (i, stage) in items.iter().enumerate() {
        let obj = stage
            .as_object()
            .ok_or_else(|| format!("stage {}: expected an object", i + 1))?;
        let agent = obj
            .get("agent")
            .ok_or_else(|| format!("stage {}: no agent", i + 1))?;
        parse_string(agent)
            .and_then(|a| a.parse::<Agent>().map_err(|e| e.to_string()))
            .map_err(|e| format!("stage {}: {e}", i + 1))?;
        match obj.get("action") {
            Some(Value::String(a)) if !a.trim().is_empty() => {}
            _ => return Err(format!("stage {}: no action", i + 1)),
        }
    }
    Ok(v.clone())
}

/// Maps a campaign's native status (checked against its platform when the record is read).
pub fn normalized_status(platform: Platform, native: &str) -> Result<CampaignStatus, String> {
    CampaignStatus::from_platform(platform, native).map_err(|e| e.to_string())
}
