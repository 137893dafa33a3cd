//! ISO 20022 cash-management messages: camt.053 statements (`BkToCstmrStmt/Stmt`), camt.052
//! account reports (`BkToCstmrAcctRpt/Rpt`) and camt.054 debit/credit notifications
//! (`BkToCstmrDbtCdtNtfctn/Ntfctn`), every version from .001.01 on.
//!
//! The three share the account, balance and entry structure, so one streaming pass reads them
//! all: quick-xml events, a path of local names (namespace prefixes and versions ignored), and
//! the leaf values kept that [`build`] turns into a transaction as each entry closes, then into
//! statements. Memory stays proportional to one statement's transactions (the raw text of one
//! entry at a time); nesting depth and element text are bounded, and entity references are
//! never expanded beyond the five predefined ones and character references.

mod build;
mod entry;

use ledgerlens_core::Format;
use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::error::IngestError;
use crate::{Input, Parsed};

use build::{RawBalance, RawStatement};
use entry::{RawEntry, RawTx};

const FORMAT: Format = Format::Camt053;

/// Real messages nest about 12 deep; anything past this is hostile or not camt.
const MAX_DEPTH: usize = 64;

/// Longest text of one element (Ustrd is 140 characters; AddtlNtryInf 500).
const MAX_TEXT: usize = 64 * 1024;

/// More statements than this in one message is not a bank file.
const MAX_STATEMENTS: usize = 100_000;

/// The message containers and the record element inside each.
const MESSAGES: &[(&str, &str)] = &[
    ("BkToCstmrStmt", "Stmt"),
    ("BkToCstmrAcctRpt", "Rpt"),
    ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
];

/// The record element of a message container; version 1 suffixed the names
/// (`BkToCstmrAcctRptV01`).
fn message(name: &str) -> Option<&'static str> {
    MESSAGES
        .iter()
        .find(|(m, _)| {
            name.strip_prefix(m)
                .is_some_and(|v| v.is_empty() || v.starts_with('V'))
        })
        .map(|(_, r)| *r)
}

/// Where the reader is inside a record.
#[derive(Default)]
struct State {
    /// Local names from the root, joined by '/'.
    path: String,
    /// Length of `path` before each open element.
    marks: Vec<usize>,
    /// Length of `path` (own name included) of the open record (`Stmt`), entry (`Ntry`),
    /// `TxDtls` and `Bal`; values below them are matched relative to these.
    record: Option<usize>,
    entry: Option<usize>,
    tx: Option<usize>,
    balance: Option<usize>,
    text: String,
    ccy: String,
    /// `GrpHdr/CreDtTm`, the last resort for dating an entry that has no date.
    message_created: Option<String>,
    statement: RawStatement,
    current_entry: RawEntry,
    current_tx: RawTx,
    current_balance: RawBalance,
    /// Line counting: last byte offset counted and the line there.
    counted: (usize, u32),
}

impl State {
    fn rel(&self, base: Option<usize>) -> Option<&str> {
        self.path.get(base? + 1..)
    }
}

fn line_at(bytes: &[u8], counted: &mut (usize, u32), pos: usize) -> u32 {
    let (from, line) = *counted;
    let to = pos.min(bytes.len()).max(from);
    let newlines = bytes
        .get(from..to)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
    let line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
    *counted = (to, line);
    line
}

fn set(slot: &mut Option<String>, value: &str) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value.to_owned());
    }
}

/// Files a leaf value where it belongs. Called for every element close, so it allocates only
/// for the values it keeps.
fn leaf(state: &mut State) {
    let State {
        path,
        record,
        entry,
        tx,
        balance,
        text,
        ccy,
        message_created,
        statement,
        current_entry,
        current_tx,
        current_balance,
        ..
    } = state;
    let below = |base: Option<usize>| base.and_then(|b| path.get(b + 1..));
    let value = text.trim();
    if let Some(rel) = below(*tx) {
        let tx = current_tx;
        match rel {
            "Refs/EndToEndId" => set(&mut tx.end_to_end, value),
            "Refs/AcctSvcrRef" => set(&mut tx.servicer_reference, value),
            "AmtDtls/InstdAmt/Amt" => tx.instructed = Some((value.to_owned(), ccy.clone())),
            "AmtDtls/TxAmt/Amt" => tx.transaction_amount = Some((value.to_owned(), ccy.clone())),
            "RltdPties/Dbtr/Nm" | "RltdPties/Dbtr/Pty/Nm" => set(&mut tx.debtor.name, value),
            "RltdPties/Cdtr/Nm" | "RltdPties/Cdtr/Pty/Nm" => set(&mut tx.creditor.name, value),
            "RltdPties/DbtrAcct/Id/IBAN" | "RltdPties/DbtrAcct/Id/Othr/Id" => {
                set(&mut tx.debtor.account, value)
            }
            "RltdPties/CdtrAcct/Id/IBAN" | "RltdPties/CdtrAcct/Id/Othr/Id" => {
                set(&mut tx.creditor.account, value)
            }
            "RltdAgts/DbtrAgt/FinInstnId/BIC" | "RltdAgts/DbtrAgt/FinInstnId/BICFI" => {
                set(&mut tx.debtor.bank_id, value)
            }
            "RltdAgts/CdtrAgt/FinInstnId/BIC" | "RltdAgts/CdtrAgt/FinInstnId/BICFI" => {
                set(&mut tx.creditor.bank_id, value)
            }
            "RmtInf/Ustrd" | "RmtInf/Strd/CdtrRefInf/Ref" | "RmtInf/Strd/AddtlRmtInf"
                if !value.is_empty() =>
            {
                tx.remittance.push(value.to_owned());
            }
            "AddtlTxInf" => set(&mut tx.additional, value),
            _ => {}
        }
        return;
    }
    if let Some(rel) = below(*entry) {
        let e = current_entry;
        match rel {
            "Amt" => {
                e.amount = value.to_owned();
                e.currency.clone_from(ccy);
            }
            "CdtDbtInd" => e.indicator = value.to_owned(),
            "RvslInd" => e.reversal = value == "true" || value == "1",
            "Sts" | "Sts/Cd" | "Sts/Prtry" => e.status = value.to_owned(),
            "BookgDt/Dt" | "BookgDt/DtTm" => e.booking_date = value.to_owned(),
            "ValDt/Dt" | "ValDt/DtTm" => e.value_date = value.to_owned(),
            "AcctSvcrRef" => set(&mut e.servicer_reference, value),
            "NtryRef" => set(&mut e.entry_reference, value),
            "BkTxCd/Domn/Cd" => e.domain[0] = value.to_owned(),
            "BkTxCd/Domn/Fmly/Cd" => e.domain[1] = value.to_owned(),
            "BkTxCd/Domn/Fmly/SubFmlyCd" => e.domain[2] = value.to_owned(),
            "BkTxCd/Prtry/Cd" => set(&mut e.proprietary, value),
            "AddtlNtryInf" => set(&mut e.additional, value),
            _ => {}
        }
        return;
    }
    if let Some(rel) = below(*balance) {
        let b = current_balance;
        match rel {
            "Tp/CdOrPrtry/Cd" | "Tp/CdOrPrtry/Prtry" => b.code = value.to_owned(),
            "Amt" => {
                b.amount = value.to_owned();
                b.currency.clone_from(ccy);
            }
            "CdtDbtInd" => b.indicator = value.to_owned(),
            "Dt/Dt" | "Dt/DtTm" => b.date = value.to_owned(),
            _ => {}
        }
        return;
    }
    if record.is_none() && path.ends_with("/GrpHdr/CreDtTm") {
        *message_created = Some(value.to_owned());
        return;
    }
    if let Some(rel) = below(*record) {
        let s = statement;
        match rel {
            "Acct/Id/IBAN" => set(&mut s.iban, value),
            "Acct/Id/Othr/Id" => set(&mut s.other_id, value),
            "Acct/Ccy" => set(&mut s.currency, value),
            "Acct/Nm" => set(&mut s.name, value),
            "Acct/Ownr/Nm" => set(&mut s.owner, value),
            "Acct/Svcr/FinInstnId/BIC" | "Acct/Svcr/FinInstnId/BICFI" => set(&mut s.bic, value),
            "Acct/Svcr/FinInstnId/Nm" => set(&mut s.bank, value),
            "CreDtTm" => set(&mut s.created, value),
            "FrToDt/FrDtTm" | "FrToDt/FrDt" => set(&mut s.from, value),
            "FrToDt/ToDtTm" | "FrToDt/ToDt" => set(&mut s.to, value),
            _ => {}
        }
    }
}

fn malformed(line: u32, detail: impl Into<String>) -> IngestError {
    IngestError::malformed(FORMAT, Some(format!("line {line}")), detail)
}

/// Checks the root element: a `Document` in an ISO 20022 camt namespace (or none).
fn check_root(start: &BytesStart<'_>) -> Result<(), IngestError> {
    for attr in start.attributes().flatten() {
        let key = attr.key.as_ref();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            let value = String::from_utf8_lossy(&attr.value).into_owned();
            if key == b"xmlns" && !value.contains("camt.05") {
                return Err(IngestError::Unsupported {
                    format: FORMAT,
                    detail: format!(
                        "namespace {value:?} is not an ISO 20022 camt.052/053/054 namespace"
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Parses a camt.052/053/054 document.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let text = input.text.trim_start_matches('\u{feff}');
    let bytes = text.as_bytes();
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut state = State {
        counted: (0, 1),
        ..State::default()
    };
    let mut parsed = Parsed::default();
    let mut seen_message = false;
    loop {
        let position = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            malformed(
                line_at(bytes, &mut state.counted, at),
                format!("not well-formed XML: {e}"),
            )
        })?;
        match event {
            Event::Start(start) => open(&mut state, &start, bytes, position, &mut seen_message)?,
            Event::Empty(start) => {
                open(&mut state, &start, bytes, position, &mut seen_message)?;
                close(&mut state, &mut parsed)?;
            }
            Event::End(_) => close(&mut state, &mut parsed)?,
            Event::Text(t) => {
                let content = t.xml10_content().map_err(|e| {
                    malformed(line_at(bytes, &mut state.counted, position), e.to_string())
                })?;
                push_text(&mut state, &content, bytes, position)?;
            }
            Event::CData(t) => {
                let content = t.decode().map_err(|e| {
                    malformed(line_at(bytes, &mut state.counted, position), e.to_string())
                })?;
                push_text(&mut state, &content, bytes, position)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.decode().map_err(|e| {
                            malformed(line_at(bytes, &mut state.counted, position), e.to_string())
                        })?;
                        resolve_predefined_entity(&name)
                            .map(str::to_owned)
                            .ok_or_else(|| {
                                malformed(
                                    line_at(bytes, &mut state.counted, position),
                                    format!("unknown entity &{name};"),
                                )
                            })?
                    }
                };
                push_text(&mut state, &resolved, bytes, position)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_message {
        return Err(IngestError::Unsupported {
            format: FORMAT,
            detail: "no BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn message in the document".to_owned(),
        });
    }
    Ok(parsed)
}

fn push_text(
    state: &mut State,
    content: &str,
    bytes: &[u8],
    position: usize,
) -> Result<(), IngestError> {
    if state.text.len() + content.len() > MAX_TEXT {
        return Err(malformed(
            line_at(bytes, &mut state.counted, position),
            format!("element text over {MAX_TEXT} bytes"),
        ));
    }
    state.text.push_str(content);
    Ok(())
}

fn open(
    state: &mut State,
    start: &BytesStart<'_>,
    bytes: &[u8],
    position: usize,
    seen: &mut bool,
) -> Result<(), IngestError> {
    if state.marks.len() >= MAX_DEPTH {
        return Err(malformed(
            line_at(bytes, &mut state.counted, position),
            format!("elements nested over {MAX_DEPTH} deep"),
        ));
    }
    let local = start.local_name();
    let name = std::str::from_utf8(local.as_ref()).unwrap_or("?");
    let depth = state.marks.len();
    if depth == 0 {
        check_root(start)?;
    }
    state.marks.push(state.path.len());
    if !state.path.is_empty() {
        state.path.push('/');
    }
    state.path.push_str(name);
    let base = state.path.len();
    state.text.clear();
    if name == "Amt" {
        state.ccy.clear();
        if let Ok(Some(attr)) = start.try_get_attribute("Ccy") {
            state.ccy.push_str(&String::from_utf8_lossy(&attr.value));
        }
    }
    if depth == 1 && message(name).is_some() {
        *seen = true;
    }
    let parent_is_message = depth == 2
        && state
            .path
            .split('/')
            .nth(1)
            .and_then(message)
            .is_some_and(|record| record == name);
    if parent_is_message {
        state.record = Some(base);
        state.statement = RawStatement::default();
    } else if state.record.is_some() && state.entry.is_none() && state.balance.is_none() {
        match state.rel(state.record) {
            Some("Ntry") => {
                state.entry = Some(base);
                state.current_entry = RawEntry {
                    line: line_at(bytes, &mut state.counted, position),
                    ..RawEntry::default()
                };
            }
            Some("Bal") => {
                state.balance = Some(base);
                state.current_balance = RawBalance::default();
            }
            _ => {}
        }
    } else if state.entry.is_some()
        && state.tx.is_none()
        && state.rel(state.entry) == Some("NtryDtls/TxDtls")
    {
        state.tx = Some(base);
        state.current_tx = RawTx::default();
    }
    Ok(())
}

fn close(state: &mut State, parsed: &mut Parsed) -> Result<(), IngestError> {
    leaf(state);
    state.text.clear();
    let Some(mark) = state.marks.pop() else {
        return Ok(());
    };
    let base = state.path.len();
    if state.tx == Some(base) {
        state.tx = None;
        let tx = std::mem::take(&mut state.current_tx);
        state.current_entry.txs.push(tx);
    } else if state.entry == Some(base) {
        state.entry = None;
        let entry = std::mem::take(&mut state.current_entry);
        state.statement.entries.push(entry);
    } else if state.balance == Some(base) {
        state.balance = None;
        let balance = std::mem::take(&mut state.current_balance);
        state.statement.balances.push(balance);
    } else if state.record == Some(base) {
        state.record = None;
        if parsed.statements.len() >= MAX_STATEMENTS {
            return Err(IngestError::malformed(
                FORMAT,
                None,
                format!("more than {MAX_STATEMENTS} statements"),
            ));
        }
        let mut raw = std::mem::take(&mut state.statement);
        if raw.created.is_none() {
            raw.created.clone_from(&state.message_created);
        }
        let index = parsed.statements.len() + 1;
        let statement = build::statement(raw, index, FORMAT, &mut parsed.warnings)?;
        parsed.statements.push(statement);
    }
    state.path.truncate(mark);
    Ok(())
}

#[cfg(test)]
mod tests;
