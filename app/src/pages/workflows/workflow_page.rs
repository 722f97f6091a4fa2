use crate::components::{Loaded, RunStatusBadge, Time};
use crate::server_fns::workflows::WorkflowDetail;
use crate::server_fns::{StartRun, get_workflow};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn WorkflowPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_workflow);
    view! {
        <Loaded resource=detail let:d>
            <WorkflowView detail=d />
        </Loaded>
    }
}

#[component]
fn WorkflowView(detail: WorkflowDetail) -> impl IntoView {
    let start = ServerAction::<StartRun>::new();
    let w = detail.item.workflow;
    let failed = move || start.value().get().and_then(Result::err);
    // A missing project is asked for beside the Run button; anything else shows below.
    let project_error = move || failed().and_then(|e| e.field("project_id"));
    let error = move || {
        failed()
            .filter(|e| e.field("project_id").is_none())
            .map(|e| e.to_string())
    };
    let edit_href = format!("/workflows/{}/edit", w.id);
    let no_project_notice = w.project_id.is_none().then(|| view! {
        <p class="notice" data-testid="no-project">
            "This workflow has no project yet (it was imported). Choose one beside Run now, or give it one in "
            <a href=edit_href>"Edit"</a>"."
        </p>
    });
    // A workflow without a project (an imported one) runs for the project chosen here.
    let choose_project = w.project_id.is_none().then(|| {
        let projects = detail.projects.clone();
        view! {
            <label class="field field--inline" for="run-project">"Project"</label>
            <select id="run-project" name="project_id" data-testid="run-project">
                <option value="">"Choose a project…"</option>
                {projects.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
            </select>
        }
    });
    view! {
        <Title text=w.name.clone() />
        <header class="page-header">
            <div>
                <p class="page-header__crumb"><a href="/workflows">"Workflows"</a></p>
                <h1 class="page-header__title" data-testid="workflow-name">{w.name.clone()}</h1>
                <p class="page-header__subtitle">{detail.item.project_name.clone().unwrap_or_default()}" · "{w.description.clone().unwrap_or_default()}</p>
            </div>
            <div class="page-header__actions">
                <a class="button button--ghost" href=format!("/workflows/{}/edit", w.id) data-testid="edit-workflow">"Edit"</a>
                <ActionForm action=start>
                    <input type="hidden" name="workflow_id" value=w.id.to_string() />
                    {choose_project}
                    <label class="check" title="Work out every change and apply none">
                        <input type="checkbox" name="dry_run" value="on" data-testid="dry-run" />
                        " Dry run"
                    </label>
                    <button type="submit" class="button" data-testid="start-run">
                        {move || if start.pending().get() { "Starting…" } else { "Run now" }}
                    </button>
                </ActionForm>
            </div>
        </header>
        <Show when=move || error().is_some()>
            <p class="notice notice--bad" role="alert">{error}</p>
        </Show>
        <Show when=move || project_error().is_some()>
            <p class="notice notice--bad" role="alert" data-testid="error-project_id">
                "Choose a project to run this workflow for: " {project_error}
            </p>
        </Show>
        {no_project_notice}
        <p class="muted" data-testid="approval-policy">{w.approval.describe()}</p>
        <section class="panel glass" aria-label="Stages">
            <h2 class="panel__title">{format!("Stages ({})", w.stages.len())}</h2>
            <ol class="stage-list">
                {w.stages.iter().map(|s| view! {
                    <li class="stage-list__item">
                        <strong>{s.name.clone()}</strong>
                        <span class="muted">{format!(" · {} · {}", s.agent, s.action)}</span>
                        <code class="stage-list__params">{s.params.to_string()}</code>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section class="panel glass" aria-label="Runs">
            <h2 class="panel__title">"Recent runs"</h2>
            {if detail.runs.is_empty() {
                view! { <p class="muted">"Not run yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="feed">
                        {detail.runs.into_iter().map(|r| view! {
                            <li class="feed__item">
                                <a href=format!("/executions/{}", r.id)>{r.id.to_string()}</a>
                                " "<RunStatusBadge status=r.status />
                                <span class="feed__time"><Time at=r.created_at relative=true /></span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
