//! A value to copy (a secret, a key, a command): in a read-only field whose whole text one click
//! selects, so it can be copied without JavaScript, and with JavaScript a Copy button beside it
//! that puts it on the clipboard and says "Copied".

use leptos::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    /// The browser refused the clipboard (a page not served over https or from localhost): the
    /// value is selected instead, for Ctrl+C.
    Selected,
}

/// How long the button says "Copied" before it reads "Copy" again.
const COPIED_FOR: Duration = Duration::from_millis(2_500);

#[component]
pub fn CopyField(
    /// What is shown and copied.
    #[prop(into)]
    value: String,
    /// The `data-testid` of the element holding the value.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// A multi-line value (a shell command): shown as a block.
    #[prop(optional)]
    block: bool,
    /// What the value is, for the button's accessible name ("Copy the signing secret").
    #[prop(optional)]
    what: Option<&'static str>,
) -> impl IntoView {
    let shown = if block {
        view! { <pre class="code copy-field__value" data-testid=testid tabindex="0"><code>{value.clone()}</code></pre> }
            .into_any()
    } else {
        view! { <code class="copy-field__value" data-testid=testid tabindex="0">{value.clone()}</code> }
            .into_any()
    };
    view! {
        <div class=if block { "copy-field copy-field--block" } else { "copy-field" }>
            {shown}
            <CopyButton value what />
        </div>
    }
}

/// The button: hidden until the page runs JavaScript (without it, it could do nothing).
#[component]
fn CopyButton(value: String, what: Option<&'static str>) -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let state = RwSignal::new(CopyState::Idle);
    let copy = move |ev: leptos::ev::MouseEvent| {
        let field = ev.current_target();
        browser::copy(&value, move |copied| {
            if copied {
                state.set(CopyState::Copied);
            } else {
                if let Some(field) = field.as_ref() {
                    browser::select_value(field);
                }
                state.set(CopyState::Selected);
            }
            set_timeout(move || state.set(CopyState::Idle), COPIED_FOR);
        });
    };
    let label = what.map(|w| format!("Copy {w}"));
    view! {
        <button
            type="button"
            class="button button--ghost copy-field__button"
            data-testid="copy"
            hidden=move || !ready.get()
            aria-label=label
            on:click=copy
        >
            <span aria-live="polite">
                {move || match state.get() {
                    CopyState::Idle => "Copy",
                    CopyState::Copied => "Copied",
                    CopyState::Selected => "Selected: press Ctrl+C",
                }}
            </span>
        </button>
    }
}

/// The browser side; only ever called from an event handler (they do not run on the server).
mod browser {
    use leptos::prelude::window;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{Element, EventTarget, js_sys};

    /// Writes `text` to the clipboard and says whether it worked.
    pub fn copy(text: &str, done: impl Fn(bool) + Clone + 'static) {
        let navigator = window().navigator();
        let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
            .map(|c| !c.is_undefined() && !c.is_null())
            .unwrap_or(false);
        if !available {
            done(false);
            return;
        }
        let resolved = {
            let done = done.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| done(true))
        };
        let rejected = Closure::<dyn FnMut(JsValue)>::new(move |_| done(false));
        let _ = navigator.clipboard().write_text(text).then2(&resolved, &rejected);
        // Each runs at most once, when the promise settles; they are small.
        resolved.forget();
        rejected.forget();
    }

    /// Selects the text of the value beside `button`.
    pub fn select_value(button: &EventTarget) {
        let value = button
            .dyn_ref::<Element>()
            .and_then(|b| b.closest(".copy-field").ok().flatten())
            .and_then(|f| f.query_selector(".copy-field__value").ok().flatten());
        if let (Some(value), Ok(Some(selection))) = (value, window().get_selection()) {
            let _ = selection.select_all_children(&value);
        }
    }
}
