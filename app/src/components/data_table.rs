//! A table in the app's style: column headings, and the rows as children.

use leptos::prelude::*;

/// A column heading; numeric columns align right.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    label: &'static str,
    numeric: bool,
}

impl Column {
    pub const fn text(label: &'static str) -> Self {
        Column {
            label,
            numeric: false,
        }
    }

    pub const fn num(label: &'static str) -> Self {
        Column { label, numeric: true }
    }
}

#[component]
pub fn DataTable(
    /// The table's `data-testid`.
    testid: &'static str,
    columns: &'static [Column],
    /// Tighter rows, for logs.
    #[prop(optional)]
    compact: bool,
    children: Children,
) -> impl IntoView {
    let class = if compact { "table table--compact" } else { "table" };
    view! {
        <div class="table-wrap glass">
            <table class=class data-testid=testid>
                <thead>
                    <tr>
                        {columns
                            .iter()
                            .map(|c| view! { <th scope="col" class=c.numeric.then_some("num")>{c.label}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
