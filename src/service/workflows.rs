//! Workflows: definitions of stages, made whole or from a template.

use super::ServiceError;
use crate::agents::templates::Template;
use crate::ids::{ProjectId, WorkflowId};
use crate::workflow::{Workflow, WorkflowDetail, WorkflowForm, WorkflowInput, WorkflowsOverview};
use async_trait::async_trait;

/// Changes are recorded in the project's activity feed as `actor`.
#[async_trait]
pub trait WorkflowService: Send + Sync {
    /// The workflows, optionally of one project.
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Workflow>, ServiceError>;
    /// The Workflows page: every workflow with its project's name, the templates, and the
    /// projects that are not archived.
    async fn overview(&self) -> Result<WorkflowsOverview, ServiceError>;
    async fn get(&self, id: &WorkflowId) -> Result<Workflow, ServiceError>;
    /// A workflow's page: it, its project's name and its latest 20 runs.
    async fn detail(&self, id: &WorkflowId) -> Result<WorkflowDetail, ServiceError>;
    /// Creates a workflow from a whole definition.
    async fn create(&self, input: WorkflowInput, actor: &str) -> Result<Workflow, ServiceError>;
    /// Creates a workflow from a template, named `name` (the template's by default).
    async fn create_from_template(
        &self,
        template_id: &str,
        name: Option<&str>,
        project_id: Option<&str>,
        approval: Option<crate::approval::ApprovalPolicy>,
        actor: &str,
    ) -> Result<Workflow, ServiceError>;
    /// Replaces a workflow's definition; it keeps the template it was made from. Runs under way
    /// keep the definition they started with.
    async fn replace(
        &self,
        id: &WorkflowId,
        input: WorkflowInput,
        actor: &str,
    ) -> Result<Workflow, ServiceError>;
    /// Saves the editor's form, as `replace` does; the project is the form's choice (the
    /// workflow keeps its own when the form names none).
    async fn edit(&self, id: &WorkflowId, form: WorkflowForm, actor: &str) -> Result<Workflow, ServiceError>;
    /// The built-in templates.
    fn templates(&self) -> Vec<Template>;
}
