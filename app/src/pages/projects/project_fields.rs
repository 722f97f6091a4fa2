use crate::error::AppError;
use crate::server_fns::projects::ProjectFormData;
use leptos::prelude::*;
use switchboard_core::vertical::Vertical;

/// The project form's inputs, named for a server function argument called `form`, with each
/// field's validation message under it.
#[component]
pub fn ProjectFields(
    initial: ProjectFormData,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(default = false)] with_status: bool,
) -> impl IntoView {
    let message = move |field: &'static str| move || error.get().and_then(|e| e.field(field));
    let field_error = move |field: &'static str| {
        view! {
            <Show when=move || message(field)().is_some()>
                <p class="field__error" role="alert" data-testid=format!("error-{field}")>
                    {message(field)}
                </p>
            </Show>
        }
    };
    let other_error = move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
            .map(|e| e.to_string())
    };
    let checked = |v: &Option<String>| v.is_some();
    // What the form was given (a name, or a spelling a vertical is also read from) as one of the
    // choices.
    let current_vertical = initial.vertical.as_deref().and_then(Vertical::parse_word);
    view! {
        <Show when=move || other_error().is_some()>
            <p class="form__error" role="alert">{other_error}</p>
        </Show>
        <div class="field">
            <label for="project-name">"Name"</label>
            <input id="project-name" name="form[name]" type="text" maxlength="120" value=initial.name.clone()
                aria-invalid=move || message("name")().is_some().to_string() />
            {field_error("name")}
        </div>
        <div class="field-row">
            <div class="field">
                <label for="project-client">"Client"</label>
                <input id="project-client" name="form[client]" type="text" maxlength="120"
                    value=initial.client.clone().unwrap_or_default() />
                {field_error("client")}
            </div>
            <div class="field">
                <label for="project-vertical">"Vertical"</label>
                <select id="project-vertical" name="form[vertical]" data-testid="project-vertical"
                    aria-invalid=move || message("vertical")().is_some().to_string()>
                    <option value="" selected=current_vertical.is_none()>"—"</option>
                    {Vertical::ALL.iter().map(|v| view! {
                        <option value=v.as_str() selected=current_vertical == Some(*v)>{v.label()}</option>
                    }).collect_view()}
                </select>
                {field_error("vertical")}
            </div>
        </div>
        <div class="field-row">
            <div class="field">
                <label for="project-budget">"Monthly budget"</label>
                <input id="project-budget" name="form[monthly_budget]" type="text" inputmode="decimal"
                    placeholder="15000" value=initial.monthly_budget.clone().unwrap_or_default()
                    aria-invalid=move || message("monthly_budget")().is_some().to_string() />
                {field_error("monthly_budget")}
            </div>
            <div class="field">
                <label for="project-currency">"Currency"</label>
                <input id="project-currency" name="form[currency]" type="text" maxlength="3"
                    value=initial.currency.clone().unwrap_or_else(|| "USD".to_owned()) />
                {field_error("currency")}
            </div>
        </div>
        <fieldset class="field">
            <legend>"Platforms"</legend>
            <label class="check">
                <input type="checkbox" name="form[platform_google]" value="on" checked=checked(&initial.platform_google) />
                "Google Ads"
            </label>
            <label class="check">
                <input type="checkbox" name="form[platform_meta]" value="on" checked=checked(&initial.platform_meta) />
                "Meta Ads"
            </label>
            <label class="check">
                <input type="checkbox" name="form[platform_pinterest]" value="on" checked=checked(&initial.platform_pinterest) />
                "Pinterest Ads"
            </label>
            {field_error("platforms")}
        </fieldset>
        {with_status.then(|| {
            let current = initial.status.clone().unwrap_or_else(|| "active".to_owned());
            view! {
                <div class="field">
                    <label for="project-status">"Status"</label>
                    <select id="project-status" name="form[status]">
                        {["active", "paused", "archived"].into_iter().map(|s| view! {
                            <option value=s selected=current == s>{s}</option>
                        }).collect_view()}
                    </select>
                    {field_error("status")}
                </div>
            }
        })}
        <div class="field">
            <label for="project-description">"Description"</label>
            <textarea id="project-description" name="form[description]" rows="3" maxlength="2000">
                {initial.description.clone().unwrap_or_default()}
            </textarea>
            {field_error("description")}
        </div>
    }
}
