//! Words of a learning's text: the terms used to tell a repeat from a new learning (a note or an
//! insight merges only with a near-identical text) and the full-text query recall sends to the
//! store (SQLite FTS5 with the Porter stemmer).
//!
//! A text is read as a sequence of terms: words stemmed, the trade's phrases and abbreviations read
//! as one term ("click-through rate" and "CTR", "two weeks" and "14 days"), synonyms as one, and
//! "improved"/"hurt" as the direction they mean for the metric named (up for ROAS, down for CPA).
//! Two texts that share most terms are one learning unless they contradict each other: opposite
//! directions, one negated and the other not, different figures, or the two sides of a comparison
//! swapped.

use std::collections::BTreeSet;
use std::sync::OnceLock;

const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for", "from",
    "had", "has", "have", "in", "into", "is", "it", "its", "of", "on", "or", "our", "so", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we", "were",
    "when", "which", "while", "with", "after", "before", "over", "about", "very", "also", "just", "again",
    "what", "how", "why", "who", "where", "any", "all", "some", "more", "most", "less", "because", "got",
    "get", "gets", "getting", "went", "go", "goes", "though", "although", "once", "us", "per", "ad", "ads", "only",
];

/// Phrases (and spellings of one word) read as one term, matched on their stemmed words; the
/// longest first where two start alike.
const PHRASES: &[(&str, &str)] = &[
    ("click through rate", "ctr"), ("clickthrough rate", "ctr"), ("click rate", "ctr"),
    ("cost per acquisition", "cpa"), ("cost per action", "cpa"), ("cost per conversion", "cpa"),
    ("cost per result", "cpa"), ("cost per purchase", "cpa"), ("cost per sale", "cpa"), ("cost per order", "cpa"),
    ("cost per lead", "cpl"), ("conversion rate", "cvr"), ("conv rate", "cvr"),
    ("cost per thousand", "cpm"), ("cost per mille", "cpm"), ("cost per 1000", "cpm"), ("cost per click", "cpc"),
    ("return on ad spend", "roas"), ("return on adspend", "roas"), ("return on spend", "roas"),
    ("average order value", "aov"), ("target cpa", "tcpa"), ("target roas", "troas"),
    ("user generated content", "ugc"), ("user generated", "ugc"), ("creator content", "ugc"),
    ("day parting", "daypart"), ("day part", "daypart"), ("ad scheduling", "daypart"), ("ad schedule", "daypart"),
    ("two weeks", "fortnight"), ("2 weeks", "fortnight"), ("14 days", "fortnight"), ("14 day", "fortnight"),
    ("fourteen days", "fortnight"), ("every other week", "fortnight"), ("biweekly", "fortnight"),
    ("one week", "week"), ("1 week", "week"), ("7 days", "week"), ("7 day", "week"), ("seven days", "week"),
    ("seven day", "week"), ("weekly", "week"),
    ("one month", "month"), ("1 month", "month"), ("30 days", "month"), ("30 day", "month"), ("thirty days", "month"),
    ("thirty day", "month"), ("monthly", "month"),
    ("free shipping", "freeship"), ("free delivery", "freeship"),
    ("negative keyword", "negkw"), ("negative", "negkw"), ("broad match", "broadmatch"), ("exact match", "exactmatch"),
    ("phrase match", "phrasematch"), ("frequency cap", "freqcap"), ("impression cap", "freqcap"),
    ("cost cap", "costcap"), ("bid cap", "bidcap"), ("lookalike audience", "lookalike"), ("look alike", "lookalike"),
    ("similar audience", "lookalike"), ("lookalike", "lookalike"), ("landing page", "landpage"),
    ("a b test", "abtest"), ("ab test", "abtest"), ("split test", "abtest"), ("performance max", "pmax"),
    ("advantage plus", "advplus"), ("smart bidding", "smartbid"), ("ad set", "adset"), ("ad group", "adgroup"),
    ("went up", "increas"), ("go up", "increas"), ("went down", "decreas"), ("go down", "decreas"),
    ("held off", "held"), ("kept away", "held"), ("kept off", "held"),
];

/// The terms of `PHRASES` that are not words a search should look for themselves: names made up
/// for a phrase ("freeship"), and the direction terms, which would find every "increase".
const COINED: &[&str] = &[
    "freeship", "negkw", "broadmatch", "exactmatch", "phrasematch", "freqcap", "costcap", "bidcap", "landpage",
    "abtest", "advplus", "smartbid", "adset", "adgroup", "increas", "decreas", "held",
];

/// Words with the same meaning in this trade, read as one term (after stemming).
const SAME: &[(&str, &str)] = &[
    ("rais", "increas"), ("boost", "increas"), ("grow", "increas"), ("grew", "increas"), ("up", "increas"),
    ("higher", "increas"), ("scale", "increas"), ("scal", "increas"), ("lift", "increas"), ("rose", "increas"),
    ("rise", "increas"), ("ris", "increas"), ("doubl", "increas"), ("tripl", "increas"), ("climb", "increas"),
    ("jump", "increas"), ("widen", "increas"),
    ("lower", "decreas"), ("reduc", "decreas"), ("cut", "decreas"), ("drop", "decreas"), ("down", "decreas"),
    ("fell", "decreas"), ("fall", "decreas"), ("declin", "decreas"), ("shrink", "decreas"), ("shrank", "decreas"),
    ("halv", "decreas"), ("lost", "decreas"), ("los", "decreas"), ("slid", "decreas"), ("slip", "decreas"),
    ("narrow", "decreas"), ("shorten", "decreas"), ("trim", "decreas"),
    ("improv", "better"), ("better", "better"), ("hurt", "worse"), ("worsen", "worse"), ("worse", "worse"),
    ("harm", "worse"), ("damag", "worse"),
    ("budget", "budget"), ("spend", "spend"), ("cost", "spend"),
    ("return", "roas"), ("roa", "roas"),
    ("facebook", "meta"), ("instagram", "meta"), ("fb", "meta"), ("ig", "meta"),
    ("adword", "googl"), ("search", "googl"),
    ("pin", "pinterest"),
    ("creativ", "creativ"), ("imag", "creativ"), ("video", "creativ"), ("visual", "creativ"),
    ("stal", "fatigu"), ("wearout", "fatigu"),
    ("stop", "paus"), ("halt", "paus"),
    ("kept", "held"), ("keep", "held"), ("hold", "held"), ("stay", "held"), ("steady", "held"), ("flat", "held"),
    ("outperform", "beat"), ("beat", "beat"), ("versus", "vs"),
    ("remarket", "retarget"), ("promotion", "promo"), ("larg", "big"), ("exit", "leav"), ("left", "leav"),
    ("decor", "decor"), ("furnitur", "decor"), ("interior", "decor"),
    ("purchas", "sale"), ("conversion", "sale"), ("order", "sale"),
    ("weekend", "weekend"), ("saturday", "weekend"), ("sunday", "weekend"),
];

/// Words that deny what follows ("did not waste spend").
const NEGATORS: &[&str] = &[
    "not", "never", "didn", "doesn", "don", "isn", "wasn", "weren", "aren", "hasn", "haven", "cannot", "couldn",
    "nothing",
];

/// Metrics where lower is better: "improved CPA" means CPA went down.
const LOWER_BETTER: &[&str] = &["cpa", "cpc", "cpm", "cpl", "tcpa", "bounc"];

/// Terms a direction word can speak of (the nearest one within three terms is taken).
const METRICS: &[&str] = &[
    "roas", "ctr", "cvr", "cpa", "cpc", "cpm", "cpl", "tcpa", "troas", "aov", "spend", "budget", "bid", "sale",
    "revenu", "reach", "volum", "impression", "click", "bounc", "freqcap", "costcap", "bidcap", "frequency",
    "install", "lead", "sav", "engag", "attent", "traffic", "conversion", "fatigu",
];

/// Terms that set two sides against each other ("UGC beat studio ads").
const COMPARES: &[&str] = &["beat", "than", "vs"];

/// The metric a direction word at `i` speaks of: the nearest within three terms, the following one
/// on a tie.
fn nearest_metric(seq: &[String], i: usize) -> Option<&str> {
    (1..=3).find_map(|d| {
        [Some(i + d), i.checked_sub(d)]
            .into_iter()
            .flatten()
            .filter_map(|j| seq.get(j))
            .find(|m| METRICS.contains(&m.as_str()))
            .map(String::as_str)
    })
}

/// A light suffix stemmer (enough to read "raising", "raised" and "raises" as one word); a doubled
/// consonant left by the suffix is undone ("capped", "capping" → "cap").
pub fn stem(word: &str) -> String {
    let w = word;
    for suffix in ["ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly", "s", "e"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.chars().count() >= 3
        {
            return match suffix {
                "ies" | "ied" => format!("{base}i"),
                "ings" | "ing" | "ed" | "er" | "ers" => undouble(base),
                _ => base.to_owned(),
            };
        }
    }
    w.to_owned()
}

fn undouble(base: &str) -> String {
    let b = base.as_bytes();
    let n = b.len();
    if n >= 4 && b[n - 1] == b[n - 2] && b[n - 1].is_ascii_alphabetic() && !b"aeioulsfz".contains(&b[n - 1]) {
        base[..n - 1].to_owned()
    } else {
        base.to_owned()
    }
}

/// The words of a text, lower case, without punctuation (numbers kept, `%` dropped).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The phrases' stemmed words, longest first.
fn phrases() -> &'static [(Vec<String>, &'static str)] {
    static P: OnceLock<Vec<(Vec<String>, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let mut p: Vec<(Vec<String>, &'static str)> =
            PHRASES.iter().map(|(phrase, term)| (words(phrase).iter().map(|w| stem(w)).collect(), *term)).collect();
        p.sort_by_key(|x| std::cmp::Reverse(x.0.len()));
        p
    })
}

/// One term of a text, with the words it was read from.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    words: Vec<String>,
    term: String,
    /// Read through the phrase table (a phrase, or a word with other spellings).
    phrase: bool,
}

/// A text as its terms in order: phrases first, then synonyms.
fn tokens(text: &str) -> Vec<Token> {
    let raw = words(text);
    let stems: Vec<String> = raw.iter().map(|w| stem(w)).collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if let Some((p, term)) = phrases().iter().find(|(p, _)| stems[i..].starts_with(p)) {
            out.push(Token { words: raw[i..i + p.len()].to_vec(), term: (*term).to_owned(), phrase: true });
            i += p.len();
            continue;
        }
        let (w, s) = (&raw[i], &stems[i]);
        let term = SAME
            .iter()
            .find(|(from, _)| from == s || from == w)
            .map_or_else(|| s.clone(), |(_, to)| (*to).to_owned());
        out.push(Token { words: vec![w.clone()], term, phrase: false });
        i += 1;
    }
    out
}

/// What a text says, as compared for merging.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reading {
    /// Content terms, in order, without repeats.
    pub terms: Vec<String>,
    /// The figures it gives ("3" of "3 a week").
    pub numbers: BTreeSet<String>,
    /// Whether it denies something ("did not").
    pub negated: bool,
    /// Its content words in order, stemmed but not read as synonyms (the sides of a comparison).
    pub order: Vec<String>,
    /// What moved which way: each direction word with the nearest metric it speaks of ("raising
    /// budgets lowered ROAS" → budget up, ROAS down); `-` where no metric is near.
    pub claims: BTreeSet<(String, i8)>,
}

impl Reading {
    pub fn of(text: &str) -> Reading {
        let mut r = Reading::default();
        // Content terms in order, with repeats, for the claims.
        let mut seq: Vec<String> = Vec::new();
        for t in tokens(text) {
            let single = t.words.len() == 1;
            let w = &t.words[0];
            if single && NEGATORS.contains(&w.as_str()) {
                r.negated = true;
            }
            if single && w.chars().all(|c| c.is_ascii_digit()) {
                r.numbers.insert(w.trim_start_matches('0').to_owned());
                continue;
            }
            // A letter alone is what an apostrophe leaves ("didn't", "budget's"): it says nothing.
            if single && (STOP.contains(&w.as_str()) || NEGATORS.contains(&w.as_str()) || w.chars().count() == 1) {
                // "than" is kept for comparisons even though it says nothing alone.
                if w == "than" {
                    r.order.push("than".to_owned());
                }
                continue;
            }
            r.order.push(if t.phrase || COMPARES.contains(&t.term.as_str()) { t.term.clone() } else { stem(w) });
            seq.push(t.term);
        }
        // "Better" and "worse" say which way the metric they speak of moved: "improved CPA" is
        // CPA down, "improved CTR" is CTR up.
        let seq: Vec<String> = (0..seq.len())
            .map(|i| match seq[i].as_str() {
                word @ ("better" | "worse") => {
                    let lower = nearest_metric(&seq, i).is_some_and(|m| LOWER_BETTER.contains(&m));
                    if (word == "better") != lower { "increas" } else { "decreas" }.to_owned()
                }
                _ => seq[i].clone(),
            })
            .collect();
        for (i, term) in seq.iter().enumerate() {
            if !r.terms.contains(term) {
                r.terms.push(term.clone());
            }
            let way = match term.as_str() {
                "increas" => 1,
                "decreas" => -1,
                _ => continue,
            };
            r.claims.insert((nearest_metric(&seq, i).unwrap_or("-").to_owned(), way));
        }
        r
    }

    fn set(&self) -> BTreeSet<&str> {
        self.terms.iter().map(String::as_str).collect()
    }


    /// The comparison (the word that compares: "beat", or the word before "than"), and the terms
    /// before and after it, if it makes one.
    fn sides(&self) -> Option<(&str, BTreeSet<&str>, BTreeSet<&str>)> {
        let at = self.order.iter().position(|t| COMPARES.contains(&t.as_str()))?;
        let how = match self.order[at].as_str() {
            "than" => self.order[..at].last().map_or("than", String::as_str),
            other => other,
        };
        let left = self.order[..at].iter().map(String::as_str).filter(|t| !COMPARES.contains(t)).collect();
        let right = self.order[at + 1..].iter().map(String::as_str).filter(|t| !COMPARES.contains(t)).collect();
        Some((how, left, right))
    }

    /// Whether the two say opposite things of the same subject: the metric moved the other way,
    /// one denies what the other says, they give other figures, or a comparison is turned round.
    pub fn contradicts(&self, other: &Reading) -> bool {
        // A metric one says went one way and the other says went the other (and not also the first).
        let only = |a: &Reading, b: &Reading| -> Vec<(String, i8)> { a.claims.difference(&b.claims).cloned().collect() };
        let (ours, theirs) = (only(self, other), only(other, self));
        if ours.iter().any(|(m, w)| theirs.iter().any(|(n, v)| m == n && *w == -*v)) {
            return true;
        }
        if self.negated != other.negated {
            return true;
        }
        if !self.numbers.is_empty() && !other.numbers.is_empty() && self.numbers.is_disjoint(&other.numbers) {
            return true;
        }
        // Turned round: the same comparison with the sides swapped ("lasted longer than" and
        // "wore out faster than" are not the same comparison, and swapped say the same).
        if let (Some((ha, la, ra)), Some((hb, lb, rb))) = (self.sides(), other.sides())
            && ha == hb
        {
            let kept = la.intersection(&lb).count() + ra.intersection(&rb).count();
            let swapped = la.intersection(&rb).count() + ra.intersection(&lb).count();
            if swapped > kept {
                return true;
            }
        }
        false
    }
}

/// A text's terms: content words, stemmed, phrases and synonyms read as one, numbers left out (a
/// repeat often says "20%" where the first said "a fifth").
pub fn terms(text: &str) -> BTreeSet<String> {
    Reading::of(text).set().into_iter().map(str::to_owned).collect()
}

/// How alike two texts are, 0 to 1: the larger of the terms' Jaccard index and the share of the
/// shorter text's terms the other holds (a repeat that only adds a word is still a repeat); 0 when
/// they contradict each other.
pub fn similarity(a: &str, b: &str) -> f64 {
    similarity_in(a, b, "")
}

/// [`similarity`] of two texts recorded in one context, whose words (`context`: "Meta Ads, app
/// installs, home decor, budget increase") say nothing of what tells them apart and are left out
/// of the comparison, unless nothing else is left.
pub fn similarity_in(a: &str, b: &str, context: &str) -> f64 {
    let (ra, rb) = (Reading::of(a), Reading::of(b));
    if ra.set().is_empty() || rb.set().is_empty() {
        return if normalize_text(a) == normalize_text(b) { 1.0 } else { 0.0 };
    }
    if ra.contradicts(&rb) {
        return 0.0;
    }
    let known = Reading::of(context);
    let known = known.set();
    let strip = |r: &Reading| -> BTreeSet<String> {
        let rest: BTreeSet<String> = r.set().difference(&known).map(|t| (*t).to_owned()).collect();
        if rest.is_empty() { r.set().into_iter().map(str::to_owned).collect() } else { rest }
    };
    let (ta, tb) = (strip(&ra), strip(&rb));
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

/// A term's spellings a search should find: the phrases read as it, and the term itself where
/// it is a word of its own ("ctr" → "ctr", "click through rate", "clickthrough rate", …).
fn spellings(term: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !COINED.contains(&term) {
        out.push(term.to_owned());
    }
    for (phrase, t) in PHRASES {
        if *t == term && !out.iter().any(|o| o == phrase) {
            out.push((*phrase).to_owned());
        }
    }
    out
}

/// The FTS5 query of a free-text search: each content word (or phrase, with its other
/// spellings) as a quoted term, so no word is read as an operator; any of them matching, ranked
/// by BM25. `None` when nothing searchable is left.
pub fn fts_query(q: &str) -> Option<String> {
    let mut seen = BTreeSet::new();
    let mut groups: Vec<String> = Vec::new();
    for t in tokens(q) {
        if groups.len() >= 16 {
            break;
        }
        let spelled: Vec<String> = if t.phrase {
            let mut s = spellings(&t.term);
            let said = t.words.join(" ");
            if !s.contains(&said) {
                s.insert(0, said);
            }
            s
        } else {
            let w = &t.words[0];
            if STOP.contains(&w.as_str()) {
                continue;
            }
            vec![w.clone()]
        };
        let quoted: Vec<String> = spelled
            .iter()
            .map(|s| s.replace('"', ""))
            .filter(|s| !s.trim().is_empty() && seen.insert(s.clone()))
            .map(|s| format!("\"{s}\""))
            .collect();
        match quoted.len() {
            0 => {}
            1 => groups.push(quoted.into_iter().next().unwrap_or_default()),
            _ => groups.push(format!("({})", quoted.join(" OR "))),
        }
    }
    (!groups.is_empty()).then(|| groups.join(" OR "))
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

    /// Repeats as people word them: abbreviations spelled out, synonyms, the parts in another order.
    const REWORDED: &[(&str, &str)] = &[
        ("Creative fatigue cut CTR on Meta for fashion after two weeks",
         "Fashion ads on Meta lost click-through rate after 14 days because the creatives got stale"),
        ("Frequency cap of 2 per week lowered CPM for travel awareness",
         "Capping frequency at two a week brought travel awareness CPM down"),
        ("Broad match keywords raised CPA for SaaS leads on Google",
         "Broad-match keywords increased cost per acquisition for SaaS leads on Google"),
        ("Dayparting to evenings lowered CPA for food delivery orders",
         "Running food ads only in the evening cut cost per acquisition"),
        ("Negative keywords for jobs and careers cut wasted spend for finance",
         "Excluding jobs and careers searches saved wasted finance spend"),
        ("UGC videos beat studio ads on CTR for fashion on Meta",
         "User-generated videos outperformed studio creatives on CTR for fashion on Meta"),
        ("Free shipping in the headline lifted conversion rate for beauty",
         "Mentioning free delivery in headlines boosted beauty CVR"),
        ("Cost cap bidding held CPA under target for finance but limited spend",
         "With a cost cap, finance cost per acquisition stayed under target but spend was capped"),
        ("Refreshing images every two weeks held off creative fatigue for gaming on Google",
         "Gaming on Google: new images every fortnight kept creative fatigue away"),
        ("Lower bids cut CPA for retail", "Lowering bids improved retail CPA"),
        ("Raising budgets hurt ROAS for travel", "Budget raises lowered travel ROAS"),
        ("Cost cap campaigns needed a larger budget to exit learning",
         "Cost cap campaigns only left learning with a bigger budget"),
        ("Creator UGC videos wore out faster than brand videos", "Brand videos lasted longer than creator UGC videos"),
    ];

    /// Texts in one context that say different or opposite things.
    const DIFFERENT: &[(&str, &str)] = &[
        ("Raising Meta budgets 20% lowered ROAS for home decor", "Raising Meta budgets 20% improved ROAS for home decor"),
        ("Lookalike audiences beat interest targeting for beauty", "Interest targeting beat lookalike audiences for beauty"),
        ("Broad match keywords wasted spend for SaaS", "Broad match keywords did not waste spend for SaaS"),
        ("Pausing weekend ads lowered CPA for fashion", "Pausing weekend ads raised CPA for fashion"),
        ("A frequency cap of 3 a week kept CPM steady for travel", "A frequency cap of 8 a week kept CPM steady for travel"),
        ("Video ads beat static images on CTR for food", "Static images beat video ads on CTR for food"),
        ("Creative fatigue set in after about 10 days and CTR slid", "Refreshing images every two weeks held off creative fatigue"),
        ("Free shipping thresholds raised average order value", "Ending the free shipping offer cut ROAS by a fifth"),
        ("New ad copy", "New ad images"),
    ];

    #[test]
    fn people_s_rewordings_are_one_learning() {
        for (a, b) in REWORDED {
            assert!(similarity(a, b) >= SAME_TEXT, "{a} / {b}: {} ({:?} / {:?})", similarity(a, b), terms(a), terms(b));
        }
    }

    #[test]
    fn different_or_opposite_claims_stay_apart() {
        for (a, b) in DIFFERENT {
            assert!(similarity(a, b) < SAME_TEXT, "{a} / {b}: {}", similarity(a, b));
        }
    }

    #[test]
    fn in_one_context_the_context_s_own_words_do_not_make_texts_alike() {
        let context = "Google Ads awareness food bid increase";
        let a = "Google awareness for food, bid increase: Dayparting the food ads to evenings lowered CPA on Google";
        let b = "Google awareness for food, bid increase: Landing page speed under two seconds cut bounce rate for food";
        assert!(similarity_in(a, b, context) < SAME_TEXT, "{}", similarity_in(a, b, context));
        let c = "Meta engagement for beauty, budget decrease: UGC videos with captions held attention better for beauty engagement";
        let d = "Meta engagement for beauty, budget decrease: Captioned UGC videos kept attention longer in beauty engagement";
        let context = "Meta Ads engagement beauty budget decrease";
        assert!(similarity_in(c, d, context) >= SAME_TEXT, "{}", similarity_in(c, d, context));
        // Only the context's words: compared as they are.
        assert_eq!(similarity_in("Meta budget increase", "meta budget increase", "Meta Ads budget increase"), 1.0);
    }

    #[test]
    fn what_an_apostrophe_leaves_is_not_a_term() {
        assert_eq!(Reading::of("The budget's cap didn't hold").terms, Reading::of("The budget cap did not hold").terms);
    }

    #[test]
    fn a_direction_speaks_of_the_nearest_metric() {
        let r = Reading::of("Raising budgets lowered ROAS");
        assert!(r.claims.contains(&("budget".to_owned(), 1)) && r.claims.contains(&("roas".to_owned(), -1)), "{:?}", r.claims);
        assert!(!Reading::of("Raising budgets lowered ROAS").contradicts(&Reading::of("ROAS fell with bigger budgets")));
        // "Improved" is read with the metric beside it, not with another one in the sentence.
        let r = Reading::of("Improved CTR while CPA rose");
        assert!(r.claims.contains(&("ctr".to_owned(), 1)) && r.claims.contains(&("cpa".to_owned(), 1)), "{:?}", r.claims);
        let r = Reading::of("Better CPA, but CTR worsened");
        assert!(r.claims.contains(&("cpa".to_owned(), -1)) && r.claims.contains(&("ctr".to_owned(), -1)), "{:?}", r.claims);
    }

    #[test]
    fn phrases_and_abbreviations_read_as_one_term() {
        assert_eq!(terms("click-through rate"), terms("CTR"));
        assert_eq!(terms("cost per acquisition"), terms("CPA"));
        assert_eq!(terms("two weeks"), terms("14 days"));
        assert_eq!(stem("capped"), "cap");
        assert_eq!(stem("capping"), "cap");
        assert_eq!(stem("added"), "add");
        // "improved" is a rise for ROAS and a fall for CPA.
        assert!(terms("improved ROAS").contains("increas"));
        assert!(terms("improved CPA").contains("decreas"));
    }

    #[test]
    fn a_search_finds_other_spellings_of_its_phrases() {
        assert_eq!(
            fts_query("day parting").as_deref(),
            Some("(\"daypart\" OR \"day parting\" OR \"day part\" OR \"ad scheduling\" OR \"ad schedule\")")
        );
        let q = fts_query("user generated content").unwrap_or_default();
        assert!(q.contains("\"ugc\"") && q.contains("\"user generated content\""), "{q}");
        let q = fts_query("free delivery").unwrap_or_default();
        assert!(q.contains("\"free shipping\"") && !q.contains("\"delivery\""), "{q}");
    }

    #[test]
    fn a_search_becomes_quoted_terms() {
        assert_eq!(fts_query("creative fatigue on Meta").as_deref(), Some("\"creative\" OR \"fatigue\" OR \"meta\""));
        assert_eq!(fts_query("\"AND\" OR (NEAR"), Some("\"near\"".to_owned()));
        assert_eq!(fts_query("the of"), None);
    }
}
