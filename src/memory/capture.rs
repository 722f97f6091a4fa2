//! What a run's applied change teaches, in the memory's words: the action, the metric to measure,
//! the audience a campaign's name says, and the sentence that sums it up.

use super::words::{MemoryAction, Metric};
use crate::approval::{ChangeKind, ProposedChange};
use serde_json::Value;

/// The action an applied change was, and the metric its outcome is measured on (`None` for a change
/// the memory does not learn from).
pub fn action_of(change: &ProposedChange) -> Option<(MemoryAction, Metric)> {
    let num = |v: Option<&Value>| v.and_then(Value::as_i64);
    // Ads and ad groups changed when an A/B test's winner is applied: the experiment's own
    // learning (what won, by how much) is what the memory keeps of them; their outcome is not
    // measured on campaign figures.
    if matches!(
        change.field.as_str(),
        "ad_status" | "ad_group_status" | "ad_group_budget_micros"
    ) {
        return None;
    }
    match change.kind {
        ChangeKind::Budget => {
            let (from, to) = (num(change.from.as_ref())?, num(Some(&change.to))?);
            Some((
                if to >= from {
                    MemoryAction::BudgetIncrease
                } else {
                    MemoryAction::BudgetDecrease
                },
                Metric::Roas,
            ))
        }
        ChangeKind::Bid => {
            let (from, to) = (num(change.from.as_ref())?, num(Some(&change.to))?);
            Some((
                if to >= from {
                    MemoryAction::BidIncrease
                } else {
                    MemoryAction::BidDecrease
                },
                Metric::Cpa,
            ))
        }
        ChangeKind::Status => Some((
            if change.to.as_str() == Some("PAUSED") {
                MemoryAction::Pause
            } else {
                MemoryAction::Resume
            },
            Metric::Cpa,
        )),
        ChangeKind::Create if change.field == "campaign" => Some((MemoryAction::Launch, Metric::Roas)),
        ChangeKind::Create => Some((MemoryAction::Promote, Metric::Roas)),
    }
}

/// The people a campaign reaches, when its name says so.
pub fn audience_of(name: &str) -> Option<String> {
    let n = name.to_lowercase();
    [
        (
            &["retargeting", "remarketing", "rtg", "cart abandon"][..],
            "retargeting",
        ),
        (&["lookalike", "lal"][..], "lookalike"),
        (&["prospecting", "cold"][..], "prospecting"),
        (&["broad"][..], "broad"),
        (&["brand"][..], "brand"),
    ]
    .iter()
    .find(|(words, _)| {
        words.iter().any(|w| {
            n.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w) || (w.contains(' ') && n.contains(*w))
        })
    })
    .map(|(_, a)| (*a).to_owned())
}

fn money(micros: i64) -> String {
    crate::format::Locale::en_us().number(micros as f64 / 1e6, 2)
}

/// One sentence for a change: "Raised the daily budget of 'Spring sale' on Meta Ads by 20% (100.00
/// to 120.00): return on ad spend 4.10 against the Meta Ads average 3.20".
pub fn summary_of(change: &ProposedChange, action: MemoryAction) -> String {
    let num = |v: Option<&Value>| v.and_then(Value::as_i64);
    let name = &change.object_name;
    let on = change.platform.label();
    let pct = |from: i64, to: i64| {
        if from > 0 {
            format!("{:.0}%", ((to - from) as f64 / from as f64).abs() * 100.0)
        } else {
            "—".to_owned()
        }
    };
    let head = match (action, num(change.from.as_ref()), num(Some(&change.to))) {
        (MemoryAction::BudgetIncrease | MemoryAction::BudgetDecrease, Some(from), Some(to)) => format!(
            "{} the daily budget of '{name}' on {on} by {} ({} to {})",
            if to >= from { "Raised" } else { "Lowered" },
            pct(from, to),
            money(from),
            money(to)
        ),
        (MemoryAction::BidIncrease | MemoryAction::BidDecrease, Some(from), Some(to)) => format!(
            "{} the CPC bid of {name} on {on} by {} ({} to {})",
            if to >= from { "Raised" } else { "Lowered" },
            pct(from, to),
            money(from),
            money(to)
        ),
        (MemoryAction::Pause, _, _) => format!("Paused '{name}' on {on}"),
        (MemoryAction::Resume, _, _) => format!("Turned '{name}' back on, on {on}"),
        (MemoryAction::Launch, _, _) => format!("Launched '{name}' on {on}"),
        (MemoryAction::Promote, _, _) => format!("Promoted Pins as '{name}' on {on}"),
        _ => format!("Changed '{name}' on {on}"),
    };
    let text = if change.why.is_empty() {
        head
    } else {
        format!("{head}: {}", change.why)
    };
    text.chars().take(super::input::SUMMARY_MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::ChangeDecision;
    use crate::platform::Platform;
    use serde_json::json;

    fn change(kind: ChangeKind, from: Option<Value>, to: Value) -> ProposedChange {
        ProposedChange {
            id: "c1".into(),
            connection_id: "conn_1".into(),
            platform: Platform::Meta,
            kind,
            object_id: Some("120".into()),
            object_name: "Spring sale | Retargeting".into(),
            field: "daily_budget_micros".into(),
            from,
            to,
            currency: None,
            why: "return on ad spend 4.10 against the Meta Ads average 3.20: budget up 20%".into(),
            decision: ChangeDecision::Approved,
            applied: true,
            error: None,
            result: None,
        }
    }

    #[test]
    fn changes_become_actions_and_sentences() {
        let c = change(ChangeKind::Budget, Some(json!(100_000_000)), json!(120_000_000));
        assert_eq!(action_of(&c), Some((MemoryAction::BudgetIncrease, Metric::Roas)));
        assert_eq!(
            summary_of(&c, MemoryAction::BudgetIncrease),
            "Raised the daily budget of 'Spring sale | Retargeting' on Meta Ads by 20% (100.00 to 120.00): return on ad spend 4.10 against the Meta Ads average 3.20: budget up 20%"
        );
        let down = change(ChangeKind::Bid, Some(json!(2_000_000)), json!(1_600_000));
        assert_eq!(action_of(&down), Some((MemoryAction::BidDecrease, Metric::Cpa)));
        let pause = change(ChangeKind::Status, Some(json!("ACTIVE")), json!("PAUSED"));
        assert_eq!(action_of(&pause).map(|a| a.0), Some(MemoryAction::Pause));
        assert_eq!(
            audience_of("Spring sale | Retargeting"),
            Some("retargeting".into())
        );
        assert_eq!(
            audience_of("Northwind | Prospecting US"),
            Some("prospecting".into())
        );
        assert_eq!(audience_of("Spring sale"), None);
    }
}
