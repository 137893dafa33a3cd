//! One enriched ledger over one or several statements and accounts: what every profile reads.
//!
//! A borrower uploads several statements (months of one account, or several accounts). Analytics
//! must not care how the ledger was cut into files: overlapping statements of one account are
//! merged first (`ledgerlens_core::merge_statements`), and the entries of all accounts are then
//! read in one chronological order, with a total tie-break, so that the figures do not depend
//! on the order of the input files.

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Category, Currency, Primary, Statement, Transaction};
use ledgerlens_enrich::{EnrichedLedger, TxEnrichment};
use rust_decimal::Decimal;

/// One transaction with its enrichment and its account.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// Index into [`Ledger::accounts`].
    pub account: usize,
    /// Index of the transaction in its statement.
    pub index: usize,
    /// The transaction.
    pub tx: &'a Transaction,
    /// What enrichment said about it.
    pub enr: &'a TxEnrichment,
}

impl Entry<'_> {
    /// Signed amount as a decimal.
    pub fn amount(&self) -> Decimal {
        self.tx.amount.as_decimal()
    }

    /// True for money in.
    pub fn is_credit(&self) -> bool {
        // `> 0` without a decimal comparison (which rescales): non-zero and not negative.
        let value = self.tx.amount.as_decimal();
        !value.is_zero() && value.is_sign_positive()
    }

    /// True for money out.
    pub fn is_debit(&self) -> bool {
        // `< 0` without a decimal comparison: non-zero and negative.
        let value = self.tx.amount.as_decimal();
        !value.is_zero() && value.is_sign_negative()
    }

    /// Booking date.
    pub fn date(&self) -> NaiveDate {
        self.tx.date
    }

    /// Detailed category.
    pub fn category(&self) -> Category {
        self.enr.category
    }

    /// Primary category.
    pub fn primary(&self) -> Primary {
        self.enr.category.primary()
    }

    /// True when the entry moves money between the holder's own accounts; such entries are
    /// neither income nor spending.
    pub fn is_internal(&self) -> bool {
        self.enr.internal_transfer
    }
}

/// One account of the ledger: its (merged) statement and enrichment.
#[derive(Debug)]
pub struct AccountLedger<'a> {
    /// The statement (merged over the files of this account).
    pub statement: &'a Statement,
    /// Its enrichment, parallel to `statement.transactions`.
    pub enriched: &'a EnrichedLedger,
}

/// The whole ledger the analysis reads.
#[derive(Debug)]
pub struct Ledger<'a> {
    /// Accounts, in input order.
    pub accounts: Vec<AccountLedger<'a>>,
    /// Every entry of every account, by (date, account, index).
    pub entries: Vec<Entry<'a>>,
    /// Currency of the analysis: the main account's. Entries of accounts in other currencies are
    /// left out of money totals (see docs/analytics.md).
    pub currency: Currency,
    /// First and last day covered (declared periods widened to the entries).
    pub start: NaiveDate,
    /// Last day covered.
    pub end: NaiveDate,
    /// The date the analysis is as of (by default `end`).
    pub as_of: NaiveDate,
}

impl<'a> Ledger<'a> {
    /// Builds the ledger; `None` when there is not a single transaction or balance to read.
    pub fn new(accounts: Vec<AccountLedger<'a>>, as_of: Option<NaiveDate>) -> Option<Ledger<'a>> {
        let main = accounts.iter().max_by_key(|account| {
            (
                account.statement.transactions.len(),
                std::cmp::Reverse(account.statement.currency.code().to_owned()),
            )
        })?;
        let currency = main.statement.currency;
        let mut entries: Vec<Entry<'a>> = accounts
            .iter()
            .enumerate()
            .flat_map(|(account, ledger)| {
                ledger
                    .statement
                    .transactions
                    .iter()
                    .zip(&ledger.enriched.transactions)
                    .enumerate()
                    .map(move |(index, (tx, enr))| Entry {
                        account,
                        index,
                        tx,
                        enr,
                    })
            })
            .collect();
        entries.sort_by_key(|entry| (entry.tx.date, entry.account, entry.index));
        let declared = accounts
            .iter()
            .filter_map(|account| account.statement.period)
            .flat_map(|period| [period.start, period.end]);
        let dates = entries.iter().map(|entry| entry.tx.date).chain(declared);
        let start = dates.clone().min()?;
        let end = dates.max()?;
        Some(Ledger {
            accounts,
            entries,
            currency,
            start,
            end,
            as_of: as_of.unwrap_or(end),
        })
    }

    /// Entries in the analysis currency.
    pub fn in_currency(&self) -> impl Iterator<Item = &Entry<'a>> {
        let currency = self.currency;
        self.entries.iter().filter(move |entry| {
            self.accounts
                .get(entry.account)
                .is_some_and(|a| a.statement.currency == currency)
        })
    }

    /// Number of days covered, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// Sums amounts exactly; an overflow (beyond 7.9e28) saturates, which no statement reaches.
pub fn sum<I: IntoIterator<Item = Decimal>>(values: I) -> Decimal {
    values.into_iter().fold(Decimal::ZERO, |total, value| {
        total.checked_add(value).unwrap_or(total)
    })
}

/// An exact amount from a decimal (saturating at the decimal's range, which sums never reach).
pub fn amount(value: Decimal) -> Amount {
    Amount::from_decimal(value.round_dp(8)).unwrap_or(Amount::ZERO)
}

/// A ratio as a float, for figures that are ratios by nature (0 when the denominator is 0).
pub fn ratio(numerator: Decimal, denominator: Decimal) -> f64 {
    if denominator.is_zero() {
        return 0.0;
    }
    numerator
        .checked_div(denominator)
        .and_then(|value| f64::try_from(value).ok())
        .unwrap_or(0.0)
}

/// Money as a JSON number, for the vendor shapes that print amounts as numbers
/// (`"totalCreditTurnover": 1369432.54`). The figure is computed exactly and rounded to cents
/// here, at the edge; a JSON number is a double for every client, exact to the cent below
/// 2^53 cents (≈ 90 trillion), which no statement approaches. Our native shape prints strings.
pub fn money_number(value: Decimal) -> serde_json::Value {
    let cents =
        value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    f64::try_from(cents)
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Maps and sets with enrichment's fast hasher, for keys whose iteration order no figure
/// depends on (std's SipHash guards against adversarial keys, which a statement's counterparty
/// keys are not worth the cost of). One hasher for the whole pipeline.
pub use ledgerlens_enrich::fxhash::{FxHashMap as FastMap, FxHashSet as FastSet};
