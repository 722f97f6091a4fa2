mod edit_project_page;
mod new_project_page;
mod project_fields;
mod project_page;
mod projects_page;

pub use edit_project_page::EditProjectPage;
pub use new_project_page::NewProjectPage;
pub use project_page::ProjectPage;
pub use projects_page::ProjectsPage;
