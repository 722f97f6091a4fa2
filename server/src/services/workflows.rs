//! Workflows' use cases over the workflow, execution and project repositories.

use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::agents::templates::{Template, find_template, templates};
use switchboard_core::connection::ProjectChoice;
use switchboard_core::execution::ExecutionFilter;
use switchboard_core::ports::{ExecutionRepo, ProjectRepo, WorkflowRepo};
use switchboard_core::project::ProjectFilter;
use switchboard_core::service::{ServiceError, WorkflowService};
use switchboard_core::workflow::{
    TemplateInfo, Workflow, WorkflowDetail, WorkflowForm, WorkflowInput, WorkflowItem, WorkflowsOverview,
};
use switchboard_core::{ProjectId, WorkflowId};

/// How many of the latest runs a workflow's page shows.
const DETAIL_RUNS: u32 = 20;

pub struct Workflows {
    pub workflows: Arc<dyn WorkflowRepo>,
    pub executions: Arc<dyn ExecutionRepo>,
    pub projects: Arc<dyn ProjectRepo>,
}

impl Workflows {
    /// Validates a definition and stores it over `id`'s, keeping the template it was made from.
    async fn save(
        &self,
        id: &WorkflowId,
        before: Workflow,
        input: WorkflowInput,
        actor: &str,
    ) -> Result<Workflow, ServiceError> {
        let mut draft = input.validate().map_err(ServiceError::Invalid)?;
        draft.template_id = before.template_id;
        Ok(self.workflows.update(id, draft, actor).await?)
    }
}

#[async_trait]
impl WorkflowService for Workflows {
    async fn list(&self, project: Option<&ProjectId>) -> Result<Vec<Workflow>, ServiceError> {
        Ok(self.workflows.list(project).await?)
    }

    async fn overview(&self) -> Result<WorkflowsOverview, ServiceError> {
        let projects = self.projects.list(&ProjectFilter::default()).await?;
        let name_of = |id: Option<&ProjectId>| {
            id.and_then(|id| projects.iter().find(|p| &p.project.id == id))
                .map(|p| p.project.name.clone())
        };
        let workflows = self
            .workflows
            .list(None)
            .await?
            .into_iter()
            .map(|w| WorkflowItem {
                project_name: name_of(w.project_id.as_ref()),
                workflow: w,
            })
            .collect();
        let templates = templates().iter().map(TemplateInfo::from).collect();
        let projects = ProjectChoice::open(&projects);
        Ok(WorkflowsOverview {
            workflows,
            templates,
            projects,
        })
    }

    async fn get(&self, id: &WorkflowId) -> Result<Workflow, ServiceError> {
        Ok(self.workflows.get(id).await?)
    }

    async fn detail(&self, id: &WorkflowId) -> Result<WorkflowDetail, ServiceError> {
        let workflow = self.workflows.get(id).await?;
        let project_name = match &workflow.project_id {
            Some(p) => Some(self.projects.get(p).await?.name),
            None => None,
        };
        let runs = self
            .executions
            .list(&ExecutionFilter {
                status: None,
                project_id: None,
                workflow_id: Some(id.clone()),
                limit: DETAIL_RUNS,
            })
            .await?;
        let projects = self.projects.list(&ProjectFilter::default()).await?;
        Ok(WorkflowDetail {
            item: WorkflowItem {
                workflow,
                project_name,
            },
            runs,
            projects: ProjectChoice::open(&projects),
        })
    }

    async fn create(&self, input: WorkflowInput, actor: &str) -> Result<Workflow, ServiceError> {
        let draft = input.validate().map_err(ServiceError::Invalid)?;
        Ok(self.workflows.create(draft, actor).await?)
    }

    async fn create_from_template(
        &self,
        template_id: &str,
        name: Option<&str>,
        project_id: Option<&str>,
        approval: Option<switchboard_core::approval::ApprovalPolicy>,
        actor: &str,
    ) -> Result<Workflow, ServiceError> {
        let template = find_template(template_id).ok_or_else(|| {
            ServiceError::NotFound(format!(
                "no template '{template_id}' (GET /api/v1/workflow-templates lists them)"
            ))
        })?;
        let mut input = template.instantiate(name, project_id);
        input.approval = approval;
        let mut draft = input.validate().map_err(ServiceError::Invalid)?;
        draft.template_id = Some(template.id.to_owned());
        Ok(self.workflows.create(draft, actor).await?)
    }

    async fn replace(
        &self,
        id: &WorkflowId,
        input: WorkflowInput,
        actor: &str,
    ) -> Result<Workflow, ServiceError> {
        let before = self.workflows.get(id).await?;
        self.save(id, before, input, actor).await
    }

    async fn edit(&self, id: &WorkflowId, form: WorkflowForm, actor: &str) -> Result<Workflow, ServiceError> {
        let before = self.workflows.get(id).await?;
        let project = before.project_id.as_ref().map(ToString::to_string);
        let input = form.into_input(project).map_err(ServiceError::Invalid)?;
        self.save(id, before, input, actor).await
    }

    fn templates(&self) -> Vec<Template> {
        templates()
    }
}
