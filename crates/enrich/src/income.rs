//! Income: which credits are salary, and the streams a borrower lives on.
//!
//! Rules see one transaction at a time, so they only call a credit salary when its description
//! says so (`SALARY MARCH`, `PAYROLL`). Many employers — small ones above all — pay by plain
//! transfer, which the rules can only call a generic transfer. Seen across the ledger, though,
//! salary is unmistakable: the same payer, every month (or fortnight, or week), for nearly the
//! same amount, making up a large part of what comes in. This module combines the rules' payroll
//! category with that recurrence evidence (see [`detect_income`] for the exact test), marks
//! salary credits, and groups every income credit into one stream per payer.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::{Amount, Category, Primary, Transaction};

use crate::recurrence::{days_between, dominant_category, ratio, stability, to_f64};
use crate::types::{
    Channel, Decision, Frequency, IncomeStream, IncomeSummary, Series, Source, TxEnrichment,
};

/// The detector's rule id, recorded in `decided_by` when a transfer is recategorised as wages.
pub const SALARY_RULE: &str = "detector.salary";
/// Confidence given to a recategorisation: recurrence evidence is strong but not a payslip.
pub const SALARY_CONFIDENCE: f32 = 0.8;
/// Least interval stability of a transfer series to become salary.
pub const MIN_SALARY_INTERVAL_STABILITY: f64 = 0.75;
/// Least amount stability (1 − CV) of a transfer series to become salary: salaries drift a
/// little (overtime, tax changes), gifts and business receipts much more.
pub const MIN_SALARY_AMOUNT_STABILITY: f64 = 0.85;
/// Share of the ledger's external inflows above which a regular, stable transfer series is
/// salary even when the payer does not look like an organisation (small employers often pay
/// from a personal account).
pub const MIN_SALARY_SHARE: f64 = 0.30;
/// Least share of all income for a periodic stream to count as recurrent when picking the
/// primary stream (a few cents of monthly interest are periodic but are not what one lives on).
pub const MIN_RECURRENT_SHARE: f64 = 0.10;
/// Payer name used for income credits without a counterparty key (one stream per category).
pub const UNIDENTIFIED_PAYER: &str = "UNIDENTIFIED";

/// Words in a payer's name or a credit's description that mark an organisation or a payroll:
/// compared whole-word, case-insensitively.
const EMPLOYER_WORDS: &[&str] = &[
    // Legal forms (keys drop them, names and descriptions often keep them).
    "LTD",
    "LIMITED",
    "PLC",
    "LLC",
    "LLP",
    "INC",
    "CORP",
    "CORPORATION",
    "COMPANY",
    "CO",
    "GMBH",
    "AG",
    "SA",
    "SAS",
    "SARL",
    "SPA",
    "SRL",
    "BV",
    "NV",
    "PTY",
    "KG",
    "NIG",
    // Organisation words.
    "ENTERPRISE",
    "ENTERPRISES",
    "VENTURES",
    "GROUP",
    "HOLDINGS",
    "INDUSTRIES",
    "SERVICES",
    "SOLUTIONS",
    "TECHNOLOGIES",
    "INTERNATIONAL",
    "MINISTRY",
    "GOVERNMENT",
    "GOVT",
    "FEDERAL",
    "COUNCIL",
    "UNIVERSITY",
    "SCHOOL",
    "COLLEGE",
    "HOSPITAL",
    "CLINIC",
    "AUTHORITY",
    "AGENCY",
    "COMMISSION",
    "ASSOCIATION",
    "FOUNDATION",
    "DEPARTMENT",
    "NHS",
    "POLICE",
    "ARMY",
    // Payroll words.
    "SALARY",
    "SALARIES",
    "SAL",
    "PAYROLL",
    "WAGES",
    "WAGE",
    "GEHALT",
    "LOHN",
    "SALAIRE",
    "PAIE",
    "NOMINA",
    "SALARIO",
    "STIPEND",
    "REMUNERATION",
    "EMOLUMENT",
    "EMOLUMENTS",
];

/// Categories fixed once per call (parsing walks the taxonomy table).
struct Codes {
    wages: Option<Category>,
    other_in: Option<Category>,
    person_in: Option<Category>,
    own_account_in: Option<Category>,
    loans_in: Option<Category>,
    refund: Option<Category>,
    mobile_money: Option<Category>,
    tontine: Option<Category>,
}

impl Codes {
    fn new() -> Codes {
        Codes {
            wages: Category::parse("INCOME_WAGES"),
            other_in: Category::parse("TRANSFER_IN_OTHER_TRANSFER_IN"),
            person_in: Category::parse("TRANSFER_IN_PERSON_TO_PERSON"),
            own_account_in: Category::parse("TRANSFER_IN_ACCOUNT_TRANSFER"),
            loans_in: Category::parse("TRANSFER_IN_CASH_ADVANCES_AND_LOANS"),
            refund: Category::parse("TRANSFER_IN_REFUND_REVERSAL"),
            mobile_money: Category::parse("TRANSFER_IN_MOBILE_MONEY"),
            tontine: Category::parse("TRANSFER_IN_TONTINE"),
        }
    }

    fn is(&self, category: Category, code: Option<Category>) -> bool {
        code == Some(category)
    }

    fn generic_transfer(&self, category: Category) -> bool {
        self.is(category, self.other_in) || self.is(category, self.person_in)
    }

    /// Credits that are never income whatever their rhythm: loans, refunds, wallet sweeps,
    /// rotating-savings payouts, gambling.
    fn never_salary(&self, category: Category) -> bool {
        category.primary() == Primary::Gambling
            || [
                self.loans_in,
                self.refund,
                self.mobile_money,
                self.tontine,
                self.own_account_in,
            ]
            .contains(&Some(category))
    }
}

/// Decides which credits are salary, recategorises salary paid as plain transfers, and
/// summarises income by payer.
///
/// **Salary.** A credit is salary when its category is `INCOME_WAGES` (from the rules, or from
/// this detector) and it is neither an internal transfer nor part of a loan. An inflow series
/// whose rule category is a generic transfer (`TRANSFER_IN_OTHER_TRANSFER_IN`,
/// `TRANSFER_IN_PERSON_TO_PERSON`) becomes salary when all of these hold:
/// - it is weekly, biweekly or monthly (quarterly credits are bonuses or dividends, not pay);
/// - interval stability ≥ [`MIN_SALARY_INTERVAL_STABILITY`] and amount stability ≥
///   [`MIN_SALARY_AMOUNT_STABILITY`];
/// - the payer looks like an employer (an organisation or payroll word in its name, key or the
///   credits' descriptions, see `EMPLOYER_WORDS`), or the series brings at least
///   [`MIN_SALARY_SHARE`] of the ledger's external inflows;
/// - no member is an own-account move (`internal_transfer`, an `OwnAccount` decision, or
///   `TRANSFER_IN_ACCOUNT_TRANSFER`).
///
/// Its generic-transfer members then become `INCOME_WAGES`, decided by `Source::Detector` rule
/// [`SALARY_RULE`] — except members that are loan disbursements, gambling, refunds or reversals,
/// mobile money or tontine payouts (by category or channel), and members a tenant decided
/// (tenant overrides and rules outrank detectors).
///
/// **Streams.** One per payer (counterparty key) over the Income-primary credits that are not
/// internal transfers or loan-related; keyless credits form one stream per category under
/// [`UNIDENTIFIED_PAYER`]. See [`IncomeStream`] for the measures; the primary stream is the one
/// with a material series first (≥ [`MIN_RECURRENT_SHARE`] of income), then the best score
/// 0.35·stability + 0.15·closeness + 0.5·share of income, then the larger total.
pub fn detect_income(
    txs: &[Transaction],
    enr: &mut [TxEnrichment],
    series: &[Series],
    as_of: NaiveDate,
) -> IncomeSummary {
    let codes = Codes::new();
    let external_inflow: f64 = txs
        .iter()
        .zip(enr.iter())
        .filter(|(tx, e)| {
            !tx.amount.is_negative()
                && !e.internal_transfer
                && e.loan.is_none()
                && !codes.is(e.category, codes.loans_in)
        })
        .map(|(tx, _)| to_f64(tx.amount))
        .sum();

    let detector = Decision {
        source: Source::Detector,
        rule: Arc::from(SALARY_RULE),
    };
    for s in series {
        if !transfer_series_is_salary(s, txs, enr, &codes, external_inflow) {
            continue;
        }
        for &member in &s.members {
            let Some(e) = enr.get_mut(member) else {
                continue;
            };
            let tenant = matches!(
                e.decided_by.source,
                Source::TenantOverride | Source::TenantRule
            );
            if codes.generic_transfer(e.category)
                && !tenant
                && !e.internal_transfer
                && e.loan.is_none()
                && e.channel != Channel::MobileMoney
                && let Some(wages) = codes.wages
            {
                e.category = wages;
                e.decided_by = detector.clone();
                e.confidence = SALARY_CONFIDENCE;
            }
        }
    }

    for (tx, e) in txs.iter().zip(enr.iter_mut()) {
        e.salary = codes.is(e.category, codes.wages)
            && !tx.amount.is_negative()
            && !tx.amount.is_zero()
            && !e.internal_transfer
            && e.loan.is_none();
    }

    streams(txs, enr, series, as_of)
}

/// The recurrence test for a transfer series (the rules' wages need no such test).
fn transfer_series_is_salary(
    s: &Series,
    txs: &[Transaction],
    enr: &[TxEnrichment],
    codes: &Codes,
    external_inflow: f64,
) -> bool {
    if !s.inflow
        || !codes.generic_transfer(s.category)
        || s.frequency == Frequency::Quarterly
        || s.interval_stability < MIN_SALARY_INTERVAL_STABILITY
        || s.amount_stability < MIN_SALARY_AMOUNT_STABILITY
    {
        return false;
    }
    let members = || s.members.iter().filter_map(|&i| txs.get(i).zip(enr.get(i)));
    let own_account = members().any(|(_, e)| {
        e.internal_transfer
            || e.decided_by.source == Source::OwnAccount
            || codes.is(e.category, codes.own_account_in)
    });
    if own_account || members().all(|(_, e)| codes.never_salary(e.category)) {
        return false;
    }
    let total: f64 = members().map(|(tx, _)| to_f64(tx.amount)).sum();
    let share = if external_inflow > 0.0 {
        total / external_inflow
    } else {
        0.0
    };
    // A rule that called the credits person-to-person read the narration (a name, a family
    // memo: "UPKEEP", "TASCHENGELD", "FOR SCHOOL"); a parent's allowance is regular and may be
    // most of a student's inflow, so only an employer-looking payer overrides that reading.
    // Plain unknown transfers may still be salary by their weight alone.
    // By weight alone only when the payer is not plainly a person: a parent's monthly transfer
    // is most of a student's inflow and as regular as pay.
    let person = crate::holder::holder_kind(&s.counterparty) == crate::holder::HolderKind::Person;
    let by_weight = codes.is(s.category, codes.other_in) && share >= MIN_SALARY_SHARE && !person;
    by_weight || members().any(|(tx, e)| looks_like_employer(tx, e))
}

/// True when the payer's name or key has an organisation or payroll word, or the description
/// a payroll word. Organisation words in a description name the purpose as often as the payer
/// ("FOR SCHOOL" from a parent), so only the payer's name is read for them.
fn looks_like_employer(tx: &Transaction, e: &TxEnrichment) -> bool {
    let words_in = |text: &str, list: &[&str]| {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .any(|word| list.iter().any(|w| w.eq_ignore_ascii_case(word)))
    };
    let has_word = |text: &str| words_in(text, EMPLOYER_WORDS);
    let payroll_start = EMPLOYER_WORDS
        .iter()
        .position(|w| *w == "SALARY")
        .unwrap_or(EMPLOYER_WORDS.len());
    let payroll_words = EMPLOYER_WORDS.get(payroll_start..).unwrap_or(&[]);
    e.counterparty.as_ref().is_some_and(|c| {
        has_word(&c.name)
            || has_word(&c.key)
            || crate::holder::holder_kind(&c.name) == crate::holder::HolderKind::Business
    }) || words_in(&tx.description, payroll_words)
}

/// One income credit, with what grouping reads from it: plain data, the payer interned to a
/// number (keyed payers group by key alone, keyless credits by category).
#[derive(Clone, Copy)]
struct Credit {
    group: u32,
    keyed: bool,
    date: NaiveDate,
    amount: Amount,
    index: usize,
}

fn streams(
    txs: &[Transaction],
    enr: &[TxEnrichment],
    series: &[Series],
    as_of: NaiveDate,
) -> IncomeSummary {
    let mut ids: HashMap<(Option<&str>, Option<Category>), u32> = HashMap::new();
    let mut credits: Vec<Credit> = Vec::new();
    for (index, (tx, e)) in txs.iter().zip(enr.iter()).enumerate() {
        if tx.amount.is_negative()
            || tx.amount.is_zero()
            || e.category.primary() != Primary::Income
            || e.internal_transfer
            || e.loan.is_some()
        {
            continue;
        }
        let payer = e
            .counterparty
            .as_ref()
            .map(|c| c.key.as_ref())
            .filter(|k| !k.is_empty());
        let key = (payer, payer.map_or(Some(e.category), |_| None));
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        credits.push(Credit {
            group: *ids.entry(key).or_insert(next),
            keyed: payer.is_some(),
            date: tx.date,
            amount: tx.amount,
            index,
        });
    }
    drop(ids);
    if credits.is_empty() {
        return IncomeSummary::default();
    }
    // Group numbers follow the input order but only decide which stream is built first; streams
    // are sorted by content below. Credits of one payer on one day are interchangeable.
    credits.sort_unstable_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then_with(|| a.date.cmp(&b.date))
            .then_with(|| a.index.cmp(&b.index))
    });

    let ledger_start = txs.iter().map(|t| t.date).min().unwrap_or(as_of);
    let months = months_covered(ledger_start, as_of);
    let unidentified: Arc<str> = Arc::from(UNIDENTIFIED_PAYER);
    let mut out: Vec<IncomeStream> = Vec::new();
    let mut start = 0;
    while let Some(first) = credits.get(start) {
        let group = first.group;
        let end = credits
            .iter()
            .skip(start)
            .position(|c| c.group != group)
            .map_or(credits.len(), |len| start + len);
        let group = credits.get(start..end).unwrap_or_default();
        if let Some(stream) = stream_of(group, txs, enr, series, as_of, months, &unidentified) {
            out.push(stream);
        }
        start = end;
    }

    let income_total: f64 = out.iter().map(|s| to_f64(s.total)).sum();
    out.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.counterparty.cmp(&b.counterparty))
            .then_with(|| a.category.cmp(&b.category))
    });
    let rank = |s: &IncomeStream| {
        let share = if income_total > 0.0 {
            to_f64(s.total) / income_total
        } else {
            0.0
        };
        let recurrent = s.series.is_some() && share >= MIN_RECURRENT_SHARE;
        (
            recurrent,
            0.35 * s.stability + 0.15 * s.closeness + 0.5 * share,
        )
    };
    // `out` is sorted by total, so the first of equal ranks is the larger stream.
    let primary = out
        .iter()
        .enumerate()
        .fold(None::<(usize, (bool, f64))>, |best, (i, s)| {
            let r = rank(s);
            match best {
                Some((_, b)) if (b.0, b.1).partial_cmp(&r) != Some(Ordering::Less) => best,
                _ => Some((i, r)),
            }
        })
        .map(|(i, _)| i);
    let salary_earner = out.iter().any(|s| {
        s.salary
            && (s.series.is_some()
                || distinct_months(s.members.iter().filter_map(|&i| txs.get(i))) >= 2)
    });
    IncomeSummary {
        streams: out,
        primary,
        salary_earner,
    }
}

fn stream_of(
    group: &[Credit],
    txs: &[Transaction],
    enr: &[TxEnrichment],
    series: &[Series],
    as_of: NaiveDate,
    months: u32,
    unidentified: &Arc<str>,
) -> Option<IncomeStream> {
    let first = group.first()?;
    let members: Vec<usize> = group.iter().map(|c| c.index).collect();
    let member_enr = || members.iter().filter_map(|&i| enr.get(i));
    let counterparty = if first.keyed {
        enr.get(first.index)
            .and_then(|e| e.counterparty.as_ref())
            .map(|c| Arc::clone(&c.key))?
    } else {
        Arc::clone(unidentified)
    };
    let total = group.iter().fold(Amount::ZERO, |sum, c| {
        sum.checked_add(c.amount).unwrap_or(sum)
    });
    let months_amount = Amount::from_minor(i64::from(months.max(1)), 0).ok()?;
    let monthly_average = total
        .as_decimal()
        .checked_div(months_amount.as_decimal())
        .map(|avg| avg.round_dp(total.scale().max(2)))
        .and_then(|avg| Amount::from_decimal(avg).ok())
        .unwrap_or(total);

    // The series behind the stream: the one holding most of its members.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for number in member_enr().filter_map(|e| e.series) {
        match counts.iter_mut().find(|(n, _)| *n == number) {
            Some((_, count)) => *count += 1,
            None => counts.push((number, 1)),
        }
    }
    let behind = counts
        .iter()
        .max_by(|(na, ca), (nb, cb)| ca.cmp(cb).then_with(|| nb.cmp(na)))
        .and_then(|&(number, count)| series.get(number).map(|s| (number, s, count)));

    let last_date = group.iter().map(|c| c.date).max()?;
    let (stability_value, expected, period, payment_day, frequency) = match behind {
        Some((_, s, count)) => (
            0.5 * (s.interval_stability + s.amount_stability) * ratio(count, members.len()),
            s.next_expected.max(last_date),
            s.frequency.days(),
            s.day_of_month,
            Some(s.frequency),
        ),
        None => {
            let amounts = group.iter().map(|c| to_f64(c.amount));
            let regular = if group.len() < 2 {
                0.0
            } else {
                let covered = distinct_months(group.iter().filter_map(|c| txs.get(c.index)));
                0.5 * stability(amounts) * ratio(covered, months as usize).min(1.0)
            };
            let mut days: Vec<u32> = group.iter().map(|c| c.date.day()).collect();
            days.sort_unstable();
            let day = if group.len() >= 2 {
                days.get(days.len() / 2).copied()
            } else {
                None
            };
            (
                regular,
                crate::recurrence::add_days(last_date, 30),
                30,
                day,
                None,
            )
        }
    };
    let overdue = days_between(expected, as_of);
    let closeness = (1.0 - f64::from(overdue) / f64::from(period.max(1))).clamp(0.0, 1.0);

    Some(IncomeStream {
        counterparty,
        category: dominant_category(member_enr().map(|e| e.category))?,
        salary: member_enr().any(|e| e.salary),
        series: behind.map(|(number, _, _)| number),
        members,
        total,
        monthly_average,
        stability: stability_value,
        closeness,
        payment_day,
        frequency,
        last_date,
    })
}

/// Calendar months from `start`'s month to `end`'s month, both included (at least 1).
fn months_covered(start: NaiveDate, end: NaiveDate) -> u32 {
    let index = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    u32::try_from(index(end) - index(start) + 1)
        .unwrap_or(1)
        .max(1)
}

/// Number of distinct calendar months among the transactions.
fn distinct_months<'a>(txs: impl Iterator<Item = &'a Transaction>) -> usize {
    let mut months: Vec<(i32, u32)> = txs.map(|t| (t.date.year(), t.date.month())).collect();
    months.sort_unstable();
    months.dedup();
    months.len()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::recurrence::detect_series;
    use crate::recurrence::testkit::{Ledger, date};

    fn run(ledger: &mut Ledger, as_of: NaiveDate) -> (Vec<Series>, IncomeSummary) {
        let series = detect_series(&ledger.txs, &mut ledger.enr, as_of);
        let income = detect_income(&ledger.txs, &mut ledger.enr, &series, as_of);
        (series, income)
    }

    /// Salary paid by plain transfer, plus a little spending money from a friend.
    fn transfer_salary(key: &str, category: &str) -> Ledger {
        let mut ledger = Ledger::default();
        for (month, day) in [(1, 28), (2, 28), (3, 28), (4, 26), (5, 28), (6, 28)] {
            ledger.add_with(
                date(2024, month, day),
                "180000.00",
                Some(key),
                category,
                &format!("NIP TRF FROM {key}"),
            );
        }
        ledger.add(
            date(2024, 2, 14),
            "15000.00",
            Some("ADA OBI"),
            "TRANSFER_IN_PERSON_TO_PERSON",
        );
        ledger.add(
            date(2024, 3, 3),
            "-40000.00",
            None,
            "FOOD_AND_DRINK_GROCERIES",
        );
        ledger.sorted()
    }

    #[test]
    fn a_regular_transfer_from_a_company_is_recategorised_as_salary() {
        let mut ledger = transfer_salary("BLUE RIVER LOGISTICS", "TRANSFER_IN_PERSON_TO_PERSON");
        let (_, income) = run(&mut ledger, date(2024, 6, 30));
        let wages: Vec<_> = ledger
            .enr
            .iter()
            .filter(|e| e.category.code() == "INCOME_WAGES")
            .collect();
        assert_eq!(wages.len(), 6);
        for e in &wages {
            assert!(e.salary);
            assert_eq!(e.decided_by.source, Source::Detector);
            assert_eq!(&*e.decided_by.rule, SALARY_RULE);
        }
        // The friend's gift is untouched.
        let gift = ledger
            .enr
            .iter()
            .find(|e| {
                e.counterparty
                    .as_ref()
                    .is_some_and(|c| &*c.key == "ADA OBI")
            })
            .unwrap();
        assert_eq!(gift.category.code(), "TRANSFER_IN_PERSON_TO_PERSON");
        assert!(!gift.salary);

        assert!(income.salary_earner);
        assert_eq!(income.streams.len(), 1);
        let stream = &income.streams[income.primary.unwrap()];
        assert!(stream.salary);
        assert_eq!(stream.frequency, Some(Frequency::Monthly));
        assert_eq!(stream.payment_day, Some(28));
        assert_eq!(stream.total, Amount::parse("1080000.00").unwrap());
        assert_eq!(stream.monthly_average, Amount::parse("180000.00").unwrap());
        assert!(stream.stability > 0.9, "{}", stream.stability);
        assert_eq!(stream.closeness, 1.0);
    }

    #[test]
    fn an_own_account_transfer_is_never_salary() {
        let mut ledger = transfer_salary("JANE DOE", "TRANSFER_IN_OTHER_TRANSFER_IN");
        for e in ledger.enr.iter_mut().filter(|e| {
            e.counterparty
                .as_ref()
                .is_some_and(|c| &*c.key == "JANE DOE")
        }) {
            e.internal_transfer = true;
            e.decided_by.source = Source::OwnAccount;
        }
        let (series, income) = run(&mut ledger, date(2024, 6, 30));
        assert_eq!(series.len(), 1, "the moves are still periodic");
        assert!(
            ledger
                .enr
                .iter()
                .all(|e| e.category.code() != "INCOME_WAGES" && !e.salary)
        );
        assert!(income.streams.is_empty());
        assert!(!income.salary_earner);
        assert_eq!(income.primary, None);
    }

    #[test]
    fn a_small_monthly_gift_from_a_person_is_not_salary() {
        let mut ledger = Ledger::default();
        for month in 1..=6 {
            ledger.add(
                date(2024, month, 1),
                "20000",
                Some("MAMA NGOZI"),
                "TRANSFER_IN_PERSON_TO_PERSON",
            );
            ledger.add(
                date(2024, month, 15),
                "300000",
                Some("SHOP SALES"),
                "INCOME_BUSINESS_REVENUE",
            );
            ledger.add(
                date(2024, month, 22),
                "250000",
                Some("POS SETTLEMENT"),
                "INCOME_BUSINESS_REVENUE",
            );
        }
        let mut ledger = ledger.sorted();
        let (_, income) = run(&mut ledger, date(2024, 6, 30));
        assert!(ledger.enr.iter().all(|e| !e.salary));
        assert!(!income.salary_earner);
        assert_eq!(income.streams.len(), 2);
    }

    #[test]
    fn a_person_paying_most_of_the_inflow_every_month_is_not_salary_by_weight_alone() {
        // A parent's allowance is as regular as pay and may be most of a student's inflow.
        let mut ledger = transfer_salary("ADEBAYO JOHNSON", "TRANSFER_IN_OTHER_TRANSFER_IN");
        let (_, income) = run(&mut ledger, date(2024, 6, 30));
        assert!(!income.salary_earner);
        assert_eq!(ledger.enr.iter().filter(|e| e.salary).count(), 0);
    }

    #[test]
    fn an_unknown_payer_paying_most_of_the_inflow_every_month_is_salary() {
        let mut ledger = transfer_salary("ZX 44 HOLDCO", "TRANSFER_IN_OTHER_TRANSFER_IN");
        let (_, income) = run(&mut ledger, date(2024, 6, 30));
        assert!(income.salary_earner);
        assert_eq!(ledger.enr.iter().filter(|e| e.salary).count(), 6);
    }

    #[test]
    fn mobile_money_and_tenant_decisions_are_not_recategorised() {
        let mut ledger = transfer_salary("ACME LTD", "TRANSFER_IN_OTHER_TRANSFER_IN");
        let acme: Vec<usize> = (0..ledger.enr.len())
            .filter(|&i| {
                ledger.enr[i]
                    .counterparty
                    .as_ref()
                    .is_some_and(|c| &*c.key == "ACME LTD")
            })
            .collect();
        ledger.enr[acme[0]].channel = Channel::MobileMoney;
        ledger.enr[acme[1]].decided_by.source = Source::TenantOverride;
        run(&mut ledger, date(2024, 6, 30));
        assert_eq!(
            ledger.enr[acme[0]].category.code(),
            "TRANSFER_IN_OTHER_TRANSFER_IN"
        );
        assert_eq!(
            ledger.enr[acme[1]].category.code(),
            "TRANSFER_IN_OTHER_TRANSFER_IN"
        );
        for &i in &acme[2..] {
            assert_eq!(ledger.enr[i].category.code(), "INCOME_WAGES");
        }
    }

    #[test]
    fn a_lone_payroll_credit_stays_wages_with_low_stability() {
        let mut ledger = Ledger::default();
        ledger.add_with(
            date(2024, 3, 25),
            "90000",
            Some("ACME"),
            "INCOME_WAGES",
            "SALARY MARCH ACME",
        );
        ledger.add(date(2024, 1, 2), "-500", None, "FOOD_AND_DRINK_GROCERIES");
        let mut ledger = ledger.sorted();
        let (_, income) = run(&mut ledger, date(2024, 4, 30));
        let wages = ledger
            .enr
            .iter()
            .find(|e| e.category.code() == "INCOME_WAGES")
            .unwrap();
        assert!(wages.salary);
        assert_eq!(income.streams.len(), 1);
        let stream = &income.streams[0];
        assert!(stream.salary);
        assert_eq!(stream.stability, 0.0);
        assert_eq!(stream.series, None);
        assert_eq!(stream.frequency, None);
        assert_eq!(stream.monthly_average, Amount::parse("22500.00").unwrap());
        assert!(
            !income.salary_earner,
            "one payslip does not make a salary earner"
        );
    }

    #[test]
    fn salary_outranks_a_larger_one_off_credit_for_primary() {
        let mut ledger = transfer_salary("ACME LTD", "INCOME_WAGES");
        ledger.add(
            date(2024, 4, 2),
            "2500000",
            Some("LOTTO PRIZE BOARD"),
            "INCOME_OTHER_INCOME",
        );
        let mut ledger = ledger.sorted();
        let (_, income) = run(&mut ledger, date(2024, 6, 30));
        assert_eq!(income.streams.len(), 2);
        assert_eq!(
            &*income.streams[0].counterparty, "LOTTO PRIZE BOARD",
            "largest total first"
        );
        assert_eq!(income.primary, Some(1));
        assert!(income.streams[1].salary);
    }

    #[test]
    fn gig_payouts_are_income_but_not_salary() {
        let mut ledger = Ledger::default();
        for week in 0..8u64 {
            let amount = ["41000", "38500", "45200", "39900"][(week % 4) as usize];
            ledger.add(
                date(2024, 3, 4) + chrono::Days::new(7 * week),
                amount,
                Some("UBER"),
                "INCOME_GIG_EARNINGS",
            );
        }
        let (_, income) = run(&mut ledger, date(2024, 4, 30));
        assert!(!income.salary_earner);
        let stream = &income.streams[0];
        assert_eq!(stream.frequency, Some(Frequency::Weekly));
        assert_eq!(stream.payment_day, None);
        assert!(!stream.salary);
    }

    #[test]
    fn income_does_not_depend_on_the_order_of_same_day_transactions() {
        let mut ledger = transfer_salary("BLUE RIVER LOGISTICS", "TRANSFER_IN_OTHER_TRANSFER_IN");
        for month in 1..=6 {
            ledger.add(
                date(2024, month, 28),
                "5000",
                Some("BLUE RIVER LOGISTICS"),
                "INCOME_OTHER_INCOME",
            );
            ledger.add(
                date(2024, month, 28),
                "800",
                Some("BANK"),
                "INCOME_INTEREST_EARNED",
            );
        }
        let mut forward = ledger.sorted();
        let mut backward = forward.reversed_within_days();
        let (_, a) = run(&mut forward, date(2024, 7, 1));
        let (_, b) = run(&mut backward, date(2024, 7, 1));
        let strip = |s: &IncomeSummary| -> Vec<_> {
            s.streams
                .iter()
                .map(|x| {
                    (
                        x.counterparty.clone(),
                        x.category,
                        x.total,
                        x.monthly_average,
                        x.salary,
                        x.members.len(),
                    )
                })
                .collect()
        };
        assert_eq!(strip(&a), strip(&b));
        assert_eq!(a.primary, b.primary);
        assert_eq!(
            forward.enr.iter().filter(|e| e.salary).count(),
            backward.enr.iter().filter(|e| e.salary).count()
        );
    }
}
