//! Numbers drawn in an odd font: the classic trace of an edited amount.
//!
//! A statement's generator draws every amount of its table in one font. Someone who changes an
//! amount in an editor gets the editor's idea of that font: another family, or the same family
//! embedded a second time (a new subset, so a new `ABCDEF+` tag), and sometimes only the digits
//! they typed. Bold or italic variants of the table's own family are left alone: generators use
//! them for totals.

use std::collections::HashMap;

use ledgerlens_core::{Finding, Severity};
use ledgerlens_ingest::pdf::Word;

use crate::words::BuiltWord;

/// At least this many numbers on a page before its dominant font means anything.
const MIN_NUMBERS: usize = 6;

/// A font is "odd" for numbers when it draws at most this many of them (or this fraction).
const MAX_ODD: usize = 3;
const MAX_ODD_SHARE: f32 = 0.1;

/// Words quoted in a reason, at most.
const QUOTED: usize = 5;

/// The parts of a font name that matter for comparing fonts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FontName {
    /// The subset tag (`ABCDEF` of `ABCDEF+Arial`), if embedded as a subset.
    pub subset: Option<String>,
    /// Lower-case family without style or foundry suffixes: `arial` for `Arial-BoldMT`.
    pub family: String,
    /// Lower-case style words found in the name, sorted: `bold`, `italic`.
    pub style: Vec<&'static str>,
}

/// Splits a PostScript font name into subset tag, family and style.
pub fn font_name(name: &str) -> FontName {
    let (subset, base) = match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()) => {
            (Some(tag.to_owned()), rest)
        }
        _ => (None, name),
    };
    let lower = base.to_lowercase();
    let mut style = Vec::new();
    for (word, canonical) in [
        ("bold", "bold"),
        ("black", "bold"),
        ("heavy", "bold"),
        ("semibold", "bold"),
        ("italic", "italic"),
        ("oblique", "italic"),
    ] {
        if lower.contains(word) && !style.contains(&canonical) {
            style.push(canonical);
        }
    }
    style.sort_unstable();
    let stem = lower
        .split(['-', ',', ' '])
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut family = stem;
    for suffix in [
        "psmt",
        "mt",
        "ps",
        "bolditalic",
        "bold",
        "italic",
        "regular",
    ] {
        if let Some(cut) = family.strip_suffix(suffix).filter(|f| !f.is_empty()) {
            family = cut.to_owned();
        }
    }
    FontName {
        subset,
        family,
        style,
    }
}

/// True for words that read as amounts, dates or reference numbers: digits with punctuation,
/// currency signs and an optional CR/DR marker, no other letters.
pub fn is_numeric(text: &str) -> bool {
    let trimmed = text
        .strip_suffix("CR")
        .or_else(|| text.strip_suffix("DR"))
        .unwrap_or(text);
    let mut digits = 0usize;
    for ch in trimmed.chars() {
        if ch.is_ascii_digit() {
            digits += 1;
        } else if !(".,-+()/:'’ %".contains(ch) || is_currency(ch)) {
            return false;
        }
    }
    digits > 0
}

fn is_currency(ch: char) -> bool {
    matches!(
        ch,
        '$' | '€'
            | '£'
            | '¥'
            | '₦'
            | '₹'
            | '₱'
            | '₩'
            | '₺'
            | '₴'
            | '₽'
            | '₪'
            | '₫'
            | '₵'
    )
}

/// How a font relates to the table's font.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Relation {
    /// Same font, same style, embedded twice: a second subset was added later.
    Reembedded,
    /// A different family.
    OtherFamily,
    /// Same family, another style (bold totals): not a signal.
    StyleVariant,
    /// Same name (cannot happen for distinct indices, but harmless).
    Same,
}

fn relation(table: &FontName, odd: &FontName) -> Relation {
    if table.family != odd.family {
        Relation::OtherFamily
    } else if table.style != odd.style {
        Relation::StyleVariant
    } else if table.subset != odd.subset {
        Relation::Reembedded
    } else {
        Relation::Same
    }
}

/// `odd_font` findings for one page.
pub fn odd_fonts(page: u32, words: &[BuiltWord], fonts: &[String]) -> Vec<Finding> {
    let numbers: Vec<&BuiltWord> = words
        .iter()
        .filter(|w| w.word.font.is_some() && is_numeric(&w.word.text))
        .collect();
    let mut findings = Vec::new();
    if numbers.len() < MIN_NUMBERS {
        return findings;
    }
    let mut per_font: HashMap<u16, Vec<&Word>> = HashMap::new();
    for w in &numbers {
        if let Some(font) = w.word.font {
            per_font.entry(font).or_default().push(&w.word);
        }
    }
    let Some((&table_font, table_words)) = per_font
        .iter()
        .max_by_key(|(font, ws)| (ws.len(), std::cmp::Reverse(**font)))
    else {
        return findings;
    };
    let name_of = |font: u16| -> &str {
        fonts
            .get(usize::from(font))
            .map(String::as_str)
            .unwrap_or("?")
    };
    let table_name = font_name(name_of(table_font));
    let limit = MAX_ODD.max((numbers.len() as f32 * MAX_ODD_SHARE) as usize);
    let mut odd: Vec<(u16, &Vec<&Word>)> = per_font
        .iter()
        .filter(|(font, ws)| **font != table_font && ws.len() <= limit)
        .map(|(font, ws)| (*font, ws))
        .collect();
    odd.sort_by_key(|(font, _)| *font);
    for (font, odd_words) in odd {
        let severity = match relation(&table_name, &font_name(name_of(font))) {
            Relation::Reembedded => Severity::Critical,
            Relation::OtherFamily => Severity::Warning,
            Relation::StyleVariant | Relation::Same => continue,
        };
        // Only numbers that sit in the table: in a column or on a row of the table's numbers.
        let in_table: Vec<&Word> = odd_words
            .iter()
            .copied()
            .filter(|w| {
                table_words
                    .iter()
                    .any(|t| same_column(t, w) || same_row(t, w))
            })
            .collect();
        if in_table.is_empty() {
            continue;
        }
        findings.push(Finding {
            code: "odd_font".to_owned(),
            severity,
            reason: format!(
                "on page {page}, {} drawn in the font {} while the other {} numbers of the table \
                 use {}{}",
                quote(&in_table),
                name_of(font),
                table_words.len(),
                name_of(table_font),
                if severity == Severity::Critical {
                    " (the same font embedded a second time, as an editor does when text is \
                     typed over)"
                } else {
                    ""
                }
            ),
            page: Some(page),
        });
    }
    let mixed: Vec<&Word> = numbers
        .iter()
        .filter(|w| w.mixed_fonts)
        .map(|w| &w.word)
        .collect();
    if !mixed.is_empty() {
        findings.push(Finding {
            code: "odd_font".to_owned(),
            severity: Severity::Critical,
            reason: format!(
                "on page {page}, {} drawn with glyphs from more than one font, as when digits \
                 are typed over a printed number",
                quote(&mixed)
            ),
            page: Some(page),
        });
    }
    findings
}

fn same_column(a: &Word, b: &Word) -> bool {
    a.x0.max(b.x0) < a.x1.min(b.x1)
}

fn same_row(a: &Word, b: &Word) -> bool {
    a.y0.max(b.y0) < a.y1.min(b.y1)
}

fn quote(words: &[&Word]) -> String {
    let mut parts: Vec<String> = words
        .iter()
        .take(QUOTED)
        .map(|w| format!("\"{}\"", w.text))
        .collect();
    if words.len() > QUOTED {
        parts.push(format!("and {} more", words.len() - QUOTED));
    }
    let verb = if words.len() == 1 { "is" } else { "are" };
    format!("{} {verb}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x0: f32, row: u32, font: u16) -> BuiltWord {
        let y0 = 100.0 + 14.0 * row as f32;
        BuiltWord {
            word: Word {
                text: text.to_owned(),
                x0,
                y0,
                x1: x0 + 40.0,
                y1: y0 + 10.0,
                font: Some(font),
                size: 9.0,
                confidence: None,
            },
            mixed_fonts: false,
        }
    }

    /// A table of ten rows: a date and an amount per row, in font 0.
    fn table() -> Vec<BuiltWord> {
        (0..10)
            .flat_map(|row| {
                [
                    word("01/02/2024", 50.0, row, 0),
                    word("Payment", 120.0, row, 0),
                    word("1,234.56", 400.0, row, 0),
                ]
            })
            .collect()
    }

    fn fonts(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn font_names_split_into_subset_family_and_style() {
        let f = font_name("ABCDEF+Arial-BoldMT");
        assert_eq!(f.subset.as_deref(), Some("ABCDEF"));
        assert_eq!(f.family, "arial");
        assert_eq!(f.style, ["bold"]);
        assert_eq!(font_name("ArialMT").family, "arial");
        assert_eq!(
            font_name("TimesNewRomanPS-BoldItalicMT").family,
            "timesnewroman"
        );
        assert_eq!(
            font_name("TimesNewRomanPS-BoldItalicMT").style,
            ["bold", "italic"]
        );
        assert_eq!(font_name("Helvetica").subset, None);
        assert_eq!(font_name("abc+Helvetica").family, "abc+helvetica");
    }

    #[test]
    fn numbers_are_amounts_dates_and_codes_but_not_words() {
        for yes in [
            "1,234.56",
            "-12.50",
            "(300.00)",
            "01/02/2024",
            "12.50CR",
            "€5",
            "1 000,00",
        ] {
            assert!(is_numeric(yes), "{yes}");
        }
        for no in ["Payment", "REF12", "CR", "-", "12abc"] {
            assert!(!is_numeric(no), "{no}");
        }
    }

    #[test]
    fn one_amount_in_another_family_is_reported_with_its_text_and_page() {
        let mut words = table();
        words.push(word("9,999.00", 400.0, 10, 1));
        let found = odd_fonts(2, &words, &fonts(&["Helvetica", "ArialMT"]));
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(
            (f.code.as_str(), f.severity, f.page),
            ("odd_font", Severity::Warning, Some(2))
        );
        assert!(
            f.reason
                .contains("\"9,999.00\" is drawn in the font ArialMT"),
            "{}",
            f.reason
        );
        assert!(f.reason.contains("other 20 numbers"), "{}", f.reason);
    }

    #[test]
    fn the_same_font_embedded_a_second_time_is_critical() {
        let mut words = table();
        words.push(word("9,999.00", 400.0, 10, 1));
        let found = odd_fonts(1, &words, &fonts(&["ABCDEF+Arial", "QWERTY+Arial"]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Critical);
    }

    #[test]
    fn bold_totals_in_the_tables_family_are_not_reported() {
        let mut words = table();
        words.push(word("12,345.60", 400.0, 11, 1));
        let found = odd_fonts(1, &words, &fonts(&["Helvetica", "Helvetica-Bold"]));
        assert_eq!(found, []);
    }

    #[test]
    fn numbers_away_from_the_table_are_not_reported() {
        let mut words = table();
        let mut far = word("2024", 700.0, 40, 1);
        far.word.y0 = 900.0;
        far.word.y1 = 910.0;
        words.push(far);
        assert_eq!(odd_fonts(1, &words, &fonts(&["Helvetica", "Courier"])), []);
    }

    #[test]
    fn a_page_with_few_numbers_says_nothing() {
        let words = vec![word("1.00", 400.0, 0, 0), word("2.00", 400.0, 1, 1)];
        assert_eq!(odd_fonts(1, &words, &fonts(&["Helvetica", "Courier"])), []);
    }

    #[test]
    fn a_number_drawn_in_two_fonts_is_critical() {
        let mut words = table();
        words[2].mixed_fonts = true;
        let found = odd_fonts(4, &words, &fonts(&["Helvetica"]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Critical);
        assert!(
            found[0]
                .reason
                .contains("\"1,234.56\" is drawn with glyphs from more than one font")
        );
    }

    #[test]
    fn a_second_font_used_for_many_numbers_is_a_second_column_not_an_edit() {
        let mut words = table();
        for row in 0..10 {
            words.push(word("5.00", 300.0, row, 1));
        }
        assert_eq!(odd_fonts(1, &words, &fonts(&["Helvetica", "Courier"])), []);
    }
}
