//! Income: salary and other income, read from what enrichment decided per transaction.
//!
//! Salary is the credits enrichment marked as salary (`INCOME_WAGES` that passed its checks);
//! other income is every other `INCOME` credit. Transfers in are never income (docs/taxonomy.md).
//! A salary *payment* is the salary credited on one day: an employer that splits a month's pay
//! into two credits on the same day pays one salary, and counting it twice would halve the
//! "lowest salary" a lender reads.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::Primary;
use ledgerlens_enrich::Frequency;
use rust_decimal::Decimal;

use crate::ledger::{Entry, Ledger, sum};

/// One salary payment (all salary credited on one day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payment {
    /// Pay day.
    pub date: NaiveDate,
    /// Amount (positive).
    pub amount: Decimal,
}

/// Income figures of a ledger.
#[derive(Clone, Debug, Default)]
pub struct Income<'l, 'a> {
    /// Salary credits, in ledger order.
    pub salary: Vec<&'l Entry<'a>>,
    /// Salary payments by day, oldest first.
    pub payments: Vec<Payment>,
    /// Other income credits, in ledger order.
    pub other: Vec<&'l Entry<'a>>,
    /// Total salary.
    pub salary_total: Decimal,
    /// Total other income.
    pub other_total: Decimal,
    /// Frequency of the salary.
    pub frequency: Option<Frequency>,
    /// Usual pay day of the month.
    pub pay_day: Option<u32>,
    /// True when enrichment found a salary stream in an account (or salary credits).
    pub salary_earner: bool,
}

/// True for a salary credit.
pub fn is_salary(entry: &Entry<'_>) -> bool {
    entry.enr.salary && entry.is_credit() && !entry.is_internal()
}

/// True for an income credit that is not salary.
pub fn is_other_income(entry: &Entry<'_>) -> bool {
    entry.is_credit()
        && !entry.is_internal()
        && !entry.enr.salary
        && entry.enr.loan.is_none()
        && entry.primary() == Primary::Income
}

impl<'l, 'a> Income<'l, 'a> {
    /// Computes the income figures.
    pub fn of(ledger: &'l Ledger<'a>) -> Income<'l, 'a> {
        let mut income = Income::default();
        let mut by_day: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
        for entry in ledger.in_currency() {
            if is_salary(entry) {
                income.salary.push(entry);
                *by_day.entry(entry.date()).or_default() += entry.amount();
            } else if is_other_income(entry) {
                income.other.push(entry);
            }
        }
        income.salary_total = sum(income.salary.iter().map(|e| e.amount()));
        income.other_total = sum(income.other.iter().map(|e| e.amount()));
        income.payments = by_day
            .into_iter()
            .map(|(date, amount)| Payment { date, amount })
            .collect();
        income.salary_earner = !income.payments.is_empty();
        // Usual pay day: the median day of the month of the pay days (the lower one of an even
        // count), which a late or early month does not move.
        let mut days: Vec<u32> = income.payments.iter().map(|p| p.date.day()).collect();
        days.sort_unstable();
        income.pay_day = days.get(days.len().saturating_sub(1) / 2).copied();
        // Frequency: the salary stream enrichment found (the largest in the analysis currency);
        // else the period the pay days' median interval implies.
        income.frequency = ledger
            .accounts
            .iter()
            .filter(|a| a.statement.currency == ledger.currency)
            .flat_map(|a| a.enriched.income.streams.iter())
            .filter(|s| s.salary && s.frequency.is_some())
            .max_by(|a, b| {
                (a.total, std::cmp::Reverse(&a.counterparty))
                    .cmp(&(b.total, std::cmp::Reverse(&b.counterparty)))
            })
            .and_then(|s| s.frequency)
            .or_else(|| {
                let mut intervals: Vec<i64> = income
                    .payments
                    .windows(2)
                    .filter_map(|w| match w {
                        [a, b] => Some((b.date - a.date).num_days()),
                        _ => None,
                    })
                    .collect();
                intervals.sort_unstable();
                let median = intervals.get(intervals.len().saturating_sub(1) / 2)?;
                let median = u32::try_from(*median).ok()?;
                ledgerlens_enrich::recurrence::period_of(median).map(|(f, _, _)| f)
            });
        income
    }

    /// Mean salary payment.
    pub fn average_salary(&self) -> Decimal {
        if self.payments.is_empty() {
            return Decimal::ZERO;
        }
        sum(self.payments.iter().map(|p| p.amount)) / Decimal::from(self.payments.len())
    }

    /// Smallest salary payment.
    pub fn lowest_salary(&self) -> Option<Decimal> {
        self.payments.iter().map(|p| p.amount).min()
    }

    /// Latest salary payment.
    pub fn latest(&self) -> Option<Payment> {
        self.payments.last().copied()
    }
}
