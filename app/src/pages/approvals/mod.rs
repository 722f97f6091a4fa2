mod approvals_page;

pub use approvals_page::ApprovalsPage;
