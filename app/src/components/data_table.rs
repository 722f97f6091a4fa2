//! A table in the app's style: column headings, and the rows as children.

use leptos::prelude::*;

/// A column heading known when compiling; numeric columns align right.
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

/// A column heading made at run time: any view (a sort link, a label naming the currency, a
/// column name from the data); numeric columns align right.
pub struct Heading {
    content: AnyView,
    numeric: bool,
}

impl Heading {
    pub fn text(content: impl IntoView) -> Self {
        Heading {
            content: content.into_any(),
            numeric: false,
        }
    }

    pub fn num(content: impl IntoView) -> Self {
        Heading {
            content: content.into_any(),
            numeric: true,
        }
    }
}

impl From<Column> for Heading {
    fn from(c: Column) -> Self {
        Heading {
            content: c.label.into_any(),
            numeric: c.numeric,
        }
    }
}

/// A table's column headings, in order: a constant list of [`Column`]s, or [`Heading`]s built at
/// run time.
pub struct Headings(Vec<Heading>);

impl From<&'static [Column]> for Headings {
    fn from(columns: &'static [Column]) -> Self {
        Headings(columns.iter().copied().map(Heading::from).collect())
    }
}

impl From<Vec<Heading>> for Headings {
    fn from(headings: Vec<Heading>) -> Self {
        Headings(headings)
    }
}

/// What a table sits in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TableWrap {
    /// A glass card of its own that scrolls sideways: a table standing alone in the page.
    #[default]
    Card,
    /// Only the sideways scroll, for a table inside a panel that is already glass.
    Scroll,
    /// Only a plain sideways scroll (no card, no sticky column): a small table inside another block
    /// (a run stage's output).
    Bare,
}

#[component]
pub fn DataTable(
    /// The table's `data-testid`.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// The column headings (each a `<th scope="col">`).
    #[prop(into)]
    columns: Headings,
    /// Tighter rows, for logs and figures inside panels.
    #[prop(optional)]
    compact: bool,
    /// What the table sits in; its own glass card by default.
    #[prop(optional)]
    wrap: TableWrap,
    /// The rows (`<tr>`s of the body).
    children: Children,
) -> impl IntoView {
    let class = if compact { "table table--compact" } else { "table" };
    let table = view! {
        <table class=class data-testid=testid>
            <thead>
                <tr>
                    {columns
                        .0
                        .into_iter()
                        .map(|h| view! { <th scope="col" class=h.numeric.then_some("num")>{h.content}</th> })
                        .collect_view()}
                </tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    };
    // Every table scrolls sideways inside what holds it: no table makes the page wider than the
    // screen.
    let wrap_class = match wrap {
        TableWrap::Card => "table-wrap glass",
        TableWrap::Scroll => "table-wrap",
        TableWrap::Bare => "table-scroll",
    };
    view! { <div class=wrap_class>{table}</div> }
}
