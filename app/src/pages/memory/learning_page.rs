//! One learning's page: everything about it, its metric before and after (a chart, and the same
//! figures as text), each measured sighting's result, and, when reached from a search, why recall
//! found it.

use super::forms::{EditSummary, ForgetForm, Forms, MemoryNotices, PinForm};
use super::memory_card::{ContextChips, SourceLine};
use super::words::{
    confidence_text, evidence_text, filters_from_query, list_href, metric_value, outcome_badge, outcome_text,
    signed_percent,
};
use crate::components::format::locale;
use crate::components::{Chart, ChartSpec, Loaded, Time};
use crate::error::AppError;
use crate::server_fns::flash::{Flash, FlashScope, take_flash};
use crate::server_fns::list_projects;
use crate::server_fns::memory::{Memory, MemoryFilters, Recalled, get_memory, recall_memories};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use switchboard_core::memory::recall::explain;
use switchboard_core::memory::words::Better;
use switchboard_core::memory::{Metric, Outcome};

/// How many learnings a search is looked through for this one.
const RECALL_DEPTH: u32 = 100;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PageData {
    flash: Option<Flash>,
    memory: Memory,
    project: Option<(String, String)>,
    /// The search it was reached from, and what recall answered for it.
    recall: Option<Vec<Recalled>>,
}

async fn load(id: String, filters: MemoryFilters, changed: u32) -> Result<PageData, AppError> {
    let flash = if changed == 0 {
        take_flash(FlashScope::Memory).await.ok().flatten()
    } else {
        None
    };
    let memory = get_memory(id).await?;
    let project = match &memory.project_id {
        None => None,
        Some(p) => {
            let id = p.to_string();
            let name = list_projects(None, None)
                .await?
                .into_iter()
                .find(|s| s.project.id.as_str() == id)
                .map_or_else(|| id.clone(), |s| s.project.name);
            Some((id, name))
        }
    };
    let recall = if filters.can_recall() {
        Some(recall_memories(filters, Some(RECALL_DEPTH)).await?)
    } else {
        None
    };
    Ok(PageData {
        flash,
        memory,
        project,
        recall,
    })
}

#[component]
pub fn LearningPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let filters = Memo::new(move |_| filters_from_query(&query.read()));
    let forms = Forms::provide();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                filters.get(),
                forms.changed.get(),
            )
        },
        |(id, f, changed)| load(id, f, changed),
    );
    view! {
        <Loaded resource=data let:d>
            {
                forms.absorb(d.flash.clone());
                view! { <Learning data=d filters=filters.get_untracked() /> }
            }
        </Loaded>
    }
}

#[component]
fn Learning(data: PageData, filters: MemoryFilters) -> impl IntoView {
    let PageData {
        memory: m,
        project,
        recall,
        ..
    } = data;
    let id = m.id.to_string();
    let (pin_id, edit_id) = (id.clone(), id.clone());
    let badge = m.outcome.as_ref().map(outcome_badge);
    let scope = match project {
        Some((pid, name)) => view! { <a href=format!("/projects/{pid}")>{name}</a> }.into_any(),
        None => "Agency-wide".into_any(),
    };
    let back = list_href(
        &MemoryFilters {
            page: None,
            ..filters.clone()
        },
        None,
    );
    let why = recall.map(|found| {
        let r = found.into_iter().find(|r| r.memory.id == m.id);
        view! { <RecallWhy recalled=r filters=filters.clone() /> }
    });
    view! {
        <Title text=m.summary.clone() />
        <header class="page-header">
            <div>
                <p class="page-header__crumb"><a href=back>"Memory"</a></p>
                <h1 class="page-header__title" data-testid="learning-summary">{m.summary.clone()}</h1>
                <p class="page-header__subtitle">
                    {format!("{} · {}", m.agent.label(), m.kind.label())}
                    {m.pinned.then_some(" · pinned")}
                    {m.forgotten.then_some(" · forgotten")}
                </p>
            </div>
        </header>
        <MemoryNotices />
        {why}
        <section class="panel glass memory-learning" data-testid="learning" data-id=id.clone()>
            <div class="memory-card__badges">
                {m.pinned.then(|| view! { <span class="badge badge--ok" data-testid="pinned">"Pinned"</span> })}
                {m.forgotten.then(|| view! { <span class="badge badge--bad" data-testid="forgotten">"Forgotten"</span> })}
                {badge.map(|(class, word)| view! { <span class=class data-testid="outcome-badge">{word}</span> })}
            </div>
            <dl class="facts">
                <dt>"Agent"</dt><dd>{m.agent.label()}</dd>
                <dt>"Kind"</dt><dd>{m.kind.label()}</dd>
                <dt>"Applies to"</dt><dd>{scope}</dd>
                <dt>"Context"</dt><dd><ContextChips memory=m.clone() /></dd>
                {m.subject.clone().map(|s| view! { <dt>"About"</dt><dd>{s}</dd> })}
                {(!m.tags.is_empty()).then(|| view! { <dt>"Tags"</dt><dd>{m.tags.join(", ")}</dd> })}
                <dt>"Outcome"</dt>
                <dd data-testid="memory-outcome">{m.outcome.as_ref().map_or_else(|| "none: a note or finding".to_owned(), outcome_text)}</dd>
                <dt>"Evidence"</dt><dd data-testid="memory-evidence">{evidence_text(m.evidence)}</dd>
                <dt>"Confidence"</dt>
                <dd>{confidence_text(m.confidence)}{(!m.confidence_reason.is_empty()).then(|| format!(": {}", m.confidence_reason))}</dd>
                <dt>"Source"</dt><dd><SourceLine memory=m.clone() /></dd>
                <dt>"Recorded"</dt><dd><Time at=m.created_at /></dd>
                <dt>"Updated"</dt><dd><Time at=m.updated_at relative=true /></dd>
                <dt>"Last recalled"</dt>
                <dd>{m.last_recalled_at.map_or_else(|| "never".into_any(), |t| view! { <Time at=t relative=true /> }.into_any())}</dd>
            </dl>
            <div class="memory-actions">
                <PinForm id=pin_id pinned=m.pinned />
                <EditSummary id=edit_id summary=m.summary.clone() />
                <ForgetForm id=id.clone() forgotten=m.forgotten />
            </div>
        </section>
        {m.outcome.clone().map(|o| view! { <OutcomeCharts outcome=o /> })}
    }
}

/// Why recall found this learning for the search it was reached from.
#[component]
fn RecallWhy(recalled: Option<Recalled>, filters: MemoryFilters) -> impl IntoView {
    let asked = filters
        .pairs()
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "kind" | "outcome"))
        .map(|(k, v)| {
            if k == "q" {
                format!("“{v}”")
            } else {
                format!("{k} {v}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let Some(r) = recalled else {
        return view! {
            <section class="panel glass memory-why" data-testid="recall-why">
                <h2 class="panel__title">"Why it was found"</h2>
                <p class="panel__note">{format!("Not among the {RECALL_DEPTH} learnings recall ranks best for {asked}: the list's filters matched it.")}</p>
            </section>
        }
        .into_any();
    };
    let l = locale();
    let part = |v: f64, weight: f64| {
        if weight > 0.0 {
            format!("{} (weight {})", l.number(v, 2), l.number(weight, 2))
        } else {
            "not asked".to_owned()
        }
    };
    let (p, w) = (r.parts, r.parts.weights);
    view! {
        <section class="panel glass memory-why" data-testid="recall-why">
            <h2 class="panel__title">{format!("Why it was found for {asked}")}</h2>
            <p data-testid="recall-explain">{explain(&r)}</p>
            <dl class="facts memory-why__parts">
                <dt>"Context fit"</dt><dd>{part(p.context, w.context)}</dd>
                <dt>"Text relevance"</dt><dd>{part(p.text, w.text)}</dd>
                <dt>"Recency"</dt><dd>{part(p.recency, w.recency)}</dd>
                <dt>"Outcome strength × evidence"</dt><dd>{part(p.outcome, w.outcome)}</dd>
            </dl>
            <p class="panel__note">"Each part is 0 to 1; the score is their weighted sum."</p>
        </section>
    }
    .into_any()
}

/// Colours of a result: good green, bad red, neutral grey.
fn result_color(metric: Metric, net: f64) -> &'static str {
    if net.abs() < 0.02 {
        return "#94a3b8";
    }
    match (metric.better(), net > 0.0) {
        (Better::Higher, true) | (Better::Lower, false) => "#10b981",
        (Better::Higher, false) | (Better::Lower, true) => "#ef4444",
        (Better::Neither, _) => "#6366f1",
    }
}

/// A metric's value as the chart draws it (ratios in percent), rounded.
fn chart_value(metric: Metric, v: f64) -> f64 {
    match metric {
        Metric::Ctr | Metric::Cvr => (v * 10_000.0).round() / 100.0,
        _ => (v * 100.0).round() / 100.0,
    }
}

/// The metric before and after (bars), and each measured sighting's net result, as charts and as
/// text.
#[component]
fn OutcomeCharts(outcome: Outcome) -> impl IntoView {
    let o = outcome;
    let metric = o.metric;
    let suffix = if matches!(metric, Metric::Ctr | Metric::Cvr) {
        "%"
    } else {
        ""
    };
    let before_after = match (o.before, o.after) {
        (Some(b), Some(a)) => {
            let net = o.net().unwrap_or(a / b.max(1e-12) - 1.0);
            let spec = ChartSpec::Bars {
                categories: vec!["Before".to_owned(), "After".to_owned()],
                colors: vec!["#94a3b8", result_color(metric, net)],
                name: metric.label().to_owned(),
                values: vec![Some(chart_value(metric, b)), Some(chart_value(metric, a))],
                suffix: suffix.to_owned(),
            };
            Some(view! {
                <section class="panel glass" aria-label="Before and after" data-testid="before-after">
                    <h2 class="panel__title">{format!("{} before and after", metric.label())}</h2>
                    <Chart id="memory-before-after" spec=Signal::stored(spec) label=format!("{} before and after the change", metric.label()) class="memory-chart" />
                    <dl class="facts" data-testid="before-after-figures">
                        <dt>"Before"</dt><dd>{metric_value(metric, b)}</dd>
                        <dt>"After"</dt><dd>{metric_value(metric, a)}</dd>
                        {o.change.map(|c| view! { <dt>"Change"</dt><dd>{signed_percent(c)}</dd> })}
                        {o.control_change.map(|c| view! { <dt>"The account's other campaigns"</dt><dd>{signed_percent(c)}</dd> })}
                        {o.effect.map(|e| view! { <dt>"Net of the account"</dt><dd>{signed_percent(e)}</dd> })}
                        {o.days.map(|d| view! { <dt>"Days observed"</dt><dd>{d}</dd> })}
                        {o.spend_micros.map(|s| view! { <dt>"Spend covered"</dt><dd>{format!("{} (account currency)", locale().number(s as f64 / 1e6, 2))}</dd> })}
                    </dl>
                </section>
            })
        }
        _ => None,
    };
    let observed = (!o.observed.is_empty()).then(|| {
        // Oldest first, as they happened.
        let results: Vec<f64> = o.observed.iter().rev().copied().collect();
        let spec = ChartSpec::Bars {
            categories: (1..=results.len()).map(|i| format!("#{i}")).collect(),
            colors: results.iter().map(|x| result_color(metric, *x)).collect(),
            name: format!("{} change (%)", metric.label()),
            values: results.iter().map(|x| Some((x * 1000.0).round() / 10.0)).collect(),
            suffix: "%".to_owned(),
        };
        view! {
            <section class="panel glass" aria-label="Observed results" data-testid="observed">
                <h2 class="panel__title">{format!("Each time it was measured ({})", results.len())}</h2>
                <Chart id="memory-observed" spec=Signal::stored(spec) label="The net result of each measured sighting, oldest first" class="memory-chart" />
                <ol class="memory-observed" data-testid="observed-list">
                    {results.iter().map(|x| view! { <li>{signed_percent(*x)}</li> }).collect_view()}
                </ol>
            </section>
        }
    });
    view! {
        {before_after}
        {observed}
    }
}
