//! MyBankStatement (mybankstatement.net) statement JSON.
//!
//! The statement object — `Name`, `Nuban`, `AccountType`, `AvailableBal`, `BookBal`, `Period`,
//! `Currency`, `Details[{PTransactionDate, PValueDate, PNarration, PCredit, PDebit, PBalance}]` —
//! arrives in several envelopes: Periculum's `bankStatement.mbs.jsonData` (with the bank beside it
//! in `mbs.bank`), MyBankStatement's own `{"status": "00", "result": ...}`, its SOAP wrapper
//! `GetStatementJSONObjectResult`, or bare. MyBankStatement's API returns the statement as a
//! JSON-encoded *string*, and integrators pass it on either decoded or not, so each envelope may
//! hold an object or a string containing one (decoded at most [`MAX_ENCODINGS`] times).
//!
//! Values may be strings (the API) or numbers (Periculum's sample). Dates are .NET en-US
//! (`6/17/2020`, `6/17/2020 12:00:00 AM`), so month-first breaks a genuine tie. `BookBal` is the
//! ledger balance when the statement was generated, i.e. at the end of its period, and becomes the
//! closing balance; `AvailableBal` the available balance. A leading zero-amount "Opening Balance"
//! row becomes the opening balance. `TotalCredit`/`TotalDebit` are checked against the rows and a
//! disagreement is reported as a warning.

use std::borrow::Cow;

use ledgerlens_core::{Account, Amount, Period};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::build::{Draft, account_kind, account_number, build, naira, statement};
use super::lenient::strip_trailing_commas;
use super::source::{Doc, Rows};
use crate::dates::{DateOrder, parse_date};
use crate::{IngestError, Parsed};

/// How many times a statement may be wrapped in a JSON string.
const MAX_ENCODINGS: u32 = 2;

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(borrow, rename = "bankStatement")]
    bank_statement: Option<BankStatement<'a>>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
    #[serde(borrow, rename = "GetStatementJSONObjectResult")]
    soap: Option<&'a RawValue>,
    #[serde(borrow, rename = "Details")]
    details: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct BankStatement<'a> {
    #[serde(borrow)]
    mbs: Option<Mbs<'a>>,
}

#[derive(Deserialize)]
struct Mbs<'a> {
    #[serde(borrow, rename = "jsonData")]
    json_data: Option<&'a RawValue>,
    #[serde(borrow)]
    bank: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    nuban: Option<&'a RawValue>,
    #[serde(borrow)]
    account_type: Option<&'a RawValue>,
    #[serde(borrow)]
    available_bal: Option<&'a RawValue>,
    #[serde(borrow)]
    book_bal: Option<&'a RawValue>,
    #[serde(borrow)]
    total_credit: Option<&'a RawValue>,
    #[serde(borrow)]
    total_debit: Option<&'a RawValue>,
    #[serde(borrow)]
    period: Option<&'a RawValue>,
    #[serde(borrow)]
    currency: Option<&'a RawValue>,
    #[serde(borrow)]
    details: Option<Rows<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Row<'a> {
    #[serde(borrow)]
    p_transaction_date: Option<&'a RawValue>,
    #[serde(borrow)]
    p_value_date: Option<&'a RawValue>,
    #[serde(borrow)]
    p_narration: Option<&'a RawValue>,
    #[serde(borrow)]
    p_credit: Option<&'a RawValue>,
    #[serde(borrow)]
    p_debit: Option<&'a RawValue>,
    #[serde(borrow)]
    p_balance: Option<&'a RawValue>,
}

/// Reads a MyBankStatement document.
pub(super) fn parse(doc: Doc<'_>) -> Result<Parsed, IngestError> {
    let root: Root<'_> = doc.root()?;
    if root.details.is_some() {
        return read_body(doc, None);
    }
    let (inner, bank) = match root.bank_statement.and_then(|b| b.mbs) {
        Some(mbs) => (
            mbs.json_data,
            doc.header()
                .text("mbs.bank", mbs.bank)?
                .map(Cow::into_owned),
        ),
        None => (root.result.or(root.soap), None),
    };
    match inner {
        Some(raw) => read_wrapped(doc, raw, bank, 0),
        None => Ok(Parsed::default()),
    }
}

/// Reads a statement given as an object, or as a string holding one.
fn read_wrapped(
    doc: Doc<'_>,
    raw: &RawValue,
    bank: Option<String>,
    encodings: u32,
) -> Result<Parsed, IngestError> {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'{') => {
            let body: Body<'_> = doc.sub(raw)?;
            read_parsed_body(doc, body, bank)
        }
        Some(b'"') if encodings < MAX_ENCODINGS => {
            let decoded: String =
                serde_json::from_str(raw.get()).map_err(|e| doc.error(format!("jsonData: {e}")))?;
            let (text, _) = strip_trailing_commas(decoded.trim_start_matches('\u{feff}'));
            let inner = Doc {
                text: &text,
                embedded_in: Some("jsonData string"),
                ..doc
            };
            let inner_raw: &RawValue = inner.root()?;
            read_wrapped(inner, inner_raw, bank, encodings + 1)
        }
        Some(b'"') => Err(doc.error("the statement is wrapped in JSON strings more than twice")),
        _ => {
            Err(doc
                .error("the statement (jsonData / result) is neither an object nor a JSON string"))
        }
    }
}

fn read_body(doc: Doc<'_>, bank: Option<String>) -> Result<Parsed, IngestError> {
    let body: Body<'_> = doc.root()?;
    read_parsed_body(doc, body, bank)
}

fn read_parsed_body<'a>(
    doc: Doc<'a>,
    body: Body<'a>,
    bank: Option<String>,
) -> Result<Parsed, IngestError> {
    let header = doc.header();
    let rows = body.details.unwrap_or_default();
    let mut lines = doc.lines();
    let mut drafts = Vec::with_capacity(rows.0.len());
    for (i, &raw) in rows.0.iter().enumerate() {
        let at = lines.at(i, raw);
        let row: Row<'_> = lines.parse(&at, raw)?;
        let credit = at
            .amount("PCredit", row.p_credit)?
            .unwrap_or_default()
            .abs();
        let debit = at.amount("PDebit", row.p_debit)?.unwrap_or_default().abs();
        drafts.push(Draft {
            at,
            date: at.text("PTransactionDate", row.p_transaction_date)?,
            value_date: at.text("PValueDate", row.p_value_date)?,
            description: at
                .collapsed("PNarration", row.p_narration)?
                .unwrap_or_default(),
            amount: credit
                .checked_sub(debit)
                .map_err(|e| at.error(e.to_string()))?,
            balance: at.amount("PBalance", row.p_balance)?,
            reference: None,
            bank_code: None,
        });
    }
    let period_text = header.text("Period", body.period)?;
    // "6/17/2020 12:00:00 AM to 9/17/2020 12:00:00 AM": the times say nothing, and the AM/PM
    // marker would read as a month name.
    let bounds: Vec<&str> = period_text
        .as_deref()
        .map(|p| {
            p.split(" to ")
                .map(|b| b.split_whitespace().next().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();
    // The period's dates decide the order only for a statement without rows: listed after the
    // rows they would read as one jump backwards and blur the rows' own verdict.
    let extra: &[&str] = if drafts.is_empty() { &bounds } else { &[] };
    let (built, order) = build(drafts, extra, doc.date_hint(Some(DateOrder::MonthFirst)))?;
    let stated = header.currency("Currency", body.currency)?;
    let currency = stated
        .or(doc.options.default_currency)
        .unwrap_or_else(naira);
    let account = Account {
        bank,
        number: account_number(header.text("Nuban", body.nuban)?.as_deref()),
        holder: header.text("Name", body.name)?.map(Cow::into_owned),
        kind: account_kind(header.text("AccountType", body.account_type)?.as_deref()),
        currency: stated,
        ..Account::default()
    };
    let mut warnings = Vec::new();
    for (name, raw, sign) in [
        ("TotalCredit", body.total_credit, false),
        ("TotalDebit", body.total_debit, true),
    ] {
        let Some(stated_total) = header.amount(name, raw)? else {
            continue;
        };
        let rows = built
            .transactions
            .iter()
            .map(|t| t.amount)
            .filter(|a| a.is_negative() == sign && !a.is_zero());
        let sum = Amount::checked_sum(rows)
            .map_err(|e| doc.error(e.to_string()))?
            .abs();
        if sum != stated_total.abs() {
            warnings.push(format!(
                "{name} is {stated_total} but the rows add up to {sum}"
            ));
        }
    }
    let mut statement = statement(account, currency, built);
    if let Some(book) = header.amount("BookBal", body.book_bal)? {
        statement.closing_balance = Some(book);
    }
    statement.available_balance = header.amount("AvailableBal", body.available_bal)?;
    if let [start, end] = bounds.as_slice() {
        match (parse_date(start, order), parse_date(end, order)) {
            (Some(start), Some(end)) if start <= end => {
                statement.period = Some(Period { start, end })
            }
            _ => warnings.push(format!(
                "the statement period {:?} could not be read",
                period_text.as_deref().unwrap_or_default()
            )),
        }
    }
    Ok(Parsed {
        statements: vec![statement],
        warnings,
        ..Parsed::default()
    })
}
