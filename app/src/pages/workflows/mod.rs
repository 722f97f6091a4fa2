mod edit_workflow_page;
mod workflow_page;
mod workflows_page;

pub use edit_workflow_page::EditWorkflowPage;
pub use workflow_page::WorkflowPage;
pub use workflows_page::WorkflowsPage;
