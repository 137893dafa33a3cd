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

use chrono::NaiveDate;
use ledgerlens_core::{
    Account, AccountNumber, Amount, Counterparty, Currency, ForeignAmount, Format, Iban, Period,
    Statement, Transaction,
};

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

/// One `TxDtls` as written.
#[derive(Debug, Default)]
pub(super) struct RawTx {
    pub end_to_end: Option<String>,
    pub servicer_reference: Option<String>,
    pub instructed: Option<(String, String)>,
    pub transaction_amount: Option<(String, String)>,
    pub debtor: Counterparty,
    pub creditor: Counterparty,
    pub remittance: Vec<String>,
    pub additional: Option<String>,
}

/// One `Ntry` as written.
#[derive(Debug, Default)]
pub(super) struct RawEntry {
    pub line: u32,
    pub amount: String,
    pub currency: String,
    pub indicator: String,
    pub reversal: bool,
    pub status: String,
    pub booking_date: String,
    pub value_date: String,
    pub servicer_reference: Option<String>,
    pub entry_reference: Option<String>,
    pub domain: [String; 3],
    pub proprietary: Option<String>,
    pub additional: Option<String>,
    pub txs: Vec<RawTx>,
}

/// One statement, report or notification as written.
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
    pub entries: Vec<RawEntry>,
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The date of a `Dt` (2014-12-31) or `DtTm` (2014-12-31T13:15:00+01:00): the calendar day the
/// bank wrote, without converting time zones.
pub(super) fn iso_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim().get(..10)?, "%Y-%m-%d").ok()
}

fn signed(amount: &str, indicator: &str) -> Result<Amount, String> {
    let value = Amount::parse(amount.trim())
        .map_err(|_| format!("{:?} is not a decimal amount", amount.trim()))?;
    match indicator.trim() {
        "CRDT" => Ok(value),
        "DBIT" => Ok(value.negated()),
        other => Err(format!(
            "credit/debit indicator {other:?} is neither CRDT nor DBIT"
        )),
    }
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
    let entries = raw.entries.iter().map(|e| &e.currency);
    let others = raw.balances.iter().map(|b| &b.currency);
    raw.currency
        .iter()
        .chain(booked)
        .chain(entries)
        .chain(others)
        .find_map(|c| Currency::parse(c).ok())
        .unwrap_or_else(Currency::unknown)
}

fn transaction(
    entry: RawEntry,
    row: u32,
    currency: Currency,
    created: Option<NaiveDate>,
) -> Result<Transaction, String> {
    let amount = signed(&entry.amount, &entry.indicator)?;
    let booking = iso_date(&entry.booking_date);
    let value = iso_date(&entry.value_date);
    let date = booking
        .or(value)
        .or(created)
        .ok_or("it has neither a booking date nor a value date")?;
    let credit = !amount.is_negative();
    let side = |tx: &RawTx| {
        if credit {
            tx.debtor.clone()
        } else {
            tx.creditor.clone()
        }
    };
    let single = (entry.txs.len() == 1).then(|| entry.txs.first()).flatten();
    let description = match single {
        Some(tx) => {
            let remittance = collapse(&tx.remittance.join(" "));
            [
                Some(remittance),
                tx.additional.as_deref().map(collapse),
                entry.additional.as_deref().map(collapse),
                side(tx).name.map(|n| collapse(&n)),
            ]
            .into_iter()
            .flatten()
            .find(|s| !s.is_empty())
            .unwrap_or_default()
        }
        None => {
            let parts: Vec<String> = entry
                .txs
                .iter()
                .map(|tx| {
                    let name = side(tx).name.unwrap_or_default();
                    let text = tx.remittance.join(" ");
                    collapse(&if name.is_empty() || text.is_empty() {
                        format!("{name}{text}")
                    } else {
                        format!("{name}: {text}")
                    })
                })
                .filter(|p| !p.is_empty())
                .collect();
            let head = entry
                .additional
                .as_deref()
                .map(collapse)
                .unwrap_or_default();
            match (head.is_empty(), parts.is_empty()) {
                (_, true) => head,
                (true, false) => parts.join("; "),
                (false, false) => format!("{head}: {}", parts.join("; ")),
            }
        }
    };
    let mut t = Transaction::new(date, description, amount);
    t.value_date = value.filter(|v| *v != date);
    let end_to_end = single
        .and_then(|tx| tx.end_to_end.clone())
        .filter(|r| r != "NOTPROVIDED");
    let tx_reference = single.and_then(|tx| tx.servicer_reference.clone());
    t.reference = entry
        .servicer_reference
        .or(tx_reference)
        .or(end_to_end)
        .or(entry.entry_reference);
    let domain: Vec<&str> = entry
        .domain
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    t.bank_code = if domain.is_empty() {
        entry.proprietary
    } else {
        Some(domain.join("/"))
    };
    if let Some(tx) = single {
        t.counterparty = side(tx);
        let foreign = tx.instructed.as_ref().or(tx.transaction_amount.as_ref());
        if let Some((value, code)) = foreign
            && let (Ok(original), Ok(original_currency)) =
                (Amount::parse(value.trim()), Currency::parse(code))
            && original_currency != currency
        {
            let original = if credit {
                original.abs()
            } else {
                original.abs().negated()
            };
            t.original = Some(ForeignAmount {
                amount: original,
                currency: original_currency,
            });
        }
    }
    t.provenance.line = Some(entry.line);
    t.provenance.row = Some(row);
    if entry.status.trim() == "PDNG" {
        t.bank_code = Some(
            t.bank_code
                .map_or_else(|| "PDNG".to_owned(), |c| format!("{c} PDNG")),
        );
    }
    Ok(t)
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
    let mut skipped = 0usize;
    let mut kept_pending = 0usize;
    let mut undated = 0usize;
    let mut reversals = Vec::new();
    let created = raw.created.as_deref().and_then(iso_date);
    // Without a booked closing balance (intraday reports, notifications) pending entries are the
    // content, and nothing they could break; with one they would break the reconciliation.
    let keep_pending = s.closing_balance.is_none();
    for (n, entry) in raw.entries.into_iter().enumerate() {
        let status = entry.status.trim();
        if status == "PDNG" && keep_pending {
            kept_pending += 1;
        } else if !status.is_empty() && status != "BOOK" {
            skipped += 1;
            continue;
        }
        if iso_date(&entry.booking_date)
            .or(iso_date(&entry.value_date))
            .is_none()
        {
            undated += 1;
        }
        if entry.currency.trim() != currency.code()
            && !currency.is_unknown()
            && !entry.currency.is_empty()
        {
            warnings.push(format!(
                "line {}: entry in {} on an account in {currency}",
                entry.line, entry.currency
            ));
        }
        let line = entry.line;
        let reversal = entry.reversal;
        let row = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let t = transaction(entry, row, currency, created).map_err(|e| {
            IngestError::malformed(
                format,
                Some(format!("line {line}")),
                format!("entry {}: {e}", n + 1),
            )
        })?;
        if reversal {
            reversals.push(s.transactions.len());
        }
        s.transactions.push(t);
    }
    if skipped > 0 {
        warnings.push(format!(
            "statement {index}: {skipped} pending or information-only entries left out"
        ));
    }
    if kept_pending > 0 {
        warnings.push(format!(
            "statement {index}: {kept_pending} pending entries kept (marked PDNG in their bank code); there is no booked closing balance"
        ));
    }
    if undated > 0 {
        warnings.push(format!("statement {index}: {undated} entries have no booking or value date; dated with the report's creation date"));
    }
    flip_reversals_if_they_reconcile(&mut s, &reversals, index, warnings);
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

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn a_batched_entry_is_one_transaction_describing_every_part() {
        let mut e = entry("30.00", "DBIT");
        e.additional = Some("SAMMLER".to_owned());
        for (name, text) in [("Alice", "Rent"), ("Bob", "Loan")] {
            e.txs.push(RawTx {
                creditor: Counterparty {
                    name: Some(name.to_owned()),
                    ..Counterparty::default()
                },
                remittance: vec![text.to_owned()],
                ..RawTx::default()
            });
        }
        let t = transaction(e, 1, eur(), None).unwrap();
        assert_eq!(t.amount, Amount::parse("-30").unwrap());
        assert_eq!(t.description, "SAMMLER: Alice: Rent; Bob: Loan");
        assert!(t.counterparty.is_empty());
        assert_eq!(t.date, NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        assert_eq!(t.value_date, NaiveDate::from_ymd_opt(2024, 1, 3));
    }

    #[test]
    fn a_single_transfer_names_the_other_side_and_keeps_the_foreign_amount() {
        let mut e = entry("92.50", "CRDT");
        e.txs.push(RawTx {
            debtor: Counterparty {
                name: Some("ACME".to_owned()),
                ..Counterparty::default()
            },
            creditor: Counterparty {
                name: Some("ME".to_owned()),
                ..Counterparty::default()
            },
            instructed: Some(("100.00".to_owned(), "USD".to_owned())),
            remittance: vec!["Invoice".to_owned(), " 42".to_owned()],
            ..RawTx::default()
        });
        let t = transaction(e, 1, eur(), None).unwrap();
        assert_eq!(t.description, "Invoice 42");
        assert_eq!(t.counterparty.name.as_deref(), Some("ACME"));
        let o = t.original.unwrap();
        assert_eq!(
            (o.amount, o.currency.code()),
            (Amount::parse("100").unwrap(), "USD")
        );
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

    #[test]
    fn an_undated_notification_entry_takes_the_creation_date() {
        let mut e = entry("1", "CRDT");
        e.booking_date.clear();
        e.value_date.clear();
        let created = NaiveDate::from_ymd_opt(2024, 5, 6);
        assert_eq!(
            transaction(e, 1, eur(), created).unwrap().date,
            created.unwrap()
        );
    }

    #[test]
    fn an_entry_without_dates_or_indicator_is_an_error() {
        let mut e = entry("1", "CRDT");
        e.booking_date.clear();
        e.value_date.clear();
        assert!(transaction(e, 1, eur(), None).is_err());
        assert!(transaction(entry("1", "XX"), 1, eur(), None).is_err());
        assert!(transaction(entry("1,5", "CRDT"), 1, eur(), None).is_err());
    }
}
