//! Is the account holder a person or a business?
//!
//! The same credit means different things on the two: a transfer from a stranger is a gift to a
//! person and a sale to a shop. Lenders usually say which (Periculum's `statementType`, EnvoyX's
//! business type); when they do not, the holder's name usually does — legal forms and trade
//! words ("ADEBAYO VENTURES LTD", "ETS KOUAME ET FILS", "Becker Handel GmbH").

use serde::Serialize;

use crate::normalize::normalize;

/// Kind of account holder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HolderKind {
    /// A natural person.
    Person,
    /// A company, sole trader's business or organisation.
    Business,
    /// The name does not say.
    Ambiguous,
}

/// Legal forms, in the countries we ship packs for.
const LEGAL_FORMS: &[&str] = &[
    "ltd",
    "limited",
    "plc",
    "llc",
    "llp",
    "inc",
    "corp",
    "corporation",
    "sarl",
    "sarlu",
    "sas",
    "sasu",
    "eurl",
    "sa",
    "snc",
    "sci",
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "ev",
    "pty",
    "pvt",
    "cc",
    "bv",
    "nv",
    "srl",
    "spa",
    "gie",
    "ets",
    "societe",
    "ste",
    "co",
];

/// Words that name a trade or an organisation rather than a person.
const TRADE_WORDS: &[&str] = &[
    "ventures",
    "enterprise",
    "enterprises",
    "concepts",
    "trading",
    "traders",
    "services",
    "holdings",
    "agencies",
    "agency",
    "commerce",
    "distribution",
    "handel",
    "contractors",
    "retail",
    "clinic",
    "clinique",
    "hospital",
    "hopital",
    "pharmacy",
    "pharmacie",
    "apotheke",
    "stores",
    "store",
    "supermarket",
    "restaurant",
    "hotel",
    "school",
    "ecole",
    "academy",
    "church",
    "ministry",
    "association",
    "cooperative",
    "foundation",
    "fondation",
    "group",
    "groupe",
    "industries",
    "international",
    "global",
    "integrated",
    "solutions",
    "consulting",
    "logistics",
    "transport",
    "construction",
    "renovation",
    "partner",
    "partners",
    "sons",
    "fils",
    "sohn",
    "sohne",
    "brothers",
    "freres",
    "medical",
    "centre",
    "center",
    "laboratoire",
    "laboratory",
    "boutique",
    "kirana",
    "provisions",
    "cabinet",
    "garage",
    "bakery",
    "boulangerie",
    "farms",
    "agro",
    "microfinance",
    "bank",
    "company",
];

/// True for a legal form or trade word: words a business shares with thousands of others, so
/// they do not identify the holder in a narration.
pub fn is_generic_business_word(word: &str) -> bool {
    LEGAL_FORMS.contains(&word) || TRADE_WORDS.contains(&word)
}

/// Classifies a holder name.
pub fn holder_kind(name: &str) -> HolderKind {
    let normalized = normalize(name);
    let words: Vec<&str> = normalized.split_whitespace().collect();
    if words.is_empty() {
        return HolderKind::Ambiguous;
    }
    if words
        .iter()
        .any(|word| LEGAL_FORMS.contains(word) || TRADE_WORDS.contains(word))
    {
        return HolderKind::Business;
    }
    if (2..=5).contains(&words.len())
        && words
            .iter()
            .all(|word| word.chars().all(char::is_alphabetic))
    {
        HolderKind::Person
    } else {
        HolderKind::Ambiguous
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_and_trade_words_make_a_business() {
        for name in [
            "ADEBAYO VENTURES LTD",
            "ETS KOUAME ET FILS",
            "Becker Handel GmbH",
            "SAS MARTIN SERVICES",
            "OCHIENG HOLDINGS",
            "PATEL AND CO",
            "Clinique La Providence",
        ] {
            assert_eq!(holder_kind(name), HolderKind::Business, "{name}");
        }
    }

    #[test]
    fn plain_names_are_people() {
        for name in ["ADA OBI", "Jean-Pierre Dupont", "Kwame Mensah Asante"] {
            assert_eq!(holder_kind(name), HolderKind::Person, "{name}");
        }
        assert_eq!(holder_kind(""), HolderKind::Ambiguous);
        assert_eq!(holder_kind("ACCT 0012345"), HolderKind::Ambiguous);
    }
}
