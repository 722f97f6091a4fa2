//! What the agents recalled, linked: a line's memory ids (`mem_…`) become links to the learnings'
//! pages, and a stage's recalled learnings are listed with why each came up.

use leptos::prelude::*;
use serde_json::Value;
use switchboard_core::agents::lessons::{Piece, pieces};

/// A line of text whose memory ids link to `/memory/{id}`.
#[component]
pub fn Cited(text: String) -> impl IntoView {
    let parts: Vec<AnyView> = pieces(&text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t.to_owned().into_any(),
            Piece::Memory(id) => {
                let id = id.to_owned();
                view! { <a class="memory-link" data-testid="memory-link" href=format!("/memory/{id}")>{id.clone()}</a> }
                    .into_any()
            }
        })
        .collect();
    parts.collect_view()
}

/// A stage's recalled learnings (`[{id, summary, score, why}]`), or that there were none yet.
#[component]
pub fn Recalled(items: Vec<Value>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="stage__recalled muted" data-testid="stage-recalled">"Recalled: no learnings yet"</p> }
            .into_any();
    }
    view! {
        <div class="stage__recalled" data-testid="stage-recalled">
            <p class="muted">"Recalled:"</p>
            <ul>
                {items.into_iter().map(|r| {
                    let id = r["id"].as_str().unwrap_or_default().to_owned();
                    let summary = r["summary"].as_str().unwrap_or_default().to_owned();
                    let why = r["why"].as_str().unwrap_or_default().to_owned();
                    view! {
                        <li>
                            <a class="memory-link" data-testid="memory-link" href=format!("/memory/{id}")>{id.clone()}</a>
                            " "{summary}
                            <span class="muted">" ("{why}")"</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// What the memory already said about the project (the Analyst's "Known: …" lines).
#[component]
pub fn Known(lines: Vec<String>) -> impl IntoView {
    view! {
        <ul class="stage__known" data-testid="stage-known">
            {lines.into_iter().map(|l| view! { <li><Cited text=l /></li> }).collect_view()}
        </ul>
    }
}
