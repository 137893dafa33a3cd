//! The fixed-layout fields: balances (`:60F:` and friends) and the statement line `:61:`.
//!
//! Each parser returns `Err(reason)` with words a user can act on; the caller adds the format
//! and line.

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::{Amount, Currency};

/// A date that did not exist and was moved to the last day of its month ("30 February" is how
/// German banks write interest value dates under the 30/360 convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Clamped {
    pub written: (i32, u32, u32),
    pub used: NaiveDate,
}

/// YY → year. SWIFT gives two digits; 70–99 are read as 19xx so old test files still work.
fn century(yy: u32) -> i32 {
    let yy = i32::try_from(yy).unwrap_or(0);
    if yy >= 70 { 1900 + yy } else { 2000 + yy }
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Builds a date, moving an impossible day (30 February, 31 April) to the month's last day.
pub(super) fn lenient_date(
    year: i32,
    month: u32,
    day: u32,
) -> Result<(NaiveDate, Option<Clamped>), String> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(format!("{year:04}-{month:02}-{day:02} is not a date"));
    }
    if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
        return Ok((date, None));
    }
    let last = (28..day)
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is not a date"))?;
    Ok((
        last,
        Some(Clamped {
            written: (year, month, day),
            used: last,
        }),
    ))
}

/// Parses YYMMDD.
pub(super) fn yymmdd(text: &str) -> Result<(NaiveDate, Option<Clamped>), String> {
    let part = |range: std::ops::Range<usize>| text.get(range).and_then(digits);
    match (text.len(), part(0..2), part(2..4), part(4..6)) {
        (6, Some(y), Some(m), Some(d)) => lenient_date(century(y), m, d),
        _ => Err(format!(
            "expected a YYMMDD date, found {:?}",
            text.chars().take(12).collect::<String>()
        )),
    }
}

/// Parses a SWIFT amount: digits with a comma decimal mark ("1234,56", "380115,", "00,12").
pub(super) fn swift_amount(text: &str) -> Result<Amount, String> {
    let bad = || {
        format!(
            "{:?} is not a SWIFT amount (digits with a decimal comma)",
            text.chars().take(24).collect::<String>()
        )
    };
    // The comma is mandatory by the standard, but Knab writes whole amounts without it ("C500NTRF")
    // and the value is unambiguous.
    let (int, frac) = text.split_once(',').unwrap_or((text, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || text.len() > 40
    {
        return Err(bad());
    }
    let int = if int.is_empty() { "0" } else { int };
    let canonical = if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    };
    Amount::parse(&canonical).map_err(|_| bad())
}

/// A balance field: mark, date, currency, amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Balance {
    pub amount: Amount,
    pub date: NaiveDate,
    /// `None` when the bank left the currency out (seen in the wild: "C020315105000,00") or wrote
    /// a code ISO 4217 no longer lists (DEM).
    pub currency: Option<Currency>,
    /// True when a three-letter code was written that is not an active ISO 4217 currency.
    pub unknown_code: bool,
    pub clamped: Option<Clamped>,
}

/// Parses `:60F:`, `:62F:`, `:64:` and the like: `C110522EUR3236,28`.
pub(super) fn balance(text: &str) -> Result<Balance, String> {
    let text = text.trim();
    let (negative, rest) = match text.get(..1) {
        Some("C") => (false, text.get(1..).unwrap_or_default()),
        Some("D") => (true, text.get(1..).unwrap_or_default()),
        _ => {
            return Err(format!(
                "a balance must start with C or D, found {:?}",
                text.chars().take(20).collect::<String>()
            ));
        }
    };
    let (date, clamped) = yymmdd(rest.get(..6).unwrap_or(rest))?;
    let rest = rest.get(6..).unwrap_or_default();
    let code = rest
        .get(..3)
        .filter(|c| c.bytes().all(|b| b.is_ascii_alphabetic()));
    let (currency, unknown_code, amount_text) = match code {
        Some(code) => {
            let currency = Currency::parse(code).ok();
            let unknown = currency.is_none();
            (currency, unknown, rest.get(3..).unwrap_or_default())
        }
        None => (None, false, rest),
    };
    let amount = swift_amount(amount_text.trim())?;
    Ok(Balance {
        amount: if negative { amount.negated() } else { amount },
        date,
        currency,
        unknown_code,
        clamped,
    })
}

/// The parts of a `:61:` statement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StatementLine {
    pub value_date: NaiveDate,
    /// The booking date, when written (MMDD, year inferred from the value date).
    pub entry_date: Option<NaiveDate>,
    /// The mark as written: C, D, RC, RD, EC, ED.
    pub mark: String,
    /// Signed amount: credits and reversed debits positive.
    pub amount: Amount,
    /// The transaction type, verbatim (N/F/S + 3 characters, e.g. "NTRF").
    pub kind: String,
    pub customer_reference: Option<String>,
    pub bank_reference: Option<String>,
    /// Text after the references on the first line, and the second line.
    pub supplementary: String,
    pub clamped: Option<Clamped>,
}

/// The entry date's year: the one that puts MMDD closest to the value date, so that a December
/// value date with a January booking lands in the next year and vice versa.
fn entry_date(value: NaiveDate, mmdd: &str) -> Result<(NaiveDate, Option<Clamped>), String> {
    let (Some(month), Some(day)) = (
        mmdd.get(..2).and_then(digits),
        mmdd.get(2..4).and_then(digits),
    ) else {
        return Err(format!("expected an MMDD entry date, found {mmdd:?}"));
    };
    let mut best: Option<(NaiveDate, Option<Clamped>)> = None;
    for year in [value.year() - 1, value.year(), value.year() + 1] {
        let candidate = lenient_date(year, month, day)?;
        let distance = (candidate.0 - value).num_days().abs();
        if best
            .as_ref()
            .is_none_or(|(b, _)| distance < (*b - value).num_days().abs())
        {
            best = Some(candidate);
        }
    }
    best.ok_or_else(|| format!("no year fits the entry date {mmdd:?}"))
}

/// Parses a `:61:` field from its lines. Some Sparkasse exports wrap the first line right after
/// the mark ("1811261126CR" / "30,00N062NONREF"); when the first line alone cannot be read, the
/// first two are read as one.
pub(super) fn statement_line_wrapped(lines: &[&str]) -> Result<StatementLine, String> {
    let first = lines.first().copied().unwrap_or_default();
    match statement_line(first, lines.get(1).copied()) {
        Ok(line) => Ok(line),
        Err(e) => match lines.get(1) {
            Some(second) => statement_line(
                &format!("{}{}", first.trim_end(), second.trim()),
                lines.get(2).copied(),
            )
            .map_err(|_| e),
            None => Err(e),
        },
    }
}

/// Parses a `:61:` field from its first line and optional second line.
pub(super) fn statement_line(first: &str, second: Option<&str>) -> Result<StatementLine, String> {
    let text = first.trim_end();
    let (value_date, mut clamped) = yymmdd(text.get(..6).unwrap_or(text))?;
    let mut rest = text.get(6..).unwrap_or_default();
    let mut entry = None;
    if let Some(mmdd) = rest
        .get(..4)
        .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
    {
        let (date, entry_clamped) = entry_date(value_date, mmdd)?;
        entry = Some(date);
        clamped = clamped.or(entry_clamped);
        rest = rest.get(4..).unwrap_or_default();
    }
    let mark = ["RC", "RD", "EC", "ED", "C", "D"]
        .into_iter()
        .find(|m| rest.starts_with(m))
        .ok_or_else(|| {
            format!(
                "expected a C/D/RC/RD mark after the dates, found {:?}",
                rest.chars().take(12).collect::<String>()
            )
        })?;
    rest = rest.get(mark.len()..).unwrap_or_default();
    // The optional funds code is the third letter of the currency code.
    if rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        rest = rest.get(1..).unwrap_or_default();
    }
    let amount_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',')
        .count();
    let amount = swift_amount(rest.get(..amount_len).unwrap_or_default())?;
    rest = rest.get(amount_len..).unwrap_or_default();
    let credit = matches!(mark, "C" | "RD" | "EC");
    let kind: String = rest.chars().take(4).collect();
    if kind.chars().count() < 4 || !kind.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!(
            "expected a transaction type such as NTRF after the amount, found {kind:?}"
        ));
    }
    rest = rest.get(kind.len()..).unwrap_or_default();
    let (customer, bank, extra) = references(rest);
    let mut supplementary = extra.trim().to_owned();
    if let Some(second) = second.map(str::trim).filter(|s| !s.is_empty()) {
        if !supplementary.is_empty() {
            supplementary.push(' ');
        }
        supplementary.push_str(second);
    }
    Ok(StatementLine {
        value_date,
        entry_date: entry,
        mark: mark.to_owned(),
        amount: if credit { amount } else { amount.negated() },
        kind,
        customer_reference: customer,
        bank_reference: bank,
        supplementary,
        clamped,
    })
}

/// Splits "CUSTREF//BANKREF" into its parts. The customer reference is at most 16 characters;
/// some banks (old Rabobank exports) write a counterparty name after it, which is kept as
/// supplementary text.
fn references(rest: &str) -> (Option<String>, Option<String>, &str) {
    let clean = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some((customer, bank)) = rest.split_once("//") {
        let bank_len = bank.char_indices().nth(16).map_or(bank.len(), |(i, _)| i);
        let (bank_ref, extra) = bank.split_at(bank_len);
        return (clean(customer), clean(bank_ref), extra);
    }
    let cut = rest.char_indices().nth(16).map_or(rest.len(), |(i, _)| i);
    let (customer, extra) = rest.split_at(cut);
    (clean(customer), None, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn amounts_use_the_decimal_comma_and_may_omit_digits() {
        for (text, want) in [
            ("1234,56", "1234.56"),
            ("380115,", "380115"),
            ("00,12", "0.12"),
            ("0,", "0"),
            ("000000000473,17", "473.17"),
        ] {
            assert_eq!(
                swift_amount(text).unwrap(),
                Amount::parse(want).unwrap(),
                "{text}"
            );
        }
        assert_eq!(swift_amount("500").unwrap(), Amount::parse("500").unwrap());
        for bad in ["", ",", "12.50", "1,2,3", "12a"] {
            assert!(swift_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn balances_carry_sign_date_and_currency() {
        let b = balance("D070903EUR1234718,36").unwrap();
        assert_eq!(b.amount, Amount::parse("-1234718.36").unwrap());
        assert_eq!(b.date, d(2007, 9, 3));
        assert_eq!(b.currency.unwrap().code(), "EUR");
    }

    #[test]
    fn a_balance_without_currency_is_still_read() {
        let b = balance("C020315105000,00").unwrap();
        assert_eq!(b.currency, None);
        assert_eq!(b.amount, Amount::parse("105000").unwrap());
        let b = balance("C020315DEM145000,00").unwrap();
        assert_eq!((b.currency, b.unknown_code), (None, true));
    }

    #[test]
    fn a_statement_line_yields_every_part() {
        let l = statement_line(
            "0709070904CR50990,05NTRFNONREF//0724710333343453",
            Some("extra words"),
        )
        .unwrap();
        assert_eq!(l.value_date, d(2007, 9, 7));
        assert_eq!(l.entry_date, Some(d(2007, 9, 4)));
        assert_eq!(l.amount, Amount::parse("50990.05").unwrap());
        assert_eq!(l.kind, "NTRF");
        assert_eq!(l.customer_reference.as_deref(), Some("NONREF"));
        assert_eq!(l.bank_reference.as_deref(), Some("0724710333343453"));
        assert_eq!(l.supplementary, "extra words");
    }

    #[test]
    fn reversal_marks_flip_the_sign() {
        assert!(
            statement_line("110701RC50,00NTRFX", None)
                .unwrap()
                .amount
                .is_negative()
        );
        assert!(
            !statement_line("110701RD50,00NTRFX", None)
                .unwrap()
                .amount
                .is_negative()
        );
        assert!(
            statement_line("110701DR50,00NTRFX", None)
                .unwrap()
                .amount
                .is_negative()
        );
        assert!(
            statement_line("110701ED5,00NTRFX", None)
                .unwrap()
                .amount
                .is_negative()
        );
    }

    #[test]
    fn the_entry_date_year_follows_the_value_date_across_new_year() {
        assert_eq!(
            statement_line("2312310102D1,NMSCX", None)
                .unwrap()
                .entry_date,
            Some(d(2024, 1, 2))
        );
        assert_eq!(
            statement_line("2401021231D1,NMSCX", None)
                .unwrap()
                .entry_date,
            Some(d(2023, 12, 31))
        );
    }

    #[test]
    fn february_30_moves_to_the_last_day_of_february() {
        let l = statement_line("1602300301DR6,00N024NONREF", None).unwrap();
        assert_eq!(l.value_date, d(2016, 2, 29));
        assert_eq!(l.clamped.unwrap().written, (2016, 2, 30));
        assert_eq!(l.entry_date, Some(d(2016, 3, 1)));
        assert!(yymmdd("161301").is_err());
    }

    #[test]
    fn references_are_optional_and_capped_at_sixteen_characters() {
        let l = statement_line("180417CF2066637,00N527", None).unwrap();
        assert_eq!((l.customer_reference, l.bank_reference), (None, None));
        let l = statement_line(
            "110527D000000001213,28N0440121470966      W.P. Jansen   ",
            None,
        )
        .unwrap();
        assert_eq!(l.customer_reference.as_deref(), Some("0121470966"));
        assert_eq!(l.supplementary, "W.P. Jansen");
        assert_eq!(l.kind, "N044");
    }

    #[test]
    fn a_first_line_wrapped_after_the_mark_is_rejoined() {
        let l = statement_line_wrapped(&["1811261126CR", "30,00N062NONREF"]).unwrap();
        assert_eq!(l.amount, Amount::parse("30").unwrap());
        assert_eq!(l.kind, "N062");
    }

    #[test]
    fn a_truncated_statement_line_is_an_error() {
        assert!(statement_line("170914D233,15NM", None).is_err());
        assert!(statement_line("170914X233,15NMSC", None).is_err());
        assert!(statement_line("1709", None).is_err());
    }
}
