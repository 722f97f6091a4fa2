//! A person's learning: a note, or an outcome (what was done and what followed), in a context.

use super::forms::use_forms;
use crate::error::AppError;
use crate::server_fns::memory::RecordForm;
use leptos::form::ActionForm;
use leptos::prelude::*;
use switchboard_core::Platform;
use switchboard_core::memory::{MemoryAction, MemoryKind, Metric, Objective};
use switchboard_core::vertical::Vertical;

/// The form to record a learning, emptied after each one recorded. `projects` are `(id, name)`.
#[component]
pub fn RecordMemory(projects: Vec<(String, String)>) -> impl IntoView {
    let Some(forms) = use_forms() else {
        return ().into_any();
    };
    let flashed = forms.typed(RecordForm::NAME);
    view! {
        <section class="panel glass memory-record" id="record" aria-labelledby="record-title">
            <h2 class="panel__title" id="record-title">"Record a learning"</h2>
            <p class="panel__note">
                "What you know from experience, for the agents and your colleagues: a note, or an outcome (what was done and what followed). A learning that repeats one already here is merged into it."
            </p>
            {move || {
                // Empty again after each learning recorded; what was typed when a post without
                // JavaScript answered an error, the first time.
                let typed = if forms.recorded.get() == 0 { flashed.clone() } else { None };
                view! { <Fields projects=projects.clone() typed /> }
            }}
            {move || forms.record.value().get().and_then(Result::ok).map(|r| {
                let class = if r.merged { "notice notice--ok memory-record__result memory-record__result--merged" } else { "notice notice--ok memory-record__result" };
                let text = if r.merged {
                    format!("Merged into an existing learning (now seen {} times).", r.memory.evidence)
                } else {
                    "Recorded as a new learning.".to_owned()
                };
                view! {
                    <p class=class role="status" data-testid="record-result">
                        {text}" "<a href=format!("/memory/{}", r.memory.id)>{r.memory.summary.clone()}</a>
                    </p>
                }
            })}
        </section>
    }
    .into_any()
}

#[component]
fn Fields(
    projects: Vec<(String, String)>,
    /// What was typed before an error came back (no JavaScript), with the error.
    typed: Option<(crate::server_fns::flash::TypedForm, Option<AppError>)>,
) -> impl IntoView {
    let Some(forms) = use_forms() else {
        return ().into_any();
    };
    let flashed_error = StoredValue::new(typed.as_ref().and_then(|(_, e)| e.clone()));
    let value = {
        let typed = typed.clone();
        move |field: &str| typed.as_ref().and_then(|(t, _)| t.get(field))
    };
    let error = move || {
        forms.record.value().get().and_then(Result::err).or_else(|| {
            (forms.recorded.get_untracked() == 0 && forms.record.version().get() == 0)
                .then(|| flashed_error.get_value())
                .flatten()
        })
    };
    // Exactly the field (`outcome` is not `outcome.metric`); a tag's error is under `tags[i]`.
    let message = move |field: &'static str| {
        move || {
            error().and_then(|e| {
                if field == "tags" {
                    e.validation_under(field)
                } else {
                    e.field(field)
                }
            })
        }
    };
    let other = move || {
        error()
            .filter(|e| !matches!(e, AppError::Validation(_)))
            .map(|e| e.to_string())
    };
    let field_error = move |field: &'static str| {
        view! {
            <Show when=move || message(field)().is_some()>
                <p class="field__error" role="alert" data-testid=format!("record-error-{}", field.replace('.', "-"))>{message(field)}</p>
            </Show>
        }
    };
    let invalid = move |field: &'static str| move || message(field)().is_some().to_string();
    let kind = value("kind").unwrap_or_else(|| "note".to_owned());
    let choose = {
        let value = value.clone();
        move |field: &str, v: &str| value(field).as_deref() == Some(v)
    };
    let options = {
        let (choose, value) = (choose.clone(), value.clone());
        move |field: &'static str, words: Vec<(&'static str, &'static str)>, none: &'static str| {
            let choose = choose.clone();
            let chosen_none = value(field).is_none();
            view! {
                <option value="" selected=chosen_none>{none}</option>
                {words.into_iter().map(|(name, label)| {
                    let sel = choose(field, name);
                    view! { <option value=name selected=sel>{label}</option> }
                }).collect_view()}
            }
        }
    };
    view! {
        <ActionForm action=forms.record attr:class="form form--wide" attr:data-testid="record-form">
            <Show when=move || other().is_some()>
                <p class="form__error" role="alert">{other}</p>
            </Show>
            <div class="field">
                <label for="record-summary">"What was learned (one sentence)"</label>
                <input id="record-summary" name="form[summary]" type="text" maxlength="500" required
                    placeholder="Raising Meta budgets by more than 20% at once cut ROAS for home decor clients"
                    value=value("summary") aria-invalid=invalid("summary") />
                {field_error("summary")}
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="record-kind">"Kind"</label>
                    <select id="record-kind" name="form[kind]" data-testid="record-kind">
                        {[MemoryKind::Note, MemoryKind::Outcome].into_iter().map(|k| {
                            let sel = kind == k.as_str();
                            let label = match k {
                                MemoryKind::Outcome => "Outcome: what was done and what followed",
                                _ => "Note",
                            };
                            view! { <option value=k.as_str() selected=sel>{label}</option> }
                        }).collect_view()}
                    </select>
                    {field_error("kind")}
                </div>
                <div class="field">
                    <label for="record-project">"Project"</label>
                    <select id="record-project" name="form[project_id]" aria-invalid=invalid("project_id")>
                        {options("project_id", Vec::new(), "Agency-wide")}
                        {projects.into_iter().map(|(id, name)| {
                            let sel = choose("project_id", &id);
                            view! { <option value=id selected=sel>{name}</option> }
                        }).collect_view()}
                    </select>
                    {field_error("project_id")}
                </div>
                <div class="field">
                    <label for="record-action">"Action"</label>
                    <select id="record-action" name="form[action]" aria-invalid=invalid("action")>
                        {options("action", MemoryAction::ALL.iter().map(|a| (a.as_str(), a.label())).collect(), "—")}
                    </select>
                    <p class="field__hint">"What was done; needed for an outcome."</p>
                    {field_error("action")}
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="record-platform">"Platform"</label>
                    <select id="record-platform" name="form[platform]" aria-invalid=invalid("platform")>
                        {options("platform", Platform::ALL.iter().map(|p| (p.as_str(), p.label())).collect(), "Any")}
                    </select>
                    {field_error("platform")}
                </div>
                <div class="field">
                    <label for="record-objective">"Objective"</label>
                    <select id="record-objective" name="form[objective]" aria-invalid=invalid("objective")>
                        {options("objective", Objective::ALL.iter().map(|o| (o.as_str(), o.label())).collect(), "Any")}
                    </select>
                    {field_error("objective")}
                </div>
                <div class="field">
                    <label for="record-vertical">"Vertical"</label>
                    <select id="record-vertical" name="form[vertical]" aria-invalid=invalid("vertical")>
                        {options("vertical", Vertical::ALL.iter().map(|v| (v.as_str(), v.label())).collect(), "Any")}
                    </select>
                    {field_error("vertical")}
                </div>
            </div>
            <fieldset class="field memory-record__outcome" data-testid="record-outcome">
                <legend>"Outcome (for an outcome)"</legend>
                <div class="field-row">
                    <div class="field">
                        <label for="record-metric">"Metric"</label>
                        <select id="record-metric" name="form[metric]" aria-invalid=invalid("outcome.metric")>
                            {options("metric", Metric::ALL.iter().map(|m| (m.as_str(), m.label())).collect(), "—")}
                        </select>
                        {field_error("outcome.metric")}
                        {field_error("outcome")}
                    </div>
                    <div class="field">
                        <label for="record-before">"Before"</label>
                        <input id="record-before" name="form[before]" type="text" inputmode="decimal" placeholder="3.2"
                            value=value("before") aria-invalid=invalid("outcome.before") />
                        {field_error("outcome.before")}
                    </div>
                    <div class="field">
                        <label for="record-after">"After"</label>
                        <input id="record-after" name="form[after]" type="text" inputmode="decimal" placeholder="2.9"
                            value=value("after") aria-invalid=invalid("outcome.after") />
                        {field_error("outcome.after")}
                    </div>
                    <div class="field">
                        <label for="record-days">"Days observed"</label>
                        <input id="record-days" name="form[days]" type="number" min="1" max="365" placeholder="7"
                            value=value("days") aria-invalid=invalid("outcome.days") />
                        {field_error("outcome.days")}
                    </div>
                </div>
            </fieldset>
            <div class="field">
                <label for="record-tags">"Tags"</label>
                <input id="record-tags" name="form[tags]" type="text" maxlength="400" placeholder="scaling, q4"
                    value=value("tags") aria-invalid=invalid("tags") />
                <p class="field__hint">"Comma separated."</p>
                {field_error("tags")}
            </div>
            <div class="form__actions">
                <button type="submit" class="button" data-testid="record-submit">"Record"</button>
            </div>
        </ActionForm>
    }
    .into_any()
}
