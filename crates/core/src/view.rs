//! The wire shape of parsed documents (JSON for the CLI today, the API later).
//!
//! Domain types mask account identifiers by themselves; this view is the one place that can show
//! them in full, and only when the caller sets [`ViewOptions::reveal_account`].

use serde::Serialize;

use crate::account::{Account, AccountKind};
use crate::currency::Currency;
use crate::document::{Document, Format};
use crate::merge::MergeReport;
use crate::money::Amount;
use crate::reconcile::Reconciliation;
use crate::statement::{Period, Statement};
use crate::transaction::{Counterparty, ForeignAmount, Provenance, Transaction};

/// Output choices.
#[derive(Clone, Copy, Debug, Default)]
pub struct ViewOptions {
    /// Show account numbers and IBANs in full instead of `****1234`.
    pub reveal_account: bool,
}

/// An account as shown to a client.
#[derive(Debug, Serialize)]
pub struct AccountView<'a> {
    /// Bank name.
    pub bank: Option<&'a str>,
    /// BIC, routing or bank code.
    pub bank_id: Option<&'a str>,
    /// Account number, masked unless revealed.
    pub number: Option<String>,
    /// IBAN, masked unless revealed.
    pub iban: Option<String>,
    /// Holder name.
    pub holder: Option<&'a str>,
    /// Account type.
    pub kind: AccountKind,
}

impl<'a> AccountView<'a> {
    /// The view of an account.
    pub fn new(account: &'a Account, options: ViewOptions) -> Self {
        AccountView {
            bank: account.bank.as_deref(),
            bank_id: account.bank_id.as_deref(),
            number: account.number.as_ref().map(|n| {
                if options.reveal_account {
                    n.reveal().to_owned()
                } else {
                    n.masked()
                }
            }),
            iban: account.iban.as_ref().map(|i| {
                if options.reveal_account {
                    i.reveal().to_owned()
                } else {
                    i.masked()
                }
            }),
            holder: account.holder.as_deref(),
            kind: account.kind,
        }
    }

    /// The single identifier a CSV row shows: IBAN, else number.
    pub fn label(&self) -> String {
        self.iban
            .clone()
            .or_else(|| self.number.clone())
            .unwrap_or_default()
    }
}

/// A transaction as shown to a client.
#[derive(Debug, Serialize)]
pub struct TransactionView<'a> {
    /// Booking date, `YYYY-MM-DD`.
    pub date: chrono::NaiveDate,
    /// Value date, when distinct.
    pub value_date: Option<chrono::NaiveDate>,
    /// Description as printed.
    pub description: &'a str,
    /// Signed amount as a decimal string.
    pub amount: Amount,
    /// Running balance as a decimal string, when printed.
    pub balance: Option<Amount>,
    /// Currency of amount and balance.
    pub currency: Currency,
    /// Bank reference.
    pub reference: Option<&'a str>,
    /// The source's transaction type code.
    pub bank_code: Option<&'a str>,
    /// Counterparty, when named.
    #[serde(skip_serializing_if = "Counterparty::is_empty")]
    pub counterparty: &'a Counterparty,
    /// Original foreign amount.
    pub original: Option<ForeignAmount>,
    /// Where it was read.
    pub provenance: &'a Provenance,
}

impl<'a> TransactionView<'a> {
    /// The view of a transaction in a statement currency.
    pub fn new(t: &'a Transaction, currency: Currency) -> Self {
        TransactionView {
            date: t.date,
            value_date: t.value_date,
            description: &t.description,
            amount: t.amount,
            balance: t.balance,
            currency,
            reference: t.reference.as_deref(),
            bank_code: t.bank_code.as_deref(),
            counterparty: &t.counterparty,
            original: t.original,
            provenance: &t.provenance,
        }
    }
}

/// A statement as shown to a client.
#[derive(Debug, Serialize)]
pub struct StatementView<'a> {
    /// The account.
    pub account: AccountView<'a>,
    /// Period covered.
    pub period: Option<Period>,
    /// Opening balance.
    pub opening_balance: Option<Amount>,
    /// Closing balance.
    pub closing_balance: Option<Amount>,
    /// Available balance at the end.
    pub available_balance: Option<Amount>,
    /// Statement currency.
    pub currency: Currency,
    /// Balance checks.
    pub reconciliation: &'a Reconciliation,
    /// Number of transactions.
    pub transaction_count: usize,
    /// Transactions, oldest first.
    pub transactions: Vec<TransactionView<'a>>,
    /// For merged ledgers: what merging did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge: Option<&'a MergeReport>,
}

impl<'a> StatementView<'a> {
    /// The view of a statement.
    pub fn new(s: &'a Statement, options: ViewOptions) -> Self {
        StatementView {
            account: AccountView::new(&s.account, options),
            period: s.period,
            opening_balance: s.opening_balance,
            closing_balance: s.closing_balance,
            available_balance: s.available_balance,
            currency: s.currency,
            reconciliation: &s.reconciliation,
            transaction_count: s.transactions.len(),
            transactions: s
                .transactions
                .iter()
                .map(|t| TransactionView::new(t, s.currency))
                .collect(),
            merge: None,
        }
    }
}

/// A document as shown to a client.
#[derive(Debug, Serialize)]
pub struct DocumentView<'a> {
    /// File name.
    pub file: &'a str,
    /// Detected format.
    pub format: Format,
    /// Hex SHA-256 of the file.
    pub sha256: &'a str,
    /// Statements read.
    pub statements: Vec<StatementView<'a>>,
    /// Non-fatal observations.
    pub warnings: &'a [String],
    /// Forensics, for PDFs and images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forensics: Option<&'a crate::forensics::Forensics>,
}

impl<'a> DocumentView<'a> {
    /// The view of a document.
    pub fn new(d: &'a Document, options: ViewOptions) -> Self {
        DocumentView {
            file: &d.file,
            format: d.format,
            sha256: &d.sha256,
            statements: d
                .statements
                .iter()
                .map(|s| StatementView::new(s, options))
                .collect(),
            warnings: &d.warnings,
            forensics: d.forensics.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AccountNumber;

    #[test]
    fn accounts_are_masked_unless_revealed() {
        let account = Account {
            number: Some(AccountNumber::parse("0123456789").unwrap()),
            ..Account::default()
        };
        let masked =
            serde_json::to_value(AccountView::new(&account, ViewOptions::default())).unwrap();
        assert_eq!(masked["number"], "****6789");
        let shown = serde_json::to_value(AccountView::new(
            &account,
            ViewOptions {
                reveal_account: true,
            },
        ))
        .unwrap();
        assert_eq!(shown["number"], "0123456789");
    }
}
