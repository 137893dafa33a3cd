//! Column roles for tables without a header row, read from the values alone.
//!
//! Some banks (ASN, Mint's headerless variant) export bare rows. Without words to go on, a
//! column's role must be plain from every one of its values: all dates, all amounts, all IBANs.
//! The inference is conservative: when no single date column and no single amount column stand
//! out, the table is refused and stays an unknown format, so prose and unrelated tables are not
//! mistaken for statements.

use ledgerlens_core::{Amount, Currency, Iban};

use super::Row;
use super::columns::Columns;
use super::vocab::marker_sign;
use crate::dates::looks_like_date;
use crate::number::{DecimalMark, infer_decimal_mark, parse_amount};

/// Fewest rows that can show a column's role unless the rows are wide (see [`infer`]).
const MIN_ROWS: usize = 3;

/// Fields a table of fewer than [`MIN_ROWS`] rows must have before its content is trusted.
const MIN_FIELDS_FEW_ROWS: usize = 6;

/// Most money columns compared pairwise; more than this many is no statement layout.
const MAX_MONEY_COLUMNS: usize = 8;

/// Share (in percent) of row pairs that must chain for a column to be a running balance.
const CHAIN_PERCENT: usize = 80;

/// What every non-empty value of one column could be.
#[derive(Clone, Copy, Debug)]
struct Kinds {
    filled: usize,
    date: bool,
    money: bool,
    /// Some value has a fractional part written out, so it is money and not a code.
    fraction: bool,
    negative: bool,
    marker: bool,
    currency: bool,
    iban: bool,
    digits: bool,
    constant: bool,
    /// Some value has a space in it (names do, codes do not).
    spaced: bool,
    chars: usize,
}

impl Kinds {
    fn new() -> Kinds {
        Kinds {
            filled: 0,
            date: true,
            money: true,
            fraction: false,
            negative: false,
            marker: true,
            currency: true,
            iban: true,
            digits: true,
            constant: true,
            spaced: false,
            chars: 0,
        }
    }

    fn text(&self) -> bool {
        self.filled > 0
            && !(self.date
                || self.money
                || self.marker
                || self.currency
                || self.iban
                || self.digits)
    }
}

fn has_fraction(text: &str) -> bool {
    let t = text.trim_end();
    let digits = t.chars().rev().take_while(char::is_ascii_digit).count();
    (1..=2).contains(&digits) && matches!(t.chars().rev().nth(digits), Some('.' | ','))
}

/// A valid IBAN, or one with its shape (country letters, two digits, up to 30 letters and digits)
/// whose check digits fail, as in anonymised test exports: still an account, not text.
fn iban_like(text: &str) -> bool {
    if Iban::parse(text).is_ok() {
        return true;
    }
    let b = text.as_bytes();
    (15..=34).contains(&b.len())
        && b.iter().take(2).all(u8::is_ascii_uppercase)
        && b.iter().skip(2).take(2).all(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
}

fn survey(rows: &[&Row], col: usize) -> Kinds {
    let mut k = Kinds::new();
    let mut first: Option<&str> = None;
    for row in rows {
        let v = row.cell(col);
        if v.is_empty() {
            k.constant = false;
            continue;
        }
        k.filled += 1;
        k.chars += v.chars().count();
        k.spaced |= v.contains(' ');
        match first {
            None => first = Some(v),
            Some(f) if f != v => k.constant = false,
            Some(_) => {}
        }
        if k.date && !looks_like_date(v) {
            k.date = false;
        }
        if k.money {
            match parse_amount(v, None) {
                Ok(a) => {
                    k.fraction |= has_fraction(v);
                    k.negative |= a.is_negative();
                }
                Err(_) => k.money = false,
            }
        }
        if k.marker && !(v.chars().all(char::is_alphabetic) && marker_sign(v).is_some()) {
            k.marker = false;
        }
        if k.currency
            && !(v.len() == 3
                && v.bytes().all(|b| b.is_ascii_uppercase())
                && Currency::parse(v).is_ok())
        {
            k.currency = false;
        }
        if k.iban && !iban_like(v) {
            k.iban = false;
        }
        if k.digits && !(v.len() >= 6 && v.bytes().all(|b| b.is_ascii_digit())) {
            k.digits = false;
        }
    }
    if k.filled == 0 {
        k = Kinds {
            date: false,
            money: false,
            marker: false,
            currency: false,
            iban: false,
            digits: false,
            constant: false,
            ..k
        };
    }
    // A date column is not also money, and a money column needs a written fraction to be told
    // from a sequence number or transaction code.
    if k.date {
        k.money = false;
    }
    k.money &= k.fraction;
    k
}

/// A money column's values under its own decimal mark.
fn money_values(rows: &[&Row], col: usize) -> Vec<Option<Amount>> {
    let mark: DecimalMark =
        infer_decimal_mark(rows.iter().map(|r| r.cell(col)).filter(|v| !v.is_empty()));
    rows.iter()
        .map(|r| {
            let v = r.cell(col);
            (!v.is_empty())
                .then(|| parse_amount(v, Some(mark)).ok())
                .flatten()
        })
        .collect()
}

/// How a balance column relates to an amount column, if it chains on most rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chain {
    /// The balance after the row's amount.
    After,
    /// The balance before the row's amount (ASN).
    Before,
}

fn chain(amounts: &[Option<Amount>], balances: &[Option<Amount>]) -> Option<Chain> {
    let pairs = balances.len().saturating_sub(1);
    if pairs < 2 {
        return None;
    }
    let (mut after, mut before) = (0usize, 0usize);
    for i in 1..balances.len() {
        let (Some(Some(prev)), Some(Some(cur))) = (balances.get(i - 1), balances.get(i)) else {
            continue;
        };
        let adds = |a: Option<&Option<Amount>>| {
            a.copied()
                .flatten()
                .and_then(|a| prev.checked_add(a).ok())
                .is_some_and(|sum| sum == *cur)
        };
        after += usize::from(adds(amounts.get(i)));
        before += usize::from(adds(amounts.get(i - 1)));
    }
    let enough = |n: usize| n * 100 >= pairs * CHAIN_PERCENT;
    if enough(after) && after >= before {
        Some(Chain::After)
    } else if enough(before) {
        Some(Chain::Before)
    } else {
        None
    }
}

/// Applies a signed amount to the marker's sign, as the reader will.
fn signed(amounts: &[Option<Amount>], rows: &[&Row], marker: Option<usize>) -> Vec<Option<Amount>> {
    let Some(m) = marker else {
        return amounts.to_vec();
    };
    amounts
        .iter()
        .zip(rows)
        .map(|(a, r)| {
            a.map(|a| match marker_sign(r.cell(m)) {
                Some(true) => a.abs().negated(),
                Some(false) => a.abs(),
                None => a,
            })
        })
        .collect()
}

/// Column roles for a header-less table, or `None` when the content does not make them plain:
/// at least [`MIN_ROWS`] rows (or fewer, very wide ones) all with the same field count of at
/// least three, one booking date column on every row and one amount column.
pub fn infer(rows: &[Row]) -> Option<Columns> {
    let data: Vec<&Row> = rows.iter().filter(|r| !r.is_blank()).collect();
    let width = data.first()?.cells.len();
    if width < 3 || data.iter().any(|r| r.cells.len() != width) {
        return None;
    }
    if data.len() < MIN_ROWS && width < MIN_FIELDS_FEW_ROWS {
        return None;
    }
    let kinds: Vec<Kinds> = (0..width).map(|c| survey(&data, c)).collect();
    let of = |test: fn(&Kinds) -> bool| -> Vec<usize> {
        kinds
            .iter()
            .enumerate()
            .filter(|(_, k)| test(k))
            .map(|(c, _)| c)
            .collect()
    };
    let dates = of(|k| k.date);
    let date = *dates.first()?;
    if kinds.get(date).is_none_or(|k| k.filled != data.len()) {
        return None;
    }
    let mut cols = Columns::default();
    cols.date = Some(date);
    cols.value_date = dates.get(1).copied();
    cols.marker = of(|k| k.marker).first().copied();
    cols.currency = of(|k| k.currency).first().copied();
    money_roles(&data, &kinds, &mut cols)?;
    accounts(&kinds, data.len(), &mut cols);
    texts(&kinds, data.len(), &mut cols);
    Some(cols)
}

/// Picks the amount (and running balance) among the money columns.
fn money_roles(data: &[&Row], kinds: &[Kinds], cols: &mut Columns) -> Option<()> {
    let money: Vec<usize> = (0..kinds.len())
        .filter(|&c| {
            kinds
                .get(c)
                .is_some_and(|k| k.money && k.filled * 2 >= data.len())
        })
        .collect();
    if money.len() > MAX_MONEY_COLUMNS {
        return None;
    }
    let values: Vec<(usize, Vec<Option<Amount>>)> =
        money.iter().map(|&c| (c, money_values(data, c))).collect();
    let signed_cols: Vec<usize> = money
        .iter()
        .copied()
        .filter(|&c| kinds.get(c).is_some_and(|k| k.negative))
        .collect();
    // Every (amount, balance) pair whose balance chains on the amount.
    let mut chained: Vec<(usize, usize, Chain)> = Vec::new();
    for (a, amounts) in &values {
        let amounts = signed(amounts, data, cols.marker);
        for (b, balances) in &values {
            if a != b
                && let Some(how) = chain(&amounts, balances)
            {
                chained.push((*a, *b, how));
            }
        }
    }
    let amount = match (signed_cols.as_slice(), money.as_slice()) {
        (_, [only]) => *only,
        ([only], _) if cols.marker.is_none() => *only,
        _ => match chained.as_slice() {
            [(a, _, _)] => *a,
            _ => return None,
        },
    };
    cols.amount = Some(amount);
    if let Some((_, b, how)) = chained.iter().find(|(a, _, _)| *a == amount) {
        cols.balance = Some(*b);
        cols.balance_before = *how == Chain::Before;
    }
    if cols.marker.is_some() && kinds.get(amount).is_some_and(|k| k.negative) {
        // A signed amount carries its own sign; a marker beside it would be a second opinion.
        cols.marker = None;
    }
    Some(())
}

/// IBANs and constant account numbers: the statement's own account when constant, else the
/// counterparty's.
fn accounts(kinds: &[Kinds], rows: usize, cols: &mut Columns) {
    for (c, k) in kinds.iter().enumerate() {
        let constant = k.constant && k.filled == rows;
        if k.iban && constant && cols.account_number.is_none() {
            cols.account_number = Some(c);
        } else if k.iban && !constant && cols.counterparty_account.is_none() {
            cols.counterparty_account = Some(c);
        }
    }
    if cols.account_number.is_none() {
        cols.account_number = kinds
            .iter()
            .position(|k| k.digits && k.constant && k.filled == rows);
    }
}

/// The description is the longest text column, with any other more than half as long; the next
/// longest text with spaces in it names the counterparty. A text that is the same on every row
/// ("Account Transfer") tells the rows apart no better than nothing, so it is passed over.
fn texts(kinds: &[Kinds], rows: usize, cols: &mut Columns) {
    let all: Vec<(usize, &Kinds)> = kinds.iter().enumerate().filter(|(_, k)| k.text()).collect();
    let varying: Vec<(usize, &Kinds)> = all
        .iter()
        .copied()
        .filter(|(_, k)| rows < 2 || !k.constant)
        .collect();
    let text = if varying.is_empty() { all } else { varying };
    let longest = text.iter().map(|(_, k)| k.chars).max().unwrap_or(0);
    cols.description = text
        .iter()
        .filter(|(_, k)| k.chars * 2 > longest)
        .map(|&(c, _)| c)
        .collect();
    cols.payee = text
        .iter()
        .filter(|(c, k)| !cols.description.contains(c) && k.spaced && k.chars >= 5 * k.filled)
        .max_by_key(|(_, k)| k.chars)
        .map(|&(c, _)| c);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Row> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| Row {
                cells: l.split(',').map(str::to_owned).collect(),
                numeric: Vec::new(),
                line: u32::try_from(i + 1).ok(),
                number: u32::try_from(i + 1).unwrap_or(0),
            })
            .collect()
    }

    #[test]
    fn the_running_balance_is_told_from_the_amount_by_how_it_chains() {
        let cols = infer(&rows(&[
            "2024-01-02,Rent for January,100.00,-50.00",
            "2024-01-03,Salary from employer,1100.00,1000.00",
            "2024-01-04,Grocery shop,1080.50,-19.50",
            "2024-01-05,Coffee,1077.00,-3.50",
        ]))
        .unwrap();
        assert_eq!((cols.amount, cols.balance), (Some(3), Some(2)));
        assert!(!cols.balance_before);
        assert_eq!(cols.date, Some(0));
        assert_eq!(cols.description, [1]);
    }

    #[test]
    fn an_unsigned_pair_is_settled_by_the_chain_and_a_balance_before_the_row_is_recognised() {
        let cols = infer(&rows(&[
            "17-06-2022,a,130.44,223.77",
            "18-06-2022,b,354.21,200.00",
            "25-06-2022,c,554.21,2.20",
            "27-06-2022,d,556.41,503.15",
        ]))
        .unwrap();
        assert_eq!((cols.amount, cols.balance), (Some(3), Some(2)));
        assert!(cols.balance_before);
    }

    #[test]
    fn a_debit_credit_marker_column_signs_an_unsigned_amount() {
        let cols = infer(&rows(&[
            "6/12/15,Transfer from Checking,1000.00,D,NL91ABNA0417164300",
            "6/12/15,Transfer from Savings,1500.00,C,NL91ABNA0417164300",
            "6/13/15,Transfer to Savings,2000.00,D,NL91ABNA0417164300",
        ]))
        .unwrap();
        assert_eq!((cols.amount, cols.marker), (Some(2), Some(3)));
        assert_eq!(cols.account_number, Some(4));
        assert_eq!(cols.counterparty_account, None);
    }

    #[test]
    fn tables_without_a_plain_date_and_amount_are_refused() {
        // Codes, not money: no written fraction.
        assert!(
            infer(&rows(&[
                "2024-01-01,a,12",
                "2024-01-02,b,13",
                "2024-01-03,c,14"
            ]))
            .is_none()
        );
        // No date column.
        assert!(infer(&rows(&["x,a,1.00", "y,b,2.00", "z,c,3.00"])).is_none());
        // Too few rows for a narrow table.
        assert!(infer(&rows(&["2024-01-01,a,1.00", "2024-01-02,b,2.00"])).is_none());
        // Ragged rows.
        assert!(
            infer(&rows(&[
                "2024-01-01,a,1.00",
                "2024-01-02,b,2.00,x",
                "2024-01-03,c,3.00"
            ]))
            .is_none()
        );
        // Two signed columns that do not chain: which is the amount?
        assert!(
            infer(&rows(&[
                "2024-01-01,a,-1.00,-5.00",
                "2024-01-02,b,2.00,7.00",
                "2024-01-03,c,3.00,-9.00"
            ]))
            .is_none()
        );
        // Prose.
        assert!(
            infer(&rows(&[
                "Dear lender",
                "please find, my statement",
                "Regards"
            ]))
            .is_none()
        );
    }
}
