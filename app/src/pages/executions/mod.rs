mod approval_panel;
mod cited;
mod execution_page;
mod executions_page;
mod live;
mod report_view;

pub use execution_page::ExecutionPage;
pub use executions_page::ExecutionsPage;
pub use live::follow_runs;
