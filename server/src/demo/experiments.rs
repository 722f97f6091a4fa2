//! The demo's A/B tests, made through the experiments service on the demo's accounts (whose ads
//! and campaigns have hidden true rates, so the better variant really wins):
//! - Northwind: a test of two Pinterest ads of one ad group, started 89 days ago: the pair whose
//!   hidden click-through rates differ most. Decided on its results, and its winner applied by the
//!   real run (the loser paused).
//! - Alpine Trails: two Meta campaigns on click-through rate over the last 30 days, their split
//!   set to the impressions each was served (two campaigns with their own budgets): running, or
//!   decided when the data says so.
//! - Alpine Trails: a draft on two Pinterest ad groups, to start.

use super::{PROJECTS, project_id};
use crate::wiring::Wiring;
use chrono::NaiveDate;
use serde_json::json;
use switchboard_core::connectors::testmode::TestAccount;
use switchboard_core::experiments::views::ExperimentObject;
use switchboard_core::experiments::{ExperimentStatus, Level};
use switchboard_core::{Platform, ProjectId};

/// What seeding made: each experiment's name and status.
pub async fn seed(app: &Wiring, today: NaiveDate) -> Result<Vec<(String, ExperimentStatus)>, String> {
    let mut made = Vec::new();
    let northwind = index_of("Northwind Outfitters")?;
    let alpine = index_of("Alpine Trails Travel")?;
    let ads = objects(app, northwind, Platform::Pinterest, Level::Ads).await?;
    let truth = account(app, northwind, Platform::Pinterest).await?;
    if let Some((worse, better)) = truth.as_ref().and_then(|t| clearest_pair(&ads, t)) {
        let e = create(
            app,
            json!({"project_id": project_id(northwind), "name": "Pin creative: lifestyle vs product shot",
                   "hypothesis": "The lifestyle Pin earns more clicks per impression than the product shot",
                   "platform": "pinterest", "level": "ads", "metric": "ctr",
                   "variants": [{"object_id": worse.id, "name": format!("{} (product shot)", worse.name)},
                                {"object_id": better.id, "name": format!("{} (lifestyle)", better.name)}],
                   "started_on": day(today, 89), "start": true}),
        )
        .await?;
        let mut status = results(app, &e).await?;
        if status == ExperimentStatus::Decided {
            let applying = app
                .services
                .experiments
                .apply(&e, "owner")
                .await
                .map_err(|err| format!("applying the demo's winner: {err}"))?;
            if let Some(run) = &applying.applied_by {
                super::settled(app, run, std::time::Instant::now() + super::WAIT).await;
            }
            status = app
                .services
                .experiments
                .get(&e)
                .await
                .map_err(|err| err.to_string())?
                .status;
        }
        made.push(("Pin creative".to_owned(), status));
    }
    let campaigns = objects(app, alpine, Platform::Meta, Level::Campaigns).await?;
    let busy: Vec<&ExperimentObject> = campaigns
        .iter()
        .filter(|c| c.active && c.daily_impressions > 0.0)
        .collect();
    if let [a, b, ..] = busy.as_slice() {
        let e = create(
            app,
            json!({"project_id": project_id(alpine), "name": "Meta: brand video vs carousel",
                   "hypothesis": "The carousel earns more clicks per impression than the brand video",
                   "platform": "meta", "level": "campaigns", "metric": "ctr",
                   "variants": [{"object_id": a.id, "weight": a.daily_impressions}, {"object_id": b.id, "weight": b.daily_impressions}],
                   "started_on": day(today, 30), "start": true}),
        )
        .await?;
        made.push(("Meta campaigns".to_owned(), results(app, &e).await?));
    }
    let groups = objects(app, alpine, Platform::Pinterest, Level::AdGroups).await?;
    let delivering: Vec<&ExperimentObject> = groups
        .iter()
        .filter(|g| g.active && g.daily_clicks > 0.0)
        .collect();
    if let [a, b, ..] = delivering.as_slice() {
        let e = create(
            app,
            json!({"project_id": project_id(alpine), "name": "Pinterest audiences: interests vs site visitors",
                   "hypothesis": "Site visitors convert better than an interest audience",
                   "platform": "pinterest", "level": "ad_groups", "metric": "cvr", "auto_apply": true,
                   "variants": [{"object_id": a.id}, {"object_id": b.id}]}),
        )
        .await?;
        made.push(("Pinterest audiences".to_owned(), status_of(app, &e).await?));
    }
    Ok(made)
}

fn index_of(name: &str) -> Result<usize, String> {
    PROJECTS
        .iter()
        .position(|p| p.name == name)
        .ok_or_else(|| format!("no demo project '{name}'"))
}

fn day(today: NaiveDate, back: u64) -> String {
    switchboard_core::time::date_text(today - chrono::Days::new(back))
}

async fn objects(
    app: &Wiring,
    project: usize,
    platform: Platform,
    level: Level,
) -> Result<Vec<ExperimentObject>, String> {
    let id = ProjectId::parse(&project_id(project)).map_err(|e| e.to_string())?;
    app.services
        .experiments
        .objects(&id, platform, level)
        .await
        .map_err(|e| {
            format!(
                "listing {} {}: {e}",
                platform.label(),
                level.label().to_lowercase()
            )
        })
}

/// The two ads of one ad group, each with clicks enough to judge (20 a day), whose hidden true
/// click-through rates differ most (the worse first): the demo's story is a variant that is really
/// better, as the test-mode account knows it.
fn clearest_pair<'a>(
    ads: &'a [ExperimentObject],
    truth: &TestAccount,
) -> Option<(&'a ExperimentObject, &'a ExperimentObject)> {
    let rate = |o: &ExperimentObject| {
        truth
            .ads
            .iter()
            .find(|a| a.id == o.id)
            .map_or(1.0, |a| truth.ad_quality(a).ctr)
    };
    let usable: Vec<&ExperimentObject> = ads
        .iter()
        .filter(|o| o.active && o.daily_clicks >= 20.0)
        .collect();
    let mut best: Option<(f64, &ExperimentObject, &ExperimentObject)> = None;
    for (i, a) in usable.iter().enumerate() {
        for b in &usable[i + 1..] {
            if a.group_id.is_none() || a.group_id != b.group_id {
                continue;
            }
            let (lo, hi) = if rate(a) <= rate(b) { (*a, *b) } else { (*b, *a) };
            let spread = rate(hi) / rate(lo);
            if best.as_ref().is_none_or(|(s, _, _)| spread > *s) {
                best = Some((spread, lo, hi));
            }
        }
    }
    best.map(|(_, lo, hi)| (lo, hi))
}

/// The test-mode account behind a demo project's connection to `platform`.
async fn account(app: &Wiring, project: usize, platform: Platform) -> Result<Option<TestAccount>, String> {
    let id = ProjectId::parse(&project_id(project)).map_err(|e| e.to_string())?;
    let connections = app
        .repos
        .connections
        .list(Some(&id))
        .await
        .map_err(|e| e.to_string())?;
    let Some(c) = connections.into_iter().find(|c| c.platform == platform) else {
        return Ok(None);
    };
    Ok(app
        .repos
        .connections
        .test_account(&c.id)
        .await
        .ok()
        .map(|l| l.account))
}

async fn create(
    app: &Wiring,
    body: serde_json::Value,
) -> Result<switchboard_core::ids::ExperimentId, String> {
    let input = switchboard_core::experiments::input::parse_new(&body)
        .map_err(|e| format!("a demo experiment: {e}"))?;
    let name = input.name.clone();
    app.services
        .experiments
        .create(input, "owner")
        .await
        .map(|e| e.id)
        .map_err(|e| format!("experiment '{name}': {e}"))
}

/// Reads and evaluates it (deciding it when the rule says so); its status then.
async fn results(app: &Wiring, id: &switchboard_core::ids::ExperimentId) -> Result<ExperimentStatus, String> {
    app.services
        .experiments
        .results(id)
        .await
        .map(|r| r.experiment.status)
        .map_err(|e| e.to_string())
}

async fn status_of(
    app: &Wiring,
    id: &switchboard_core::ids::ExperimentId,
) -> Result<ExperimentStatus, String> {
    app.services
        .experiments
        .get(id)
        .await
        .map(|e| e.status)
        .map_err(|e| e.to_string())
}
