//! Periodic series: the same counterparty, in the same direction, at a similar amount, at a
//! regular interval.
//!
//! Salary, rent, loan instalments and subscriptions are what a lender reads a statement for, and
//! they are exactly the transactions that repeat. A series is found in three steps:
//!
//! 1. **Group** by (counterparty key, direction). Transactions without a key are never in a
//!    series: without one we cannot tell one payer from another.
//! 2. **Band** the amounts of a group: a band is every member within ±[`BAND_TOLERANCE`] of the
//!    band's median magnitude. Salaries drift by a few percent and bills are exact, so ±20% keeps
//!    a drifting salary together while a rent and a deposit (or a service charge) to the same
//!    landlord fall in separate bands.
//! 3. **Time** each band: the median interval between distinct dates picks the period (see
//!    [`period_of`]); the share of intervals within that period's tolerance is the interval
//!    stability, and the band is a series when enough members ([`MIN_MEMBERS`], or
//!    [`MIN_MEMBERS_QUARTERLY`]) fall on the period.
//!
//! Grouping sorts indices (no strings are cloned) and every sort ends on a total tie-break, so the
//! result does not depend on the input order of transactions dated the same day. The pass is
//! O(n log n) and allocates a few scratch vectors once per call.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};
use ledgerlens_core::{Amount, Category, Transaction};

use crate::types::{Frequency, Series, TxEnrichment};

/// A band holds the amounts within ±20% of its median magnitude.
pub const BAND_TOLERANCE: f64 = 0.20;
/// Fewest distinct payment dates of a weekly, biweekly or monthly series.
pub const MIN_MEMBERS: usize = 3;
/// Fewest distinct payment dates of a quarterly series (a year's statement holds only four).
pub const MIN_MEMBERS_QUARTERLY: usize = 2;
/// Least share of intervals that must fall on the period; below it the dates are noise.
pub const MIN_INTERVAL_STABILITY: f64 = 0.6;

/// Inclusive interval windows, in days, that count as "on period" for each frequency.
///
/// Monthly spans 25–35 days: months are 28–31 days long, and a pay day that falls on a weekend
/// moves to the previous Friday (up to two days early), so one month's interval can shrink to 26
/// and the next stretch to 33; a day of slack on either side absorbs bank posting delays. The
/// windows do not overlap, and a median interval that falls between them is no period at all.
pub const WINDOWS: [(Frequency, u32, u32); 4] = [
    (Frequency::Weekly, 5, 9),
    (Frequency::Biweekly, 11, 17),
    (Frequency::Monthly, 25, 35),
    (Frequency::Quarterly, 80, 100),
];

/// One transaction that may belong to a series, with what grouping and banding read from it.
///
/// Plain data, so sorting moves 32 bytes and compares integers: the counterparty key is interned
/// to a number first (its value never orders anything but the grouping), and the magnitude is a
/// float because banding compares ratios.
#[derive(Clone, Copy)]
struct Candidate {
    group: u32,
    inflow: bool,
    date: NaiveDate,
    magnitude: f64,
    index: usize,
}

/// Finds the periodic series of a categorised ledger and records each member's series in
/// `enr[i].series` (members of no series get `None`).
///
/// `txs` and `enr` are parallel; `as_of` (the statement end) decides whether a series is still
/// active. Series are returned by first payment date, then counterparty, direction and amount.
pub fn detect_series(
    txs: &[Transaction],
    enr: &mut [TxEnrichment],
    as_of: NaiveDate,
) -> Vec<Series> {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut candidates: Vec<Candidate> = Vec::with_capacity(txs.len());
    for (index, (tx, e)) in txs.iter().zip(enr.iter()).enumerate() {
        let Some(key) = e.counterparty.as_ref().map(|c| c.key.as_ref()) else {
            continue;
        };
        if tx.amount.is_zero() || key.is_empty() {
            continue;
        }
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        let group = *ids.entry(key).or_insert(next);
        candidates.push(Candidate {
            group,
            inflow: !tx.amount.is_negative(),
            date: tx.date,
            magnitude: to_f64(tx.amount).abs(),
            index,
        });
    }
    drop(ids);
    candidates.sort_unstable_by(group_order);

    let mut drafts: Vec<Series> = Vec::new();
    let mut band: Vec<usize> = Vec::new();
    let mut scratch = Scratch::default();
    let mut start = 0;
    while start < candidates.len() {
        let Some(first) = candidates.get(start) else {
            break;
        };
        let end = candidates
            .iter()
            .skip(start)
            .position(|c| c.group != first.group || c.inflow != first.inflow)
            .map_or(candidates.len(), |len| start + len);
        let group = candidates.get(start..end).unwrap_or_default();
        band_group(group, &mut band, &mut |members: &[usize]| {
            if let Some(series) = time_band(group, members, txs, enr, as_of, &mut scratch) {
                drafts.push(series);
            }
        });
        start = end;
    }

    drafts.sort_by(|a, b| {
        a.members
            .first()
            .and_then(|&i| txs.get(i))
            .map(|t| t.date)
            .cmp(&b.members.first().and_then(|&i| txs.get(i)).map(|t| t.date))
            .then_with(|| a.counterparty.cmp(&b.counterparty))
            .then_with(|| b.inflow.cmp(&a.inflow))
            .then_with(|| a.typical_amount.abs().cmp(&b.typical_amount.abs()))
            .then_with(|| a.members.cmp(&b.members))
    });
    for e in enr.iter_mut() {
        e.series = None;
    }
    for (number, series) in drafts.iter().enumerate() {
        for &member in &series.members {
            if let Some(e) = enr.get_mut(member) {
                e.series = Some(number);
            }
        }
    }
    drafts
}

/// Group order: key, direction, magnitude, then date and index so that the order is total.
///
/// The interned key numbers follow the input order, but they only decide which group is
/// processed first; series are sorted by their content at the end. Transactions equal in key,
/// direction, magnitude and date are interchangeable to every later decision, so the index
/// tie-break does not make the result depend on input order.
fn group_order(a: &Candidate, b: &Candidate) -> Ordering {
    a.group
        .cmp(&b.group)
        .then_with(|| b.inflow.cmp(&a.inflow))
        .then_with(|| a.magnitude.total_cmp(&b.magnitude))
        .then_with(|| a.date.cmp(&b.date))
        .then_with(|| a.index.cmp(&b.index))
}

/// Splits one group (sorted by magnitude) into amount bands and calls `emit` with each band's
/// positions in `group`.
///
/// A band starts at the smallest amount not yet placed and takes every amount up to
/// (1 + tol) / (1 − tol) times it (1.5 for ±20%), so that all of them could sit within ±tol of
/// one centre; then only the members within ±tol of the band's actual median stay. Amounts above
/// that window start the next band; amounts below it are left out (they have no closer band).
fn band_group(group: &[Candidate], band: &mut Vec<usize>, emit: &mut dyn FnMut(&[usize])) {
    let span = (1.0 + BAND_TOLERANCE) / (1.0 - BAND_TOLERANCE);
    let mut start = 0;
    while start < group.len() {
        let Some(low) = group.get(start).map(|c| c.magnitude) else {
            break;
        };
        let end = group
            .iter()
            .skip(start)
            .position(|c| c.magnitude > low * span)
            .map_or(group.len(), |len| start + len);
        let mid = start + (end - start) / 2;
        let median = group.get(mid).map_or(low, |c| c.magnitude);
        let (lo, hi) = (
            median * (1.0 - BAND_TOLERANCE),
            median * (1.0 + BAND_TOLERANCE),
        );
        band.clear();
        let mut next = end;
        for (offset, c) in group.get(start..end).unwrap_or_default().iter().enumerate() {
            if c.magnitude > hi {
                next = next.min(start + offset);
            } else if c.magnitude >= lo {
                band.push(start + offset);
            }
        }
        if band.len() >= MIN_MEMBERS_QUARTERLY {
            emit(band);
        }
        // The median itself is always kept, so `next` is past `start`.
        start = next.max(start + 1);
    }
}

/// Buffers reused across bands.
#[derive(Default)]
struct Scratch {
    by_date: Vec<usize>,
    members: Vec<usize>,
    kept: Vec<NaiveDate>,
    intervals: Vec<u32>,
    days: Vec<u32>,
}

/// Decides whether one amount band is periodic and, if so, describes the series.
fn time_band(
    group: &[Candidate],
    band: &[usize],
    txs: &[Transaction],
    enr: &[TxEnrichment],
    as_of: NaiveDate,
    scratch: &mut Scratch,
) -> Option<Series> {
    let by_date = &mut scratch.by_date;
    by_date.clear();
    by_date.extend_from_slice(band);
    by_date.sort_unstable_by(|&a, &b| match (group.get(a), group.get(b)) {
        (Some(x), Some(y)) => x
            .date
            .cmp(&y.date)
            .then_with(|| x.magnitude.total_cmp(&y.magnitude))
            .then_with(|| x.index.cmp(&y.index)),
        _ => a.cmp(&b),
    });
    let date_of = |position: &usize| group.get(*position).map(|c| c.date);

    // The period comes from the median interval between distinct dates, so that same-day
    // duplicates neither shorten it nor count as payments of their own.
    scratch.intervals.clear();
    let mut previous: Option<NaiveDate> = None;
    for date in by_date.iter().filter_map(date_of) {
        if let Some(before) = previous
            && date > before
        {
            scratch.intervals.push(days_between(before, date));
        }
        if previous != Some(date) {
            previous = Some(date);
        }
    }
    if scratch.intervals.is_empty() {
        return None;
    }
    scratch.intervals.sort_unstable();
    let median_interval = *scratch.intervals.get(scratch.intervals.len() / 2)?;
    let (frequency, low, high) = period_of(median_interval)?;

    // An extra payment well inside a period (a one-off of the same size) is not a new cycle: a
    // date closer than half the period to the last kept date is dropped with its transactions.
    let half = frequency.days() / 2;
    scratch.kept.clear();
    let members = &mut scratch.members;
    members.clear();
    for &position in by_date.iter() {
        let Some(c) = group.get(position) else {
            continue;
        };
        match scratch.kept.last() {
            Some(&last) if last == c.date => members.push(c.index),
            Some(&last) if days_between(last, c.date) < half => {}
            _ => {
                scratch.kept.push(c.date);
                members.push(c.index);
            }
        }
    }
    let minimum = if frequency == Frequency::Quarterly {
        MIN_MEMBERS_QUARTERLY
    } else {
        MIN_MEMBERS
    };
    if scratch.kept.len() < minimum {
        return None;
    }
    let intervals = scratch.kept.windows(2).filter_map(|pair| match pair {
        [a, b] => Some(days_between(*a, *b)),
        _ => None,
    });
    let (on_period, total) = intervals.fold((0usize, 0usize), |(on, all), days| {
        (on + usize::from((low..=high).contains(&days)), all + 1)
    });
    let interval_stability = ratio(on_period, total);
    if interval_stability < MIN_INTERVAL_STABILITY || on_period + 1 < minimum {
        return None;
    }
    let members = scratch.members.clone();

    let magnitudes = members
        .iter()
        .filter_map(|&i| txs.get(i))
        .map(|t| to_f64(t.amount.abs()));
    let amount_stability = stability(magnitudes);
    let mut amounts: Vec<Amount> = members
        .iter()
        .filter_map(|&i| txs.get(i))
        .map(|t| t.amount)
        .collect();
    amounts.sort_unstable();
    let typical_amount = median_amount(&amounts)?;

    let last_date = *scratch.kept.last()?;
    let day_of_month = match frequency {
        Frequency::Monthly | Frequency::Quarterly => {
            scratch.days.clear();
            scratch.days.extend(scratch.kept.iter().map(|d| d.day()));
            scratch.days.sort_unstable();
            scratch.days.get(scratch.days.len() / 2).copied()
        }
        Frequency::Weekly | Frequency::Biweekly => None,
    };
    let next_expected = next_due(last_date, frequency, day_of_month);
    let active = as_of <= add_days(next_expected, frequency.days() / 2);
    let category = dominant_category(
        members
            .iter()
            .filter_map(|&i| enr.get(i))
            .map(|e| e.category),
    )?;
    let counterparty = members
        .first()
        .and_then(|&i| enr.get(i))
        .and_then(|e| e.counterparty.as_ref())
        .map(|c| Arc::clone(&c.key))?;

    Some(Series {
        counterparty,
        inflow: !typical_amount.is_negative(),
        members,
        frequency,
        typical_amount,
        interval_stability,
        amount_stability,
        day_of_month,
        last_date,
        next_expected,
        active,
        category,
    })
}

/// The frequency whose window holds a median interval, with that window.
pub fn period_of(median_interval: u32) -> Option<(Frequency, u32, u32)> {
    WINDOWS
        .into_iter()
        .find(|&(_, low, high)| (low..=high).contains(&median_interval))
}

/// When the next payment is due after `last`.
///
/// Weekly and biweekly add the period. Monthly and quarterly aim at the usual day of the month
/// (clamped to short months) in the first month that starts at least half a period (15 days;
/// 75 for quarterly) after the last payment, so a payment moved early to the previous Friday —
/// even across a month end — does not pull the next due date back.
pub fn next_due(last: NaiveDate, frequency: Frequency, day_of_month: Option<u32>) -> NaiveDate {
    let anchor_offset = match frequency {
        Frequency::Weekly | Frequency::Biweekly => return add_days(last, frequency.days()),
        Frequency::Monthly => 15,
        Frequency::Quarterly => 75,
    };
    let anchor = add_days(last, anchor_offset);
    let day = day_of_month.unwrap_or_else(|| last.day());
    let in_month = |date: NaiveDate| {
        date.with_day(day.min(u32::from(date.num_days_in_month())))
            .unwrap_or(date)
    };
    let candidate = in_month(anchor);
    if candidate >= anchor {
        return candidate;
    }
    let next_month = anchor
        .with_day(1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(anchor);
    in_month(next_month)
}

/// The category most members have; ties go to the first in taxonomy order.
pub(crate) fn dominant_category(categories: impl Iterator<Item = Category>) -> Option<Category> {
    let mut counts: Vec<(Category, usize)> = Vec::new();
    for category in categories {
        match counts.iter_mut().find(|(c, _)| *c == category) {
            Some((_, count)) => *count += 1,
            None => counts.push((category, 1)),
        }
    }
    counts
        .into_iter()
        .max_by(|(ca, na), (cb, nb)| na.cmp(nb).then_with(|| cb.cmp(ca)))
        .map(|(category, _)| category)
}

/// 1 − coefficient of variation of the magnitudes, floored at 0 (1 for a single value).
pub(crate) fn stability(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let (count, sum) = values
        .clone()
        .fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    if count == 0 {
        return 0.0;
    }
    let n = count as f64;
    let mean = sum / n;
    if mean <= 0.0 {
        return 0.0;
    }
    let variance = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (1.0 - variance.sqrt() / mean).clamp(0.0, 1.0)
}

/// The median of sorted amounts (the mean of the two middle ones for an even count, when that is
/// representable; the lower middle otherwise).
pub(crate) fn median_amount(sorted: &[Amount]) -> Option<Amount> {
    let upper = sorted.get(sorted.len() / 2).copied()?;
    if sorted.len() % 2 == 1 {
        return Some(upper);
    }
    let lower = sorted.get(sorted.len() / 2 - 1).copied()?;
    let two = Amount::from_minor(2, 0).ok()?.as_decimal();
    lower
        .checked_add(upper)
        .ok()
        .and_then(|sum| sum.as_decimal().checked_div(two))
        .and_then(|mean| Amount::from_decimal(mean.normalize()).ok())
        .or(Some(lower))
}

/// An amount as a float, for ratios and stability measures only (money is never added this way).
/// Mantissa over a power of ten: exact enough for ratios and much cheaper than the general
/// decimal conversion on a hot path.
pub(crate) fn to_f64(amount: Amount) -> f64 {
    let decimal = amount.as_decimal();
    let scale = i32::try_from(decimal.scale()).unwrap_or(0);
    decimal.mantissa() as f64 / 10f64.powi(scale)
}

/// `part / whole`, 0 when there is no whole.
pub(crate) fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Whole days from `a` to `b` (0 when `b` is not after `a`).
pub(crate) fn days_between(a: NaiveDate, b: NaiveDate) -> u32 {
    u32::try_from((b - a).num_days()).unwrap_or(0)
}

/// `date + days`, saturating at the calendar's end.
pub(crate) fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(date)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
pub(crate) mod testkit {
    //! Builders shared by the detectors' tests.

    use std::sync::Arc;

    use chrono::NaiveDate;
    use ledgerlens_core::{Amount, Category, Transaction};

    use crate::types::{Channel, CounterpartyKey, Decision, Source, TxEnrichment};

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub fn cat(code: &str) -> Category {
        Category::parse(code).unwrap()
    }

    /// A ledger under construction: transactions and their enrichment side by side.
    #[derive(Default)]
    pub struct Ledger {
        pub txs: Vec<Transaction>,
        pub enr: Vec<TxEnrichment>,
    }

    impl Ledger {
        /// Adds a transaction; `key` None means no counterparty could be read.
        pub fn add(
            &mut self,
            when: NaiveDate,
            amount: &str,
            key: Option<&str>,
            category: &str,
        ) -> usize {
            self.add_with(when, amount, key, category, key.unwrap_or("POS PURCHASE"))
        }

        pub fn add_with(
            &mut self,
            when: NaiveDate,
            amount: &str,
            key: Option<&str>,
            category: &str,
            description: &str,
        ) -> usize {
            self.txs.push(Transaction::new(
                when,
                description,
                Amount::parse(amount).unwrap(),
            ));
            self.enr.push(TxEnrichment {
                category: cat(category),
                confidence: 0.9,
                decided_by: Decision {
                    source: Source::GenericRule,
                    rule: Arc::from("test.rule"),
                },
                counterparty: key.map(|k| CounterpartyKey {
                    key: Arc::from(k),
                    name: Arc::from(k),
                }),
                channel: Channel::Transfer,
                series: None,
                internal_transfer: false,
                salary: false,
                loan: None,
                lender: None,
            });
            self.txs.len() - 1
        }

        /// Sorts chronologically (stable), as ingestion hands ledgers over.
        pub fn sorted(mut self) -> Ledger {
            let mut pairs: Vec<_> = self.txs.drain(..).zip(self.enr.drain(..)).collect();
            pairs.sort_by_key(|(t, _)| t.date);
            let (txs, enr) = pairs.into_iter().unzip();
            Ledger { txs, enr }
        }

        /// The same ledger with transactions of equal dates in reverse order.
        pub fn reversed_within_days(&self) -> Ledger {
            let mut pairs: Vec<_> = self
                .txs
                .iter()
                .cloned()
                .zip(self.enr.iter().cloned())
                .collect();
            pairs.reverse();
            pairs.sort_by_key(|(t, _)| t.date);
            let (txs, enr) = pairs.into_iter().unzip();
            Ledger { txs, enr }
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::testkit::{Ledger, date};
    use super::*;

    /// A monthly salary on the 25th that moves to the previous Friday when the 25th is a
    /// weekend, drifting up by a small amount each month.
    fn salary_ledger() -> Ledger {
        let mut ledger = Ledger::default();
        let pay_days = [
            date(2024, 1, 25),
            date(2024, 2, 23), // 25 Feb 2024 is a Sunday
            date(2024, 3, 25),
            date(2024, 4, 25),
            date(2024, 5, 24), // Saturday
            date(2024, 6, 25),
        ];
        for (month, day) in pay_days.into_iter().enumerate() {
            let amount = format!("{}.00", 250_000 + 1_500 * month);
            ledger.add(day, &amount, Some("ACME FOODS"), "INCOME_WAGES");
        }
        // Noise from other counterparties and keyless card spending.
        for day in [3, 9, 17, 28] {
            ledger.add(
                date(2024, 2, day),
                "-4500.00",
                None,
                "FOOD_AND_DRINK_GROCERIES",
            );
        }
        ledger.sorted()
    }

    #[test]
    fn a_monthly_salary_with_drift_and_weekend_shifts_is_one_series() {
        let mut ledger = salary_ledger();
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2024, 6, 30));
        assert_eq!(series.len(), 1);
        let s = &series[0];
        assert_eq!(s.frequency, Frequency::Monthly);
        assert_eq!(s.members.len(), 6);
        assert!(s.inflow);
        assert_eq!(s.interval_stability, 1.0);
        assert!(s.amount_stability > 0.95, "{}", s.amount_stability);
        assert_eq!(s.day_of_month, Some(25));
        assert_eq!(s.last_date, date(2024, 6, 25));
        assert_eq!(s.next_expected, date(2024, 7, 25));
        assert!(s.active);
        assert_eq!(s.category.code(), "INCOME_WAGES");
        for &m in &s.members {
            assert_eq!(ledger.enr[m].series, Some(0));
        }
        assert!(
            ledger
                .enr
                .iter()
                .filter(|e| e.counterparty.is_none())
                .all(|e| e.series.is_none())
        );
    }

    #[test]
    fn end_of_month_pay_across_short_months_is_monthly() {
        let mut ledger = Ledger::default();
        for day in [
            date(2023, 1, 31),
            date(2023, 2, 28),
            date(2023, 3, 31),
            date(2023, 4, 28), // 30 April 2023 is a Sunday
            date(2023, 5, 31),
        ] {
            ledger.add(day, "1800.00", Some("CITY COUNCIL"), "INCOME_WAGES");
        }
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2023, 6, 10));
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].frequency, Frequency::Monthly);
        assert_eq!(series[0].day_of_month, Some(31));
        assert_eq!(series[0].next_expected, date(2023, 6, 30));
        assert_eq!(series[0].amount_stability, 1.0);
    }

    #[test]
    fn weekly_gig_payouts_with_varying_amounts_are_weekly() {
        let mut ledger = Ledger::default();
        let amounts = [
            "41000", "38500", "45200", "39900", "43000", "40100", "44800", "37600",
        ];
        for (week, amount) in amounts.iter().enumerate() {
            // Mondays, with one payout a day late.
            let day = date(2024, 3, 4) + chrono::Days::new(7 * week as u64 + u64::from(week == 3));
            ledger.add(day, amount, Some("BOLT"), "INCOME_GIG_EARNINGS");
        }
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2024, 4, 30));
        assert_eq!(series.len(), 1);
        let s = &series[0];
        assert_eq!(s.frequency, Frequency::Weekly);
        assert_eq!(s.members.len(), 8);
        assert_eq!(s.day_of_month, None);
        assert_eq!(s.interval_stability, 1.0);
        assert!(s.amount_stability > 0.9 && s.amount_stability < 1.0);
        assert_eq!(s.next_expected, date(2024, 4, 29));
        assert!(s.active);
    }

    #[test]
    fn a_series_that_stopped_is_inactive() {
        let mut ledger = Ledger::default();
        for month in 1..=4 {
            ledger.add(
                date(2024, month, 5),
                "-15.99",
                Some("NETFLIX"),
                "ENTERTAINMENT_TV_AND_MOVIES",
            );
        }
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2024, 9, 30));
        assert_eq!(series.len(), 1);
        assert!(!series[0].inflow);
        assert_eq!(series[0].typical_amount, Amount::parse("-15.99").unwrap());
        assert_eq!(series[0].next_expected, date(2024, 5, 5));
        assert!(!series[0].active);
        // Still active within half a period of the due date.
        let mut again = Ledger::default();
        for month in 1..=4 {
            again.add(
                date(2024, month, 5),
                "-15.99",
                Some("NETFLIX"),
                "ENTERTAINMENT_TV_AND_MOVIES",
            );
        }
        assert!(detect_series(&again.txs, &mut again.enr, date(2024, 5, 19))[0].active);
    }

    #[test]
    fn quarterly_payments_need_only_two_members() {
        let mut ledger = Ledger::default();
        ledger.add(
            date(2024, 1, 15),
            "-320.00",
            Some("AXA"),
            "GENERAL_SERVICES_INSURANCE",
        );
        ledger.add(
            date(2024, 4, 15),
            "-320.00",
            Some("AXA"),
            "GENERAL_SERVICES_INSURANCE",
        );
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2024, 6, 30));
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].frequency, Frequency::Quarterly);
        assert_eq!(series[0].day_of_month, Some(15));
        assert_eq!(series[0].next_expected, date(2024, 7, 15));
        assert!(series[0].active);
    }

    #[test]
    fn irregular_purchases_at_one_shop_are_not_a_series() {
        let mut ledger = Ledger::default();
        let days = [
            (1, 2),
            (1, 5),
            (1, 19),
            (2, 1),
            (2, 3),
            (2, 27),
            (3, 8),
            (3, 30),
            (4, 2),
        ];
        let amounts = [
            "-52.10", "-48.00", "-61.35", "-55.00", "-49.90", "-58.20", "-50.00", "-60.10",
            "-53.30",
        ];
        for ((m, d), amount) in days.into_iter().zip(amounts) {
            ledger.add(
                date(2024, m, d),
                amount,
                Some("TESCO"),
                "FOOD_AND_DRINK_GROCERIES",
            );
        }
        // Two credits from one person are too few, and a single transfer is nothing.
        ledger.add(
            date(2024, 1, 10),
            "200.00",
            Some("JOHN DOE"),
            "TRANSFER_IN_PERSON_TO_PERSON",
        );
        ledger.add(
            date(2024, 2, 10),
            "200.00",
            Some("JOHN DOE"),
            "TRANSFER_IN_PERSON_TO_PERSON",
        );
        let mut ledger = ledger.sorted();
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2024, 4, 30));
        assert!(series.is_empty(), "{series:?}");
        assert!(ledger.enr.iter().all(|e| e.series.is_none()));
    }

    #[test]
    fn rent_and_a_deposit_to_the_same_landlord_are_told_apart() {
        let mut ledger = Ledger::default();
        ledger.add(
            date(2024, 1, 2),
            "-2400.00",
            Some("MR LANDLORD"),
            "RENT_AND_UTILITIES_RENT",
        );
        for month in 1..=6 {
            ledger.add(
                date(2024, month, 3),
                "-1200.00",
                Some("MR LANDLORD"),
                "RENT_AND_UTILITIES_RENT",
            );
            ledger.add(
                date(2024, month, 20),
                "-150.00",
                Some("MR LANDLORD"),
                "RENT_AND_UTILITIES_OTHER_UTILITIES",
            );
        }
        let mut ledger = ledger.sorted();
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2024, 6, 30));
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].typical_amount, Amount::parse("-1200.00").unwrap());
        assert_eq!(series[0].members.len(), 6);
        assert_eq!(series[1].typical_amount, Amount::parse("-150.00").unwrap());
        assert_eq!(
            series[1].category.code(),
            "RENT_AND_UTILITIES_OTHER_UTILITIES"
        );
        assert_eq!(
            ledger.enr[0].series, None,
            "the deposit is not part of the rent"
        );
    }

    #[test]
    fn same_day_duplicates_do_not_break_a_series() {
        let mut ledger = Ledger::default();
        for month in 1..=4 {
            ledger.add(
                date(2024, month, 10),
                "-5000",
                Some("DSTV"),
                "RENT_AND_UTILITIES_INTERNET_AND_CABLE",
            );
        }
        ledger.add(
            date(2024, 2, 10),
            "-5000",
            Some("DSTV"),
            "RENT_AND_UTILITIES_INTERNET_AND_CABLE",
        );
        let mut ledger = ledger.sorted();
        let series = detect_series(&ledger.txs, &mut ledger.enr, date(2024, 4, 30));
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].members.len(), 5);
        assert_eq!(series[0].interval_stability, 1.0);
    }

    #[test]
    fn results_do_not_depend_on_the_order_of_same_day_transactions() {
        let mut ledger = Ledger::default();
        for month in 1..=5 {
            ledger.add(
                date(2024, month, 1),
                "-1200.00",
                Some("MR LANDLORD"),
                "RENT_AND_UTILITIES_RENT",
            );
            ledger.add(
                date(2024, month, 1),
                "-1210.00",
                Some("MR LANDLORD"),
                "RENT_AND_UTILITIES_RENT",
            );
            ledger.add(
                date(2024, month, 1),
                "900.00",
                Some("MR LANDLORD"),
                "TRANSFER_IN_OTHER_TRANSFER_IN",
            );
            ledger.add(
                date(2024, month, 28),
                "3000.00",
                Some("ACME"),
                "INCOME_WAGES",
            );
        }
        let mut forward = ledger.sorted();
        let mut backward = forward.reversed_within_days();
        let a = detect_series(&forward.txs, &mut forward.enr, date(2024, 6, 1));
        let b = detect_series(&backward.txs, &mut backward.enr, date(2024, 6, 1));
        let describe = |series: &[Series], txs: &[Transaction]| -> Vec<_> {
            series
                .iter()
                .map(|s| {
                    let mut members: Vec<_> = s
                        .members
                        .iter()
                        .map(|&m| (txs[m].date, txs[m].amount))
                        .collect();
                    members.sort();
                    (
                        s.counterparty.clone(),
                        s.frequency,
                        s.typical_amount,
                        members,
                    )
                })
                .collect()
        };
        assert_eq!(a.len(), 3);
        assert_eq!(describe(&a, &forward.txs), describe(&b, &backward.txs));
    }

    #[test]
    fn next_due_dates_follow_the_calendar() {
        let monthly = |last, day| next_due(last, Frequency::Monthly, Some(day));
        assert_eq!(monthly(date(2024, 1, 31), 31), date(2024, 2, 29));
        assert_eq!(monthly(date(2024, 1, 29), 31), date(2024, 2, 29));
        // Paid early on Friday 31 May for 1 June: next is 1 July, not 1 June.
        assert_eq!(monthly(date(2024, 5, 31), 1), date(2024, 7, 1));
        let quarterly = |last, day| next_due(last, Frequency::Quarterly, Some(day));
        assert_eq!(quarterly(date(2024, 12, 30), 30), date(2025, 3, 30));
        assert_eq!(quarterly(date(2024, 1, 13), 15), date(2024, 4, 15));
        assert_eq!(
            next_due(date(2024, 1, 1), Frequency::Biweekly, None),
            date(2024, 1, 15)
        );
    }

    #[test]
    fn periods_come_from_non_overlapping_windows() {
        assert_eq!(period_of(7).map(|p| p.0), Some(Frequency::Weekly));
        assert_eq!(period_of(10), None);
        assert_eq!(period_of(14).map(|p| p.0), Some(Frequency::Biweekly));
        assert_eq!(period_of(26).map(|p| p.0), Some(Frequency::Monthly));
        assert_eq!(period_of(33).map(|p| p.0), Some(Frequency::Monthly));
        assert_eq!(period_of(60), None);
        assert_eq!(period_of(91).map(|p| p.0), Some(Frequency::Quarterly));
    }
}
