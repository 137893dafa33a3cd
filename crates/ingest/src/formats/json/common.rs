//! What the five aggregator readers share: exact scalars, capped transaction arrays, locations,
//! and turning draft rows into transactions once the file's date order is known.
//!
//! Every field is read as a [`RawValue`] and interpreted here rather than typed in the provider
//! structs, because the vendors are loose about types (Dojah sends amounts as strings, Periculum as
//! numbers, MyBankStatement as either) and because a JSON number must reach [`Amount`] as the text
//! the vendor wrote: going through `f64` would turn `0.1` kobo-exact values into approximations.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::NaiveDate;
use ledgerlens_core::order::into_chronological;
use ledgerlens_core::{
    Account, AccountKind, AccountNumber, Amount, Currency, Format, Statement, Transaction,
};
use rust_decimal::Decimal;
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::dates::{DateOrder, infer_date_order, parse_date};
use crate::number::{DecimalMark, parse_amount};
use crate::{IngestError, ReadOptions};

/// Most transactions one document may hold. A decade of a very busy account is well under a
/// million; beyond this the input is hostile or not a statement, and we refuse it rather than
/// exhaust memory. Lowered under test so the limit itself can be tested.
#[cfg(not(test))]
pub(super) const MAX_TRANSACTIONS: usize = 5_000_000;
#[cfg(test)]
pub(super) const MAX_TRANSACTIONS: usize = 1_000;

/// Longest text field kept (narrations, names). Real narrations are under 300 bytes.
pub(super) const MAX_TEXT_BYTES: usize = 16 * 1024;

/// A JSON array of transactions, each kept raw until its provider reads it, with a cap on how many
/// are accepted.
#[derive(Debug, Default)]
pub(super) struct Rows<'a>(pub Vec<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for Rows<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowsVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for RowsVisitor<'a> {
            type Value = Rows<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of transactions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Rows<'a>, A::Error> {
                let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(raw) = seq.next_element::<&'a RawValue>()? {
                    if rows.len() >= MAX_TRANSACTIONS {
                        return Err(A::Error::custom(format!(
                            "more than {MAX_TRANSACTIONS} transactions in one document"
                        )));
                    }
                    rows.push(raw);
                }
                Ok(Rows(rows))
            }
        }
        deserializer.deserialize_seq(RowsVisitor(PhantomData))
    }
}

/// The text being read and where it came from, for error locations.
#[derive(Clone, Copy, Debug)]
pub(super) struct Doc<'a> {
    pub format: Format,
    pub text: &'a str,
    pub options: &'a ReadOptions,
    /// Set when `text` was decoded from a JSON string inside the file (MyBankStatement's
    /// `jsonData`), so line numbers refer to that embedded document, not the file.
    pub embedded_in: Option<&'static str>,
}

impl<'a> Doc<'a> {
    /// Parses the whole document.
    pub fn root<T: Deserialize<'a>>(&self) -> Result<T, IngestError> {
        serde_json::from_str(self.text).map_err(|e| self.json_error(&e, 1, None))
    }

    /// Parses a part of the document captured earlier, with locations relative to the whole text.
    pub fn sub<T: Deserialize<'a>>(&self, raw: &'a RawValue) -> Result<T, IngestError> {
        serde_json::from_str(raw.get()).map_err(|e| {
            let start = self
                .offset_of(raw.get())
                .map_or(1, |o| line_at(self.text, o));
            self.json_error(&e, start, None)
        })
    }

    /// The 0-based byte offset of a slice of this document.
    fn offset_of(&self, part: &str) -> Option<usize> {
        let base = self.text.as_ptr().addr();
        let at = part.as_ptr().addr().checked_sub(base)?;
        (at <= self.text.len()).then_some(at)
    }

    /// A serde_json error, with its line made absolute (`first_line` is the line the parsed
    /// slice starts on) and prefixed with the transaction it is in.
    fn json_error(
        &self,
        err: &serde_json::Error,
        first_line: u32,
        row: Option<u32>,
    ) -> IngestError {
        let message = err.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_owned();
        let detail = match err.classify() {
            serde_json::error::Category::Eof => format!(
                "the document ends early ({message}); braces or brackets are unbalanced or the file is truncated"
            ),
            serde_json::error::Category::Syntax => format!("invalid JSON: {message}"),
            _ => message,
        };
        let line = u32::try_from(err.line())
            .unwrap_or(u32::MAX)
            .saturating_add(first_line.saturating_sub(1));
        let mut location = match row {
            Some(r) => format!("transaction {r}, line {line}"),
            None if first_line == 1 && err.column() > 0 => {
                format!("line {line}, column {}", err.column())
            }
            None => format!("line {line}"),
        };
        if let Some(outer) = self.embedded_in {
            location = format!("{location} of the embedded {outer}");
        }
        IngestError::malformed(self.format, Some(location), detail)
    }

    /// A tracker of line numbers for rows visited in document order.
    pub fn lines(&self) -> Lines<'a> {
        Lines {
            doc: *self,
            offset: 0,
            line: 1,
        }
    }

    /// Where statement-level errors are reported.
    pub fn header(&self) -> At {
        At {
            format: self.format,
            row: None,
            line: None,
        }
    }

    /// A statement-level error.
    pub fn error(&self, detail: impl Into<String>) -> IngestError {
        IngestError::malformed(
            self.format,
            self.embedded_in.map(|e| format!("the embedded {e}")),
            detail,
        )
    }

    /// The caller's hint, else the provider's habit.
    pub fn date_hint(&self, provider: Option<DateOrder>) -> Option<DateOrder> {
        self.options.date_order_hint.or(provider)
    }
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> u32 {
    let newlines = text
        .as_bytes()
        .get(..offset)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
    u32::try_from(newlines)
        .unwrap_or(u32::MAX)
        .saturating_add(1)
}

/// Counts lines incrementally as rows are visited in order, so locating every row stays linear.
#[derive(Debug)]
pub(super) struct Lines<'a> {
    doc: Doc<'a>,
    offset: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    /// Where the `index`-th (0-based) row starts.
    pub fn at(&mut self, index: usize, raw: &RawValue) -> At {
        let row = u32::try_from(index + 1).ok();
        let line = match (self.doc.embedded_in, self.doc.offset_of(raw.get())) {
            (None, Some(offset)) => {
                if offset < self.offset {
                    self.offset = 0;
                    self.line = 1;
                }
                let skipped = self
                    .doc
                    .text
                    .as_bytes()
                    .get(self.offset..offset)
                    .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
                self.line = self
                    .line
                    .saturating_add(u32::try_from(skipped).unwrap_or(u32::MAX));
                self.offset = offset;
                Some(self.line)
            }
            _ => None,
        };
        At {
            format: self.doc.format,
            row,
            line,
        }
    }

    /// Parses one row where it stands.
    pub fn parse<T: Deserialize<'a>>(&self, at: &At, raw: &'a RawValue) -> Result<T, IngestError> {
        serde_json::from_str(raw.get()).map_err(|e| match at.line {
            Some(line) => self.doc.json_error(&e, line, at.row),
            None => at.error(e.to_string()),
        })
    }
}

/// A JSON value reduced to what a statement field can be.
#[derive(Debug)]
pub(super) enum Scalar<'a> {
    /// `null` or absent.
    Absent,
    /// A string, unescaped.
    Text(Cow<'a, str>),
    /// A number, exactly as written.
    Number(&'a str),
    /// `true` / `false`.
    Bool,
    /// An object or array where a scalar was expected.
    Composite,
}

/// Reads a raw value as a scalar.
pub(super) fn scalar(raw: Option<&RawValue>) -> Result<Scalar<'_>, String> {
    let Some(raw) = raw else {
        return Ok(Scalar::Absent);
    };
    let text = raw.get().trim();
    Ok(match text.as_bytes().first() {
        None | Some(b'n') => Scalar::Absent,
        Some(b'"') => match serde_json::from_str::<&str>(text) {
            Ok(s) => Scalar::Text(Cow::Borrowed(s)),
            Err(_) => Scalar::Text(Cow::Owned(
                serde_json::from_str::<String>(text).map_err(|e| e.to_string())?,
            )),
        },
        Some(b't' | b'f') => Scalar::Bool,
        Some(b'{' | b'[') => Scalar::Composite,
        Some(_) => Scalar::Number(text),
    })
}

/// A JSON number literal as an exact amount (exponents allowed, as JSON allows them).
pub(super) fn exact_number(text: &str) -> Result<Amount, String> {
    if text.contains(['e', 'E']) {
        let value = Decimal::from_scientific(text)
            .map_err(|_| format!("number {text:?} is out of range"))?;
        return Amount::from_decimal(value.normalize()).map_err(|e| e.to_string());
    }
    Amount::parse(text).map_err(|e| e.to_string())
}

/// Where a field is being read: a transaction (1-based, with its line) or the statement header.
#[derive(Clone, Copy, Debug)]
pub(super) struct At {
    pub format: Format,
    pub row: Option<u32>,
    pub line: Option<u32>,
}

impl At {
    /// An error here.
    pub fn error(&self, detail: impl Into<String>) -> IngestError {
        let location = match (self.row, self.line) {
            (Some(r), Some(l)) => Some(format!("transaction {r}, line {l}")),
            (Some(r), None) => Some(format!("transaction {r}")),
            (None, _) => None,
        };
        IngestError::malformed(self.format, location, detail)
    }

    /// A text field, trimmed; empty text counts as absent. Numbers are accepted as their digits
    /// (account numbers are sometimes sent as numbers).
    pub fn text<'r>(
        &self,
        name: &str,
        raw: Option<&'r RawValue>,
    ) -> Result<Option<Cow<'r, str>>, IngestError> {
        let value = match scalar(raw).map_err(|e| self.error(format!("{name}: {e}")))? {
            Scalar::Absent | Scalar::Bool => None,
            Scalar::Text(t) => Some(t),
            Scalar::Number(n) => Some(Cow::Borrowed(n)),
            Scalar::Composite => {
                return Err(self.error(format!("{name} should be text, not an object or array")));
            }
        };
        match value {
            Some(t) if t.len() > MAX_TEXT_BYTES => {
                Err(self.error(format!("{name} is longer than {MAX_TEXT_BYTES} bytes")))
            }
            Some(t) if t.trim().is_empty() => Ok(None),
            Some(Cow::Borrowed(t)) => Ok(Some(Cow::Borrowed(t.trim()))),
            Some(Cow::Owned(t)) => Ok(Some(Cow::Owned(t.trim().to_owned()))),
            None => Ok(None),
        }
    }

    /// A text field with its whitespace collapsed to single spaces.
    pub fn collapsed(
        &self,
        name: &str,
        raw: Option<&RawValue>,
    ) -> Result<Option<String>, IngestError> {
        Ok(self
            .text(name, raw)?
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    /// An amount in major units, from a number or a dot-decimal string.
    pub fn amount(
        &self,
        name: &str,
        raw: Option<&RawValue>,
    ) -> Result<Option<Amount>, IngestError> {
        let bad = |detail: String| self.error(format!("{name}: {detail}"));
        match scalar(raw).map_err(bad)? {
            Scalar::Absent => Ok(None),
            Scalar::Number(n) => exact_number(n).map(Some).map_err(bad),
            Scalar::Text(t) if t.trim().is_empty() => Ok(None),
            Scalar::Text(t) => Amount::parse(t.trim())
                .or_else(|_| parse_amount(&t, Some(DecimalMark::Dot)))
                .map(Some)
                .map_err(|_| {
                    bad(format!(
                        "{:?} is not an amount",
                        t.chars().take(40).collect::<String>()
                    ))
                }),
            Scalar::Bool | Scalar::Composite => Err(bad("expected a number".to_owned())),
        }
    }

    /// An amount in minor units of a currency with `exponent` decimals (Mono's kobo): the value
    /// is divided by 10^exponent exactly, by moving the decimal point.
    pub fn minor_amount(
        &self,
        name: &str,
        raw: Option<&RawValue>,
        exponent: u32,
    ) -> Result<Option<Amount>, IngestError> {
        let Some(value) = self.amount(name, raw)? else {
            return Ok(None);
        };
        let mut decimal = value.as_decimal();
        let scale = decimal.scale() + exponent;
        decimal
            .set_scale(scale)
            .map_err(|_| self.error(format!("{name}: {value} minor units cannot be scaled")))?;
        Amount::from_decimal(decimal)
            .map(Some)
            .map_err(|_| self.error(format!("{name}: {value} has too many decimals")))
    }

    /// Applies a debit/credit type to an unsigned amount. Without a type the amount keeps its own
    /// sign.
    pub fn signed(&self, amount: Amount, kind: Option<&str>) -> Result<Amount, IngestError> {
        let Some(kind) = kind else { return Ok(amount) };
        match kind.trim().to_ascii_lowercase().as_str() {
            "debit" | "dr" | "d" | "withdrawal" => Ok(amount.abs().negated()),
            "credit" | "cr" | "c" | "deposit" => Ok(amount.abs()),
            other => Err(self.error(format!(
                "transaction type {:?} is neither debit nor credit",
                other.chars().take(40).collect::<String>()
            ))),
        }
    }

    /// A currency code field.
    pub fn currency(
        &self,
        name: &str,
        raw: Option<&RawValue>,
    ) -> Result<Option<Currency>, IngestError> {
        self.currency_like(name, raw, None)
    }

    /// A currency code field that is usually `known` (every row repeats it): that case is
    /// answered without looking the code up again.
    pub fn currency_like(
        &self,
        name: &str,
        raw: Option<&RawValue>,
        known: Option<Currency>,
    ) -> Result<Option<Currency>, IngestError> {
        match self.text(name, raw)? {
            None => Ok(None),
            Some(code) if known.is_some_and(|k| k.code() == code) => Ok(known),
            Some(code) if code == "₦" || code.eq_ignore_ascii_case("naira") => {
                Ok(Currency::parse("NGN").ok())
            }
            Some(code) => Currency::parse(&code)
                .map(Some)
                .map_err(|e| self.error(format!("{name}: {e}"))),
        }
    }
}

/// Naira, for providers that serve only Nigerian accounts and never state a currency.
pub(super) fn naira() -> Currency {
    Currency::parse("NGN").unwrap_or_else(|_| Currency::unknown())
}

/// The account type a provider prints, as far as it maps onto ours.
pub(super) fn account_kind(text: Option<&str>) -> AccountKind {
    let Some(text) = text else {
        return AccountKind::Unknown;
    };
    let lower = text.to_ascii_lowercase();
    if lower.contains("saving") {
        AccountKind::Savings
    } else if lower.contains("current") || lower.contains("checking") {
        AccountKind::Checking
    } else if lower.contains("card") {
        AccountKind::CreditCard
    } else if lower.contains("loan") {
        AccountKind::Loan
    } else if lower.contains("wallet") {
        AccountKind::Wallet
    } else {
        AccountKind::Unknown
    }
}

/// An account number, when the text has one.
pub(super) fn account_number(text: Option<&str>) -> Option<AccountNumber> {
    text.and_then(|t| AccountNumber::parse(t).ok())
}

/// One statement from built rows.
pub(super) fn statement(account: Account, currency: Currency, built: Built) -> Statement {
    let mut statement = Statement::new(account, currency);
    statement.opening_balance = built.opening_balance;
    statement.transactions = built.transactions;
    derive_balances(&mut statement);
    statement
}

/// Completes the opening and closing balances from the running balance, which states the balance
/// before the oldest row (its balance less its amount) and after the newest. None of the
/// aggregators has separate opening/closing fields (MyBankStatement's `BookBal` aside), and without
/// them a statement's totals could not be checked. Balances the document states always win.
pub(super) fn derive_balances(statement: &mut Statement) {
    if statement.opening_balance.is_some() && statement.closing_balance.is_some() {
        return;
    }
    let rows = &statement.transactions;
    let ascending = rows
        .windows(2)
        .all(|w| matches!(w, [a, b] if a.date <= b.date));
    let descending = rows
        .windows(2)
        .all(|w| matches!(w, [a, b] if a.date >= b.date));
    let (oldest, newest) = match (ascending, descending) {
        (true, false) => (rows.first().cloned(), rows.last().cloned()),
        (false, true) => (rows.last().cloned(), rows.first().cloned()),
        // One day, or no order: let the shared ordering (which also consults the balances)
        // decide, on a copy, since finalisation orders the real rows.
        _ => {
            let mut ordered = rows.clone();
            into_chronological(&mut ordered);
            (ordered.first().cloned(), ordered.last().cloned())
        }
    };
    if statement.opening_balance.is_none() {
        statement.opening_balance = oldest.and_then(|t| t.balance?.checked_sub(t.amount).ok());
    }
    if statement.closing_balance.is_none() {
        statement.closing_balance = newest.and_then(|t| t.balance);
    }
}

/// A transaction read from a row, before the file's date order is known.
#[derive(Debug)]
pub(super) struct Draft<'a> {
    pub at: At,
    pub date: Option<Cow<'a, str>>,
    pub value_date: Option<Cow<'a, str>>,
    pub description: String,
    pub amount: Amount,
    pub balance: Option<Amount>,
    pub reference: Option<String>,
    pub bank_code: Option<String>,
}

/// Draft rows turned into transactions.
#[derive(Debug, Default)]
pub(super) struct Built {
    pub transactions: Vec<Transaction>,
    /// The balance of a leading "Opening Balance" row, which is a balance, not a movement.
    pub opening_balance: Option<Amount>,
}

/// True for the zero-amount "OPB Opening Balance" rows that Nigerian bank exports (and so the
/// Periculum and MyBankStatement samples) put first.
fn is_opening_row(draft: &Draft<'_>) -> bool {
    draft.amount.is_zero()
        && draft.balance.is_some()
        && draft
            .description
            .to_ascii_lowercase()
            .contains("opening balance")
}

/// Decides the date order from every date of the file (`extra` holds header dates such as a
/// statement period), then builds the transactions.
pub(super) fn build(
    drafts: Vec<Draft<'_>>,
    extra: &[&str],
    hint: Option<DateOrder>,
) -> Result<(Built, DateOrder), IngestError> {
    let order = infer_date_order(
        drafts
            .iter()
            .flat_map(|d| [d.date.as_deref(), d.value_date.as_deref()])
            .flatten()
            .chain(extra.iter().copied()),
        hint,
    );
    let mut built = Built {
        transactions: Vec::with_capacity(drafts.len()),
        opening_balance: None,
    };
    for draft in drafts {
        if built.transactions.is_empty() && is_opening_row(&draft) {
            built.opening_balance = draft.balance;
            continue;
        }
        let at = draft.at;
        let date_text = draft
            .date
            .as_deref()
            .ok_or_else(|| at.error("the transaction has no date"))?;
        let date = read_date(&at, date_text, order)?;
        let value_date = match draft.value_date.as_deref() {
            Some(text) => Some(read_date(&at, text, order)?).filter(|v| *v != date),
            None => None,
        };
        let mut t = Transaction::new(date, draft.description, draft.amount);
        t.value_date = value_date;
        t.balance = draft.balance;
        t.reference = draft.reference;
        t.bank_code = draft.bank_code;
        t.provenance.row = at.row;
        t.provenance.line = at.line;
        built.transactions.push(t);
    }
    Ok((built, order))
}

fn read_date(at: &At, text: &str, order: DateOrder) -> Result<NaiveDate, IngestError> {
    parse_date(text, order).ok_or_else(|| {
        at.error(format!(
            "unreadable date {:?}",
            text.chars().take(40).collect::<String>()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> At {
        At {
            format: Format::MonoJson,
            row: Some(3),
            line: Some(12),
        }
    }

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn numbers_keep_the_digits_the_vendor_wrote() {
        let a = at()
            .amount("amount", Some(&raw("16162.02")))
            .unwrap()
            .unwrap();
        assert_eq!(a.to_string(), "16162.02");
        assert_eq!(
            at().amount("amount", Some(&raw("0.1")))
                .unwrap()
                .unwrap()
                .to_string(),
            "0.1"
        );
        assert_eq!(
            at().amount("amount", Some(&raw("1.5e3"))).unwrap().unwrap(),
            Amount::parse("1500").unwrap()
        );
    }

    #[test]
    fn string_amounts_and_nulls_are_understood() {
        assert_eq!(
            at().amount("a", Some(&raw("\"2016.4\""))).unwrap(),
            Some(Amount::parse("2016.4").unwrap())
        );
        assert_eq!(
            at().amount("a", Some(&raw("\"2,000.500\""))).unwrap(),
            Some(Amount::parse("2000.5").unwrap())
        );
        assert_eq!(at().amount("a", Some(&raw("null"))).unwrap(), None);
        assert_eq!(at().amount("a", Some(&raw("\"\""))).unwrap(), None);
        assert_eq!(at().amount("a", None).unwrap(), None);
        assert!(at().amount("a", Some(&raw("\"abc\""))).is_err());
        assert!(at().amount("a", Some(&raw("[1]"))).is_err());
    }

    #[test]
    fn minor_units_move_the_decimal_point_exactly() {
        let ngn = at()
            .minor_amount("amount", Some(&raw("147085")), 2)
            .unwrap()
            .unwrap();
        assert_eq!(ngn.to_string(), "1470.85");
        let kwd = at()
            .minor_amount("amount", Some(&raw("1234")), 3)
            .unwrap()
            .unwrap();
        assert_eq!(kwd.to_string(), "1.234");
        let xof = at()
            .minor_amount("amount", Some(&raw("\"500\"")), 0)
            .unwrap()
            .unwrap();
        assert_eq!(xof.to_string(), "500");
    }

    #[test]
    fn the_type_decides_the_sign() {
        let five = Amount::parse("5").unwrap();
        assert_eq!(at().signed(five, Some("Debit")).unwrap(), five.negated());
        assert_eq!(at().signed(five.negated(), Some("credit")).unwrap(), five);
        assert_eq!(at().signed(five.negated(), None).unwrap(), five.negated());
        let err = at().signed(five, Some("sideways")).unwrap_err();
        assert_eq!(err.code(), "malformed_file");
        assert!(err.to_string().contains("transaction 3, line 12"), "{err}");
    }

    #[test]
    fn text_is_unescaped_trimmed_and_capped() {
        assert_eq!(
            at().text("n", Some(&raw(r#"" a\"b ""#)))
                .unwrap()
                .as_deref(),
            Some("a\"b")
        );
        assert_eq!(
            at().text("n", Some(&raw("725460028"))).unwrap().as_deref(),
            Some("725460028")
        );
        assert_eq!(
            at().collapsed("n", Some(&raw(r#""OSO  \t AYOMIDE""#)))
                .unwrap()
                .as_deref(),
            Some("OSO AYOMIDE")
        );
        let long = format!("\"{}\"", "x".repeat(MAX_TEXT_BYTES + 1));
        assert!(at().text("n", Some(&raw(&long))).is_err());
    }

    #[test]
    fn rows_beyond_the_limit_are_refused_with_a_clear_error() {
        let text = format!("[{}{{}}]", "{},".repeat(MAX_TRANSACTIONS));
        let err = serde_json::from_str::<Rows<'_>>(&text).unwrap_err();
        assert!(
            err.to_string().contains("more than 1000 transactions"),
            "{err}"
        );
        let text = format!("[{}{{}}]", "{},".repeat(MAX_TRANSACTIONS - 1));
        assert_eq!(
            serde_json::from_str::<Rows<'_>>(&text).unwrap().0.len(),
            MAX_TRANSACTIONS
        );
    }
}
