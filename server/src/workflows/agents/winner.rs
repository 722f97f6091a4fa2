//! The SocialMediaBuyer's `apply_experiment`: reads the decided experiment and its objects as
//! they stand on the platform, works out the changes with the core's `experiments::apply`
//! (losers paused, their budget moved to the winner), and proposes them through the gate like
//! every write action. The changes are made by `agents::apply` with idempotency keys.

use super::{ChangeSpec, Planned, StageContext, StageError, changes};
use serde_json::{Value, json};
use switchboard_core::Platform;
use switchboard_core::agents::platform as adapt;
use switchboard_core::agents::platform::Call;
use switchboard_core::approval::ChangeKind;
use switchboard_core::connection::Connection;
use switchboard_core::experiments::apply::{self as planner, Placed, Standing, Step};
use switchboard_core::experiments::{Experiment, Level};
use switchboard_core::ids::ExperimentId;

/// The field of a change that pauses an object of `level`.
pub fn status_field(level: Level) -> &'static str {
    match level {
        Level::Campaigns => "status",
        Level::AdGroups => "ad_group_status",
        Level::Ads => "ad_status",
    }
}

/// The field of a change that sets the daily budget of an object of `level`.
pub fn budget_field(level: Level) -> &'static str {
    match level {
        Level::AdGroups => "ad_group_budget_micros",
        _ => "daily_budget_micros",
    }
}

/// The experiment a stage applies: its `experiment_id` param, else the run's input.
fn experiment_id(ctx: &StageContext<'_>) -> Result<ExperimentId, StageError> {
    let raw = ctx.stage.params["experiment_id"]
        .as_str()
        .or_else(|| ctx.input["experiment_id"].as_str())
        .ok_or_else(|| {
            StageError::Fatal(
                "no experiment to apply: give experiment_id (the stage's or the run's input)".into(),
            )
        })?;
    ExperimentId::parse(raw).map_err(|e| StageError::Fatal(format!("experiment_id '{raw}': {e}")))
}

fn items(answer: &Value) -> &[Value] {
    answer["items"].as_array().map_or(&[][..], Vec::as_slice)
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn placed(row: &Value) -> Placed {
    Placed {
        id: row["id"].as_str().unwrap_or_default().to_owned(),
        name: row["name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .or_else(|| row["id"].as_str())
            .unwrap_or_default()
            .to_owned(),
        active: row["status"] == "ACTIVE",
        budget_micros: int(&row["budget_in_micro_currency"]),
        group_id: row["ad_group_id"].as_str().map(str::to_owned),
    }
}

async fn standing(ctx: &StageContext<'_>, c: &Connection, e: &Experiment) -> Result<Standing, StageError> {
    let ids: Vec<&str> = e.variants.iter().map(|v| v.object_id.as_str()).collect();
    match e.level {
        Level::Campaigns => {
            let listed = adapt::read_campaigns(
                c.platform,
                &ctx.call(c, &adapt::list_campaigns(c.platform), None).await?,
                c.currency,
            );
            Ok(Standing {
                objects: listed
                    .into_iter()
                    .filter(|l| ids.contains(&l.id.as_str()))
                    .map(|l| Placed {
                        id: l.id,
                        name: l.name,
                        active: l.active,
                        // Google shares budgets and Meta may budget at the ad set: 0 is none here.
                        budget_micros: (l.daily_budget_micros > 0).then_some(l.daily_budget_micros),
                        group_id: None,
                    })
                    .collect(),
                ..Default::default()
            })
        }
        Level::AdGroups if c.platform == Platform::Pinterest => {
            let groups = ctx
                .call(
                    c,
                    &Call {
                        tool: "list_ad_groups",
                        params: json!({"ad_group_ids": ids, "entity_statuses": ["ACTIVE", "PAUSED"], "page_size": 250}),
                    },
                    None,
                )
                .await?;
            Ok(Standing {
                objects: items(&groups).iter().map(placed).collect(),
                ..Default::default()
            })
        }
        Level::Ads if c.platform == Platform::Pinterest => {
            let statuses = json!(["ACTIVE", "PAUSED"]);
            let list = |tool: &'static str, params: Value| Call { tool, params };
            let ads = ctx
                .call(
                    c,
                    &list(
                        "list_ads",
                        json!({"ad_ids": ids, "entity_statuses": statuses, "page_size": 250}),
                    ),
                    None,
                )
                .await?;
            let objects: Vec<Placed> = items(&ads).iter().map(placed).collect();
            let mut group_ids: Vec<String> = objects.iter().filter_map(|o| o.group_id.clone()).collect();
            group_ids.sort();
            group_ids.dedup();
            if group_ids.is_empty() {
                return Ok(Standing {
                    objects,
                    ..Default::default()
                });
            }
            let groups = ctx
                .call(
                    c,
                    &list(
                        "list_ad_groups",
                        json!({"ad_group_ids": group_ids, "entity_statuses": statuses, "page_size": 250}),
                    ),
                    None,
                )
                .await?;
            let group_ads = ctx
                .call(
                    c,
                    &list(
                        "list_ads",
                        json!({"ad_group_ids": group_ids, "entity_statuses": statuses, "page_size": 250}),
                    ),
                    None,
                )
                .await?;
            Ok(Standing {
                objects,
                groups: items(&groups).iter().map(placed).collect(),
                group_ads: items(&group_ads).iter().map(placed).collect(),
            })
        }
        level => Err(StageError::Fatal(format!(
            "{} tests on {} cannot be applied yet",
            level.label(),
            c.platform.label()
        ))),
    }
}

/// Works out the changes that apply the experiment's winner.
pub(super) async fn plan(ctx: &StageContext<'_>, connections: &[Connection]) -> Result<Planned, StageError> {
    let id = experiment_id(ctx)?;
    let e = ctx.services.experiments.get(&id).await?;
    if e.project_id.as_str() != ctx.project.map(|p| p.as_str()).unwrap_or_default() {
        return Err(StageError::Fatal(format!(
            "experiment {id} belongs to another project"
        )));
    }
    let c = switchboard_core::connection::first_on(connections, e.platform).ok_or_else(|| {
        StageError::Fatal(format!(
            "no active {} connection in this project to apply '{}' through",
            e.platform.label(),
            e.name
        ))
    })?;
    let winner = e
        .winner
        .as_deref()
        .and_then(|k| e.variant(k))
        .map(|v| v.name.clone());
    ctx.reason(format!(
        "Applying '{}': {} won ({} on {})",
        e.name,
        winner.as_deref().unwrap_or("no variant"),
        e.level.label().to_lowercase(),
        e.platform.label()
    ))
    .await;
    let now = standing(ctx, c, &e).await?;
    let plan = planner::plan(&e, &now).map_err(|err| StageError::Fatal(format!("'{}': {err}", e.name)))?;
    for note in &plan.notes {
        ctx.reason(note.clone()).await;
    }
    let mut specs = Vec::new();
    for step in &plan.steps {
        match step {
            Step::Pause { level, id, name, why } => {
                ctx.reason(format!("Would pause {} '{name}': {why}", level.noun()))
                    .await;
                specs.push(ChangeSpec {
                    connection: c,
                    kind: ChangeKind::Status,
                    object_id: Some(id.clone()),
                    object_name: name.clone(),
                    field: status_field(*level),
                    from: Some(json!("ACTIVE")),
                    to: json!("PAUSED"),
                    why: why.clone(),
                });
            }
            Step::Budget {
                level,
                id,
                name,
                from_micros,
                to_micros,
                why,
            } => {
                ctx.reason(format!(
                    "Would set {} '{name}' to {:.2} a day (from {:.2}): {why}",
                    level.noun(),
                    *to_micros as f64 / 1e6,
                    *from_micros as f64 / 1e6
                ))
                .await;
                specs.push(ChangeSpec {
                    connection: c,
                    kind: ChangeKind::Budget,
                    object_id: Some(id.clone()),
                    object_name: name.clone(),
                    field: budget_field(*level),
                    from: Some(json!(from_micros)),
                    to: json!(to_micros),
                    why: why.clone(),
                });
            }
        }
    }
    let summary = match specs.len() {
        0 => format!("Nothing to change to apply '{}'", e.name),
        n => format!("{n} change(s) apply the winner of '{}'", e.name),
    };
    Ok(Planned {
        output: json!({"summary": summary, "experiment_id": e.id, "winner": e.winner, "notes": plan.notes}),
        changes: changes(specs),
    })
}

/// Why Pinterest refused the one item of a bulk change, if it did.
fn refused(answer: &Value) -> Option<String> {
    let item = items(answer).first()?;
    if item["data"].is_object() {
        return None;
    }
    let e = &item["exceptions"];
    Some(
        e["message"]
            .as_str()
            .or_else(|| e[0]["message"].as_str())
            .unwrap_or("refused")
            .to_owned(),
    )
}

/// Makes an ad's or ad group's change (the fields `apply_experiment` proposes on Pinterest).
pub(super) async fn apply_pinterest(
    ctx: &StageContext<'_>,
    c: &Connection,
    field: &str,
    object: &str,
    to: &Value,
) -> Result<Result<Value, String>, StageError> {
    let (tool, item, key) = match field {
        "ad_status" => (
            "update_ads",
            json!({"id": object, "status": to}),
            format!("ad/{object}"),
        ),
        "ad_group_status" => (
            "update_ad_groups",
            json!({"id": object, "status": to}),
            format!("ad_group/{object}"),
        ),
        "ad_group_budget_micros" => (
            "update_ad_groups",
            json!({"id": object, "budget_in_micro_currency": to}),
            format!("ad_group_budget/{object}"),
        ),
        other => return Err(StageError::Fatal(format!("no change of '{other}' on Pinterest"))),
    };
    if c.platform != Platform::Pinterest {
        return Err(StageError::Fatal(format!(
            "'{field}' changes are made on Pinterest, not {}",
            c.platform.label()
        )));
    }
    let answer = ctx
        .call(
            c,
            &Call {
                tool,
                params: json!({"items": [item]}),
            },
            Some(key),
        )
        .await?;
    Ok(match refused(&answer) {
        Some(why) => Err(why),
        None => Ok(json!({"id": object})),
    })
}
