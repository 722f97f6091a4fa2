//! What each agent (and the people) learned: how many learnings, how they turned out, the
//! strongest ones.

use super::words::evidence_text;
use crate::server_fns::memory::AgentLearned;
use leptos::prelude::*;

#[component]
pub fn AgentsPanel(agents: Vec<AgentLearned>) -> impl IntoView {
    let any = agents.iter().any(|a| a.memories > 0);
    view! {
        <section class="panel glass memory-agents" aria-labelledby="agents-title" data-testid="agents-learned">
            <h2 class="panel__title" id="agents-title">"What each agent has learned"</h2>
            {if any {
                view! {
                    <ul class="memory-agents__list">
                        {agents.into_iter().map(|a| view! { <AgentLine learned=a /> }).collect_view()}
                    </ul>
                }.into_any()
            } else {
                view! { <p class="panel__note" data-testid="agents-nothing">"Nothing yet."</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn AgentLine(learned: AgentLearned) -> impl IntoView {
    let a = learned;
    let href = format!("/memory?agent={}", a.agent.as_str());
    let counts = if a.memories == 0 {
        "nothing yet".to_owned()
    } else {
        format!(
            "{} learning{}: {} good, {} bad, {} pending",
            a.memories,
            if a.memories == 1 { "" } else { "s" },
            a.good,
            a.bad,
            a.pending
        )
    };
    view! {
        <li class="memory-agents__agent" data-testid="agent-learned" data-agent=a.agent.as_str()>
            <a class="memory-agents__name" href=href>{a.agent.label()}</a>
            <span class="memory-agents__counts muted">{counts}</span>
            {(!a.top.is_empty()).then(|| view! {
                <ol class="memory-agents__top">
                    {a.top.into_iter().map(|m| view! {
                        <li>
                            <a href=format!("/memory/{}", m.id)>{m.summary.clone()}</a>
                            <span class="muted">{format!(" ({})", evidence_text(m.evidence))}</span>
                        </li>
                    }).collect_view()}
                </ol>
            })}
        </li>
    }
}
