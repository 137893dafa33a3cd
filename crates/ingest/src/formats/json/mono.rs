//! Mono transactions JSON, in every shape Mono has published: v2 (`data: [...]` with `meta`), v1
//! (`paging` + `data: [...]`, or `data.transactions`), the statement endpoint (`data.statement`)
//! and the telco wallet; also the `{"statementName", "meta", "data"}` form Periculum accepts.
//!
//! Amounts and balances are integers in the currency's minor units (kobo for naira: `147085` is
//! ₦1,470.85), unsigned, with `type` debit/credit. Mono serves Nigerian accounts and its v2
//! responses omit the currency, so naira is assumed when no row states one (the caller's default
//! currency wins if given). When a row does state a currency — v1 does, and our writer always
//! does so that any currency survives a round trip — its exponent converts the minor units. Rows
//! come newest first; finalisation reverses them. `category` is Mono's own classification and is
//! kept as the row's code.

use std::borrow::Cow;

use ledgerlens_core::Account;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::build::{Draft, build, naira, statement};
use super::source::{Doc, Rows};
use crate::{IngestError, Parsed};

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    transactions: Option<Rows<'a>>,
    #[serde(borrow)]
    statement: Option<Rows<'a>>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    transactions: Option<Rows<'a>>,
    #[serde(borrow)]
    statement: Option<Rows<'a>>,
}

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow, rename = "_id")]
    underscore_id: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    #[serde(borrow)]
    narration: Option<&'a RawValue>,
    #[serde(borrow)]
    date: Option<&'a RawValue>,
    #[serde(borrow)]
    balance: Option<&'a RawValue>,
    #[serde(borrow)]
    currency: Option<&'a RawValue>,
    #[serde(borrow)]
    category: Option<&'a RawValue>,
}

fn rows<'a>(doc: &Doc<'a>) -> Result<Rows<'a>, IngestError> {
    if doc.text.trim_start().starts_with('[') {
        return doc.root();
    }
    let root: Root<'a> = doc.root()?;
    if let Some(data) = root.data {
        match data.get().trim_start().as_bytes().first() {
            Some(b'[') => return doc.sub(data),
            Some(b'{') => {
                let inner: Data<'a> = doc.sub(data)?;
                return Ok(inner.transactions.or(inner.statement).unwrap_or_default());
            }
            _ => {}
        }
    }
    Ok(root.transactions.or(root.statement).unwrap_or_default())
}

/// Reads a Mono transactions document.
pub(super) fn parse(doc: Doc<'_>) -> Result<Parsed, IngestError> {
    let rows = rows(&doc)?;
    let mut lines = doc.lines();
    let mut parsed_rows = Vec::with_capacity(rows.0.len());
    let mut currency = None;
    for (i, &raw) in rows.0.iter().enumerate() {
        let at = lines.at(i, raw);
        let row: Row<'_> = lines.parse(&at, raw)?;
        let row_currency = at.currency_like("currency", row.currency, currency)?;
        match (currency, row_currency) {
            (None, Some(c)) => currency = Some(c),
            (Some(c), Some(r)) if c != r => {
                return Err(at.error(format!(
                    "the row is in {r} but earlier rows are in {c}; one statement has one currency"
                )));
            }
            _ => {}
        }
        parsed_rows.push((at, row));
    }
    let stated = currency;
    let currency = stated
        .or(doc.options.default_currency)
        .unwrap_or_else(naira);
    let exponent = currency.minor_units();
    let mut drafts = Vec::with_capacity(parsed_rows.len());
    for (at, row) in parsed_rows {
        let amount = at
            .minor_amount("amount", row.amount, exponent)?
            .ok_or_else(|| at.error("the transaction has no amount"))?;
        let kind = at.text("type", row.kind)?;
        let id = match at.text("_id", row.underscore_id)? {
            Some(id) => Some(id),
            None => at.text("id", row.id)?,
        };
        drafts.push(Draft {
            at,
            date: at.text("date", row.date)?,
            value_date: None,
            description: at
                .collapsed("narration", row.narration)?
                .unwrap_or_default(),
            amount: at.signed(amount, kind.as_deref())?,
            balance: at.minor_amount("balance", row.balance, exponent)?,
            reference: id.map(Cow::into_owned),
            bank_code: at.text("category", row.category)?.map(Cow::into_owned),
        });
    }
    let (built, _) = build(drafts, &[], doc.date_hint(None))?;
    let account = Account {
        currency: stated,
        ..Account::default()
    };
    Ok(Parsed {
        statements: vec![statement(account, currency, built)],
        warnings: Vec::new(),
        ..Parsed::default()
    })
}
