use crate::components::{Icon, IconName};
use leptos::prelude::*;

const STORAGE_KEY: &str = "switchboard-theme";

/// Switches between the light and dark themes and remembers the choice in this browser. Before the
/// user chooses, the page follows the system's preference (in CSS, so it works without JavaScript).
#[component]
pub fn ThemeToggle() -> impl IntoView {
    // None until the browser has told us which theme is showing.
    let dark = RwSignal::new(None::<bool>);
    Effect::new(move |_| dark.set(Some(browser::current_is_dark())));
    // Charts read the theme's colours when drawn: tell them to draw again.
    let charts = use_context::<crate::components::chart::ChartTheme>();

    let toggle = move |_| {
        let next = !dark.get_untracked().unwrap_or_else(browser::current_is_dark);
        browser::apply_theme(next);
        dark.set(Some(next));
        if let Some(c) = charts {
            c.0.update(|v| *v += 1);
        }
    };

    view! {
        <button
            type="button"
            class="icon-button"
            data-testid="theme-toggle"
            aria-pressed=move || dark.get().map(|d| d.to_string()).unwrap_or_else(|| "mixed".to_owned())
            title=move || if dark.get() == Some(true) { "Switch to the light theme" } else { "Switch to the dark theme" }
            on:click=toggle
        >
            <span class="theme-icon theme-icon--dark"><Icon name=IconName::Moon /></span>
            <span class="theme-icon theme-icon--light"><Icon name=IconName::Sun /></span>
            <span class="visually-hidden">"Toggle the dark theme"</span>
        </button>
    }
}

/// The DOM side of the toggle; only ever called in the browser (effects and events do not run on
/// the server).
mod browser {
    use super::STORAGE_KEY;
    use leptos::prelude::{document, window};

    pub fn current_is_dark() -> bool {
        let explicit = document()
            .document_element()
            .and_then(|el| el.get_attribute("data-theme"));
        match explicit.as_deref() {
            Some("dark") => true,
            Some("light") => false,
            _ => window()
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
                .map(|m| m.matches())
                .unwrap_or(false),
        }
    }

    pub fn apply_theme(dark: bool) {
        let name = if dark { "dark" } else { "light" };
        if let Some(el) = document().document_element() {
            // Setting an attribute on <html> cannot fail for a valid name.
            let _ = el.set_attribute("data-theme", name);
        }
        if let Ok(Some(storage)) = window().local_storage() {
            // Private browsing may refuse storage; the theme still applies to this page.
            let _ = storage.set_item(STORAGE_KEY, name);
        }
    }
}
