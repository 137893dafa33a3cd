//! SWIFT MT940 customer statements and MT942 interim transaction reports.
//!
//! A file holds one or more messages; each message is one statement (`:20:` … `:62F:`), and a
//! long statement may be split over several messages whose balances are marked intermediate
//! (`:62M:` closing one part, `:60M:` opening the next). Those parts are joined back into one
//! statement when the account matches and the intermediate balances meet, so reconciliation sees
//! the whole period.
//!
//! Banks bend the standard in many ways; each bend handled here is one seen in real files:
//! missing customer references, balances without currency, "30 February" value dates (moved to
//! the month's last day, with a warning), free text wrapped onto tag-shaped lines, several `:86:`
//! fields per transaction, banner lines, and Windows-1252 text. What is not tolerated: a `:61:`
//! that cannot be read, an impossible month, and an account (`:25:`) changing after transactions
//! within one message — those give a `Malformed` error naming the line.

mod details;
mod fields;
mod lexer;

use chrono::NaiveDate;
use ledgerlens_core::{
    Account, AccountNumber, Amount, Currency, Format, Iban, Period, Statement, Transaction,
};

use crate::error::IngestError;
use crate::{Input, Parsed};

use fields::{Balance, Clamped, StatementLine};
use lexer::{Field, Token};

/// More statements than this in one file is not a statement file.
const MAX_STATEMENTS: usize = 100_000;

/// How many lines of the head are searched for MT940 tags when sniffing.
const SNIFF_LINES: usize = 500;

/// Detects MT940 or MT942 text: SWIFT blocks, or lines starting with MT940 tags.
pub fn sniff(text: &str) -> Option<Format> {
    let mut found = false;
    let mut mt942 = false;
    for line in text.lines().take(SNIFF_LINES) {
        if line.starts_with("{1:") || line.contains("{2:") {
            if let Some(pos) = line.find("{2:") {
                let kind = line.get(pos + 4..pos + 7).unwrap_or_default();
                mt942 |= kind == "942";
                found |= matches!(kind, "940" | "942" | "950");
            }
            continue;
        }
        if let Some((tag, _)) =
            lexer::split_tag(line.trim_end()).filter(|(tag, _)| lexer::is_known(tag))
        {
            found = true;
            mt942 |= matches!(tag, "34F" | "13D" | "90D" | "90C");
        }
    }
    found.then_some(if mt942 { Format::Mt942 } else { Format::Mt940 })
}

/// A balance and whether it was marked intermediate (`M`).
#[derive(Debug, Clone, Copy)]
struct Marked {
    balance: Balance,
    intermediate: bool,
}

#[derive(Debug)]
struct Entry<'a> {
    line: u32,
    statement_line: StatementLine,
    details: Vec<&'a str>,
}

/// One message (or one joined statement) as read, before it becomes a [`Statement`].
#[derive(Debug, Default)]
struct Draft<'a> {
    account: Option<&'a str>,
    number: Option<&'a str>,
    opening: Option<Marked>,
    closing: Option<Marked>,
    available: Option<Balance>,
    entries: Vec<Entry<'a>>,
    /// `:90D:`/`:90C:` totals of an MT942: (debit?, count, sum).
    totals: Vec<(bool, u64, Amount, u32)>,
    touched: bool,
}

impl Draft<'_> {
    fn has_data(&self) -> bool {
        !self.entries.is_empty()
            || self.opening.is_some()
            || self.closing.is_some()
            || self.available.is_some()
    }

    /// True when `next` is the continuation of this statement in a following message.
    fn continues_into(&self, next: &Draft<'_>) -> bool {
        let (Some(closing), Some(opening)) = (self.closing, next.opening) else {
            return false;
        };
        let same_number = match (self.number, next.number) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        closing.intermediate
            && opening.intermediate
            && closing.balance.amount == opening.balance.amount
            && self.account.map(str::trim) == next.account.map(str::trim)
            && same_number
    }
}

struct Reader<'a> {
    format: Format,
    drafts: Vec<Draft<'a>>,
    current: Draft<'a>,
    /// True while a `:86:` belongs to the last `:61:`.
    after_entry: bool,
    warnings: Vec<String>,
}

impl<'a> Reader<'a> {
    fn malformed(&self, line: u32, detail: impl Into<String>) -> IngestError {
        IngestError::malformed(self.format, Some(format!("line {line}")), detail)
    }

    fn flush(&mut self) -> Result<(), IngestError> {
        let draft = std::mem::take(&mut self.current);
        if !draft.touched {
            return Ok(());
        }
        if let Some(previous) = self.drafts.last_mut().filter(|p| p.continues_into(&draft)) {
            previous.entries.extend(draft.entries);
            previous.closing = draft.closing;
            previous.available = draft.available.or(previous.available);
            previous.totals.extend(draft.totals);
            return Ok(());
        }
        if self.drafts.len() >= MAX_STATEMENTS {
            return Err(IngestError::malformed(
                self.format,
                None,
                format!("more than {MAX_STATEMENTS} statements in one file"),
            ));
        }
        self.drafts.push(draft);
        Ok(())
    }

    fn balance(&mut self, field: &Field<'_>) -> Result<Balance, IngestError> {
        let balance = fields::balance(field.first)
            .map_err(|e| self.malformed(field.line, format!(":{}: {e}", field.tag)))?;
        if balance.unknown_code {
            self.warnings.push(format!(
                "line {}: the currency in {:?} is not an active ISO 4217 code; the statement currency is left unknown",
                field.line,
                field.first.trim()
            ));
        }
        self.clamped(field.line, balance.clamped);
        Ok(balance)
    }

    fn field(&mut self, field: Field<'a>) -> Result<(), IngestError> {
        let attaches = self.after_entry && field.tag == "86";
        self.after_entry = false;
        match field.tag {
            "20" => {
                self.flush()?;
            }
            "25" | "25P" => {
                if !self.current.entries.is_empty() || self.current.closing.is_some() {
                    return Err(self.malformed(
                        field.line,
                        ":25: account identification after the statement's transactions; each statement must start with :20:",
                    ));
                }
                self.current.account = Some(field.first.trim()).filter(|s| !s.is_empty());
            }
            "28" | "28C" => {
                let text = field.first.trim();
                self.current.number = Some(text.split('/').next().unwrap_or(text));
            }
            "60F" | "60M" => {
                if self.current.opening.is_some() {
                    self.flush()?;
                }
                let balance = self.balance(&field)?;
                self.current.opening = Some(Marked {
                    balance,
                    intermediate: field.tag == "60M",
                });
            }
            "62F" | "62M" => {
                let balance = self.balance(&field)?;
                self.current.closing = Some(Marked {
                    balance,
                    intermediate: field.tag == "62M",
                });
            }
            "64" => {
                let balance = self.balance(&field)?;
                self.current.available = Some(balance);
            }
            "61" => {
                let lines: Vec<&str> = field.lines().take(3).collect();
                let statement_line = fields::statement_line_wrapped(&lines)
                    .map_err(|e| self.malformed(field.line, format!(":61: {e}")))?;
                self.clamped(field.line, statement_line.clamped);
                self.current.entries.push(Entry {
                    line: field.line,
                    statement_line,
                    details: Vec::new(),
                });
                self.after_entry = true;
            }
            "86" => {
                if let Some(entry) = self.current.entries.last_mut().filter(|_| attaches) {
                    entry.details.extend(field.lines());
                    self.after_entry = true;
                }
                // A :86: before the first :61: or after :62: describes the statement, not a row.
            }
            "90D" | "90C" => {
                let totals = interim_totals(field.first).ok_or_else(|| {
                    self.malformed(
                        field.line,
                        format!(":{}: expected a count, currency and amount", field.tag),
                    )
                })?;
                self.current
                    .totals
                    .push((field.tag == "90D", totals.0, totals.1, field.line));
            }
            "21" | "65" | "34F" | "13" | "13D" | "NS" => {}
            other => self.warnings.push(format!(
                "line {}: unknown tag :{other}: ignored",
                field.line
            )),
        }
        self.current.touched = true;
        Ok(())
    }

    fn clamped(&mut self, line: u32, clamped: Option<Clamped>) {
        if let Some(c) = clamped {
            let (y, m, d) = c.written;
            self.warnings.push(format!(
                "line {line}: {y:04}-{m:02}-{d:02} does not exist; read as {}",
                c.used
            ));
        }
    }
}

/// `:90D:` / `:90C:` content: "12EUR1234,56" → (12, 1234.56).
fn interim_totals(text: &str) -> Option<(u64, Amount)> {
    let text = text.trim();
    let count_len = text.bytes().take_while(u8::is_ascii_digit).count();
    let count = text.get(..count_len)?.parse().ok()?;
    let amount = fields::swift_amount(text.get(count_len + 3..)?).ok()?;
    Some((count, amount))
}

/// Reads `:25:` forms: an IBAN; "BIC/account" or "bank code/account"; a bare number; any of them
/// with the account currency appended ("…/HUF", "…184EUR").
fn account(raw: Option<&str>) -> Account {
    let mut account = Account::default();
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return account;
    };
    let mut rest = raw;
    for suffix_len in [4usize, 3] {
        let Some(cut) = rest.len().checked_sub(suffix_len) else {
            continue;
        };
        let (head, tail) = (
            rest.get(..cut).unwrap_or_default(),
            rest.get(cut..).unwrap_or_default(),
        );
        let code = tail.strip_prefix('/').unwrap_or(tail);
        let separated = suffix_len == 4 && tail.starts_with('/');
        let glued = suffix_len == 3 && head.ends_with(|c: char| c.is_ascii_digit());
        if code.len() == 3
            && (separated || glued)
            && code.bytes().all(|b| b.is_ascii_uppercase())
            && let Ok(currency) = Currency::parse(code)
        {
            account.currency = Some(currency);
            rest = head;
            break;
        }
    }
    if let Ok(iban) = Iban::parse(rest) {
        account.iban = Some(iban);
        return account;
    }
    if let Some((bank, number)) = rest.split_once('/') {
        let bic_like = (8..=11).contains(&bank.len())
            && bank.bytes().take(6).all(|b| b.is_ascii_alphabetic())
            && bank.bytes().all(|b| b.is_ascii_alphanumeric());
        let bank_code = !bank.is_empty() && bank.bytes().all(|b| b.is_ascii_digit());
        if bic_like || bank_code {
            account.bank_id = Some(bank.to_owned());
            if let Ok(iban) = Iban::parse(number) {
                account.iban = Some(iban);
            } else {
                account.number = AccountNumber::parse(number).ok();
            }
            return account;
        }
    }
    account.number = AccountNumber::parse(rest).ok();
    account
}

fn transaction(entry: Entry<'_>) -> Transaction {
    let line = entry.statement_line;
    let date = line.entry_date.unwrap_or(line.value_date);
    let details =
        (!entry.details.is_empty()).then(|| details::parse(entry.details.iter().copied()));
    let mut description = String::new();
    let mut counterparty = Default::default();
    if let Some(d) = details {
        description = if d.purpose.is_empty() {
            d.booking_text.unwrap_or_default()
        } else {
            d.purpose
        };
        counterparty = d.counterparty;
    }
    if description.is_empty() {
        description = line
            .supplementary
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    let mut t = Transaction::new(date, description, line.amount);
    t.value_date = (line.value_date != date).then_some(line.value_date);
    t.reference = line.bank_reference.or(line
        .customer_reference
        .filter(|r| !r.eq_ignore_ascii_case("NONREF")));
    t.bank_code = Some(line.kind);
    t.counterparty = counterparty;
    t.provenance.line = Some(entry.line);
    t
}

fn statement(draft: Draft<'_>, format: Format, warnings: &mut Vec<String>) -> Statement {
    let account = account(draft.account);
    let balance_currency = [
        draft.opening.map(|m| m.balance),
        draft.closing.map(|m| m.balance),
        draft.available,
    ]
    .into_iter()
    .flatten()
    .find_map(|b| b.currency);
    let currency = balance_currency
        .or(account.currency)
        .unwrap_or_else(Currency::unknown);
    let mut s = Statement::new(account, currency);
    s.opening_balance = draft.opening.map(|m| m.balance.amount);
    s.closing_balance = draft.closing.map(|m| m.balance.amount);
    s.available_balance = draft.available.map(|b| b.amount);
    for (debit, count, sum, line) in draft.totals {
        let rows = draft
            .entries
            .iter()
            .map(|e| e.statement_line.amount)
            .filter(|a| a.is_negative() == debit);
        let found = rows.clone().count() as u64;
        let total = Amount::checked_sum(rows.map(Amount::abs)).unwrap_or(Amount::ZERO);
        if found != count || total != sum {
            let side = if debit { "debit" } else { "credit" };
            warnings.push(format!(
                "line {line}: the {format} states {count} {side} entries totalling {sum}, but {found} totalling {total} were read"
            ));
        }
    }
    let dates: Vec<NaiveDate> = [draft.opening, draft.closing]
        .into_iter()
        .flatten()
        .map(|m| m.balance.date)
        .collect();
    s.transactions = draft.entries.into_iter().map(transaction).collect();
    if let (Some(&start), Some(&end)) = (dates.first(), dates.last())
        && start <= end
    {
        let span = s.transaction_span();
        s.period = Some(Period {
            start: span.map_or(start, |p| p.start.min(start)),
            end: span.map_or(end, |p| p.end.max(end)),
        });
    }
    s
}

/// Parses an MT940 or MT942 file into statements, one per (joined) message.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let lexed = lexer::lex(input.text, Format::Mt940)?;
    let interim = lexed.mt942_header
        || lexed
            .tokens
            .iter()
            .any(|t| matches!(t, Token::Field(f) if matches!(f.tag, "34F" | "13D")));
    let format = if interim {
        Format::Mt942
    } else {
        Format::Mt940
    };
    let mut reader = Reader {
        format,
        drafts: Vec::new(),
        current: Draft::default(),
        after_entry: false,
        warnings: Vec::new(),
    };
    for token in lexed.tokens {
        match token {
            Token::Field(field) => reader.field(field)?,
            Token::EndOfMessage => {
                reader.after_entry = false;
                reader.flush()?;
            }
        }
    }
    reader.flush()?;
    let mut warnings = reader.warnings;
    let statements = reader
        .drafts
        .into_iter()
        .filter(Draft::has_data)
        .map(|d| statement(d, format, &mut warnings))
        .collect();
    Ok(Parsed {
        statements,
        warnings,
        ..Parsed::default()
    })
}

#[cfg(test)]
mod tests;
