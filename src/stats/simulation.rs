//! Peeking, simulated: 10,000 seeded experiments looked at 30 times each (1,000 visitors per arm
//! per look), decided by [`super::decision::decide`] in sequential mode, beside the naive fixed
//! test checked at every look.

use super::decision::{Guard, Mode, Verdict, decide};
use super::power::{PowerInput, plan};
use super::proportions::{self, Arm, Side};
use crate::seeded::Seeded;

struct Outcome {
    /// Experiments where sequential mode called any winner / the right one / the wrong one.
    any: usize,
    right: usize,
    wrong: usize,
    /// Experiments where the fixed test said p < 0.05 at some look.
    naive: usize,
}

fn simulate(
    rate_a: f64,
    rate_b: f64,
    experiments: usize,
    looks: u64,
    per_look: u64,
    tuning: f64,
    seed: u64,
) -> Outcome {
    let mut rng = Seeded::new(seed);
    let mut out = Outcome {
        any: 0,
        right: 0,
        wrong: 0,
        naive: 0,
    };
    for _ in 0..experiments {
        let (mut a, mut b) = (
            Arm {
                conversions: 0,
                visitors: 0,
            },
            Arm {
                conversions: 0,
                visitors: 0,
            },
        );
        let (mut decided, mut naive) = (false, false);
        for _ in 0..looks {
            a.visitors += per_look;
            b.visitors += per_look;
            a.conversions += rng.binomial(per_look, rate_a);
            b.conversions += rng.binomial(per_look, rate_b);
            if !naive {
                naive = proportions::fixed(a, b, 0.05)
                    .map(|t| t.p_value < 0.05)
                    .unwrap_or(false);
            }
            if !decided {
                let verdict = decide(
                    a,
                    b,
                    (0.5, 0.5),
                    0.05,
                    Mode::Sequential { tuning },
                    Guard::default(),
                );
                if let Ok(Verdict::Winner { side, .. }) = verdict {
                    decided = true;
                    out.any += 1;
                    let better = if rate_b > rate_a { Side::B } else { Side::A };
                    if side == better {
                        out.right += 1;
                    } else {
                        out.wrong += 1;
                    }
                }
            }
        }
        out.naive += usize::from(naive);
    }
    out
}

/// The tuning a test of 3% against +20% at 1,000 visitors per arm a day is planned with.
fn planned_tuning() -> f64 {
    let p = plan(PowerInput {
        baseline: 0.03,
        relative_lift: 0.2,
        daily_visitors_per_arm: 1000.0,
        alpha: 0.05,
        power: 0.8,
    })
    .expect("a plan");
    2.0 * p.visitors_per_arm
}

#[test]
fn a_a_tests_rarely_call_a_winner_when_peeked_at_30_times() {
    let out = simulate(0.03, 0.03, 10_000, 30, 1000, planned_tuning(), 20261206);
    let (sequential, naive) = (out.any as f64 / 10_000.0, out.naive as f64 / 10_000.0);
    println!("A/A, 10,000 x 30 looks: sequential {sequential:.4}, naive fixed test {naive:.4}");
    assert!(sequential <= 0.05, "sequential false winners {sequential}");
    // The naive test peeked at daily calls far more (about 28%): why the sequential rule exists.
    assert!(naive > 0.2, "naive {naive}");
}

#[test]
fn a_20_percent_better_variant_is_found_and_the_worse_never_chosen() {
    for (rate_a, rate_b) in [(0.03, 0.036), (0.036, 0.03)] {
        let out = simulate(rate_a, rate_b, 10_000, 30, 1000, planned_tuning(), 7);
        let right = out.right as f64 / 10_000.0;
        println!(
            "{rate_a} vs {rate_b}: right winner in {right:.4}, wrong {}",
            out.wrong
        );
        assert!(right >= 0.8, "right winner in {right}");
        assert_eq!(out.wrong, 0);
    }
}
