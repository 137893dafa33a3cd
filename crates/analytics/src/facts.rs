//! Per-ledger aggregates that several profiles read: computed once, passed down.
//!
//! `native` and `periculum` both start from the ledger's cash flow, spending, income and credit
//! figures. A caller building several profiles of one ledger computes them once with
//! [`Facts::of`] and hands them to each profile's `build_with`; each `build(ledger, options)`
//! still works alone (it computes its own facts).

use crate::cashflow::CashFlow;
use crate::credit::Credit;
use crate::income::Income;
use crate::ledger::Ledger;
use crate::spend::Spend;

/// Aggregates of one ledger shared by the profiles.
#[derive(Debug)]
pub struct Facts<'l, 'a> {
    /// Monthly inflows, outflows and balances.
    pub flow: CashFlow,
    /// Spending by category, bucket, channel, month and payee.
    pub spend: Spend<'a>,
    /// Income streams.
    pub income: Income<'l, 'a>,
    /// Credit (loans, lenders, repayments).
    pub credit: Credit,
}

impl<'l, 'a> Facts<'l, 'a> {
    /// Computes every shared aggregate of `ledger`.
    pub fn of(ledger: &'l Ledger<'a>) -> Facts<'l, 'a> {
        Facts {
            flow: CashFlow::of(ledger),
            spend: Spend::of(ledger),
            income: Income::of(ledger),
            credit: Credit::of(ledger),
        }
    }
}
