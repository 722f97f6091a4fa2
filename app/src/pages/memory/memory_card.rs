//! One learning in plain words, with what can be done to it (pin, edit its summary, forget).

use super::forms::{EditSummary, ForgetForm, PinForm};
use super::words::{confidence_text, context_chips, evidence_text, outcome_badge, outcome_text, recorded_by};
use crate::components::Time;
use crate::server_fns::memory::Memory;
use leptos::prelude::*;

/// The learning's context as chips.
#[component]
pub fn ContextChips(memory: Memory) -> impl IntoView {
    let chips = context_chips(&memory);
    if chips.is_empty() {
        return view! { <p class="memory-chips memory-chips--none muted">"Any context"</p> }.into_any();
    }
    view! {
        <ul class="memory-chips" aria-label="Context">
            {chips.into_iter().map(|(what, text)| view! {
                <li class=format!("memory-chip memory-chip--{what}") data-what=what>{text}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Where the learning came from: its run (linked), or who recorded it.
#[component]
pub fn SourceLine(memory: Memory) -> impl IntoView {
    match memory.source.execution_id.clone() {
        Some(run) => {
            let stage = memory.source.stage_id.clone().map(|s| format!(" (stage {s})"));
            view! {
                <span data-testid="memory-source">
                    "Learned in run "
                    <a href=format!("/executions/{run}") data-testid="memory-run">{run.clone()}</a>
                    {stage}
                </span>
            }
            .into_any()
        }
        None => view! { <span data-testid="memory-source">{recorded_by(&memory)}</span> }.into_any(),
    }
}

/// A learning in the list: summary (linked to its page), who and what kind, context, outcome,
/// evidence and confidence, source, and its actions.
#[component]
pub fn MemoryCard(
    memory: Memory,
    /// Its page (carrying the search it was found by).
    href: String,
    /// The project it was learned on, by name; agency-wide when `None`.
    project: Option<String>,
) -> impl IntoView {
    let m = memory;
    let id = m.id.to_string();
    let (pin_id, edit_id, forget_id) = (id.clone(), id.clone(), id.clone());
    let outcome = m.outcome.clone();
    let badge = outcome.as_ref().map(outcome_badge);
    let scope = project.unwrap_or_else(|| {
        if m.project_id.is_some() {
            "one project".to_owned()
        } else {
            "agency-wide".to_owned()
        }
    });
    view! {
        <article class="memory-card glass" data-testid="memory" data-id=id data-kind=m.kind.as_str()
            data-outcome=badge.map(|(_, w)| w).unwrap_or("none")>
            <header class="memory-card__head">
                <a class="memory-card__summary" href=href data-testid="memory-summary">{m.summary.clone()}</a>
                <div class="memory-card__badges">
                    {m.pinned.then(|| view! { <span class="badge badge--ok" data-testid="pinned">"Pinned"</span> })}
                    {m.forgotten.then(|| view! { <span class="badge badge--bad">"Forgotten"</span> })}
                    {badge.map(|(class, word)| view! { <span class=class data-testid="outcome-badge">{word}</span> })}
                </div>
            </header>
            <p class="memory-card__who">
                <strong>{m.agent.label()}</strong>
                {format!(" · {} · {scope}", m.kind.label())}
            </p>
            <ContextChips memory=m.clone() />
            {outcome.as_ref().map(|o| view! { <p class="memory-card__outcome" data-testid="memory-outcome">{outcome_text(o)}</p> })}
            <p class="memory-card__evidence" data-testid="memory-evidence">
                {evidence_text(m.evidence)}" · "{confidence_text(m.confidence)}
                {(!m.confidence_reason.is_empty() && m.confidence_reason != evidence_text(m.evidence)).then(|| view! { <span class="muted">{format!(" ({})", m.confidence_reason)}</span> })}
            </p>
            <p class="memory-card__source muted">
                <SourceLine memory=m.clone() />
                " · updated "<Time at=m.updated_at relative=true />
            </p>
            <div class="memory-actions">
                <PinForm id=pin_id pinned=m.pinned />
                <EditSummary id=edit_id summary=m.summary.clone() />
                <ForgetForm id=forget_id forgotten=m.forgotten />
            </div>
        </article>
    }
}
