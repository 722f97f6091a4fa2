mod workflow_page;
mod workflows_page;

pub use workflow_page::WorkflowPage;
pub use workflows_page::WorkflowsPage;
