use leptos::prelude::*;
use leptos_meta::Title;

/// A page's title row: heading, one line of context, and room for actions on the right.
#[component]
pub fn PageHeader(
    title: &'static str,
    subtitle: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=title />
        <header class="page-header">
            <div>
                <h1 class="page-header__title">{title}</h1>
                <p class="page-header__subtitle">{subtitle}</p>
            </div>
            {children.map(|c| view! { <div class="page-header__actions">{c()}</div> })}
        </header>
    }
}
