use super::{Sidebar, TopBar};
use leptos::prelude::*;

/// The page frame. The mobile menu is a checkbox and a label, so it opens without JavaScript too.
#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    view! {
        <div class="app">
            <input type="checkbox" id="nav-toggle" class="nav-toggle" aria-hidden="true" tabindex="-1" />
            <Sidebar />
            <label for="nav-toggle" class="nav-scrim" aria-hidden="true"></label>
            <div class="app__body">
                <TopBar />
                <main class="app__main" id="main">
                    {children()}
                </main>
            </div>
        </div>
    }
}
