//! The trade's words for the same things (`lexicon.json`: groups of words and phrases a media
//! buyer uses for one concept, "creative fatigue", "ad fatigue", "worn out"; "CPI", "cost per
//! install"). A text that says any of a group's forms also says the group, so two wordings of one
//! learning share it (merging, and recall's term coverage), and a search for one form also looks
//! for the others.
//!
//! The groups were written for this trade by hand (no opposites or merely related things in one
//! group: not CPC with CPM, not video with image, not retargeting with prospecting; no words that
//! mean something else here, "sale", "page", "feed"); the ones for which the merge rules have their
//! own words (increase, decrease, improve, budget, spend) are left out.

use super::text::{stem, words};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Forms by their first stemmed word: each form's stemmed words and its group.
type Forms = HashMap<String, Vec<(Vec<String>, usize)>>;

struct Lexicon {
    /// Each form's stemmed words, by its first, longest first.
    forms: Forms,
    /// Each group's forms as written.
    written: Vec<Vec<String>>,
}

fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        // The file is part of the build (a test checks it reads); a group that does not read is
        // left out rather than failing a search, and so are forms too short to say anything.
        let groups: Vec<Vec<String>> =
            serde_json::from_str::<Vec<serde_json::Value>>(include_str!("lexicon.json"))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|g| serde_json::from_value::<Vec<String>>(g).ok())
                .map(|g| g.into_iter().filter(|f| !too_short(f)).collect())
                .collect();
        let mut forms = Forms::new();
        for (g, group) in groups.iter().enumerate() {
            for form in group {
                let stems: Vec<String> = words(form).iter().map(|w| stem(w)).collect();
                if let Some(first) = stems.first() {
                    forms.entry(first.clone()).or_default().push((stems, g));
                }
            }
        }
        for starting in forms.values_mut() {
            starting.sort_by_key(|f| std::cmp::Reverse(f.0.len()));
        }
        Lexicon {
            forms,
            written: groups,
        }
    })
}

/// Forms too short or too common to say a concept alone ("cr", "pc", "tag"), except the
/// platforms' own short names.
fn too_short(form: &str) -> bool {
    match words(form).as_slice() {
        [w] => (w.chars().count() <= 2 && !matches!(w.as_str(), "ig" | "fb" | "yt")) || w == "tag",
        _ => false,
    }
}

/// The groups a text says a form of, in order, each with the form it used (its stemmed words).
pub fn groups_in(text: &str) -> Vec<(usize, String)> {
    let stems: Vec<String> = words(text).iter().map(|w| stem(w)).collect();
    groups_in_stems(&stems)
}

/// [`groups_in`] of a text's words already stemmed.
pub fn groups_in_stems(stems: &[String]) -> Vec<(usize, String)> {
    let l = lexicon();
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < stems.len() {
        let found = l
            .forms
            .get(&stems[i])
            .and_then(|starting| starting.iter().find(|(f, _)| stems[i..].starts_with(f)));
        match found {
            Some((f, g)) => {
                let used = f.join(" ");
                if !out.contains(&(*g, used.clone())) {
                    out.push((*g, used));
                }
                i += f.len();
            }
            None => i += 1,
        }
    }
    out
}

/// A group's forms as written.
pub fn forms(g: usize) -> &'static [String] {
    lexicon().written.get(g).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_and_no_form_is_in_two_groups() {
        let groups: Vec<Vec<String>> =
            serde_json::from_str(include_str!("lexicon.json")).expect("lexicon.json");
        assert!(groups.len() >= 100, "{} groups", groups.len());
        let mut seen = std::collections::HashMap::new();
        for (g, group) in groups.iter().enumerate() {
            for form in group {
                let key: Vec<String> = words(form).iter().map(|w| stem(w)).collect();
                if let Some(other) = seen.insert(key, g)
                    && other != g
                {
                    panic!("'{form}' is in groups {other} and {g}");
                }
            }
        }
    }

    #[test]
    fn a_text_says_the_groups_of_its_forms() {
        let group = |t: &str| groups_in(t).into_iter().map(|(g, _)| g).collect::<Vec<usize>>();
        let (a, b) = (
            group("The ads were worn out after two weeks"),
            group("Creative fatigue set in"),
        );
        assert!(a.iter().any(|g| b.contains(g)), "{a:?} {b:?}");
        assert!(
            group("Remarketing to cart abandoners")
                .iter()
                .any(|g| group("retargeting").contains(g))
        );
        // The form used is told, so that two texts that use the same one are not counted twice.
        assert_eq!(groups_in("UGC videos")[0].1, "ugc video");
    }
}
