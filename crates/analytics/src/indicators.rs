//! Small exact building blocks shared by the finX and Bank X-Ray profiles: aggregates of a set
//! of entries, a statement's opening and closing balances, calendar-month arithmetic, and the
//! regularity of a monthly obligation (social security, tax, payroll).
//!
//! Money stays `Decimal` here; only ratios become floats, through [`crate::ledger::ratio`].

use chrono::{Datelike, Months, NaiveDate};
use ledgerlens_core::{Category, Statement};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::{Entry, ratio, sum};

/// Total, extremes, count and dates of a set of entries (signed amounts, as booked).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Aggregate {
    /// Sum of the signed amounts.
    pub total: Decimal,
    /// Smallest signed amount (for debits: the largest payment).
    pub low: Decimal,
    /// Largest signed amount.
    pub high: Decimal,
    /// Number of entries.
    pub count: usize,
    /// Date of the first entry.
    pub first: NaiveDate,
    /// Date of the last entry.
    pub last: NaiveDate,
}

impl Aggregate {
    /// The aggregate of some entries; `None` when there are none.
    pub fn of<'e, 'a: 'e>(entries: impl IntoIterator<Item = &'e Entry<'a>>) -> Option<Aggregate> {
        let mut out: Option<Aggregate> = None;
        for entry in entries {
            let amount = entry.amount();
            let date = entry.date();
            out = Some(match out {
                None => Aggregate {
                    total: amount,
                    low: amount,
                    high: amount,
                    count: 1,
                    first: date,
                    last: date,
                },
                Some(a) => Aggregate {
                    total: sum([a.total, amount]),
                    low: a.low.min(amount),
                    high: a.high.max(amount),
                    count: a.count + 1,
                    first: a.first.min(date),
                    last: a.last.max(date),
                },
            });
        }
        out
    }

    /// Mean signed amount (exact division, rounded to 10 places: far below a cent).
    pub fn average(&self) -> Decimal {
        if self.count == 0 {
            return Decimal::ZERO;
        }
        self.total
            .checked_div(Decimal::from(self.count))
            .map_or(Decimal::ZERO, |v| v.round_dp(10))
    }
}

/// The balance before a statement's first transaction: stated, else derived from the first
/// printed running balance (balance − amounts up to and including that row); `None` when the
/// statement prints no balance at all.
pub fn opening_balance(statement: &Statement) -> Option<Decimal> {
    if let Some(opening) = statement.opening_balance {
        return Some(opening.as_decimal());
    }
    let mut before = Decimal::ZERO;
    for t in &statement.transactions {
        before = sum([before, t.amount.as_decimal()]);
        if let Some(balance) = t.balance {
            return Some(balance.as_decimal() - before);
        }
    }
    None
}

/// The balance after a statement's last transaction: stated, else the last printed running
/// balance plus the amounts after it, else the opening balance plus every amount.
pub fn closing_balance(statement: &Statement) -> Option<Decimal> {
    if let Some(closing) = statement.closing_balance {
        return Some(closing.as_decimal());
    }
    let mut after = Decimal::ZERO;
    for t in statement.transactions.iter().rev() {
        if let Some(balance) = t.balance {
            return Some(sum([balance.as_decimal(), after]));
        }
        after = sum([after, t.amount.as_decimal()]);
    }
    opening_balance(statement).map(|opening| sum([opening, after]))
}

/// First and last day a statement covers: its declared period widened to its transactions.
pub fn span(statement: &Statement) -> Option<(NaiveDate, NaiveDate)> {
    let dates = statement
        .transactions
        .iter()
        .map(|t| t.date)
        .chain(statement.period.into_iter().flat_map(|p| [p.start, p.end]));
    Some((dates.clone().min()?, dates.max()?))
}

/// `(year, month)` of a date, as one ordinal (months since year 0).
pub fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// Calendar months touched by `start..=end`, both included (0 when `end < start`).
pub fn months_touched(start: NaiveDate, end: NaiveDate) -> i64 {
    (month_index(end) - month_index(start) + 1).max(0)
}

/// The calendar months wholly inside `start..=end`, as [`month_index`] ordinals, oldest first.
/// A statement from the 15th to the 14th does not cover its first and last months: a payment
/// due before it starts or after it ends cannot be seen, so those months are not expected.
pub fn whole_months(start: NaiveDate, end: NaiveDate) -> Vec<i64> {
    let first = if start.day() == 1 {
        month_index(start)
    } else {
        month_index(start) + 1
    };
    let last_day = end
        .checked_add_days(chrono::Days::new(1))
        .is_some_and(|next| next.day() == 1);
    let last = if last_day {
        month_index(end)
    } else {
        month_index(end) - 1
    };
    (first..=last).collect()
}

/// The first day of the window of `months` calendar months ending on `as_of` (`as_of` minus
/// `months` months, plus one day): one month to 15 March starts on 16 February.
pub fn months_back(as_of: NaiveDate, months: u32) -> NaiveDate {
    as_of
        .checked_sub_months(Months::new(months))
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MIN)
}

/// How regularly a monthly obligation (social security, tax, payroll) was paid.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Regularity {
    /// Number of payments (debits of the category) in the ledger.
    pub payments: usize,
    /// Their total, as a positive amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// Calendar months wholly covered by the ledger: the due dates that could be seen.
    pub months_expected: usize,
    /// Of those, months with at least one payment.
    pub months_paid: usize,
    /// `months_expected − months_paid`.
    pub months_missed: usize,
    /// `months_missed / months_expected`; `None` when no month is wholly covered.
    pub missed_ratio: Option<f64>,
    /// Longest run of consecutive expected months without a payment (Bank X-Ray's "no payment
    /// during 3 months" reads this).
    pub longest_gap_months: usize,
    /// Date of the last payment.
    pub last_payment: Option<NaiveDate>,
}

/// The regularity of the debits of `category` among `entries`, over the whole months of
/// `start..=end`. Internal transfers never count.
pub fn regularity<'e, 'a: 'e>(
    entries: impl IntoIterator<Item = &'e Entry<'a>>,
    category: Option<Category>,
    start: NaiveDate,
    end: NaiveDate,
) -> Regularity {
    let payments: Vec<&Entry<'_>> = entries
        .into_iter()
        .filter(|e| e.is_debit() && !e.is_internal() && category.is_some_and(|c| e.category() == c))
        .collect();
    let expected = whole_months(start, end);
    let mut paid_months: Vec<i64> = payments.iter().map(|e| month_index(e.date())).collect();
    paid_months.sort_unstable();
    paid_months.dedup();
    let paid: Vec<bool> = expected
        .iter()
        .map(|m| paid_months.binary_search(m).is_ok())
        .collect();
    let months_paid = paid.iter().filter(|p| **p).count();
    let months_missed = expected.len() - months_paid;
    let mut longest = 0;
    let mut run = 0;
    for p in &paid {
        run = if *p { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    Regularity {
        payments: payments.len(),
        total: Decimal::ZERO - sum(payments.iter().map(|e| e.amount())),
        months_expected: expected.len(),
        months_paid,
        months_missed,
        missed_ratio: (!expected.is_empty())
            .then(|| ratio(Decimal::from(months_missed), Decimal::from(expected.len()))),
        longest_gap_months: longest,
        last_payment: payments.iter().map(|e| e.date()).max(),
    }
}

/// A category by its code; `None` only if the taxonomy lost the code (a test catches that).
pub fn category(code: &str) -> Option<Category> {
    Category::parse(code)
}

/// The position of a category in the taxonomy table: a stable integer id (the table is
/// append-only), for shapes that want a numeric category id.
pub fn category_id(category: Category) -> usize {
    Category::all().position(|c| c == category).unwrap_or(0)
}

/// The accounts of a ledger in a canonical order — by identity (IBAN or number), currency,
/// first day, holder, then size — so that per-account output does not depend on the order the
/// files were given in.
pub fn canonical_accounts(ledger: &crate::ledger::Ledger<'_>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ledger.accounts.len()).collect();
    order.sort_by_cached_key(|&i| {
        ledger.accounts.get(i).map(|a| {
            let s = a.statement;
            (
                s.account.identity_key(),
                s.currency.code().to_owned(),
                span(s),
                s.account.holder.clone(),
                s.transactions.len(),
                closing_balance(s),
            )
        })
    });
    order
}
