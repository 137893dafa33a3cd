//! Dojah financial transactions JSON: `{"entity": {"transactions": [...]}}` as Dojah's API returns
//! it and Periculum accepts it, and the flatter `{"transactions": [...]}` request body of Dojah's
//! collect-transactions call (`transaction_type`, `transaction_amount`, `reference_number`,
//! `transaction_description`).
//!
//! Amounts and balances are strings in major units ("2000.00"), unsigned, with a debit/credit
//! type. Dojah's Nigerian financial API states no currency, so naira is assumed unless the
//! document (our writer adds `entity.currency`) or the caller says otherwise. A Dojah response with
//! no transactions at all (an account-creation acknowledgement) reads as having no statement.

use std::borrow::Cow;

use ledgerlens_core::Account;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::build::{Draft, build, naira_statement};
use super::source::{Doc, Rows};
use crate::{IngestError, Parsed};

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow)]
    entity: Option<&'a RawValue>,
    #[serde(borrow)]
    transactions: Option<Rows<'a>>,
    #[serde(borrow)]
    currency: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Entity<'a> {
    #[serde(borrow)]
    transactions: Option<Rows<'a>>,
    #[serde(borrow)]
    currency: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow)]
    transaction_date: Option<&'a RawValue>,
    #[serde(borrow)]
    value_date: Option<&'a RawValue>,
    #[serde(borrow)]
    trans_type: Option<&'a RawValue>,
    #[serde(borrow)]
    transaction_type: Option<&'a RawValue>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    #[serde(borrow)]
    transaction_amount: Option<&'a RawValue>,
    #[serde(borrow)]
    available_balance: Option<&'a RawValue>,
    #[serde(borrow)]
    balance: Option<&'a RawValue>,
    #[serde(borrow)]
    reference: Option<&'a RawValue>,
    #[serde(borrow)]
    reference_number: Option<&'a RawValue>,
    #[serde(borrow)]
    narration: Option<&'a RawValue>,
    #[serde(borrow)]
    transaction_description: Option<&'a RawValue>,
    #[serde(borrow)]
    bank_name: Option<&'a RawValue>,
    #[serde(borrow)]
    currency: Option<&'a RawValue>,
}

/// Reads a Dojah transactions document.
pub(super) fn parse(doc: Doc<'_>) -> Result<Parsed, IngestError> {
    let header = doc.header();
    let root: Root<'_> = doc.root()?;
    let (rows, mut stated) = match root.entity {
        Some(entity) if entity.get().trim_start().starts_with('{') => {
            let entity: Entity<'_> = doc.sub(entity)?;
            (
                entity.transactions,
                header.currency("entity.currency", entity.currency)?,
            )
        }
        _ => (root.transactions, None),
    };
    if stated.is_none() {
        stated = header.currency("currency", root.currency)?;
    }
    let Some(rows) = rows else {
        return Ok(Parsed::default());
    };
    let mut lines = doc.lines();
    let mut drafts = Vec::with_capacity(rows.0.len());
    let mut account = Account::default();
    for (i, &raw) in rows.0.iter().enumerate() {
        let at = lines.at(i, raw);
        let row: Row<'_> = lines.parse(&at, raw)?;
        let amount = match at.amount("amount", row.amount)? {
            Some(a) => Some(a),
            None => at.amount("transaction_amount", row.transaction_amount)?,
        };
        let amount = amount.ok_or_else(|| at.error("the transaction has no amount"))?;
        let kind = match at.text("trans_type", row.trans_type)? {
            Some(k) => Some(k),
            None => at.text("transaction_type", row.transaction_type)?,
        };
        let balance = match at.amount("available_balance", row.available_balance)? {
            Some(b) => Some(b),
            None => at.amount("balance", row.balance)?,
        };
        let reference = match at.text("reference", row.reference)? {
            Some(r) => Some(r),
            None => at.text("reference_number", row.reference_number)?,
        };
        let description = match at.collapsed("narration", row.narration)? {
            Some(d) => d,
            None => at
                .collapsed("transaction_description", row.transaction_description)?
                .unwrap_or_default(),
        };
        if stated.is_none() {
            stated = at.currency("currency", row.currency)?;
        }
        if account.bank.is_none() {
            account.bank = at.text("bank_name", row.bank_name)?.map(Cow::into_owned);
        }
        drafts.push(Draft {
            at,
            date: at.text("transaction_date", row.transaction_date)?,
            value_date: at.text("value_date", row.value_date)?,
            description,
            amount: at.signed(amount, kind.as_deref())?,
            balance,
            reference: reference.map(Cow::into_owned),
            bank_code: None,
        });
    }
    let (built, _) = build(drafts, &[], doc.date_hint(None))?;
    Ok(naira_statement(
        account,
        stated,
        doc.options.default_currency,
        built,
    ))
}
