//! The browser entry point: hydrates the server-rendered page, then marks `<body data-hydrated>` so
//! tests (and anyone curious) can tell the app is interactive.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        // The attribute name is valid, so this cannot fail.
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
