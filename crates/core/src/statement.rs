//! A statement: one account over one period.

use chrono::NaiveDate;
use serde::Serialize;

use crate::account::Account;
use crate::currency::Currency;
use crate::money::Amount;
use crate::reconcile::Reconciliation;
use crate::transaction::Transaction;

/// An inclusive date range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    /// First day covered.
    pub start: NaiveDate,
    /// Last day covered.
    pub end: NaiveDate,
}

impl Period {
    /// True when the two periods share at least one day.
    pub fn overlaps(&self, other: &Period) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// One account's transactions over a period, with the balances the source states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The account.
    pub account: Account,
    /// Statement currency; amounts and balances are in it.
    pub currency: Currency,
    /// Period the statement declares, or failing that the span of its transactions.
    pub period: Option<Period>,
    /// Balance before the first transaction.
    pub opening_balance: Option<Amount>,
    /// Balance after the last transaction.
    pub closing_balance: Option<Amount>,
    /// Available (cleared) balance at the end, where the source distinguishes it.
    pub available_balance: Option<Amount>,
    /// Transactions in chronological order (oldest first) once ingestion has finished.
    pub transactions: Vec<Transaction>,
    /// The balance checks, filled in by ingestion after parsing.
    pub reconciliation: Reconciliation,
}

impl Statement {
    /// An empty statement for an account in a currency.
    pub fn new(account: Account, currency: Currency) -> Self {
        Statement {
            account,
            currency,
            period: None,
            opening_balance: None,
            closing_balance: None,
            available_balance: None,
            transactions: Vec::new(),
            reconciliation: Reconciliation::default(),
        }
    }

    /// The span of transaction dates, when there are any.
    pub fn transaction_span(&self) -> Option<Period> {
        let start = self.transactions.iter().map(|t| t.date).min()?;
        let end = self.transactions.iter().map(|t| t.date).max()?;
        Some(Period { start, end })
    }
}
