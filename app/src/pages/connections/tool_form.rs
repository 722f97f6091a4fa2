use crate::error::AppError;
use crate::server_fns::RunTool;
use crate::server_fns::connections::ToolInfo;
use crate::server_fns::flash::Typed;
use leptos::form::ActionForm;
use leptos::prelude::*;
use serde_json::Value;
use switchboard_core::connectors::form::{Input, input_for, properties};

/// The form a tool's parameter schema calls for: a select for a choice, checkboxes for a list of
/// choices, date, number and text inputs, JSON for the rest. Each field's error shows under it.
#[component]
pub fn ToolForm(
    tool: ToolInfo,
    connection_id: String,
    run: ServerAction<RunTool>,
    error: Signal<Option<AppError>>,
    /// What was typed, when a post without JavaScript answered an error.
    typed: Typed,
) -> impl IntoView {
    let other = move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
            .map(|e| e.to_string())
    };
    let request_error = move || {
        error
            .get()
            .and_then(|e| e.field("request").or_else(|| e.field("params")))
    };
    let fields = properties(&tool.params)
        .into_iter()
        .map(|(name, schema, required)| {
            field(name.to_owned(), schema.clone(), required, error, typed.clone())
        })
        .collect_view();
    let none = properties(&tool.params).is_empty();
    view! {
        <ActionForm action=run attr:class="form" attr:data-testid="tool-form">
            <input type="hidden" name="connection_id" value=connection_id />
            <input type="hidden" name="tool" value=tool.name.clone() />
            <Show when=move || other().is_some()>
                <p class="form__error" role="alert" data-testid="tool-error">{other}</p>
            </Show>
            <Show when=move || request_error().is_some()>
                <p class="form__error" role="alert">{request_error}</p>
            </Show>
            {none.then(|| view! { <p class="muted">"This tool takes no parameters."</p> })}
            <div class="tool-fields">{fields}</div>
            <div class="form__actions">
                <button type="submit" class="button" data-testid="run-tool">
                    {move || if run.pending().get() { "Running…" } else { "Run" }}
                </button>
            </div>
        </ActionForm>
    }
}

fn field(
    name: String,
    schema: Value,
    required: bool,
    error: Signal<Option<AppError>>,
    typed: Typed,
) -> impl IntoView {
    let value = typed.value(&name);
    let id = format!("param-{name}");
    let input_name = format!("params[{name}]");
    let schema = &schema;
    let description = schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let default = schema.get("default").map(|d| match d {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let key = StoredValue::new(name.clone());
    let message = move || key.with_value(|k| error.get().and_then(|e| e.field(k)));
    let bound = |k: &str| schema.get(k).and_then(Value::as_i64).map(|n| n.to_string());
    let control = match input_for(schema) {
        Input::Choice(choices) => view! {
            <select id=id.clone() name=input_name required=required>
                {(!required).then(|| view! { <option value="">{default.clone().map_or_else(|| "—".to_owned(), |d| format!("— ({d})"))}</option> })}
                {choices.into_iter().map(|c| {
                    let selected = value.as_deref() == Some(c.as_str());
                    view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        Input::Choices(choices) => view! {
            <div class="check-group" id=id.clone()>
                {choices.into_iter().map(|c| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("params[{name}.{c}]") value="on" checked=typed.value(&format!("{name}.{c}")).is_some() />
                        <span>{c.clone()}</span>
                    </label>
                }).collect_view()}
            </div>
        }
        .into_any(),
        Input::Boolean => view! {
            <label class="check"><input id=id.clone() type="checkbox" name=input_name value="true" checked=value.is_some() /><span>"yes"</span></label>
        }
        .into_any(),
        Input::Date => view! { <input id=id.clone() type="date" name=input_name required=required value=value.clone() /> }.into_any(),
        Input::Integer => view! {
            <input id=id.clone() type="number" step="1" name=input_name required=required
                min=bound("minimum") max=bound("maximum") placeholder=default.clone() value=value.clone() />
        }
        .into_any(),
        Input::Number => view! {
            <input id=id.clone() type="number" step="any" name=input_name required=required placeholder=default.clone() value=value.clone() />
        }
        .into_any(),
        Input::Text => view! {
            <input id=id.clone() type="text" name=input_name required=required placeholder=default.clone() value=value.clone() />
        }
        .into_any(),
        Input::Json => view! { <textarea id=id.clone() name=input_name rows="3" placeholder="JSON">{value.clone()}</textarea> }.into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{name.clone()}{required.then_some(" *")}</label>
            {control}
            {description.map(|d| view! { <p class="field__hint">{d}</p> })}
            <Show when=move || message().is_some()>
                <p class="field__error" role="alert">{message}</p>
            </Show>
        </div>
    }
}
