//! One booked movement of money.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::currency::Currency;
use crate::money::Amount;

/// Where in its source file a transaction was read, so an analyst can check it by eye.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Provenance {
    /// Name of the file it came from (shared by all transactions of that file).
    pub file: Option<Arc<str>>,
    /// 1-based page, for paged sources (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// 1-based line of the file where the record starts, for text sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based data row (or record index in structured sources), header excluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// How sure OCR was of each value, for rows read from a scan or photo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrReading>,
}

/// OCR's certainty about one row, per value, in percent (the lowest word of each value).
///
/// A lender must know which figures a machine guessed at: a 60% amount on a row whose balance
/// does not follow is a figure to check by eye, not to lend on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct OcrReading {
    /// The date's confidence; `None` when the row prints no date (it falls under the last one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<u8>,
    /// The amount's confidence (debit, credit or signed amount).
    pub amount: u8,
    /// The running balance's confidence, when the row prints one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance: Option<u8>,
    /// The description's confidence.
    pub description: u8,
    /// True when the row breaks the running-balance chain: the bank's own arithmetic does not
    /// confirm what OCR read, so the row is kept but marked.
    pub unreconciled: bool,
}

/// The other party of a transaction, when the source names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counterparty {
    /// Name as printed.
    pub name: Option<String>,
    /// Their account or IBAN, as printed (counterparty data is not the borrower's, but it is
    /// still kept out of logs by callers).
    pub account: Option<String>,
    /// Their bank identifier (BIC, sort code).
    pub bank_id: Option<String>,
}

impl Counterparty {
    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.account.is_none() && self.bank_id.is_none()
    }
}

/// An amount in the currency it was originally made in (a card payment abroad), kept alongside
/// the account-currency amount that actually moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ForeignAmount {
    /// Signed like the transaction amount.
    pub amount: Amount,
    /// The original currency.
    pub currency: Currency,
}

/// A single transaction. `amount` is signed: credits (money in) positive, debits negative.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Transaction {
    /// Booking (posting) date.
    pub date: NaiveDate,
    /// Value date, when the source gives one distinct from the booking date.
    pub value_date: Option<NaiveDate>,
    /// Description as the bank wrote it, whitespace-collapsed but otherwise untouched.
    pub description: String,
    /// Signed amount in the statement currency.
    pub amount: Amount,
    /// Running balance after this transaction, when the source prints one.
    pub balance: Option<Amount>,
    /// Bank reference, FITID, end-to-end id or cheque number.
    pub reference: Option<String>,
    /// The bank's own transaction type code (OFX TRNTYPE, MT940 type, CAMT BkTxCd), verbatim.
    pub bank_code: Option<String>,
    /// Counterparty named by the source.
    #[serde(skip_serializing_if = "Counterparty::is_empty")]
    pub counterparty: Counterparty,
    /// Original amount and currency for foreign-currency transactions.
    pub original: Option<ForeignAmount>,
    /// Where it was read.
    pub provenance: Provenance,
}

impl Transaction {
    /// A transaction with the three facts every source has; the rest start empty.
    pub fn new(date: NaiveDate, description: impl Into<String>, amount: Amount) -> Self {
        Transaction {
            date,
            value_date: None,
            description: description.into(),
            amount,
            balance: None,
            reference: None,
            bank_code: None,
            counterparty: Counterparty::default(),
            original: None,
            provenance: Provenance::default(),
        }
    }
}
