//! Putting a statement's rows in chronological order without losing the bank's within-day order.
//!
//! Exports come newest-first or oldest-first. We never sort rows by date outright: that would
//! scramble the order of same-day rows that the running balance depends on. Instead we decide the
//! direction of the whole list — from the dates, and when the dates cannot tell, from which
//! direction makes the balance chain hold — and reverse it if needed.

use serde::Serialize;

use crate::money::Amount;
use crate::transaction::Transaction;

/// The order rows were found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceOrder {
    /// Oldest first (left as is).
    OldestFirst,
    /// Newest first (reversed).
    NewestFirst,
    /// Neither; rows were stably sorted by date, keeping same-day rows in their printed order.
    Unordered,
}

/// Reorders `rows` oldest-first in place and reports what the source order was.
pub fn into_chronological(rows: &mut [Transaction]) -> SourceOrder {
    let ascending = rows.windows(2).all(|w| matches!(w, [a, b] if a.date <= b.date));
    let descending = rows.windows(2).all(|w| matches!(w, [a, b] if a.date >= b.date));
    match (ascending, descending) {
        // All rows on one day (or fewer than two): only the balances can tell.
        (true, true) => {
            if chain_score_reversed(rows) > chain_score(rows) {
                rows.reverse();
                SourceOrder::NewestFirst
            } else {
                SourceOrder::OldestFirst
            }
        }
        (true, false) => SourceOrder::OldestFirst,
        (false, true) => {
            rows.reverse();
            SourceOrder::NewestFirst
        }
        (false, false) => {
            rows.sort_by_key(|t| t.date);
            SourceOrder::Unordered
        }
    }
}

/// How many adjacent pairs satisfy previous balance + amount = balance, read oldest-first.
fn chain_score(rows: &[Transaction]) -> usize {
    rows.windows(2).filter(|w| matches!(w, [a, b] if follows(a.balance, b))).count()
}

/// The same score if the list were reversed.
fn chain_score_reversed(rows: &[Transaction]) -> usize {
    rows.windows(2).filter(|w| matches!(w, [newer, older] if follows(older.balance, newer))).count()
}

fn follows(previous: Option<Amount>, next: &Transaction) -> bool {
    match (previous, next.balance) {
        (Some(p), Some(b)) => p.checked_add(next.amount).is_ok_and(|sum| sum == b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn row(day: u32, amount: &str, balance: &str) -> Transaction {
        let mut t = Transaction::new(
            NaiveDate::from_ymd_opt(2024, 1, day).unwrap(),
            format!("{day}/{amount}"),
            Amount::parse(amount).unwrap(),
        );
        t.balance = Some(Amount::parse(balance).unwrap());
        t
    }

    #[test]
    fn newest_first_exports_are_reversed_keeping_same_day_order() {
        let mut rows = vec![row(3, "1", "13"), row(2, "2", "12"), row(2, "5", "10"), row(1, "5", "5")];
        assert_eq!(into_chronological(&mut rows), SourceOrder::NewestFirst);
        let days: Vec<_> = rows.iter().map(|t| t.description.as_str()).collect();
        assert_eq!(days, ["1/5", "2/5", "2/2", "3/1"]);
    }

    #[test]
    fn single_day_statements_use_the_balance_chain_to_decide() {
        let mut rows = vec![row(1, "3", "8"), row(1, "5", "5")];
        assert_eq!(into_chronological(&mut rows), SourceOrder::NewestFirst);
        assert_eq!(rows[0].balance, Some(Amount::parse("5").unwrap()));
    }

    #[test]
    fn oldest_first_is_left_alone() {
        let mut rows = vec![row(1, "5", "5"), row(2, "5", "10")];
        assert_eq!(into_chronological(&mut rows), SourceOrder::OldestFirst);
    }
}
