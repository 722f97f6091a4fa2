//! Projects: a client's advertising, with its budget, platforms and campaigns.

use crate::error::ParseError;
use crate::ids::ProjectId;
use crate::money::{Currency, Micros};
use crate::platform::Platform;
use crate::time::Timestamp;
use crate::validation::{FieldErrors, optional_text};
use crate::vertical::Vertical;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub const NAME_MAX: usize = 120;
pub const CLIENT_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProjectStatus {
    Active,
    Paused,
    Archived,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 3] = [
        ProjectStatus::Active,
        ProjectStatus::Paused,
        ProjectStatus::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Active => "active",
            ProjectStatus::Paused => "paused",
            ProjectStatus::Archived => "archived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectStatus::Active => "Active",
            ProjectStatus::Paused => "Paused",
            ProjectStatus::Archived => "Archived",
        }
    }
}

impl fmt::Display for ProjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProjectStatus {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        ProjectStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == t)
            .ok_or_else(|| ParseError::invalid("project status", s, "expected active, paused or archived"))
    }
}

/// A project as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub client: Option<String>,
    /// The client's industry, from a fixed list (its lower-case name in the API).
    pub vertical: Option<Vertical>,
    pub description: Option<String>,
    pub status: ProjectStatus,
    /// Monthly budget in micros of `currency`.
    pub monthly_budget: Option<Micros>,
    pub currency: Currency,
    pub platforms: Vec<Platform>,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
}

/// What a person types into the project form, as text. Validation turns it into a [`ProjectDraft`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectInput {
    /// At most 120 characters, not counting spaces around it.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, pattern = r"\S"))]
    pub name: String,
    #[serde(default)]
    /// At most 120 characters.
    pub client: Option<String>,
    #[serde(default)]
    /// The client's industry: one of the names (any case; a few other spellings such as
    /// `ecommerce` or `Home Decor` are read too). Empty or null for none.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::vertical_or_blank))]
    pub vertical: Option<String>,
    #[serde(default)]
    /// At most 2,000 characters.
    pub description: Option<String>,
    /// A decimal amount in currency units, e.g. `15000` or `2500.50`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*([0-9][0-9,_ ]*(\.[0-9]{1,6})?)?\s*$", example = "15000.00")
    )]
    pub monthly_budget: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*([A-Za-z]{3})?\s*$", example = "USD")
    )]
    pub currency: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Platform>))]
    pub platforms: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ProjectStatus>))]
    pub status: Option<String>,
}

/// A valid set of project fields, ready to create or to replace an existing project's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectDraft {
    pub name: String,
    pub client: Option<String>,
    pub vertical: Option<Vertical>,
    pub description: Option<String>,
    pub status: ProjectStatus,
    pub monthly_budget: Option<Micros>,
    pub currency: Currency,
    pub platforms: Vec<Platform>,
}

impl ProjectInput {
    /// Checks every field and reports all problems at once.
    pub fn validate(&self) -> Result<ProjectDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", "Enter a name for the project");
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", format!("must be at most {NAME_MAX} characters"));
        } else if crate::validation::has_control_characters(name) {
            errors.add("name", crate::validation::CONTROL_CHARACTERS);
        }
        let client = optional_text(&mut errors, "client", self.client.as_deref(), CLIENT_MAX);
        let vertical = parse_vertical(&mut errors, self.vertical.as_deref());
        let description = optional_text(
            &mut errors,
            "description",
            self.description.as_deref(),
            DESCRIPTION_MAX,
        );

        let currency = match self.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Currency::USD,
            Some(code) => Currency::parse(code).unwrap_or_else(|_| {
                errors.add("currency", "Use a three-letter currency code such as USD or EUR");
                Currency::USD
            }),
        };
        let monthly_budget = match self
            .monthly_budget
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            None => None,
            Some(text) => match Micros::parse_units(&text.replace([',', ' ', '_'], "")) {
                Ok(m) if m.get() < 0 => {
                    errors.add("monthly_budget", "The budget cannot be negative");
                    None
                }
                Ok(m) => Some(m),
                Err(_) => {
                    errors.add("monthly_budget", "Enter an amount such as 15000 or 2500.50");
                    None
                }
            },
        };
        let mut platforms = Vec::new();
        for p in &self.platforms {
            match p.parse::<Platform>() {
                Ok(platform) if !platforms.contains(&platform) => platforms.push(platform),
                Ok(_) => {}
                Err(_) => errors.add(
                    "platforms",
                    format!("'{p}' is not a platform Switchboard supports"),
                ),
            }
        }
        platforms.sort();
        let status = match self.status.as_deref() {
            None => ProjectStatus::Active,
            Some(s) => s.trim().parse().unwrap_or_else(|_| {
                errors.add("status", "Choose active, paused or archived");
                ProjectStatus::Active
            }),
        };
        let draft = ProjectDraft {
            name: name.to_owned(),
            client,
            vertical,
            description,
            status,
            monthly_budget,
            currency,
            platforms,
        };
        errors.into_result(draft)
    }
}

/// A vertical as typed: empty is none; a name, label or alias (any case) is that vertical;
/// anything else is reported under `vertical` with the names to choose from.
fn parse_vertical(errors: &mut FieldErrors, text: Option<&str>) -> Option<Vertical> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    let found = Vertical::parse_word(text);
    if found.is_none() {
        let shown: String = text.chars().take(40).collect();
        let shown = if shown.len() < text.len() {
            format!("{shown}…")
        } else {
            shown
        };
        errors.add(
            "vertical",
            format!(
                "'{shown}' is not a vertical; choose one of: {}",
                Vertical::names()
            ),
        );
    }
    found
}

/// A vertical as the database holds it: a name, or older free text. Text that names no vertical
/// reads as [`Vertical::Other`] rather than failing the whole project; empty reads as none.
pub fn stored_vertical(text: Option<&str>) -> Option<Vertical> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| Vertical::parse_word(t).unwrap_or(Vertical::Other))
}

impl From<&Project> for ProjectInput {
    /// The form pre-filled with a project's current values.
    fn from(p: &Project) -> Self {
        ProjectInput {
            name: p.name.clone(),
            client: p.client.clone(),
            vertical: p.vertical.map(|v| v.as_str().to_owned()),
            description: p.description.clone(),
            // Exact, so saving the form unchanged never rounds the budget.
            monthly_budget: p.monthly_budget.map(Micros::to_decimal),
            currency: Some(p.currency.to_string()),
            platforms: p.platforms.iter().map(|pl| pl.as_str().to_owned()).collect(),
            status: Some(p.status.as_str().to_owned()),
        }
    }
}

/// The fields a PATCH may change; those left out keep their value. `null` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::validation::present")]
    pub client: Option<Option<String>>,
    /// A vertical's name (as in the project form), or blank or `null` for none.
    #[serde(default, deserialize_with = "crate::validation::present")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::vertical_or_blank))]
    pub vertical: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validation::present")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validation::present")]
    pub monthly_budget: Option<Option<String>>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub platforms: Option<Vec<String>>,
    #[serde(default)]
    pub status: Option<String>,
}

impl ProjectPatch {
    /// The form with this patch's fields put over a project's current values.
    pub fn apply(self, current: &Project) -> ProjectInput {
        let mut input = ProjectInput::from(current);
        if let Some(name) = self.name {
            input.name = name;
        }
        if let Some(v) = self.client {
            input.client = v;
        }
        if let Some(v) = self.vertical {
            input.vertical = v;
        }
        if let Some(v) = self.description {
            input.description = v;
        }
        if let Some(v) = self.monthly_budget {
            input.monthly_budget = v;
        }
        if let Some(v) = self.currency {
            input.currency = Some(v);
        }
        if let Some(v) = self.platforms {
            input.platforms = v;
        }
        if let Some(v) = self.status {
            input.status = Some(v);
        }
        input
    }
}

/// Everything the project page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectDetail {
    pub project: Project,
    pub campaigns: crate::campaign::CampaignPage,
    pub activity: Vec<crate::activity::ActivityEntry>,
    /// The window the campaigns' figures cover (the 30 days ending today by default).
    pub window: crate::analytics::DateRange,
    /// The listed campaigns' spend, CPA and ROAS over `window`, in list order.
    pub figures: Vec<crate::analytics::campaign_figures::CampaignFigures>,
    /// This month's pacing: the project's (with why it disagrees with its campaigns', if it
    /// does) and its campaigns'.
    pub pacing: crate::analytics::pacing_report::PacingReport,
}

/// A project as a form's choice lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectChoice {
    pub id: ProjectId,
    pub name: String,
}

impl ProjectChoice {
    pub fn of(project: &Project) -> Self {
        ProjectChoice {
            id: project.id.clone(),
            name: project.name.clone(),
        }
    }

    /// The projects work can still be added to: all but the archived ones, in the list's order.
    pub fn open(projects: &[ProjectSummary]) -> Vec<ProjectChoice> {
        projects
            .iter()
            .filter(|p| p.project.status != ProjectStatus::Archived)
            .map(|p| ProjectChoice::of(&p.project))
            .collect()
    }
}

/// Filters for the project list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFilter {
    pub status: Option<ProjectStatus>,
    /// Case-insensitive match on name or client.
    pub search: Option<String>,
}

/// A project in a list, with counts of what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    pub project: Project,
    pub campaigns: u64,
    pub active_campaigns: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> ProjectInput {
        ProjectInput {
            name: name.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn a_name_is_enough() {
        let draft = input("  Travel Brand  ").validate();
        let draft = draft.ok().unwrap_or_else(|| panic!("valid"));
        assert_eq!(draft.name, "Travel Brand");
        assert_eq!(draft.status, ProjectStatus::Active);
        assert_eq!(draft.currency, Currency::USD);
        assert_eq!(draft.monthly_budget, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = ProjectInput {
            name: "   ".into(),
            monthly_budget: Some("12,5x".into()),
            currency: Some("dollars".into()),
            platforms: vec!["google".into(), "tiktok".into()],
            status: Some("deleted".into()),
            vertical: Some("v".repeat(61)),
            ..Default::default()
        };
        let errors = bad.validate().err().unwrap_or_default();
        for field in [
            "name",
            "monthly_budget",
            "currency",
            "platforms",
            "status",
            "vertical",
        ] {
            assert!(
                errors.get(field).is_some(),
                "{field} should be reported: {errors}"
            );
        }
        assert_eq!(errors.get("name"), Some("Enter a name for the project"));
        let blank_status = ProjectInput {
            name: "x".into(),
            status: Some(" ".into()),
            ..Default::default()
        };
        assert!(blank_status.validate().is_err(), "a blank status is not a status");
        let no_status = ProjectInput {
            name: "x".into(),
            ..Default::default()
        };
        assert_eq!(no_status.validate().map(|d| d.status), Ok(ProjectStatus::Active));
    }

    #[test]
    fn budgets_and_platforms_are_parsed() {
        let ok = ProjectInput {
            name: "x".into(),
            monthly_budget: Some("15,000.50".into()),
            currency: Some("eur".into()),
            platforms: vec!["meta".into(), "google".into(), "Meta".into()],
            ..Default::default()
        };
        let draft = ok.validate().ok().unwrap_or_else(|| panic!("valid"));
        assert_eq!(draft.monthly_budget, Some(Micros::new(15_000_500_000)));
        assert_eq!(draft.currency, Currency::EUR);
        assert_eq!(draft.platforms, vec![Platform::Google, Platform::Meta]);
        let negative = ProjectInput {
            name: "x".into(),
            monthly_budget: Some("-5".into()),
            ..Default::default()
        };
        assert!(negative.validate().is_err());
    }

    #[test]
    fn verticals_are_read_from_names_labels_and_aliases() {
        let vertical = |text: &str| {
            ProjectInput {
                name: "x".into(),
                vertical: Some(text.into()),
                ..Default::default()
            }
            .validate()
            .map(|d| d.vertical)
        };
        assert_eq!(vertical("home_decor"), Ok(Some(Vertical::HomeDecor)));
        assert_eq!(vertical("Home Decor"), Ok(Some(Vertical::HomeDecor)));
        assert_eq!(vertical(" FINANCE "), Ok(Some(Vertical::Finance)));
        assert_eq!(vertical("ecommerce"), Ok(Some(Vertical::Retail)));
        assert_eq!(vertical("Retail & e-commerce"), Ok(Some(Vertical::Retail)));
        assert_eq!(vertical("Software (SaaS)"), Ok(Some(Vertical::Saas)));
        assert_eq!(vertical("  "), Ok(None), "empty is none");
        let errors = vertical("pets").err().unwrap_or_default();
        let message = errors.get("vertical").unwrap_or_default();
        assert!(message.starts_with("'pets' is not a vertical"), "{message}");
        assert!(message.contains("home_decor, fashion, beauty"), "{message}");
        assert!(message.ends_with("gaming, other"), "{message}");
        let long = vertical(&"p".repeat(500)).err().unwrap_or_default();
        assert!(
            long.get("vertical").is_some_and(|m| m.len() < 300),
            "a long word is cut"
        );
    }

    #[test]
    fn a_project_form_shows_and_keeps_its_vertical() {
        let draft = ProjectInput {
            name: "x".into(),
            vertical: Some("travel".into()),
            ..Default::default()
        }
        .validate()
        .ok()
        .unwrap_or_else(|| panic!("valid"));
        assert_eq!(draft.vertical, Some(Vertical::Travel));
        let project = Project {
            id: ProjectId::try_from("proj_0001".to_owned()).unwrap_or_else(|_| panic!("id")),
            name: draft.name,
            client: None,
            vertical: Some(Vertical::HomeDecor),
            description: None,
            status: ProjectStatus::Active,
            monthly_budget: None,
            currency: Currency::USD,
            platforms: vec![],
            created_at: Timestamp::parse("2026-11-24T00:00:00Z").unwrap_or_else(|_| panic!("ts")),
            updated_at: None,
        };
        assert_eq!(
            ProjectInput::from(&project).vertical.as_deref(),
            Some("home_decor")
        );
        let json = serde_json::to_value(&project).unwrap_or_default();
        assert_eq!(json["vertical"], "home_decor");
        let cleared = ProjectPatch {
            vertical: Some(None),
            ..Default::default()
        }
        .apply(&project);
        assert_eq!(cleared.validate().map(|d| d.vertical), Ok(None));
        let kept = ProjectPatch::default().apply(&project);
        assert_eq!(kept.validate().map(|d| d.vertical), Ok(Some(Vertical::HomeDecor)));
    }

    #[test]
    fn stored_free_text_reads_as_a_vertical_or_other() {
        assert_eq!(stored_vertical(Some("home_decor")), Some(Vertical::HomeDecor));
        assert_eq!(stored_vertical(Some("ecommerce")), Some(Vertical::Retail));
        assert_eq!(stored_vertical(Some("Pet supplies")), Some(Vertical::Other));
        assert_eq!(stored_vertical(Some(" ")), None);
        assert_eq!(stored_vertical(None), None);
    }

    #[test]
    fn statuses_parse() {
        assert_eq!("Archived".parse::<ProjectStatus>(), Ok(ProjectStatus::Archived));
        assert!("gone".parse::<ProjectStatus>().is_err());
    }
}
