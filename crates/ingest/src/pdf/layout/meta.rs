//! Statement facts from the text above the table: bank, holder, account, IBAN, currency, period,
//! balances.
//!
//! Banks print these as "Label: value" pairs or as a label and a value set apart in the same
//! line. Labels come from the shared vocabulary, matched whole so that a description such as
//! "Account maintenance fee" is never taken for an account-number label. Dates are kept as text:
//! their day/month order is decided later, together with the table's.

use ledgerlens_core::{AccountNumber, Currency, Iban};

use super::super::Word;
use super::lines::{Line, join, phrases};
use crate::dates::{looks_like_date, month_from_name};
use crate::formats::tabular::vocab::{self, Label};

/// What the page says about the statement.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// Bank name.
    pub bank: Option<String>,
    /// BIC, sort code, routing number.
    pub bank_id: Option<String>,
    /// Account holder.
    pub holder: Option<String>,
    /// Account number.
    pub number: Option<AccountNumber>,
    /// IBAN, when its check digits hold.
    pub iban: Option<Iban>,
    /// Account currency.
    pub currency: Option<Currency>,
    /// Period as printed: first and last day.
    pub period: Option<(String, String)>,
    /// Opening balance as printed.
    pub opening: Option<String>,
    /// Closing balance as printed.
    pub closing: Option<String>,
    /// A four-digit year printed in some date on the page.
    pub year: Option<i32>,
    /// The page reads as a credit-card statement (see [`CARD_PHRASES`]).
    pub card: bool,
}

/// Phrases only a credit-card statement prints, normalised. Two different ones make a card
/// statement: one alone could be a bank statement's advertisement or overdraft note.
const CARD_PHRASES: &[&str] = &[
    "minimum payment",
    "minimum amount due",
    "minimum due",
    "payment due date",
    "credit limit",
    "credit line",
    "available credit",
    "credit card",
    "card account",
    "paiement minimum",
    "plafond de la carte",
    "mindestzahlung",
    "kreditkarte",
    "kreditrahmen",
    "pago minimo",
    "tarjeta de credito",
];

/// Distinct card phrases needed.
const CARD_CUES: usize = 2;

/// Summary-box labels of card statements that the shared vocabulary (made for table headers and
/// bank statements) does not hold.
const SUMMARY_LABELS: &[(&str, Label)] = &[
    ("new balance", Label::Closing),
    ("new statement balance", Label::Closing),
    ("statement balance", Label::Closing),
    ("previous statement balance", Label::Opening),
];

/// A whole-text label: the shared vocabulary's, else a card summary's.
pub fn label_exact(text: &str) -> Option<Label> {
    vocab::label_exact(text).or_else(|| summary_label(text))
}

/// A card summary's whole-text label ("New balance", "Minimum payment due").
pub fn summary_label(text: &str) -> Option<Label> {
    let normalized = vocab::normalize(text);
    SUMMARY_LABELS
        .iter()
        .find(|(name, _)| *name == normalized)
        .map(|(_, label)| *label)
}

/// The card phrases a line holds, as indexes into [`CARD_PHRASES`].
fn card_phrases(text: &str) -> impl Iterator<Item = usize> {
    let padded = format!(" {} ", vocab::normalize(text));
    CARD_PHRASES
        .iter()
        .enumerate()
        .filter(move |(_, p)| padded.contains(&format!(" {p} ")))
        .map(|(i, _)| i)
}

/// Words that make a line the bank's name.
const BANK_WORDS: &[&str] = &[
    "bank",
    "banque",
    "banco",
    "banca",
    "bancorp",
    "bankers",
    "sparkasse",
    "volksbank",
    "caisse",
    "plc",
];

/// Longest bank name, in words.
const MAX_BANK_NAME_WORDS: usize = 8;

/// Longest label, in words.
const MAX_LABEL_WORDS: usize = 5;

/// Maps a currency symbol to its code (the dollar is taken as USD).
pub fn currency_from_symbol(text: &str) -> Option<Currency> {
    let code = match text {
        "₦" | "N" => "NGN",
        "£" => "GBP",
        "€" => "EUR",
        "$" | "US$" => "USD",
        "₵" | "GH₵" => "GHS",
        "KSh" | "Ksh" => "KES",
        "₹" => "INR",
        "¥" => "JPY",
        "R$" => "BRL",
        "FCFA" | "CFA" => "XOF",
        _ => return None,
    };
    Currency::parse(code).ok()
}

fn currency_in(value: &str) -> Option<Currency> {
    value.split_whitespace().find_map(|w| {
        let w = w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | '.' | ':'));
        (w.len() == 3 && w.bytes().all(|b| b.is_ascii_alphabetic()))
            .then(|| Currency::parse(w).ok())
            .flatten()
            .or_else(|| currency_from_symbol(w))
    })
}

/// Dates printed on a line, each as its text (one to four words long), left to right.
pub fn find_dates(words: &[Word]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() && out.len() < 8 {
        // Shortest first: "01-Jan-2024 to 27-Jan-2024" would also parse as one date.
        let found = (1..=4.min(words.len() - i)).find_map(|len| {
            let span = words.get(i..i + len)?;
            // A date starts with its day or month and ends with a number: "24 December 2023",
            // not "24 December 2023 to".
            let digit = |w: &Word| w.text.bytes().any(|b| b.is_ascii_digit());
            let starts = span
                .first()
                .is_some_and(|w| digit(w) || month_from_name(&w.text).is_some());
            if !starts || !span.last().is_some_and(digit) {
                return None;
            }
            let text = join(span);
            let text = text
                .trim_end_matches([',', ';', ':', '-'])
                .trim_end()
                .to_owned();
            looks_like_date(&text).then_some((len, text))
        });
        match found {
            Some((len, text)) => {
                out.push(text);
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// Label/value pairs of a line.
fn pairs(line: &Line) -> Vec<(Label, String)> {
    let ps = phrases(&line.words);
    let mut out = Vec::new();
    let mut i = 0;
    while i < ps.len() {
        let Some(p) = ps.get(i) else { break };
        let next = ps.get(i + 1).map(|n| n.text.clone());
        i += 1;
        if let Some((label, value)) = p.text.split_once(':') {
            let Some(l) = label_exact(label) else {
                continue;
            };
            let value = value.trim();
            if value.is_empty() {
                if let Some(v) = next {
                    out.push((l, v));
                    i += 1;
                }
            } else {
                out.push((l, value.to_owned()));
            }
            continue;
        }
        if let Some(l) = label_exact(&p.text) {
            if let Some(v) = next {
                out.push((l, v));
                i += 1;
            }
            continue;
        }
        // "Account Number 0123456789": without a colon only numbers are trusted to follow a
        // label, or "Customer service 0800 …" would name the holder.
        let words = line.words.get(p.start..p.end).unwrap_or_default();
        for k in (1..MAX_LABEL_WORDS.min(words.len())).rev() {
            let value = join(words.get(k..).unwrap_or_default());
            if let Some(l) = label_exact(&join(words.get(..k).unwrap_or_default()))
                && ((matches!(l, Label::Account | Label::Opening | Label::Closing)
                    && value.starts_with(|c: char| c.is_ascii_digit() || "₦$€£-(".contains(c)))
                    // "Account currency GBP": a lone code is as safe a value as a number.
                    || (l == Label::Currency
                        && !value.contains(' ')
                        && currency_in(&value).is_some()))
            {
                out.push((l, value));
                break;
            }
        }
    }
    out
}

fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

fn is_bank_line(text: &str) -> bool {
    vocab::normalize(text)
        .split(' ')
        .any(|t| BANK_WORDS.contains(&t))
}

/// Reads the lines above the table: those of its first page, and of the pages before it.
pub fn harvest<'a>(lines: impl IntoIterator<Item = &'a Line>) -> Meta {
    let lines: Vec<&Line> = lines.into_iter().collect();
    let mut meta = Meta::default();
    let mut cues: Vec<usize> = Vec::new();
    for &line in &lines {
        if cues.len() < CARD_CUES {
            for cue in card_phrases(&line.text()) {
                if !cues.contains(&cue) {
                    cues.push(cue);
                }
            }
        }
        for (label, value) in pairs(line) {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            match label {
                Label::Holder if meta.holder.is_none() && !value.is_empty() => {
                    meta.holder = Some(value);
                }
                Label::Account => {
                    if let Ok(iban) = Iban::parse(&value) {
                        meta.iban.get_or_insert(iban);
                    } else if meta.number.is_none() && has_digit(&value) {
                        let first = value.split_whitespace().collect::<Vec<_>>();
                        // "0123 4567 89" is one number; "0123456789 (Savings)" is a number and a note.
                        let digits: Vec<&str> =
                            first.iter().take_while(|w| has_digit(w)).copied().collect();
                        meta.number = AccountNumber::parse(&digits.join(" ")).ok();
                    }
                }
                Label::Currency => meta.currency = meta.currency.or_else(|| currency_in(&value)),
                Label::Bank if meta.bank.is_none() && !value.is_empty() => meta.bank = Some(value),
                Label::BankId if meta.bank_id.is_none() && !value.is_empty() => {
                    meta.bank_id = Some(value);
                }
                Label::Opening if meta.opening.is_none() && has_digit(&value) => {
                    meta.opening = Some(value);
                }
                Label::Closing if meta.closing.is_none() && has_digit(&value) => {
                    meta.closing = Some(value);
                }
                _ => {}
            }
        }
        if line.has_digit() {
            let dates = find_dates(&line.words);
            if meta.year.is_none() {
                meta.year = dates.iter().find_map(|d| four_digit_year(d));
            }
            let text = line.text();
            let balance_line = matches!(
                vocab::label(&text),
                Some(Label::Opening | Label::Closing | Label::Total)
            );
            if meta.period.is_none()
                && !balance_line
                && let [first, second, ..] = dates.as_slice()
            {
                meta.period = Some((first.clone(), second.clone()));
            }
        }
    }
    meta.card = cues.len() >= CARD_CUES;
    meta.bank = meta.bank.or_else(|| bank_name(&lines));
    meta
}

fn four_digit_year(text: &str) -> Option<i32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() == 4)
        .find_map(|t| t.parse::<i32>().ok())
        .filter(|y| (1970..=2100).contains(y))
}

/// A line naming a bank, else the largest text at the top when it reads as a name.
fn bank_name(lines: &[&Line]) -> Option<String> {
    // A name is short: a sentence of the small print that mentions "our bank" is not one.
    let named = lines.iter().find_map(|l| {
        phrases(&l.words)
            .into_iter()
            .next()
            .filter(|p| p.end - p.start <= MAX_BANK_NAME_WORDS && is_bank_line(&p.text))
    });
    if let Some(p) = named {
        return Some(p.text);
    }
    let mut best: Option<&Line> = None;
    for &line in lines.iter().take(6) {
        if best.is_none_or(|b| line.size() > b.size() + 0.5) {
            best = Some(line);
        }
    }
    let best = best?;
    let text = best.text();
    (best.words.len() <= MAX_BANK_NAME_WORDS
        && !has_digit(&text)
        && !text.contains(':')
        && text.chars().any(char::is_alphabetic))
    .then_some(text)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::Sheet;
    use super::*;

    #[test]
    fn labelled_facts_above_the_table_are_collected() {
        let mut sheet = Sheet::new(9.0);
        let mut lines = Vec::new();
        for text in [
            "BANQUE LEDGERLENS",
            "Titulaire : ADA OBI",
            "IBAN : FR14 2004 1010 0505 0001 3M02 606",
            "Devise : EUR",
            "Relevé du 01/01/2024 au 31/03/2024",
        ] {
            sheet.left(40.0, text);
            lines.push(sheet.line());
        }
        sheet.left(40.0, "Account Number");
        sheet.left(200.0, "0123 4567 89");
        lines.push(sheet.line());
        let meta = harvest(&lines);
        let mut sheet2 = Sheet::new(9.0);
        sheet2.left(40.0, "Account currency GBP");
        assert_eq!(
            harvest(&[sheet2.line()])
                .currency
                .map(|c| c.code().to_owned()),
            Some("GBP".into())
        );
        assert_eq!(meta.bank.as_deref(), Some("BANQUE LEDGERLENS"));
        assert_eq!(meta.holder.as_deref(), Some("ADA OBI"));
        assert_eq!(
            meta.iban.as_ref().map(Iban::reveal),
            Some("FR1420041010050500013M02606")
        );
        assert_eq!(
            meta.currency.map(|c| c.code().to_owned()),
            Some("EUR".into())
        );
        assert_eq!(
            meta.period,
            Some(("01/01/2024".to_owned(), "31/03/2024".to_owned()))
        );
        assert_eq!(meta.year, Some(2024));
        assert_eq!(
            meta.number.as_ref().map(AccountNumber::reveal),
            Some("0123456789")
        );
    }

    #[test]
    fn a_period_in_words_and_a_summary_of_balances_are_read() {
        let mut sheet = Sheet::new(9.0);
        sheet.left(40.0, "Statement Period: January 1, 2024 - March 31, 2024");
        let a = sheet.line();
        sheet
            .left(40.0, "Opening Balance:")
            .left(200.0, "$1,250.00");
        let b = sheet.line();
        let meta = harvest(&[a, b]);
        assert_eq!(
            meta.period,
            Some(("January 1, 2024".to_owned(), "March 31, 2024".to_owned()))
        );
        assert_eq!(meta.opening.as_deref(), Some("$1,250.00"));
    }
}
