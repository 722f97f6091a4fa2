use super::ThemeToggle;
use crate::components::{Icon, IconName};
use leptos::prelude::*;

#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="top-bar glass">
            <label for="nav-toggle" class="icon-button top-bar__menu" title="Menu">
                <Icon name=IconName::Menu />
                <span class="visually-hidden">"Open the menu"</span>
            </label>
            <p class="top-bar__context">"Ad operations across Google, Meta and Pinterest"</p>
            <div class="top-bar__actions">
                <ThemeToggle />
            </div>
        </header>
    }
}
