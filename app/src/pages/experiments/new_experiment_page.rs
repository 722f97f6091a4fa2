//! A new experiment: first the project, platform, level and metric (a GET form: the URL holds
//! them, so the page lists the objects to test without JavaScript), then the objects, the split,
//! alpha and mode, and the power plan: from the chosen objects' delivery over the last 14 days
//! and the smallest lift worth finding, how many days the test needs. With JavaScript the plan
//! follows every box ticked; without, it is worked out for the objects ticked at first.

use crate::components::format::{number, percent};
use crate::components::{Loaded, PageHeader};
use crate::error::AppError;
use crate::server_fns::experiments::{CreateExperiment, ExperimentObject, VARIANT_KEY, experiment_objects};
use crate::server_fns::flash::{Flash, FlashScope, TypedForm, take_flash};
use crate::server_fns::list_projects;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::Platform;
use switchboard_core::experiments::{DecisionMode, ExperimentMetric, Level};
use switchboard_core::stats::power::{PowerInput, PowerPlan, plan};

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Choice {
    project_id: Option<String>,
    platform: String,
    level: String,
    metric: String,
    /// The smallest lift worth finding, in percent.
    min_lift: f64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct PageData {
    projects: Vec<(String, String)>,
    objects: Result<Vec<ExperimentObject>, AppError>,
    typed: Option<TypedForm>,
    error: Option<AppError>,
}

async fn load(c: Choice) -> Result<PageData, AppError> {
    let (typed, error) = match take_flash(FlashScope::Experiments).await.ok().flatten() {
        Some(Flash::Experiments(f)) => (f.typed, f.error),
        _ => (None, None),
    };
    let projects: Vec<(String, String)> = list_projects(None, None)
        .await?
        .into_iter()
        .map(|p| (p.project.id.to_string(), p.project.name))
        .collect();
    let project = c
        .project_id
        .clone()
        .or_else(|| projects.first().map(|(id, _)| id.clone()));
    let objects = match project {
        Some(p) => experiment_objects(p, c.platform.clone(), c.level.clone()).await,
        None => Ok(Vec::new()),
    };
    Ok(PageData {
        projects,
        objects,
        typed,
        error,
    })
}

#[component]
pub fn NewExperimentPage() -> impl IntoView {
    let query = use_query_map();
    let choice = Memo::new(move |_| {
        let q = query.read();
        let text = |k: &str, d: &str| {
            q.get(k)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| d.to_owned())
        };
        Choice {
            project_id: q.get("project_id").filter(|v| !v.trim().is_empty()),
            platform: text("platform", "pinterest"),
            level: text("level", "campaigns"),
            metric: text("metric", "cvr"),
            min_lift: q
                .get("min_lift")
                .and_then(|v| v.trim().parse().ok())
                .filter(|v: &f64| v.is_finite() && *v > 0.0 && *v < 1000.0)
                .unwrap_or(10.0),
        }
    });
    let data = Resource::new(move || choice.get(), load);
    view! {
        <PageHeader title="New experiment" subtitle="Test two or more campaigns, or Pinterest ad groups or ads, against each other on one metric; the plan says how long it needs">
            <a class="button button--ghost" href="/experiments">"All experiments"</a>
        </PageHeader>
        <Loaded resource=data let:d>
            <Body data=d choice=choice.get_untracked() />
        </Loaded>
    }
}

#[component]
fn Body(data: PageData, choice: Choice) -> impl IntoView {
    let PageData {
        projects,
        objects,
        typed,
        error,
    } = data;
    let project = choice
        .project_id
        .clone()
        .or_else(|| projects.first().map(|(id, _)| id.clone()))
        .unwrap_or_default();
    if projects.is_empty() {
        return view! {
            <p class="notice" data-testid="no-projects">"Make a project and connect an ad account first: an experiment tests a project's campaigns or ads."</p>
            <a class="button" href="/projects/new">"New project"</a>
        }
        .into_any();
    }
    let pick = view! {
        <form method="get" action="/experiments/new" class="filters glass" data-testid="experiment-choose">
            <label class="filters__item">
                <span>"Project"</span>
                <select name="project_id" data-testid="choose-project">
                    {projects.iter().map(|(id, name)| {
                        let sel = *id == project;
                        view! { <option value=id.clone() selected=sel>{name.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Platform"</span>
                <select name="platform" data-testid="choose-platform">
                    {Platform::ALL.iter().map(|p| {
                        let sel = p.as_str() == choice.platform;
                        view! { <option value=p.as_str() selected=sel>{p.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Test"</span>
                <select name="level" data-testid="choose-level">
                    {[Level::Campaigns, Level::AdGroups, Level::Ads].iter().map(|l| {
                        let sel = l.as_str() == choice.level;
                        let text = match l { Level::Ads => "Ads (Pinterest)", Level::AdGroups => "Ad groups (Pinterest)", _ => "Campaigns" };
                        view! { <option value=l.as_str() selected=sel>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Metric"</span>
                <select name="metric" data-testid="choose-metric">
                    {ExperimentMetric::ALL.iter().map(|m| {
                        let sel = m.as_str() == choice.metric;
                        view! { <option value=m.as_str() selected=sel>{m.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="filters__item">
                <span>"Smallest lift worth finding (%)"</span>
                <input type="number" name="min_lift" min="1" max="500" step="any" value=number_text(choice.min_lift) data-testid="choose-min-lift" />
            </label>
            <button type="submit" class="button button--ghost" data-testid="choose-submit">"List the objects"</button>
        </form>
    };
    let objects = match objects {
        Ok(o) => o,
        Err(e) => {
            return view! {
                {pick}
                <p class="notice notice--bad" role="alert" data-testid="objects-error">{e.to_string()}</p>
            }
            .into_any();
        }
    };
    view! {
        {pick}
        <CreateForm objects choice project typed error />
    }
    .into_any()
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

/// The baseline rate and the visitors an arm gets a day, from the chosen objects' delivery.
fn volume(objects: &[ExperimentObject], chosen: &[String], metric: ExperimentMetric) -> Option<(f64, f64)> {
    let picked: Vec<&ExperimentObject> = objects.iter().filter(|o| chosen.contains(&o.id)).collect();
    if picked.is_empty() {
        return None;
    }
    let (visitors, events): (f64, f64) = picked.iter().fold((0.0, 0.0), |(v, e), o| match metric {
        ExperimentMetric::Ctr => (v + o.daily_impressions, e + o.daily_clicks),
        _ => (v + o.daily_clicks, e + o.daily_conversions),
    });
    (visitors > 0.0).then(|| (events / visitors, visitors / picked.len() as f64))
}

fn power_plan(
    objects: &[ExperimentObject],
    chosen: &[String],
    metric: ExperimentMetric,
    min_lift: f64,
    alpha: f64,
) -> Result<(f64, f64, PowerPlan), String> {
    let Some((baseline, daily)) = volume(objects, chosen, metric) else {
        return Err(
            "Tick the objects to test: the plan reads their delivery over the last 14 days.".to_owned(),
        );
    };
    plan(PowerInput {
        baseline,
        relative_lift: min_lift / 100.0,
        daily_visitors_per_arm: daily,
        alpha,
        power: 0.8,
    })
    .map(|p| (baseline, daily, p))
    .map_err(|e| format!("No plan for these objects: {e}"))
}

#[component]
fn CreateForm(
    objects: Vec<ExperimentObject>,
    choice: Choice,
    project: String,
    typed: Option<TypedForm>,
    error: Option<AppError>,
) -> impl IntoView {
    let create = ServerAction::<CreateExperiment>::new();
    let metric: ExperimentMetric = choice.metric.parse().unwrap_or(ExperimentMetric::Cvr);
    let typed = StoredValue::new(typed);
    let value = move |k: &str| typed.with_value(|t| t.as_ref().and_then(|t| t.get(k)));
    // Ticked at first: what was typed, else the two busiest objects still delivering.
    let first: Vec<String> = match typed.with_value(|t| t.is_some()) {
        true => objects
            .iter()
            .filter(|o| value(&format!("variants.{VARIANT_KEY}{}", o.id)).is_some())
            .map(|o| o.id.clone())
            .collect(),
        false => objects
            .iter()
            .filter(|o| o.active)
            .take(2)
            .map(|o| o.id.clone())
            .collect(),
    };
    let chosen = RwSignal::new(first);
    let min_lift = choice.min_lift;
    let all = StoredValue::new(objects.clone());
    let plan_text = move || {
        let ids = chosen.get();
        all.with_value(|o| match power_plan(o, &ids, metric, min_lift, 0.05) {
            Ok((baseline, daily, p)) => {
                let rate = match metric {
                    ExperimentMetric::Ctr => "click-through rate",
                    _ => "conversion rate per click",
                };
                let units = metric.units().0;
                view! {
                    <dl class="facts" data-testid="power-plan">
                        <dt>"Baseline"</dt><dd>{format!("{} {rate}", percent(Some(baseline)))}</dd>
                        <dt>"Each arm a day"</dt><dd>{format!("{} {units}", number(daily, 0))}</dd>
                        <dt>"Sequential (always-valid)"</dt>
                        <dd data-testid="power-days">{format!("about {} day(s): {} {units} per arm", p.sequential_days, number(p.sequential_visitors_per_arm, 0))}</dd>
                        <dt>"Fixed horizon"</dt>
                        <dd data-testid="power-days-fixed">{format!("{} day(s): {} {units} per arm (the planned sample)", p.days, number(p.visitors_per_arm, 0))}</dd>
                    </dl>
                    <p class="panel__note">{format!(
                        "To find a {}% lift with 80% power at alpha 0.05{}.",
                        number_text(min_lift),
                        if matches!(metric, ExperimentMetric::Cpa | ExperimentMetric::Rpc) { ", planned on the conversion rate the metric rests on" } else { "" }
                    )}</p>
                }
                .into_any()
            }
            Err(why) => view! { <p class="panel__note" data-testid="power-plan">{why}</p> }.into_any(),
        })
    };
    let shown_error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| error.clone())
            .map(|e| e.to_string())
    };
    let level_word = match choice.level.as_str() {
        "ads" => "ads",
        "ad_groups" => "ad groups",
        _ => "campaigns",
    };
    let text = move |k: &str| value(k).unwrap_or_default();
    let empty = objects.is_empty();
    view! {
        <section class="panel glass" data-testid="power-panel">
            <h2 class="panel__title">"How long it needs"</h2>
            {plan_text}
        </section>
        <section class="panel glass">
        <h2 class="panel__title">"The experiment"</h2>
        <ActionForm action=create attr:class="form form--wide" attr:data-testid="experiment-form">
            {move || shown_error().map(|e| view! { <p class="form__error" role="alert" data-testid="create-error">{e}</p> })}
            <input type="hidden" name="form[project_id]" value=project.clone() />
            <input type="hidden" name="form[platform]" value=choice.platform.clone() />
            <input type="hidden" name="form[level]" value=choice.level.clone() />
            <input type="hidden" name="form[metric]" value=choice.metric.clone() />
            <div class="field">
                <label for="experiment-name">"Name"</label>
                <input id="experiment-name" name="form[name]" type="text" maxlength="120" required value=text("name")
                    placeholder="Benefit-led creative" data-testid="experiment-name-input" />
            </div>
            <div class="field">
                <label for="experiment-hypothesis">"Hypothesis"</label>
                <input id="experiment-hypothesis" name="form[hypothesis]" type="text" maxlength="1000" value=text("hypothesis")
                    placeholder="A benefit-led headline converts more clicks" />
            </div>
            <fieldset class="field experiment__objects" data-testid="experiment-objects">
                <legend>{format!("The {level_word} to test (two or more; the control is the one marked)")}</legend>
                {empty.then(|| view! { <p class="panel__note" data-testid="no-objects">{format!("No {level_word} found for this project on this platform: connect the platform and sync, or choose another.")}</p> })}
                <div class="table-wrap">
                    <table class="table table--compact">
                        <thead>
                            <tr>
                                <th scope="col">"Test"</th>
                                <th scope="col">"Control"</th>
                                <th scope="col">"Object"</th>
                                <th scope="col" class="num">"Impressions a day"</th>
                                <th scope="col" class="num">"Clicks a day"</th>
                                <th scope="col" class="num">"Conversions a day"</th>
                                <th scope="col" class="num">"Split"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {objects.iter().enumerate().map(|(i, o)| {
                                let id = o.id.clone();
                                let key = format!("{VARIANT_KEY}{}", o.id);
                                let checked = {
                                    let id = id.clone();
                                    move || chosen.with(|c| c.contains(&id))
                                };
                                let toggle = {
                                    let id = id.clone();
                                    move |_| chosen.update(|c| {
                                        if let Some(at) = c.iter().position(|x| *x == id) {
                                            c.remove(at);
                                        } else {
                                            c.push(id.clone());
                                        }
                                    })
                                };
                                let control = value("control").map_or(i == 0 && o.active, |c| c == o.id);
                                let weight = value(&format!("weights.{key}")).unwrap_or_else(|| "1".to_owned());
                                view! {
                                    <tr data-testid="experiment-object" data-object=id.clone()>
                                        <td><input type="checkbox" name=format!("form[variants][{key}]") value="on" prop:checked=checked on:change=toggle
                                            aria-label=format!("Test {}", o.name) data-testid="object-pick" /></td>
                                        <td><input type="radio" name="form[control]" value=id.clone() checked=control aria-label=format!("{} is the control", o.name) /></td>
                                        <td>
                                            <strong>{o.name.clone()}</strong>
                                            <span class="muted">{format!(" {}", o.id)}</span>
                                            {o.group.clone().map(|g| view! { <span class="muted">{format!(" · {g}")}</span> })}
                                            {(!o.active).then(|| view! { " " <span class="badge badge--muted">"paused"</span> })}
                                        </td>
                                        <td class="num">{number(o.daily_impressions, 0)}</td>
                                        <td class="num">{number(o.daily_clicks, 0)}</td>
                                        <td class="num">{number(o.daily_conversions, 1)}</td>
                                        <td class="num"><input class="experiment__weight" type="text" inputmode="decimal" name=format!("form[weights][{key}]") value=weight aria-label=format!("Share of {}", o.name) /></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="field__hint">"The split is each object's share of the traffic as served (1 and 1: even). A split unlike it blocks the decision (the sample-ratio check)."</p>
            </fieldset>
            {(choice.level == "ads").then(|| view! {
                <div class="field">
                    <label for="experiment-new-pins">"New ads from Pins"</label>
                    <input id="experiment-new-pins" name="form[new_pins]" type="text" value=text("new_pins")
                        placeholder="813744226420795884, 813744226420795885" data-testid="experiment-new-pins" />
                    <p class="field__hint">"Each Pin is promoted as a new ad in the control's ad group when the experiment is made, and tested from today."</p>
                </div>
            })}
            <div class="field-row">
                <div class="field">
                    <label for="experiment-mode">"Decision"</label>
                    <select id="experiment-mode" name="form[mode]">
                        {[DecisionMode::Sequential, DecisionMode::Fixed].into_iter().map(|m| {
                            let sel = value("mode").map_or(m == DecisionMode::Sequential, |v| v == m.as_str());
                            let label = match m { DecisionMode::Sequential => "Sequential: look any day (always-valid)", DecisionMode::Fixed => "Fixed horizon: read at the planned sample" };
                            view! { <option value=m.as_str() selected=sel>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="experiment-alpha">"Alpha"</label>
                    <input id="experiment-alpha" name="form[alpha]" type="text" inputmode="decimal" value=value("alpha").unwrap_or_else(|| "0.05".to_owned()) />
                </div>
                <div class="field">
                    <label for="experiment-planned">"Planned sample per arm (fixed)"</label>
                    <input id="experiment-planned" name="form[planned_per_arm]" type="text" inputmode="numeric" value=text("planned_per_arm") placeholder="from the plan" />
                </div>
                <div class="field">
                    <label for="experiment-started">"Count results from"</label>
                    <input id="experiment-started" name="form[started_on]" type="date" value=text("started_on") />
                    <p class="field__hint">"Today when left empty; an earlier day reads what already ran."</p>
                </div>
            </div>
            <div class="field-row">
                <label class="check">
                    <input type="checkbox" name="form[start]" value="on" checked=value("start").is_some() || typed.with_value(Option::is_none) data-testid="experiment-start" />
                    " Start now"
                </label>
                <label class="check">
                    <input type="checkbox" name="form[auto_apply]" value="on" checked=value("auto_apply").is_some() data-testid="experiment-auto-apply" />
                    " Apply the winner as soon as it is decided (pause the losers, move their budget)"
                </label>
            </div>
            <div class="form__actions">
                <button type="submit" class="button" data-testid="experiment-create">"Create the experiment"</button>
            </div>
        </ActionForm>
        </section>
    }
}
