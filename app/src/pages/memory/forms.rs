//! The Memory pages' forms: record, change (summary, pin, undo a forget) and forget, shared by the
//! list and a learning's page. With JavaScript each posts through its server action and the page
//! reloads its data after a success; without, the browser posts, is sent back, and reads what the
//! post left in the flash store.

use crate::error::AppError;
use crate::server_fns::flash::{Flash, TypedForm};
use crate::server_fns::memory::{
    ForgetMemory, MemoryFlash, MemoryNotice, RecordMemory, UpdateMemory, forgotten_notice, recorded_notice,
    updated_notice,
};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The forms' actions and what they answered, for every part of the page (in the context).
#[derive(Clone, Copy)]
pub struct Forms {
    pub record: ServerAction<RecordMemory>,
    pub update: ServerAction<UpdateMemory>,
    pub forget: ServerAction<ForgetMemory>,
    /// Bumped after each change that succeeded: the page's data reloads.
    pub changed: RwSignal<u32>,
    /// Bumped after a learning was recorded: the form empties.
    pub recorded: RwSignal<u32>,
    /// The last change asked for (its learning's edit form shows the error; the notice says what
    /// was done). The action's own input is cleared as soon as it answers.
    pub last_update: RwSignal<Option<UpdateMemory>>,
    /// The latest notice: from the flash first, then from each answer.
    pub notice: RwSignal<Option<MemoryNotice>>,
    /// An error that no form shows beside itself.
    pub error: RwSignal<Option<AppError>>,
    /// What a post without JavaScript left.
    pub flash: StoredValue<Option<MemoryFlash>>,
}

impl Forms {
    /// Makes the actions, watches their answers, and puts them in the context.
    pub fn provide() -> Forms {
        let forms = Forms {
            record: ServerAction::new(),
            update: ServerAction::new(),
            forget: ServerAction::new(),
            changed: RwSignal::new(0),
            recorded: RwSignal::new(0),
            last_update: RwSignal::new(None),
            notice: RwSignal::new(None),
            error: RwSignal::new(None),
            flash: StoredValue::new(None),
        };
        forms.watch();
        provide_context(forms);
        forms
    }

    /// Takes in what a post without JavaScript left for the page (before the page's parts that
    /// show it are made).
    pub fn absorb(&self, flash: Option<Flash>) {
        let Some(Flash::Memory(f)) = flash else {
            return;
        };
        if let Some(n) = &f.notice {
            self.notice.set(Some(n.clone()));
        }
        // An error no form shows beside itself (a form's error comes back with what was typed).
        let unshown = f.typed.as_ref().is_none_or(|t| t.form.is_empty());
        if unshown && let Some(e) = &f.error {
            self.error.set(Some(e.clone()));
        }
        self.flash.set_value(Some(f));
    }

    fn watch(self) {
        let Forms {
            record,
            update,
            forget,
            ..
        } = self;
        Effect::new(move |_| {
            if let Some(input) = update.input().get() {
                self.last_update.set(Some(input));
            }
        });
        Effect::new(move |_| {
            // An error is shown by the form itself.
            if let Some(Ok(r)) = record.value().get() {
                self.notice.set(Some(recorded_notice(&r)));
                self.error.set(None);
                self.recorded.update(|n| *n += 1);
                self.changed.update(|n| *n += 1);
            }
        });
        Effect::new(move |_| {
            let Some(answer) = update.value().get() else {
                return;
            };
            match answer {
                Ok(m) => {
                    // What was asked for, to say what was done.
                    let asked = self.last_update.get_untracked();
                    let (summary, pinned, forgotten) = match &asked {
                        Some(a) => (a.summary.is_some(), a.pinned.clone(), a.forgotten.clone()),
                        None => (false, None, None),
                    };
                    self.notice.set(Some(updated_notice(
                        &m,
                        summary,
                        pinned.as_deref(),
                        forgotten.as_deref(),
                    )));
                    self.error.set(None);
                    self.changed.update(|n| *n += 1);
                }
                // A summary's error is shown by its edit form.
                Err(e) if e.field("summary").is_some() => {}
                Err(e) => self.error.set(Some(e)),
            }
        });
        Effect::new(move |_| match forget.value().get() {
            Some(Ok(m)) => {
                self.notice.set(Some(forgotten_notice(&m)));
                self.error.set(None);
                self.changed.update(|n| *n += 1);
            }
            Some(Err(e)) => self.error.set(Some(e)),
            None => {}
        });
    }

    /// What was typed into form `name` before a post without JavaScript answered an error.
    pub fn typed(&self, name: &str) -> Option<(TypedForm, Option<AppError>)> {
        self.flash.with_value(|f| {
            let f = f.as_ref()?;
            let typed = f.typed.as_ref().filter(|t| t.form == name)?;
            Some((typed.clone(), f.error.clone()))
        })
    }
}

/// The forms of the page, from the context.
pub fn use_forms() -> Option<Forms> {
    use_context::<Forms>()
}

/// The latest notice ("Recorded: …", "Forgotten: …" with its Undo) and any error no form shows.
#[component]
pub fn MemoryNotices() -> impl IntoView {
    let Some(forms) = use_forms() else {
        return ().into_any();
    };
    view! {
        {move || forms.notice.get().map(|n| {
            let link = n.id.clone().filter(|_| !n.undo).map(|id| view! {
                " "<a href=format!("/memory/{id}") data-testid="memory-notice-link">"Open it"</a>
            });
            let undo = n.undo.then(|| n.id.clone()).flatten().map(|id| view! {
                <ActionForm action=forms.update attr:class="memory-notice__undo">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="forgotten" value="false" />
                    <button type="submit" class="button button--ghost" data-testid="undo-forget">"Undo"</button>
                </ActionForm>
            });
            view! {
                <div class="notice notice--ok memory-notice" role="status" data-testid="memory-notice">
                    <span>{n.message.clone()}{link}</span>
                    {undo}
                </div>
            }
        })}
        {move || forms.error.get().map(|e| view! {
            <p class="notice notice--bad" role="alert" data-testid="memory-error">{e.to_string()}</p>
        })}
    }
    .into_any()
}

/// Pin or unpin a learning.
#[component]
pub fn PinForm(id: String, pinned: bool) -> impl IntoView {
    let Some(forms) = use_forms() else {
        return ().into_any();
    };
    view! {
        <ActionForm action=forms.update attr:class="memory-actions__form">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="pinned" value=if pinned { "false" } else { "true" } />
            <button type="submit" class="button button--ghost" data-testid="pin" aria-pressed=pinned.to_string()>
                {if pinned { "Unpin" } else { "Pin" }}
            </button>
        </ActionForm>
    }
    .into_any()
}

/// Forget a learning (its notice offers an undo), or bring a forgotten one back.
#[component]
pub fn ForgetForm(id: String, forgotten: bool) -> impl IntoView {
    let Some(forms) = use_forms() else {
        return ().into_any();
    };
    if forgotten {
        return view! {
            <ActionForm action=forms.update attr:class="memory-actions__form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="forgotten" value="false" />
                <button type="submit" class="button button--ghost" data-testid="bring-back">"Bring back"</button>
            </ActionForm>
        }
        .into_any();
    }
    view! {
        <ActionForm action=forms.forget attr:class="memory-actions__form">
            <input type="hidden" name="id" value=id />
            <button type="submit" class="button button--ghost memory-actions__forget" data-testid="forget">"Forget"</button>
        </ActionForm>
    }
    .into_any()
}

/// The summary, edited in place: open, change, save. An error keeps what was typed (with or
/// without JavaScript).
#[component]
pub fn EditSummary(id: String, summary: String) -> impl IntoView {
    let Some(forms) = use_forms() else {
        return ().into_any();
    };
    // Without JavaScript: the post came back with an error for this learning.
    let flashed = forms
        .typed("edit-summary")
        .filter(|(t, _)| t.get("id").as_deref() == Some(id.as_str()));
    let value = flashed
        .as_ref()
        .and_then(|(t, _)| t.get("summary"))
        .unwrap_or(summary);
    let flashed_error = flashed
        .as_ref()
        .and_then(|(_, e)| e.as_ref())
        .map(|e| e.field("summary").unwrap_or_else(|| e.to_string()));
    let open = flashed.is_some();
    let this = id.clone();
    let error = Memo::new(move |_| {
        let mine = forms
            .last_update
            .with(|u| u.as_ref().is_some_and(|u| u.id == this));
        let live = if mine {
            forms
                .update
                .value()
                .get()
                .and_then(Result::err)
                .and_then(|e| e.field("summary"))
        } else {
            None
        };
        live.or_else(|| flashed_error.clone())
    });
    let input_id = format!("summary-{id}");
    view! {
        <details class="memory-edit" open=open data-testid="edit-summary">
            <summary class="button button--ghost">"Edit summary"</summary>
            <ActionForm action=forms.update attr:class="memory-edit__form">
                <input type="hidden" name="id" value=id />
                <label class="visually-hidden" for=input_id.clone()>"Summary"</label>
                <input id=input_id type="text" name="summary" maxlength="500" value=value
                    aria-invalid=move || error.get().is_some().to_string() data-testid="summary-input" />
                <button type="submit" class="button" data-testid="save-summary">"Save"</button>
                <Show when=move || error.get().is_some()>
                    <p class="field__error" role="alert" data-testid="summary-error">{move || error.get()}</p>
                </Show>
            </ActionForm>
        </details>
    }
    .into_any()
}
