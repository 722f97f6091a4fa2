//! The write path's rules: which learnings are one (their merge key), and what a learning's
//! sightings add up to (its outcome, evidence and confidence).

use super::model::{Observation, Outcome, verdict};
use super::words::{MemoryAction, MemoryAgent, MemoryKind, Metric, OutcomeStatus};
use super::MemoryContext;
use crate::ids::ProjectId;

/// What makes two learnings one: the same scope, agent, kind, context and action (and, for
/// outcomes, the same subject and metric). Notes and insights with the same key merge only when
/// their texts are near-identical (`text::similarity`).
#[allow(clippy::too_many_arguments)]
pub fn merge_key(
    kind: MemoryKind,
    agent: MemoryAgent,
    project: Option<&ProjectId>,
    context: &MemoryContext,
    action: Option<MemoryAction>,
    subject: Option<&str>,
    metric: Option<Metric>,
) -> String {
    let opt = |s: Option<&str>| s.map(crate::words::normalize).unwrap_or_default();
    let mut parts = vec![
        kind.as_str().to_owned(),
        agent.as_str().to_owned(),
        project.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        context.platform.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        context.objective.map(|o| o.as_str().to_owned()).unwrap_or_default(),
        context.vertical.map(|v| v.as_str().to_owned()).unwrap_or_default(),
        opt(context.audience.as_deref()),
        context.budget_band.map(|b| b.as_str().to_owned()).unwrap_or_default(),
        context.month.map(|m| m.to_string()).unwrap_or_default(),
        action.map(|a| a.as_str().to_owned()).unwrap_or_default(),
    ];
    if kind == MemoryKind::Outcome {
        parts.push(opt(subject));
        parts.push(metric.map(|m| m.as_str().to_owned()).unwrap_or_default());
    }
    parts.join("|")
}

/// A learning's standing from its sightings: the averaged outcome of the measured ones, and the
/// confidence with the reason for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub outcome: Option<Outcome>,
    pub confidence: f64,
    pub confidence_reason: String,
}

fn mean(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut n, mut s) = (0usize, 0.0);
    for x in xs {
        n += 1;
        s += x;
    }
    (n > 0).then(|| s / n as f64)
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Confidence of an outcome learning: `n / (n + 2)` for `n` measured sightings (one sighting is
/// weak, eight make 0.8), times the share of them that went the same way as their average.
/// Notes and insights: `e / (e + 1)` for `e` sightings.
pub fn standing(kind: MemoryKind, metric: Option<Metric>, evidence: u32, seen: &[Observation]) -> Standing {
    let by_evidence = || {
        let e = f64::from(evidence.max(1));
        (
            round(e / (e + 1.0), 2),
            format!("seen {} time{}", evidence.max(1), if evidence <= 1 { "" } else { "s" }),
        )
    };
    let Some(metric) = metric else {
        let (confidence, confidence_reason) = by_evidence();
        return Standing { outcome: None, confidence, confidence_reason };
    };
    let measured: Vec<&Observation> = seen.iter().filter(|o| o.net().is_some()).collect();
    let n = measured.len();
    let pending = seen.iter().filter(|o| o.status == OutcomeStatus::Pending).count();
    let status = if n > 0 {
        OutcomeStatus::Measured
    } else if pending > 0 {
        OutcomeStatus::Pending
    } else {
        OutcomeStatus::Inconclusive
    };
    let pick = |f: fn(&Observation) -> Option<f64>| mean(measured.iter().filter_map(|o| f(o)));
    let net = mean(measured.iter().filter_map(|o| o.net()));
    let controls = measured.iter().filter(|o| o.control_change.is_some()).count();
    let outcome = Outcome {
        metric,
        status,
        before: pick(|o| o.before).or_else(|| mean(seen.iter().filter_map(|o| o.before))).map(|x| round(x, 4)),
        after: pick(|o| o.after).map(|x| round(x, 4)),
        change: pick(|o| o.change).map(|x| round(x, 4)),
        control_change: (controls > 0).then(|| pick(|o| o.control_change)).flatten().map(|x| round(x, 4)),
        effect: (controls > 0).then(|| pick(|o| o.effect)).flatten().map(|x| round(x, 4)),
        days: mean(measured.iter().filter_map(|o| o.days.map(f64::from))).map(|d| d.round() as u32),
        spend_micros: {
            let s: i64 = measured.iter().filter_map(|o| o.spend_micros).sum();
            (s > 0).then_some(s)
        },
        measured: u32::try_from(n).unwrap_or(u32::MAX),
        observed: {
            let mut newest: Vec<&&Observation> = measured.iter().collect();
            newest.sort_by_key(|o| std::cmp::Reverse(o.at));
            newest.iter().filter_map(|o| o.net()).take(50).map(|x| round(x, 4)).collect()
        },
        verdict: net.map(|x| verdict(metric, x)),
        note: if n > 0 {
            None
        } else {
            seen.iter().rev().find_map(|o| o.note.clone())
        },
    };
    let (confidence, reason) = match net {
        None => (
            if pending > 0 { 0.1 } else { 0.05 },
            if pending > 0 {
                "not measured yet".to_owned()
            } else {
                "no sighting could be measured".to_owned()
            },
        ),
        Some(avg) => {
            let same = measured
                .iter()
                .filter_map(|o| o.net())
                .filter(|x| (*x >= 0.0) == (avg >= 0.0))
                .count();
            let base = n as f64 / (n as f64 + 2.0);
            let agreement = same as f64 / n as f64;
            (
                round(base * agreement, 2),
                format!(
                    "{n} measured outcome{}, {same} of {n} the same way",
                    if n == 1 { "" } else { "s" }
                ),
            )
        }
    };
    let (confidence, reason) = if kind == MemoryKind::Outcome { (confidence, reason) } else { by_evidence() };
    Standing {
        outcome: Some(outcome),
        confidence,
        confidence_reason: reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn obs(net: Option<f64>) -> Observation {
        Observation {
            key: None,
            status: if net.is_some() { OutcomeStatus::Measured } else { OutcomeStatus::Pending },
            before: Some(3.0),
            after: net.map(|n| 3.0 * (1.0 + n)),
            change: net,
            control_change: None,
            effect: None,
            days: Some(7),
            spend_micros: Some(100_000_000),
            note: None,
            at: Timestamp::parse("2026-11-01T10:00:00Z").expect("time"),
            target: None,
        }
    }

    #[test]
    fn keys_ignore_spelling_and_separate_contexts() {
        let ctx = MemoryContext { platform: Some(crate::Platform::Meta), audience: Some("Retargeting ".into()), ..Default::default() };
        let same = MemoryContext { audience: Some("retargeting".into()), ..ctx.clone() };
        let k = |c: &MemoryContext| merge_key(MemoryKind::Outcome, MemoryAgent::Trader, None, c, Some(MemoryAction::BudgetIncrease), None, Some(Metric::Roas));
        assert_eq!(k(&ctx), k(&same));
        let other = MemoryContext { platform: Some(crate::Platform::Google), ..ctx.clone() };
        assert_ne!(k(&ctx), k(&other));
        // A note's key has no subject or metric.
        assert_eq!(
            merge_key(MemoryKind::Note, MemoryAgent::Person, None, &ctx, None, Some("x"), Some(Metric::Cpa)),
            "note|person||meta|||retargeting|||"
        );
    }

    #[test]
    fn standing_averages_measured_sightings_and_grows_confidence() {
        // -10%, -2%, +3%, -7%: mean -4%; 3 of 4 below zero; 4/6 × 3/4 = 0.5.
        let seen = [obs(Some(-0.10)), obs(Some(-0.02)), obs(Some(0.03)), obs(Some(-0.07)), obs(None)];
        let s = standing(MemoryKind::Outcome, Some(Metric::Roas), 5, &seen);
        let o = s.outcome.expect("outcome");
        assert_eq!(o.status, OutcomeStatus::Measured);
        assert_eq!(o.change, Some(-0.04));
        assert_eq!(o.measured, 4);
        assert_eq!(o.verdict, Some(super::super::words::OutcomeVerdict::Bad));
        assert_eq!(o.spend_micros, Some(400_000_000));
        assert_eq!(s.confidence, 0.5);
        assert_eq!(s.confidence_reason, "4 measured outcomes, 3 of 4 the same way");
        // Nothing measured yet.
        let s = standing(MemoryKind::Outcome, Some(Metric::Roas), 1, &[obs(None)]);
        assert_eq!((s.outcome.map(|o| o.status), s.confidence), (Some(OutcomeStatus::Pending), 0.1));
        // A note seen three times.
        let s = standing(MemoryKind::Note, None, 3, &[]);
        assert_eq!((s.outcome, s.confidence, s.confidence_reason.as_str()), (None, 0.75, "seen 3 times"));
    }
}
