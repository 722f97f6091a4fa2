//! An experiment's daily results evaluated: each variant's totals, each variant against the
//! control (fixed-horizon and, in sequential mode, always-valid figures; p-values adjusted by
//! Benjamini-Hochberg across the variants and the project's other running experiments), the lift
//! over time, and the decision: never before the minimum sample, never when the split is off,
//! never when a guardrail is breached.
//!
//! Every metric is tested as "higher is better" on its own scale: conversions per click (CVR),
//! clicks per impression (CTR), conversions per unit of spend (the cost per conversion's
//! inverse: a Poisson rate) and revenue per click (Welch's t-test over the days). Lifts are given
//! in the metric's own terms: for the cost per conversion a negative lift is a saving.

use super::model::{Experiment, Variant, VariantDay};
use super::words::{DecisionMode, ExperimentMetric};
use crate::stats::decision::Guard;
use crate::stats::fdr;
use crate::stats::proportions::{self, Arm};
use crate::stats::rates::{self, RateArm};
use crate::stats::sequential::{self, DEFAULT_TUNING};
use crate::stats::srm::{self, SrmCheck};
use crate::stats::welch::{MeanArm, welch};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One variant's totals over the days counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantTotals {
    pub key: String,
    pub name: String,
    pub control: bool,
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: f64,
    pub spend_micros: i64,
    pub revenue_micros: i64,
    pub days: u32,
    /// The primary metric's value (CVR and CTR as fractions, the cost per conversion and the
    /// revenue per click in the account's currency); null with nothing to divide by.
    pub value: Option<f64>,
}

/// A variant against the control on the primary metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub variant: String,
    pub control: String,
    /// Relative change of the metric against the control (the cost per conversion: negative is
    /// cheaper); null when the control's value is 0 or missing.
    pub lift: Option<f64>,
    /// The interval of `lift` by the experiment's mode (always-valid in sequential mode).
    pub lift_ci: Option<[f64; 2]>,
    /// The fixed-horizon two-sided p-value.
    pub p_value: f64,
    /// Sequential mode: the always-valid p-value.
    pub always_valid_p_value: Option<f64>,
    /// The p-value the decision reads (always-valid in sequential mode), adjusted by
    /// Benjamini-Hochberg across this experiment's variants and the project's running experiments.
    pub adjusted_p_value: f64,
    /// `better` or `worse` than the control when the rule says so, else null.
    pub verdict: Option<String>,
}

/// The lift of one variant through one day (cumulative), with its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiftPoint {
    pub date: NaiveDate,
    pub variant: String,
    pub lift: f64,
    pub low: f64,
    pub high: f64,
}

/// What the rule says now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Decision {
    /// A variant won (the control, when it beat every other).
    Winner {
        variant: String,
        lift: Option<f64>,
        lift_ci: Option<[f64; 2]>,
        p_value: f64,
        message: String,
    },
    /// A fixed test read at its planned sample found no difference.
    NoDifference { p_value: f64, message: String },
    /// Not yet: too little data, or no significant difference so far.
    Waiting { reason: String, message: String },
    /// No decision may be made: the split is off or a guardrail is breached.
    Blocked { reason: String, message: String },
}

impl Decision {
    /// The decided winner's key.
    pub fn winner(&self) -> Option<&str> {
        match self {
            Decision::Winner { variant, .. } => Some(variant),
            _ => None,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Decision::Winner { message, .. }
            | Decision::NoDifference { message, .. }
            | Decision::Waiting { message, .. }
            | Decision::Blocked { message, .. } => message,
        }
    }
}

/// Everything known about an experiment from its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub totals: Vec<VariantTotals>,
    pub comparisons: Vec<Comparison>,
    /// The split check on the impressions against the weights.
    pub srm: Option<SrmCheck>,
    pub decision: Decision,
    pub timeline: Vec<LiftPoint>,
    /// The last day counted.
    pub through: Option<NaiveDate>,
}

/// The statistics of one variant against the control on one metric, every difference "variant
/// minus control" on the scale where higher is better.
struct Pair {
    p_fixed: f64,
    diff: f64,
    diff_ci: (f64, f64),
    variance: f64,
    units: f64,
    /// The relative change in the metric's own terms, with its fixed interval and the variance
    /// of the (higher-is-better) relative change, for the sequential interval.
    lift: Option<f64>,
    lift_ci: Option<(f64, f64)>,
    lift_variance: Option<f64>,
}

fn units(metric: ExperimentMetric, t: &VariantTotals) -> (u64, u64) {
    let conversions = t.conversions.max(0.0).round() as u64;
    match metric {
        ExperimentMetric::Ctr => (t.impressions, t.clicks.min(t.impressions)),
        _ => (t.clicks, conversions),
    }
}

fn value(metric: ExperimentMetric, t: &VariantTotals) -> Option<f64> {
    let (impressions, clicks) = (t.impressions as f64, t.clicks as f64);
    let spend = t.spend_micros as f64 / 1e6;
    match metric {
        ExperimentMetric::Ctr => (impressions > 0.0).then(|| clicks / impressions),
        ExperimentMetric::Cvr => (clicks > 0.0).then(|| t.conversions / clicks),
        ExperimentMetric::Cpa => (t.conversions > 0.0).then(|| spend / t.conversions),
        ExperimentMetric::Rpc => (clicks > 0.0).then(|| t.revenue_micros as f64 / 1e6 / clicks),
    }
}

/// Each day's revenue per click (days with clicks) as mean, standard deviation and count.
fn daily_rpc(days: &[&VariantDay]) -> Option<MeanArm> {
    let values: Vec<f64> = days
        .iter()
        .filter(|d| d.clicks > 0)
        .map(|d| d.revenue_micros as f64 / 1e6 / d.clicks as f64)
        .collect();
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    Some(MeanArm {
        mean,
        sd,
        n: values.len() as u64,
    })
}

fn pair(
    metric: ExperimentMetric,
    c: &VariantTotals,
    v: &VariantTotals,
    c_days: &[&VariantDay],
    v_days: &[&VariantDay],
    alpha: f64,
) -> Option<Pair> {
    match metric {
        ExperimentMetric::Ctr | ExperimentMetric::Cvr => {
            let (cv, cc) = units(metric, c);
            let (vv, vc) = units(metric, v);
            let (a, b) = (
                Arm {
                    conversions: cc.min(cv),
                    visitors: cv,
                },
                Arm {
                    conversions: vc.min(vv),
                    visitors: vv,
                },
            );
            let t = proportions::fixed(a, b, alpha).ok()?;
            let rel = proportions::relative(a, b);
            Some(Pair {
                p_fixed: t.p_value,
                diff: t.diff,
                diff_ci: t.diff_ci,
                variance: proportions::variance_diff(a, b),
                units: (cv + vv) as f64,
                lift: t.relative_lift,
                lift_ci: t.relative_lift_ci,
                lift_variance: rel.map(|(_, var)| var),
            })
        }
        ExperimentMetric::Cpa => {
            let (a, b) = (
                RateArm {
                    events: units(metric, c).1,
                    exposure: c.spend_micros as f64 / 1e6,
                },
                RateArm {
                    events: units(metric, v).1,
                    exposure: v.spend_micros as f64 / 1e6,
                },
            );
            let t = rates::fixed(a, b, alpha).ok()?;
            // The cost per conversion is the rate's inverse: its change is 1 / ratio - 1, and its
            // interval the ratio's turned over.
            let lift = t.ratio.filter(|r| *r > 0.0).map(|r| 1.0 / r - 1.0);
            let lift_ci = t.ratio_ci.map(|(lo, hi)| (1.0 / hi - 1.0, 1.0 / lo - 1.0));
            let lift_variance =
                (a.events > 0 && b.events > 0).then(|| 1.0 / a.events as f64 + 1.0 / b.events as f64);
            Some(Pair {
                p_fixed: t.p_value,
                diff: t.diff,
                diff_ci: t.diff_ci,
                variance: a.events as f64 / (a.exposure * a.exposure)
                    + b.events as f64 / (b.exposure * b.exposure),
                units: (c.clicks + v.clicks) as f64,
                lift,
                lift_ci,
                lift_variance,
            })
        }
        ExperimentMetric::Rpc => {
            let (a, b) = (daily_rpc(c_days)?, daily_rpc(v_days)?);
            let t = welch(a, b, alpha).ok()?;
            let lift = (a.mean > 0.0).then(|| b.mean / a.mean - 1.0);
            let lift_ci = lift.map(|_| (t.diff_ci.0 / a.mean, t.diff_ci.1 / a.mean));
            let variance = a.sd * a.sd / a.n as f64 + b.sd * b.sd / b.n as f64;
            Some(Pair {
                p_fixed: t.p_value,
                diff: t.diff,
                diff_ci: t.diff_ci,
                variance,
                units: (c.clicks + v.clicks) as f64,
                lift,
                lift_ci,
                lift_variance: lift.map(|_| variance / (a.mean * a.mean)),
            })
        }
    }
}

/// A pair read by the experiment's mode.
struct Reading {
    diff_ci: (f64, f64),
    lift_ci: Option<(f64, f64)>,
    /// The p-value the decision reads.
    p_value: f64,
    /// Sequential mode: the always-valid p-value (the same as `p_value`).
    always_valid: Option<f64>,
}

/// The pair's decision interval of the difference and of the lift, and the p-value the decision
/// reads, by the mode.
fn by_mode(p: &Pair, mode: DecisionMode, alpha: f64, tuning: f64, metric: ExperimentMetric) -> Reading {
    match mode {
        DecisionMode::Fixed => Reading {
            diff_ci: p.diff_ci,
            lift_ci: p.lift_ci,
            p_value: p.p_fixed,
            always_valid: None,
        },
        DecisionMode::Sequential => {
            let ci = sequential::interval(p.diff, p.variance, p.units, alpha, tuning);
            let av = sequential::p_value(p.diff, p.variance, p.units, alpha, tuning);
            let lift_ci = match (p.lift, p.lift_variance) {
                (Some(l), Some(v)) if metric == ExperimentMetric::Cpa => {
                    // On the rate ratio's log scale, turned into the cost's change.
                    let ratio = 1.0 / (1.0 + l);
                    let (lo, hi) = sequential::interval(ratio.ln(), v, p.units, alpha, tuning);
                    Some(((-hi).exp() - 1.0, (-lo).exp() - 1.0))
                }
                (Some(l), Some(v)) => Some(sequential::interval(l, v, p.units, alpha, tuning)),
                _ => None,
            };
            Reading {
                diff_ci: ci,
                lift_ci,
                p_value: av,
                always_valid: Some(av),
            }
        }
    }
}

fn totals(experiment: &Experiment, days: &[VariantDay]) -> Vec<VariantTotals> {
    experiment
        .variants
        .iter()
        .map(|v| {
            let mine = days.iter().filter(|d| d.variant == v.key);
            let mut t = VariantTotals {
                key: v.key.clone(),
                name: v.name.clone(),
                control: v.control,
                impressions: 0,
                clicks: 0,
                conversions: 0.0,
                spend_micros: 0,
                revenue_micros: 0,
                days: 0,
                value: None,
            };
            for d in mine {
                t.add(d);
            }
            t.value = value(experiment.metric, &t);
            t
        })
        .collect()
}

impl VariantTotals {
    /// Counts one more day.
    fn add(&mut self, d: &VariantDay) {
        self.impressions += d.impressions;
        self.clicks += d.clicks;
        self.conversions += d.conversions;
        self.spend_micros = self.spend_micros.saturating_add(d.spend_micros);
        self.revenue_micros = self.revenue_micros.saturating_add(d.revenue_micros);
        self.days += 1;
    }
}

/// The total sample (both arms, in the metric's visitors) the always-valid interval is tuned to.
fn tuning(experiment: &Experiment) -> f64 {
    experiment
        .planned_per_arm
        .map_or(DEFAULT_TUNING, |n| (2 * n.max(1)) as f64)
}

fn percent(x: f64) -> String {
    format!("{:+.1}%", x * 100.0)
}

fn p_text(p: f64) -> String {
    if p < 0.0001 {
        "p < 0.0001".to_owned()
    } else {
        format!("p = {p:.4}")
    }
}

/// Evaluates an experiment on its daily results. `concurrent` holds the decision p-values of the
/// project's other running experiments (for Benjamini-Hochberg).
pub fn evaluate(
    experiment: &Experiment,
    days: &[VariantDay],
    concurrent: &[f64],
    guard: Guard,
) -> Evaluation {
    let metric = experiment.metric;
    let alpha = experiment.alpha;
    let tuning = tuning(experiment);
    let through = days.iter().map(|d| d.date).max();
    let totals = totals(experiment, days);
    let Some(control) = experiment.control() else {
        return Evaluation {
            totals,
            comparisons: Vec::new(),
            srm: None,
            decision: Decision::Blocked {
                reason: "no_control".to_owned(),
                message: "The experiment has no control variant.".to_owned(),
            },
            timeline: Vec::new(),
            through,
        };
    };
    let days_of = |key: &str| -> Vec<&VariantDay> { days.iter().filter(|d| d.variant == key).collect() };
    let control_totals = totals.iter().find(|t| t.key == control.key).cloned();
    // Each variant against the control.
    let mut raw: Vec<(&Variant, Option<Pair>)> = Vec::new();
    for v in experiment.variants.iter().filter(|v| !v.control) {
        let vt = totals.iter().find(|t| t.key == v.key);
        let p = match (&control_totals, vt) {
            (Some(c), Some(t)) => pair(metric, c, t, &days_of(&control.key), &days_of(&v.key), alpha),
            _ => None,
        };
        raw.push((v, p));
    }
    let decided: Vec<_> = raw
        .iter()
        .map(|(v, p)| {
            (
                v,
                p.as_ref()
                    .map(|p| (p, by_mode(p, experiment.mode, alpha, tuning, metric))),
            )
        })
        .collect();
    let ours: Vec<f64> = decided
        .iter()
        .map(|(_, d)| d.as_ref().map_or(1.0, |(_, m)| m.p_value))
        .collect();
    let mut all = ours.clone();
    all.extend_from_slice(concurrent);
    let adjusted = fdr::adjust(&all);
    let comparisons: Vec<Comparison> = decided
        .iter()
        .zip(&adjusted)
        .map(|((v, d), adj)| {
            let (lift, lift_ci, p_fixed, av, verdict) = match d {
                Some((p, m)) => {
                    let (ci, lift_ci, av) = (m.diff_ci, m.lift_ci, m.always_valid);
                    let verdict = if *adj < alpha && ci.0 > 0.0 {
                        Some("better".to_owned())
                    } else if *adj < alpha && ci.1 < 0.0 {
                        Some("worse".to_owned())
                    } else {
                        None
                    };
                    (p.lift, lift_ci.map(|(a, b)| [a, b]), p.p_fixed, av, verdict)
                }
                None => (None, None, 1.0, None, None),
            };
            Comparison {
                variant: v.key.clone(),
                control: control.key.clone(),
                lift,
                lift_ci,
                p_value: p_fixed,
                always_valid_p_value: av,
                adjusted_p_value: *adj,
                verdict,
            }
        })
        .collect();
    // The split is checked on impressions: what the platform assigns to each variant (clicks
    // and conversions then follow from how good each one is).
    let srm = {
        let observed: Vec<u64> = totals.iter().map(|t| t.impressions).collect();
        let weights: Vec<f64> = experiment.variants.iter().map(|v| v.weight).collect();
        srm::check(&observed, &weights).ok()
    };
    let timeline = timeline(experiment, days, tuning);
    let decision = decide(experiment, &totals, &comparisons, srm.as_ref(), guard, days);
    Evaluation {
        totals,
        comparisons,
        srm,
        decision,
        timeline,
        through,
    }
}

fn decide(
    experiment: &Experiment,
    totals: &[VariantTotals],
    comparisons: &[Comparison],
    srm: Option<&SrmCheck>,
    guard: Guard,
    days: &[VariantDay],
) -> Decision {
    let metric = experiment.metric;
    let (visitors_word, events_word) = metric.units();
    if let Some(s) = srm.filter(|s| s.mismatch) {
        let shares: Vec<String> = experiment
            .variants
            .iter()
            .map(|v| {
                format!(
                    "{:.0}",
                    100.0 * v.weight / experiment.variants.iter().map(|v| v.weight).sum::<f64>()
                )
            })
            .collect();
        let seen: Vec<String> = {
            let all: u64 = totals.iter().map(|t| t.impressions).sum();
            totals
                .iter()
                .map(|t| format!("{:.0}", 100.0 * t.impressions as f64 / all.max(1) as f64))
                .collect()
        };
        return Decision::Blocked {
            reason: "sample_ratio_mismatch".to_owned(),
            message: format!(
                "Sample ratio mismatch: the impressions split {} against the configured {} ({}); no winner is \
                 declared until the variants are served as configured.",
                seen.join("/"),
                shares.join("/"),
                p_text(s.p_value)
            ),
        };
    }
    for t in totals {
        let (visitors, events) = units(metric, t);
        if visitors < guard.min_visitors {
            return Decision::Waiting {
                reason: "too_few_visitors".to_owned(),
                message: format!(
                    "Waiting for data: {} has {visitors} {visitors_word} (at least {} per variant).",
                    t.name, guard.min_visitors
                ),
            };
        }
        if events < guard.min_conversions {
            return Decision::Waiting {
                reason: "too_few_conversions".to_owned(),
                message: format!(
                    "Waiting for data: {} has {events} {events_word} (at least {} per variant).",
                    t.name, guard.min_conversions
                ),
            };
        }
    }
    if experiment.mode == DecisionMode::Fixed {
        let planned = experiment.planned_per_arm.unwrap_or(0);
        let least = totals.iter().map(|t| units(metric, t).0).min().unwrap_or(0);
        if least < planned {
            return Decision::Waiting {
                reason: "planned_sample_not_reached".to_owned(),
                message: format!(
                    "Fixed test: read once each variant has {planned} {visitors_word} (the smallest has {least})."
                ),
            };
        }
    }
    let best_p = comparisons
        .iter()
        .map(|c| c.adjusted_p_value)
        .fold(1.0f64, f64::min);
    let better: Vec<&Comparison> = comparisons
        .iter()
        .filter(|c| c.verdict.as_deref() == Some("better"))
        .collect();
    let winner = better
        .iter()
        .max_by(|x, y| {
            let key = |c: &&&Comparison| {
                let l = c.lift.unwrap_or(0.0);
                if metric.higher_is_better() { l } else { -l }
            };
            key(x).total_cmp(&key(y))
        })
        .copied();
    if let Some(w) = winner {
        if let Some(breach) = guardrail_breach(experiment, w, totals, days) {
            return Decision::Blocked {
                reason: "guardrail".to_owned(),
                message: breach,
            };
        }
        let name = experiment
            .variant(&w.variant)
            .map_or(w.variant.as_str(), |v| v.name.as_str());
        return Decision::Winner {
            variant: w.variant.clone(),
            lift: w.lift,
            lift_ci: w.lift_ci,
            p_value: w.adjusted_p_value,
            message: format!(
                "{name} wins: {} {}{} ({}).",
                metric.label(),
                w.lift.map_or_else(|| "changed".to_owned(), percent),
                w.lift_ci
                    .map(|[a, b]| format!(" [{}, {}]", percent(a), percent(b)))
                    .unwrap_or_default(),
                p_text(w.adjusted_p_value)
            ),
        };
    }
    if !comparisons.is_empty() && comparisons.iter().all(|c| c.verdict.as_deref() == Some("worse")) {
        let control = experiment.control().map_or("The control", |c| c.name.as_str());
        let worst_p = comparisons
            .iter()
            .map(|c| c.adjusted_p_value)
            .fold(0.0f64, f64::max);
        return Decision::Winner {
            variant: experiment.control().map(|c| c.key.clone()).unwrap_or_default(),
            lift: None,
            lift_ci: None,
            p_value: worst_p,
            message: format!(
                "{control} wins: every variant did worse on {} ({}).",
                metric.label(),
                p_text(worst_p)
            ),
        };
    }
    if experiment.mode == DecisionMode::Fixed {
        return Decision::NoDifference {
            p_value: best_p,
            message: format!(
                "No difference found at the planned sample ({}); keep the control or test a bigger change.",
                p_text(best_p)
            ),
        };
    }
    let name = |c: &Comparison| {
        experiment
            .variant(&c.variant)
            .map_or(c.variant.clone(), |v| v.name.clone())
    };
    let (worse, open): (Vec<&Comparison>, Vec<&Comparison>) = comparisons
        .iter()
        .partition(|c| c.verdict.as_deref() == Some("worse"));
    if !worse.is_empty() {
        // Some variants lost to the control; the others are not told apart from it yet.
        let control = experiment.control().map_or("the control", |c| c.name.as_str());
        let lost: Vec<String> = worse.iter().map(|c| name(c)).collect();
        let open_p = open.iter().map(|c| c.adjusted_p_value).fold(1.0f64, f64::min);
        let undecided: Vec<String> = open.iter().map(|c| name(c)).collect();
        return Decision::Waiting {
            reason: "not_significant".to_owned(),
            message: format!(
                "No winner yet: {} did worse than {control}; {} not told apart from it yet ({}, always valid). \
                 Looking again after each sync is safe.",
                lost.join(", "),
                undecided.join(", "),
                p_text(open_p)
            ),
        };
    }
    Decision::Waiting {
        reason: "not_significant".to_owned(),
        message: format!(
            "No winner yet ({}, always valid): the difference may still be 0; looking again after each sync is safe.",
            p_text(best_p)
        ),
    }
}

/// The winner against the control on each guardrail: a breach when the metric is significantly
/// worse (fixed test at the experiment's alpha) by more than its tolerance.
fn guardrail_breach(
    experiment: &Experiment,
    winner: &Comparison,
    totals: &[VariantTotals],
    days: &[VariantDay],
) -> Option<String> {
    let control = experiment.control()?;
    let c = totals.iter().find(|t| t.key == control.key)?;
    let w = totals.iter().find(|t| t.key == winner.variant)?;
    let days_of = |key: &str| -> Vec<&VariantDay> { days.iter().filter(|d| d.variant == key).collect() };
    for g in &experiment.guardrails {
        let p = pair(
            g.metric,
            c,
            w,
            &days_of(&control.key),
            &days_of(&w.key),
            experiment.alpha,
        )?;
        let Some(lift) = p.lift else { continue };
        let worse = if g.metric.higher_is_better() { -lift } else { lift };
        if worse > g.max_worse && p.p_fixed < experiment.alpha {
            return Some(format!(
                "Guardrail breached: {} {} for {} against the control (at most {}% worse allowed, {}); no winner is declared.",
                g.metric.label(),
                percent(lift),
                w.name,
                (g.max_worse * 100.0).round(),
                p_text(p.p_fixed)
            ));
        }
    }
    None
}

/// Each variant's lift through each day with the mode's interval.
fn timeline(experiment: &Experiment, days: &[VariantDay], tuning: f64) -> Vec<LiftPoint> {
    let Some(control) = experiment.control() else {
        return Vec::new();
    };
    let mut dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
    dates.sort();
    dates.dedup();
    // Each variant's days in date order and its running totals: each date adds its own days
    // (one pass over the results, not one per date).
    let mut arms: Vec<(Vec<&VariantDay>, VariantTotals)> = totals(experiment, &[])
        .into_iter()
        .map(|t| {
            let mut mine: Vec<&VariantDay> = days.iter().filter(|d| d.variant == t.key).collect();
            mine.sort_by_key(|d| d.date);
            (mine, t)
        })
        .collect();
    let mut upto = vec![0usize; arms.len()];
    let Some(ci) = arms.iter().position(|(_, t)| t.key == control.key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for date in dates {
        for ((mine, t), n) in arms.iter_mut().zip(upto.iter_mut()) {
            while let Some(d) = mine.get(*n).filter(|d| d.date <= date) {
                t.add(d);
                *n += 1;
            }
            t.value = value(experiment.metric, t);
        }
        let (c_days, c) = (&arms[ci].0[..upto[ci]], &arms[ci].1);
        for (i, (mine, v)) in arms.iter().enumerate().filter(|(_, (_, t))| !t.control) {
            let Some(p) = pair(
                experiment.metric,
                c,
                v,
                c_days,
                &mine[..upto[i]],
                experiment.alpha,
            ) else {
                continue;
            };
            let lift_ci = by_mode(&p, experiment.mode, experiment.alpha, tuning, experiment.metric).lift_ci;
            if let (Some(lift), Some((low, high))) = (p.lift, lift_ci)
                && lift.is_finite()
                && low.is_finite()
                && high.is_finite()
            {
                out.push(LiftPoint {
                    date,
                    variant: v.key.clone(),
                    lift,
                    low,
                    high,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
