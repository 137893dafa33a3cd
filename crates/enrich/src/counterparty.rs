//! Who is on the other side: one payer or payee, one key.
//!
//! A lender asks "how many different people pay this borrower" and "is this the same employer
//! every month"; the bank prints the same payer as "NIP/FROM ACME LTD/REF 0093", "TRF FRM ACME
//! LIMITED 12/03" and "ACME LTD SALARY". The key is what is left once the rails and verbs of the
//! country's packs (`[counterparty] strip`), references, card numbers, dates, terminal ids and
//! legal suffixes are removed: the first three significant words, upper-cased.

use crate::normalize::normalize;
use crate::rulebook::{Rulebook, Scope};

/// At most this many words make a key; banks truncate names anyway, and the first words are the
/// ones they keep.
const KEY_WORDS: usize = 3;

/// Words that never name anybody: connectors, calendar words, legal suffixes, generic rails.
const NOISE: &[&str] = &[
    "to",
    "from",
    "frm",
    "for",
    "the",
    "of",
    "by",
    "via",
    "at",
    "on",
    "in",
    "and",
    "a",
    "an",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "en",
    "par",
    "pour",
    "au",
    "aux",
    "von",
    "an",
    "fur",
    "zu",
    "und",
    "der",
    "die",
    "das",
    "ltd",
    "limited",
    "plc",
    "llc",
    "inc",
    "corp",
    "co",
    "company",
    "sarl",
    "sa",
    "sas",
    "sasu",
    "eurl",
    "gmbh",
    "ag",
    "kg",
    "ug",
    "pty",
    "pvt",
    "nig",
    "bv",
    "nv",
    "srl",
    "spa",
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "januar",
    "februar",
    "marz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "ref",
    "reference",
    "no",
    "nr",
    "num",
    "id",
    "card",
    "carte",
    "karte",
];

/// True for tokens that are references rather than names: mostly digits (refs, phones, dates,
/// masked cards such as `5399xxxx1234`) or one letter.
fn is_reference(token: &str) -> bool {
    let digits = token.bytes().filter(u8::is_ascii_digit).count();
    let letters = token.chars().count() - digits;
    letters <= 1 && token.chars().count() <= 2
        || digits * 2 >= token.len() && digits > 0
        || token.contains("xxxx")
}

fn is_noise(token: &str) -> bool {
    static SET: std::sync::OnceLock<crate::fxhash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| NOISE.iter().copied().collect())
        .contains(token)
        || is_reference(token)
}

/// The key of a name as an analyst types it (used for tenant overrides).
pub fn key_of(name: &str) -> String {
    let normalized = normalize(name);
    normalized
        .split_whitespace()
        .filter(|token| !is_noise(token))
        .take(KEY_WORDS)
        .map(str::to_uppercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The counterparty key of a normalised description, or `None` when nothing is left.
///
/// `normalized` comes from [`crate::normalize::normalize_into`]; `scratch` is reused.
pub(crate) fn extract(
    book: &Rulebook,
    scope: Scope,
    normalized: &str,
    strips: &mut [(usize, usize)],
    scratch: &mut String,
    key: &mut String,
) -> bool {
    scratch.clear();
    key.clear();
    // Leftmost-longest, non-overlapping: the spans come from an overlapping scan.
    strips.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut last = 0;
    for &(start, end) in strips.iter() {
        // Phrases are padded with spaces, so consecutive ones share a space: allow one byte.
        if start + 1 < last {
            continue;
        }
        scratch.push_str(normalized.get(last.min(start)..start).unwrap_or(""));
        scratch.push(' ');
        last = end;
    }
    scratch.push_str(normalized.get(last..).unwrap_or(""));
    let mut words = 0;
    for token in scratch.split_whitespace() {
        let stops = book
            .stop
            .get(token)
            .is_some_and(|packs| packs & scope.0 != 0);
        if stops && words > 0 {
            break;
        }
        if stops || is_noise(token) {
            continue;
        }
        if words > 0 {
            key.push(' ');
        }
        key.extend(token.chars().flat_map(char::to_uppercase));
        words += 1;
        if words == KEY_WORDS {
            break;
        }
    }
    !key.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_cards_are_not_names() {
        assert!(is_reference("0803123456"));
        assert!(is_reference("5399xxxx1234"));
        assert!(is_reference("12"));
        assert!(is_reference("x"));
        assert!(!is_reference("bet9ja"));
        assert!(!is_reference("1xbet"));
        assert!(!is_reference("shoprite"));
    }

    #[test]
    fn keys_drop_legal_suffixes_and_case() {
        assert_eq!(key_of("Acme Ltd."), "ACME");
        assert_eq!(key_of("acme limited"), "ACME");
        assert_eq!(key_of("Boulangerie du Marché SARL"), "BOULANGERIE MARCHE");
    }
}
