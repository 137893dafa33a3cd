//! Finding the header row and deciding what each column holds.
//!
//! Headers propose; content disposes. A few layouts need the data to settle a column's meaning:
//! a money column whose cells are currency codes with the number in the unnamed column beside it
//! (DEGIRO), a "Valuta" column that is a value date in German but a currency in Dutch, and a
//! "Transaction Type" column that is really a debit/credit marker (Mint).

use ledgerlens_core::Currency;

use super::vocab::{self, Role};
use super::{MAX_HEADER_SCAN, Row};
use crate::dates::{DateOrder, looks_like_date};

/// How many rows below a candidate header must show a date for it to count.
const LOOKAHEAD: usize = 8;

/// The meaning of every column.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    /// Booking date.
    pub date: Option<usize>,
    /// Value date.
    pub value_date: Option<usize>,
    /// Description parts, in column order.
    pub description: Vec<usize>,
    /// Memo parts appended after the description.
    pub memo: Vec<usize>,
    /// Counterparty name.
    pub payee: Option<usize>,
    /// Counterparty account.
    pub counterparty_account: Option<usize>,
    /// Signed amount.
    pub amount: Option<usize>,
    /// Money out.
    pub debit: Option<usize>,
    /// Money in.
    pub credit: Option<usize>,
    /// Debit/credit indicator.
    pub marker: Option<usize>,
    /// Running balance.
    pub balance: Option<usize>,
    /// The balance column states the balance before the row's amount (ASN), not after it.
    pub balance_before: bool,
    /// Reference.
    pub reference: Option<usize>,
    /// Row currency.
    pub currency: Option<usize>,
    /// Foreign amount.
    pub original_amount: Option<usize>,
    /// Foreign currency.
    pub original_currency: Option<usize>,
    /// Account number of the row.
    pub account_number: Option<usize>,
    /// Account name of the row.
    pub account_name: Option<usize>,
    /// Bank transaction code.
    pub bank_code: Option<usize>,
    /// Currency named in a money header ("Amount (EUR)").
    pub header_currency: Option<Currency>,
    /// Date order spelled in the date header.
    pub header_date_order: Option<DateOrder>,
    /// Which single-role slots were filled by an exact phrase (exact beats prefix).
    exact: Vec<Role>,
}

impl Columns {
    fn slot(&mut self, role: Role) -> Option<&mut Option<usize>> {
        Some(match role {
            Role::Date => &mut self.date,
            Role::ValueDate => &mut self.value_date,
            Role::Payee => &mut self.payee,
            Role::CounterpartyAccount => &mut self.counterparty_account,
            Role::Amount => &mut self.amount,
            Role::Debit => &mut self.debit,
            Role::Credit => &mut self.credit,
            Role::Marker => &mut self.marker,
            Role::Balance => &mut self.balance,
            Role::Reference => &mut self.reference,
            Role::Currency => &mut self.currency,
            Role::OriginalAmount => &mut self.original_amount,
            Role::OriginalCurrency => &mut self.original_currency,
            Role::AccountNumber => &mut self.account_number,
            Role::AccountName => &mut self.account_name,
            Role::BankCode => &mut self.bank_code,
            Role::Description | Role::Memo => return None,
        })
    }

    /// Maps a header row.
    pub fn from_header(header: &Row) -> Columns {
        let mut columns = Columns::default();
        for (index, cell) in header.cells.iter().enumerate() {
            let Some(found) = vocab::classify(cell) else {
                continue;
            };
            match found.role {
                Role::Description => columns.description.push(index),
                Role::Memo => columns.memo.push(index),
                role => {
                    let already_exact = columns.exact.contains(&role);
                    let Some(slot) = columns.slot(role) else {
                        continue;
                    };
                    if slot.is_none() || (found.exact && !already_exact) {
                        *slot = Some(index);
                        if found.exact {
                            columns.exact.push(role);
                        }
                    }
                }
            }
            if found.currency.is_some() && columns.header_currency.is_none() {
                columns.header_currency = found.currency;
            }
            if found.date_order.is_some() && found.role == Role::Date {
                columns.header_date_order = found.date_order;
            }
        }
        // Some exports (UBS) print only the value date: it is then the booking date too.
        if columns.date.is_none() {
            columns.date = columns.value_date.take();
        }
        columns
    }

    /// True when the columns can make transactions: a date and some money.
    pub fn is_statement(&self) -> bool {
        self.date.is_some() && (self.has_movement() || self.balance.is_some())
    }

    /// True when some column carries the movement itself (not only a balance).
    pub fn has_movement(&self) -> bool {
        self.amount.is_some() || self.debit.is_some() || self.credit.is_some()
    }

    fn score(&self) -> usize {
        let singles = [
            self.date,
            self.value_date,
            self.payee,
            self.amount,
            self.debit,
            self.credit,
            self.marker,
            self.balance,
            self.reference,
            self.currency,
            self.account_number,
        ];
        singles.iter().flatten().count() * 2
            + usize::from(!self.description.is_empty()) * 3
            + usize::from(self.has_movement()) * 4
    }

    /// Settles meanings that only the data can tell (see the module doc).
    pub fn refine(&mut self, header: &Row, data: &[Row]) {
        let sample = data.get(..data.len().min(200)).unwrap_or(data);
        let values = |col: usize| {
            sample
                .iter()
                .map(move |r| r.cell(col))
                .filter(|v| !v.is_empty())
        };
        // A money column holding currency codes, with the number in the unnamed next column.
        for role in [Role::Amount, Role::Balance, Role::Debit, Role::Credit] {
            let Some(col) = self.slot(role).and_then(|s| *s) else {
                continue;
            };
            let next_unnamed = header.cell(col + 1).is_empty();
            let codes = values(col).count() > 0
                && values(col).all(|v| v.len() == 3 && Currency::parse(v).is_ok());
            if codes && next_unnamed {
                if let Some(slot) = self.slot(role) {
                    *slot = Some(col + 1);
                }
                if role == Role::Amount && self.currency.is_none() {
                    self.currency = Some(col);
                }
            }
        }
        // "Valuta": a currency in Dutch, a value date in German.
        if let Some(col) = self.currency
            && values(col).count() > 0
            && values(col).all(looks_like_date)
        {
            self.currency = None;
            if self.value_date.is_none() {
                self.value_date = Some(col);
            }
        }
        // A type column whose every value is "debit"/"credit" is a marker.
        if self.marker.is_none()
            && self.amount.is_some()
            && self.debit.is_none()
            && self.credit.is_none()
        {
            let candidates = self.bank_code.into_iter().chain(
                (0..header.cells.len()).filter(|&c| vocab::classify(header.cell(c)).is_none()),
            );
            for col in candidates {
                let mut seen = values(col).peekable();
                if seen.peek().is_some()
                    && values(col).all(|v| v.chars().count() > 1 && vocab::marker_sign(v).is_some())
                {
                    self.marker = Some(col);
                    break;
                }
            }
        }
        // With a foreign amount column, a lone currency column names the foreign currency.
        if self.original_amount.is_some() && self.original_currency.is_none() {
            self.original_currency = self.currency.take();
        }
    }
}

/// The header row (index into `rows`) and its columns, if some row in the first
/// [`MAX_HEADER_SCAN`] reads as a statement header with a date under it.
pub fn find_header(rows: &[Row]) -> Option<(usize, Columns)> {
    let mut best: Option<(usize, usize, Columns)> = None;
    for (index, row) in rows.iter().enumerate().take(MAX_HEADER_SCAN) {
        let columns = Columns::from_header(row);
        if !columns.is_statement() {
            continue;
        }
        let Some(date_col) = columns.date else {
            continue;
        };
        let below = rows
            .iter()
            .skip(index + 1)
            .filter(|r| !r.is_blank())
            .take(LOOKAHEAD);
        let mut below = below.peekable();
        let dated = below.peek().is_none()
            || rows
                .iter()
                .skip(index + 1)
                .take(LOOKAHEAD * 2)
                .any(|r| looks_like_date(first_token_date(r.cell(date_col))));
        if !dated {
            continue;
        }
        let score = columns.score();
        if best.as_ref().is_none_or(|(_, s, _)| score > *s) {
            best = Some((index, score, columns));
        }
    }
    best.map(|(index, _, columns)| (index, columns))
}

/// The date part of a cell like "04/17/2023 as of 04/15/2023": the whole text when it reads as a
/// date, else its first word.
pub fn first_token_date(text: &str) -> &str {
    if looks_like_date(text) {
        return text;
    }
    text.split_whitespace().next().unwrap_or(text)
}
