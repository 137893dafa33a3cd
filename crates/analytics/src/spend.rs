//! Spending: what the holder paid out, by bucket, category and channel.
//!
//! Spending is every debit in the analysis currency except moves between the holder's own
//! accounts (which are not spent, only moved). The category buckets partition it (each debit is
//! in exactly one), so they add up to the total; the channel buckets (ATM & POS, USSD, online &
//! web) and the international property cut across them, as docs/taxonomy.md §2.1 defines.

use std::collections::BTreeMap;

use ledgerlens_core::{Category, Primary};
use ledgerlens_enrich::Channel;
use rust_decimal::Decimal;

use crate::cashflow::Month;
use crate::ledger::{Entry, Ledger};

/// Periculum's category buckets: a partition of spending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    /// Person-to-person, own-name, mobile-money, tontine and other transfers out.
    Transfer,
    /// Every bank fee, stamp duty and levy.
    ChargesAndStampDuty,
    /// Entertainment.
    Entertainment,
    /// Stakes (betting, lottery, casino).
    Gambling,
    /// Medical.
    Health,
    /// Food and drink, and lodging.
    HospitalityAndFood,
    /// Insurance premiums.
    Insurance,
    /// Rent.
    Rent,
    /// Flights, car rental, other travel.
    Travel,
    /// Airtime, data and telephone.
    AirtimeAndData,
    /// Energy, water, internet and TV, waste, other utilities.
    Utilities,
    /// Transportation.
    Transportation,
    /// Savings and investments.
    SavingsAndInvestments,
    /// The rest.
    Others,
}

impl Bucket {
    /// Every bucket, in the order they are reported.
    pub const ALL: [Bucket; 14] = [
        Bucket::Transfer,
        Bucket::ChargesAndStampDuty,
        Bucket::Entertainment,
        Bucket::Gambling,
        Bucket::Health,
        Bucket::HospitalityAndFood,
        Bucket::Insurance,
        Bucket::Rent,
        Bucket::Travel,
        Bucket::AirtimeAndData,
        Bucket::Utilities,
        Bucket::Transportation,
        Bucket::SavingsAndInvestments,
        Bucket::Others,
    ];

    /// The name Periculum prints for a spend category (`"transfer_transactions"`, as in its
    /// `mostRecurringExpense` example; the others follow the same pattern).
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Transfer => "transfer_transactions",
            Bucket::ChargesAndStampDuty => "charges_and_stamp_duty",
            Bucket::Entertainment => "entertainment",
            Bucket::Gambling => "gambling_transactions",
            Bucket::Health => "health",
            Bucket::HospitalityAndFood => "hospitality_and_food",
            Bucket::Insurance => "insurance",
            Bucket::Rent => "rent",
            Bucket::Travel => "travel",
            Bucket::AirtimeAndData => "airtime_and_data",
            Bucket::Utilities => "utilities",
            Bucket::Transportation => "transportation",
            Bucket::SavingsAndInvestments => "savings_and_investments",
            Bucket::Others => "others",
        }
    }

    /// The bucket of a detailed category (docs/taxonomy.md §2.1).
    pub fn of(category: Category) -> Bucket {
        let code = category.code();
        match category.primary() {
            Primary::TransferOut => match code {
                "TRANSFER_OUT_SAVINGS" | "TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS" => {
                    Bucket::SavingsAndInvestments
                }
                "TRANSFER_OUT_WITHDRAWAL" => Bucket::Others,
                _ => Bucket::Transfer,
            },
            Primary::BankFees => Bucket::ChargesAndStampDuty,
            Primary::Entertainment => Bucket::Entertainment,
            Primary::Gambling => Bucket::Gambling,
            Primary::Medical => Bucket::Health,
            Primary::FoodAndDrink => Bucket::HospitalityAndFood,
            Primary::Travel if code == "TRAVEL_LODGING" => Bucket::HospitalityAndFood,
            Primary::Travel => Bucket::Travel,
            Primary::GeneralServices if code == "GENERAL_SERVICES_INSURANCE" => Bucket::Insurance,
            Primary::RentAndUtilities => match code {
                "RENT_AND_UTILITIES_RENT" => Bucket::Rent,
                "RENT_AND_UTILITIES_AIRTIME_AND_DATA" | "RENT_AND_UTILITIES_TELEPHONE" => {
                    Bucket::AirtimeAndData
                }
                _ => Bucket::Utilities,
            },
            Primary::Transportation => Bucket::Transportation,
            _ => Bucket::Others,
        }
    }
}

/// A total and a count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Sum of absolute amounts.
    pub total: Decimal,
    /// Number of transactions.
    pub count: usize,
}

impl Tally {
    /// Adds one amount.
    pub fn add(&mut self, amount: Decimal) {
        self.total += amount;
        self.count += 1;
    }
}

/// Spending figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spend<'a> {
    /// Per category bucket.
    pub buckets: BTreeMap<Bucket, Tally>,
    /// Debits paid at an ATM or by card at a point of sale.
    pub atm_and_pos: Tally,
    /// Debits made over USSD.
    pub ussd: Tally,
    /// Card-not-present, web and app debits.
    pub online: Tally,
    /// Debits in a foreign currency or charged a foreign-transaction fee.
    pub international: Tally,
    /// Debits that belong to a periodic series.
    pub recurring: Tally,
    /// Every spending debit.
    pub total: Tally,
    /// Per detailed category.
    pub by_category: BTreeMap<Category, Tally>,
    /// Per primary category.
    pub by_primary: BTreeMap<Primary, Tally>,
    /// Per channel.
    pub by_channel: BTreeMap<Channel, Tally>,
    /// Per recurring bucket (for the most recurring expense).
    pub recurring_buckets: BTreeMap<Bucket, Tally>,
    /// Spending per calendar month.
    pub by_month: BTreeMap<Month, Decimal>,
    /// Largest single debit.
    pub highest: Decimal,
    /// Per payee: its counterparty key, else its narration (see [`party`]).
    pub by_payee: BTreeMap<&'a str, Tally>,
    /// The name a payee key reads best as (the smallest spelling seen, for determinism).
    pub payee_names: BTreeMap<&'a str, &'a str>,
    /// ATM locations (the cash machine's name as the narration gives it), sorted.
    pub atm_locations: Vec<String>,
}

/// True for a spending debit: a debit in the analysis currency that is not an own-account move.
pub fn is_spending(entry: &Entry<'_>) -> bool {
    entry.is_debit() && !entry.is_internal()
}

/// The key a payer or payee is grouped under: the normalised counterparty key enrichment gave,
/// else the narration itself; and the name it reads as. Borrowed, so that grouping thousands of
/// rows allocates nothing.
pub fn party<'a>(entry: &Entry<'a>) -> (&'a str, &'a str) {
    let tx: &'a ledgerlens_core::Transaction = entry.tx;
    let enr: &'a ledgerlens_enrich::TxEnrichment = entry.enr;
    match &enr.counterparty {
        Some(c) => (&c.key, &c.name),
        None => {
            let text = tx.description.trim();
            (text, text)
        }
    }
}

/// Keeps the smallest spelling of a key's name, whatever the order rows come in.
pub fn note_name<'a>(names: &mut BTreeMap<&'a str, &'a str>, key: &'a str, name: &'a str) {
    names
        .entry(key)
        .and_modify(|n| *n = (*n).min(name))
        .or_insert(name);
}

impl<'a> Spend<'a> {
    /// Computes the spending of a ledger.
    ///
    /// One pass accumulates per detailed category, channel, month and payee; the buckets, the
    /// primaries and the total are then sums over the categories (the buckets partition them),
    /// which keeps the per-row work to a few exact additions.
    pub fn of(ledger: &Ledger<'a>) -> Spend<'a> {
        let mut spend = Spend::default();
        let entries: Vec<&Entry<'a>> = ledger.in_currency().collect();
        let foreign_fee = Category::parse("BANK_FEES_FOREIGN_TRANSACTION_FEES");
        let is_foreign_fee = |e: &Entry<'_>| Some(e.category()) == foreign_fee;
        let first = Month::of(ledger.start);
        let mut months: Vec<Decimal> = Vec::new();
        // Per-row accumulation in hash maps (a few dozen keys), ordered once at the end.
        let mut categories: crate::ledger::FastMap<Category, Tally> = Default::default();
        let mut channels: crate::ledger::FastMap<Channel, Tally> = Default::default();
        let mut payees: crate::ledger::FastMap<&'a str, (Tally, &'a str)> = Default::default();
        let mut atm = std::collections::BTreeSet::new();
        for (position, entry) in entries.iter().enumerate() {
            if !is_spending(entry) {
                continue;
            }
            let amount = -entry.amount();
            categories.entry(entry.category()).or_default().add(amount);
            channels.entry(entry.enr.channel).or_default().add(amount);
            let month = first.until(Month::of(entry.date()));
            if months.len() <= month {
                months.resize(month + 1, Decimal::ZERO);
            }
            if let Some(total) = months.get_mut(month) {
                *total += amount;
            }
            if amount > spend.highest {
                spend.highest = amount;
            }
            let (key, name) = party(entry);
            let payee = payees.entry(key).or_insert((Tally::default(), name));
            payee.0.add(amount);
            payee.1 = payee.1.min(name);
            match entry.enr.channel {
                Channel::Atm => {
                    spend.atm_and_pos.add(amount);
                    let place = entry
                        .enr
                        .counterparty
                        .as_ref()
                        .map_or_else(|| entry.tx.description.trim(), |c| &*c.name);
                    atm.insert(place.to_owned());
                }
                Channel::Card => spend.atm_and_pos.add(amount),
                Channel::Ussd => spend.ussd.add(amount),
                Channel::Online => spend.online.add(amount),
                _ => {}
            }
            let foreign = entry
                .tx
                .original
                .as_ref()
                .is_some_and(|o| o.currency != ledger.currency);
            // A fee for a foreign transaction is booked right after it, same day, same account.
            let sibling_fee = entries.get(position + 1).is_some_and(|next| {
                next.account == entry.account && next.date() == entry.date() && is_foreign_fee(next)
            });
            if foreign || sibling_fee || is_foreign_fee(entry) {
                spend.international.add(amount);
            }
            if entry.enr.series.is_some() {
                spend.recurring.add(amount);
                spend
                    .recurring_buckets
                    .entry(Bucket::of(entry.category()))
                    .or_default()
                    .add(amount);
            }
        }
        spend.by_category = categories.into_iter().collect();
        for (category, tally) in &spend.by_category {
            for group in [
                spend.buckets.entry(Bucket::of(*category)).or_default(),
                spend.by_primary.entry(category.primary()).or_default(),
            ] {
                group.total += tally.total;
                group.count += tally.count;
            }
            spend.total.total += tally.total;
            spend.total.count += tally.count;
        }
        spend.by_channel = channels.into_iter().collect();
        let mut month = first;
        for total in months {
            if !total.is_zero() {
                spend.by_month.insert(month, total);
            }
            month = month.next();
        }
        for (key, (tally, name)) in payees {
            spend.by_payee.insert(key, tally);
            spend.payee_names.insert(key, name);
        }
        spend.atm_locations = atm.into_iter().collect();
        spend
    }

    /// A bucket's tally (zero when nothing was spent in it).
    pub fn bucket(&self, bucket: Bucket) -> Tally {
        self.buckets.get(&bucket).copied().unwrap_or_default()
    }
}

/// The key with the largest (count, total), ties to the smallest key: "most frequent" that does
/// not depend on the input order.
pub fn most_frequent<K: Copy + Ord>(tallies: &BTreeMap<K, Tally>) -> Option<(K, Tally)> {
    let mut best: Option<(&K, &Tally)> = None;
    for (key, tally) in tallies {
        if best.is_none_or(|(_, b)| (tally.count, tally.total) > (b.count, b.total)) {
            best = Some((key, tally));
        }
    }
    best.map(|(k, t)| (*k, *t))
}

/// The key with the largest total, ties to the smallest key.
pub fn largest<K: Copy + Ord>(tallies: &BTreeMap<K, Tally>) -> Option<(K, Tally)> {
    let mut best: Option<(&K, &Tally)> = None;
    for (key, tally) in tallies {
        if best.is_none_or(|(_, b)| (tally.total, tally.count) > (b.total, b.count)) {
            best = Some((key, tally));
        }
    }
    best.map(|(k, t)| (*k, *t))
}
