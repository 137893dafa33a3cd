//! End-of-day balances: the series behind average balances, overdraft days and balance trends.
//!
//! A statement prints a running balance on most rows; where it does, that is the balance (the
//! bank's own figure, already reconciled). Where it does not, the balance is the opening balance
//! plus the amounts so far. Days without a transaction carry the previous day's balance, so an
//! average over a month is an average over its days, as banks compute average balances.

use chrono::NaiveDate;
use ledgerlens_core::Statement;
use rust_decimal::Decimal;

/// One account's balance at the end of every day from `start` to `end`.
#[derive(Clone, Debug, PartialEq)]
pub struct DailyBalances {
    /// First day.
    pub start: NaiveDate,
    /// Balance at the end of each day, `start` first.
    pub values: Vec<Decimal>,
    /// False when neither an opening balance nor printed balances exist: the series is then
    /// relative to an unknown starting point (zero) and absolute figures are not meaningful.
    pub known: bool,
}

impl DailyBalances {
    /// Builds the series for a statement over `start..=end` (normally the ledger's span).
    pub fn of(statement: &Statement, start: NaiveDate, end: NaiveDate) -> DailyBalances {
        let days = usize::try_from((end - start).num_days() + 1).unwrap_or(0);
        let known = statement.opening_balance.is_some()
            || statement.transactions.iter().any(|t| t.balance.is_some());
        // The balance before the first transaction: stated, or derived from the first printed
        // balance, or zero.
        let opening = statement
            .opening_balance
            .map(|a| a.as_decimal())
            .or_else(|| {
                let mut before = Decimal::ZERO;
                for t in &statement.transactions {
                    before += t.amount.as_decimal();
                    if let Some(balance) = t.balance {
                        return Some(balance.as_decimal() - before);
                    }
                }
                None
            })
            .unwrap_or(Decimal::ZERO);
        let mut values = Vec::with_capacity(days);
        let mut current = opening;
        let mut transactions = statement.transactions.iter().peekable();
        for offset in 0..days {
            let Some(day) = start.checked_add_days(chrono::Days::new(offset as u64)) else {
                break;
            };
            while let Some(t) = transactions.next_if(|t| t.date <= day) {
                current = match t.balance {
                    Some(balance) => balance.as_decimal(),
                    None => current + t.amount.as_decimal(),
                };
            }
            values.push(current);
        }
        DailyBalances {
            start,
            values,
            known,
        }
    }

    /// Balances of the days in `from..=to` (clipped to the series).
    pub fn window(&self, from: NaiveDate, to: NaiveDate) -> &[Decimal] {
        let offset = |date: NaiveDate| {
            usize::try_from((date - self.start).num_days())
                .unwrap_or(0)
                .min(self.values.len())
        };
        let (a, b) = (
            offset(from),
            offset(to).saturating_add(1).min(self.values.len()),
        );
        self.values.get(a..b.max(a)).unwrap_or(&[])
    }

    /// Days whose closing balance is below zero.
    pub fn overdraft_days(&self) -> usize {
        self.values
            .iter()
            .filter(|v| v.is_sign_negative() && !v.is_zero())
            .count()
    }

    /// Mean of a slice of balances (zero for none).
    pub fn mean(values: &[Decimal]) -> Decimal {
        if values.is_empty() {
            return Decimal::ZERO;
        }
        let total = crate::ledger::sum(values.iter().copied());
        total / Decimal::from(values.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledgerlens_core::{Account, Amount, Currency, Transaction};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, d).unwrap_or_default()
    }

    #[test]
    fn days_without_transactions_carry_the_balance_and_overdraft_is_counted() {
        let currency = Currency::parse("NGN").unwrap_or_else(|_| Currency::unknown());
        let mut statement = Statement::new(Account::default(), currency);
        statement.opening_balance = Some(Amount::from_minor(1000, 0).unwrap_or(Amount::ZERO));
        let mut t = Transaction::new(
            day(3),
            "x",
            Amount::from_minor(-1500, 0).unwrap_or(Amount::ZERO),
        );
        t.balance = None;
        statement.transactions.push(t);
        let mut t = Transaction::new(
            day(5),
            "y",
            Amount::from_minor(600, 0).unwrap_or(Amount::ZERO),
        );
        t.balance = Some(Amount::from_minor(100, 0).unwrap_or(Amount::ZERO));
        statement.transactions.push(t);
        let series = DailyBalances::of(&statement, day(1), day(6));
        let expected: Vec<Decimal> = [1000, 1000, -500, -500, 100, 100]
            .into_iter()
            .map(Decimal::from)
            .collect();
        assert_eq!(series.values, expected);
        assert_eq!(series.overdraft_days(), 2);
        assert_eq!(series.window(day(2), day(3)), &expected[1..3]);
        assert_eq!(
            DailyBalances::mean(series.window(day(1), day(2))),
            Decimal::from(1000)
        );
    }
}
