//! Dates printed without a year ("15 Dec", "02/01").
//!
//! The year comes from the statement period: each day/month takes the year that puts it inside
//! the period, which handles a period across a year end in either row order. Without a period,
//! rows are walked in order and the year steps when the month jumps back by more than half a year
//! (Dec → Jan), anchored so that the latest row falls in the one year the page does mention.

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::Period;

use crate::dates::{DateOrder, month_from_name};

/// Day and month of a yearless date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayMonth {
    /// 1–31.
    pub day: u32,
    /// 1–12.
    pub month: u32,
}

/// Reads "15 Dec", "Dec 15", "15-DEC", "15/12" (under `order`), "15.12.".
pub fn parse(text: &str, order: DateOrder) -> Option<DayMonth> {
    if text.len() > 24 {
        return None;
    }
    let tokens: Vec<&str> = text
        .split(['/', '-', '.', ',', ' '])
        .filter(|t| !t.is_empty())
        .collect();
    let [a, b] = tokens.as_slice() else {
        return None;
    };
    let number = |t: &str| -> Option<u32> {
        let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        (!digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|x| x.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    let (day, month) = match (number(a), number(b)) {
        (Some(x), Some(y)) if a.bytes().all(|c| c.is_ascii_digit()) => match order {
            DateOrder::MonthFirst => (y, x),
            DateOrder::DayFirst | DateOrder::YearFirst => (x, y),
        },
        (Some(d), None) => (d, month_from_name(b)?),
        (None, Some(d)) => (d, month_from_name(a)?),
        _ => return None,
    };
    // 2000 is a leap year, so 29 Feb is accepted here and checked against the real year later.
    NaiveDate::from_ymd_opt(2000, month, day).map(|_| DayMonth { day, month })
}

/// Gives each day/month a year. `None` stays `None`; so does 29 Feb in a year without one.
pub fn assign(
    rows: &[Option<DayMonth>],
    period: Option<Period>,
    mention: Option<i32>,
) -> Vec<Option<NaiveDate>> {
    match period {
        Some(p) => rows
            .iter()
            .map(|dm| dm.and_then(|dm| within(dm, p)))
            .collect(),
        None => rolling(rows, mention),
    }
}

/// The year in or next to the period that puts the date closest to it.
fn within(dm: DayMonth, p: Period) -> Option<NaiveDate> {
    let first = p.start.year().saturating_sub(1);
    let last = p.end.year().saturating_add(1).min(first.saturating_add(5));
    (first..=last)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, dm.month, dm.day))
        .min_by_key(|d| {
            if *d < p.start {
                (p.start - *d).num_days()
            } else if *d > p.end {
                (*d - p.end).num_days()
            } else {
                0
            }
        })
}

fn rolling(rows: &[Option<DayMonth>], mention: Option<i32>) -> Vec<Option<NaiveDate>> {
    let Some(year) = mention else {
        return vec![None; rows.len()];
    };
    let mut offsets = Vec::with_capacity(rows.len());
    let mut offset = 0i32;
    let mut previous: Option<u32> = None;
    for dm in rows {
        if let (Some(dm), Some(prev)) = (dm, previous) {
            if dm.month + 6 < prev {
                offset += 1;
            } else if prev + 6 < dm.month {
                offset -= 1;
            }
        }
        if let Some(dm) = dm {
            previous = Some(dm.month);
        }
        offsets.push(offset);
    }
    let top = offsets.iter().copied().max().unwrap_or(0);
    rows.iter()
        .zip(offsets)
        .map(|(dm, off)| {
            let dm = (*dm)?;
            NaiveDate::from_ymd_opt(year - top + off, dm.month, dm.day)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn yearless_forms_read_in_both_orders() {
        let dm = |day, month| Some(DayMonth { day, month });
        assert_eq!(parse("15 Dec", DateOrder::DayFirst), dm(15, 12));
        assert_eq!(parse("Dec 15", DateOrder::DayFirst), dm(15, 12));
        assert_eq!(parse("05-JAN", DateOrder::DayFirst), dm(5, 1));
        assert_eq!(parse("02/01", DateOrder::DayFirst), dm(2, 1));
        assert_eq!(parse("02/01", DateOrder::MonthFirst), dm(1, 2));
        assert_eq!(parse("31/02", DateOrder::DayFirst), None);
        assert_eq!(parse("15 Dec 2023", DateOrder::DayFirst), None);
        assert_eq!(parse("PAYMENT", DateOrder::DayFirst), None);
    }

    #[test]
    fn a_period_across_a_year_end_gives_december_and_january_their_own_years() {
        let p = Period {
            start: d(2023, 12, 5),
            end: d(2024, 2, 20),
        };
        let rows = [
            Some(DayMonth { day: 28, month: 12 }),
            None,
            Some(DayMonth { day: 2, month: 1 }),
        ];
        assert_eq!(
            assign(&rows, Some(p), None),
            [Some(d(2023, 12, 28)), None, Some(d(2024, 1, 2))]
        );
    }

    #[test]
    fn without_a_period_the_year_rolls_over_at_the_year_end() {
        let rows = [
            Some(DayMonth { day: 30, month: 12 }),
            Some(DayMonth { day: 3, month: 1 }),
        ];
        assert_eq!(
            assign(&rows, None, Some(2024)),
            [Some(d(2023, 12, 30)), Some(d(2024, 1, 3))]
        );
        assert_eq!(assign(&rows, None, None), [None, None]);
    }
}
