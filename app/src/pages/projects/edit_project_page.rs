use super::project_fields::ProjectFields;
use crate::components::{Loaded, PageHeader};
use crate::server_fns::projects::ProjectFormData;
use crate::server_fns::{UpdateProject, get_project_detail};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use switchboard_core::project::{Project, ProjectInput};

fn form_data(p: &Project) -> ProjectFormData {
    let input = ProjectInput::from(p);
    let has = |name: &str| input.platforms.iter().any(|x| x == name).then(|| "on".to_owned());
    ProjectFormData {
        name: input.name.clone(),
        client: input.client.clone(),
        vertical: input.vertical.clone(),
        description: input.description.clone(),
        monthly_budget: input.monthly_budget.clone(),
        currency: input.currency.clone(),
        platform_google: has("google"),
        platform_meta: has("meta"),
        platform_pinterest: has("pinterest"),
        status: input.status.clone(),
    }
}

#[component]
pub fn EditProjectPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, |id| get_project_detail(id, None, None));
    let update = ServerAction::<UpdateProject>::new();
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    view! {
        <PageHeader title="Edit project" subtitle="Change the project's details, budget and platforms" />
        <Loaded resource=detail suspense=true let:d>
            <section class="panel glass">
                <ActionForm action=update attr:class="form" attr:data-testid="project-form">
                    <input type="hidden" name="id" value=d.project.id.to_string() />
                    <ProjectFields initial=form_data(&d.project) error with_status=true />
                    <div class="form__actions">
                        <button type="submit" class="button" disabled=move || update.pending().get()>
                            "Save changes"
                        </button>
                        <a class="button button--ghost" href=format!("/projects/{}", d.project.id)>"Cancel"</a>
                    </div>
                </ActionForm>
            </section>
        </Loaded>
    }
}
