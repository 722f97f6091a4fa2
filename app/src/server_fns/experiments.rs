//! A/B experiments: the Experiments page's list, an experiment's results, the objects a new one
//! can test, creating one, and its buttons (start, stop, apply, delete). Each is a thin adapter
//! over `Services.experiments`. Without JavaScript a form post is sent back to the page; what it
//! did (a notice) or the error with what was typed waits in the flash store.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
pub use switchboard_core::experiments::Experiment;
pub use switchboard_core::experiments::views::{
    ExperimentObject, ExperimentPage, ExperimentResults, ExperimentSummary,
};

/// Experiments per page of the list.
pub const PAGE_SIZE: u32 = 25;

/// Who changes experiments from the pages.
#[cfg(feature = "ssr")]
const WHO: &str = "owner";

/// What a post from the Experiments pages left: a notice, or the error with what was typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentFlash {
    pub notice: Option<String>,
    pub error: Option<AppError>,
    pub typed: Option<super::flash::TypedForm>,
}

#[cfg(feature = "ssr")]
fn experiment_id(id: &str) -> Result<switchboard_core::ids::ExperimentId, AppError> {
    switchboard_core::ids::ExperimentId::parse(id.trim())
        .map_err(|_| AppError::NotFound(format!("experiment '{id}' was not found")))
}

/// Keeps, for a plain form post, a notice on success or the error with what was typed.
#[cfg(feature = "ssr")]
fn after<T>(
    result: &Result<T, AppError>,
    notice: impl FnOnce(&T) -> String,
    typed: impl FnOnce() -> super::flash::TypedForm,
) {
    use super::flash::{Flash, FlashScope, ssr::keep};
    let flash = match result {
        Ok(v) => ExperimentFlash {
            notice: Some(notice(v)),
            error: None,
            typed: None,
        },
        Err(e) => ExperimentFlash {
            notice: None,
            error: Some(e.clone()),
            typed: Some(typed()),
        },
    };
    keep(FlashScope::Experiments, || Flash::Experiments(flash));
}

/// A page of experiments, newest first, with what each last said.
#[server]
pub async fn list_experiments(
    project_id: Option<String>,
    status: Option<String>,
    page: Option<u32>,
) -> Result<ExperimentPage, AppError> {
    super::ssr::respond(
        async move {
            use super::ssr::invalid;
            let given = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            let mut filter = switchboard_core::experiments::ExperimentFilter {
                project_id: given(project_id)
                    .map(|p| switchboard_core::ProjectId::parse(&p))
                    .transpose()
                    .map_err(|e| invalid("project_id", e.to_string()))?,
                status: given(status)
                    .map(|s| s.parse::<switchboard_core::experiments::ExperimentStatus>())
                    .transpose()
                    .map_err(|e| invalid("status", e.to_string()))?,
                limit: PAGE_SIZE,
                offset: 0,
            };
            filter.limit = PAGE_SIZE;
            filter.offset = (page.unwrap_or(1).max(1) - 1).saturating_mul(PAGE_SIZE);
            Ok(super::ssr::services()?.experiments.list(&filter).await?)
        }
        .await,
    )
    .await
}

/// An experiment with its latest evaluation (a running one is read and evaluated first), its
/// days and its history.
#[server]
pub async fn get_experiment_results(id: String) -> Result<ExperimentResults, AppError> {
    super::ssr::respond(
        async move {
            let id = experiment_id(&id)?;
            Ok(super::ssr::services()?.experiments.results(&id).await?)
        }
        .await,
    )
    .await
}

/// The project's objects an experiment on `platform` at `level` can test, with their recent
/// daily delivery.
#[server]
pub async fn experiment_objects(
    project_id: String,
    platform: String,
    level: String,
) -> Result<Vec<ExperimentObject>, AppError> {
    use super::ssr::invalid;
    super::ssr::respond(
        async move {
            let project = switchboard_core::ProjectId::parse(project_id.trim())
                .map_err(|e| invalid("project_id", e.to_string()))?;
            let platform: switchboard_core::Platform = platform
                .parse()
                .map_err(|e: switchboard_core::ParseError| invalid("platform", e.to_string()))?;
            let level: switchboard_core::experiments::Level = level
                .parse()
                .map_err(|e: switchboard_core::ParseError| invalid("level", e.to_string()))?;
            Ok(super::ssr::services()?
                .experiments
                .objects(&project, platform, level)
                .await?)
        }
        .await,
    )
    .await
}

/// The create form's fields, as the browser posts them (all text; checked by the same parser as
/// `POST /api/v1/experiments`). `variants` holds the chosen objects (`variants[v_<id>]=on`),
/// `weights` their split (`weights[v_<id>]`), `control` the control's id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewExperimentForm {
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub hypothesis: Option<String>,
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub metric: String,
    #[serde(default)]
    pub alpha: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub planned_per_arm: Option<String>,
    #[serde(default)]
    pub auto_apply: Option<String>,
    #[serde(default)]
    pub started_on: Option<String>,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub control: Option<String>,
    /// Pinterest ad tests: Pins to promote as new ads beside the control (ids, by commas or spaces).
    #[serde(default)]
    pub new_pins: Option<String>,
    #[serde(default)]
    pub variants: HashMap<String, String>,
    #[serde(default)]
    pub weights: HashMap<String, String>,
}

/// The prefix of a chosen object's key in the form (`v_<id>`): a key of digits alone would be
/// read as a list index.
pub const VARIANT_KEY: &str = "v_";

impl NewExperimentForm {
    /// The chosen objects' ids, in order (the form's fields come in no order; the control is
    /// marked, not first).
    pub fn chosen(&self) -> Vec<String> {
        let mut on: Vec<String> = self
            .variants
            .iter()
            .filter(|(_, v)| !v.is_empty() && v.as_str() != "off")
            .filter_map(|(k, _)| k.strip_prefix(VARIANT_KEY).map(str::to_owned))
            .collect();
        on.sort();
        on
    }

    /// The body `POST /api/v1/experiments` takes, from the form.
    pub fn body(&self) -> serde_json::Value {
        use serde_json::{Value, json};
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_owned()))
        };
        let number = |v: &Option<String>| {
            let t = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            Some(
                t.parse::<f64>()
                    .map_or_else(|_| Value::String(t.to_owned()), |n| json!(n)),
            )
        };
        let control = self.control.as_deref().map(str::trim).unwrap_or_default();
        let mut variants: Vec<Value> = self
            .chosen()
            .iter()
            .map(|id| {
                let mut v = json!({"object_id": id});
                if let Some(w) = number(&self.weights.get(&format!("{VARIANT_KEY}{id}")).cloned()) {
                    v["weight"] = w;
                }
                if !control.is_empty() {
                    v["control"] = json!(control == id);
                }
                v
            })
            .collect();
        for pin in self
            .new_pins
            .as_deref()
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            variants.push(json!({"pin_id": pin}));
        }
        let mut body = json!({
            "project_id": self.project_id.trim(),
            "name": self.name,
            "platform": self.platform.trim(),
            "level": self.level.trim(),
            "metric": self.metric.trim(),
            "variants": variants,
            "auto_apply": self.auto_apply.as_deref().is_some_and(|v| v == "on" || v == "true"),
            "start": self.start.as_deref().is_some_and(|v| v == "on" || v == "true"),
        });
        for (k, v) in [
            ("hypothesis", text(&self.hypothesis)),
            ("mode", text(&self.mode)),
            ("started_on", text(&self.started_on)),
            ("alpha", number(&self.alpha)),
            ("planned_per_arm", number(&self.planned_per_arm)),
        ] {
            if let Some(v) = v {
                body[k] = v;
            }
        }
        body
    }

    /// What was typed, to fill the form again after an error without JavaScript.
    pub fn typed(&self) -> super::flash::TypedForm {
        let mut values: Vec<(String, String)> = [
            ("project_id", Some(self.project_id.clone())),
            ("name", Some(self.name.clone())),
            ("hypothesis", self.hypothesis.clone()),
            ("platform", Some(self.platform.clone())),
            ("level", Some(self.level.clone())),
            ("metric", Some(self.metric.clone())),
            ("alpha", self.alpha.clone()),
            ("mode", self.mode.clone()),
            ("planned_per_arm", self.planned_per_arm.clone()),
            ("auto_apply", self.auto_apply.clone()),
            ("started_on", self.started_on.clone()),
            ("start", self.start.clone()),
            ("control", self.control.clone()),
            ("new_pins", self.new_pins.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
        for (k, v) in &self.variants {
            values.push((format!("variants.{k}"), v.clone()));
        }
        for (k, v) in &self.weights {
            values.push((format!("weights.{k}"), v.clone()));
        }
        super::flash::TypedForm {
            form: "new-experiment".to_owned(),
            values,
        }
    }
}

/// Creates an experiment from the page's form, then opens it.
#[server]
pub async fn create_experiment(form: NewExperimentForm) -> Result<Experiment, AppError> {
    let typed = form.typed();
    let result = async move {
        let body = form.body();
        let input = switchboard_core::experiments::input::parse_new(&body).map_err(AppError::Validation)?;
        let e = super::ssr::services()?.experiments.create(input, WHO).await?;
        leptos_axum::redirect(&format!("/experiments/{}", e.id));
        Ok(e)
    }
    .await;
    if result.is_err() {
        after(&result, |_: &Experiment| String::new(), || typed);
    }
    super::ssr::respond(result).await
}

/// One of an experiment's buttons: `start`, `stop`, `apply` or `delete`.
#[server]
pub async fn experiment_action(id: String, action: String) -> Result<Option<Experiment>, AppError> {
    let result = async {
        let parsed = experiment_id(&id)?;
        let service = super::ssr::services()?.experiments;
        Ok(match action.as_str() {
            "start" => Some(service.start(&parsed, WHO).await?),
            "stop" => Some(service.stop(&parsed, WHO).await?),
            "apply" => Some(service.apply(&parsed, WHO).await?),
            "delete" => {
                service.delete(&parsed).await?;
                leptos_axum::redirect("/experiments");
                None
            }
            other => {
                return Err(super::ssr::invalid(
                    "action",
                    format!("'{other}' is not start, stop, apply or delete"),
                ));
            }
        })
    }
    .await;
    after(&result, |e| action_notice(&action, e.as_ref()), Default::default);
    super::ssr::respond(result).await
}

/// What the page says after a button did its work.
pub fn action_notice(action: &str, e: Option<&Experiment>) -> String {
    let name = e.map_or_else(|| "The experiment".to_owned(), |e| format!("'{}'", e.name));
    match action {
        "start" => format!("{name} is running: its results are read after each sync and every hour."),
        "stop" => format!("{name} was stopped without a decision."),
        "apply" => match e.and_then(|e| e.applied_by.as_ref()) {
            Some(run)
                if e.is_some_and(|e| {
                    e.status == switchboard_core::experiments::ExperimentStatus::Applied
                }) =>
            {
                format!("{name} was applied by run {run}.")
            }
            Some(run) => {
                format!("Applying {name}: run {run} pauses the losers and moves their budget to the winner.")
            }
            None => format!("{name} is being applied."),
        },
        _ => "The experiment was deleted.".to_owned(),
    }
}
