//! Projects: a client's advertising, its budget and platforms.

use super::ServiceError;
use crate::ids::ProjectId;
use crate::project::{
    Project, ProjectDetail, ProjectFilter, ProjectInput, ProjectPatch, ProjectStatus, ProjectSummary,
};
use async_trait::async_trait;
use chrono::NaiveDate;

/// Changes are recorded in the project's activity feed as `actor`.
#[async_trait]
pub trait ProjectService: Send + Sync {
    async fn list(&self, filter: &ProjectFilter) -> Result<Vec<ProjectSummary>, ServiceError>;
    async fn get(&self, id: &ProjectId) -> Result<Project, ServiceError>;
    /// The project page: the project, its first 200 campaigns with their spend, CPA and ROAS over
    /// `from..=to` (the 30 days ending today by default), this month's pacing and its latest
    /// activity.
    async fn detail(
        &self,
        id: &ProjectId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<ProjectDetail, ServiceError>;
    async fn create(&self, input: ProjectInput, actor: &str) -> Result<Project, ServiceError>;
    /// Replaces every field with the form's.
    async fn update(&self, id: &ProjectId, input: ProjectInput, actor: &str)
    -> Result<Project, ServiceError>;
    /// Changes the fields the patch names.
    async fn patch(&self, id: &ProjectId, patch: ProjectPatch, actor: &str) -> Result<Project, ServiceError>;
    async fn set_status(
        &self,
        id: &ProjectId,
        status: ProjectStatus,
        actor: &str,
    ) -> Result<Project, ServiceError>;
    /// Checks that a project a request names exists; otherwise an error about `field`.
    async fn check_exists(&self, id: Option<&ProjectId>, field: &str) -> Result<(), ServiceError>;
}
