use super::{Icon, IconName};
use leptos::prelude::*;

/// What a list or page shows when it has nothing yet: what would be here, and how to get there.
#[component]
pub fn EmptyState(
    title: &'static str,
    message: &'static str,
    #[prop(default = IconName::Inbox)] icon: IconName,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty-state glass" data-testid="empty-state">
            <div class="empty-state__icon">
                <Icon name=icon />
            </div>
            <h2 class="empty-state__title">{title}</h2>
            <p class="empty-state__message">{message}</p>
            {children.map(|c| view! { <div class="empty-state__actions">{c()}</div> })}
        </div>
    }
}
