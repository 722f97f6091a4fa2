use crate::components::{Column, DataTable, EmptyState, IconName, Loaded, PageHeader};
use crate::server_fns::workflows::{TemplateInfo, WorkflowItem, WorkflowsOverview};
use crate::server_fns::{CreateFromTemplate, get_workflows};
use leptos::form::ActionForm;
use leptos::prelude::*;

const WORKFLOW_COLUMNS: &[Column] = &[
    Column::text("Workflow"),
    Column::text("Project"),
    Column::text("Stages"),
    Column::text("Trigger"),
];

/// Workflows, and the templates to start one from (each saying what it does, stage by stage).
#[component]
pub fn WorkflowsPage() -> impl IntoView {
    let create = ServerAction::<CreateFromTemplate>::new();
    let overview = Resource::new(move || create.version().get(), |_| get_workflows());
    view! {
        <PageHeader title="Workflows" subtitle="Agents working in stages: plan, launch, optimize, report" />
        <Loaded resource=overview let:o>
            <Overview overview=o create />
        </Loaded>
    }
}

#[component]
fn Overview(overview: WorkflowsOverview, create: ServerAction<CreateFromTemplate>) -> impl IntoView {
    let WorkflowsOverview {
        workflows,
        templates,
        projects,
    } = overview;
    let list = if workflows.is_empty() {
        view! {
            <EmptyState title="No workflows yet" message="Start from a template below: each is a complete workflow you can run at once." icon=IconName::Compass />
        }
        .into_any()
    } else {
        view! { <WorkflowTable items=workflows /> }.into_any()
    };
    let error = move || create.value().get().and_then(Result::err).map(|e| e.to_string());
    view! {
        {list}
        <section class="panel glass" aria-labelledby="templates-title">
            <h2 class="panel__title" id="templates-title">"Start from a template"</h2>
            <Show when=move || error().is_some()>
                <p class="form__error" role="alert">{error}</p>
            </Show>
            <div class="template-grid">
                {templates.into_iter().map(|t| view! { <TemplateCard template=t projects=projects.clone() create /> }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn WorkflowTable(items: Vec<WorkflowItem>) -> impl IntoView {
    view! {
        <DataTable testid="workflows-table" columns=WORKFLOW_COLUMNS>
            {items.into_iter().map(|i| {
                let w = i.workflow;
                let agents = w.stages.iter().map(|s| s.agent.as_str()).collect::<Vec<_>>().join(" → ");
                view! {
                    <tr>
                        <td><a href=format!("/workflows/{}", w.id)>{w.name.clone()}</a></td>
                        <td>{i.project_name.unwrap_or_else(|| "—".to_owned())}</td>
                        <td>{format!("{} · {agents}", w.stages.len())}</td>
                        <td>{w.schedule.clone().unwrap_or_else(|| w.trigger.as_str().to_owned())}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}

#[component]
fn TemplateCard(
    template: TemplateInfo,
    projects: Vec<switchboard_core::connection::ProjectChoice>,
    create: ServerAction<CreateFromTemplate>,
) -> impl IntoView {
    let select_id = format!("project-{}", template.id);
    let testid = format!("template-{}", template.id);
    let template_id = template.id.clone();
    view! {
        <article class="template-card" data-testid=testid>
            <h3 class="template-card__title">{template.name.clone()}</h3>
            <p class="muted">{template.description.clone()}</p>
            <ol class="template-card__steps">
                {template.steps.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}
            </ol>
            <ActionForm action=create attr:class="template-card__form">
                <input type="hidden" name="template_id" value=template_id.clone() />
                <label class="visually-hidden" for=select_id.clone()>"Project"</label>
                <select id=select_id name="project_id" required>
                    {projects.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                </select>
                <button type="submit" class="button" data-testid="use-template">"Use template"</button>
            </ActionForm>
        </article>
    }
}
