//! A learning in plain words: its outcome ("ROAS 3.20 → 2.90, −9% net of the account's −2%, 7
//! days, measured"), how often it was seen, how sure we are, its context and where it came from.

use crate::components::format::locale;
use crate::server_fns::memory::{Memory, MemoryFilters};
use switchboard_core::memory::{Metric, Outcome, OutcomeStatus, OutcomeVerdict, SourceKind};

/// A relative change with its sign: `+3%`, `−9%`.
pub fn signed_percent(x: f64) -> String {
    let text = locale().percent(x, 0);
    if x > 0.0 && !text.starts_with('0') {
        format!("+{text}")
    } else {
        text
    }
}

/// A metric's value as people read it: ratios (CTR, conversion rate) in percent, the others with
/// two decimals (one for conversions).
pub fn metric_value(metric: Metric, v: f64) -> String {
    let l = locale();
    match metric {
        Metric::Ctr | Metric::Cvr => l.percent(v, 2),
        Metric::Conversions => l.number(v, 1),
        _ => l.number(v, 2),
    }
}

fn days(n: u32) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// What followed, in one line.
pub fn outcome_text(o: &Outcome) -> String {
    let label = o.metric.label();
    match o.status {
        OutcomeStatus::Pending => match &o.note {
            Some(note) => format!("{label}: pending ({note})"),
            None => format!("{label}: pending"),
        },
        OutcomeStatus::Inconclusive => format!(
            "{label}: inconclusive: {}",
            o.note
                .clone()
                .unwrap_or_else(|| "too little data to tell".to_owned())
        ),
        OutcomeStatus::Measured => {
            let mut parts = Vec::new();
            let mut head = label.to_owned();
            if let (Some(b), Some(a)) = (o.before, o.after) {
                head = format!(
                    "{label} {} → {}",
                    metric_value(o.metric, b),
                    metric_value(o.metric, a)
                );
            }
            match (o.effect, o.control_change, o.change) {
                (Some(e), Some(c), _) => parts.push(format!(
                    "{} net of the account's {}",
                    signed_percent(e),
                    signed_percent(c)
                )),
                (Some(e), None, _) => parts.push(format!("{} net", signed_percent(e))),
                (None, _, Some(ch)) => parts.push(signed_percent(ch)),
                (None, _, None) => {}
            }
            if let Some(d) = o.days {
                parts.push(days(d));
            }
            parts.push(if o.measured > 1 {
                format!("measured {} times (average)", o.measured)
            } else {
                "measured".to_owned()
            });
            format!("{head}, {}", parts.join(", "))
        }
    }
}

/// The outcome's badge: its class and word.
pub fn outcome_badge(o: &Outcome) -> (&'static str, &'static str) {
    match (o.status, o.verdict) {
        (OutcomeStatus::Pending, _) => ("badge badge--muted", "pending"),
        (OutcomeStatus::Inconclusive, _) => ("badge badge--warn", "inconclusive"),
        (_, Some(OutcomeVerdict::Good)) => ("badge badge--ok", "good"),
        (_, Some(OutcomeVerdict::Bad)) => ("badge badge--bad", "bad"),
        (_, _) => ("badge badge--muted", "neutral"),
    }
}

/// "seen once", "seen 4 times".
pub fn evidence_text(n: u32) -> String {
    match n {
        0 | 1 => "seen once".to_owned(),
        n => format!("seen {n} times"),
    }
}

/// "confidence 62%".
pub fn confidence_text(c: f64) -> String {
    format!("confidence {}", locale().percent(c.clamp(0.0, 1.0), 0))
}

/// The words of a learning's context, each a chip: platform, objective, vertical, action,
/// audience, budget band, month.
pub fn context_chips(m: &Memory) -> Vec<(&'static str, String)> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut chips = Vec::new();
    if let Some(p) = m.platform {
        chips.push(("platform", p.label().to_owned()));
    }
    if let Some(o) = m.objective {
        chips.push(("objective", o.label().to_owned()));
    }
    if let Some(v) = m.vertical {
        chips.push(("vertical", v.label().to_owned()));
    }
    if let Some(a) = m.action {
        chips.push(("action", a.label().to_owned()));
    }
    if let Some(a) = &m.audience {
        chips.push(("audience", a.replace('_', " ")));
    }
    if let Some(b) = m.budget_band {
        chips.push(("budget", format!("budget {}", b.label())));
    }
    if let Some(month) = m.month.and_then(|n| MONTHS.get(usize::from(n).wrapping_sub(1))) {
        chips.push(("month", (*month).to_owned()));
    }
    chips
}

/// Who recorded a learning that no run made: "recorded by owner", "recorded through the API".
pub fn recorded_by(m: &Memory) -> String {
    match (&m.source.kind, &m.source.by) {
        (_, Some(by)) => format!("recorded by {by}"),
        (SourceKind::Api, None) => "recorded through the API".to_owned(),
        (SourceKind::Experiment, None) => "from an experiment".to_owned(),
        _ => "recorded by a person".to_owned(),
    }
}

pub use crate::components::format::query_value as encode;

/// `?q=roas&agent=trader` for the filters (and a page past the first), or nothing.
pub fn query_string(f: &MemoryFilters, page: Option<u32>) -> String {
    let mut parts: Vec<String> = f
        .pairs()
        .into_iter()
        .map(|(k, v)| format!("{k}={}", encode(&v)))
        .collect();
    if let Some(p) = page.filter(|p| *p > 1) {
        parts.push(format!("page={p}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The Memory page with these filters.
pub fn list_href(f: &MemoryFilters, page: Option<u32>) -> String {
    format!("/memory{}", query_string(f, page))
}

/// A learning's page, carrying the search it was reached from (its recall is explained there).
pub fn memory_href(id: &str, f: &MemoryFilters) -> String {
    format!("/memory/{id}{}", query_string(f, None))
}

/// The filters the page's URL holds.
pub fn filters_from_query(q: &leptos_router::params::ParamsMap) -> MemoryFilters {
    let get = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    MemoryFilters {
        q: get("q"),
        agent: get("agent"),
        kind: get("kind"),
        platform: get("platform"),
        objective: get("objective"),
        vertical: get("vertical"),
        action: get("action"),
        project_id: get("project_id"),
        outcome: get("outcome"),
        page: get("page").and_then(|p| p.parse().ok()),
    }
}
