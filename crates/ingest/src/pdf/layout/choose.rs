//! Choosing between competing readings of the same table.
//!
//! Some questions the layout cannot settle: is "03/04" the 3rd of April or March 4th when no date
//! proves it; which of two unlabelled money columns is money out; does a lone amount column carry
//! its own sign, or does a marker column (or the balance) give it? Each plausible reading becomes
//! a ledger, each ledger is reconciled against the balances the bank printed, and the one whose
//! balances hold best wins — the bank's own arithmetic is the arbiter. Ties go to the reading
//! listed first (the most conventional), so the choice is deterministic, and the margin between
//! the best and the runner-up is reported as the confidence.

use std::cmp::Ordering;

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::order::into_chronological;
use ledgerlens_core::{
    Account, AccountKind, Amount, Currency, OcrReading, Period, Provenance, ReconciliationStatus,
    Statement, Transaction, reconcile,
};

use super::meta::{Meta, currency_from_symbol};
use super::rows::{Extract, RawRow, RowConfidence};
use super::year::{self, DayMonth};
use crate::dates::{DateOrder, infer_date_order, parse_date};
use crate::formats::tabular::vocab;
use crate::number::{DecimalMark, infer_decimal_mark, parse_amount};

/// OCR confidences as the ledger keeps them: whole percent, and 0 for a value with no word
/// behind it (an amount inherited from the row above is not a reading).
fn ocr_reading(c: &RowConfidence, has_balance: bool) -> OcrReading {
    let percent = |v: Option<f32>| {
        // In 0..=100 after the clamp, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        v.map_or(0, |x| (x.clamp(0.0, 1.0) * 100.0).round() as u8)
    };
    OcrReading {
        date: c.date.map(|d| percent(Some(d))),
        amount: percent(c.amount),
        balance: has_balance.then(|| percent(c.balance)),
        description: percent(c.description),
        unreconciled: false,
    }
}

/// How amounts get their sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    /// Debit and credit columns as their headers say.
    Labelled,
    /// Debit and credit columns the other way round.
    Swapped,
    /// The amount column's own sign (minus, parentheses, CR/DR).
    Printed,
    /// The marker column's D/C decides.
    Marker,
    /// The change in the running balance decides.
    FromBalance,
    /// The amount column's sign reversed: a card issuer prints charges as positive (they add to
    /// what is owed) and payments as negative.
    Negated,
}

impl Sign {
    fn describe(self) -> &'static str {
        match self {
            Sign::Labelled => "debit/credit columns as labelled",
            Sign::Swapped => "debit/credit columns swapped",
            Sign::Printed => "amounts signed as printed",
            Sign::Marker => "amounts signed by the D/C marker column",
            Sign::FromBalance => "amounts signed by the balance movement",
            Sign::Negated => "card charges printed positive, signs reversed",
        }
    }
}

/// What the table offers beyond its rows.
#[derive(Debug)]
pub struct Context<'a> {
    /// Rows and balance lines.
    pub extract: &'a Extract,
    /// Facts above the table.
    pub meta: &'a Meta,
    /// Currency named in a header.
    pub header_currency: Option<Currency>,
    /// Date order named in a header.
    pub header_order: Option<DateOrder>,
    /// The table has debit and/or credit columns.
    pub split_columns: bool,
    /// The table has a D/C marker column.
    pub marker_column: bool,
    /// The table has a balance column.
    pub balance_column: bool,
}

#[derive(Clone, Copy, Debug)]
struct Score {
    dropped: usize,
    /// Rows dated outside the stated period.
    outside: usize,
    reconciled: bool,
    sanity: f64,
    totals: bool,
    monotonic: bool,
    /// Days between the first and last date: statements cover weeks, not a scattering of months.
    span: i64,
}

impl Score {
    /// Better readings compare greater.
    fn cmp(&self, other: &Score) -> Ordering {
        other
            .dropped
            .cmp(&self.dropped)
            .then(other.outside.cmp(&self.outside))
            .then(self.reconciled.cmp(&other.reconciled))
            .then(self.sanity.total_cmp(&other.sanity))
            .then(self.totals.cmp(&other.totals))
            .then(self.monotonic.cmp(&other.monotonic))
            .then(other.span.cmp(&self.span))
    }

    /// As good on the balances as `other`: the choice between them was not the data's.
    fn ties(&self, other: &Score) -> bool {
        self.dropped == other.dropped
            && self.outside == other.outside
            && self.reconciled == other.reconciled
            && (self.sanity - other.sanity).abs() < 1.0
            && self.totals == other.totals
    }
}

/// Builds every plausible reading and keeps the best.
pub fn best(ctx: &Context<'_>, warnings: &mut Vec<String>) -> Statement {
    let mark = decimal_mark(ctx);
    let orders = date_orders(ctx);
    let signs = signs(ctx);
    // Every reading shares the decimal mark, so each row's amounts, its description and the
    // currency are read once; dates once per date order. Readings differ only in how they
    // combine them.
    let rows = prepare(ctx, mark);
    let currency = currency(ctx);
    let mut results: Vec<(Statement, Score, String)> = Vec::new();
    for &order in &orders {
        let dates = dates_of(ctx, order);
        for &sign in &signs {
            let (statement, dropped) = build(ctx, &rows, &dates, currency, order, sign, mark);
            let score = score(&statement, dropped);
            let label = format!("{}, {}", order_name(order), sign.describe());
            results.push((statement, score, label));
        }
    }
    let mut best_index = 0;
    for (i, (_, score, _)) in results.iter().enumerate() {
        if let Some((_, b, _)) = results.get(best_index)
            && score.cmp(b) == Ordering::Greater
        {
            best_index = i;
        }
    }
    let Some((chosen, score, label)) =
        (best_index < results.len()).then(|| results.swap_remove(best_index))
    else {
        return Statement::new(Account::default(), Currency::unknown());
    };
    let status = if score.reconciled {
        "reconciles".to_owned()
    } else if score.sanity > 0.0 {
        format!("data sanity {:.2}%", score.sanity)
    } else {
        "cannot be verified".to_owned()
    };
    warnings.push(format!(
        "pdf: {} rows read ({label}); the reading {status}",
        chosen.transactions.len()
    ));
    if score.dropped > 0 {
        warnings.push(format!(
            "pdf: {} row(s) skipped: no readable date or amount",
            score.dropped
        ));
    }
    if let Some((_, _, other)) = results.iter().find(|(_, s, _)| s.ties(&score)) {
        warnings.push(format!(
            "pdf: low confidence: the reading \"{other}\" fits the balances as well as the one chosen (\"{label}\")"
        ));
    }
    chosen
}

fn order_name(order: DateOrder) -> &'static str {
    match order {
        DateOrder::DayFirst => "day-first dates",
        DateOrder::MonthFirst => "month-first dates",
        DateOrder::YearFirst => "year-first dates",
    }
}

fn score(statement: &Statement, dropped: usize) -> Score {
    let monotonic = {
        let t = &statement.transactions;
        t.windows(2)
            .all(|w| matches!(w, [a, b] if a.date <= b.date))
            || t.windows(2)
                .all(|w| matches!(w, [a, b] if a.date >= b.date))
    };
    let outside = statement.period.map_or(0, |p| {
        statement
            .transactions
            .iter()
            .filter(|t| t.date < p.start || t.date > p.end)
            .count()
    });
    let span = statement
        .transaction_span()
        .map_or(0, |p| (p.end - p.start).num_days());
    let mut ordered = statement.clone();
    into_chronological(&mut ordered.transactions);
    let r = reconcile(&ordered);
    Score {
        dropped,
        outside,
        reconciled: r.status == ReconciliationStatus::Reconciled,
        sanity: r.data_sanity.unwrap_or(0.0),
        totals: r.totals.is_some_and(|t| t.holds),
        monotonic,
        span,
    }
}

fn money_texts<'a>(ctx: &'a Context<'a>) -> impl Iterator<Item = &'a str> {
    let rows = ctx.extract.rows.iter().flat_map(|r| {
        [&r.amount, &r.debit, &r.credit, &r.balance]
            .into_iter()
            .flatten()
            .map(String::as_str)
    });
    let extra = [
        &ctx.extract.opening,
        &ctx.extract.closing,
        &ctx.meta.opening,
        &ctx.meta.closing,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str);
    rows.chain(extra)
}

/// One decimal mark for the document: a statement is printed in one locale.
fn decimal_mark(ctx: &Context<'_>) -> DecimalMark {
    infer_decimal_mark(money_texts(ctx))
}

fn date_texts<'a>(ctx: &'a Context<'a>) -> Vec<&'a str> {
    let mut texts: Vec<&str> = Vec::with_capacity(ctx.extract.rows.len());
    let mut last: Option<&str> = None;
    for r in &ctx.extract.rows {
        if last != Some(r.date.as_str()) {
            texts.push(&r.date);
            last = Some(&r.date);
        }
        if let Some(v) = &r.value_date {
            texts.push(v);
        }
    }
    texts
}

fn read_date(text: &str, order: DateOrder) -> Option<Result<NaiveDate, DayMonth>> {
    parse_date(text, order)
        .map(Ok)
        .or_else(|| year::parse(text, order).map(Err))
}

/// The day/month orders worth trying: one when the dates decide, two when they do not.
fn date_orders(ctx: &Context<'_>) -> Vec<DateOrder> {
    if let Some(order) = ctx.header_order {
        return vec![order];
    }
    let texts = date_texts(ctx);
    let (mut day, mut month, mut differ) = (0usize, 0usize, false);
    for t in &texts {
        let d = read_date(t, DateOrder::DayFirst);
        let m = read_date(t, DateOrder::MonthFirst);
        match (d.is_some(), m.is_some()) {
            (true, false) => day += 1,
            (false, true) => month += 1,
            _ => differ |= d != m,
        }
    }
    match (day, month) {
        (0, 0) if !differ => vec![DateOrder::DayFirst],
        (0, 0) => {
            let first = infer_date_order(texts.iter().copied(), None);
            let first = if first == DateOrder::MonthFirst {
                DateOrder::MonthFirst
            } else {
                DateOrder::DayFirst
            };
            vec![first, other(first)]
        }
        (d, 0) if d > 0 => vec![DateOrder::DayFirst],
        (0, m) if m > 0 => vec![DateOrder::MonthFirst],
        (d, m) if d >= m => vec![DateOrder::DayFirst, DateOrder::MonthFirst],
        _ => vec![DateOrder::MonthFirst, DateOrder::DayFirst],
    }
}

fn other(order: DateOrder) -> DateOrder {
    if order == DateOrder::MonthFirst {
        DateOrder::DayFirst
    } else {
        DateOrder::MonthFirst
    }
}

fn signs(ctx: &Context<'_>) -> Vec<Sign> {
    let rows = &ctx.extract.rows;
    let mut out = Vec::new();
    if ctx.split_columns {
        out.push(Sign::Labelled);
        out.push(Sign::Swapped);
    }
    if rows.iter().any(|r| r.amount.is_some()) {
        if ctx.marker_column {
            out.push(Sign::Marker);
        }
        // A card statement's lone amount column is the issuer's: charges positive. Reversing it
        // is the reading to try first; the print is kept for issuers that sign for the holder.
        // (On a bank statement the two readings reconcile alike once the balances are
        // reversed too, so the reversal is only offered where the page says "card".)
        if ctx.meta.card {
            out.push(Sign::Negated);
        }
        out.push(Sign::Printed);
        let unsigned = rows
            .iter()
            .filter_map(|r| r.amount.as_deref())
            .all(|a| parse_amount(a, None).is_ok_and(|v| !v.is_negative()));
        if ctx.balance_column && unsigned {
            out.push(Sign::FromBalance);
        }
    }
    if out.is_empty() {
        out.push(Sign::Labelled);
    }
    out
}

fn money(text: Option<&str>, mark: DecimalMark) -> Option<Amount> {
    text.and_then(|t| parse_amount(t, Some(mark)).ok())
}

/// What every reading of a row shares: its amounts read with the document's decimal mark, and
/// its description with the spacing of the page folded.
struct Prepared {
    debit: Option<Amount>,
    credit: Option<Amount>,
    amount: Option<Amount>,
    balance: Option<Amount>,
    description: String,
}

fn prepare(ctx: &Context<'_>, mark: DecimalMark) -> Vec<Prepared> {
    ctx.extract
        .rows
        .iter()
        .map(|row| Prepared {
            debit: money(row.debit.as_deref(), mark),
            credit: money(row.credit.as_deref(), mark),
            amount: money(row.amount.as_deref(), mark),
            balance: money(row.balance.as_deref(), mark),
            description: row
                .description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

/// Each row's date and value date under one date order.
struct Dates {
    booked: Vec<Option<Result<NaiveDate, DayMonth>>>,
    value: Vec<Option<Result<NaiveDate, DayMonth>>>,
}

fn dates_of(ctx: &Context<'_>, order: DateOrder) -> Dates {
    let rows = &ctx.extract.rows;
    Dates {
        booked: rows.iter().map(|r| read_date(&r.date, order)).collect(),
        value: rows
            .iter()
            .map(|r| r.value_date.as_deref().and_then(|v| read_date(v, order)))
            .collect(),
    }
}

/// The signed amount of a row under a reading.
fn amount_of(
    row: &RawRow,
    read: &Prepared,
    sign: Sign,
    previous_balance: Option<Amount>,
) -> Option<Amount> {
    let debit = read.debit.map(Amount::abs);
    let credit = read.credit.map(Amount::abs);
    let split = match (debit, credit) {
        (None, None) => None,
        (d, c) => {
            let d = d.unwrap_or(Amount::ZERO);
            let c = c.unwrap_or(Amount::ZERO);
            match sign {
                Sign::Swapped => d.checked_sub(c).ok(),
                _ => c.checked_sub(d).ok(),
            }
        }
    };
    if split.is_some() {
        return split;
    }
    let printed = read.amount?;
    match sign {
        Sign::Marker => match row.marker.as_deref().and_then(vocab::marker_sign) {
            Some(true) => Some(printed.abs().negated()),
            Some(false) => Some(printed.abs()),
            None => Some(printed),
        },
        Sign::FromBalance => match (read.balance, previous_balance) {
            (Some(b), Some(p)) if b < p => Some(printed.abs().negated()),
            (Some(b), Some(p)) if b > p => Some(printed.abs()),
            _ => Some(printed),
        },
        Sign::Negated => Some(printed.negated()),
        _ => Some(printed),
    }
}

fn parse_period(meta: &Meta, order: DateOrder) -> Option<Period> {
    let (a, b) = meta.period.as_ref()?;
    let start = parse_date(a, order)?;
    let end = parse_date(b, order)?;
    (start <= end).then_some(Period { start, end })
}

fn currency(ctx: &Context<'_>) -> Currency {
    ctx.meta
        .currency
        .or(ctx.header_currency)
        .or_else(|| {
            money_texts(ctx).take(500).find_map(|t| {
                ["₦", "£", "€", "$"]
                    .into_iter()
                    .find(|s| t.contains(s))
                    .and_then(currency_from_symbol)
            })
        })
        .unwrap_or_else(Currency::unknown)
}

/// The ledger under one reading, and how many rows it could not read.
fn build(
    ctx: &Context<'_>,
    rows: &[Prepared],
    dates: &Dates,
    currency: Currency,
    order: DateOrder,
    sign: Sign,
    mark: DecimalMark,
) -> (Statement, usize) {
    let meta = ctx.meta;
    let period = parse_period(meta, order);
    let parsed = &dates.booked;
    let mention = meta.year.or_else(|| {
        parsed
            .iter()
            .find_map(|p| p.as_ref().and_then(|r| r.as_ref().ok()).map(Datelike::year))
    });
    let yearless: Vec<Option<DayMonth>> = parsed
        .iter()
        .map(|p| p.as_ref().and_then(|r| r.as_ref().err().copied()))
        .collect();
    let assigned = year::assign(&yearless, period, mention);
    let account = Account {
        bank: meta.bank.clone(),
        bank_id: meta.bank_id.clone(),
        number: meta.number.clone(),
        iban: meta.iban.clone(),
        holder: meta.holder.clone(),
        currency: None,
        ..Account::default()
    };
    let mut statement = Statement::new(account, currency);
    if !currency.is_unknown() {
        statement.account.currency = Some(currency);
    }
    statement.period = period;
    // A card issuer prints what the holder owes as a positive balance; the ledger states
    // balances from the holder's side (credits positive), so a debt is negative.
    let card = meta.card;
    if card {
        statement.account.kind = AccountKind::CreditCard;
    }
    let holder_side = |b: Amount| if card { b.negated() } else { b };
    let opening_text = ctx.extract.opening.as_deref().or(meta.opening.as_deref());
    let closing_text = ctx.extract.closing.as_deref().or(meta.closing.as_deref());
    statement.opening_balance = money(opening_text, mark).map(holder_side);
    statement.closing_balance = money(closing_text, mark).map(holder_side);
    let mut dropped = 0;
    let mut previous = statement.opening_balance;
    let each = ctx.extract.rows.iter().zip(rows).zip(&dates.value);
    for (((row, read), value), (p, yearless_date)) in each.zip(parsed.iter().zip(assigned)) {
        let date = match p {
            Some(Ok(d)) => Some(*d),
            _ => yearless_date,
        };
        let mut amount = amount_of(row, read, sign, previous);
        let balance = read.balance.map(holder_side);
        // OCR drops or misreads a thin minus sign ("+27 058,72", "~75 880,15") far more often
        // than a digit: when the printed balances hold only with the sign turned, turn it.
        if row.confidence.is_some()
            && let (Some(a), Some(b), Some(p)) = (amount, balance, previous)
            && p.checked_add(a).ok() != Some(b)
            && p.checked_sub(a).ok() == Some(b)
        {
            amount = Some(a.negated());
        }
        if balance.is_some() {
            previous = balance;
        }
        let (Some(date), Some(amount)) = (date, amount) else {
            dropped += 1;
            continue;
        };
        let mut t = Transaction::new(date, read.description.clone(), amount);
        t.balance = balance;
        t.value_date = (*value).and_then(|v| value_date(v, date));
        t.reference = row.reference.clone();
        t.provenance = Provenance {
            file: None,
            page: Some(row.page),
            line: Some(row.line),
            row: u32::try_from(statement.transactions.len() + 1).ok(),
            ocr: row
                .confidence
                .map(|c| ocr_reading(&c, row.balance.is_some())),
        };
        statement.transactions.push(t);
    }
    (statement, dropped)
}

/// A value date, its year (when not printed) taken as the one closest to the booking date.
fn value_date(read: Result<NaiveDate, DayMonth>, booked: NaiveDate) -> Option<NaiveDate> {
    match read {
        Ok(d) => Some(d),
        Err(dm) => (booked.year() - 1..=booked.year() + 1)
            .filter_map(|y| NaiveDate::from_ymd_opt(y, dm.month, dm.day))
            .min_by_key(|d| (*d - booked).num_days().abs()),
    }
}
