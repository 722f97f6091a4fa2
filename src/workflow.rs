//! Workflow definitions: ordered stages, each done by an agent with an action and parameters.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        // By hand: the derive cannot read a `rename` that comes through a macro argument.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(t))
                    .ok_or_else(|| ParseError::invalid($what, s, concat!("expected one of: ", $($text, " "),+)))
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// The agents that do a workflow's stages.
    Agent, "agent", {
        Strategist => "Strategist",
        SocialMediaBuyer => "SocialMediaBuyer",
        Trader => "Trader",
        Analyst => "Analyst",
    }
);

text_enum!(
    /// What starts a workflow.
    Trigger, "trigger", {
        Manual => "manual",
        Schedule => "schedule",
        Webhook => "webhook",
    }
);

/// One stage of a workflow: an agent doing an action with parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageDef {
    pub id: String,
    pub name: String,
    pub agent: Agent,
    pub action: String,
    #[serde(default = "empty_object")]
    pub params: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// A workflow definition: ordered stages, how it starts, which project it works for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workflow {
    pub id: crate::ids::WorkflowId,
    pub project_id: Option<crate::ids::ProjectId>,
    pub name: String,
    pub description: Option<String>,
    pub trigger: Trigger,
    /// A cron expression, for `schedule` triggers.
    pub schedule: Option<String>,
    pub stages: Vec<StageDef>,
    /// Whether its write actions wait for approval.
    #[serde(default)]
    pub approval: crate::approval::ApprovalPolicy,
    /// The template it was made from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// When the scheduler last started it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<crate::time::Timestamp>,
    pub created_at: crate::time::Timestamp,
    pub updated_at: Option<crate::time::Timestamp>,
}

/// A stage as a client writes it (the id and name may be left out).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Agent))]
    pub agent: String,
    pub action: String,
    #[serde(default = "empty_object")]
    pub params: serde_json::Value,
}

/// A whole workflow definition as a client sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkflowInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, pattern = r"\S"))]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    /// The project its runs work for; blank or `null` for none.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::project_id_or_blank))]
    pub project_id: Option<String>,
    #[serde(default)]
    /// `manual` when blank or left out.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::trigger_or_blank))]
    pub trigger: Option<String>,
    #[serde(default)]
    pub schedule: Option<String>,
    pub stages: Vec<StageInput>,
    /// Whether write actions wait for approval; `{"mode": "propose"}` when left out.
    #[serde(default)]
    pub approval: Option<crate::approval::ApprovalPolicy>,
}

/// A checked definition, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowDraft {
    pub project_id: Option<crate::ids::ProjectId>,
    pub name: String,
    pub description: Option<String>,
    pub trigger: Trigger,
    pub schedule: Option<String>,
    pub stages: Vec<StageDef>,
    pub approval: crate::approval::ApprovalPolicy,
    pub template_id: Option<String>,
}

/// The most stages a workflow may have.
pub const MAX_STAGES: usize = 20;

impl WorkflowInput {
    /// Checks every field and every stage (its agent, that the agent has the action, its
    /// parameters against the action's schema); the errors name `stages[2].params.lookback_days`.
    pub fn validate(&self) -> Result<WorkflowDraft, crate::validation::FieldErrors> {
        let mut errors = crate::validation::FieldErrors::new();
        let name = crate::validation::required_name(&mut errors, "name", &self.name, 120);
        let name = name.as_str();
        let project_id = crate::validation::optional_id(
            &mut errors,
            "project_id",
            self.project_id.as_deref(),
            crate::ids::ProjectId::parse,
        );
        let trigger = match self.trigger.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Some(Trigger::Manual),
            Some(t) => t
                .parse::<Trigger>()
                .map_err(|e| errors.add("trigger", e.to_string()))
                .ok(),
        };
        let schedule = self.schedule.as_deref().map(str::trim).filter(|s| !s.is_empty());
        match (trigger, schedule) {
            (Some(Trigger::Schedule), None) => {
                errors.add("schedule", "a scheduled workflow needs a cron expression")
            }
            (Some(Trigger::Schedule), Some(cron)) => {
                if let Err(e) = crate::schedule::Cron::parse(cron) {
                    errors.add("schedule", e.to_string());
                }
            }
            (Some(_), Some(_)) => errors.add("schedule", "only scheduled workflows take a cron expression"),
            _ => {}
        }
        if self.stages.is_empty() {
            errors.add("stages", "a workflow needs at least one stage");
        }
        if self.stages.len() > MAX_STAGES {
            errors.add("stages", format!("at most {MAX_STAGES} stages"));
        }
        let mut stages = Vec::new();
        for (i, s) in self.stages.iter().enumerate() {
            let at = format!("stages[{i}]");
            let id =
                s.id.as_deref()
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map_or_else(|| format!("s{}", i + 1), str::to_owned);
            if id.len() > 40
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                errors.add(&format!("{at}.id"), "letters, digits, - and _ (at most 40)");
            }
            if stages.iter().any(|x: &StageDef| x.id == id) {
                errors.add(&format!("{at}.id"), format!("'{id}' is used by another stage"));
            }
            let agent = match s.agent.parse::<Agent>() {
                Ok(a) => a,
                Err(e) => {
                    errors.add(&format!("{at}.agent"), e.to_string());
                    continue;
                }
            };
            // No parameters (or `null`) means the action's defaults.
            let params = if s.params.is_null() {
                empty_object()
            } else {
                s.params.clone()
            };
            // An earlier version's words (`analyze`, `lookbackDays`) are read as today's.
            let (action, params) = crate::agents::canonical_stage(agent, &s.action, &params);
            let action = action.as_str();
            match crate::agents::find_action(agent, action) {
                None => errors.add(
                    &format!("{at}.action"),
                    format!(
                        "{agent} has no action '{action}' (it has: {})",
                        crate::agents::actions_of(agent)
                            .map(|a| a.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Some(spec) => {
                    if let Err(e) = crate::connectors::schema::validate(&spec.params, &params, "params") {
                        errors.add(&format!("{at}.{}", e.path), e.reason);
                    }
                }
            }
            let name = s
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map_or_else(|| format!("{agent}: {action}"), str::to_owned);
            stages.push(StageDef {
                id,
                name,
                agent,
                action: action.to_owned(),
                params,
            });
        }
        let approval = self.approval.unwrap_or_default();
        approval.validate(&mut errors);
        match trigger {
            Some(trigger) if errors.is_empty() => Ok(WorkflowDraft {
                project_id,
                name: name.to_owned(),
                description: self
                    .description
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned),
                trigger,
                schedule: schedule.map(str::to_owned),
                stages,
                approval,
                template_id: None,
            }),
            _ => Err(errors),
        }
    }
}

/// A workflow with its project's name, as the Workflows page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowItem {
    pub workflow: Workflow,
    pub project_name: Option<String>,
}

/// A template as the Workflows page offers it: what each stage does, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub steps: Vec<String>,
}

impl From<&crate::agents::templates::Template> for TemplateInfo {
    fn from(t: &crate::agents::templates::Template) -> Self {
        TemplateInfo {
            id: t.id.to_owned(),
            name: t.name.to_owned(),
            description: t.description.to_owned(),
            steps: t.steps.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// Everything the Workflows page shows: the workflows, the templates, and the projects (not
/// archived) a template can be used for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowsOverview {
    pub workflows: Vec<WorkflowItem>,
    pub templates: Vec<TemplateInfo>,
    pub projects: Vec<crate::connection::ProjectChoice>,
}

/// A workflow's page: the workflow with its project's name, and its latest runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowDetail {
    pub item: WorkflowItem,
    pub runs: Vec<crate::execution::Execution>,
    /// The projects (not archived) it can work for: the editor's and the Run form's choice.
    #[serde(default)]
    pub projects: Vec<crate::connection::ProjectChoice>,
}

/// A stage as the editor sends it: parameters as JSON text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageForm {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub params: Option<String>,
}

/// The workflow editor's fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkflowForm {
    pub name: String,
    /// The project it works for: blank for none; the workflow keeps its own when left out.
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub trigger: Option<String>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub stages: Vec<StageForm>,
    /// `propose` or `auto`.
    #[serde(default)]
    pub approval_mode: Option<String>,
    /// A percentage, or blank for none.
    #[serde(default)]
    pub auto_approve_under_pct: Option<String>,
    /// Hours, or blank for the default.
    #[serde(default)]
    pub expires_after_hours: Option<String>,
}

impl WorkflowForm {
    /// The definition the form describes, for its project (`project_id` when the form names
    /// none). Blank parameters are `{}`; parameters that are not JSON are errors about
    /// `stages[i].params`.
    pub fn into_input(
        self,
        project_id: Option<String>,
    ) -> Result<WorkflowInput, crate::validation::FieldErrors> {
        let mut errors = crate::validation::FieldErrors::new();
        let project_id = match self.project_id.as_deref().map(str::trim) {
            None => project_id,
            Some("") => None,
            Some(chosen) => Some(chosen.to_owned()),
        };
        let approval = self.approval(&mut errors);
        let stages = self
            .stages
            .into_iter()
            .enumerate()
            .map(|(i, s)| StageInput {
                params: match s.params.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                    None => empty_object(),
                    Some(text) => serde_json::from_str(text).unwrap_or_else(|e| {
                        errors.add(&format!("stages[{i}].params"), format!("is not valid JSON: {e}"));
                        serde_json::Value::Null
                    }),
                },
                id: s.id,
                name: s.name,
                agent: s.agent,
                action: s.action,
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(WorkflowInput {
            name: self.name,
            description: self.description,
            project_id,
            trigger: self.trigger,
            schedule: self.schedule,
            stages,
            approval: Some(approval),
        })
    }

    /// The approval fields as a policy; unreadable numbers are errors about `approval.<field>`.
    fn approval(&self, errors: &mut crate::validation::FieldErrors) -> crate::approval::ApprovalPolicy {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let mut policy = crate::approval::ApprovalPolicy::default();
        if let Some(mode) = text(&self.approval_mode) {
            match mode.parse() {
                Ok(m) => policy.mode = m,
                Err(e) => errors.add("approval.mode", format!("{e}")),
            }
        }
        if let Some(pct) = text(&self.auto_approve_under_pct) {
            match pct.trim_end_matches('%').trim().parse::<f64>() {
                Ok(p) => policy.auto_approve_under_pct = Some(p),
                Err(_) => errors.add(
                    "approval.auto_approve_under_pct",
                    "must be a number (a percentage)",
                ),
            }
        }
        if let Some(hours) = text(&self.expires_after_hours) {
            match hours.parse::<u32>() {
                Ok(h) => policy.expires_after_hours = h,
                Err(_) => errors.add("approval.expires_after_hours", "must be a whole number of hours"),
            }
        }
        policy
    }

    /// The editor's fields as a stored workflow fills them.
    pub fn of(workflow: &Workflow) -> Self {
        WorkflowForm {
            name: workflow.name.clone(),
            project_id: Some(
                workflow
                    .project_id
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
            description: workflow.description.clone(),
            trigger: Some(workflow.trigger.as_str().to_owned()),
            schedule: workflow.schedule.clone(),
            stages: workflow
                .stages
                .iter()
                .map(|s| StageForm {
                    id: Some(s.id.clone()),
                    name: Some(s.name.clone()),
                    agent: s.agent.as_str().to_owned(),
                    action: s.action.clone(),
                    params: Some(s.params.to_string()),
                })
                .collect(),
            ..WorkflowForm::default()
        }
        .with_approval(&workflow.approval)
    }

    /// The form's approval fields for a stored policy.
    pub fn with_approval(mut self, policy: &crate::approval::ApprovalPolicy) -> Self {
        self.approval_mode = Some(policy.mode.as_str().to_owned());
        self.auto_approve_under_pct = policy.auto_approve_under_pct.map(|p| p.to_string());
        self.expires_after_hours = Some(policy.expires_after_hours.to_string());
        self
    }
}

/// A workflow as a form's choice lists it (a webhook's workflow, the runs page's filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowChoice {
    pub id: String,
    pub name: String,
}

impl WorkflowChoice {
    pub fn of(workflow: &Workflow) -> Self {
        WorkflowChoice {
            id: workflow.id.to_string(),
            name: workflow.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_and_triggers_parse() {
        assert_eq!("socialmediabuyer".parse::<Agent>(), Ok(Agent::SocialMediaBuyer));
        assert_eq!(Agent::Trader.to_string(), "Trader");
        assert!("Intern".parse::<Agent>().is_err());
        assert_eq!("webhook".parse::<Trigger>(), Ok(Trigger::Webhook));
        assert!("cron".parse::<Trigger>().is_err());
    }

    #[test]
    fn earlier_stage_words_are_stored_as_todays() {
        let stage = |agent: &str, action: &str, params: serde_json::Value| StageInput {
            agent: agent.to_owned(),
            action: action.to_owned(),
            params,
            ..StageInput::default()
        };
        let input = WorkflowInput {
            name: "Imported".to_owned(),
            stages: vec![
                stage("Analyst", "report", serde_json::json!({"lookbackDays": 7})),
                stage("Trader", "analyze", serde_json::json!({"lookbackDays": 30})),
            ],
            ..WorkflowInput::default()
        };
        let draft = input.validate().expect("legacy words are accepted");
        assert_eq!(draft.stages[0].params, serde_json::json!({"lookback_days": 7}));
        assert_eq!(draft.stages[1].action, "analyze");
        assert_eq!(draft.stages[1].params, serde_json::json!({"lookback_days": 30}));
        // Saving the stored stages again changes nothing.
        let again = WorkflowInput {
            name: "Imported".to_owned(),
            stages: draft
                .stages
                .iter()
                .map(|s| stage(s.agent.as_str(), &s.action, s.params.clone()))
                .collect(),
            ..WorkflowInput::default()
        };
        assert_eq!(again.validate().expect("valid").stages, draft.stages);
        let unknown = WorkflowInput {
            name: "Imported".to_owned(),
            stages: vec![stage(
                "Analyst",
                "report",
                serde_json::json!({"lookbackWeeks": 2}),
            )],
            ..WorkflowInput::default()
        };
        assert!(unknown.validate().is_err());
    }

    #[test]
    fn a_stored_workflow_fills_the_editor_and_saves_back_unchanged() {
        let input = WorkflowInput {
            name: "Weekly".to_owned(),
            project_id: Some("proj_0001".to_owned()),
            trigger: Some("schedule".to_owned()),
            schedule: Some("0 6 * * 1".to_owned()),
            stages: vec![StageInput {
                agent: "Analyst".to_owned(),
                action: "report".to_owned(),
                params: serde_json::json!({"lookback_days": 7}),
                ..StageInput::default()
            }],
            ..WorkflowInput::default()
        };
        let draft = input.validate().expect("valid");
        let workflow = Workflow {
            id: crate::ids::WorkflowId::parse("wf_0001").expect("id"),
            project_id: draft.project_id.clone(),
            name: draft.name.clone(),
            description: None,
            trigger: draft.trigger,
            schedule: draft.schedule.clone(),
            stages: draft.stages.clone(),
            approval: draft.approval,
            template_id: None,
            scheduled_at: None,
            created_at: crate::time::Timestamp::from_datetime(
                chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
            ),
            updated_at: None,
        };
        let form = WorkflowForm::of(&workflow);
        assert_eq!(form.project_id.as_deref(), Some("proj_0001"));
        assert_eq!(form.stages[0].params.as_deref(), Some(r#"{"lookback_days":7}"#));
        let again = form.into_input(None).expect("form").validate().expect("valid");
        assert_eq!(again, draft);
    }

    #[test]
    fn the_editors_form_reads_parameters_as_json() {
        let stage = |params: Option<&str>| StageForm {
            agent: "Analyst".to_owned(),
            action: "report".to_owned(),
            params: params.map(str::to_owned),
            ..StageForm::default()
        };
        let form = WorkflowForm {
            name: "Weekly".to_owned(),
            stages: vec![stage(Some(" ")), stage(Some(r#"{"days": 7}"#))],
            ..WorkflowForm::default()
        };
        let input = form
            .clone()
            .into_input(Some("prj_0001".to_owned()))
            .expect("valid");
        assert_eq!(input.project_id.as_deref(), Some("prj_0001"));
        // A project chosen in the form wins; a blank choice is none.
        let chosen = WorkflowForm {
            project_id: Some("prj_0002".to_owned()),
            ..form.clone()
        };
        assert_eq!(
            chosen
                .into_input(Some("prj_0001".to_owned()))
                .expect("valid")
                .project_id
                .as_deref(),
            Some("prj_0002")
        );
        let blank = WorkflowForm {
            project_id: Some(" ".to_owned()),
            ..form.clone()
        };
        assert_eq!(
            blank
                .into_input(Some("prj_0001".to_owned()))
                .expect("valid")
                .project_id,
            None
        );
        assert_eq!(input.stages[0].params, serde_json::json!({}));
        assert_eq!(input.stages[1].params, serde_json::json!({"days": 7}));
        let bad = WorkflowForm {
            stages: vec![stage(None), stage(Some("{days"))],
            ..form
        };
        let errors = bad.into_input(None).expect_err("not JSON");
        assert!(errors.get("stages[1].params").is_some());
        assert!(errors.get("stages[0].params").is_none());
    }
}
