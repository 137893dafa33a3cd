//! Proving a ledger: do the balances the bank printed follow from the amounts we read?
//!
//! Two checks, both exact:
//! * **totals** — opening balance + Σ amounts = closing balance;
//! * **chain** — row by row, previous balance + amount = printed balance. Rows without a printed
//!   balance (banks that print one per day) are carried forward to the next printed one. Rows of
//!   the same day may be listed in any order by the bank, so a day whose rows chain in *some*
//!   order counts as consistent.
//!
//! A break re-anchors the chain on the printed balance, so one misread row is reported once instead
//! of poisoning every row after it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::money::Amount;
use crate::statement::Statement;
use crate::transaction::{Provenance, Transaction};

/// Overall verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconciliationStatus {
    /// Every available check holds.
    Reconciled,
    /// At least one check fails; see `breaks` and `totals`.
    Breaks,
    /// The source carries no balances to check against.
    #[default]
    Unverifiable,
}

/// A row whose printed balance does not follow from the previous balance and its amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceBreak {
    /// 0-based position of the row in the statement's transactions.
    pub index: usize,
    /// Booking date of the row.
    pub date: NaiveDate,
    /// Where the row was read.
    pub provenance: Provenance,
    /// Balance implied by the previous balance and the amounts since.
    pub expected_balance: Amount,
    /// Balance printed on the row.
    pub printed_balance: Amount,
    /// printed − expected.
    pub difference: Amount,
}

/// opening + credits + debits against the stated closing balance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TotalsCheck {
    /// Stated opening balance.
    pub opening_balance: Amount,
    /// Sum of positive amounts.
    pub total_credits: Amount,
    /// Sum of negative amounts (a negative number).
    pub total_debits: Amount,
    /// opening + credits + debits.
    pub computed_closing: Amount,
    /// Stated closing balance.
    pub stated_closing: Amount,
    /// stated − computed.
    pub difference: Amount,
    /// True when the difference is exactly zero.
    pub holds: bool,
}

/// The result of reconciling one statement.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Reconciliation {
    /// Overall verdict.
    pub status: ReconciliationStatus,
    /// Percentage (0–100) of checked rows whose balance chain holds; `None` when nothing could be
    /// checked.
    pub data_sanity: Option<f64>,
    /// Rows whose balance could be checked against a predecessor.
    pub rows_checked: usize,
    /// Of those, rows whose balance holds.
    pub rows_consistent: usize,
    /// Rows of a day whose printed order differs from the order that makes the chain hold.
    pub rows_reordered: usize,
    /// The totals check, when opening and closing balances are both stated.
    pub totals: Option<TotalsCheck>,
    /// Every chain break, in order.
    pub breaks: Vec<BalanceBreak>,
    /// Why the statement could not be verified, when it could not.
    pub reason: Option<String>,
}

impl Eq for Reconciliation {}

/// Reconciles a statement whose transactions are in chronological order.
pub fn reconcile(statement: &Statement) -> Reconciliation {
    let totals = totals_check(statement);
    let chain = chain_check(statement.opening_balance, &statement.transactions);
    let has_row_balances = statement.transactions.iter().any(|t| t.balance.is_some());

    if totals.is_none() && !has_row_balances {
        let reason = match (statement.opening_balance, statement.closing_balance) {
            (None, None) => "the source states no balances",
            (Some(_), None) => "the source states an opening balance but no closing balance",
            (None, Some(_)) => "the source states a closing balance but no opening balance",
            (Some(_), Some(_)) => "amounts overflowed while summing",
        };
        return Reconciliation { reason: Some(reason.to_owned()), ..Reconciliation::default() };
    }

    let totals_ok = totals.as_ref().is_none_or(|t| t.holds);
    let data_sanity = if chain.checked > 0 {
        Some(percentage(chain.consistent, chain.checked))
    } else {
        totals.as_ref().map(|t| if t.holds { 100.0 } else { 0.0 })
    };
    let status = if totals_ok && chain.breaks.is_empty() {
        ReconciliationStatus::Reconciled
    } else {
        ReconciliationStatus::Breaks
    };
    Reconciliation {
        status,
        data_sanity,
        rows_checked: chain.checked,
        rows_consistent: chain.consistent,
        rows_reordered: chain.reordered,
        totals,
        breaks: chain.breaks,
        reason: None,
    }
}

fn percentage(part: usize, whole: usize) -> f64 {
    // Counts are far below 2^52, so the conversion is exact; round to two decimals for display.
    let ratio = part as f64 / whole as f64;
    (ratio * 10_000.0).round() / 100.0
}

fn totals_check(statement: &Statement) -> Option<TotalsCheck> {
    let opening = statement.opening_balance?;
    let stated_closing = statement.closing_balance?;
    let amounts = statement.transactions.iter().map(|t| t.amount);
    let total_credits = Amount::checked_sum(amounts.clone().filter(|a| !a.is_negative())).ok()?;
    let total_debits = Amount::checked_sum(amounts.filter(|a| a.is_negative())).ok()?;
    let computed_closing = opening.checked_add(total_credits).ok()?.checked_add(total_debits).ok()?;
    let difference = stated_closing.checked_sub(computed_closing).ok()?;
    Some(TotalsCheck {
        opening_balance: opening,
        total_credits,
        total_debits,
        computed_closing,
        stated_closing,
        difference,
        holds: difference.is_zero(),
    })
}

#[derive(Default)]
struct Chain {
    checked: usize,
    consistent: usize,
    reordered: usize,
    breaks: Vec<BalanceBreak>,
}

/// Walks the rows day by day, carrying the last known balance.
fn chain_check(opening: Option<Amount>, rows: &[Transaction]) -> Chain {
    let mut chain = Chain::default();
    let mut anchor = opening;
    let mut start = 0;
    while start < rows.len() {
        let day = rows.get(start).map(|t| t.date);
        let len = rows.get(start..).unwrap_or_default().iter().take_while(|t| Some(t.date) == day).count();
        let group = rows.get(start..start + len).unwrap_or_default();
        anchor = check_day(&mut chain, anchor, start, group);
        start += len.max(1);
    }
    chain
}

/// Checks one day's rows; returns the balance after the day, when known.
fn check_day(chain: &mut Chain, anchor: Option<Amount>, offset: usize, group: &[Transaction]) -> Option<Amount> {
    if let Some(start) = anchor {
        if group.len() > 1 && group.iter().all(|t| t.balance.is_some()) && !chains_in_order(start, group) {
            if let Some((end, moved)) = chain_in_some_order(start, group) {
                chain.checked += group.len();
                chain.consistent += group.len();
                chain.reordered += moved;
                return Some(end);
            }
        }
    }
    check_in_order(chain, anchor, offset, group)
}

fn chains_in_order(start: Amount, group: &[Transaction]) -> bool {
    let mut balance = start;
    group.iter().all(|t| match (balance.checked_add(t.amount), t.balance) {
        (Ok(next), Some(printed)) if next == printed => {
            balance = next;
            true
        }
        _ => false,
    })
}

/// Greedy search for an order of the day's rows under which every printed balance follows;
/// returns the day's closing balance and how many rows sit elsewhere than printed.
fn chain_in_some_order(start: Amount, group: &[Transaction]) -> Option<(Amount, usize)> {
    let mut remaining: Vec<usize> = (0..group.len()).collect();
    let mut balance = start;
    let mut moved = 0;
    let mut position = 0;
    while !remaining.is_empty() {
        let pick = remaining.iter().position(|&i| {
            group.get(i).is_some_and(|t| balance.checked_add(t.amount).ok() == t.balance)
        })?;
        let index = remaining.remove(pick);
        if index != position {
            moved += 1;
        }
        balance = group.get(index)?.balance?;
        position += 1;
    }
    Some((balance, moved))
}

fn check_in_order(chain: &mut Chain, mut anchor: Option<Amount>, offset: usize, group: &[Transaction]) -> Option<Amount> {
    // Amounts of rows without a printed balance, waiting for the next printed one.
    let mut pending = Amount::ZERO;
    let mut pending_rows = 0;
    for (i, row) in group.iter().enumerate() {
        let Some(printed) = row.balance else {
            pending = pending.checked_add(row.amount).unwrap_or(pending);
            pending_rows += 1;
            continue;
        };
        if let Some(previous) = anchor {
            let expected = previous.checked_add(pending).and_then(|b| b.checked_add(row.amount));
            chain.checked += 1 + pending_rows;
            match expected {
                Ok(expected) if expected == printed => chain.consistent += 1 + pending_rows,
                Ok(expected) => chain.breaks.push(BalanceBreak {
                    index: offset + i,
                    date: row.date,
                    provenance: row.provenance.clone(),
                    expected_balance: expected,
                    printed_balance: printed,
                    difference: printed.checked_sub(expected).unwrap_or(Amount::ZERO),
                }),
                Err(_) => {}
            }
        }
        anchor = Some(printed);
        pending = Amount::ZERO;
        pending_rows = 0;
    }
    // Unprinted rows at the end of the day move the balance on for the next day.
    anchor.and_then(|a| a.checked_add(pending).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Account, Currency};

    fn amount(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    fn row(day: u32, value: &str, balance: Option<&str>) -> Transaction {
        let mut t = Transaction::new(NaiveDate::from_ymd_opt(2024, 3, day).unwrap(), "x", amount(value));
        t.balance = balance.map(amount);
        t
    }

    fn statement(opening: Option<&str>, closing: Option<&str>, rows: Vec<Transaction>) -> Statement {
        let mut s = Statement::new(Account::default(), Currency::parse("NGN").unwrap());
        s.opening_balance = opening.map(amount);
        s.closing_balance = closing.map(amount);
        s.transactions = rows;
        s
    }

    #[test]
    fn a_consistent_statement_reconciles_fully() {
        let s = statement(
            Some("100.00"),
            Some("80.50"),
            vec![row(1, "-20.00", Some("80.00")), row(2, "0.50", Some("80.50"))],
        );
        let r = reconcile(&s);
        assert_eq!(r.status, ReconciliationStatus::Reconciled);
        assert_eq!(r.data_sanity, Some(100.0));
        assert!(r.totals.unwrap().holds);
    }

    #[test]
    fn a_misread_amount_is_one_break_not_a_cascade() {
        let s = statement(
            Some("100.00"),
            None,
            vec![
                row(1, "-20.00", Some("80.00")),
                row(2, "-5.00", Some("70.00")),
                row(3, "-10.00", Some("60.00")),
                row(4, "-10.00", Some("50.00")),
            ],
        );
        let r = reconcile(&s);
        assert_eq!(r.status, ReconciliationStatus::Breaks);
        assert_eq!(r.breaks.len(), 1);
        assert_eq!(r.breaks[0].index, 1);
        assert_eq!(r.breaks[0].difference, amount("-5.00"));
        assert_eq!(r.data_sanity, Some(75.0));
    }

    #[test]
    fn same_day_rows_in_another_order_still_reconcile() {
        let s = statement(
            Some("95"),
            Some("95"),
            vec![row(1, "10", Some("105")), row(1, "-20", Some("85")), row(1, "10", Some("95"))],
        );
        let mut shuffled = s.clone();
        shuffled.transactions.swap(0, 1);
        let r = reconcile(&shuffled);
        assert_eq!(r.status, ReconciliationStatus::Reconciled, "{r:?}");
        assert!(r.rows_reordered > 0);
    }

    #[test]
    fn end_of_day_balances_cover_the_rows_before_them() {
        let s = statement(
            Some("100"),
            None,
            vec![row(1, "-10", None), row(1, "-10", Some("80")), row(2, "5", Some("85"))],
        );
        let r = reconcile(&s);
        assert_eq!(r.status, ReconciliationStatus::Reconciled);
        assert_eq!(r.rows_checked, 3);
    }

    #[test]
    fn a_statement_without_balances_says_so() {
        let r = reconcile(&statement(None, None, vec![row(1, "5", None)]));
        assert_eq!(r.status, ReconciliationStatus::Unverifiable);
        assert_eq!(r.data_sanity, None);
        assert_eq!(r.reason.as_deref(), Some("the source states no balances"));
    }

    #[test]
    fn a_wrong_closing_balance_fails_the_totals() {
        let r = reconcile(&statement(Some("10"), Some("14"), vec![row(1, "5", None)]));
        assert_eq!(r.status, ReconciliationStatus::Breaks);
        assert_eq!(r.totals.unwrap().difference, amount("-1"));
    }

    #[test]
    fn without_an_opening_balance_the_first_printed_balance_anchors_the_chain() {
        let r = reconcile(&statement(None, None, vec![row(1, "5", Some("5")), row(2, "5", Some("10"))]));
        assert_eq!(r.status, ReconciliationStatus::Reconciled);
        assert_eq!(r.rows_checked, 1);
    }
}
