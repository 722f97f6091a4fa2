use super::*;
use crate::experiments::model::Guardrail;
use crate::experiments::model::sample;
use crate::seeded::Seeded;

fn experiment(metric: ExperimentMetric, mode: DecisionMode, weights: &[f64]) -> Experiment {
    let variants = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            sample::variant(
                i,
                &format!("Variant {}", (b'A' + i as u8) as char),
                &format!("obj{i}"),
                *w,
            )
        })
        .collect();
    Experiment {
        metric,
        mode,
        ..sample::experiment(variants)
    }
}

/// `days` days of each variant: `clicks[i]` clicks a day at conversion rate `cvr[i]`, cost per
/// click 1.00, revenue 40 a conversion.
fn results(clicks: &[u64], cvr: &[f64], days: u32, seed: u64) -> Vec<VariantDay> {
    let mut r = Seeded::new(seed);
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
    let mut out = Vec::new();
    for d in 0..days {
        for (i, (&n, &rate)) in clicks.iter().zip(cvr).enumerate() {
            let conversions = r.binomial(n, rate);
            out.push(VariantDay {
                variant: ((b'a' + i as u8) as char).to_string(),
                date: start + chrono::Duration::days(i64::from(d)),
                impressions: n * 50,
                clicks: n,
                conversions: conversions as f64,
                spend_micros: n as i64 * 1_000_000,
                revenue_micros: conversions as i64 * 40_000_000,
            });
        }
    }
    out
}

#[test]
fn a_better_variant_wins_with_its_lift_and_interval() {
    let e = experiment(ExperimentMetric::Cvr, DecisionMode::Sequential, &[1.0, 1.0]);
    let days = results(&[1000, 1000], &[0.03, 0.045], 30, 1);
    let ev = evaluate(&e, &days, &[], Guard::default());
    assert_eq!(ev.decision.winner(), Some("b"), "{:?}", ev.decision);
    let c = &ev.comparisons[0];
    let (lift, [lo, hi]) = (c.lift.expect("lift"), c.lift_ci.expect("interval"));
    assert!(lo < lift && lift < hi && lo > 0.0, "{lift} [{lo}, {hi}]");
    assert!((lift - 0.5).abs() < 0.15, "{lift}");
    assert!(
        ev.decision.message().contains("Variant B wins"),
        "{}",
        ev.decision.message()
    );
    // The interval narrows as the days come in.
    let b: Vec<&LiftPoint> = ev.timeline.iter().filter(|p| p.variant == "b").collect();
    assert_eq!(b.len(), 30);
    let width = |p: &LiftPoint| p.high - p.low;
    assert!(
        width(b[29]) < width(b[4]) / 2.0,
        "{} vs {}",
        width(b[29]),
        width(b[4])
    );
    assert_eq!(ev.totals[1].days, 30);
    assert_eq!(ev.through, NaiveDate::from_ymd_opt(2026, 11, 30));
}

#[test]
fn equal_variants_wait_and_say_why() {
    let e = experiment(ExperimentMetric::Cvr, DecisionMode::Sequential, &[1.0, 1.0]);
    let ev = evaluate(
        &e,
        &results(&[1000, 1000], &[0.03, 0.03], 30, 2),
        &[],
        Guard::default(),
    );
    assert!(
        matches!(&ev.decision, Decision::Waiting { reason, .. } if reason == "not_significant"),
        "{:?}",
        ev.decision
    );
    // Two days of 40 clicks: too few.
    let ev = evaluate(
        &e,
        &results(&[40, 40], &[0.03, 0.03], 2, 2),
        &[],
        Guard::default(),
    );
    assert!(
        matches!(&ev.decision, Decision::Waiting { reason, .. } if reason == "too_few_visitors"),
        "{:?}",
        ev.decision
    );
    let ev = evaluate(
        &e,
        &results(&[100, 100], &[0.03, 0.03], 3, 2),
        &[],
        Guard::default(),
    );
    assert!(
        matches!(&ev.decision, Decision::Waiting { reason, .. } if reason == "too_few_conversions"),
        "{:?}",
        ev.decision
    );
}

#[test]
fn a_split_off_from_the_configured_one_blocks_the_decision() {
    // Configured 50/50, served 60/40, and B much better: still no winner.
    let e = experiment(ExperimentMetric::Cvr, DecisionMode::Sequential, &[1.0, 1.0]);
    let ev = evaluate(
        &e,
        &results(&[1200, 800], &[0.03, 0.06], 30, 3),
        &[],
        Guard::default(),
    );
    assert!(ev.srm.as_ref().is_some_and(|s| s.mismatch));
    match &ev.decision {
        Decision::Blocked { reason, message } => {
            assert_eq!(reason, "sample_ratio_mismatch");
            assert!(
                message.contains("60/40") && message.contains("50/50"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Configured 60/40, served 60/40: decided.
    let e = experiment(ExperimentMetric::Cvr, DecisionMode::Sequential, &[60.0, 40.0]);
    let ev = evaluate(
        &e,
        &results(&[1200, 800], &[0.03, 0.06], 30, 3),
        &[],
        Guard::default(),
    );
    assert_eq!(ev.decision.winner(), Some("b"), "{:?}", ev.decision);
}

#[test]
fn a_cheaper_cost_per_conversion_wins_with_a_negative_lift() {
    let e = experiment(ExperimentMetric::Cpa, DecisionMode::Sequential, &[1.0, 1.0]);
    // Same cost per click, B converts 40% more: its cost per conversion is about 29% lower.
    let ev = evaluate(
        &e,
        &results(&[1000, 1000], &[0.03, 0.042], 30, 4),
        &[],
        Guard::default(),
    );
    assert_eq!(ev.decision.winner(), Some("b"), "{:?}", ev.decision);
    let c = &ev.comparisons[0];
    let lift = c.lift.expect("lift");
    assert!(lift < -0.15 && lift > -0.4, "{lift}");
    let [lo, hi] = c.lift_ci.expect("ci");
    assert!(lo < lift && lift < hi && hi < 0.0, "[{lo}, {hi}]");
    assert!(ev.totals[0].value.is_some_and(|v| v > 30.0), "{:?}", ev.totals[0]);
}

#[test]
fn the_control_wins_when_every_variant_is_worse() {
    let e = experiment(ExperimentMetric::Cvr, DecisionMode::Sequential, &[1.0, 1.0, 1.0]);
    let ev = evaluate(
        &e,
        &results(&[1000, 1000, 1000], &[0.05, 0.03, 0.032], 30, 5),
        &[],
        Guard::default(),
    );
    assert_eq!(ev.decision.winner(), Some("a"), "{:?}", ev.decision);
    assert_eq!(ev.comparisons.len(), 2);
}

#[test]
fn a_fixed_test_is_read_at_its_planned_sample_only() {
    let mut e = experiment(ExperimentMetric::Cvr, DecisionMode::Fixed, &[1.0, 1.0]);
    e.planned_per_arm = Some(20_000);
    let days = results(&[1000, 1000], &[0.03, 0.036], 30, 6);
    let early: Vec<VariantDay> = days
        .iter()
        .filter(|d| d.date < NaiveDate::from_ymd_opt(2026, 11, 11).expect("d"))
        .cloned()
        .collect();
    let ev = evaluate(&e, &early, &[], Guard::default());
    assert!(
        matches!(&ev.decision, Decision::Waiting { reason, .. } if reason == "planned_sample_not_reached"),
        "{:?}",
        ev.decision
    );
    let ev = evaluate(&e, &days, &[], Guard::default());
    assert!(
        matches!(
            ev.decision,
            Decision::Winner { .. } | Decision::NoDifference { .. }
        ),
        "{:?}",
        ev.decision
    );
    let ev = evaluate(
        &e,
        &results(&[1000, 1000], &[0.03, 0.03], 30, 6),
        &[],
        Guard::default(),
    );
    assert!(matches!(
        ev.decision,
        Decision::NoDifference { .. } | Decision::Winner { .. }
    ));
}

#[test]
fn a_breached_guardrail_blocks_the_winner() {
    let mut e = experiment(ExperimentMetric::Ctr, DecisionMode::Sequential, &[1.0, 1.0]);
    e.guardrails = vec![Guardrail {
        metric: ExperimentMetric::Cvr,
        max_worse: 0.1,
    }];
    // B gets more clicks per impression (1,300 of the same 50,000) but converts far worse.
    let mut days = results(&[1000, 1000], &[0.05, 0.02], 30, 7);
    for d in days.iter_mut().filter(|d| d.variant == "b") {
        d.clicks = 1300;
    }
    let ev = evaluate(&e, &days, &[], Guard::default());
    match &ev.decision {
        Decision::Blocked { reason, message } => {
            assert_eq!(reason, "guardrail");
            assert!(message.contains("Conversion rate per click"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_running_experiments_raise_the_bar() {
    let e = experiment(ExperimentMetric::Cvr, DecisionMode::Fixed, &[1.0, 1.0]);
    let days = results(&[1000, 1000], &[0.03, 0.034], 20, 8);
    let alone = evaluate(&e, &days, &[], Guard::default());
    let crowded = evaluate(&e, &days, &[0.9, 0.8, 0.7, 0.95], Guard::default());
    let (a, c) = (
        alone.comparisons[0].adjusted_p_value,
        crowded.comparisons[0].adjusted_p_value,
    );
    assert!(c >= a, "{c} vs {a}");
    assert!((a - alone.comparisons[0].p_value).abs() < 1e-12);
}

#[test]
fn revenue_per_click_is_compared_over_the_days() {
    let e = experiment(ExperimentMetric::Rpc, DecisionMode::Sequential, &[1.0, 1.0]);
    let ev = evaluate(
        &e,
        &results(&[1000, 1000], &[0.03, 0.045], 30, 9),
        &[],
        Guard::default(),
    );
    let c = &ev.comparisons[0];
    assert!(c.lift.is_some_and(|l| l > 0.2), "{c:?}");
    assert!(ev.totals[1].value.is_some_and(|v| v > 1.5), "{:?}", ev.totals[1]);
}

#[test]
fn a_variant_that_lost_is_named_while_another_is_still_open() {
    let e = experiment(ExperimentMetric::Cvr, DecisionMode::Sequential, &[1.0, 1.0, 1.0]);
    let days = results(&[1000, 1000, 1000], &[0.04, 0.02, 0.04], 30, 5);
    let ev = evaluate(&e, &days, &[], Guard::default());
    assert!(
        matches!(&ev.decision, Decision::Waiting { reason, .. } if reason == "not_significant"),
        "{:?}",
        ev.decision
    );
    let m = ev.decision.message();
    assert!(m.contains("Variant B did worse than Variant A"), "{m}");
    assert!(m.contains("Variant C not told apart"), "{m}");
}
