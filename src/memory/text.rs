//! Words of a learning's text: the terms used to tell a repeat from a new learning (a note or an
//! insight merges only with a near-identical text) and the full-text query recall sends to the
//! store (SQLite FTS5 with the Porter stemmer).

use std::collections::BTreeSet;

const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for", "from",
    "had", "has", "have", "in", "into", "is", "it", "its", "of", "on", "or", "our", "so", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we", "were",
    "when", "which", "while", "with", "after", "before", "over", "about", "very", "also", "just", "again",
    "what", "how", "why", "who", "where", "any", "all", "some", "more", "most", "less", "by",
];

/// Words with the same meaning in this trade, read as one term (after stemming).
const SAME: &[(&str, &str)] = &[
    ("rais", "increas"), ("boost", "increas"), ("grow", "increas"), ("up", "increas"), ("higher", "increas"),
    ("scale", "increas"), ("scal", "increas"), ("lift", "increas"), ("improv", "increas"), ("rose", "increas"), ("rise", "increas"), ("ris", "increas"),
    ("lower", "decreas"), ("reduc", "decreas"), ("cut", "decreas"), ("drop", "decreas"), ("down", "decreas"),
    ("fell", "decreas"), ("fall", "decreas"), ("declin", "decreas"), ("shrink", "decreas"), ("hurt", "decreas"), ("worsen", "decreas"),
    ("budget", "budget"), ("spend", "spend"), ("cost", "spend"),
    ("return", "roas"), ("roa", "roas"),
    ("facebook", "meta"), ("instagram", "meta"), ("fb", "meta"), ("ig", "meta"),
    ("adword", "googl"), ("search", "googl"),
    ("pin", "pinterest"),
    ("creativ", "creativ"), ("ad", "creativ"), ("imag", "creativ"), ("video", "creativ"), ("visual", "creativ"),
    ("stop", "paus"), ("halt", "paus"),
    ("decor", "decor"), ("furnitur", "decor"), ("interior", "decor"),
    ("purchas", "sale"), ("convers", "sale"), ("order", "sale"),
    ("weekend", "weekend"), ("saturday", "weekend"), ("sunday", "weekend"),
];

/// A light suffix stemmer (enough to read "raising", "raised" and "raises" as one word).
pub fn stem(word: &str) -> String {
    let w = word;
    for suffix in ["ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s", "e"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.chars().count() >= 3
        {
            return match suffix {
                "ies" | "ied" => format!("{base}i"),
                _ => base.to_owned(),
            };
        }
    }
    w.to_owned()
}

/// The words of a text, lower case, without punctuation (numbers kept, `%` dropped).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A text's terms: content words, stemmed, synonyms read as one, numbers left out (a repeat often
/// says "20%" where the first said "a fifth").
pub fn terms(text: &str) -> BTreeSet<String> {
    words(text)
        .into_iter()
        .filter(|w| !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| {
            let s = stem(&w);
            SAME.iter()
                .find(|(from, _)| *from == s || *from == w)
                .map(|(_, to)| (*to).to_owned())
                .unwrap_or(s)
        })
        .collect()
}

/// How alike two texts are, 0 to 1: the larger of the terms' Jaccard index and the share of the
/// shorter text's terms the other holds (a repeat that only adds a word is still a repeat).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (ta, tb) = (terms(a), terms(b));
    if ta.is_empty() || tb.is_empty() {
        return if normalize_text(a) == normalize_text(b) { 1.0 } else { 0.0 };
    }
    let shared = ta.intersection(&tb).count() as f64;
    let union = ta.union(&tb).count() as f64;
    let jaccard = shared / union;
    let contained = shared / ta.len().min(tb.len()) as f64;
    // Containment counts only when the shorter text says enough to be a learning of its own.
    if ta.len().min(tb.len()) >= 3 {
        jaccard.max(contained * 0.9)
    } else {
        jaccard
    }
}

/// The threshold over which two texts in the same context are one learning.
pub const SAME_TEXT: f64 = 0.6;

fn normalize_text(s: &str) -> String {
    words(s).join(" ")
}

/// The FTS5 query of a free-text search: each content word as a quoted term (so no word is read as
/// an operator), any of them matching, ranked by BM25. `None` when nothing searchable is left.
pub fn fts_query(q: &str) -> Option<String> {
    let mut seen = BTreeSet::new();
    let parts: Vec<String> = words(q)
        .into_iter()
        .filter(|w| !STOP.contains(&w.as_str()))
        .filter(|w| seen.insert(w.clone()))
        .take(16)
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_synonyms_make_one_term() {
        assert_eq!(stem("raising"), "rais");
        assert_eq!(stem("raised"), "rais");
        assert_eq!(stem("campaigns"), "campaign");
        assert!(terms("Raising budgets").contains("increas"));
        assert!(terms("Increased budget").contains("increas"));
        assert_eq!(terms("Boosted Facebook budget"), terms("raise meta budgets"));
    }

    #[test]
    fn reworded_repeats_are_alike_and_different_learnings_are_not() {
        let a = "Raising Meta budgets by 20% lowered ROAS for home decor brands";
        let b = "Increasing the Meta budget 20 percent reduced return on ad spend for home decor";
        assert!(similarity(a, b) >= SAME_TEXT, "{}", similarity(a, b));
        let c = "Weekend creative refresh lifted CTR on Pinterest catalog campaigns";
        assert!(similarity(a, c) < 0.2, "{}", similarity(a, c));
        assert_eq!(similarity("Same words", "same words!"), 1.0);
    }

    #[test]
    fn a_search_becomes_quoted_terms() {
        assert_eq!(fts_query("creative fatigue on Meta").as_deref(), Some("\"creative\" OR \"fatigue\" OR \"meta\""));
        assert_eq!(fts_query("\"AND\" OR (NEAR"), Some("\"near\"".to_owned()));
        assert_eq!(fts_query("the of"), None);
    }
}
