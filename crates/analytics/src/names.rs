//! Account-holder name matching: is the name the lender was given the name the bank prints?
//!
//! Statements print names in every form: upper case, accents dropped or kept, punctuation in
//! legal forms (`S.A.R.L.`), the legal form first or last or missing, surname first. A lender
//! asks only whether the borrower is the account holder, so these differences must not count,
//! while a different name must. Both names are normalised the way enrichment normalises
//! narrations (lower case, accents folded, punctuation to spaces), runs of single letters are
//! joined (`s a r l` → `sarl`) so dotted legal forms read as words, and legal forms are dropped.
//! What remains is compared as a set of words: the same words in any order are EXACT, words in
//! common above 60% similarity (Dice coefficient) are PARTIAL, anything else is a MISMATCH.

use ledgerlens_enrich::normalize::normalize;
use serde::Serialize;

/// Legal-form suffixes (and prefixes) ignored when comparing names; they say what kind of
/// entity the holder is, not who it is, and banks print them inconsistently. `STE` is not one:
/// it abbreviates "Société" and "Sainte" alike, and dropping a saint's name would make two
/// different clinics match.
pub const LEGAL_FORMS: &[&str] = &[
    "sarl",
    "sarlu",
    "sa",
    "sas",
    "sasu",
    "eurl",
    "snc",
    "sci",
    "scs",
    "gie",
    "ets",
    "etablissements",
    "societe",
    "ltd",
    "limited",
    "plc",
    "llc",
    "llp",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "ev",
    "pty",
    "pvt",
    "bv",
    "nv",
    "srl",
    "spa",
    "cc",
];

/// Similarity (Dice coefficient of the word sets) above which two names are a PARTIAL match,
/// as the spec states ("shared tokens above 60% similarity").
pub const PARTIAL_THRESHOLD: f64 = 0.6;

/// Result of comparing the declared name with the printed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NameMatch {
    /// The same words after normalisation (order ignored).
    Exact,
    /// Words in common above [`PARTIAL_THRESHOLD`] similarity.
    Partial,
    /// Not the same name.
    Mismatch,
}

/// The comparison with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NameComparison {
    /// EXACT, PARTIAL or MISMATCH.
    pub result: NameMatch,
    /// Dice coefficient of the two word sets, 0–1.
    pub similarity: f64,
    /// Words both names have (normalised, upper case), in the order of the declared name.
    pub shared_tokens: Vec<String>,
    /// Plain-language explanation (shared tokens and similarity percentage).
    pub details: String,
}

/// The words of a name that identify the holder: normalised, dotted initials joined, legal
/// forms dropped. A name made only of legal forms keeps them (there is nothing else to compare).
pub fn name_tokens(name: &str) -> Vec<String> {
    let normalized = normalize(name);
    let mut words: Vec<String> = Vec::new();
    let mut letters = String::new();
    for word in normalized.split_whitespace() {
        if word.chars().count() == 1 {
            letters.push_str(word);
            continue;
        }
        if !letters.is_empty() {
            words.push(std::mem::take(&mut letters));
        }
        words.push(word.to_owned());
    }
    if !letters.is_empty() {
        words.push(letters);
    }
    let kept: Vec<String> = words
        .iter()
        .filter(|word| !LEGAL_FORMS.contains(&word.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() { words } else { kept }
}

/// Compares the declared name (`declared`) with the name printed on the statement (`printed`).
pub fn compare(declared: &str, printed: &str) -> NameComparison {
    let a = name_tokens(declared);
    let b = name_tokens(printed);
    let mut unused: Vec<&String> = b.iter().collect();
    let mut shared = Vec::new();
    for word in &a {
        if let Some(position) = unused.iter().position(|other| *other == word) {
            unused.remove(position);
            shared.push(word.to_uppercase());
        }
    }
    let total = a.len() + b.len();
    let similarity = if total == 0 {
        0.0
    } else {
        (2 * shared.len()) as f64 / total as f64
    };
    let result = if !a.is_empty() && shared.len() == a.len() && a.len() == b.len() {
        NameMatch::Exact
    } else if similarity > PARTIAL_THRESHOLD {
        NameMatch::Partial
    } else {
        NameMatch::Mismatch
    };
    let percent = (similarity * 100.0).round();
    let details = match result {
        NameMatch::Exact if a == b => {
            "names are identical after normalising case, accents, punctuation and legal forms"
                .to_owned()
        }
        NameMatch::Exact => {
            "same words in a different order after normalising case, accents, punctuation and legal forms"
                .to_owned()
        }
        _ if shared.is_empty() => format!("no shared tokens; similarity {percent}%"),
        _ => format!(
            "shared tokens: {}; similarity {percent}%",
            shared.join(", ")
        ),
    };
    NameComparison {
        result,
        similarity,
        shared_tokens: shared,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_legal_forms_are_dropped() {
        assert_eq!(
            name_tokens("Clinique Sainte-Marie S.A.R.L."),
            ["clinique", "sainte", "marie"]
        );
        assert_eq!(compare("ACME SA", "Acme").result, NameMatch::Exact);
    }
}
