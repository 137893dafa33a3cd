//! MT940 the way German and Dutch banks write it: one message, `:60F:`/`:62F:` balances, each
//! transaction a `:61:` line and a structured `:86:` (`GVC?00booking text?20…?29…?60…?63`).
//!
//! What MT940 cannot carry, and how this writer gives way:
//! * Text must be in the SWIFT "x" character set; [`swift_charset`] transliterates.
//! * The purpose has 14 subfields of 27 characters (378 characters); longer descriptions are cut.
//! * Lines are at most 65 characters; each subfield goes on its own line, which readers join
//!   without a separator, so the text comes back exactly.
//! * References are at most 16 characters.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::{Amount, Statement};

/// Purpose subfields in order: ?20–?29, then ?60–?63.
const PURPOSE_CODES: [u8; 14] = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 60, 61, 62, 63];

/// Characters per structured subfield.
const SUBFIELD_CHARS: usize = 27;

/// Transliterates text into the SWIFT "x" character set
/// (`a-z A-Z 0-9 / - ? : ( ) . , ' + space`) the way European banks do:
/// * German umlauts and ß are spelled out (ä → ae, Ö → Oe, ß → ss);
/// * other accented Latin letters lose their accent (é → e, ã → a, ç → c, ñ → n);
/// * `&` → `+`, `"` → `'`, `;` → `,`, `<`/`[`/`{` → `(`, `>`/`]`/`}` → `)`, `°` → `o`, `_` → `-`,
///   whitespace → space;
/// * `?` → `.`: it is the subfield separator of structured `:86:` text;
/// * anything else → `.`;
/// * then whitespace is collapsed and trimmed.
pub fn swift_charset(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'a'..='z'
            | 'A'..='Z'
            | '0'..='9'
            | '/'
            | '-'
            | ':'
            | '('
            | ')'
            | '.'
            | ','
            | '\''
            | '+'
            | ' ' => out.push(c),
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            '&' => out.push('+'),
            '"' | '“' | '”' | '‘' | '’' | '`' | '´' => out.push('\''),
            ';' => out.push(','),
            '<' | '[' | '{' => out.push('('),
            '>' | ']' | '}' => out.push(')'),
            '°' | 'º' => out.push('o'),
            '_' => out.push('-'),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(fold_accent(c).unwrap_or('.')),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The unaccented letter of a Latin-1 / Latin Extended-A letter.
fn fold_accent(c: char) -> Option<char> {
    const TABLE: &[(&str, char)] = &[
        ("àáâãåāăą", 'a'),
        ("ÀÁÂÃÅĀĂĄ", 'A'),
        ("çćĉċč", 'c'),
        ("ÇĆĈĊČ", 'C'),
        ("ďđ", 'd'),
        ("ĎĐ", 'D'),
        ("èéêëēĕėęě", 'e'),
        ("ÈÉÊËĒĔĖĘĚ", 'E'),
        ("ìíîïĩīĭįı", 'i'),
        ("ÌÍÎÏĨĪĬĮİ", 'I'),
        ("ñńņňŉ", 'n'),
        ("ÑŃŅŇ", 'N'),
        ("òóôõøōŏő", 'o'),
        ("ÒÓÔÕØŌŎŐ", 'O'),
        ("ùúûũūŭůűų", 'u'),
        ("ÙÚÛŨŪŬŮŰŲ", 'U'),
        ("ýÿŷ", 'y'),
        ("ÝŸŶ", 'Y'),
        ("śŝşšș", 's'),
        ("ŚŜŞŠȘ", 'S'),
        ("ţťțŧ", 't'),
        ("ŢŤȚŦ", 'T'),
        ("źżž", 'z'),
        ("ŹŻŽ", 'Z'),
        ("ĺļľŀł", 'l'),
        ("ĹĻĽĿŁ", 'L'),
        ("ĝğġģ", 'g'),
        ("ĜĞĠĢ", 'G'),
        ("ŕŗř", 'r'),
        ("ŔŖŘ", 'R'),
    ];
    TABLE
        .iter()
        .find(|(set, _)| set.contains(c))
        .map(|(_, base)| *base)
}

fn yymmdd(date: NaiveDate) -> String {
    format!(
        "{:02}{:02}{:02}",
        date.year().rem_euclid(100),
        date.month(),
        date.day()
    )
}

/// "1234,56": the unsigned amount with a decimal comma (a trailing comma for whole amounts).
fn swift_amount(amount: Amount) -> String {
    let text = amount.abs().to_string();
    if text.contains('.') {
        text.replace('.', ",")
    } else {
        format!("{text},")
    }
}

fn balance(tag: &str, amount: Amount, date: NaiveDate, currency: &str) -> String {
    let mark = if amount.is_negative() { 'D' } else { 'C' };
    format!(
        ":{tag}:{mark}{}{currency}{}\r\n",
        yymmdd(date),
        swift_amount(amount)
    )
}

/// Writes one statement as an MT940 message.
pub fn write(statement: &Statement) -> Vec<u8> {
    let currency = statement.currency.code();
    let first = statement.transactions.first().map(|t| t.date);
    let last = statement.transactions.last().map(|t| t.date);
    let start = statement
        .period
        .map(|p| p.start)
        .or(first)
        .unwrap_or_default();
    let end = statement.period.map(|p| p.end).or(last).unwrap_or(start);
    let account = &statement.account;
    let account_text = match (&account.iban, &account.bank_id, &account.number) {
        (Some(iban), _, _) => iban.reveal().to_owned(),
        (None, Some(bank), Some(number)) => {
            format!("{}/{}", swift_charset(bank), swift_charset(number.reveal()))
        }
        (None, None, Some(number)) => swift_charset(number.reveal()),
        _ => "UNKNOWN".to_owned(),
    };
    let mut out = String::new();
    out.push_str(":20:LEDGERLENS\r\n");
    let _ = write!(out, ":25:{account_text}\r\n:28C:00001/001\r\n");
    if let Some(opening) = statement.opening_balance {
        out.push_str(&balance("60F", opening, start, currency));
    }
    for t in &statement.transactions {
        let mark = if t.amount.is_negative() { 'D' } else { 'C' };
        let value = t.value_date.unwrap_or(t.date);
        let reference: String = t
            .reference
            .as_deref()
            .map(swift_charset)
            .map(|r| r.replace(' ', "").chars().take(16).collect::<String>())
            .filter(|r| !r.is_empty() && !r.starts_with('/'))
            .unwrap_or_else(|| "NONREF".to_owned());
        let _ = write!(
            out,
            ":61:{}{:02}{:02}{mark}{}NMSC{reference}\r\n",
            yymmdd(value),
            t.date.month(),
            t.date.day(),
            swift_amount(t.amount)
        );
        let (code, booking) = if t.amount.is_negative() {
            ("177", "UEBERWEISUNG")
        } else {
            ("166", "GUTSCHRIFT")
        };
        let _ = write!(out, ":86:{code}?00{booking}");
        let purpose: Vec<char> = swift_charset(&t.description).chars().collect();
        for (chunk, code) in purpose.chunks(SUBFIELD_CHARS).zip(PURPOSE_CODES) {
            let _ = write!(out, "\r\n?{code}{}", chunk.iter().collect::<String>());
        }
        let party = &t.counterparty;
        if let Some(bank) = &party.bank_id {
            let _ = write!(
                out,
                "\r\n?30{}",
                swift_charset(bank)
                    .chars()
                    .take(SUBFIELD_CHARS)
                    .collect::<String>()
            );
        }
        if let Some(number) = &party.account {
            let _ = write!(
                out,
                "\r\n?31{}",
                swift_charset(number)
                    .chars()
                    .take(SUBFIELD_CHARS)
                    .collect::<String>()
            );
        }
        if let Some(name) = &party.name {
            let name: Vec<char> = swift_charset(name).chars().collect();
            for (chunk, code) in name.chunks(SUBFIELD_CHARS).zip([32, 33]) {
                let _ = write!(out, "\r\n?{code}{}", chunk.iter().collect::<String>());
            }
        }
        out.push_str("\r\n");
    }
    if let Some(closing) = statement.closing_balance {
        out.push_str(&balance("62F", closing, end, currency));
    }
    if let Some(available) = statement.available_balance {
        out.push_str(&balance("64", available, end, currency));
    }
    out.push_str("-\r\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenerateOptions, generate};

    #[test]
    fn transliteration_keeps_only_the_swift_x_set() {
        assert_eq!(
            swift_charset("Überweisung \"Miete\", Müller/Straße"),
            "Ueberweisung 'Miete', Mueller/Strasse"
        );
        assert_eq!(
            swift_charset("Paiement café Crème & Cie; «spécial»"),
            "Paiement cafe Creme + Cie, .special."
        );
        assert_eq!(
            swift_charset("São N°12/B 50% R&D <tag> what?"),
            "Sao No12/B 50. R+D (tag) what."
        );
        assert_eq!(swift_charset(" tab\there  "), "tab here");
    }

    #[test]
    fn every_line_fits_in_65_characters_and_the_set() {
        let statement = generate(&GenerateOptions {
            transactions: 200,
            ..GenerateOptions::default()
        });
        let text = String::from_utf8(write(&statement)).unwrap();
        for line in text.split("\r\n") {
            assert!(line.chars().count() <= 65, "{line}");
            assert!(
                line.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c)),
                "{line}"
            );
        }
        assert_eq!(text.matches(":61:").count(), 200);
    }

    #[test]
    fn amounts_use_a_decimal_comma() {
        assert_eq!(swift_amount(Amount::parse("-12.50").unwrap()), "12,50");
        assert_eq!(swift_amount(Amount::parse("7").unwrap()), "7,");
    }
}
