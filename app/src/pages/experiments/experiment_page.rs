//! An experiment's page: where it stands (the decision, the always-valid and fixed p-values, the
//! split check), each variant against the control, the lift over time with its interval (a chart
//! whose band narrows as data comes, and the same figures as a table), the decision's history,
//! and its buttons: start, stop, apply the winner, delete. Without JavaScript the buttons post and
//! the page comes back with what they did.

use super::words::{lift_text, metric_value, p_text, signed, status_class};
use crate::components::format::{count, date, number};
use crate::components::{Chart, ChartSpec, Loaded, SeriesSpec, Time};
use crate::error::AppError;
use crate::server_fns::experiments::{
    ExperimentAction, ExperimentResults, action_notice, get_experiment_results,
};
use crate::server_fns::flash::{Flash, FlashScope, take_flash};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use switchboard_core::experiments::{Comparison, Decision, Evaluation, Experiment, ExperimentStatus};

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PageData {
    flash: Option<Flash>,
    results: ExperimentResults,
}

async fn load(id: String, version: u32) -> Result<PageData, AppError> {
    let flash = if version == 0 {
        take_flash(FlashScope::Experiments).await.ok().flatten()
    } else {
        None
    };
    Ok(PageData {
        flash,
        results: get_experiment_results(id).await?,
    })
}

#[component]
pub fn ExperimentPage() -> impl IntoView {
    let params = use_params_map();
    let act = ServerAction::<ExperimentAction>::new();
    let version = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // The button pressed (the action's own input is cleared as soon as it answers).
    let asked = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(input) = act.input().get() {
            asked.set(input.action);
        }
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(e)) => {
            let asked = asked.get_untracked();
            notice.set(Some(action_notice(&asked, e.as_ref())));
            error.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), version.get()),
        |(id, v)| load(id, v),
    );
    view! {
        <Loaded resource=data let:d>
            {
                if let Some(Flash::Experiments(f)) = &d.flash {
                    if let Some(n) = &f.notice {
                        notice.set(Some(n.clone()));
                    }
                    if let Some(e) = &f.error {
                        error.set(Some(e.to_string()));
                    }
                }
                view! { <Body results=d.results act notice error /> }
            }
        </Loaded>
    }
}

#[component]
fn Body(
    results: ExperimentResults,
    act: ServerAction<ExperimentAction>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let ExperimentResults {
        experiment: e,
        evaluation,
        evaluated_at,
        days,
        history,
    } = results;
    let subtitle = format!(
        "{} {} on {} · {} · {} · alpha {}",
        e.variants.len(),
        e.level.label().to_lowercase(),
        e.platform.label(),
        e.metric.label(),
        e.mode.label(),
        e.alpha
    );
    let first_day = days.iter().map(|d| d.date).min();
    view! {
        <Title text=e.name.clone() />
        <header class="page-header">
            <div>
                <p class="page-header__crumb"><a href="/experiments">"Experiments"</a></p>
                <h1 class="page-header__title" data-testid="experiment-name">
                    {e.name.clone()} " "
                    <span class=status_class(e.status) data-testid="experiment-status">{e.status.label()}</span>
                </h1>
                <p class="page-header__subtitle">{subtitle}</p>
            </div>
            <div class="page-header__actions">
                <Buttons e=e.clone() act />
            </div>
        </header>
        {move || notice.get().map(|n| view! { <p class="notice notice--ok" role="status" data-testid="experiment-notice">{n}</p> })}
        {move || error.get().map(|m| view! { <p class="notice notice--bad" role="alert" data-testid="experiment-error">{m}</p> })}
        {(!e.hypothesis.is_empty()).then(|| view! { <p class="experiment__hypothesis">{format!("Hypothesis: {}", e.hypothesis)}</p> })}
        {match evaluation {
            Some(ev) => view! {
                <Standing e=e.clone() ev=ev.clone() evaluated_at first_day />
                <Variants e=e.clone() ev=ev.clone() />
                <LiftOverTime e=e.clone() ev />
            }.into_any(),
            None => view! {
                <section class="panel glass" data-testid="experiment-standing">
                    <h2 class="panel__title">"No results yet"</h2>
                    <p class="panel__note">{match e.status {
                        ExperimentStatus::Draft => "A draft is not read: start it, and its results are read after each sync and every hour.",
                        _ => "Nothing was read for its variants yet: sync the project's connection, then come back.",
                    }}</p>
                </section>
            }.into_any(),
        }}
        <History history />
    }
}

/// The buttons the experiment's status allows, each a form (posts without JavaScript).
#[component]
fn Buttons(e: Experiment, act: ServerAction<ExperimentAction>) -> impl IntoView {
    let id = e.id.to_string();
    let button = move |action: &'static str, label: &'static str, class: &'static str| {
        let id = id.clone();
        view! {
            <ActionForm action=act attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="action" value=action />
                <button type="submit" class=class data-testid=format!("experiment-{action}")>{label}</button>
            </ActionForm>
        }
    };
    let can_apply = e.status == ExperimentStatus::Decided && e.winner.is_some();
    view! {
        {matches!(e.status, ExperimentStatus::Draft | ExperimentStatus::Stopped).then(|| button("start", "Start", "button"))}
        {can_apply.then(|| button("apply", if e.applied_by.is_some() { "Apply again" } else { "Apply the winner" }, "button"))}
        {(e.status == ExperimentStatus::Running).then(|| button("stop", "Stop", "button button--ghost"))}
        {(e.status != ExperimentStatus::Running).then(|| button("delete", "Delete", "button button--ghost"))}
    }
}

/// The decision and what it rests on.
#[component]
fn Standing(
    e: Experiment,
    ev: Evaluation,
    evaluated_at: Option<switchboard_core::time::Timestamp>,
    first_day: Option<chrono::NaiveDate>,
) -> impl IntoView {
    let (state, class) = match &ev.decision {
        Decision::Winner { .. } => ("Winner", "badge badge--ok"),
        Decision::NoDifference { .. } => ("No difference", "badge badge--muted"),
        Decision::Waiting { .. } => ("Waiting", "badge badge--warn"),
        Decision::Blocked { .. } => ("Blocked", "badge badge--bad"),
    };
    let decision_state = match &ev.decision {
        Decision::Winner { .. } => "winner",
        Decision::NoDifference { .. } => "no_difference",
        Decision::Waiting { .. } => "waiting",
        Decision::Blocked { .. } => "blocked",
    };
    let best = best(&ev);
    let srm = ev.srm.clone();
    let applied = e.applied_by.clone().map(|run| {
        let done = e.status == ExperimentStatus::Applied;
        view! {
            <dt>"Applied"</dt>
            <dd data-testid="experiment-applied">
                {if done { "by run " } else { "run going: " }}
                <a href=format!("/executions/{run}")>{run.to_string()}</a>
            </dd>
        }
    });
    view! {
        <section class="panel glass experiment-standing" data-testid="experiment-standing" data-state=decision_state>
            <h2 class="panel__title"><span class=class>{state}</span> " " {ev.decision.message().to_owned()}</h2>
            <dl class="facts">
                {best.clone().map(|c| view! {
                    <dt>"Lift (best variant)"</dt><dd data-testid="experiment-lift">{lift_text(c.lift, c.lift_ci)}</dd>
                    <dt>"p-value (fixed horizon)"</dt><dd>{p_text(Some(c.p_value))}</dd>
                    {c.always_valid_p_value.map(|p| view! { <dt>"Always-valid p"</dt><dd data-testid="experiment-always-valid">{p_text(Some(p))}</dd> })}
                    <dt>"p the decision reads (adjusted)"</dt><dd>{p_text(Some(c.adjusted_p_value))}</dd>
                })}
                <dt>"Split check"</dt>
                <dd data-testid="experiment-srm">{match srm {
                    Some(s) if s.mismatch => format!("Mismatch: p {} (below 0.001 blocks a decision)", p_text(Some(s.p_value))),
                    Some(s) => format!("As configured (p {})", p_text(Some(s.p_value))),
                    None => "Not enough data yet".to_owned(),
                }}</dd>
                <dt>"Days counted"</dt>
                <dd>{match (first_day, ev.through) {
                    (Some(a), Some(b)) => format!("{} – {}", date(a), date(b)),
                    _ => "—".to_owned(),
                }}</dd>
                <dt>"Auto-apply"</dt><dd>{if e.auto_apply { "on: the winner is applied as soon as it is decided" } else { "off: apply the winner with the button" }}</dd>
                {applied}
                {evaluated_at.map(|t| view! { <dt>"Evaluated"</dt><dd><Time at=t relative=true /></dd> })}
            </dl>
        </section>
    }
}

/// The comparison the page leads with: the decided variant's, else the one with the smallest
/// adjusted p-value.
fn best(ev: &Evaluation) -> Option<Comparison> {
    if let Some(w) = ev.decision.winner()
        && let Some(c) = ev.comparisons.iter().find(|c| c.variant == w)
    {
        return Some(c.clone());
    }
    ev.comparisons
        .iter()
        .min_by(|a, b| a.adjusted_p_value.total_cmp(&b.adjusted_p_value))
        .cloned()
}

/// Each variant's totals and its comparison with the control.
#[component]
fn Variants(e: Experiment, ev: Evaluation) -> impl IntoView {
    let metric = e.metric;
    let winner = e.winner.clone();
    view! {
        <section class="panel glass" data-testid="experiment-variants">
            <h2 class="panel__title">"Variants"</h2>
            <div class="table-wrap">
                <table class="table table--compact" data-testid="variants-table">
                    <thead>
                        <tr>
                            <th scope="col">"Variant"</th>
                            <th scope="col" class="num">"Impressions"</th>
                            <th scope="col" class="num">"Clicks"</th>
                            <th scope="col" class="num">"Conversions"</th>
                            <th scope="col" class="num">"Spend"</th>
                            <th scope="col" class="num">{metric.label()}</th>
                            <th scope="col" class="num">"Lift vs control (interval)"</th>
                            <th scope="col" class="num">"p"</th>
                            <th scope="col" class="num">"Always-valid p"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {ev.totals.iter().map(|t| {
                            let c = ev.comparisons.iter().find(|c| c.variant == t.key).cloned();
                            let object = e.variant(&t.key).map(|v| v.object_id.clone()).unwrap_or_default();
                            let won = winner.as_deref() == Some(t.key.as_str());
                            view! {
                                <tr data-testid="variant-row" data-variant=t.key.clone() data-winner=won.to_string()>
                                    <td>
                                        <strong>{t.name.clone()}</strong>
                                        {t.control.then_some(" · control")}
                                        {won.then(|| view! { " " <span class="badge badge--ok">"Winner"</span> })}
                                        <span class="muted experiment__object">{format!(" {object}")}</span>
                                    </td>
                                    <td class="num">{count(t.impressions)}</td>
                                    <td class="num">{count(t.clicks)}</td>
                                    <td class="num">{number(t.conversions, 0)}</td>
                                    <td class="num">{number(t.spend_micros as f64 / 1e6, 2)}</td>
                                    <td class="num">{metric_value(metric, t.value)}</td>
                                    <td class="num">{c.as_ref().map_or_else(|| "—".to_owned(), |c| lift_text(c.lift, c.lift_ci))}</td>
                                    <td class="num">{c.as_ref().map_or_else(|| "—".to_owned(), |c| p_text(Some(c.p_value)))}</td>
                                    <td class="num">{c.as_ref().map_or_else(|| "—".to_owned(), |c| p_text(c.always_valid_p_value))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="panel__note">{match e.mode {
                switchboard_core::experiments::DecisionMode::Sequential => "Sequential mode: the intervals and the always-valid p hold whenever they are read (look every day, nothing is lost to peeking).",
                switchboard_core::experiments::DecisionMode::Fixed => "Fixed horizon: read once the planned sample is reached.",
            }}</p>
        </section>
    }
    .into_any()
}

/// The best variant's lift through each day with its interval: a chart, and the same as a table.
#[component]
fn LiftOverTime(e: Experiment, ev: Evaluation) -> impl IntoView {
    let Some(best) = best(&ev) else {
        return ().into_any();
    };
    let name = e
        .variant(&best.variant)
        .map_or_else(|| best.variant.clone(), |v| v.name.clone());
    let points: Vec<_> = ev
        .timeline
        .iter()
        .filter(|p| p.variant == best.variant)
        .cloned()
        .collect();
    if points.is_empty() {
        return ().into_any();
    }
    let (lo, hi) = band_range(&points);
    let pct = |v: f64| Some((v.clamp(lo, hi) * 10_000.0).round() / 100.0);
    let spec = ChartSpec::Band {
        labels: points.iter().map(|p| date(p.date)).collect(),
        line: SeriesSpec {
            name: format!("Lift of {name}"),
            color: "#6366f1",
            values: points.iter().map(|p| pct(p.lift)).collect(),
        },
        low: points.iter().map(|p| pct(p.low)).collect(),
        high: points.iter().map(|p| pct(p.high)).collect(),
        band_name: "Interval".to_owned(),
        unit: "%".to_owned(),
        range: ((lo * 10_000.0).round() / 100.0, (hi * 10_000.0).round() / 100.0),
    };
    view! {
        <section class="panel glass" data-testid="experiment-lift-chart">
            <h2 class="panel__title">{format!("Lift of {name} over time, with its interval")}</h2>
            <Chart id="experiment-lift" spec=Signal::stored(spec) label=format!("The lift of {name} against the control through each day, with its interval") class="experiment-chart" />
            <details class="experiment__timeline">
                <summary>"The same figures, by day"</summary>
                <div class="table-wrap">
                    <table class="table table--compact" data-testid="lift-table">
                        <thead><tr><th scope="col">"Through"</th><th scope="col" class="num">"Lift"</th><th scope="col" class="num">"Low"</th><th scope="col" class="num">"High"</th></tr></thead>
                        <tbody>
                            {points.iter().rev().map(|p| view! {
                                <tr><td>{date(p.date)}</td><td class="num">{signed(p.lift)}</td><td class="num">{signed(p.low)}</td><td class="num">{signed(p.high)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
    .into_any()
}

/// The lift axis's bounds: the band over its last four fifths of days (the first days' intervals
/// are very wide and would flatten the rest), with zero, padded a tenth.
fn band_range(points: &[switchboard_core::experiments::LiftPoint]) -> (f64, f64) {
    let later = &points[points.len() / 5..];
    let (mut lo, mut hi) = later
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), p| (lo.min(p.low), hi.max(p.high)));
    let pad = (hi - lo).max(0.01) * 0.1;
    lo -= pad;
    hi += pad;
    // Whole steps of 1, 2 or 5 × 10^k percent, so the axis's ends are round numbers.
    let span = (hi - lo) * 100.0 / 5.0;
    let power = 10f64.powf(span.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= span)
        .unwrap_or(10.0 * power)
        / 100.0;
    ((lo / step).floor() * step, (hi / step).ceil() * step)
}

/// What was decided and done, newest first.
#[component]
fn History(history: Vec<switchboard_core::experiments::DecisionEntry>) -> impl IntoView {
    view! {
        <section class="panel glass" data-testid="experiment-history">
            <h2 class="panel__title">"History"</h2>
            <ol class="experiment__history">
                {history.into_iter().map(|h| view! {
                    <li data-state=h.state.clone()>
                        <Time at=h.at />
                        " · "
                        <strong>{h.state.replace('_', " ")}</strong>
                        " · "
                        {h.message}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
