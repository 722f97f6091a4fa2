use super::{Sidebar, TopBar};
use leptos::prelude::*;

/// The id of the checkbox that holds the mobile menu's open state.
pub(crate) const NAV_TOGGLE_ID: &str = "nav-toggle";

/// The page frame. The mobile menu is a checkbox and a label, so it opens without JavaScript too;
/// with JavaScript, following a link in it closes it (see `Sidebar`).
#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    view! {
        <div class="app">
            <input type="checkbox" id=NAV_TOGGLE_ID class="nav-toggle" aria-hidden="true" tabindex="-1" />
            <Sidebar />
            <label for=NAV_TOGGLE_ID class="nav-scrim" aria-hidden="true"></label>
            <div class="app__body">
                <TopBar />
                <main class="app__main" id="main">
                    {children()}
                </main>
            </div>
        </div>
    }
}
