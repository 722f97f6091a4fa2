//! What applying an experiment's winner changes on the platform, worked out from the objects as
//! they stand now (pure: the agent reads them through the tools, then makes these changes).
//!
//! - **Campaigns and ad groups**: each loser still delivering is paused, and its daily budget is
//!   added to the winner's, so the money the test spent keeps being spent, on what won.
//! - **Ads**: each losing ad still delivering is paused. Ads share their ad group's budget: where
//!   the winner is in the same ad group, that budget now goes to the winner alone. Where a loser's
//!   ad group has no other ad left delivering, that ad group is paused too and its budget added to
//!   the winner's ad group.
//!
//! A winner the platform shows paused is not turned back on (someone paused it after the test);
//! no budget is moved to it, and the plan says why.

use super::model::Experiment;
use super::words::Level;

/// A campaign, ad group or ad as the platform shows it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub id: String,
    pub name: String,
    pub active: bool,
    /// Daily budget in micros (campaigns and ad groups that carry one).
    pub budget_micros: Option<i64>,
    /// An ad's ad group.
    pub group_id: Option<String>,
}

/// The objects an apply reads: the variants' objects, and for ads, their ad groups with every ad
/// in them.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    pub objects: Vec<Placed>,
    pub groups: Vec<Placed>,
    /// Every ad in the variants' ad groups (variants or not).
    pub group_ads: Vec<Placed>,
}

/// What an apply changes, in order: pauses first, then budgets.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Pause an ad (`level` ads), an ad group or a campaign.
    Pause {
        level: Level,
        id: String,
        name: String,
        why: String,
    },
    /// Set a campaign's or ad group's daily budget.
    Budget {
        level: Level,
        id: String,
        name: String,
        from_micros: i64,
        to_micros: i64,
        why: String,
    },
}

/// The steps and what the agent says about the ones it does not take.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub notes: Vec<String>,
}

/// Why a winner cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApplyError {
    #[error("the experiment has no winner to apply")]
    NoWinner,
    #[error("the winner's {0} '{1}' was not found on the platform")]
    Missing(&'static str, String),
}

fn money(micros: i64) -> String {
    format!("{:.2}", micros as f64 / 1e6)
}

/// The changes that apply `e`'s winner to objects standing as `now` says.
pub fn plan(e: &Experiment, now: &Standing) -> Result<Plan, ApplyError> {
    let winner = e
        .winner
        .as_deref()
        .and_then(|k| e.variant(k))
        .ok_or(ApplyError::NoWinner)?;
    let find = |id: &str| now.objects.iter().find(|o| o.id == id);
    let what = e.level.noun();
    let w = find(&winner.object_id).ok_or_else(|| ApplyError::Missing(what, winner.object_id.clone()))?;
    let mut plan = Plan::default();
    if !w.active {
        plan.notes.push(format!(
            "The winner '{}' is paused on the platform: it is left as it is, and no budget is moved to it",
            w.name
        ));
    }
    let losers: Vec<&Placed> = e
        .variants
        .iter()
        .filter(|v| v.key != winner.key)
        .filter_map(|v| match find(&v.object_id) {
            Some(o) => Some(o),
            None => {
                plan.notes.push(format!(
                    "The losing {what} '{}' is no longer on the platform: nothing to pause",
                    v.name
                ));
                None
            }
        })
        .collect();
    for l in &losers {
        if l.active {
            plan.steps.push(Step::Pause {
                level: e.level,
                id: l.id.clone(),
                name: l.name.clone(),
                why: format!("'{}' lost to '{}' in '{}'", l.name, w.name, e.name),
            });
        } else {
            plan.notes
                .push(format!("The losing {what} '{}' is paused already", l.name));
        }
    }
    match e.level {
        Level::Ads => ad_budgets(e, w, &losers, now, &mut plan),
        _ => own_budgets(e, w, &losers, &mut plan),
    }
    Ok(plan)
}

/// Campaigns and ad groups carry their own budgets: the losers' go to the winner.
fn own_budgets(e: &Experiment, w: &Placed, losers: &[&Placed], plan: &mut Plan) {
    let freed: Vec<&&Placed> = losers
        .iter()
        .filter(|l| l.active && l.budget_micros.unwrap_or(0) > 0)
        .collect();
    let moved: i64 = freed.iter().filter_map(|l| l.budget_micros).sum();
    if moved == 0 || !w.active {
        return;
    }
    let Some(from) = w.budget_micros else {
        plan.notes.push(format!(
            "'{}' has no daily budget of its own (a shared budget): its budget is left to you",
            w.name
        ));
        return;
    };
    let names: Vec<String> = freed.iter().map(|l| format!("'{}'", l.name)).collect();
    plan.steps.push(Step::Budget {
        level: e.level,
        id: w.id.clone(),
        name: w.name.clone(),
        from_micros: from,
        to_micros: from.saturating_add(moved),
        why: format!(
            "The {} a day of {} goes to the winner of '{}'",
            money(moved),
            names.join(", "),
            e.name
        ),
    });
}

fn ad_budgets(e: &Experiment, w: &Placed, losers: &[&Placed], now: &Standing, plan: &mut Plan) {
    let group = |id: &Option<String>| id.as_ref().and_then(|g| now.groups.iter().find(|x| &x.id == g));
    let paused: Vec<&str> = losers
        .iter()
        .filter(|l| l.active)
        .map(|l| l.id.as_str())
        .collect();
    let delivering_after = |g: &str| {
        now.group_ads
            .iter()
            .filter(|a| a.group_id.as_deref() == Some(g) && a.active && !paused.contains(&a.id.as_str()))
            .count()
    };
    let wg = group(&w.group_id);
    let mut moved = 0i64;
    let mut from_groups = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for l in losers.iter().filter(|l| l.active) {
        let Some(g) = group(&l.group_id) else {
            continue;
        };
        if seen.contains(&g.id.as_str()) {
            continue;
        }
        seen.push(&g.id);
        if wg.is_some_and(|wg| wg.id == g.id) {
            let sharing = now
                .group_ads
                .iter()
                .filter(|a| a.group_id.as_deref() == Some(g.id.as_str()) && a.active)
                .count();
            plan.notes.push(format!(
                "Ad group '{}'{} now goes to the winner{} (it was shared by {sharing} ads)",
                g.name,
                g.budget_micros
                    .map(|b| format!("'s budget of {} a day", money(b)))
                    .unwrap_or_else(|| "'s delivery".to_owned()),
                match delivering_after(&g.id) {
                    0 | 1 => " alone".to_owned(),
                    n => format!(" and {} other ad(s)", n - 1),
                }
            ));
            continue;
        }
        if delivering_after(&g.id) > 0 || !g.active {
            continue;
        }
        plan.steps.push(Step::Pause {
            level: Level::AdGroups,
            id: g.id.clone(),
            name: g.name.clone(),
            why: format!(
                "No ad is left delivering in '{}' once the losers of '{}' are paused",
                g.name, e.name
            ),
        });
        if let Some(b) = g.budget_micros.filter(|b| *b > 0) {
            moved = moved.saturating_add(b);
            from_groups.push(format!("'{}'", g.name));
        }
    }
    let Some(wg) = wg else {
        return;
    };
    if moved == 0 || !w.active {
        return;
    }
    let Some(from) = wg.budget_micros else {
        plan.notes.push(format!(
            "Ad group '{}' has no daily budget of its own: the {} a day freed is left to you",
            wg.name,
            money(moved)
        ));
        return;
    };
    plan.steps.push(Step::Budget {
        level: Level::AdGroups,
        id: wg.id.clone(),
        name: wg.name.clone(),
        from_micros: from,
        to_micros: from.saturating_add(moved),
        why: format!(
            "The {} a day of {} goes to the winner's ad group",
            money(moved),
            from_groups.join(", ")
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::model::sample;
    use crate::experiments::words::ExperimentStatus;

    fn experiment(level: Level, ids: &[&str], winner: Option<&str>) -> Experiment {
        Experiment {
            name: "Creative".into(),
            level,
            status: ExperimentStatus::Decided,
            winner: winner.map(str::to_owned),
            ..sample::experiment(
                ids.iter()
                    .enumerate()
                    .map(|(i, id)| sample::variant(i, &format!("V{id}"), id, 1.0))
                    .collect(),
            )
        }
    }

    fn placed(id: &str, active: bool, budget: Option<i64>, group: Option<&str>) -> Placed {
        Placed {
            id: id.into(),
            name: format!("V{id}"),
            active,
            budget_micros: budget,
            group_id: group.map(str::to_owned),
        }
    }

    #[test]
    fn campaign_losers_are_paused_and_their_budget_goes_to_the_winner() {
        let e = experiment(Level::Campaigns, &["1", "2", "3"], Some("b"));
        let now = Standing {
            objects: vec![
                placed("1", true, Some(40_000_000), None),
                placed("2", true, Some(50_000_000), None),
                placed("3", false, Some(30_000_000), None),
            ],
            ..Default::default()
        };
        let p = plan(&e, &now).expect("plan");
        assert_eq!(p.steps.len(), 2, "{p:?}");
        assert!(matches!(&p.steps[0], Step::Pause { id, level: Level::Campaigns, .. } if id == "1"));
        match &p.steps[1] {
            Step::Budget {
                id,
                from_micros,
                to_micros,
                ..
            } => {
                assert_eq!(
                    (id.as_str(), *from_micros, *to_micros),
                    ("2", 50_000_000, 90_000_000)
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            p.notes.iter().any(|n| n.contains("paused already")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn losing_ad_groups_are_paused_and_their_budget_moved() {
        let e = experiment(Level::AdGroups, &["g1", "g2"], Some("b"));
        let now = Standing {
            objects: vec![
                placed("g1", true, Some(15_000_000), None),
                placed("g2", true, Some(25_000_000), None),
            ],
            ..Default::default()
        };
        let p = plan(&e, &now).expect("plan");
        assert!(matches!(&p.steps[0], Step::Pause { id, level: Level::AdGroups, .. } if id == "g1"));
        assert!(matches!(
            &p.steps[1],
            Step::Budget { id, level: Level::AdGroups, to_micros: 40_000_000, .. } if id == "g2"
        ));
    }

    #[test]
    fn no_winner_or_a_missing_winner_is_refused() {
        let now = Standing::default();
        assert_eq!(
            plan(&experiment(Level::Campaigns, &["1", "2"], None), &now),
            Err(ApplyError::NoWinner)
        );
        assert!(matches!(
            plan(&experiment(Level::Campaigns, &["1", "2"], Some("a")), &now),
            Err(ApplyError::Missing("campaign", _))
        ));
    }

    #[test]
    fn a_paused_winner_gets_no_budget() {
        let e = experiment(Level::Campaigns, &["1", "2"], Some("a"));
        let now = Standing {
            objects: vec![
                placed("1", false, Some(10_000_000), None),
                placed("2", true, Some(10_000_000), None),
            ],
            ..Default::default()
        };
        let p = plan(&e, &now).expect("plan");
        assert_eq!(p.steps.len(), 1);
        assert!(matches!(&p.steps[0], Step::Pause { .. }));
        assert!(p.notes[0].contains("left as it is"));
    }

    #[test]
    fn ads_in_the_winners_group_leave_it_their_share() {
        let e = experiment(Level::Ads, &["1", "2"], Some("a"));
        let now = Standing {
            objects: vec![
                placed("1", true, None, Some("g")),
                placed("2", true, None, Some("g")),
            ],
            groups: vec![placed("g", true, Some(25_000_000), None)],
            group_ads: vec![
                placed("1", true, None, Some("g")),
                placed("2", true, None, Some("g")),
            ],
        };
        let p = plan(&e, &now).expect("plan");
        assert_eq!(p.steps.len(), 1, "{p:?}");
        assert!(matches!(&p.steps[0], Step::Pause { id, level: Level::Ads, .. } if id == "2"));
        assert!(
            p.notes
                .iter()
                .any(|n| n.contains("25.00 a day now goes to the winner alone")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn an_emptied_ad_group_is_paused_and_its_budget_moved() {
        let e = experiment(Level::Ads, &["1", "2", "3"], Some("a"));
        let now = Standing {
            objects: vec![
                placed("1", true, None, Some("g1")),
                placed("2", true, None, Some("g2")),
                placed("3", true, None, Some("g3")),
            ],
            groups: vec![
                placed("g1", true, Some(20_000_000), None),
                placed("g2", true, Some(15_000_000), None),
                placed("g3", true, Some(5_000_000), None),
            ],
            group_ads: vec![
                placed("1", true, None, Some("g1")),
                placed("2", true, None, Some("g2")),
                placed("3", true, None, Some("g3")),
                // g3 keeps another ad delivering: its budget stays.
                placed("9", true, None, Some("g3")),
            ],
        };
        let p = plan(&e, &now).expect("plan");
        let ids: Vec<String> = p
            .steps
            .iter()
            .map(|s| match s {
                Step::Pause { level, id, .. } => format!("pause {}:{id}", level.as_str()),
                Step::Budget { id, to_micros, .. } => format!("budget {id}={to_micros}"),
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                "pause ads:2",
                "pause ads:3",
                "pause ad_groups:g2",
                "budget g1=35000000"
            ]
        );
    }
}
