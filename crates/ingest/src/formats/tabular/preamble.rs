//! Account facts printed above the header ("IBAN: DE89…", "Opening balance;1.000,00") and summary
//! rows printed below the data ("Closing balance,,,10.50", "Total,,,-3.00").
//!
//! Only clearly labelled facts are taken: a label from [`vocab::label`] followed by its value,
//! either in the same cell after a colon or in the next non-empty cell. Balances are kept as text
//! until the balance column's decimal mark is known.

use ledgerlens_core::Currency;

use super::Row;
use super::vocab::{self, Label};
use crate::number::parse_amount;

/// What the preamble (and summary rows) said.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// Account number or IBAN, as printed.
    pub account: Option<String>,
    /// Holder's name.
    pub holder: Option<String>,
    /// Account currency.
    pub currency: Option<Currency>,
    /// Bank name.
    pub bank: Option<String>,
    /// BIC, sort code, bank code.
    pub bank_id: Option<String>,
    /// Opening balance text.
    pub opening: Option<String>,
    /// Closing balance text.
    pub closing: Option<String>,
}

/// (key, value) pairs of a row: "Key: value" cells, and label cells followed by a value cell.
fn pairs(row: &Row) -> Vec<(String, String)> {
    let cells: Vec<&str> = row
        .cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(cell) = cells.get(i) {
        if let Some((key, value)) = cell.split_once(':') {
            let value = value.trim();
            if value.is_empty() {
                if let Some(next) = cells.get(i + 1) {
                    out.push((key.to_owned(), (*next).to_owned()));
                    i += 2;
                    continue;
                }
            } else {
                out.push((key.to_owned(), value.to_owned()));
            }
        } else if vocab::label(cell).is_some()
            && let Some(next) = cells.get(i + 1)
        {
            out.push(((*cell).to_owned(), (*next).to_owned()));
            i += 2;
            continue;
        }
        i += 1;
    }
    out
}

fn set(slot: &mut Option<String>, value: &str) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value.split_whitespace().collect::<Vec<_>>().join(" "));
    }
}

/// Reads labelled facts from the rows above the header.
pub fn harvest(rows: &[Row]) -> Meta {
    let mut meta = Meta::default();
    for row in rows {
        for (key, value) in pairs(row) {
            let value = value.trim();
            match vocab::label(&key) {
                Some(Label::Account) => set(&mut meta.account, value),
                Some(Label::Holder) => set(&mut meta.holder, value),
                Some(Label::Bank) => set(&mut meta.bank, value),
                Some(Label::BankId) => set(&mut meta.bank_id, value),
                Some(Label::Opening) => set(&mut meta.opening, value),
                Some(Label::Closing) => set(&mut meta.closing, value),
                Some(Label::Currency) => {
                    if meta.currency.is_none() {
                        meta.currency = Currency::parse(value).ok();
                    }
                }
                Some(Label::Total) => {}
                None => {
                    // ": EUR" — an unlabelled currency code on an account line.
                    if key.trim().is_empty() && value.len() == 3 && meta.currency.is_none() {
                        meta.currency = Currency::parse(value).ok();
                    }
                }
            }
        }
    }
    meta
}

/// A summary row: its label, and the last cell that reads as an amount.
pub fn summary(row: &Row) -> Option<(Label, String)> {
    let first = row.cells.iter().map(|c| c.trim()).find(|c| !c.is_empty())?;
    let first = first.split(':').next().unwrap_or(first);
    let label = vocab::label(first)?;
    if !matches!(label, Label::Opening | Label::Closing | Label::Total) {
        return None;
    }
    let value = row
        .cells
        .iter()
        .skip(1)
        .rev()
        .map(|c| c.trim())
        .find(|c| !c.is_empty() && parse_amount(c, None).is_ok());
    Some((label, value.unwrap_or_default().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Row {
        Row {
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            ..Row::default()
        }
    }

    #[test]
    fn colon_and_next_cell_labels_are_both_read() {
        let meta = harvest(&[
            row(&[
                "Bank code : 1001010101",
                "Account Number : 08088804068",
                "Account Name : Owner",
                ": EUR",
            ]),
            row(&["Balance at end of period", "", "", "+31070,11", ""]),
        ]);
        assert_eq!(meta.bank_id.as_deref(), Some("1001010101"));
        assert_eq!(meta.account.as_deref(), Some("08088804068"));
        assert_eq!(meta.holder.as_deref(), Some("Owner"));
        assert_eq!(
            meta.currency.map(|c| c.code().to_owned()).as_deref(),
            Some("EUR")
        );
        assert_eq!(meta.closing.as_deref(), Some("+31070,11"));
    }

    #[test]
    fn unlabelled_preamble_lines_are_ignored() {
        let meta = harvest(&[row(&["Semicolon Delimited CSV"]), row(&["Param", "first"])]);
        assert!(meta.account.is_none() && meta.opening.is_none() && meta.currency.is_none());
    }

    #[test]
    fn summary_rows_carry_their_label_and_value() {
        let (label, value) = summary(&row(&[
            "Balance at start of period",
            "",
            "",
            "",
            "+30000,77",
            "",
        ]))
        .unwrap();
        assert_eq!((label, value.as_str()), (Label::Opening, "+30000,77"));
        assert!(summary(&row(&["Groceries", "12.00"])).is_none());
    }
}
