//! What changes when the account holder is a business.
//!
//! The same narration means different things on a person's and a business's account: a transfer
//! in from a stranger is a gift to a person and a sale to a shop; a monthly transfer out to a
//! person is support from a person and a wage from an employer. The rules read narrations; these
//! passes add the holder's side.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::{Category, Transaction};

use crate::holder::{HolderKind, holder_kind};
use crate::types::{Decision, Source, TxEnrichment};

/// Categories a rule gives when it only knows "money went to somebody".
const PLAIN_OUT: &[&str] = &[
    "TRANSFER_OUT_PERSON_TO_PERSON",
    "TRANSFER_OUT_OTHER_TRANSFER_OUT",
];

/// One payee's payments: member indices, distinct months, days of the month.
type Payee = (Vec<usize>, BTreeSet<i32>, Vec<u32>);

/// Most days apart that the pay days of two staff can be and still be one payroll run.
const PAYROLL_DAY_SPREAD: u32 = 3;

/// On a business account, people paid again and again are staff: a person-like payee paid by
/// plain transfer in at least half of the months covered (and at least two), at most twice a
/// month on average, is a regular payee; two or more regular payees whose usual pay days fall
/// within [`PAYROLL_DAY_SPREAD`] days of each other are a payroll run. One regular payee alone is
/// not enough (it may be the landlord or the owner's family); amounts may vary (hours, overtime),
/// so no amount band is required, unlike a recurrence series.
pub fn payroll(txs: &[Transaction], enr: &mut [TxEnrichment]) {
    let Some(payroll) = Category::parse("BUSINESS_EXPENSES_PAYROLL") else {
        return;
    };
    let month = |date: NaiveDate| date.year() * 12 + date.month0() as i32;
    let (Some(first), Some(last)) = (
        txs.iter().map(|t| t.date).min(),
        txs.iter().map(|t| t.date).max(),
    ) else {
        return;
    };
    let months_covered = (month(last) - month(first) + 1).max(1);
    // Payee key → (member indices, distinct months, days of month).
    let mut payees: BTreeMap<&str, Payee> = BTreeMap::new();
    for (index, (tx, e)) in txs.iter().zip(enr.iter()).enumerate() {
        let Some(counterparty) = &e.counterparty else {
            continue;
        };
        if !tx.amount.is_negative()
            || e.internal_transfer
            || !PLAIN_OUT.contains(&e.category.code())
            || holder_kind(&counterparty.key) != HolderKind::Person
        {
            continue;
        }
        let entry = payees.entry(counterparty.key.as_ref()).or_default();
        entry.0.push(index);
        entry.1.insert(month(tx.date));
        entry.2.push(tx.date.day());
    }
    let regular: Vec<(Vec<usize>, u32)> = payees
        .into_values()
        .filter(|(members, months, _)| {
            let months = i32::try_from(months.len()).unwrap_or(i32::MAX);
            months >= 2
                && months * 2 >= months_covered
                && members.len() <= 2 * usize::try_from(months).unwrap_or(0)
        })
        .map(|(members, _, mut days)| {
            days.sort_unstable();
            let median = days.get(days.len() / 2).copied().unwrap_or(0);
            (members, median)
        })
        .collect();
    let rule: std::sync::Arc<str> = "detector.business_payroll".into();
    for (position, (members, day)) in regular.iter().enumerate() {
        let colleagues = regular
            .iter()
            .enumerate()
            .filter(|(other, (_, other_day))| {
                *other != position && day.abs_diff(*other_day) <= PAYROLL_DAY_SPREAD
            })
            .count();
        if colleagues == 0 {
            continue;
        }
        for &member in members {
            let Some(e) = enr.get_mut(member) else {
                continue;
            };
            if matches!(
                e.decided_by.source,
                Source::TenantOverride | Source::TenantRule
            ) {
                continue;
            }
            e.category = payroll;
            e.confidence = e.confidence.min(0.75);
            e.decided_by = Decision {
                source: Source::Detector,
                rule: rule.clone(),
            };
        }
    }
}
