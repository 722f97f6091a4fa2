//! Recommendations: for a context and, optionally, an intended action, what past outcomes of each
//! action came to (median, likely range, full range) and whether to do it.

use super::model::verdict;
use super::recall::{RecallQuery, Recalled};
use super::words::{Better, MemoryAction, MemoryKind, Metric, OutcomeVerdict};
use crate::ids::MemoryId;
use serde::{Deserialize, Serialize};

/// What to do about one action, from its past outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub action: MemoryAction,
    pub metric: Metric,
    /// Measured past outcomes it rests on.
    pub outcomes: usize,
    /// How many of them are from exactly the context asked (every field asked the same or not
    /// said); the others are from related contexts (some fields different or not said).
    pub exact: usize,
    pub median: f64,
    /// The likely effect: the middle half of the past outcomes (all of them under four).
    pub expected_low: f64,
    pub expected_high: f64,
    pub min: f64,
    pub max: f64,
    pub confidence: f64,
    /// `do`, `avoid`, or `caution` (mixed results: a smaller step).
    pub advice: Advice,
    pub verdict: OutcomeVerdict,
    /// "Budget increase: 5 past outcomes, median ROAS -4%, range -12% to +3% (confidence 0.48): avoid".
    pub summary: String,
    /// The learnings it rests on, best fitting first.
    pub memory_ids: Vec<MemoryId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Advice {
    Do,
    Avoid,
    Caution,
}

impl Advice {
    pub fn as_str(self) -> &'static str {
        match self {
            Advice::Do => "do",
            Advice::Avoid => "avoid",
            Advice::Caution => "caution",
        }
    }
}

/// The `p`-quantile of sorted values (linear between ranks, as numpy's default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}

fn pct(x: f64) -> String {
    format!("{:+.0}%", x * 100.0)
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Recommendations from recalled learnings (best fitting first) for the question `asked`: one per
/// action (only the asked action's when it names one) with measured outcomes, on each action's most used metric. Empty when nothing was
/// measured: "no learnings yet" is the caller's to say.
pub fn recommend(recalled: &[Recalled], asked: &RecallQuery) -> Vec<Recommendation> {
    let action = asked.action;
    let mut groups: Vec<(MemoryAction, Vec<&Recalled>)> = Vec::new();
    for r in recalled {
        let m = &r.memory;
        let (Some(a), Some(o)) = (m.action, m.outcome.as_ref()) else {
            continue;
        };
        if m.kind != MemoryKind::Outcome && o.observed.is_empty() {
            continue;
        }
        if action.is_some_and(|want| want != a) || o.observed.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(g, _)| *g == a) {
            Some((_, v)) => v.push(r),
            None => groups.push((a, vec![r])),
        }
    }
    let mut out: Vec<Recommendation> = groups
        .into_iter()
        .filter_map(|(a, rs)| {
            // The metric most of its learnings measured.
            let mut metrics: Vec<(Metric, usize)> = Vec::new();
            for r in &rs {
                if let Some(o) = &r.memory.outcome {
                    match metrics.iter_mut().find(|(m, _)| *m == o.metric) {
                        Some((_, n)) => *n += o.observed.len(),
                        None => metrics.push((o.metric, o.observed.len())),
                    }
                }
            }
            metrics.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            let metric = metrics.first()?.0;
            let used: Vec<&&Recalled> = rs
                .iter()
                .filter(|r| r.memory.outcome.as_ref().is_some_and(|o| o.metric == metric))
                .collect();
            let mut values: Vec<f64> = used
                .iter()
                .flat_map(|r| {
                    r.memory
                        .outcome
                        .as_ref()
                        .map(|o| o.observed.clone())
                        .unwrap_or_default()
                })
                .collect();
            values.sort_by(f64::total_cmp);
            let n = values.len();
            if n == 0 {
                return None;
            }
            let exact: usize = used
                .iter()
                .filter(|r| super::recall::same_context(asked, &r.memory))
                .map(|r| r.memory.outcome.as_ref().map_or(0, |o| o.observed.len()))
                .sum();
            let median = quantile(&values, 0.5);
            let (low, high) = if n >= 4 {
                (quantile(&values, 0.25), quantile(&values, 0.75))
            } else {
                (values[0], values[n - 1])
            };
            let same = values.iter().filter(|x| (**x >= 0.0) == (median >= 0.0)).count();
            let confidence = round(n as f64 / (n as f64 + 2.0) * same as f64 / n as f64);
            let v = verdict(metric, median);
            let good_side = |x: f64| match metric.better() {
                Better::Higher => x > 0.0,
                Better::Lower => x < 0.0,
                Better::Neither => false,
            };
            let advice = match v {
                OutcomeVerdict::Good if good_side(low) || good_side(high) && confidence >= 0.5 => Advice::Do,
                OutcomeVerdict::Bad if !good_side(high) || confidence >= 0.5 => Advice::Avoid,
                _ => Advice::Caution,
            };
            let whence = if exact == n {
                String::new()
            } else if exact == 0 {
                " (none in exactly this context: from related ones)".to_owned()
            } else {
                format!(" ({exact} in exactly this context)")
            };
            let summary = format!(
                "{}: {n} past outcome{}{whence}, median {} {}, {} {} to {} (confidence {confidence:.2}): {}",
                a.label(),
                if n == 1 { "" } else { "s" },
                metric.label(),
                pct(median),
                if n >= 4 { "likely" } else { "range" },
                pct(low),
                pct(high),
                match advice {
                    Advice::Do => "worth doing",
                    Advice::Avoid => "avoid, or take a much smaller step",
                    Advice::Caution => "mixed results: a smaller step",
                }
            );
            Some(Recommendation {
                action: a,
                metric,
                outcomes: n,
                exact,
                median: round(median),
                expected_low: round(low),
                expected_high: round(high),
                min: round(values[0]),
                max: round(values[n - 1]),
                confidence,
                advice,
                verdict: v,
                summary,
                memory_ids: used.iter().map(|r| r.memory.id.clone()).collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| b.outcomes.cmp(&a.outcomes).then(a.action.cmp(&b.action)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // numpy.quantile([-0.12, -0.07, -0.04, 0.01, 0.03], [0.25, 0.5, 0.75]) = [-0.07, -0.04, 0.01]
        let v = [-0.12, -0.07, -0.04, 0.01, 0.03];
        assert_eq!(quantile(&v, 0.5), -0.04);
        assert_eq!(quantile(&v, 0.25), -0.07);
        assert_eq!(quantile(&v, 0.75), 0.01);
        // numpy.quantile([1, 2, 3, 4], 0.5) = 2.5; 0.25 -> 1.75
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75);
    }
}
