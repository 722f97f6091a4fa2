use super::project_fields::ProjectFields;
use crate::components::PageHeader;
use crate::server_fns::CreateProject;
use crate::server_fns::projects::ProjectFormData;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn NewProjectPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <PageHeader title="New project" subtitle="A client's advertising: budget, platforms and campaigns" />
        <section class="panel glass">
            <ActionForm action=create attr:class="form" attr:data-testid="project-form">
                <ProjectFields initial=ProjectFormData::default() error />
                <div class="form__actions">
                    <button type="submit" class="button" disabled=move || create.pending().get()>
                        "Create project"
                    </button>
                    <a class="button button--ghost" href="/projects">"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}
