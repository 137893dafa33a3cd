//! The two bodies stored beside the profiles at analysis time: the statements and the enriched
//! transactions of a document, which `GET /v1/documents/{id}/statements` and `/transactions`
//! page through and the PDF report lists.
//!
//! They are computed once, when the worker has the ledger in hand, because reading them later
//! would mean parsing the original again (seconds for a scanned PDF). Money is written as exact
//! decimal strings, as the statement printed it, never as floats; account numbers and IBANs are
//! masked by [`StatementView`], as `ledgerlens parse` prints them.

use std::collections::HashSet;

use ledgerlens_analytics::{Ledger, Prepared};
use ledgerlens_core::view::{StatementView, ViewOptions};
use serde_json::{Value, json};

/// The statements of a document, one per account after merging, in the ledger's account order
/// (the `account` index of every transaction points here).
pub(crate) fn statements(prepared: &Prepared) -> Value {
    let statements = prepared
        .accounts
        .iter()
        .zip(&prepared.enriched)
        .enumerate()
        .map(|(index, ((statement, merge), enriched))| {
            let mut view = StatementView::new(statement, ViewOptions::default());
            // The transactions have their own paged endpoint.
            view.transactions = Vec::new();
            view.merge = Some(merge);
            let mut value = serde_json::to_value(&view).unwrap_or(Value::Null);
            if let Some(object) = value.as_object_mut() {
                object.remove("transactions");
                object.insert("index".to_owned(), index.into());
                object.insert("enrichment_packs".to_owned(), json!(enriched.packs));
            }
            value
        })
        .collect();
    Value::Array(statements)
}

/// Every transaction of the ledger with what enrichment said about it, in the ledger's order
/// (date, then account, then position in the statement). `index` is the position in that order
/// and `id` is derived from it: both are stable for the document, since its analysis is stored
/// once.
pub(crate) fn transactions(ledger: &Ledger<'_>) -> Value {
    // Members of an income stream, per account (indices in the account's statement).
    let income: Vec<HashSet<usize>> = ledger
        .accounts
        .iter()
        .map(|account| {
            account
                .enriched
                .income
                .streams
                .iter()
                .flat_map(|stream| stream.members.iter().copied())
                .collect()
        })
        .collect();
    let rows = ledger
        .entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let tx = entry.tx;
            let enr = entry.enr;
            let currency = ledger
                .accounts
                .get(entry.account)
                .map(|account| account.statement.currency.code().to_owned());
            let direction = if entry.is_credit() {
                Value::from("credit")
            } else if entry.is_debit() {
                Value::from("debit")
            } else {
                Value::Null
            };
            let recurrence = enr.series.and_then(|series| {
                ledger
                    .accounts
                    .get(entry.account)
                    .and_then(|account| account.enriched.series.get(series))
                    .map(|series| json!({ "frequency": series.frequency, "active": series.active }))
            });
            json!({
                "id": format!("tx_{index}"),
                "index": index,
                "account": entry.account,
                "statement_index": entry.index,
                "date": tx.date,
                "value_date": tx.value_date,
                "amount": tx.amount,
                "balance": tx.balance,
                "currency": currency,
                "direction": direction,
                "narration": tx.description,
                "reference": tx.reference,
                "category": {
                    "primary": enr.category.primary().code(),
                    "detailed": enr.category.code(),
                },
                "confidence": (f64::from(enr.confidence) * 100.0).round() / 100.0,
                "decided_by": enr.decided_by,
                "counterparty": enr.counterparty.as_ref().map(|c| json!({
                    "key": c.key.as_ref(),
                    "name": c.name.as_ref(),
                })),
                "channel": enr.channel,
                "recurring": recurrence.is_some(),
                "recurrence": recurrence,
                "income": income
                    .get(entry.account)
                    .is_some_and(|members| members.contains(&entry.index)),
                "salary": enr.salary,
                "internal_transfer": enr.internal_transfer,
                "loan": enr.loan,
                "lender": enr.lender.as_deref(),
            })
        })
        .collect();
    Value::Array(rows)
}
