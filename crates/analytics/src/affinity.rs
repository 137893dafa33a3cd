//! finX name affinity: how close is the name the lender was given to the name the bank prints?
//!
//! finX grades the match between the provided name and the best matching account-holder name
//! in four levels (spec 002): VERY_HIGH when the names are the same up to case, HIGH when they
//! overlap with only minor deviations ("Doe, John" for "John Doe", "Hans Muller" for
//! "Hans Müller"), MEDIUM when there is only some similarity ("Helge Braun" vs "Stefan Braun"),
//! LOW when they do not match at all. A lender relies on HIGH meaning "same person, written
//! differently", so the deviations HIGH tolerates are exactly the ones banks introduce: case,
//! accents (and their German transliterations ü→ue), punctuation, word order, titles, initials
//! for given names, one extra (middle) name, and one typing slip in a long word. Anything more is
//! MEDIUM at best, and MEDIUM requires a whole name word in common — a shared initial is not
//! similarity.
//!
//! (The EnvoyX name analysis in `names.rs` answers a different question — EXACT/PARTIAL/MISMATCH
//! with legal forms ignored — and is kept separate on purpose.)

use ledgerlens_enrich::normalize::normalize;
use serde::Serialize;

/// finX's affinity levels, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Affinity {
    /// The names are identical up to case (and surrounding or repeated spaces).
    VeryHigh,
    /// The same name written differently: accents, punctuation, order, titles, initials, one
    /// extra middle name, one slip of the keyboard.
    High,
    /// Some similarity: at least one name word in common, but not the same name.
    Medium,
    /// Nothing in common.
    Low,
}

/// Honorifics and titles printed before names; they say nothing about who the person is.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "mme", "mlle", "m", "herr",
    "frau", "chief", "alhaji", "alhaja", "hajia", "engr", "barr", "pastor", "rev",
];

/// One word of a name, normalised for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word(String);

impl Word {
    fn is_initial(&self) -> bool {
        self.0.chars().count() == 1
    }
}

/// The words of a name: normalised (lower case, accents folded, punctuation to spaces), German
/// transliterations folded onto the plain vowel (`mueller` and `müller` both read `muller`),
/// titles dropped.
fn words(name: &str) -> Vec<Word> {
    normalize(name)
        .split_whitespace()
        .filter(|word| !TITLES.contains(word))
        .map(|word| {
            Word(
                word.replace("ae", "a")
                    .replace("oe", "o")
                    .replace("ue", "u")
                    .replace("ss", "s"),
            )
        })
        .collect()
}

/// True when `a` and `b` differ by at most one insertion, deletion, substitution or swap of
/// adjacent letters (Damerau–Levenshtein distance ≤ 1).
fn one_slip(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..short.len())
                .filter(|&i| short.get(i) != long.get(i))
                .collect();
            match diffs.as_slice() {
                [_] => true,
                [i, j] => {
                    *j == i + 1 && short.get(*i) == long.get(*j) && short.get(*j) == long.get(*i)
                }
                _ => false,
            }
        }
        1 => {
            let skip = (0..short.len())
                .find(|&i| short.get(i) != long.get(i))
                .unwrap_or(short.len());
            short.get(skip..) == long.get(skip + 1..)
        }
        _ => false,
    }
}

/// How two words were paired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pairing {
    /// Same word.
    Exact,
    /// One slip apart; both words at least five letters (short names differ by one letter
    /// when they are different names: "Ann" and "Anna").
    Slip,
    /// An initial and a word it begins.
    Initial,
}

/// A test of whether two words can pair.
type WordTest = fn(&Word, &Word) -> bool;

/// Pairs the words of two names, best pairings first; returns the pairings made and how many
/// words of each side stayed unpaired.
fn pair(a: &[Word], b: &[Word]) -> (Vec<Pairing>, usize, usize) {
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut pairings = Vec::new();
    let passes: [(Pairing, WordTest); 3] = [
        (Pairing::Exact, |x, y| x == y && !x.is_initial()),
        (Pairing::Slip, |x, y| {
            x.0.chars().count() >= 5 && y.0.chars().count() >= 5 && one_slip(&x.0, &y.0)
        }),
        (Pairing::Initial, |x, y| {
            (x.is_initial() && y.0.starts_with(&x.0)) || (y.is_initial() && x.0.starts_with(&y.0))
        }),
    ];
    for (kind, fits) in passes {
        for (i, x) in a.iter().enumerate() {
            if used_a.get(i).copied().unwrap_or(true) {
                continue;
            }
            let found = b
                .iter()
                .enumerate()
                .find(|(j, y)| !used_b.get(*j).copied().unwrap_or(true) && fits(x, y));
            if let Some((j, _)) = found {
                if let Some(slot) = used_a.get_mut(i) {
                    *slot = true;
                }
                if let Some(slot) = used_b.get_mut(j) {
                    *slot = true;
                }
                pairings.push(kind);
            }
        }
    }
    let unpaired = |used: &[bool]| used.iter().filter(|u| !**u).count();
    (pairings, unpaired(&used_a), unpaired(&used_b))
}

/// The affinity between a provided name and one printed holder name.
///
/// - VERY_HIGH: equal after lower-casing and collapsing spaces (the spec's "100% (case-insensitive)").
/// - HIGH: after normalisation, every word of the shorter name pairs with a word of the longer
///   (same word, an initial of it, or one slip in a word of five letters or more), the longer
///   has at most one word left over (a middle name), at least one pairing is a whole word
///   (exact or slip), and the shorter name has two words or more unless both have one.
/// - MEDIUM: at least one whole-word pairing (exact or slip), e.g. a shared surname.
/// - LOW: otherwise, and whenever either name is empty.
pub fn affinity(provided: &str, printed: &str) -> Affinity {
    let plain = |name: &str| {
        name.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (a, b) = (words(provided), words(printed));
    if a.is_empty() || b.is_empty() {
        return Affinity::Low;
    }
    if plain(provided) == plain(printed) {
        return Affinity::VeryHigh;
    }
    let (pairings, left_a, left_b) = pair(&a, &b);
    let whole = pairings
        .iter()
        .filter(|p| matches!(p, Pairing::Exact | Pairing::Slip))
        .count();
    let slips = pairings.iter().filter(|p| **p == Pairing::Slip).count();
    let shorter = a.len().min(b.len());
    let (left_short, left_long) = if a.len() <= b.len() {
        (left_a, left_b)
    } else {
        (left_b, left_a)
    };
    let high = left_short == 0
        && left_long <= 1
        && whole >= 1
        && slips <= 1
        && (shorter >= 2 || (a.len() == 1 && b.len() == 1));
    if high {
        Affinity::High
    } else if whole >= 1 {
        Affinity::Medium
    } else {
        Affinity::Low
    }
}

/// Splits a printed holder into its owners: joint accounts print "Max Mustermann, Erika
/// Mustermann", "ADA OBI & EMEKA OBI", "M. ET MME DUPONT", "Jane and John Doe". A comma
/// separates owners only when both sides have two words or more ("Doe, John" is one person).
pub fn owners(holder: &str) -> Vec<String> {
    const JOINERS: &[&str] = &["&", "and", "et", "und", "or", "ou", "oder", "+", "/"];
    let mut parts: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for token in holder.split_whitespace() {
        if JOINERS.iter().any(|j| j.eq_ignore_ascii_case(token)) {
            if !current.is_empty() {
                parts.push(current.join(" "));
            }
            current.clear();
        } else {
            current.push(token);
        }
    }
    if !current.is_empty() {
        parts.push(current.join(" "));
    }
    parts
        .into_iter()
        .flat_map(|part| {
            let pieces: Vec<String> = part
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect();
            if pieces.len() > 1 && pieces.iter().all(|p| p.split_whitespace().count() >= 2) {
                pieces
            } else {
                vec![part]
            }
        })
        .collect()
}

/// True when the printed holder names more than one owner; `None` when there is no holder.
pub fn jointly_managed(holder: Option<&str>) -> Option<bool> {
    let holder = holder.map(str::trim).filter(|h| !h.is_empty())?;
    Some(owners(holder).len() > 1)
}

/// The best-matching owner of a printed holder and its affinity: the whole printed name is
/// tried as well as each owner, so a joint holder matches either owner.
pub fn best_match(provided: &str, holder: &str) -> (String, Affinity) {
    let mut candidates = owners(holder);
    candidates.push(holder.trim().to_owned());
    candidates
        .into_iter()
        .map(|name| {
            let level = affinity(provided, &name);
            (name, level)
        })
        .min_by(|x, y| x.1.cmp(&y.1))
        .unwrap_or_else(|| (holder.to_owned(), Affinity::Low))
}
