use leptos::prelude::*;
use switchboard_core::format::format_count;

/// One figure on a frosted card: a label, the number, and a line of detail under it.
#[component]
pub fn StatCard(
    label: &'static str,
    value: u64,
    detail: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <article class="stat-card glass" data-testid=testid>
            <p class="stat-card__label">{label}</p>
            <p class="stat-card__value">{format_count(value)}</p>
            <p class="stat-card__detail">{detail}</p>
        </article>
    }
}
