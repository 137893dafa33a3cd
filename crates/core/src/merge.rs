//! Merging several statements of one account into one ledger.
//!
//! Borrowers upload overlapping exports ("last 3 months" and "last 6 months"). The overlap must be
//! removed, but two genuinely identical transactions on one day (two ₦100 airtime top-ups) must both
//! survive. Within the days both statements cover, a transaction's key — date, amount and printed
//! running balance, or date, amount and normalised text when there is no balance — is counted in
//! each statement, and the merged ledger keeps the larger count, never the sum. The running balance
//! is what tells a repeat from an overlap: a real repeat moves the balance, so its key differs.

use std::collections::HashMap;

use serde::Serialize;

use crate::money::Amount;
use crate::reconcile::reconcile;
use crate::statement::{Period, Statement};
use crate::transaction::Transaction;

/// What merging did to one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Statements combined into this ledger.
    pub statements_merged: usize,
    /// Overlapping transactions dropped as duplicates.
    pub duplicates_removed: usize,
}

/// Groups statements by account and currency and merges each group; statements whose account
/// cannot be identified stay on their own. Output order follows first appearance.
pub fn merge_statements(statements: Vec<Statement>) -> Vec<(Statement, MergeReport)> {
    let mut groups: Vec<(Option<String>, Vec<Statement>)> = Vec::new();
    for statement in statements {
        let key = statement
            .account
            .identity_key()
            .map(|k| format!("{k}:{}", statement.currency));
        match groups.iter_mut().find(|(k, _)| key.is_some() && *k == key) {
            Some((_, members)) => members.push(statement),
            None => groups.push((key, vec![statement])),
        }
    }
    groups.into_iter().filter_map(|(_, members)| merge_group(members)).collect()
}

fn merge_group(mut members: Vec<Statement>) -> Option<(Statement, MergeReport)> {
    members.sort_by_key(|s| s.period.or_else(|| s.transaction_span()).map(|p| p.start));
    let statements_merged = members.len();
    let mut iter = members.into_iter();
    let mut merged = iter.next()?;
    let mut duplicates_removed = 0;
    for next in iter {
        duplicates_removed += absorb(&mut merged, next);
    }
    if statements_merged > 1 {
        merged.reconciliation = reconcile(&merged);
    }
    Some((merged, MergeReport { statements_merged, duplicates_removed }))
}

/// Appends `later` to `merged`, dropping the overlap; returns how many rows were dropped.
fn absorb(merged: &mut Statement, later: Statement) -> usize {
    let covered = merged.period.or_else(|| merged.transaction_span());
    let later_span = later.period.or_else(|| later.transaction_span());
    let mut already: HashMap<Key, usize> = HashMap::new();
    if let (Some(a), Some(b)) = (covered, later_span) {
        if a.overlaps(&b) {
            for t in merged.transactions.iter().filter(|t| t.date >= b.start && t.date <= a.end) {
                *already.entry(Key::of(t)).or_default() += 1;
            }
        }
    }
    let mut removed = 0;
    let mut later = later;
    let incoming = std::mem::take(&mut later.transactions);
    let mut kept = Vec::with_capacity(incoming.len());
    for t in incoming {
        match already.get_mut(&Key::of(&t)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                removed += 1;
            }
            _ => kept.push(t),
        }
    }
    merged.transactions.extend(kept);
    // Stable: same-day rows keep the order they had within their own statement.
    merged.transactions.sort_by_key(|t| t.date);
    extend_period(merged, covered, later_span);
    if later_span.zip(covered).is_none_or(|(b, a)| b.end >= a.end) {
        merged.closing_balance = later.closing_balance.or(merged.closing_balance);
        merged.available_balance = later.available_balance.or(merged.available_balance);
    }
    fill_missing_account_details(merged, &later);
    removed
}

fn extend_period(merged: &mut Statement, a: Option<Period>, b: Option<Period>) {
    merged.period = match (a, b) {
        (Some(a), Some(b)) => Some(Period { start: a.start.min(b.start), end: a.end.max(b.end) }),
        (a, b) => a.or(b),
    };
}

fn fill_missing_account_details(merged: &mut Statement, later: &Statement) {
    let account = &mut merged.account;
    account.bank = account.bank.take().or_else(|| later.account.bank.clone());
    account.holder = account.holder.take().or_else(|| later.account.holder.clone());
    account.iban = account.iban.take().or_else(|| later.account.iban.clone());
    account.number = account.number.take().or_else(|| later.account.number.clone());
}

/// Identity of a transaction for overlap detection.
#[derive(Hash, PartialEq, Eq)]
enum Key {
    WithBalance(chrono::NaiveDate, Amount, Amount),
    WithText(chrono::NaiveDate, Amount, String),
}

impl Key {
    fn of(t: &Transaction) -> Key {
        match t.balance {
            Some(balance) => Key::WithBalance(t.date, t.amount, balance),
            None => Key::WithText(
                t.date,
                t.amount,
                t.description.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::{Account, AccountNumber, Currency, ReconciliationStatus};

    fn row(day: u32, amount: &str, balance: Option<&str>, text: &str) -> Transaction {
        let mut t = Transaction::new(
            NaiveDate::from_ymd_opt(2024, 5, day).unwrap(),
            text,
            Amount::parse(amount).unwrap(),
        );
        t.balance = balance.map(|b| Amount::parse(b).unwrap());
        t
    }

    fn statement(account: &str, opening: &str, rows: Vec<Transaction>) -> Statement {
        let account = Account { number: Some(AccountNumber::parse(account).unwrap()), ..Account::default() };
        let mut s = Statement::new(account, Currency::parse("NGN").unwrap());
        s.opening_balance = Some(Amount::parse(opening).unwrap());
        s.transactions = rows;
        s
    }

    #[test]
    fn overlapping_exports_merge_without_duplicates_but_keep_real_repeats() {
        // Two identical airtime top-ups on the 2nd: a real repeat, visible in both exports.
        let first = statement(
            "0011223344",
            "1000",
            vec![
                row(1, "-100", Some("900"), "AIRTIME"),
                row(2, "-100", Some("800"), "AIRTIME"),
                row(2, "-100", Some("700"), "AIRTIME"),
            ],
        );
        let second = statement(
            "0011223344",
            "900",
            vec![
                row(2, "-100", Some("800"), "AIRTIME"),
                row(2, "-100", Some("700"), "AIRTIME"),
                row(3, "50", Some("750"), "REFUND"),
            ],
        );
        let merged = merge_statements(vec![second, first]);
        assert_eq!(merged.len(), 1);
        let (ledger, report) = &merged[0];
        assert_eq!(report.duplicates_removed, 2);
        assert_eq!(ledger.transactions.len(), 4);
        assert_eq!(ledger.opening_balance, Some(Amount::parse("1000").unwrap()));
        assert_eq!(ledger.reconciliation.status, ReconciliationStatus::Reconciled);
    }

    #[test]
    fn without_balances_the_larger_count_of_identical_rows_survives() {
        let a = statement("77", "0", vec![row(1, "-5", None, "Coffee"), row(1, "-5", None, "Coffee")]);
        let b = statement("77", "0", vec![row(1, "-5", None, "COFFEE "), row(2, "-1", None, "Tea")]);
        let merged = merge_statements(vec![a, b]);
        assert_eq!(merged[0].0.transactions.len(), 3);
        assert_eq!(merged[0].1.duplicates_removed, 1);
    }

    #[test]
    fn different_accounts_stay_separate() {
        let a = statement("111", "0", vec![row(1, "-5", None, "x")]);
        let b = statement("222", "0", vec![row(1, "-5", None, "x")]);
        assert_eq!(merge_statements(vec![a, b]).len(), 2);
    }
}
