//! Manipulation signals: the patterns of a statement dressed up for a loan application.
//!
//! A borrower who wants a loan can move money to look richer: a spike of deposits just before
//! the statement date, a balance held still, round "deposits" from friends, several payers
//! paying alike on one day, money passing through without staying, money sent out and sent back,
//! one related party carrying the account, cash taken out as soon as it lands. Each signal here
//! is computed from the ledger alone with documented windows and thresholds (docs/analytics.md,
//! "EnvoyX"), gives its raw figures (what scoring weighs) and a `triggered` verdict (whether the
//! pattern is there at all). Money stays exact; only shares are floats.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ledgerlens_enrich::{Channel, LoanRole};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::balances::DailyBalances;
use crate::ledger::{Entry, FastMap, FastSet, Ledger, money_number, ratio, sum};

/// Serialises exact money as a JSON number (EnvoyX prints amounts as numbers).
pub fn money<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    money_number(*value).serialize(serializer)
}

/// Serialises optional exact money as a JSON number or null.
pub fn money_opt<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    value.map(money_number).serialize(serializer)
}

/// Days at the end of the statement read as "just before the statement date".
pub const END_WINDOW_DAYS: i64 = 7;
/// Days at the end of each calendar month read as "month end".
pub const MONTH_END_DAYS: u32 = 3;
/// A window's share of inflows must reach this multiple of its share of days…
pub const SPIKE_MULTIPLE: f64 = 3.0;
/// …and at least this share of all inflows (statement end)…
pub const SPIKE_MIN_SHARE: f64 = 0.25;
/// …or this share (month ends, summed over months).
pub const MONTH_END_MIN_SHARE: f64 = 0.30;
/// The last week's average balance at this multiple of the best earlier 30-day average is a
/// spike.
pub const SPIKE_BALANCE_MULTIPLE: f64 = 2.0;
/// A statement shorter than this has no "rest" to compare its end with.
pub const SPIKE_MIN_DAYS: i64 = 28;
/// Coefficient of variation of transaction-day balances below which balances are "held still".
pub const STABLE_MAX_CV: f64 = 0.02;
/// Share of transaction days closing on one repeated (non-zero) balance that is suspicious.
pub const STABLE_REPEAT_SHARE: f64 = 0.30;
/// The smallest amount (in major units) a "round" deposit is read at: below it round sums are
/// everyday cash.
pub const ROUND_MIN_MAJOR: i64 = 1000;
/// Round deposits must be at least this share of credits by count…
pub const ROUND_COUNT_SHARE: f64 = 0.30;
/// …and this share by value…
pub const ROUND_VALUE_SHARE: f64 = 0.40;
/// …and at least this many.
pub const ROUND_MIN_COUNT: usize = 3;
/// Credits within this relative distance of each other are "of similar amounts".
pub const COORDINATED_TOLERANCE: Decimal = Decimal::from_parts(5, 0, 0, false, 2);
/// Distinct payers paying alike on one day that make a coordinated cluster.
pub const COORDINATED_MIN_PAYERS: usize = 3;
/// Days before `as_of` read as "near the application date".
pub const NEAR_AS_OF_DAYS: i64 = 30;
/// Revenue share in that window that is suspicious…
pub const NEAR_AS_OF_SHARE: f64 = 0.5;
/// …on a statement spanning at least this many days before `as_of`.
pub const NEAR_AS_OF_MIN_SPAN: i64 = 60;
/// "Leaving within ~48 hours": a debit up to two calendar days after the credit.
pub const PASS_THROUGH_DAYS: i64 = 2;
/// Share of inflows leaving within the window that makes an account a pass-through.
pub const PASS_THROUGH_SHARE: f64 = 0.80;
/// Credits needed before pass-through is judged.
pub const PASS_THROUGH_MIN_CREDITS: usize = 5;
/// A credit from X up to this many days after a debit to X can be the money coming back.
pub const CIRCULAR_DAYS: i64 = 30;
/// …when its amount is within this relative distance of the debit.
pub const CIRCULAR_TOLERANCE: Decimal = Decimal::from_parts(10, 0, 0, false, 2);
/// Round trips worth this share of inflows are circular activity…
pub const CIRCULAR_SHARE: f64 = 0.10;
/// …as are this many round trips whatever their value.
pub const CIRCULAR_MIN_TRIPS: usize = 3;
/// One related party bringing this share of all inflows is a dependency.
pub const RELATED_PARTY_SHARE: f64 = 0.50;
/// A cash withdrawal up to two days after a credit, of at least this fraction of it, is cash
/// taken out "after the deposit".
pub const CASH_AFTER_FRACTION: Decimal = Decimal::from_parts(5, 0, 0, false, 1);
/// Occurrences needed…
pub const CASH_AFTER_MIN_COUNT: usize = 2;
/// …and share of inflows withdrawn that way.
pub const CASH_AFTER_SHARE: f64 = 0.25;

/// Inflows concentrated at the end of the statement or of its months.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EndOfPeriodSpike {
    /// Irregular credits (periodic series and salary excluded) dated in the last
    /// [`END_WINDOW_DAYS`] days, over all credits (value).
    pub last_window_inflow_share: f64,
    /// Share of the statement's days those days are (what an even spread would give).
    pub expected_last_window_share: f64,
    /// Average end-of-day balance (all accounts in the analysis currency) over the last window.
    #[serde(serialize_with = "money")]
    pub last_window_average_balance: Decimal,
    /// The highest average end-of-day balance of the 30-day blocks before it (counted back
    /// from the window).
    #[serde(serialize_with = "money")]
    pub prior_average_balance: Decimal,
    /// Last-window average over that (0 when it is not positive).
    pub balance_ratio: f64,
    /// Irregular credits dated in the last [`MONTH_END_DAYS`] days of their month, over all
    /// credits (value).
    pub month_end_inflow_share: f64,
    /// Share of the statement's days that are month-end days.
    pub expected_month_end_share: f64,
    /// Whether a spike was found.
    pub triggered: bool,
}

/// Balances that do not move the way real balances do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StableBalances {
    /// Account-days with at least one transaction (the days a balance could move).
    pub transaction_days: usize,
    /// Coefficient of variation of the closing balances of those days.
    pub coefficient_of_variation: f64,
    /// Days closing on the most repeated non-zero balance.
    pub most_repeated_balance_days: usize,
    /// That count over `transaction_days`.
    pub repeated_share: f64,
    /// Whether balances look held still.
    pub triggered: bool,
}

/// Deposits of suspiciously round amounts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundDeposits {
    /// Credits (not between own accounts) considered.
    pub credit_count: usize,
    /// Of which round: one significant digit, at least [`ROUND_MIN_MAJOR`] major units.
    pub round_count: usize,
    /// `round_count / credit_count`.
    pub count_share: f64,
    /// Value of the round credits.
    #[serde(serialize_with = "money")]
    pub round_value: Decimal,
    /// Their share of the credits' value.
    pub value_share: f64,
    /// Whether round deposits dominate.
    pub triggered: bool,
}

/// Several payers paying similar amounts on the same day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoordinatedInflows {
    /// Days with at least one cluster.
    pub cluster_days: usize,
    /// Distinct payers in the largest cluster.
    pub largest_cluster_payers: usize,
    /// Value of the largest cluster.
    #[serde(serialize_with = "money")]
    pub largest_cluster_total: Decimal,
    /// Its day.
    pub largest_cluster_date: Option<NaiveDate>,
    /// Whether any cluster was found.
    pub triggered: bool,
}

/// Revenue that appears only shortly before the application.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RevenueNearAsOf {
    /// Operating revenue over the whole statement.
    #[serde(serialize_with = "money")]
    pub revenue_total: Decimal,
    /// Of which in the [`NEAR_AS_OF_DAYS`] days ending at `as_of`.
    #[serde(serialize_with = "money")]
    pub revenue_in_window: Decimal,
    /// Their ratio.
    pub window_share: f64,
    /// The window's share of the days from the start to `as_of`.
    pub expected_share: f64,
    /// First revenue credit.
    pub first_revenue_date: Option<NaiveDate>,
    /// Days from it to `as_of`.
    pub days_from_first_revenue: Option<i64>,
    /// Whether revenue is concentrated near the application date.
    pub triggered: bool,
}

/// Money that leaves as fast as it arrives.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PassThrough {
    /// All credits.
    #[serde(serialize_with = "money")]
    pub credits_total: Decimal,
    /// The part of them paid out again within [`PASS_THROUGH_DAYS`] days (first in, first out).
    #[serde(serialize_with = "money")]
    pub passed_through: Decimal,
    /// Their ratio.
    pub ratio: f64,
    /// Whether the account is a pass-through.
    pub triggered: bool,
}

/// Money sent to a counterparty that comes back from it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CircularFlows {
    /// Credits matched to an earlier debit to the same counterparty.
    pub round_trips: usize,
    /// Their value.
    #[serde(serialize_with = "money")]
    pub returned_value: Decimal,
    /// Over all credits.
    pub ratio_to_inflows: f64,
    /// Distinct counterparties involved.
    pub counterparties: usize,
    /// Whether circular activity was found.
    pub triggered: bool,
}

/// Inflows carried by one related party.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelatedPartyDependency {
    /// Related-party credits (person-to-person and own-account transfers in).
    #[serde(serialize_with = "money")]
    pub related_party_total: Decimal,
    /// The largest related party (counterparty key; `OWN ACCOUNT` for unnamed own transfers).
    pub top_related_party: Option<String>,
    /// What it brought.
    #[serde(serialize_with = "money")]
    pub top_related_party_total: Decimal,
    /// Over all credits.
    pub top_share_of_inflows: f64,
    /// Whether one related party carries the account.
    pub triggered: bool,
}

/// Cash taken out right after money came in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CashAfterDeposit {
    /// Withdrawals matched to a credit of the two days before.
    pub occurrences: usize,
    /// Their value (positive).
    #[serde(serialize_with = "money")]
    pub withdrawn_value: Decimal,
    /// Over all credits.
    pub ratio_to_inflows: f64,
    /// Whether the pattern is there.
    pub triggered: bool,
}

/// Every manipulation signal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManipulationSignals {
    /// End-of-period spikes.
    pub end_of_period_spike: EndOfPeriodSpike,
    /// Artificially stable balances.
    pub artificially_stable_balances: StableBalances,
    /// Round-number deposits.
    pub round_number_deposits: RoundDeposits,
    /// Coordinated inflows.
    pub coordinated_inflows: CoordinatedInflows,
    /// Revenue only near the application date.
    pub revenue_near_application_date: RevenueNearAsOf,
    /// Pass-through behaviour.
    pub pass_through: PassThrough,
    /// Circular flows.
    pub circular_flows: CircularFlows,
    /// Single related-party dependency.
    pub single_related_party_dependency: RelatedPartyDependency,
    /// Large cash withdrawals after deposits.
    pub cash_withdrawal_after_deposit: CashAfterDeposit,
}

/// What the signals read besides the ledger.
#[derive(Debug)]
pub struct SignalInputs<'l, 'a> {
    /// The ledger.
    pub ledger: &'l Ledger<'a>,
    /// End-of-day balances per account (`None` for accounts in another currency).
    pub accounts: &'l [Option<DailyBalances>],
    /// Sum of the accounts' end-of-day balances, from `ledger.start`.
    pub combined: &'l [Decimal],
    /// Operating revenue credits (date, amount).
    pub revenue: &'l [(NaiveDate, Decimal)],
}

/// Computes every signal.
pub fn signals(input: &SignalInputs<'_, '_>) -> ManipulationSignals {
    let credits: Vec<&Entry<'_>> = input
        .ledger
        .in_currency()
        .filter(|e| e.is_credit())
        .collect();
    let credits_total = sum(credits.iter().map(|e| e.amount()));
    ManipulationSignals {
        end_of_period_spike: end_of_period(input, &credits, credits_total),
        artificially_stable_balances: stable(input),
        round_number_deposits: round_deposits(&credits),
        coordinated_inflows: coordinated(&credits),
        revenue_near_application_date: near_as_of(input),
        pass_through: pass_through(input.ledger, credits_total),
        circular_flows: circular(input.ledger, credits_total),
        single_related_party_dependency: related_party(&credits, credits_total),
        cash_withdrawal_after_deposit: cash_after_deposit(input.ledger, credits_total),
    }
}

/// The stable sort by (day, `then`) of `items`, which usually come in day order already (the
/// ledger's): then only each day's run is sorted, comparing far fewer amounts.
fn sort_by_day<T>(
    items: &mut [T],
    day: impl Fn(&T) -> NaiveDate,
    mut then: impl FnMut(&T, &T) -> std::cmp::Ordering,
) {
    if items.is_sorted_by_key(&day) {
        for run in items.chunk_by_mut(|a, b| day(a) == day(b)) {
            run.sort_by(&mut then);
        }
    } else {
        items.sort_by(|a, b| day(a).cmp(&day(b)).then_with(|| then(a, b)));
    }
}

/// `days` days before `date` (saturating at the calendar's start).
fn before(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_sub_days(chrono::Days::new(u64::try_from(days).unwrap_or(0)))
        .unwrap_or(date)
}

fn days_in_month(date: NaiveDate) -> u32 {
    let (year, month) = if date.month() == 12 {
        (date.year().saturating_add(1), 1)
    } else {
        (date.year(), date.month().saturating_add(1))
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|next| next.pred_opt())
        .map_or(31, |last| last.day())
}

fn is_month_end(date: NaiveDate) -> bool {
    date.day().saturating_add(MONTH_END_DAYS) > days_in_month(date)
}

fn count_ratio(a: usize, b: usize) -> f64 {
    ratio(Decimal::from(a), Decimal::from(b))
}

fn end_of_period(
    input: &SignalInputs<'_, '_>,
    credits: &[&Entry<'_>],
    credits_total: Decimal,
) -> EndOfPeriodSpike {
    let ledger = input.ledger;
    let days = ledger.days();
    // Salary, pensions and other periodic credits land at month end by contract, not by
    // design of the borrower: only irregular credits can make a spike.
    // Shares are of all credits, so that a handful of small irregular credits cannot make one.
    let credits: Vec<&&Entry<'_>> = credits
        .iter()
        .filter(|e| e.enr.series.is_none() && !e.enr.salary)
        .collect();
    let window_start = before(ledger.end, END_WINDOW_DAYS - 1);
    let last = sum(credits
        .iter()
        .filter(|e| e.date() >= window_start)
        .map(|e| e.amount()));
    let last_window_inflow_share = ratio(last, credits_total);
    let expected_last_window_share = ratio(
        Decimal::from(END_WINDOW_DAYS.min(days)),
        Decimal::from(days),
    );
    let split = usize::try_from(days - END_WINDOW_DAYS.min(days)).unwrap_or(0);
    let (prior, tail) = input.combined.split_at(split.min(input.combined.len()));
    let last_window_average_balance = DailyBalances::mean(tail);
    // The reference is the best earlier month (30-day blocks counted back from the window), not
    // the average of all of them: a business that grows steadily ends above its average, but
    // not at twice its best month.
    let prior_average_balance = prior
        .rchunks(30)
        .map(DailyBalances::mean)
        .max()
        .unwrap_or_default();
    let balance_ratio = if prior_average_balance > Decimal::ZERO {
        ratio(last_window_average_balance, prior_average_balance)
    } else {
        0.0
    };
    let month_end = sum(credits
        .iter()
        .filter(|e| is_month_end(e.date()))
        .map(|e| e.amount()));
    let month_end_inflow_share = ratio(month_end, credits_total);
    let month_end_days = ledger
        .start
        .iter_days()
        .take_while(|d| *d <= ledger.end)
        .filter(|d| is_month_end(*d))
        .count();
    let expected_month_end_share = count_ratio(month_end_days, usize::try_from(days).unwrap_or(0));
    let months = ledger
        .start
        .iter_days()
        .take_while(|d| *d <= ledger.end)
        .filter(|d| d.day() == 1)
        .count();
    let long = days >= SPIKE_MIN_DAYS;
    let triggered = long
        && (last_window_inflow_share
            >= (SPIKE_MULTIPLE * expected_last_window_share).max(SPIKE_MIN_SHARE)
            || balance_ratio >= SPIKE_BALANCE_MULTIPLE
            || (months >= 2
                && month_end_inflow_share
                    >= (SPIKE_MULTIPLE * expected_month_end_share).max(MONTH_END_MIN_SHARE)));
    EndOfPeriodSpike {
        last_window_inflow_share,
        expected_last_window_share,
        last_window_average_balance,
        prior_average_balance,
        balance_ratio,
        month_end_inflow_share,
        expected_month_end_share,
        triggered,
    }
}

/// Coefficient of variation (population standard deviation over |mean|), exact up to the final
/// square root; 0 for no values or a zero mean.
pub fn coefficient_of_variation(values: &[Decimal]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mean = DailyBalances::mean(values);
    let squares = sum(values.iter().map(|v| {
        let d = *v - mean;
        d.checked_mul(d).unwrap_or(Decimal::MAX)
    }));
    let variance = squares / Decimal::from(values.len());
    let mean_squared = mean.checked_mul(mean).unwrap_or(Decimal::MAX);
    ratio(variance, mean_squared).max(0.0).sqrt()
}

fn stable(input: &SignalInputs<'_, '_>) -> StableBalances {
    // Distinct (account, day) pairs in (account, day) order. Entries come by date, so each
    // account's days arrive sorted and a repeat is the previous day: one pass, no set.
    let mut per_account: Vec<Vec<NaiveDate>> = vec![Vec::new(); input.accounts.len()];
    let mut in_order = true;
    let mut previous: Option<NaiveDate> = None;
    for entry in input.ledger.in_currency() {
        let day = entry.date();
        in_order &= previous.is_none_or(|p| p <= day);
        previous = Some(day);
        if let Some(list) = per_account.get_mut(entry.account)
            && list.last() != Some(&day)
        {
            list.push(day);
        }
    }
    let mut days: Vec<(usize, NaiveDate)> = per_account
        .iter()
        .enumerate()
        .flat_map(|(account, list)| list.iter().map(move |day| (account, *day)))
        .collect();
    if !in_order {
        days.sort_unstable();
        days.dedup();
    }
    let values: Vec<Decimal> = days
        .iter()
        .filter_map(|(account, day)| {
            let series = input.accounts.get(*account)?.as_ref()?;
            series.window(*day, *day).first().copied()
        })
        .collect();
    // Equal values normalise to one (mantissa, scale): sort those and count the runs.
    let mut normal: Vec<(i128, u32)> = values
        .iter()
        .filter(|v| !v.is_zero())
        .map(|v| {
            let n = v.normalize();
            (n.mantissa(), n.scale())
        })
        .collect();
    normal.sort_unstable();
    let most_repeated_balance_days = normal
        .chunk_by(|a, b| a == b)
        .map(<[_]>::len)
        .max()
        .unwrap_or(0);
    let n = values.len();
    let coefficient_of_variation = coefficient_of_variation(&values);
    let repeated_share = count_ratio(most_repeated_balance_days, n);
    let mean = DailyBalances::mean(&values);
    let triggered = (n >= 10 && mean > Decimal::ZERO && coefficient_of_variation < STABLE_MAX_CV)
        || (n >= 5 && most_repeated_balance_days >= 3 && repeated_share >= STABLE_REPEAT_SHARE);
    StableBalances {
        transaction_days: n,
        coefficient_of_variation,
        most_repeated_balance_days,
        repeated_share,
        triggered,
    }
}

/// True for an amount with one significant digit of at least [`ROUND_MIN_MAJOR`] major units
/// (1 000, 50 000, 1 000 000 — not 1 500 or 74 000).
pub fn is_round(amount: Decimal) -> bool {
    // On the integer mantissa: |amount| = mantissa / 10^scale, exactly.
    let mantissa = amount.mantissa().unsigned_abs();
    let Some(unit) = 10u128.checked_pow(amount.scale()) else {
        return false;
    };
    if unit == 0 || !mantissa.is_multiple_of(unit) {
        return false;
    }
    let mut v = mantissa / unit;
    if v < ROUND_MIN_MAJOR.unsigned_abs().into() {
        return false;
    }
    while v.is_multiple_of(10) && v != 0 {
        v /= 10;
    }
    v < 10
}

fn round_deposits(credits: &[&Entry<'_>]) -> RoundDeposits {
    let considered: Vec<Decimal> = credits
        .iter()
        .filter(|e| !e.is_internal())
        .map(|e| e.amount())
        .collect();
    let round: Vec<Decimal> = considered
        .iter()
        .copied()
        .filter(|a| is_round(*a))
        .collect();
    let total = sum(considered.iter().copied());
    let round_value = sum(round.iter().copied());
    let count_share = count_ratio(round.len(), considered.len());
    let value_share = ratio(round_value, total);
    RoundDeposits {
        credit_count: considered.len(),
        round_count: round.len(),
        count_share,
        round_value,
        value_share,
        triggered: round.len() >= ROUND_MIN_COUNT
            && count_share >= ROUND_COUNT_SHARE
            && value_share >= ROUND_VALUE_SHARE,
    }
}

fn coordinated(credits: &[&Entry<'_>]) -> CoordinatedInflows {
    // Credits come in date order: group consecutive days instead of mapping them.
    let mut by_day: Vec<(NaiveDate, Vec<(Decimal, &str)>)> = Vec::new();
    for entry in credits {
        if entry.is_internal() || entry.enr.channel == Channel::Cash {
            continue;
        }
        if let Some(payer) = &entry.enr.counterparty {
            let item = (entry.amount(), &*payer.key);
            match by_day.last_mut() {
                Some((day, items)) if *day == entry.date() => items.push(item),
                _ => by_day.push((entry.date(), vec![item])),
            }
        }
    }
    // Should the ledger ever not be in date order, the grouping above would split a day.
    by_day.sort_by_key(|(day, _)| *day);
    let mut merged: Vec<(NaiveDate, Vec<(Decimal, &str)>)> = Vec::with_capacity(by_day.len());
    for (day, items) in by_day {
        match merged.last_mut() {
            Some((last, into)) if *last == day => into.extend(items),
            _ => merged.push((day, items)),
        }
    }
    let by_day = merged;
    let mut payers: Vec<&str> = Vec::new();
    let mut result = CoordinatedInflows {
        cluster_days: 0,
        largest_cluster_payers: 0,
        largest_cluster_total: Decimal::ZERO,
        largest_cluster_date: None,
        triggered: false,
    };
    for (day, mut items) in by_day {
        items.sort();
        let mut best: Option<(usize, Decimal)> = None;
        for (i, (low, _)) in items.iter().enumerate() {
            let limit = *low + *low * COORDINATED_TOLERANCE;
            let rest = items.get(i..).unwrap_or_default();
            let len = rest
                .iter()
                .take_while(|(amount, _)| *amount <= limit)
                .count();
            let window = rest.get(..len).unwrap_or_default();
            payers.clear();
            payers.extend(window.iter().map(|(_, payer)| *payer));
            payers.sort_unstable();
            payers.dedup();
            if payers.len() < COORDINATED_MIN_PAYERS {
                continue;
            }
            let total = sum(window.iter().map(|(amount, _)| *amount));
            if best.is_none_or(|(n, t)| (payers.len(), total) > (n, t)) {
                best = Some((payers.len(), total));
            }
        }
        if let Some((payers, total)) = best {
            result.cluster_days += 1;
            if (payers, total) > (result.largest_cluster_payers, result.largest_cluster_total) {
                result.largest_cluster_payers = payers;
                result.largest_cluster_total = total;
                result.largest_cluster_date = Some(day);
            }
        }
    }
    result.triggered = result.cluster_days > 0;
    result
}

fn near_as_of(input: &SignalInputs<'_, '_>) -> RevenueNearAsOf {
    let ledger = input.ledger;
    let as_of = ledger.as_of;
    let window_start = before(as_of, NEAR_AS_OF_DAYS - 1);
    let considered: Vec<&(NaiveDate, Decimal)> =
        input.revenue.iter().filter(|(d, _)| *d <= as_of).collect();
    let revenue_total = sum(considered.iter().map(|(_, a)| *a));
    let revenue_in_window = sum(considered
        .iter()
        .filter(|(d, _)| *d >= window_start)
        .map(|(_, a)| *a));
    let span = (as_of - ledger.start).num_days() + 1;
    let first_revenue_date = considered.iter().map(|(d, _)| *d).min();
    let days_from_first_revenue = first_revenue_date.map(|d| (as_of - d).num_days());
    let window_share = ratio(revenue_in_window, revenue_total);
    let triggered = span >= NEAR_AS_OF_MIN_SPAN
        && revenue_total > Decimal::ZERO
        && (window_share >= NEAR_AS_OF_SHARE
            || first_revenue_date.is_some_and(|d| d >= window_start));
    RevenueNearAsOf {
        revenue_total,
        revenue_in_window,
        window_share,
        expected_share: ratio(
            Decimal::from(NEAR_AS_OF_DAYS.min(span.max(1))),
            Decimal::from(span.max(1)),
        ),
        first_revenue_date,
        days_from_first_revenue,
        triggered,
    }
}

fn pass_through(ledger: &Ledger<'_>, credits_total: Decimal) -> PassThrough {
    // Per day: the day's credits join the queue before its debits, so that the result does not
    // depend on the order of rows within a day or of accounts within the ledger.
    // Entries come in date order: consecutive days are grouped (a map if they ever were not).
    let mut by_day: Vec<(NaiveDate, (Decimal, Decimal))> = Vec::new();
    let mut in_order = true;
    let mut credit_count = 0usize;
    for entry in ledger.in_currency() {
        let slot = match by_day.last_mut() {
            Some((day, slot)) if *day == entry.date() => slot,
            last => {
                in_order &= last.is_none_or(|(day, _)| *day < entry.date());
                by_day.push((entry.date(), (Decimal::ZERO, Decimal::ZERO)));
                match by_day.last_mut() {
                    Some((_, slot)) => slot,
                    None => continue,
                }
            }
        };
        if entry.is_credit() {
            slot.0 += entry.amount();
            credit_count += 1;
        } else {
            slot.1 -= entry.amount();
        }
    }
    if !in_order {
        let mut map: BTreeMap<NaiveDate, (Decimal, Decimal)> = BTreeMap::new();
        for (day, (credit, debit)) in by_day {
            let slot = map.entry(day).or_default();
            slot.0 += credit;
            slot.1 += debit;
        }
        by_day = map.into_iter().collect();
    }
    let mut queue: std::collections::VecDeque<(NaiveDate, Decimal)> = Default::default();
    let mut passed = Decimal::ZERO;
    for (day, (credit, debit)) in by_day {
        if credit > Decimal::ZERO {
            queue.push_back((day, credit));
        }
        while queue
            .front()
            .is_some_and(|(d, _)| (day - *d).num_days() > PASS_THROUGH_DAYS)
        {
            queue.pop_front();
        }
        let mut left = debit;
        while left > Decimal::ZERO {
            let Some(front) = queue.front_mut() else {
                break;
            };
            let taken = front.1.min(left);
            front.1 -= taken;
            left -= taken;
            passed += taken;
            if front.1.is_zero() {
                queue.pop_front();
            }
        }
    }
    let share = ratio(passed, credits_total);
    PassThrough {
        credits_total,
        passed_through: passed,
        ratio: share,
        triggered: credit_count >= PASS_THROUGH_MIN_CREDITS && share >= PASS_THROUGH_SHARE,
    }
}

const NOT_CIRCULAR: &[&str] = &[
    "TRANSFER_IN_REFUND_REVERSAL",
    "TRANSFER_IN_TONTINE",
    "TRANSFER_OUT_TONTINE",
    "TRANSFER_IN_SAVINGS",
    "TRANSFER_OUT_SAVINGS",
    "TRANSFER_IN_INVESTMENT_AND_RETIREMENT_FUNDS",
    "TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS",
    "TRANSFER_IN_CASH_ADVANCES_AND_LOANS",
];

fn party_key<'e>(entry: &Entry<'e>) -> Option<&'e str> {
    match &entry.enr.counterparty {
        Some(party) => Some(&party.key),
        None if entry.is_internal() => Some("OWN ACCOUNT"),
        None => None,
    }
}

fn circular(ledger: &Ledger<'_>, credits_total: Decimal) -> CircularFlows {
    let eligible = |entry: &&Entry<'_>| {
        entry.enr.loan.is_none()
            && entry.enr.channel != Channel::Cash
            && entry.enr.channel != Channel::Atm
            && !NOT_CIRCULAR.contains(&entry.category().code())
    };
    // Debits still available to be "the money going out", by counterparty.
    let mut open: FastMap<&str, Vec<(NaiveDate, Decimal, bool)>> = FastMap::default();
    let mut result = CircularFlows {
        round_trips: 0,
        returned_value: Decimal::ZERO,
        ratio_to_inflows: 0.0,
        counterparties: 0,
        triggered: false,
    };
    let mut parties: FastSet<&str> = FastSet::default();
    let mut entries: Vec<&Entry<'_>> = ledger.in_currency().filter(eligible).collect();
    // Debits of a day before its credits, then by amount: independent of input order.
    sort_by_day(
        &mut entries,
        |e| e.date(),
        |a, b| (a.is_credit(), a.amount()).cmp(&(b.is_credit(), b.amount())),
    );
    for entry in entries {
        let Some(key) = party_key(entry) else {
            continue;
        };
        let amount = entry.amount();
        if entry.is_debit() {
            open.entry(key)
                .or_default()
                .push((entry.date(), -amount, false));
            continue;
        }
        let Some(debits) = open.get_mut(key) else {
            continue;
        };
        let tolerance = amount * CIRCULAR_TOLERANCE;
        // Debits are pushed in date order: skip those too old to come back now (a binary
        // search, so a counterparty paid daily does not make this quadratic).
        let first = debits
            .partition_point(|(date, _, _)| (entry.date() - *date).num_days() > CIRCULAR_DAYS);
        let found = debits
            .iter_mut()
            .skip(first)
            .filter(|(date, out, used)| {
                !*used
                    && (entry.date() - *date).num_days() <= CIRCULAR_DAYS
                    && (*out - amount).abs() <= tolerance
            })
            .min_by_key(|(date, out, _)| ((*out - amount).abs(), *date));
        if let Some(slot) = found {
            slot.2 = true;
            result.round_trips += 1;
            result.returned_value += amount;
            parties.insert(key);
        }
    }
    result.counterparties = parties.len();
    result.ratio_to_inflows = ratio(result.returned_value, credits_total);
    result.triggered =
        result.ratio_to_inflows >= CIRCULAR_SHARE || result.round_trips >= CIRCULAR_MIN_TRIPS;
    result
}

/// Categories EnvoyX's "related-party transfers" class reads (docs/taxonomy.md §2.4).
pub const RELATED_PARTY: &[&str] = &[
    "TRANSFER_IN_PERSON_TO_PERSON",
    "TRANSFER_IN_ACCOUNT_TRANSFER",
];

fn related_party(credits: &[&Entry<'_>], credits_total: Decimal) -> RelatedPartyDependency {
    let mut by_party: BTreeMap<&str, Decimal> = BTreeMap::new();
    for entry in credits {
        if RELATED_PARTY.contains(&entry.category().code()) {
            let key = party_key(entry).unwrap_or("UNKNOWN");
            *by_party.entry(key).or_default() += entry.amount();
        }
    }
    let related_party_total = sum(by_party.values().copied());
    let top = by_party
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(k, v)| ((*k).to_owned(), *v));
    let top_related_party_total = top.as_ref().map_or(Decimal::ZERO, |(_, v)| *v);
    let top_share_of_inflows = ratio(top_related_party_total, credits_total);
    RelatedPartyDependency {
        related_party_total,
        top_related_party: top.map(|(k, _)| k),
        top_related_party_total,
        top_share_of_inflows,
        triggered: top_share_of_inflows >= RELATED_PARTY_SHARE,
    }
}

/// True for a cash withdrawal (ATM or counter).
pub fn is_cash_withdrawal(entry: &Entry<'_>) -> bool {
    entry.is_debit()
        && !entry.is_internal()
        && (entry.category().code() == "TRANSFER_OUT_WITHDRAWAL"
            || matches!(entry.enr.channel, Channel::Atm | Channel::Cash))
        && entry.enr.loan != Some(LoanRole::Repayment)
}

fn cash_after_deposit(ledger: &Ledger<'_>, credits_total: Decimal) -> CashAfterDeposit {
    let mut credits: Vec<(NaiveDate, Decimal, bool)> = ledger
        .in_currency()
        .filter(|e| e.is_credit() && !e.is_internal())
        .map(|e| (e.date(), e.amount(), false))
        .collect();
    sort_by_day(&mut credits, |c| c.0, |a, b| a.cmp(b));
    let mut withdrawals: Vec<(NaiveDate, Decimal)> = ledger
        .in_currency()
        .filter(|e| is_cash_withdrawal(e))
        .map(|e| (e.date(), -e.amount()))
        .collect();
    sort_by_day(&mut withdrawals, |w| w.0, |a, b| a.cmp(b));
    let mut occurrences = 0usize;
    let mut withdrawn = Decimal::ZERO;
    for (day, out) in withdrawals {
        // The most recent credit of the two days before that this withdrawal takes at least
        // half of.
        // Credits are sorted by date: only the window of the days before can match.
        let from =
            credits.partition_point(|(date, _, _)| (day - *date).num_days() > PASS_THROUGH_DAYS);
        let to = credits.partition_point(|(date, _, _)| *date <= day);
        let found = credits
            .get_mut(from..to.max(from))
            .unwrap_or_default()
            .iter_mut()
            .filter(|(date, amount, used)| {
                !*used
                    && *date <= day
                    && (day - *date).num_days() <= PASS_THROUGH_DAYS
                    && out >= *amount * CASH_AFTER_FRACTION
            })
            .max_by_key(|(date, amount, _)| (*date, *amount));
        if let Some(slot) = found {
            slot.2 = true;
            occurrences += 1;
            withdrawn += out;
        }
    }
    let share = ratio(withdrawn, credits_total);
    CashAfterDeposit {
        occurrences,
        withdrawn_value: withdrawn,
        ratio_to_inflows: share,
        triggered: occurrences >= CASH_AFTER_MIN_COUNT && share >= CASH_AFTER_SHARE,
    }
}
