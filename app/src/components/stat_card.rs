use super::format::count;
use leptos::prelude::*;

/// One figure on a frosted card: a label, the number, and a line of detail under it.
#[component]
pub fn StatCard(
    label: &'static str,
    /// A count, shown grouped in the user's locale.
    #[prop(optional)]
    value: u64,
    /// The figure as already formatted (money, a ratio), shown instead of `value`.
    #[prop(optional, into)]
    text: Option<String>,
    detail: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <article class="stat-card glass" data-testid=testid>
            <p class="stat-card__label">{label}</p>
            <p class="stat-card__value">{text.unwrap_or_else(|| count(value))}</p>
            <p class="stat-card__detail">{detail}</p>
        </article>
    }
}
