use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use switchboard_core::project::ProjectDetail;
use switchboard_core::project::{Project, ProjectSummary};

/// Changes made in the UI are recorded in the activity feed as this actor.
#[cfg(feature = "ssr")]
const ACTOR: &str = "user";

#[server]
pub async fn list_projects(
    status: Option<String>,
    q: Option<String>,
) -> Result<Vec<ProjectSummary>, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::project::ProjectFilter;
            let status = match status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(s.parse().map_err(|e: switchboard_core::ParseError| {
                    super::ssr::invalid("status", e.to_string())
                })?),
            };
            let filter = ProjectFilter { status, search: q };
            Ok(super::ssr::services()?.projects.list(&filter).await?)
        }
        .await,
    )
    .await
}

/// The project page; its campaigns' figures cover `from..=to` (ISO dates; the 30 days ending today).
#[server]
pub async fn get_project_detail(
    id: String,
    from: Option<String>,
    to: Option<String>,
) -> Result<ProjectDetail, AppError> {
    super::ssr::respond(
        async move {
            let id = parse_project_id(&id)?;
            let date = |field: &str, v: &Option<String>| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(switchboard_core::time::parse_date)
                    .transpose()
                    .map_err(|e| super::ssr::invalid(field, e.to_string()))
            };
            let (from, to) = (date("from", &from)?, date("to", &to)?);
            Ok(super::ssr::services()?.projects.detail(&id, from, to).await?)
        }
        .await,
    )
    .await
}

/// The project form's fields, as a browser sends them (checkboxes are present when ticked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFormData {
    pub name: String,
    #[serde(default)]
    pub client: Option<String>,
    #[serde(default)]
    pub vertical: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub monthly_budget: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub platform_google: Option<String>,
    #[serde(default)]
    pub platform_meta: Option<String>,
    #[serde(default)]
    pub platform_pinterest: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

impl ProjectFormData {
    pub fn into_input(self) -> switchboard_core::project::ProjectInput {
        let platforms = [
            ("google", &self.platform_google),
            ("meta", &self.platform_meta),
            ("pinterest", &self.platform_pinterest),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(p, _)| p.to_owned())
        .collect();
        switchboard_core::project::ProjectInput {
            name: self.name,
            client: self.client,
            vertical: self.vertical,
            description: self.description,
            monthly_budget: self.monthly_budget,
            currency: self.currency,
            platforms,
            status: self.status,
        }
    }
}

#[server]
pub async fn create_project(form: ProjectFormData) -> Result<Project, AppError> {
    super::ssr::respond(
        async move {
            let project = super::ssr::services()?
                .projects
                .create(form.into_input(), ACTOR)
                .await?;
            leptos_axum::redirect(&format!("/projects/{}", project.id));
            Ok(project)
        }
        .await,
    )
    .await
}

#[server]
pub async fn update_project(id: String, form: ProjectFormData) -> Result<Project, AppError> {
    super::ssr::respond(
        async move {
            let id = parse_project_id(&id)?;
            let project = super::ssr::services()?
                .projects
                .update(&id, form.into_input(), ACTOR)
                .await?;
            leptos_axum::redirect(&format!("/projects/{}", project.id));
            Ok(project)
        }
        .await,
    )
    .await
}

/// Archives a project, or brings it back (`status` is `archived` or `active`).
#[server]
pub async fn set_project_status(id: String, status: String) -> Result<Project, AppError> {
    super::ssr::respond(
        async move {
            let id = parse_project_id(&id)?;
            let status = status
                .parse()
                .map_err(|e: switchboard_core::ParseError| super::ssr::invalid("status", e.to_string()))?;
            let project = super::ssr::services()?
                .projects
                .set_status(&id, status, ACTOR)
                .await?;
            leptos_axum::redirect(&format!("/projects/{}", project.id));
            Ok(project)
        }
        .await,
    )
    .await
}

#[cfg(feature = "ssr")]
fn parse_project_id(id: &str) -> Result<switchboard_core::ProjectId, AppError> {
    switchboard_core::ProjectId::parse(id)
        .map_err(|_| AppError::NotFound(format!("project '{id}' was not found")))
}
