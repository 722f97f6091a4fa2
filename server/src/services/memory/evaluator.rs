//! The outcome evaluator: measures each pending sighting once its days have passed, from the fact
//! store (difference in differences against the account's untouched campaigns, in the core's
//! `memory::evaluate`), and works its learning's standing out again.

use super::Memories;
use chrono::NaiveDate;
use serde_json::Value;
use switchboard_core::ConnectionId;
use switchboard_core::memory::evaluate::{Side, measure, windows};
use switchboard_core::memory::{Observation, OutcomeStatus};
use switchboard_core::ports::{CampaignSet, PendingObservation};
use switchboard_core::service::ServiceError;

/// Sightings measured per pass.
const BATCH: u32 = 500;

pub(super) async fn evaluate(m: &Memories, today: NaiveDate) -> Result<usize, ServiceError> {
    let due = m.memories.due(today, BATCH).await?;
    let mut settled = 0;
    let mut touched = Vec::new();
    for p in due {
        if let Some(o) = measure_one(m, &p, today).await? {
            m.memories.settle(p.n, &o).await?;
            settled += 1;
            if !touched.contains(&p.memory) {
                touched.push(p.memory.clone());
            }
        }
    }
    for id in touched {
        let mut memory = m.memories.get(&id).await?;
        m.restand(&mut memory, None).await?;
    }
    if settled > 0 {
        tracing::info!(settled, "outcomes measured");
    }
    Ok(settled)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The measured sighting, or `None` to wait (its figures may still come with the next sync).
async fn measure_one(
    m: &Memories,
    p: &PendingObservation,
    today: NaiveDate,
) -> Result<Option<Observation>, ServiceError> {
    let o = &p.observation;
    let days = o.days.unwrap_or(m.settings.outcome_days).max(1);
    let (before_w, after_w) = windows(o.at.date(), days);
    // Past twice the window, what is missing will not come: settle as it stands.
    let late = today > after_w.1 + chrono::Days::new(u64::from(days));
    let inconclusive = |note: &str| Observation {
        status: OutcomeStatus::Inconclusive,
        note: Some(note.to_owned()),
        ..o.clone()
    };
    let (Some(target), Some(project), Some(metric)) = (&o.target, &p.project_id, p.metric) else {
        return Ok(Some(inconclusive(
            "no campaign to measure: the learning was recorded with its values or without any",
        )));
    };
    let Some(connection) = target
        .get("connection_id")
        .and_then(Value::as_str)
        .and_then(|c| ConnectionId::parse(c).ok())
    else {
        return Ok(Some(inconclusive("the change names no ad account")));
    };
    let scope = target.get("scope").and_then(Value::as_str).unwrap_or("campaign");
    let campaigns = strings(target.get("campaigns"));
    let changed = strings(target.get("changed"));
    let figures = |set: CampaignSet, w: (NaiveDate, NaiveDate)| {
        let (project, connection) = (project.clone(), connection.clone());
        async move { m.memories.figures(&project, &connection, &set, w.0, w.1).await }
    };
    let account = CampaignSet::AllBut(Vec::new());
    let (treated_before, treated_after) = match scope {
        "account" => (account.clone(), account.clone()),
        "new" => (account.clone(), CampaignSet::Only(campaigns.clone())),
        _ => (
            CampaignSet::Only(campaigns.clone()),
            CampaignSet::Only(campaigns.clone()),
        ),
    };
    let (before, _) = figures(treated_before, before_w).await?;
    let (after, days_after) = figures(treated_after, after_w).await?;
    let treated = Side {
        before,
        after,
        days_after,
    };
    let control = if scope == "campaign" {
        let set = CampaignSet::AllBut(changed);
        let (cb, db) = figures(set.clone(), before_w).await?;
        let (ca, da) = figures(set, after_w).await?;
        (db > 0 && da > 0).then_some(Side {
            before: cb,
            after: ca,
            days_after: da,
        })
    } else {
        None
    };
    let result = measure(metric, days, &treated, control.as_ref());
    if result.status == OutcomeStatus::Inconclusive && !late && treated.days_after * 2 < days {
        return Ok(None);
    }
    Ok(Some(Observation {
        status: result.status,
        before: result.before.or(o.before),
        after: result.after,
        change: result.change,
        control_change: result.control_change,
        effect: result.effect,
        days: Some(days),
        spend_micros: Some(result.spend_micros),
        note: result.note,
        ..o.clone()
    }))
}
