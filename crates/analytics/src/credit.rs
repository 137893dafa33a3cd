//! Credit behaviour: loans, gambling, bank charges and returned payments.
//!
//! Loans are read from the roles enrichment's loan detector gave each transaction (disbursement,
//! repayment, returned repayment), not from categories alone: a repayment that bounced is not a
//! repayment, and its reversal is not a new loan. Gambling is the `GAMBLING` primary: stakes
//! are its debits, winnings its credits.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use ledgerlens_core::Primary;
use ledgerlens_enrich::{Channel, LoanRole};

use crate::ledger::{Entry, Ledger};
use crate::spend::Tally;

/// One lender across the ledger.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lender {
    /// Disbursements received.
    pub disbursed: Tally,
    /// Repayments made.
    pub repaid: Tally,
    /// Repayments that came back unpaid.
    pub returned: Tally,
    /// First activity.
    pub first_date: Option<NaiveDate>,
    /// Last activity.
    pub last_date: Option<NaiveDate>,
}

/// Credit figures of a ledger.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Credit {
    /// Loan money received.
    pub disbursed: Tally,
    /// Loan repayments made (positive).
    pub repaid: Tally,
    /// Repayments that came back unpaid (the failed debits, positive).
    pub returned: Tally,
    /// Per lender key.
    pub lenders: BTreeMap<Arc<str>, Lender>,
    /// Largest number of loans outstanding at once in any one account.
    pub max_concurrent_loans: usize,
    /// Gambling stakes (positive).
    pub stakes: Tally,
    /// Gambling winnings.
    pub winnings: Tally,
    /// Bank charges and levies (positive).
    pub charges: Tally,
    /// Bank charges per detailed category code.
    pub charges_by_kind: BTreeMap<&'static str, Tally>,
    /// Payments to debt collectors (positive).
    pub debt_collection: Tally,
    /// Returned or bounced payments of any kind.
    pub returned_payments: usize,
    /// Of which cheques.
    pub returned_cheques: usize,
    /// Card issuance, request, replacement or renewal fees.
    pub card_requests: usize,
}

fn mentions_cheque(text: &str) -> bool {
    let text = text.to_lowercase();
    ["cheque", "chq", "check", "cheq"]
        .iter()
        .any(|w| text.contains(w))
}

fn is_card_request(entry: &Entry<'_>) -> bool {
    if entry.category().code() != "BANK_FEES_CARD_FEES" || !entry.is_debit() {
        return false;
    }
    let text = entry.tx.description.to_lowercase();
    ["request", "issu", "replac", "renew", "new card", "reissu"]
        .iter()
        .any(|w| text.contains(w))
}

impl Credit {
    /// Computes the credit figures.
    pub fn of(ledger: &Ledger<'_>) -> Credit {
        let mut credit = Credit::default();
        for entry in ledger.in_currency() {
            let amount = entry.amount().abs();
            if amount.is_zero() {
                continue;
            }
            let lender = entry.enr.lender.clone();
            let touch = |credit: &mut Credit, pick: fn(&mut Lender) -> &mut Tally| {
                if let Some(key) = &lender {
                    let l = credit.lenders.entry(key.clone()).or_default();
                    pick(l).add(amount);
                    l.first_date = Some(l.first_date.map_or(entry.date(), |d| d.min(entry.date())));
                    l.last_date = Some(l.last_date.map_or(entry.date(), |d| d.max(entry.date())));
                }
            };
            if !entry.is_internal() {
                match entry.enr.loan {
                    Some(LoanRole::Disbursement) if entry.is_credit() => {
                        credit.disbursed.add(amount);
                        touch(&mut credit, |l| &mut l.disbursed);
                    }
                    Some(LoanRole::Repayment) if entry.is_debit() => {
                        credit.repaid.add(amount);
                        touch(&mut credit, |l| &mut l.repaid);
                    }
                    Some(LoanRole::ReturnedRepayment) if entry.is_debit() => {
                        credit.returned.add(amount);
                        touch(&mut credit, |l| &mut l.returned);
                    }
                    _ => {}
                }
            }
            match entry.primary() {
                Primary::Gambling if entry.is_debit() => credit.stakes.add(amount),
                Primary::Gambling => credit.winnings.add(amount),
                Primary::BankFees if entry.is_debit() => {
                    credit.charges.add(amount);
                    credit
                        .charges_by_kind
                        .entry(entry.category().code())
                        .or_default()
                        .add(amount);
                }
                _ => {}
            }
            if entry.is_debit() && entry.category().code() == "LOAN_PAYMENTS_DEBT_COLLECTION" {
                credit.debt_collection.add(amount);
            }
            if is_card_request(entry) {
                credit.card_requests += 1;
            }
        }
        for account in &ledger.accounts {
            if account.statement.currency != ledger.currency {
                continue;
            }
            let loans = &account.enriched.loans;
            credit.max_concurrent_loans =
                credit.max_concurrent_loans.max(loans.max_concurrent_loans);
            credit.returned_payments += loans.returned_payments.len();
            credit.returned_cheques += loans
                .returned_payments
                .iter()
                .filter(|&&index| {
                    let channel = account.enriched.transactions.get(index).map(|e| e.channel);
                    let text = account
                        .statement
                        .transactions
                        .get(index)
                        .map_or("", |t| t.description.as_str());
                    channel == Some(Channel::Cheque) || mentions_cheque(text)
                })
                .count();
        }
        credit
    }
}
