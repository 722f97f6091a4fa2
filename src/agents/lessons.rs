//! What the memory changes in an agent's decision, and the words that say so. The Trader's moves
//! (budgets, bids) take a smaller step in a direction whose past outcomes went badly: the step is
//! halved where the recommendation for that move is `avoid` or `caution` with confidence of at
//! least [`HEED`], and the reasoning cites the learnings it rests on. With nothing learned the step
//! is unchanged and the reasoning says there is nothing yet. Pure: the learnings come from the
//! memory service.

use super::decide::Steps;
use crate::memory::{Advice, Memory, MemoryAction, MemoryKind, Recommendation};
use crate::platform::Platform;
use crate::vertical::Vertical;

/// The confidence from which a warning from the memory changes a step.
pub const HEED: f64 = 0.3;

/// Ids cited by name in a line; the rest are counted.
const CITED: usize = 3;

/// One kind of move, in the memory's actions and in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moves {
    pub raise: MemoryAction,
    pub cut: MemoryAction,
    /// "raises", "bid raises".
    pub raises: &'static str,
    pub cuts: &'static str,
    /// "budget increases or decreases".
    pub both: &'static str,
}

pub const BUDGETS: Moves = Moves {
    raise: MemoryAction::BudgetIncrease,
    cut: MemoryAction::BudgetDecrease,
    raises: "raises",
    cuts: "cuts",
    both: "budget increases or decreases",
};

pub const BIDS: Moves = Moves {
    raise: MemoryAction::BidIncrease,
    cut: MemoryAction::BidDecrease,
    raises: "bid raises",
    cuts: "bid cuts",
    both: "bid increases or decreases",
};

/// Where a decision is made, in words: "on Meta Ads for home decor".
pub fn context_words(platform: Platform, vertical: Option<Vertical>) -> String {
    match vertical {
        Some(v) => format!("on {} for {}", platform.label(), lower(v.label())),
        None => format!("on {}", platform.label()),
    }
}

/// "Home decor" → "home decor"; a label with a capital past its first letter ("Software (SaaS)")
/// keeps its case.
fn lower(label: &str) -> String {
    if label.chars().skip(1).any(char::is_uppercase) {
        label.to_owned()
    } else {
        label.to_lowercase()
    }
}

/// Whether a recalled learning speaks of this move in this context: an outcome of `action` on the
/// same platform (or any) and the same vertical (or any). Recall also brings learnings of nearby
/// contexts (another platform of the same client); a step is only changed for what happened here.
pub fn relevant(m: &Memory, action: MemoryAction, platform: Platform, vertical: Option<Vertical>) -> bool {
    m.kind == MemoryKind::Outcome
        && m.action == Some(action)
        && m.platform.is_none_or(|p| p == platform)
        && (m.vertical.is_none() || vertical.is_none() || m.vertical == vertical)
}

/// "mem_a", "mem_a and mem_b", "mem_a, mem_b and mem_c", "mem_a, mem_b, mem_c and 2 more".
pub fn cite(ids: &[&str]) -> String {
    match ids {
        [] => String::new(),
        [one] => (*one).to_owned(),
        _ if ids.len() <= CITED => {
            let (last, rest) = ids.split_last().map_or((&"", &[][..]), |(l, r)| (l, r));
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!("{} and {} more", ids[..CITED].join(", "), ids.len() - CITED),
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn signed_pct(x: f64) -> String {
    format!("{:+.0}%", x * 100.0)
}

/// What the memory says about one direction of a move.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The recommendation for the move, from its measured outcomes here.
    pub recommendation: Option<&'a Recommendation>,
    /// The relevant learnings (measured or still pending), best fitting first.
    pub learnings: &'a [&'a Memory],
}

/// A step worked out from the memory, with the line that says why.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub step: f64,
    /// `None` when nothing was learned of this move here (the caller says so, once for both sides).
    pub line: Option<String>,
    /// Whether the memory made the step smaller.
    pub heeded: bool,
}

/// "1 past budget increase", "5 past budget increases".
fn past(n: usize, action: MemoryAction) -> String {
    let word = lower(action.label());
    if n == 1 {
        format!("1 past {word}")
    } else {
        format!("{n} past {word}s")
    }
}

/// The step of one direction (`max` unless the memory warns against the move), and its line.
pub fn step(max: f64, action: MemoryAction, side: Side<'_>, moves_word: &str, context: &str) -> Step {
    if let Some(r) = side.recommendation {
        let ids: Vec<&str> = r.memory_ids.iter().map(|i| i.as_str()).collect();
        let heeded = matches!(r.advice, Advice::Avoid | Advice::Caution) && r.confidence >= HEED;
        let head = format!(
            "Memory {}: {} {context}, median {} {}",
            cite(&ids),
            past(r.outcomes, action),
            r.metric.label(),
            signed_pct(r.median)
        );
        let line = if heeded {
            format!(
                "{head}: {moves_word} kept to {} instead of {}",
                pct(max / 2.0),
                pct(max)
            )
        } else {
            let why = match r.advice {
                Advice::Do => "worth doing".to_owned(),
                _ => format!("too unsure to change the step (confidence {:.2})", r.confidence),
            };
            format!("{head} ({why}): {moves_word} stay at {}", pct(max))
        };
        return Step {
            step: if heeded { max / 2.0 } else { max },
            line: Some(line),
            heeded,
        };
    }
    if side.learnings.is_empty() {
        return Step {
            step: max,
            line: None,
            heeded: false,
        };
    }
    let ids: Vec<&str> = side.learnings.iter().map(|m| m.id.as_str()).collect();
    Step {
        step: max,
        line: Some(format!(
            "Memory {}: {} {context}, none measured yet: {moves_word} stay at {}",
            cite(&ids),
            past(side.learnings.len(), action),
            pct(max)
        )),
        heeded: false,
    }
}

/// Both directions of a move: the steps, and the lines for the reasoning (one "No learnings yet"
/// line when the memory holds nothing of either).
pub fn steps(max: f64, moves: &Moves, raise: Side<'_>, cut: Side<'_>, context: &str) -> (Steps, Vec<String>) {
    let up = step(max, moves.raise, raise, moves.raises, context);
    let down = step(max, moves.cut, cut, moves.cuts, context);
    let steps = Steps {
        raise: up.step,
        cut: down.step,
    };
    let lines = match (up.line, down.line) {
        (None, None) => vec![format!(
            "No learnings yet for {} {context}: steps stay at {} each way",
            moves.both,
            pct(max)
        )],
        (up, down) => {
            let none = |action: MemoryAction, word: &str| {
                format!(
                    "No learnings yet for {}s {context}: {word} stay at {}",
                    lower(action.label()),
                    pct(max)
                )
            };
            vec![
                up.unwrap_or_else(|| none(moves.raise, moves.raises)),
                down.unwrap_or_else(|| none(moves.cut, moves.cuts)),
            ]
        }
    };
    (steps, lines)
}

/// What the memory already says about a project, one line per learning: "Known: <summary>
/// (mem_…, seen 3 times, confidence 0.42)"; a single "No learnings yet" line when it says nothing.
pub fn known(learnings: &[&Memory], project: &str) -> Vec<String> {
    if learnings.is_empty() {
        return vec![format!(
            "No learnings yet for {project}: this report's findings are the first the memory keeps"
        )];
    }
    learnings
        .iter()
        .map(|m| {
            let seen = if m.evidence == 1 {
                "seen once".to_owned()
            } else {
                format!("seen {} times", m.evidence)
            };
            let outcome = m
                .outcome
                .as_ref()
                .and_then(|o| {
                    o.net()
                        .map(|n| format!(", {} {} net", o.metric.label(), signed_pct(n)))
                })
                .unwrap_or_default();
            format!(
                "Known: {} ({}, {seen}{outcome}, confidence {:.2})",
                m.summary, m.id, m.confidence
            )
        })
        .collect()
}

/// A piece of a line that may cite learnings: text, or a memory id (`mem_…`) to link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Memory(&'a str),
}

/// Splits a line at the memory ids it cites ("Memory mem_a and mem_b: …"), so a page can link each.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let id_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = Vec::new();
    let mut from = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find("mem_") {
        let start = at + found;
        let before_ok = text[..start].chars().next_back().is_none_or(|c| !id_char(c));
        let len = text[start + 4..]
            .find(|c: char| !id_char(c))
            .unwrap_or(text.len() - start - 4);
        // An id ends on a letter or digit ("mem_a-" is "mem_a" and a dash).
        let id = text[start..start + 4 + len].trim_end_matches(['_', '-']);
        if before_ok && id.len() > 4 {
            if start > from {
                out.push(Piece::Text(&text[from..start]));
            }
            out.push(Piece::Memory(id));
            from = start + id.len();
            at = from;
        } else {
            at = start + 4;
        }
    }
    if from < text.len() {
        out.push(Piece::Text(&text[from..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MemoryId;
    use crate::memory::{MemorySource, Metric, Outcome, OutcomeStatus, OutcomeVerdict};

    fn id(n: u32) -> MemoryId {
        MemoryId::from_suffix(&format!("{n:04}")).expect("memory id")
    }

    /// A learning, read from JSON as the API writes it (so the test holds as fields are added).
    fn memory(
        n: u32,
        action: MemoryAction,
        platform: Option<Platform>,
        vertical: Option<Vertical>,
    ) -> Memory {
        serde_json::from_value(serde_json::json!({
            "id": id(n), "agent": "trader", "kind": "outcome", "project_id": null,
            "platform": platform, "objective": null, "vertical": vertical, "audience": null,
            "budget_band": null, "month": null, "action": action, "subject": null,
            "summary": format!("Learning {n}"), "tags": [], "outcome": null, "evidence": 1,
            "confidence": 0.2, "confidence_reason": "", "source": MemorySource::run("exec_0001", "s1"),
            "pinned": false, "forgotten": false, "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-01T10:00:00Z", "last_recalled_at": null
        }))
        .expect("a learning")
    }

    fn rec(
        action: MemoryAction,
        advice: Advice,
        confidence: f64,
        median: f64,
        ids: &[u32],
    ) -> Recommendation {
        Recommendation {
            action,
            metric: Metric::Roas,
            outcomes: 5,
            exact: 5,
            median,
            expected_low: median - 0.05,
            expected_high: median + 0.05,
            min: median - 0.1,
            max: median + 0.1,
            confidence,
            advice,
            verdict: if median < 0.0 {
                OutcomeVerdict::Bad
            } else {
                OutcomeVerdict::Good
            },
            summary: String::new(),
            memory_ids: ids.iter().map(|n| id(*n)).collect(),
        }
    }

    #[test]
    fn past_raises_that_went_badly_halve_the_raise_and_say_which_memories() {
        let bad = rec(MemoryAction::BudgetIncrease, Advice::Avoid, 0.48, -0.04, &[1, 2]);
        let context = context_words(Platform::Meta, Some(Vertical::HomeDecor));
        assert_eq!(context, "on Meta Ads for home decor");
        let (steps, lines) = steps(
            0.2,
            &BUDGETS,
            Side {
                recommendation: Some(&bad),
                learnings: &[],
            },
            Side {
                recommendation: None,
                learnings: &[],
            },
            &context,
        );
        assert_eq!(steps, Steps { raise: 0.1, cut: 0.2 });
        assert_eq!(
            lines,
            [
                "Memory mem_0001 and mem_0002: 5 past budget increases on Meta Ads for home decor, median ROAS -4%: raises kept to 10% instead of 20%",
                "No learnings yet for budget decreases on Meta Ads for home decor: cuts stay at 20%",
            ]
        );
        // Caution counts too; a cut that went badly halves the cut.
        let mixed = rec(MemoryAction::BidDecrease, Advice::Caution, 0.3, -0.01, &[3]);
        let (steps, lines) = super::steps(
            0.3,
            &BIDS,
            Side {
                recommendation: None,
                learnings: &[],
            },
            Side {
                recommendation: Some(&mixed),
                learnings: &[],
            },
            "on Google Ads",
        );
        assert_eq!(
            steps,
            Steps {
                raise: 0.3,
                cut: 0.15
            }
        );
        assert!(
            lines[1].ends_with("bid cuts kept to 15% instead of 30%"),
            "{lines:?}"
        );
    }

    #[test]
    fn good_or_unsure_outcomes_leave_the_step_and_nothing_learned_says_so() {
        let good = rec(MemoryAction::BudgetIncrease, Advice::Do, 0.6, 0.08, &[1]);
        let unsure = rec(
            MemoryAction::BudgetDecrease,
            Advice::Avoid,
            0.29,
            -0.2,
            &[2, 3, 4, 5, 6],
        );
        let (steps, lines) = steps(
            0.2,
            &BUDGETS,
            Side {
                recommendation: Some(&good),
                learnings: &[],
            },
            Side {
                recommendation: Some(&unsure),
                learnings: &[],
            },
            "on Google Ads",
        );
        assert_eq!(steps, Steps::even(0.2));
        assert_eq!(
            lines[0],
            "Memory mem_0001: 5 past budget increases on Google Ads, median ROAS +8% (worth doing): raises stay at 20%"
        );
        assert!(
            lines[1].starts_with("Memory mem_0002, mem_0003, mem_0004 and 2 more:"),
            "{lines:?}"
        );
        assert!(
            lines[1].contains("too unsure to change the step (confidence 0.29)"),
            "{lines:?}"
        );
        let (steps, lines) = super::steps(
            0.2,
            &BUDGETS,
            Side {
                recommendation: None,
                learnings: &[],
            },
            Side {
                recommendation: None,
                learnings: &[],
            },
            "on Pinterest Ads for software (SaaS)",
        );
        assert_eq!(steps, Steps::even(0.2));
        assert_eq!(
            lines,
            [
                "No learnings yet for budget increases or decreases on Pinterest Ads for software (SaaS): steps stay at 20% each way"
            ]
        );
        // Learnings still waiting for their outcome are named, and change nothing.
        let pending = memory(7, MemoryAction::BudgetIncrease, Some(Platform::Google), None);
        let s = step(
            0.2,
            MemoryAction::BudgetIncrease,
            Side {
                recommendation: None,
                learnings: &[&pending],
            },
            "raises",
            "on Google Ads",
        );
        assert_eq!(s.step, 0.2);
        assert_eq!(
            s.line.as_deref(),
            Some(
                "Memory mem_0007: 1 past budget increase on Google Ads, none measured yet: raises stay at 20%"
            )
        );
    }

    #[test]
    fn only_learnings_of_this_move_here_count() {
        let here = memory(
            1,
            MemoryAction::BudgetIncrease,
            Some(Platform::Meta),
            Some(Vertical::HomeDecor),
        );
        let broad = memory(2, MemoryAction::BudgetIncrease, None, None);
        let elsewhere = memory(
            3,
            MemoryAction::BudgetIncrease,
            Some(Platform::Google),
            Some(Vertical::HomeDecor),
        );
        let other_client = memory(
            4,
            MemoryAction::BudgetIncrease,
            Some(Platform::Meta),
            Some(Vertical::Finance),
        );
        let other_move = memory(
            5,
            MemoryAction::BudgetDecrease,
            Some(Platform::Meta),
            Some(Vertical::HomeDecor),
        );
        let mut note = memory(6, MemoryAction::BudgetIncrease, Some(Platform::Meta), None);
        note.kind = MemoryKind::Note;
        let keep: Vec<u32> = [&here, &broad, &elsewhere, &other_client, &other_move, &note]
            .iter()
            .filter(|m| {
                relevant(
                    m,
                    MemoryAction::BudgetIncrease,
                    Platform::Meta,
                    Some(Vertical::HomeDecor),
                )
            })
            .map(|m| m.id.as_str()[4..].parse().unwrap_or(0))
            .collect();
        assert_eq!(keep, [1, 2]);
        // A project without a vertical hears every vertical's learnings.
        assert!(relevant(
            &other_client,
            MemoryAction::BudgetIncrease,
            Platform::Meta,
            None
        ));
    }

    #[test]
    fn known_lines_cite_each_learning() {
        let mut m = memory(9, MemoryAction::BudgetIncrease, Some(Platform::Meta), None);
        m.summary = "Meta Ads returns the most per unit spent: ROAS 3.10".into();
        m.evidence = 3;
        m.confidence = 0.42;
        let mut o = Outcome::pending(Metric::Roas);
        o.status = OutcomeStatus::Measured;
        o.change = Some(0.1);
        o.effect = Some(0.05);
        m.outcome = Some(o);
        assert_eq!(
            known(&[&m], "Acme"),
            [
                "Known: Meta Ads returns the most per unit spent: ROAS 3.10 (mem_0009, seen 3 times, ROAS +5% net, confidence 0.42)"
            ]
        );
        assert_eq!(
            known(&[], "Acme"),
            ["No learnings yet for Acme: this report's findings are the first the memory keeps"]
        );
        assert_eq!(cite(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn lines_split_at_the_memory_ids_they_cite() {
        use Piece::{Memory as M, Text as T};
        assert_eq!(
            pieces("Memory mem_01ab and mem_02cd: 2 past budget increases"),
            [
                T("Memory "),
                M("mem_01ab"),
                T(" and "),
                M("mem_02cd"),
                T(": 2 past budget increases")
            ]
        );
        assert_eq!(
            pieces("Known: ROAS up (mem_9f, seen once)"),
            [T("Known: ROAS up ("), M("mem_9f"), T(", seen once)")]
        );
        assert_eq!(pieces("mem_x-"), [M("mem_x"), T("-")]);
        // Not ids: a bare prefix, a word that ends in it, nothing at all.
        assert_eq!(
            pieces("mem_ and remem_ber and totem_pole"),
            [T("mem_ and remem_ber and totem_pole")]
        );
        assert_eq!(pieces(""), []);
    }
}
