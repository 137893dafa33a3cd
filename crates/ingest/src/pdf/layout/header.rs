//! Finding the transaction table's header row on a page.
//!
//! The header is the line whose words read as column names from the shared multilingual
//! vocabulary: at least a date column and a money column, and little else. Header lines carry no
//! digits, which rules out almost every other line of a statement before any vocabulary lookup
//! (the lookups are the costly part).

use ledgerlens_core::Currency;

use super::lines::{Line, phrases};
use crate::dates::DateOrder;
use crate::formats::tabular::vocab::{self, Role};

/// A header line longer than this is prose, not column names.
const MAX_HEADER_WORDS: usize = 40;

/// Longest column name, in words ("Date de l'opération" is four after folding).
const MAX_NAME_WORDS: usize = 5;

/// One column name on the header line.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// What the column holds.
    pub role: Role,
    /// Left edge of the name.
    pub x0: f32,
    /// Right edge of the name (qualifiers included).
    pub x1: f32,
    /// Currency named in the header ("Debit (NGN)").
    pub currency: Option<Currency>,
    /// Date order spelled in the header ("Date (MM/DD/YYYY)").
    pub date_order: Option<DateOrder>,
}

/// The first header line among `lines`: its index and its cells, left to right.
pub fn find(lines: &[Line]) -> Option<(usize, Vec<Cell>)> {
    lines
        .iter()
        .enumerate()
        .find_map(|(i, line)| cells(line).map(|c| (i, c)))
}

fn is_money(role: Role) -> bool {
    matches!(
        role,
        Role::Amount | Role::Debit | Role::Credit | Role::Balance
    )
}

/// Reads a line as column names, or `None` when it is not a header.
pub fn cells(line: &Line) -> Option<Vec<Cell>> {
    if line.words.len() < 2 || line.words.len() > MAX_HEADER_WORDS || line.has_digit() {
        return None;
    }
    let mut out: Vec<Cell> = Vec::new();
    let mut unknown = 0usize;
    for phrase in phrases(&line.words) {
        let words = line.words.get(phrase.start..phrase.end).unwrap_or_default();
        let mut i = 0;
        while i < words.len() {
            let longest = (1..=MAX_NAME_WORDS.min(words.len() - i))
                .rev()
                .find_map(|len| {
                    let span = words.get(i..i + len)?;
                    let m = vocab::classify(&super::lines::join(span))?;
                    m.exact.then_some((len, m))
                })
                .or_else(|| {
                    let m = vocab::classify(&words.get(i)?.text)?;
                    Some((1, m))
                });
            match longest {
                Some((len, m)) => {
                    let span = words.get(i..i + len).unwrap_or_default();
                    out.push(Cell {
                        role: m.role,
                        x0: span.first().map_or(0.0, |w| w.x0),
                        x1: span.last().map_or(0.0, |w| w.x1),
                        currency: m.currency,
                        date_order: m.date_order,
                    });
                    i += len;
                }
                None => {
                    let word = words.get(i).map(|w| (w.text.as_str(), w.x1));
                    match (word, out.last_mut()) {
                        // "(NGN)", "(₦)", "£": a qualifier of the name before it.
                        (Some((text, x1)), Some(cell)) if qualifier(text).is_some() => {
                            cell.x1 = cell.x1.max(x1);
                            if cell.currency.is_none() {
                                cell.currency = qualifier(text).flatten();
                            }
                        }
                        _ => unknown += 1,
                    }
                    i += 1;
                }
            }
        }
    }
    // A second date column is the value date ("Date ... Date" in some layouts).
    let mut dates = 0;
    for cell in &mut out {
        if cell.role == Role::Date {
            dates += 1;
            if dates > 1 {
                cell.role = Role::ValueDate;
            }
        }
    }
    let has_date = out.iter().any(|c| c.role == Role::Date);
    let has_money = out.iter().any(|c| is_money(c.role));
    (has_date && has_money && out.len() >= 2 && unknown <= (out.len() / 2).max(1)).then_some(out)
}

/// `Some(currency)` for a qualifier word ("(NGN)", "(₦)", "GBP"); `None` for anything else.
fn qualifier(text: &str) -> Option<Option<Currency>> {
    let inner = text.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ':'));
    if let Ok(c) = Currency::parse(inner) {
        return Some(Some(c));
    }
    if let Some(c) = super::meta::currency_from_symbol(inner) {
        return Some(Some(c));
    }
    (text.starts_with('(') && text.ends_with(')')).then_some(None)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::Sheet;
    use super::*;

    #[test]
    fn a_nigerian_header_reads_as_dates_narration_and_three_money_columns() {
        let mut sheet = Sheet::new(9.0);
        sheet.left(40.0, "Trans Date");
        sheet.left(110.0, "Value Date");
        sheet.left(180.0, "Narration");
        sheet.right(400.0, "Debit (NGN)");
        sheet.right(470.0, "Credit");
        sheet.right(550.0, "Balance");
        let line = sheet.line();
        let cells = cells(&line).unwrap();
        let roles: Vec<Role> = cells.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                Role::Date,
                Role::ValueDate,
                Role::Description,
                Role::Debit,
                Role::Credit,
                Role::Balance
            ]
        );
        assert_eq!(
            cells[3].currency.map(|c| c.code().to_owned()),
            Some("NGN".into())
        );
        assert!((cells[3].x1 - 400.0).abs() < 0.01);
    }

    #[test]
    fn lines_with_digits_or_prose_are_not_headers() {
        let mut sheet = Sheet::new(9.0);
        sheet.left(40.0, "Date: 01/02/2024 Balance");
        assert!(cells(&sheet.line()).is_none());
        sheet.left(
            40.0,
            "Please check the date of every entry and report errors to your bank",
        );
        assert!(cells(&sheet.line()).is_none());
        sheet.left(40.0, "Date");
        sheet.left(200.0, "Libellé");
        sheet.left(400.0, "Montant");
        sheet.left(480.0, "Solde");
        assert_eq!(cells(&sheet.line()).map(|c| c.len()), Some(4));
    }
}
