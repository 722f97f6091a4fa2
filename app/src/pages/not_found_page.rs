use crate::components::{EmptyState, IconName};
use leptos::prelude::*;
use leptos_meta::Title;

/// Any path the router does not know. Rendered with HTTP status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Not found" />
        <EmptyState
            title="This page does not exist"
            message="The address may be mistyped, or the page has moved."
            icon=IconName::Compass
        >
            <a class="button" href="/">"Go to the dashboard"</a>
        </EmptyState>
    }
}
