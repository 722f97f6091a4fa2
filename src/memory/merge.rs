//! The write path's rules: which learnings are one (their merge key), and what a learning's
//! sightings add up to (its outcome, evidence and confidence).

use super::MemoryContext;
use super::input::{NewMemory, TAGS_MAX};
use super::model::{Memory, Observation, Outcome, verdict};
use super::text::{Reading, SAME_TEXT, similarity_of};
use super::words::{MemoryAction, MemoryAgent, MemoryKind, Metric, OutcomeStatus};
use crate::ids::ProjectId;

/// Two wordings this alike are one wording (a repeat's text is not kept again).
const SAME_WORDING: f64 = 0.95;
/// Other wordings a learning keeps (searched like its summary).
const WORDINGS_MAX: usize = 10;

/// Of the learnings with a new one's merge key, the one it repeats: for an outcome, the one there
/// is; for a note or an insight, the one with the closest wording (the closest of each one's
/// wordings, as a third wording may be nearer the second) when it says the same (`text::similarity_in`), the words of
/// the context they share left out of the comparison.
pub fn repeated(new: &NewMemory, same: Vec<Memory>) -> Option<Memory> {
    match new.kind {
        MemoryKind::Outcome => same.into_iter().next(),
        MemoryKind::Insight | MemoryKind::Note => {
            // Each text read once: the new one and the context are compared with every wording.
            let context = Reading::of(&new.context.words(new.action));
            let said = Reading::of(&new.summary);
            same.into_iter()
                .map(|m| {
                    let best = std::iter::once(&m.summary)
                        .chain(&m.also_said)
                        .map(|other| similarity_of(&Reading::of(other), &said, &context))
                        .fold(0.0, f64::max);
                    (best, m)
                })
                .filter(|(s, _)| *s >= SAME_TEXT)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, m)| m)
        }
    }
}

/// What a repeat adds to the learning it repeats: one more sighting, its tags (up to the most a
/// learning has), a pin, and its wording when it is another one.
pub fn absorb(memory: &mut Memory, new: NewMemory) {
    memory.evidence = memory.evidence.saturating_add(1);
    for t in new.tags {
        if !memory.tags.contains(&t) && memory.tags.len() < TAGS_MAX {
            memory.tags.push(t);
        }
    }
    memory.pinned |= new.pinned;
    let said = new.summary.replace('\n', " ");
    let read = Reading::of(&said);
    let alike = |other: &str| similarity_of(&Reading::of(other), &read, &Reading::default());
    if memory.also_said.len() < WORDINGS_MAX
        && alike(&memory.summary) < SAME_WORDING
        && !memory.also_said.iter().any(|a| alike(a) >= SAME_WORDING)
    {
        memory.also_said.push(said);
    }
}

/// What makes two learnings one: the same scope, agent, kind, context and action (and, for
/// outcomes, the same subject and metric). Notes and insights with the same key merge only when
/// their texts say the same (`text::similarity_in`).
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
        context
            .platform
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        context
            .objective
            .map(|o| o.as_str().to_owned())
            .unwrap_or_default(),
        context
            .vertical
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default(),
        opt(context.audience.as_deref()),
        context
            .budget_band
            .map(|b| b.as_str().to_owned())
            .unwrap_or_default(),
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

/// A learning's newest `keep` sightings once `new` joins `prior` (its newest sightings, newest
/// first, as the store gives them). The store puts the later-written of two sightings at the same
/// instant first, so `new` goes before the ones of its instant. Trimming a learning's measured
/// sightings beyond `keep` never touches these, so this is what the store holds afterwards.
pub fn with_sighting(mut prior: Vec<Observation>, new: Observation, keep: usize) -> Vec<Observation> {
    let at = prior.iter().position(|o| o.at <= new.at).unwrap_or(prior.len());
    prior.insert(at, new);
    prior.truncate(keep);
    prior
}

/// Confidence of an outcome learning: `n / (n + 2)` for `n` measured sightings (one sighting is
/// weak, eight make 0.8), times the share of them that went the same way as their average.
/// Notes and insights: `e / (e + 1)` for `e` sightings.
pub fn standing(kind: MemoryKind, metric: Option<Metric>, evidence: u32, seen: &[Observation]) -> Standing {
    let by_evidence = || {
        let e = f64::from(evidence.max(1));
        (
            round(e / (e + 1.0), 2),
            format!(
                "seen {} time{}",
                evidence.max(1),
                if evidence <= 1 { "" } else { "s" }
            ),
        )
    };
    let Some(metric) = metric else {
        let (confidence, confidence_reason) = by_evidence();
        return Standing {
            outcome: None,
            confidence,
            confidence_reason,
        };
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
        before: pick(|o| o.before)
            .or_else(|| mean(seen.iter().filter_map(|o| o.before)))
            .map(|x| round(x, 4)),
        after: pick(|o| o.after).map(|x| round(x, 4)),
        change: pick(|o| o.change).map(|x| round(x, 4)),
        control_change: (controls > 0)
            .then(|| pick(|o| o.control_change))
            .flatten()
            .map(|x| round(x, 4)),
        effect: (controls > 0)
            .then(|| pick(|o| o.effect))
            .flatten()
            .map(|x| round(x, 4)),
        days: mean(measured.iter().filter_map(|o| o.days.map(f64::from))).map(|d| d.round() as u32),
        spend_micros: {
            let s: i64 = measured.iter().filter_map(|o| o.spend_micros).sum();
            (s > 0).then_some(s)
        },
        measured: u32::try_from(n).unwrap_or(u32::MAX),
        observed: {
            let mut newest: Vec<&&Observation> = measured.iter().collect();
            newest.sort_by_key(|o| std::cmp::Reverse(o.at));
            newest
                .iter()
                .filter_map(|o| o.net())
                .take(50)
                .map(|x| round(x, 4))
                .collect()
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
    let (confidence, reason) = if kind == MemoryKind::Outcome {
        (confidence, reason)
    } else {
        by_evidence()
    };
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

    fn note(summary: &str, tags: &[&str]) -> NewMemory {
        let body = serde_json::json!({"agent": "person", "kind": "note", "platform": "meta", "action": "creative_refresh",
            "summary": summary, "tags": tags});
        super::super::input::parse_new(
            &body,
            super::super::model::MemorySource::sent_by(super::super::words::SourceKind::Person, "owner"),
        )
        .expect("a note")
    }

    fn learning(summary: &str, also_said: &[&str]) -> Memory {
        serde_json::from_value(serde_json::json!({
            "id": "mem_0001", "agent": "person", "kind": "note", "project_id": null, "platform": "meta",
            "objective": null, "vertical": null, "audience": null, "budget_band": null, "month": null,
            "action": "creative_refresh", "subject": null, "summary": summary, "also_said": also_said, "tags": ["ugc"],
            "outcome": null, "evidence": 1, "confidence": 0.2, "confidence_reason": "",
            "source": {"kind": "person", "execution_id": null, "stage_id": null, "experiment_id": null, "by": "owner"},
            "pinned": false, "forgotten": false, "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-01T10:00:00Z", "last_recalled_at": null
        }))
        .expect("a learning")
    }

    #[test]
    fn a_note_repeats_the_learning_one_of_whose_wordings_it_nearly_says() {
        let kept = learning(
            "Captioned UGC videos held attention longer",
            &["UGC clips with captions kept viewers watching longer"],
        );
        let other = learning("Carousel ads with prices lowered CPC", &[]);
        let new = note("UGC videos with captions kept attention longer", &[]);
        let found = repeated(&new, vec![other.clone(), kept.clone()]).map(|m| m.summary);
        assert_eq!(
            found.as_deref(),
            Some("Captioned UGC videos held attention longer")
        );
        assert!(
            repeated(
                &note("Static images beat videos for retargeting", &[]),
                vec![other, kept]
            )
            .is_none()
        );
    }

    #[test]
    fn a_repeat_adds_a_sighting_its_tags_and_its_other_wording_once() {
        let mut m = learning("Captioned UGC videos held attention longer", &[]);
        let other = "Short UGC clips with subtitles kept people watching";
        absorb(&mut m, note(other, &["ugc", "video"]));
        absorb(&mut m, note(other, &["video"]));
        // A wording read as the same one (synonyms, order) is not kept again.
        absorb(
            &mut m,
            note("UGC videos with captions kept attention longer", &[]),
        );
        assert_eq!(m.evidence, 4);
        assert_eq!(m.tags, ["ugc", "video"]);
        assert_eq!(m.also_said, [other]);
    }

    fn obs(net: Option<f64>) -> Observation {
        Observation {
            key: None,
            status: if net.is_some() {
                OutcomeStatus::Measured
            } else {
                OutcomeStatus::Pending
            },
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
    fn a_new_sighting_takes_its_place_by_time_and_the_oldest_go() {
        let at = |t: &str, net: f64| Observation {
            at: Timestamp::parse(t).expect("time"),
            ..obs(Some(net))
        };
        let prior = vec![
            at("2026-11-03T00:00:00Z", 0.3),
            at("2026-11-02T00:00:00Z", 0.2),
            at("2026-11-01T00:00:00Z", 0.1),
        ];
        let nets = |v: &[Observation]| v.iter().map(|o| o.change.unwrap_or(0.0)).collect::<Vec<_>>();
        let mid = with_sighting(prior.clone(), at("2026-11-02T00:00:00Z", 0.25), 3);
        assert_eq!(nets(&mid), vec![0.3, 0.25, 0.2]);
        let newest = with_sighting(prior.clone(), at("2026-11-04T00:00:00Z", 0.4), 10);
        assert_eq!(nets(&newest), vec![0.4, 0.3, 0.2, 0.1]);
        let oldest = with_sighting(prior, at("2026-10-01T00:00:00Z", 0.0), 3);
        assert_eq!(nets(&oldest), vec![0.3, 0.2, 0.1]);
        assert_eq!(
            nets(&with_sighting(Vec::new(), at("2026-10-01T00:00:00Z", 0.5), 3)),
            vec![0.5]
        );
    }

    #[test]
    fn keys_ignore_spelling_and_separate_contexts() {
        let ctx = MemoryContext {
            platform: Some(crate::Platform::Meta),
            audience: Some("Retargeting ".into()),
            ..Default::default()
        };
        let same = MemoryContext {
            audience: Some("retargeting".into()),
            ..ctx.clone()
        };
        let k = |c: &MemoryContext| {
            merge_key(
                MemoryKind::Outcome,
                MemoryAgent::Trader,
                None,
                c,
                Some(MemoryAction::BudgetIncrease),
                None,
                Some(Metric::Roas),
            )
        };
        assert_eq!(k(&ctx), k(&same));
        let other = MemoryContext {
            platform: Some(crate::Platform::Google),
            ..ctx.clone()
        };
        assert_ne!(k(&ctx), k(&other));
        // A note's key has no subject or metric.
        assert_eq!(
            merge_key(
                MemoryKind::Note,
                MemoryAgent::Person,
                None,
                &ctx,
                None,
                Some("x"),
                Some(Metric::Cpa)
            ),
            "note|person||meta|||retargeting|||"
        );
    }

    #[test]
    fn standing_averages_measured_sightings_and_grows_confidence() {
        // -10%, -2%, +3%, -7%: mean -4%; 3 of 4 below zero; 4/6 × 3/4 = 0.5.
        let seen = [
            obs(Some(-0.10)),
            obs(Some(-0.02)),
            obs(Some(0.03)),
            obs(Some(-0.07)),
            obs(None),
        ];
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
        assert_eq!(
            (s.outcome.map(|o| o.status), s.confidence),
            (Some(OutcomeStatus::Pending), 0.1)
        );
        // A note seen three times.
        let s = standing(MemoryKind::Note, None, 3, &[]);
        assert_eq!(
            (s.outcome, s.confidence, s.confidence_reason.as_str()),
            (None, 0.75, "seen 3 times")
        );
    }
}
