use crate::components::Loaded;
use crate::error::AppError;
use crate::server_fns::flash::{FlashScope, take_flash};
use crate::server_fns::workflows::{WorkflowDetail, WorkflowForm, typed_in};
use crate::server_fns::{UpdateWorkflow, get_workflow};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use switchboard_core::agents::actions_of;
use switchboard_core::approval::ApprovalMode;
use switchboard_core::workflow::{Agent, Trigger};

#[component]
pub fn EditWorkflowPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, |id| async move {
        let detail = get_workflow(id.clone()).await?;
        // What a save without JavaScript that answered an error left for this editor.
        let flash = take_flash(FlashScope::WorkflowEditor).await.ok().flatten();
        Ok::<_, AppError>((detail, typed_in(flash.as_ref(), &id)))
    });
    view! {
        <Loaded resource=detail let:d>
            <Editor detail=d.0 typed=d.1 />
        </Loaded>
    }
}

/// One stage in the editor; `key` stays with it when stages move.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    key: u32,
    id: String,
    name: RwSignal<String>,
    agent: RwSignal<String>,
    action: RwSignal<String>,
    params: RwSignal<String>,
}

const AGENTS: [Agent; 4] = [
    Agent::Strategist,
    Agent::SocialMediaBuyer,
    Agent::Trader,
    Agent::Analyst,
];

/// Edits the stages (add, remove, move, agent, action, parameters) and how the workflow starts.
/// The fields start from `typed` (what a save without JavaScript sent before it answered an
/// error) when there is one, else from the stored workflow.
#[component]
fn Editor(detail: WorkflowDetail, typed: Option<WorkflowForm>) -> impl IntoView {
    let w = detail.item.workflow;
    let shown = typed.unwrap_or_else(|| WorkflowForm::of(&w));
    // The projects to choose from; the workflow's own stays choosable even when archived.
    let mut projects: Vec<(String, String)> = detail
        .projects
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    if let Some(own) = &w.project_id
        && !projects.iter().any(|(id, _)| id == own.as_str())
    {
        let name = detail
            .item
            .project_name
            .clone()
            .unwrap_or_else(|| own.to_string());
        projects.push((own.to_string(), name));
    }
    let own_project = shown.project_id.clone().unwrap_or_default();
    let save = ServerAction::<UpdateWorkflow>::new();
    let next = StoredValue::new(shown.stages.len() as u32);
    let rows = RwSignal::new(
        shown
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| Row {
                key: i as u32,
                id: s.id.clone().unwrap_or_else(|| format!("s{}", i + 1)),
                name: RwSignal::new(s.name.clone().unwrap_or_default()),
                agent: RwSignal::new(s.agent.clone()),
                action: RwSignal::new(s.action.clone()),
                params: RwSignal::new(s.params.clone().unwrap_or_default()),
            })
            .collect::<Vec<_>>(),
    );
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let message = move |field: String| move || error.get().and_then(|e| e.field(&field));
    let other = move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
            .map(|e| e.to_string())
    };
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| {
            r.push(Row {
                key,
                id: format!("s{}", key + 1),
                name: RwSignal::new(String::new()),
                agent: RwSignal::new("Analyst".to_owned()),
                action: RwSignal::new("report".to_owned()),
                params: RwSignal::new("{}".to_owned()),
            })
        });
    };
    let move_row = move |key: u32, by: i32| {
        rows.update(|r| {
            if let Some(i) = r.iter().position(|x| x.key == key) {
                let j = i as i32 + by;
                if j >= 0 && (j as usize) < r.len() {
                    r.swap(i, j as usize);
                }
            }
        })
    };
    let remove = move |key: u32| rows.update(|r| r.retain(|x| x.key != key));
    let id = w.id.to_string();
    view! {
        <Title text=format!("Edit · {}", w.name) />
        <header class="page-header">
            <div>
                <p class="page-header__crumb"><a href=format!("/workflows/{id}")>{w.name.clone()}</a></p>
                <h1 class="page-header__title">"Edit workflow"</h1>
            </div>
        </header>
        <ActionForm action=save attr:class="form form--wide" attr:data-testid="workflow-form">
            <input type="hidden" name="id" value=id.clone() />
            <Show when=move || other().is_some()>
                <p class="form__error" role="alert">{other}</p>
            </Show>
            <div class="field-row">
                <div class="field">
                    <label for="wf-name">"Name"</label>
                    <input id="wf-name" name="form[name]" type="text" value=shown.name.clone() />
                    <p class="field__error">{message("name".into())}</p>
                </div>
                <div class="field">
                    <label for="wf-project">"Project"</label>
                    <select id="wf-project" name="form[project_id]" data-testid="workflow-project">
                        <option value="" selected=own_project.is_empty()>"No project (choose one to run it)"</option>
                        {projects.into_iter().map(|(id, name)| {
                            let chosen = id == own_project;
                            view! { <option value=id selected=chosen>{name}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field__error" data-testid="error-project_id">{message("project_id".into())}</p>
                </div>
                <div class="field">
                    <label for="wf-trigger">"Starts"</label>
                    <select id="wf-trigger" name="form[trigger]">
                        {Trigger::ALL.iter().map(|t| {
                            let chosen = shown.trigger.as_deref() == Some(t.as_str());
                            view! { <option value=t.as_str() selected=chosen>{t.as_str()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="wf-schedule">"Schedule (cron, UTC)"</label>
                    <input id="wf-schedule" name="form[schedule]" type="text" placeholder="0 6 * * 1" value=shown.schedule.clone().unwrap_or_default() />
                    <p class="field__error" data-testid="error-schedule">{message("schedule".into())}</p>
                </div>
            </div>
            <fieldset class="field-row" data-testid="approval-fields">
                <legend>"Approval before changes (budgets, bids, statuses, new campaigns)"</legend>
                <div class="field">
                    <label for="wf-approval-mode">"Changes"</label>
                    <select id="wf-approval-mode" name="form[approval_mode]">
                        <option value="propose" selected=shown.approval_mode.as_deref() != Some(ApprovalMode::Auto.as_str())>"wait for approval"</option>
                        <option value="auto" selected=shown.approval_mode.as_deref() == Some(ApprovalMode::Auto.as_str())>"apply at once"</option>
                    </select>
                    <p class="field__error">{message("approval.mode".into())}</p>
                </div>
                <div class="field">
                    <label for="wf-approval-pct">"Auto-approve budget and bid changes under (%)"</label>
                    <input id="wf-approval-pct" name="form[auto_approve_under_pct]" type="text" inputmode="decimal" placeholder="none"
                        value=shown.auto_approve_under_pct.clone().unwrap_or_default() />
                    <p class="field__error" data-testid="error-approval.auto_approve_under_pct">{message("approval.auto_approve_under_pct".into())}</p>
                </div>
                <div class="field">
                    <label for="wf-approval-hours">"A proposal expires after (hours)"</label>
                    <input id="wf-approval-hours" name="form[expires_after_hours]" type="text" inputmode="numeric"
                        value=shown.expires_after_hours.clone().unwrap_or_default() />
                    <p class="field__error" data-testid="error-approval.expires_after_hours">{message("approval.expires_after_hours".into())}</p>
                </div>
            </fieldset>
            <input type="hidden" name="form[description]" value=shown.description.clone().unwrap_or_default() />
            <p class="field__error">{message("stages".into())}</p>
            <ol class="stage-editor" data-testid="stage-editor">
                <For each=move || rows.get().into_iter().enumerate() key=|(i, r)| (*i, r.key) let:item>
                    {
                        let (i, row) = item;
                        let key = row.key;
                        let (agent, action, name, params) = (row.agent, row.action, row.name, row.params);
                        view! {
                            <li class="stage-editor__row" data-testid="stage-row">
                                <input type="hidden" name=format!("form[stages][{i}][id]") value=row.id.clone() />
                                <div class="field">
                                    <label for=format!("stage-{key}-name")>"Name"</label>
                                    <input id=format!("stage-{key}-name") name=format!("form[stages][{i}][name]") type="text"
                                        value=name.get_untracked() prop:value=move || name.get()
                                        on:input=move |ev| name.set(event_target_value(&ev)) />
                                </div>
                                <div class="field">
                                    <label for=format!("stage-{key}-agent")>"Agent"</label>
                                    <select id=format!("stage-{key}-agent") name=format!("form[stages][{i}][agent]")
                                        on:change=move |ev| {
                                            let chosen = event_target_value(&ev);
                                            // A new agent starts on its first action.
                                            if let Some(first) = chosen.parse::<Agent>().ok().and_then(|a| actions_of(a).next()) {
                                                action.set(first.name.to_owned());
                                            }
                                            agent.set(chosen);
                                        }>
                                        {AGENTS.iter().map(|a| view! { <option value=a.as_str() selected=move || agent.get() == a.as_str()>{a.as_str()}</option> }).collect_view()}
                                    </select>
                                    <p class="field__error">{message(format!("stages[{i}].agent"))}</p>
                                </div>
                                <div class="field">
                                    <label for=format!("stage-{key}-action")>"Action"</label>
                                    <select id=format!("stage-{key}-action") name=format!("form[stages][{i}][action]")
                                        on:change=move |ev| action.set(event_target_value(&ev))>
                                        {move || {
                                            let chosen = agent.get().parse::<Agent>().unwrap_or(Agent::Analyst);
                                            let mut names: Vec<(String, String)> = actions_of(chosen)
                                                .map(|a| (a.name.to_owned(), format!("{} ({})", a.title, a.name)))
                                                .collect();
                                            // An earlier version's action word stays choosable.
                                            let current = action.get_untracked();
                                            if !names.iter().any(|(n, _)| *n == current) {
                                                names.push((current.clone(), format!("{current} (earlier version)")));
                                            }
                                            names.into_iter().map(|(n, label)| {
                                                let is = n.clone();
                                                view! { <option value=n selected=move || action.get() == is>{label}</option> }
                                            }).collect_view()
                                        }}
                                    </select>
                                    <p class="field__error" data-testid=format!("error-stage-{i}-action")>{message(format!("stages[{i}].action"))}</p>
                                </div>
                                <div class="field stage-editor__params">
                                    <label for=format!("stage-{key}-params")>"Parameters (JSON)"</label>
                                    <textarea id=format!("stage-{key}-params") name=format!("form[stages][{i}][params]") rows="2"
                                        prop:value=move || params.get() on:input=move |ev| params.set(event_target_value(&ev))>
                                        {params.get_untracked()}
                                    </textarea>
                                    <p class="field__error" data-testid=format!("error-stage-{i}-params")>
                                        {move || error.get().and_then(|e| e.validation_under(&format!("stages[{i}].params")))}
                                    </p>
                                </div>
                                <div class="stage-editor__moves">
                                    <button type="button" class="button button--ghost" title="Move up" on:click=move |_| move_row(key, -1)>"↑"</button>
                                    <button type="button" class="button button--ghost" title="Move down" on:click=move |_| move_row(key, 1)>"↓"</button>
                                    <button type="button" class="button button--ghost" title="Remove" data-testid="remove-stage" on:click=move |_| remove(key)>"✕"</button>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ol>
            <div class="form__actions">
                <button type="button" class="button button--ghost" data-testid="add-stage" on:click=add>"Add stage"</button>
                <button type="submit" class="button" data-testid="save-workflow">"Save"</button>
            </div>
        </ActionForm>
    }
}
