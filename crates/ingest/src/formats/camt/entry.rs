//! From one `Ntry` to its [`Transaction`], as soon as the entry closes.
//!
//! A statement can hold 100 000 entries; turning each into its transaction at once frees its
//! raw text, so memory holds the transactions and one entry being read. What depends on the whole
//! statement (its currency, its creation date for undated entries, whether pending entries stay,
//! the reversal rule) is kept as a few small facts per entry and settled when the statement
//! closes; the outcome, warnings and errors included, is what reading the entries in order at
//! that point would give.

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Counterparty, Currency, ForeignAmount, Format, Transaction};

use crate::error::IngestError;

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

/// One `Ntry` as written; only the entry being read is held in this form.
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

const NO_DATE: &str = "it has neither a booking date nor a value date";

/// What the statement-level rules still need to know about an entry once it is a transaction.
#[derive(Debug)]
struct Facts {
    line: u32,
    row: u32,
    /// The entry's `Amt/@Ccy` as written; `None` when it is the first entry's (nearly always),
    /// so that a long statement does not keep a copy per entry.
    currency: Option<Box<str>>,
    reversal: bool,
    pending: bool,
    /// Neither a booking nor a value date: dated with the creation date at the end, since the
    /// message's creation date is only certain then.
    undated: bool,
}

/// An entry that cannot become a transaction; it fails the statement only if the entry is kept.
#[derive(Debug)]
struct EntryError {
    row: u32,
    line: u32,
    detail: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Booked,
    Pending,
    /// Information only (`INFO`) or unknown: never part of the booked ledger.
    Other,
}

fn status(text: &str) -> Status {
    match text.trim() {
        "" | "BOOK" => Status::Booked,
        "PDNG" => Status::Pending,
        _ => Status::Other,
    }
}

/// The entries of one statement, turned into transactions as they are read.
#[derive(Debug, Default)]
pub(super) struct Entries {
    /// Entries read, those left out included: an entry's row is its position among them.
    count: usize,
    /// Parallel to `facts`.
    transactions: Vec<Transaction>,
    facts: Vec<Facts>,
    /// Entries neither booked nor pending, left out as soon as read.
    other_status: usize,
    /// The first drafted entry's currency as written, which `Facts::currency` abbreviates.
    first_currency: Option<String>,
    /// The first entry currency that is a valid code, all entries counted.
    currency: Option<Currency>,
    /// The first booked entry that cannot be a transaction: the statement fails with it (or an
    /// earlier error), so later entries are not drafted.
    booked_error: Option<EntryError>,
    pending_error: Option<EntryError>,
    /// Pending entries that cannot be transactions: an error if pending entries stay, left out
    /// like the others if not.
    failed_pending: usize,
}

/// The kept transactions of a statement and the counts its warnings state.
#[derive(Debug)]
pub(super) struct Settled {
    pub transactions: Vec<Transaction>,
    /// Positions in `transactions` of the reversal entries.
    pub reversals: Vec<usize>,
    /// Pending or information-only entries left out.
    pub skipped: usize,
    pub kept_pending: usize,
    pub undated: usize,
}

impl Entries {
    pub(super) fn push(&mut self, mut entry: RawEntry) {
        self.count = self.count.saturating_add(1);
        let row = u32::try_from(self.count).unwrap_or(u32::MAX);
        if self.currency.is_none() {
            self.currency = Currency::parse(&entry.currency).ok();
        }
        let status = status(&entry.status);
        if status == Status::Other {
            self.other_status += 1;
            return;
        }
        if self.booked_error.is_some() {
            return;
        }
        let line = entry.line;
        let reversal = entry.reversal;
        let written = std::mem::take(&mut entry.currency);
        match draft(entry, row) {
            Ok((transaction, undated)) => {
                let currency = match &self.first_currency {
                    None => {
                        self.first_currency = Some(written);
                        None
                    }
                    Some(first) if *first == written => None,
                    Some(_) => Some(written.into_boxed_str()),
                };
                self.transactions.push(transaction);
                self.facts.push(Facts {
                    line,
                    row,
                    currency,
                    reversal,
                    pending: status == Status::Pending,
                    undated,
                });
            }
            Err(detail) => {
                let error = Some(EntryError { row, line, detail });
                if status == Status::Booked {
                    self.booked_error = error;
                } else {
                    self.failed_pending += 1;
                    if self.pending_error.is_none() {
                        self.pending_error = error;
                    }
                }
            }
        }
    }

    /// The first entry currency that is a valid code.
    pub(super) fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// The first kept entry that cannot be a transaction, as reading them in order would find.
    fn first_error(&mut self, keep_pending: bool, dated: bool) -> Option<EntryError> {
        let undated = if dated {
            None
        } else {
            self.facts
                .iter()
                .find(|f| f.undated && (keep_pending || !f.pending))
                .map(|f| EntryError {
                    row: f.row,
                    line: f.line,
                    detail: NO_DATE.to_owned(),
                })
        };
        let pending = self.pending_error.take().filter(|_| keep_pending);
        [self.booked_error.take(), pending, undated]
            .into_iter()
            .flatten()
            .min_by_key(|e| e.row)
    }

    /// Applies what needs the whole statement: pending entries leave unless `keep_pending`,
    /// undated ones take `created`, foreign amounts in `currency` are dropped, and an entry in
    /// another currency than the statement's is warned about.
    pub(super) fn settle(
        mut self,
        currency: Currency,
        created: Option<NaiveDate>,
        keep_pending: bool,
        format: Format,
        warnings: &mut Vec<String>,
    ) -> Result<Settled, IngestError> {
        let malformed = |line: u32, row: u32, detail: &str| {
            IngestError::malformed(
                format,
                Some(format!("line {line}")),
                format!("entry {row}: {detail}"),
            )
        };
        if let Some(e) = self.first_error(keep_pending, created.is_some()) {
            return Err(malformed(e.line, e.row, &e.detail));
        }
        let Entries {
            mut transactions,
            mut facts,
            other_status,
            first_currency,
            failed_pending,
            ..
        } = self;
        let mut skipped = other_status;
        if !keep_pending {
            skipped += failed_pending;
        }
        if !keep_pending && facts.iter().any(|f| f.pending) {
            let mut pending = facts.iter().map(|f| f.pending);
            transactions.retain(|_| !pending.next().unwrap_or(false));
            let before = facts.len();
            facts.retain(|f| !f.pending);
            skipped += before - facts.len();
        }
        let mut kept_pending = 0usize;
        let mut undated = 0usize;
        let mut reversals = Vec::new();
        for (i, (t, f)) in transactions.iter_mut().zip(&facts).enumerate() {
            kept_pending += usize::from(f.pending);
            undated += usize::from(f.undated);
            let written = f
                .currency
                .as_deref()
                .or(first_currency.as_deref())
                .unwrap_or_default();
            if written.trim() != currency.code() && !currency.is_unknown() && !written.is_empty() {
                warnings.push(format!(
                    "line {}: entry in {written} on an account in {currency}",
                    f.line
                ));
            }
            finish(t, f.undated, currency, created).map_err(|e| malformed(f.line, f.row, &e))?;
            if f.reversal {
                reversals.push(i);
            }
        }
        Ok(Settled {
            transactions,
            reversals,
            skipped,
            kept_pending,
            undated,
        })
    }
}

/// Whitespace runs become single spaces, the ends trimmed.
fn collapse(text: &str) -> String {
    collapse_parts(&[text])
}

/// [`collapse`] of the parts joined by spaces, without building the joined text.
fn collapse_parts<S: AsRef<str>>(parts: &[S]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.as_ref().len() + 1).sum());
    for word in parts.iter().flat_map(|p| p.as_ref().split_whitespace()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The date of a `Dt` (2014-12-31) or `DtTm` (2014-12-31T13:15:00+01:00): the calendar day the
/// bank wrote, without converting time zones.
pub(super) fn iso_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim().get(..10)?, "%Y-%m-%d").ok()
}

pub(super) fn signed(amount: &str, indicator: &str) -> Result<Amount, String> {
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

/// The transaction of one entry, as far as the entry alone decides it: the foreign amount is
/// kept whatever its currency and an undated entry gets a placeholder date, both settled by
/// [`finish`]. The flag says the entry is undated.
fn draft(entry: RawEntry, row: u32) -> Result<(Transaction, bool), String> {
    let amount = signed(&entry.amount, &entry.indicator)?;
    let booking = iso_date(&entry.booking_date);
    let value = iso_date(&entry.value_date);
    let dated = booking.or(value);
    let date = dated.unwrap_or(NaiveDate::MIN);
    let credit = !amount.is_negative();
    let mut txs = entry.txs;
    let single = if txs.len() == 1 { txs.pop() } else { None };
    let mut t = match single {
        Some(tx) => {
            let RawTx {
                end_to_end,
                servicer_reference,
                instructed,
                transaction_amount,
                debtor,
                creditor,
                remittance,
                additional,
            } = tx;
            let other = if credit { debtor } else { creditor };
            let description = Some(collapse_parts(&remittance))
                .filter(|s| !s.is_empty())
                .or_else(|| {
                    [
                        additional.as_deref(),
                        entry.additional.as_deref(),
                        other.name.as_deref(),
                    ]
                    .into_iter()
                    .flatten()
                    .map(collapse)
                    .find(|s| !s.is_empty())
                })
                .unwrap_or_default();
            let mut t = Transaction::new(date, description, amount);
            let end_to_end = end_to_end.filter(|r| r != "NOTPROVIDED");
            t.reference = entry
                .servicer_reference
                .or(servicer_reference)
                .or(end_to_end)
                .or(entry.entry_reference);
            t.counterparty = other;
            if let Some((value, code)) = instructed.or(transaction_amount)
                && let (Ok(original), Ok(original_currency)) =
                    (Amount::parse(value.trim()), Currency::parse(&code))
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
            t
        }
        None => {
            let parts: Vec<String> = txs
                .iter()
                .map(|tx| {
                    let side = if credit { &tx.debtor } else { &tx.creditor };
                    let name = side.name.as_deref().unwrap_or_default();
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
            let description = match (head.is_empty(), parts.is_empty()) {
                (_, true) => head,
                (true, false) => parts.join("; "),
                (false, false) => format!("{head}: {}", parts.join("; ")),
            };
            let mut t = Transaction::new(date, description, amount);
            t.reference = entry.servicer_reference.or(entry.entry_reference);
            t
        }
    };
    t.value_date = value.filter(|v| *v != date);
    let mut code = String::with_capacity(entry.domain.iter().map(|p| p.len() + 1).sum());
    for part in entry.domain.iter().filter(|s| !s.is_empty()) {
        if !code.is_empty() {
            code.push('/');
        }
        code.push_str(part);
    }
    t.bank_code = if code.is_empty() {
        entry.proprietary
    } else {
        Some(code)
    };
    t.provenance.line = Some(entry.line);
    t.provenance.row = Some(row);
    if entry.status.trim() == "PDNG" {
        t.bank_code = Some(
            t.bank_code
                .map_or_else(|| "PDNG".to_owned(), |c| format!("{c} PDNG")),
        );
    }
    Ok((t, dated.is_none()))
}

/// Settles what [`draft`] left to the statement: the date of an undated entry, and the foreign
/// amount, kept only in another currency than the statement's.
fn finish(
    t: &mut Transaction,
    undated: bool,
    currency: Currency,
    created: Option<NaiveDate>,
) -> Result<(), String> {
    if undated {
        t.date = created.ok_or(NO_DATE)?;
    }
    if t.original.as_ref().is_some_and(|o| o.currency == currency) {
        t.original = None;
    }
    Ok(())
}

/// One entry read alone, as a statement in `currency` created on `created` would read it.
#[cfg(test)]
fn transaction(
    entry: RawEntry,
    row: u32,
    currency: Currency,
    created: Option<NaiveDate>,
) -> Result<Transaction, String> {
    let (mut t, undated) = draft(entry, row)?;
    finish(&mut t, undated, currency, created)?;
    Ok(t)
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
