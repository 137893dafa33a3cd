//! Okra transactions JSON (`data.transaction[]`, as returned by `/transactions/getById` and
//! accepted by Periculum). Okra closed in May 2025; the format survives in archived statements.
//!
//! Each row has separate `debit` and `credit` amounts in major units (one of them null), the
//! narration in `notes.desc`, the booking date in `trans_date` and the clearing date in
//! `cleared_date` (kept as the value date). Okra served Nigerian banks only and its rows carry
//! `"currency": null`, so naira is assumed unless a row or the caller says otherwise. The account
//! (bank name, NUBAN, holder) is repeated on every row; the first row that names it is used.

use std::borrow::Cow;

use ledgerlens_core::Account;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::build::{Draft, account_number, build, naira_statement};
use super::fields::At;
use super::source::{Doc, Rows};
use crate::{IngestError, Parsed};

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    transaction: Option<Rows<'a>>,
    #[serde(borrow)]
    transactions: Option<Rows<'a>>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    transaction: Option<Rows<'a>>,
    #[serde(borrow)]
    transactions: Option<Rows<'a>>,
}

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow, rename = "_id")]
    underscore_id: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    trans_date: Option<&'a RawValue>,
    #[serde(borrow)]
    cleared_date: Option<&'a RawValue>,
    #[serde(borrow)]
    unformatted_trans_date: Option<&'a RawValue>,
    #[serde(borrow)]
    debit: Option<&'a RawValue>,
    #[serde(borrow)]
    credit: Option<&'a RawValue>,
    #[serde(borrow)]
    balance: Option<&'a RawValue>,
    #[serde(borrow, rename = "ref")]
    reference: Option<&'a RawValue>,
    #[serde(borrow)]
    currency: Option<&'a RawValue>,
    #[serde(borrow)]
    notes: Option<&'a RawValue>,
    #[serde(borrow)]
    bank: Option<Named<'a>>,
    #[serde(borrow)]
    account: Option<OkraAccount<'a>>,
    #[serde(borrow)]
    customer: Option<Named<'a>>,
}

#[derive(Deserialize)]
struct Notes<'a> {
    #[serde(borrow)]
    desc: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow)]
    name: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct OkraAccount<'a> {
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    nuban: Option<&'a RawValue>,
}

fn rows<'a>(doc: &Doc<'a>) -> Result<Rows<'a>, IngestError> {
    let root: Root<'a> = doc.root()?;
    if let Some(data) = root.data {
        match data.get().trim_start().as_bytes().first() {
            Some(b'[') => return doc.sub(data),
            Some(b'{') => {
                let inner: Data<'a> = doc.sub(data)?;
                return Ok(inner.transaction.or(inner.transactions).unwrap_or_default());
            }
            _ => {}
        }
    }
    Ok(root.transaction.or(root.transactions).unwrap_or_default())
}

/// The narration: `notes.desc`, or `notes` itself when it is plain text.
fn narration(at: &At, notes: Option<&RawValue>) -> Result<String, IngestError> {
    let Some(raw) = notes else {
        return Ok(String::new());
    };
    if raw.get().trim_start().starts_with('{') {
        let notes: Notes<'_> =
            serde_json::from_str(raw.get()).map_err(|e| at.error(format!("notes: {e}")))?;
        return Ok(at.collapsed("notes.desc", notes.desc)?.unwrap_or_default());
    }
    Ok(at.collapsed("notes", Some(raw))?.unwrap_or_default())
}

/// Reads an Okra transactions document.
pub(super) fn parse(doc: Doc<'_>) -> Result<Parsed, IngestError> {
    let rows = rows(&doc)?;
    let mut lines = doc.lines();
    let mut drafts = Vec::with_capacity(rows.0.len());
    let mut account = Account::default();
    let mut stated = None;
    for (i, &raw) in rows.0.iter().enumerate() {
        let at = lines.at(i, raw);
        let row: Row<'_> = lines.parse(&at, raw)?;
        let debit = at.amount("debit", row.debit)?;
        let credit = at.amount("credit", row.credit)?;
        let amount = match (credit, debit) {
            (None, None) => {
                return Err(at.error("the transaction has neither a debit nor a credit amount"));
            }
            (credit, debit) => credit
                .unwrap_or_default()
                .abs()
                .checked_sub(debit.unwrap_or_default().abs())
                .map_err(|e| at.error(e.to_string()))?,
        };
        match (stated, at.currency_like("currency", row.currency, stated)?) {
            (None, Some(c)) => stated = Some(c),
            (Some(c), Some(r)) if c != r => {
                return Err(at.error(format!(
                    "the row is in {r} but earlier rows are in {c}; one statement has one currency"
                )));
            }
            _ => {}
        }
        if account.bank.is_none() {
            account.bank = row
                .bank
                .as_ref()
                .map(|b| at.text("bank.name", b.name))
                .transpose()?
                .flatten()
                .map(Cow::into_owned);
        }
        if let Some(acct) = &row.account {
            if account.number.is_none() {
                account.number = account_number(at.text("account.nuban", acct.nuban)?.as_deref());
            }
            if account.holder.is_none() {
                account.holder = at.text("account.name", acct.name)?.map(Cow::into_owned);
            }
        }
        if account.holder.is_none() {
            account.holder = row
                .customer
                .as_ref()
                .map(|c| at.text("customer.name", c.name))
                .transpose()?
                .flatten()
                .map(Cow::into_owned);
        }
        let date = match at.text("trans_date", row.trans_date)? {
            Some(d) => Some(d),
            None => at.text("unformatted_trans_date", row.unformatted_trans_date)?,
        };
        let reference = match at.text("ref", row.reference)? {
            Some(r) => Some(r),
            None => match at.text("_id", row.underscore_id)? {
                Some(r) => Some(r),
                None => at.text("id", row.id)?,
            },
        };
        drafts.push(Draft {
            at,
            date,
            value_date: at.text("cleared_date", row.cleared_date)?,
            description: narration(&at, row.notes)?,
            amount,
            balance: at.amount("balance", row.balance)?,
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
