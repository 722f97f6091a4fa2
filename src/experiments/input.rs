//! An experiment as sent (to create one) and a change to one, parsed at the edge; every bad field
//! is named (`variants[1].object_id`).

use super::model::Guardrail;
use super::words::{DecisionMode, ExperimentMetric, Level};
use crate::ids::ProjectId;
use crate::json_fields as f;
use crate::platform::Platform;
use crate::validation::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const NAME_MAX: usize = 120;
pub const HYPOTHESIS_MAX: usize = 1000;
pub const VARIANTS_MAX: usize = 10;
pub const OBJECT_ID_MAX: usize = 64;

/// What a variant tests: an object the account has, or one to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum VariantObject {
    /// The platform's id of a campaign, ad group or ad.
    Existing(String),
    /// A Pin to promote as a new ad in the control's ad group (Pinterest ad tests).
    NewAd { pin_id: String },
}

/// A variant as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewVariant {
    /// The name shown; the object's own name when left out.
    pub name: Option<String>,
    pub object: VariantObject,
    pub weight: f64,
    pub control: bool,
}

impl NewVariant {
    /// The existing object's id (none for one to make).
    pub fn object_id(&self) -> Option<&str> {
        match &self.object {
            VariantObject::Existing(id) => Some(id),
            VariantObject::NewAd { .. } => None,
        }
    }
}

/// An experiment to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewExperiment {
    pub project_id: ProjectId,
    pub name: String,
    pub hypothesis: String,
    pub platform: Platform,
    pub level: Level,
    pub metric: ExperimentMetric,
    pub guardrails: Vec<Guardrail>,
    pub alpha: f64,
    pub mode: DecisionMode,
    pub planned_per_arm: Option<u64>,
    pub auto_apply: bool,
    pub variants: Vec<NewVariant>,
    /// The first day of results to count (default: the day it starts).
    pub started_on: Option<NaiveDate>,
    /// Start it now (default: saved as a draft).
    pub start: bool,
}

const FIELDS: [&str; 14] = [
    "project_id",
    "name",
    "hypothesis",
    "platform",
    "level",
    "metric",
    "guardrails",
    "alpha",
    "mode",
    "planned_per_arm",
    "auto_apply",
    "variants",
    "started_on",
    "start",
];
const VARIANT_FIELDS: [&str; 5] = ["name", "object_id", "pin_id", "weight", "control"];
const GUARDRAIL_FIELDS: [&str; 2] = ["metric", "max_worse"];

fn date(v: Option<&Value>, path: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let s = f::text(v, path, errors)?;
    match crate::time::parse_date(s) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.add(path, e.to_string());
            None
        }
    }
}

fn variants(v: Option<&Value>, errors: &mut FieldErrors) -> Vec<NewVariant> {
    let Some(items) = v.and_then(Value::as_array) else {
        errors.add("variants", "is required: a list of 2 to 10 variants, each {\"object_id\" (or \"pin_id\"), \"name\"?, \"weight\"?, \"control\"?}");
        return Vec::new();
    };
    if items.len() < 2 || items.len() > VARIANTS_MAX {
        errors.add(
            "variants",
            format!("must hold 2 to {VARIANTS_MAX} variants (got {})", items.len()),
        );
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().take(VARIANTS_MAX).enumerate() {
        let path = format!("variants[{i}]");
        let Some(map) = item.as_object() else {
            errors.add(
                &path,
                "must be an object: {\"object_id\" (or \"pin_id\"), \"name\"?, \"weight\"?, \"control\"?}",
            );
            continue;
        };
        f::known(map, &path, &VARIANT_FIELDS, errors);
        let object_id = f::line(
            map.get("object_id"),
            &format!("{path}.object_id"),
            OBJECT_ID_MAX,
            errors,
        );
        let pin_id = f::line(
            map.get("pin_id"),
            &format!("{path}.pin_id"),
            OBJECT_ID_MAX,
            errors,
        );
        if pin_id
            .as_deref()
            .is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.add(&format!("{path}.pin_id"), "must be a Pin's id (digits)");
        }
        let given = |k: &str| map.get(k).is_some_and(|v| !v.is_null());
        if given("object_id") && given("pin_id") {
            errors.add(
                &format!("{path}.pin_id"),
                "give object_id (an existing object) or pin_id (a new ad from a Pin), not both",
            );
        } else if object_id.is_none()
            && pin_id.is_none()
            && !map
                .get("object_id")
                .is_some_and(|v| v.is_string() && !v.as_str().unwrap_or("").trim().is_empty())
            && !given("pin_id")
        {
            errors.add(
                &format!("{path}.object_id"),
                "is required: the platform's id of the campaign, ad group or ad (or pin_id: a Pin to make a new ad of)",
            );
        }
        let name = f::line(map.get("name"), &format!("{path}.name"), NAME_MAX, errors);
        let weight = f::number(
            map.get("weight"),
            &format!("{path}.weight"),
            |x| x > 0.0 && x <= 1e6,
            "must be a number more than 0 (its share of the traffic)",
            errors,
        );
        let control = f::flag(map.get("control"), &format!("{path}.control"), errors);
        let object = match (object_id, pin_id) {
            (Some(id), None) => Some(("object_id", VariantObject::Existing(id))),
            (None, Some(pin_id)) => Some(("pin_id", VariantObject::NewAd { pin_id })),
            _ => None,
        };
        if let Some((field, object)) = object {
            if out.iter().any(|v: &NewVariant| v.object == object) {
                let what = match &object {
                    VariantObject::Existing(id) | VariantObject::NewAd { pin_id: id } => id,
                };
                errors.add(
                    &format!("{path}.{field}"),
                    format!("'{what}' is already another variant"),
                );
            }
            out.push(NewVariant {
                name,
                object,
                weight: weight.unwrap_or(1.0),
                control: control.unwrap_or(false),
            });
        }
    }
    let controls = out.iter().filter(|v| v.control).count();
    if controls > 1 {
        errors.add("variants", "at most one variant is the control");
    } else if controls == 0
        && let Some(first) = out.first_mut()
    {
        first.control = true;
    }
    out
}

fn guardrails(
    v: Option<&Value>,
    primary: Option<ExperimentMetric>,
    errors: &mut FieldErrors,
) -> Vec<Guardrail> {
    let items = match v {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.add("guardrails", "must be a list of {\"metric\", \"max_worse\"}");
            return Vec::new();
        }
    };
    let mut out: Vec<Guardrail> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("guardrails[{i}]");
        let Some(map) = item.as_object() else {
            errors.add(&path, "must be an object: {\"metric\", \"max_worse\"}");
            continue;
        };
        f::known(map, &path, &GUARDRAIL_FIELDS, errors);
        let metric = f::word::<ExperimentMetric>(
            map.get("metric"),
            &format!("{path}.metric"),
            &ExperimentMetric::names(),
            errors,
        );
        if map.get("metric").is_none_or(Value::is_null) {
            errors.add(
                &format!("{path}.metric"),
                format!("is required: one of {}", ExperimentMetric::names()),
            );
        }
        let max_worse = f::number(
            map.get("max_worse"),
            &format!("{path}.max_worse"),
            |x| (0.0..=1.0).contains(&x),
            "must be a share from 0 to 1 (0.1: at most 10% worse)",
            errors,
        );
        if let Some(metric) = metric {
            if Some(metric) == primary {
                errors.add(&format!("{path}.metric"), "is the primary metric already");
            } else if out.iter().any(|g| g.metric == metric) {
                errors.add(&format!("{path}.metric"), "is another guardrail already");
            } else {
                out.push(Guardrail {
                    metric,
                    max_worse: max_worse.unwrap_or(0.1),
                });
            }
        }
    }
    out
}

/// Parses an experiment to create.
pub fn parse_new(body: &Value) -> Result<NewExperiment, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(map) = body.as_object() else {
        return Err(FieldErrors::single("body", "must be a JSON object"));
    };
    f::known(map, "", &FIELDS, &mut errors);
    let project_id = match f::text(map.get("project_id"), "project_id", &mut errors) {
        Some(s) => ProjectId::parse(s)
            .map_err(|e| errors.add("project_id", e.to_string()))
            .ok(),
        None => {
            errors.add("project_id", "is required");
            None
        }
    };
    let name = f::line(map.get("name"), "name", NAME_MAX, &mut errors);
    if map
        .get("name")
        .and_then(Value::as_str)
        .is_none_or(|s| s.trim().is_empty())
    {
        errors.add("name", "is required");
    }
    let hypothesis =
        f::line(map.get("hypothesis"), "hypothesis", HYPOTHESIS_MAX, &mut errors).unwrap_or_default();
    let platform = f::word::<Platform>(
        map.get("platform"),
        "platform",
        "google, meta, pinterest",
        &mut errors,
    );
    if map.get("platform").is_none_or(Value::is_null) {
        errors.add("platform", "is required: google, meta or pinterest");
    }
    let level =
        f::word::<Level>(map.get("level"), "level", &Level::names(), &mut errors).unwrap_or(Level::Campaigns);
    let metric = f::word::<ExperimentMetric>(
        map.get("metric"),
        "metric",
        &ExperimentMetric::names(),
        &mut errors,
    );
    if map.get("metric").is_none_or(Value::is_null) {
        errors.add(
            "metric",
            format!("is required: one of {}", ExperimentMetric::names()),
        );
    }
    let guardrails = guardrails(map.get("guardrails"), metric, &mut errors);
    let alpha = f::number(
        map.get("alpha"),
        "alpha",
        crate::stats::proportions::alpha_ok,
        "must be a number from 1e-10 to below 0.5 (0.05 when left out)",
        &mut errors,
    )
    .unwrap_or(0.05);
    let mode = f::word::<DecisionMode>(map.get("mode"), "mode", &DecisionMode::names(), &mut errors)
        .unwrap_or(DecisionMode::Sequential);
    let planned_per_arm = f::whole(
        map.get("planned_per_arm"),
        "planned_per_arm",
        1,
        1_000_000_000_000,
        &mut errors,
    );
    if mode == DecisionMode::Fixed
        && planned_per_arm.is_none()
        && map.get("planned_per_arm").is_none_or(Value::is_null)
    {
        errors.add("planned_per_arm", "is required in fixed mode: the visitors each variant needs before the one look (the power calculator says how many)");
    }
    let auto_apply = f::flag(map.get("auto_apply"), "auto_apply", &mut errors).unwrap_or(false);
    let start = f::flag(map.get("start"), "start", &mut errors).unwrap_or(false);
    let started_on = date(map.get("started_on"), "started_on", &mut errors);
    let variants = variants(map.get("variants"), &mut errors);
    // New ads from Pins join the control's ad group: a Pinterest ad test with an existing control.
    for (i, v) in variants.iter().enumerate() {
        if v.object_id().is_some() {
            continue;
        }
        let path = format!("variants[{i}].pin_id");
        if level != Level::Ads || platform.is_some_and(|p| p != Platform::Pinterest) {
            errors.add(
                &path,
                "new ads from Pins are made for Pinterest ad tests (level ads)",
            );
        } else if v.control {
            errors.add(
                &path,
                "the control must be an existing ad: the new ads join its ad group",
            );
        }
    }
    match (project_id, name, platform, metric) {
        (Some(project_id), Some(name), Some(platform), Some(metric)) if errors.is_empty() => {
            Ok(NewExperiment {
                project_id,
                name,
                hypothesis,
                platform,
                level,
                metric,
                guardrails,
                alpha,
                mode,
                planned_per_arm,
                auto_apply,
                variants,
                started_on,
                start,
            })
        }
        _ => Err(errors),
    }
}

/// A change to an experiment: its words and settings (a draft's variants and metric too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExperimentPatch {
    pub name: Option<String>,
    pub hypothesis: Option<String>,
    pub auto_apply: Option<bool>,
    pub alpha: Option<f64>,
    pub guardrails: Option<Vec<Guardrail>>,
}

const PATCH_FIELDS: [&str; 5] = ["name", "hypothesis", "auto_apply", "alpha", "guardrails"];

/// Parses a change.
pub fn parse_patch(body: &Value) -> Result<ExperimentPatch, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(map) = body.as_object() else {
        return Err(FieldErrors::single("body", "must be a JSON object"));
    };
    f::known(map, "", &PATCH_FIELDS, &mut errors);
    if map.is_empty() {
        errors.add(
            "body",
            format!("names nothing to change (one of: {})", PATCH_FIELDS.join(", ")),
        );
    }
    let name = f::line(map.get("name"), "name", NAME_MAX, &mut errors);
    if map
        .get("name")
        .is_some_and(|v| v.as_str().is_some_and(|s| s.trim().is_empty()))
    {
        errors.add("name", "must not be empty");
    }
    let patch = ExperimentPatch {
        name,
        hypothesis: map.contains_key("hypothesis").then(|| {
            f::line(map.get("hypothesis"), "hypothesis", HYPOTHESIS_MAX, &mut errors).unwrap_or_default()
        }),
        auto_apply: f::flag(map.get("auto_apply"), "auto_apply", &mut errors),
        alpha: f::number(
            map.get("alpha"),
            "alpha",
            crate::stats::proportions::alpha_ok,
            "must be a number from 1e-10 to below 0.5",
            &mut errors,
        ),
        guardrails: map
            .contains_key("guardrails")
            .then(|| guardrails(map.get("guardrails"), None, &mut errors)),
    };
    errors.into_result(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn good() -> Value {
        json!({"project_id": "proj_0001", "name": "Headline", "platform": "pinterest", "metric": "cvr",
               "variants": [{"object_id": "111"}, {"object_id": "222", "name": "Benefit headline"}]})
    }

    #[test]
    fn a_minimal_experiment_gets_its_defaults() {
        let e = parse_new(&good()).expect("valid");
        assert_eq!(e.level, Level::Campaigns);
        assert_eq!(e.mode, DecisionMode::Sequential);
        assert_eq!(e.alpha, 0.05);
        assert!(e.variants[0].control && !e.variants[1].control);
        assert_eq!(e.variants[0].name, None);
        assert_eq!(e.variants[1].name.as_deref(), Some("Benefit headline"));
        assert_eq!(e.variants[1].weight, 1.0);
        assert!(!e.start && !e.auto_apply);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut b = good();
        b["variants"] = json!([{"object_id": "111", "weight": 0}, {"object_id": "111", "control": "maybe"}, {"name": "x"}]);
        b["alpha"] = json!(0.9);
        b["mode"] = json!("fixed");
        b["guardrails"] = json!([{"metric": "cvr"}, {"metric": "roas"}]);
        b["colour"] = json!("red");
        let errors = parse_new(&b).expect_err("bad").to_string();
        for field in [
            "variants[0].weight",
            "variants[1].object_id",
            "variants[1].control",
            "variants[2].object_id",
            "alpha",
            "planned_per_arm",
            "guardrails[0].metric",
            "guardrails[1].metric",
            "colour",
        ] {
            assert!(errors.contains(field), "{field} in {errors}");
        }
        let mut b = good();
        b["variants"] = json!([{"object_id": "1"}]);
        assert!(parse_new(&b).expect_err("one").to_string().contains("2 to 10"));
    }

    #[test]
    fn a_pin_makes_a_new_ad_beside_an_existing_control() {
        let mut b = good();
        b["level"] = json!("ads");
        b["platform"] = json!("pinterest");
        b["variants"] = json!([{"object_id": "111"}, {"pin_id": "555", "name": "Lifestyle"}]);
        let e = parse_new(&b).expect("valid");
        assert_eq!(e.variants[0].object_id(), Some("111"));
        assert_eq!(
            e.variants[1].object,
            VariantObject::NewAd { pin_id: "555".into() }
        );
        let errors = |variants: Value, level: &str| {
            let mut b = good();
            b["level"] = json!(level);
            b["platform"] = json!("pinterest");
            b["variants"] = variants;
            parse_new(&b).expect_err("refused").to_string()
        };
        assert!(
            errors(json!([{"pin_id": "555"}, {"object_id": "111"}]), "ads").contains("variants[0].pin_id")
        );
        assert!(
            errors(json!([{"object_id": "111"}, {"pin_id": "555"}]), "campaigns")
                .contains("variants[1].pin_id")
        );
        assert!(
            errors(
                json!([{"object_id": "1"}, {"object_id": "2", "pin_id": "3"}]),
                "ads"
            )
            .contains("not both")
        );
        assert!(errors(json!([{"object_id": "1"}, {"pin_id": "pin-3"}]), "ads").contains("digits"));
    }

    #[test]
    fn a_patch_names_what_it_changes() {
        let p = parse_patch(&json!({"name": "New", "auto_apply": true})).expect("valid");
        assert_eq!(p.name.as_deref(), Some("New"));
        assert_eq!(p.auto_apply, Some(true));
        assert!(parse_patch(&json!({})).is_err());
        assert!(
            parse_patch(&json!({"metric": "ctr"}))
                .expect_err("not patchable")
                .to_string()
                .contains("metric")
        );
    }
}
