//! Periculum's own statement JSON: `{"statementName", "transactions": [{date, description, amount,
//! type, balance}]}` as posted to its Insights API, or the bare transaction array its
//! `GET /statements/{key}/transactions` returns.
//!
//! Amounts are unsigned major units with a `Debit`/`Credit` type. Dates in Periculum's own sample
//! are en-US `6/17/2020` (its backend is .NET), so month-first breaks a genuine tie. Periculum
//! serves lenders in Kenya as well as Nigeria and the format has no currency field, so unlike the
//! Nigerian-only providers we do not assume naira: a `currency` member (which our writer adds) or
//! the caller's default currency is used, and otherwise the statement is left without a currency
//! and a warning says so.

use std::borrow::Cow;

use ledgerlens_core::{Account, Currency};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::build::{Draft, account_kind, account_number, build, statement};
use super::source::{Doc, Rows};
use crate::dates::DateOrder;
use crate::{IngestError, Parsed};

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow, rename = "clientFullName")]
    client: Option<&'a RawValue>,
    #[serde(borrow, rename = "bankName")]
    bank: Option<&'a RawValue>,
    #[serde(borrow, rename = "accountType")]
    account_type: Option<&'a RawValue>,
    #[serde(borrow, rename = "accountName")]
    account_name: Option<&'a RawValue>,
    #[serde(borrow, rename = "accountNumber")]
    account_number: Option<&'a RawValue>,
    #[serde(borrow)]
    currency: Option<&'a RawValue>,
    #[serde(borrow)]
    transactions: Option<Rows<'a>>,
}

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow)]
    date: Option<&'a RawValue>,
    #[serde(borrow, rename = "valueDate")]
    value_date: Option<&'a RawValue>,
    #[serde(borrow)]
    description: Option<&'a RawValue>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    balance: Option<&'a RawValue>,
    #[serde(borrow)]
    reference: Option<&'a RawValue>,
}

/// Reads a Periculum statement.
pub(super) fn parse(doc: Doc<'_>) -> Result<Parsed, IngestError> {
    let header = doc.header();
    let (root, rows) = if doc.text.trim_start().starts_with('[') {
        (None, doc.root::<Rows<'_>>()?)
    } else {
        let mut root: Root<'_> = doc.root()?;
        let rows = root.transactions.take().unwrap_or_default();
        (Some(root), rows)
    };
    let mut lines = doc.lines();
    let mut drafts = Vec::with_capacity(rows.0.len());
    for (i, &raw) in rows.0.iter().enumerate() {
        let at = lines.at(i, raw);
        let row: Row<'_> = lines.parse(&at, raw)?;
        let amount = at
            .amount("amount", row.amount)?
            .ok_or_else(|| at.error("the transaction has no amount"))?;
        let kind = at.text("type", row.kind)?;
        drafts.push(Draft {
            at,
            date: at.text("date", row.date)?,
            value_date: at.text("valueDate", row.value_date)?,
            description: at
                .collapsed("description", row.description)?
                .unwrap_or_default(),
            amount: at.signed(amount, kind.as_deref())?,
            balance: at.amount("balance", row.balance)?,
            reference: at.text("reference", row.reference)?.map(Cow::into_owned),
            bank_code: None,
        });
    }
    let (built, _) = build(drafts, &[], doc.date_hint(Some(DateOrder::MonthFirst)))?;
    let mut warnings = Vec::new();
    let mut account = Account::default();
    let mut stated = None;
    if let Some(root) = &root {
        let text = |name, raw| header.text(name, raw).map(|t| t.map(Cow::into_owned));
        account.bank = text("bankName", root.bank)?;
        account.holder =
            text("accountName", root.account_name)?.or(text("clientFullName", root.client)?);
        account.kind = account_kind(header.text("accountType", root.account_type)?.as_deref());
        account.number = account_number(
            header
                .text("accountNumber", root.account_number)?
                .as_deref(),
        );
        stated = header.currency("currency", root.currency)?;
    }
    let currency = stated.or(doc.options.default_currency).unwrap_or_else(|| {
        warnings
            .push("Periculum JSON states no currency and no default currency was given".to_owned());
        Currency::unknown()
    });
    account.currency = stated;
    Ok(Parsed {
        statements: vec![statement(account, currency, built)],
        warnings,
        ..Parsed::default()
    })
}
