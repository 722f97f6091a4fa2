//! What a decided experiment leaves in the agents' memory: an `outcome` learning of what won, by
//! how much, with its interval, in the experiment's context (its platform, the project's
//! vertical), its source the experiment.

use super::evaluate::{Decision, Evaluation};
use super::model::Experiment;
use super::words::{ExperimentMetric, Level};
use crate::memory::input::{NewMemory, NewOutcome, SUMMARY_MAX};
use crate::memory::{MemoryAction, MemoryAgent, MemoryContext, MemoryKind, MemorySource, Metric, SourceKind};
use crate::vertical::Vertical;

fn metric(m: ExperimentMetric) -> Metric {
    match m {
        ExperimentMetric::Cvr => Metric::Cvr,
        ExperimentMetric::Ctr => Metric::Ctr,
        ExperimentMetric::Cpa => Metric::Cpa,
        // Revenue per click is read as the revenue it brings.
        ExperimentMetric::Rpc => Metric::Revenue,
    }
}

fn percent(x: f64) -> String {
    format!("{:+.1}%", x * 100.0)
}

/// The learning of a decided experiment with a winner; `None` without one.
pub fn learning(
    experiment: &Experiment,
    evaluation: &Evaluation,
    vertical: Option<Vertical>,
) -> Option<NewMemory> {
    let Decision::Winner {
        variant,
        lift,
        lift_ci,
        p_value,
        ..
    } = &evaluation.decision
    else {
        return None;
    };
    let winner = experiment.variant(variant)?;
    let control = experiment.control()?;
    let value = |key: &str| {
        evaluation
            .totals
            .iter()
            .find(|t| t.key == key)
            .and_then(|t| t.value)
    };
    let days = evaluation.totals.iter().map(|t| t.days).max().unwrap_or(0);
    let spend: i64 = evaluation.totals.iter().map(|t| t.spend_micros).sum();
    let what = match experiment.level {
        Level::Ads => "ad",
        Level::AdGroups => "ad group",
        Level::Campaigns => "campaign",
    };
    let summary = if winner.key == control.key {
        format!(
            "A/B test \"{}\": the control {what} \"{}\" beat every variant on {} (p = {p_value:.4}, {days} days).",
            experiment.name,
            control.name,
            experiment.metric.label().to_lowercase()
        )
    } else {
        format!(
            "A/B test \"{}\": {what} \"{}\" beat \"{}\" on {}: {}{} (p = {p_value:.4}, {days} days).",
            experiment.name,
            winner.name,
            control.name,
            experiment.metric.label().to_lowercase(),
            lift.map_or_else(|| "better".to_owned(), percent),
            lift_ci
                .map(|[lo, hi]| format!(" [{}, {}]", percent(lo), percent(hi)))
                .unwrap_or_default(),
        )
    };
    let summary: String = summary.chars().take(SUMMARY_MAX).collect();
    Some(NewMemory {
        agent: MemoryAgent::SocialMediaBuyer,
        kind: MemoryKind::Outcome,
        project_id: Some(experiment.project_id.clone()),
        context: MemoryContext {
            platform: Some(experiment.platform),
            vertical,
            ..MemoryContext::default()
        },
        action: Some(MemoryAction::AbTest),
        subject: Some(experiment.name.chars().take(200).collect()),
        summary,
        tags: vec!["ab_test".to_owned(), experiment.level.as_str().to_owned()],
        outcome: Some(NewOutcome {
            metric: metric(experiment.metric),
            before: value(&control.key),
            after: value(&winner.key),
            days: Some(days.max(1)),
            spend_micros: Some(spend),
        }),
        source: MemorySource {
            kind: SourceKind::Experiment,
            execution_id: None,
            stage_id: None,
            experiment_id: Some(experiment.id.to_string()),
            by: None,
        },
        pinned: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::evaluate::{Comparison, VariantTotals};
    use crate::experiments::model::sample;
    use crate::experiments::words::ExperimentStatus;
    use crate::platform::Platform;

    fn experiment() -> Experiment {
        Experiment {
            name: "Benefit headline".to_owned(),
            hypothesis: String::new(),
            level: Level::Ads,
            status: ExperimentStatus::Decided,
            winner: Some("b".to_owned()),
            ..sample::experiment(vec![
                sample::variant(0, "Plain", "1a", 1.0),
                sample::variant(1, "Benefit", "1b", 1.0),
            ])
        }
    }

    fn totals(key: &str, value: f64) -> VariantTotals {
        VariantTotals {
            key: key.to_owned(),
            name: key.to_owned(),
            control: key == "a",
            impressions: 100_000,
            clicks: 2000,
            conversions: 2000.0 * value,
            spend_micros: 2_000_000_000,
            revenue_micros: 0,
            days: 21,
            value: Some(value),
        }
    }

    #[test]
    fn a_winner_becomes_an_outcome_learning_with_its_interval() {
        let e = experiment();
        let evaluation = Evaluation {
            totals: vec![totals("a", 0.03), totals("b", 0.036)],
            comparisons: Vec::<Comparison>::new(),
            srm: None,
            decision: Decision::Winner {
                variant: "b".to_owned(),
                lift: Some(0.2),
                lift_ci: Some([0.05, 0.35]),
                p_value: 0.004,
                message: String::new(),
            },
            timeline: Vec::new(),
            through: None,
        };
        let m = learning(&e, &evaluation, Some(Vertical::HomeDecor)).expect("a learning");
        assert_eq!(m.kind, MemoryKind::Outcome);
        assert_eq!(m.action, Some(MemoryAction::AbTest));
        assert_eq!(m.context.platform, Some(Platform::Pinterest));
        assert_eq!(m.context.vertical, Some(Vertical::HomeDecor));
        assert_eq!(m.source.experiment_id.as_deref(), Some("exp_0001"));
        assert_eq!(m.source.kind, SourceKind::Experiment);
        let o = m.outcome.expect("outcome");
        assert_eq!(
            (o.metric, o.before, o.after, o.days),
            (Metric::Cvr, Some(0.03), Some(0.036), Some(21))
        );
        assert!(
            m.summary.contains("\"Benefit\" beat \"Plain\"") && m.summary.contains("+20.0% [+5.0%, +35.0%]"),
            "{}",
            m.summary
        );
        // No winner, no learning.
        let waiting = Evaluation {
            decision: Decision::Waiting {
                reason: "not_significant".to_owned(),
                message: String::new(),
            },
            ..evaluation
        };
        assert!(learning(&e, &waiting, None).is_none());
    }
}
