//! From the raw values of one `Stmt`/`Rpt`/`Ntfctn` to a [`Statement`].
//!
//! Decisions, each following the ISO 20022 message definition:
//! * **Sign**: `CdtDbtInd` CRDT is money in, DBIT money out. `RvslInd=true` marks a reversal —
//!   CRDT+reversal undoes an earlier debit, DBIT+reversal an earlier credit — and the indicator
//!   already states the reversal's own effect on the balance, so the sign is not flipped. Some
//!   banks (older German DK practice) write the *original* direction instead; when the totals only
//!   reconcile with reversals flipped, they are flipped and a warning says so.
//! * **Status**: only booked entries (`BOOK`, or no status) move the booked balance that `CLBD`
//!   states. Pending (`PDNG`) and information-only (`INFO`) entries are left out, with a warning.
//! * **Batches**: an entry with several `TxDtls` (a salary run, a collection) is ONE transaction
//!   with the entry amount — that is what hits the balance — and its description lists each
//!   part's counterparty and remittance text.
//! * **Balances**: opening `OPBD` (else `PRCD`), closing `CLBD`, available `CLAV` (else `ITAV`).
//!   Reports (camt.052) carrying only interim `ITBD` balances use the first and last of them.
//!   A balance in another currency than the account's is ignored with a warning.
//!
//!
//! Entries arrive here already transactions ([`super::entry`]); the rules above that need the
//! whole statement are applied when it closes.

use ledgerlens_core::{Account, AccountNumber, Amount, Currency, Format, Iban, Period, Statement};

use super::entry::{Entries, iso_date, signed};
use crate::error::IngestError;

/// A balance as written.
#[derive(Debug, Default)]
pub(super) struct RawBalance {
    pub code: String,
    pub amount: String,
    pub currency: String,
    pub indicator: String,
    pub date: String,
}

/// One statement, report or notification as written, its entries already transactions.
#[derive(Debug, Default)]
pub(super) struct RawStatement {
    pub iban: Option<String>,
    /// The record's (or else the message's) creation time.
    pub created: Option<String>,
    pub other_id: Option<String>,
    pub currency: Option<String>,
    pub owner: Option<String>,
    pub name: Option<String>,
    pub bank: Option<String>,
    pub bic: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub balances: Vec<RawBalance>,
    pub entries: Entries,
}

fn account(raw: &RawStatement) -> Account {
    let mut account = Account {
        bank: raw.bank.clone(),
        bank_id: raw.bic.clone(),
        holder: raw.owner.clone().or_else(|| raw.name.clone()),
        currency: raw
            .currency
            .as_deref()
            .and_then(|c| Currency::parse(c).ok()),
        ..Account::default()
    };
    for id in [&raw.iban, &raw.other_id].into_iter().flatten() {
        match Iban::parse(id) {
            Ok(iban) if account.iban.is_none() => account.iban = Some(iban),
            _ if account.number.is_none() => account.number = AccountNumber::parse(id).ok(),
            _ => {}
        }
    }
    account
}

/// The statement currency: the account's, else the booked balances', else the entries'.
fn statement_currency(raw: &RawStatement) -> Currency {
    let booked = raw
        .balances
        .iter()
        .filter(|b| matches!(b.code.as_str(), "OPBD" | "CLBD" | "PRCD"))
        .map(|b| &b.currency);
    let mut others = raw.balances.iter().map(|b| &b.currency);
    raw.currency
        .iter()
        .chain(booked)
        .find_map(|c| Currency::parse(c).ok())
        .or(raw.entries.currency())
        .or_else(|| others.find_map(|c| Currency::parse(c).ok()))
        .unwrap_or_else(Currency::unknown)
}

/// Builds the statement; `index` is its 1-based position in the file.
pub(super) fn statement(
    raw: RawStatement,
    index: usize,
    format: Format,
    warnings: &mut Vec<String>,
) -> Result<Statement, IngestError> {
    let currency = statement_currency(&raw);
    let mut s = Statement::new(account(&raw), currency);
    let mut balances: Vec<(&str, Amount)> = Vec::new();
    for b in &raw.balances {
        let amount = signed(&b.amount, &b.indicator).map_err(|e| {
            IngestError::malformed(
                format,
                Some(format!("statement {index}")),
                format!("balance {}: {e}", b.code),
            )
        })?;
        if Currency::parse(&b.currency).is_ok_and(|c| c != currency) {
            warnings.push(format!(
                "statement {index}: {} balance in {} ignored; the account is in {currency}",
                b.code, b.currency
            ));
            continue;
        }
        balances.push((b.code.as_str(), amount));
    }
    let first = |code: &str| balances.iter().find(|(c, _)| *c == code).map(|(_, a)| *a);
    let last = |code: &str| {
        balances
            .iter()
            .rev()
            .find(|(c, _)| *c == code)
            .map(|(_, a)| *a)
    };
    let interim = balances.iter().filter(|(c, _)| *c == "ITBD").count() >= 2;
    s.opening_balance = first("OPBD")
        .or_else(|| first("PRCD"))
        .or_else(|| first("ITBD").filter(|_| interim));
    s.closing_balance = last("CLBD").or_else(|| last("ITBD").filter(|_| interim));
    s.available_balance = last("CLAV").or_else(|| last("ITAV"));
    if let (Some(start), Some(end)) = (
        raw.from.as_deref().and_then(iso_date),
        raw.to.as_deref().and_then(iso_date),
    ) {
        s.period = (start <= end).then_some(Period { start, end });
    }
    let created = raw.created.as_deref().and_then(iso_date);
    // Without a booked closing balance (intraday reports, notifications) pending entries are the
    // content, and nothing they could break; with one they would break the reconciliation.
    let keep_pending = s.closing_balance.is_none();
    let settled = raw
        .entries
        .settle(currency, created, keep_pending, format, warnings)?;
    s.transactions = settled.transactions;
    if settled.skipped > 0 {
        warnings.push(format!(
            "statement {index}: {} pending or information-only entries left out",
            settled.skipped
        ));
    }
    if settled.kept_pending > 0 {
        warnings.push(format!(
            "statement {index}: {} pending entries kept (marked PDNG in their bank code); there is no booked closing balance",
            settled.kept_pending
        ));
    }
    if settled.undated > 0 {
        warnings.push(format!("statement {index}: {} entries have no booking or value date; dated with the report's creation date", settled.undated));
    }
    flip_reversals_if_they_reconcile(&mut s, &settled.reversals, index, warnings);
    if let (Some(span), Some(p)) = (s.transaction_span(), s.period.as_mut()) {
        p.start = p.start.min(span.start);
        p.end = p.end.max(span.end);
    }
    Ok(s)
}

fn totals_hold(s: &Statement) -> Option<bool> {
    let sum = Amount::checked_sum(s.transactions.iter().map(|t| t.amount)).ok()?;
    Some(s.opening_balance?.checked_add(sum).ok()? == s.closing_balance?)
}

fn flip_reversals_if_they_reconcile(
    s: &mut Statement,
    reversals: &[usize],
    index: usize,
    warnings: &mut Vec<String>,
) {
    if reversals.is_empty() || totals_hold(s) != Some(false) {
        return;
    }
    let flip = |s: &mut Statement| {
        for &i in reversals {
            if let Some(t) = s.transactions.get_mut(i) {
                t.amount = t.amount.negated();
                if let Some(o) = t.original.as_mut() {
                    o.amount = o.amount.negated();
                }
            }
        }
    };
    flip(s);
    if totals_hold(s) == Some(true) {
        warnings.push(format!(
            "statement {index}: reversal entries state their original direction; read as the opposite so the balances reconcile"
        ));
    } else {
        flip(s);
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::entry::{RawEntry, RawTx};
    use super::*;

    fn entry(amount: &str, indicator: &str) -> RawEntry {
        RawEntry {
            line: 7,
            amount: amount.to_owned(),
            currency: "EUR".to_owned(),
            indicator: indicator.to_owned(),
            booking_date: "2024-01-02T10:00:00+01:00".to_owned(),
            value_date: "2024-01-03".to_owned(),
            ..RawEntry::default()
        }
    }

    #[test]
    fn reversals_are_flipped_only_when_that_is_what_reconciles() {
        let mut raw = RawStatement::default();
        for (code, amount, ind) in [("OPBD", "100", "CRDT"), ("CLBD", "90", "CRDT")] {
            raw.balances.push(RawBalance {
                code: code.to_owned(),
                amount: amount.to_owned(),
                currency: "EUR".to_owned(),
                indicator: ind.to_owned(),
                date: String::new(),
            });
        }
        let mut e = entry("10", "CRDT");
        e.reversal = true;
        raw.entries.push(e);
        let mut warnings = Vec::new();
        let s = statement(raw, 1, Format::Camt053, &mut warnings).unwrap();
        assert_eq!(s.transactions[0].amount, Amount::parse("-10").unwrap());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn pending_entries_are_left_out_when_a_booked_closing_balance_exists() {
        let mut raw = RawStatement::default();
        raw.balances.push(RawBalance {
            code: "CLBD".to_owned(),
            amount: "1".to_owned(),
            currency: "EUR".to_owned(),
            indicator: "CRDT".to_owned(),
            date: String::new(),
        });
        let mut e = entry("10", "CRDT");
        e.status = "PDNG".to_owned();
        raw.entries.push(e);
        raw.entries.push(entry("5", "DBIT"));
        let mut warnings = Vec::new();
        let s = statement(raw, 1, Format::Camt053, &mut warnings).unwrap();
        assert_eq!(s.transactions.len(), 1);
        assert!(warnings[0].contains("1 pending"), "{warnings:?}");
    }

    #[test]
    fn pending_entries_of_a_report_without_balances_are_kept_and_marked() {
        let mut raw = RawStatement::default();
        let mut e = entry("10", "CRDT");
        e.status = "PDNG".to_owned();
        e.proprietary = Some("X1".to_owned());
        raw.entries.push(e);
        let mut warnings = Vec::new();
        let s = statement(raw, 1, Format::Camt053, &mut warnings).unwrap();
        assert_eq!(s.transactions[0].bank_code.as_deref(), Some("X1 PDNG"));
        assert_eq!(warnings.len(), 1);
    }

    fn closing(currency: &str) -> RawBalance {
        RawBalance {
            code: "CLBD".to_owned(),
            amount: "1".to_owned(),
            currency: currency.to_owned(),
            indicator: "CRDT".to_owned(),
            date: String::new(),
        }
    }

    fn paid_in(entry: &mut RawEntry, currency: &str) {
        entry.txs.push(RawTx {
            instructed: Some(("7.00".to_owned(), currency.to_owned())),
            ..RawTx::default()
        });
    }

    #[test]
    fn facts_that_arrive_after_the_entries_still_decide_them() {
        // Out of schema order: the balance that fixes the currency and the creation date both
        // come after the entries, and must act as if they had come first.
        let mut raw = RawStatement::default();
        let mut same = entry("10", "CRDT");
        paid_in(&mut same, "GBP");
        same.currency = "GBP".to_owned();
        let mut foreign = entry("10", "CRDT");
        paid_in(&mut foreign, "USD");
        let mut undated = entry("1", "DBIT");
        undated.booking_date.clear();
        undated.value_date.clear();
        raw.entries.push(same);
        raw.entries.push(foreign);
        raw.entries.push(undated);
        raw.balances.push(closing("GBP"));
        raw.created = Some("2024-05-06T08:00:00".to_owned());
        let mut warnings = Vec::new();
        let s = statement(raw, 1, Format::Camt053, &mut warnings).unwrap();
        assert_eq!(s.currency.code(), "GBP");
        let t = &s.transactions;
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].original, None);
        assert_eq!(t[1].original.unwrap().currency.code(), "USD");
        assert_eq!(t[2].date, NaiveDate::from_ymd_opt(2024, 5, 6).unwrap());
        assert_eq!(
            warnings,
            [
                "line 7: entry in EUR on an account in GBP",
                "line 7: entry in EUR on an account in GBP",
                "statement 1: 1 entries have no booking or value date; dated with the report's creation date",
            ]
        );
    }

    #[test]
    fn an_unreadable_pending_entry_is_left_out_with_the_other_pending_ones() {
        let mut raw = RawStatement::default();
        raw.balances.push(closing("EUR"));
        let mut bad = entry("ten", "CRDT");
        bad.status = "PDNG".to_owned();
        raw.entries.push(bad);
        raw.entries.push(entry("5", "DBIT"));
        let mut warnings = Vec::new();
        let s = statement(raw, 1, Format::Camt053, &mut warnings).unwrap();
        assert_eq!(s.transactions.len(), 1);
        assert_eq!(s.transactions[0].provenance.row, Some(2));
        assert!(warnings[0].contains("1 pending"), "{warnings:?}");
    }

    #[test]
    fn the_first_kept_entry_that_cannot_be_read_is_the_error() {
        let entries = || {
            let mut pending = entry("ten", "CRDT");
            pending.status = "PDNG".to_owned();
            let mut undated = entry("1", "CRDT");
            undated.booking_date.clear();
            undated.value_date.clear();
            [pending, undated, entry("1", "XX")]
        };
        let error = |with_closing: bool| {
            let mut raw = RawStatement::default();
            if with_closing {
                raw.balances.push(closing("EUR"));
            }
            for e in entries() {
                raw.entries.push(e);
            }
            statement(raw, 1, Format::Camt053, &mut Vec::new())
                .unwrap_err()
                .to_string()
        };
        assert!(
            error(false).contains("entry 1: \"ten\" is not"),
            "{}",
            error(false)
        );
        assert!(
            error(true).contains("entry 2: it has neither"),
            "{}",
            error(true)
        );
    }
}
