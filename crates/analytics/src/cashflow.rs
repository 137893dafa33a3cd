//! Calendar, money in and out, and balances over the ledger's span: what "monthly" and
//! "weekly" mean everywhere in the analysis.
//!
//! A month is a calendar month the ledger's span touches, partial first and last months
//! included, so that a statement cut on the 17th still averages over the months a lender reads
//! on it (Periculum's own example: 17 June – 14 September is four months). A week is a Monday-to-
//! Sunday week the span touches. Money figures are sums over the entries in the analysis
//! currency; inflow and outflow leave out moves between the holder's own accounts, turnovers do
//! not (a turnover is what went through the account, as the bank's totals show it).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::balances::DailyBalances;
use crate::ledger::{Entry, Ledger, sum};

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month after.
    pub fn next(self) -> Month {
        if self.month >= 12 {
            Month {
                year: self.year.saturating_add(1),
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month.saturating_add(1),
            }
        }
    }

    /// Months from `self` to `later` (0 when equal or earlier).
    pub fn until(self, later: Month) -> usize {
        let months =
            i64::from(later.year - self.year) * 12 + i64::from(later.month) - i64::from(self.month);
        usize::try_from(months).unwrap_or(0)
    }

    /// `2024-03`, the label our native shape uses.
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// The calendar months the span `start..=end` touches, in order.
pub fn months(start: NaiveDate, end: NaiveDate) -> Vec<Month> {
    let (first, last) = (Month::of(start), Month::of(end));
    let mut out = Vec::with_capacity(first.until(last).saturating_add(1));
    let mut month = first;
    while month <= last {
        out.push(month);
        month = month.next();
    }
    out
}

/// Index of the Monday-to-Sunday week of `date`, counted from the week of `start`.
pub fn week_index(start: NaiveDate, date: NaiveDate) -> usize {
    let monday = start - chrono::Days::new(u64::from(start.weekday().num_days_from_monday()));
    usize::try_from((date - monday).num_days() / 7).unwrap_or(0)
}

/// Money in and out of one calendar month.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthFlow {
    /// The month.
    pub month: Month,
    /// Credits, own-account moves excluded.
    pub inflow: Decimal,
    /// Debits as a positive sum, own-account moves excluded.
    pub outflow: Decimal,
    /// All credits.
    pub credits: Decimal,
    /// All debits, positive.
    pub debits: Decimal,
    /// Number of transactions (non-zero amounts) booked in the month.
    pub transactions: usize,
    /// End-of-day balance on the month's last covered day.
    pub closing_balance: Decimal,
    /// Lowest end-of-day balance of the month's covered days.
    pub min_balance: Decimal,
    /// Mean end-of-day balance of the month's covered days.
    pub mean_balance: Decimal,
    /// Days of the month inside the span.
    pub days: usize,
}

/// The cash-flow figures every profile reads.
#[derive(Clone, Debug, PartialEq)]
pub struct CashFlow {
    /// One per calendar month of the span.
    pub months: Vec<MonthFlow>,
    /// Number of Monday-to-Sunday weeks the span touches.
    pub weeks: usize,
    /// Sum of all credits.
    pub credit_turnover: Decimal,
    /// Sum of all debits, positive.
    pub debit_turnover: Decimal,
    /// Credits without own-account moves.
    pub inflow: Decimal,
    /// Debits without own-account moves, positive.
    pub outflow: Decimal,
    /// Number of credits (non-zero).
    pub credit_count: usize,
    /// Number of debits (non-zero).
    pub debit_count: usize,
    /// End-of-day balance of all accounts in the analysis currency, from the ledger's start.
    pub daily: Vec<Decimal>,
    /// False when no account states any balance (balances are then relative to zero).
    pub balances_known: bool,
    /// Mean over weeks of each week's mean end-of-day balance.
    pub weekly_mean_balance: Decimal,
}

impl CashFlow {
    /// Computes the figures of a ledger.
    pub fn of(ledger: &Ledger<'_>) -> CashFlow {
        let calendar = months(ledger.start, ledger.end);
        let first = calendar.first().copied().unwrap_or(Month::of(ledger.start));
        let mut flows: Vec<MonthFlow> = calendar
            .iter()
            .map(|&month| MonthFlow {
                month,
                inflow: Decimal::ZERO,
                outflow: Decimal::ZERO,
                credits: Decimal::ZERO,
                debits: Decimal::ZERO,
                transactions: 0,
                closing_balance: Decimal::ZERO,
                min_balance: Decimal::ZERO,
                mean_balance: Decimal::ZERO,
                days: 0,
            })
            .collect();
        let mut figures = CashFlow {
            months: Vec::new(),
            weeks: week_index(ledger.start, ledger.end).saturating_add(1),
            credit_turnover: Decimal::ZERO,
            debit_turnover: Decimal::ZERO,
            inflow: Decimal::ZERO,
            outflow: Decimal::ZERO,
            credit_count: 0,
            debit_count: 0,
            daily: Vec::new(),
            balances_known: false,
            weekly_mean_balance: Decimal::ZERO,
        };
        for entry in ledger.in_currency() {
            let amount = entry.amount();
            if amount.is_zero() {
                continue;
            }
            let Some(flow) = flows.get_mut(first.until(Month::of(entry.date()))) else {
                continue;
            };
            flow.transactions += 1;
            if entry.is_credit() {
                figures.credit_turnover += amount;
                figures.credit_count += 1;
                flow.credits += amount;
                if !entry.is_internal() {
                    figures.inflow += amount;
                    flow.inflow += amount;
                }
            } else {
                figures.debit_turnover -= amount;
                figures.debit_count += 1;
                flow.debits -= amount;
                if !entry.is_internal() {
                    figures.outflow -= amount;
                    flow.outflow -= amount;
                }
            }
        }
        let (daily, known) = combined_balances(ledger);
        for (offset, balance) in daily.iter().enumerate() {
            let Some(day) = ledger
                .start
                .checked_add_days(chrono::Days::new(offset as u64))
            else {
                break;
            };
            if let Some(flow) = flows.get_mut(first.until(Month::of(day))) {
                if flow.days == 0 || *balance < flow.min_balance {
                    flow.min_balance = *balance;
                }
                flow.days += 1;
                flow.closing_balance = *balance;
                flow.mean_balance += *balance;
            }
        }
        for flow in &mut flows {
            if flow.days > 0 {
                flow.mean_balance /= Decimal::from(flow.days);
            }
        }
        let mut weeks: Vec<(Decimal, usize)> = vec![(Decimal::ZERO, 0); figures.weeks];
        for (offset, balance) in daily.iter().enumerate() {
            let Some(day) = ledger
                .start
                .checked_add_days(chrono::Days::new(offset as u64))
            else {
                break;
            };
            if let Some(week) = weeks.get_mut(week_index(ledger.start, day)) {
                week.0 += *balance;
                week.1 += 1;
            }
        }
        let week_means: Vec<Decimal> = weeks
            .iter()
            .filter(|(_, days)| *days > 0)
            .map(|(total, days)| *total / Decimal::from(*days))
            .collect();
        figures.weekly_mean_balance = DailyBalances::mean(&week_means);
        figures.months = flows;
        figures.daily = daily;
        figures.balances_known = known;
        figures
    }

    /// Number of calendar months of the span (at least 1).
    pub fn month_count(&self) -> usize {
        self.months.len().max(1)
    }

    /// `total` per calendar month of the span.
    pub fn per_month(&self, total: Decimal) -> Decimal {
        total / Decimal::from(self.month_count())
    }

    /// `total` per week of the span.
    pub fn per_week(&self, total: Decimal) -> Decimal {
        total / Decimal::from(self.weeks.max(1))
    }

    /// Mean over months of each month's mean end-of-day balance.
    pub fn monthly_mean_balance(&self) -> Decimal {
        let means: Vec<Decimal> = self
            .months
            .iter()
            .filter(|m| m.days > 0)
            .map(|m| m.mean_balance)
            .collect();
        DailyBalances::mean(&means)
    }

    /// Balance at the end of the span.
    pub fn closing_balance(&self) -> Decimal {
        self.daily.last().copied().unwrap_or(Decimal::ZERO)
    }

    /// Months with at least one transaction.
    pub fn transacting_months(&self) -> usize {
        self.months.iter().filter(|m| m.transactions > 0).count()
    }
}

/// End-of-day balance of every account in the analysis currency, summed day by day: the
/// holder's position, which is what "the balance" means once several accounts are analysed.
pub fn combined_balances(ledger: &Ledger<'_>) -> (Vec<Decimal>, bool) {
    let days = usize::try_from(ledger.days()).unwrap_or(0);
    let mut total = vec![Decimal::ZERO; days];
    let mut known = false;
    for account in &ledger.accounts {
        if account.statement.currency != ledger.currency {
            continue;
        }
        let series = DailyBalances::of(account.statement, ledger.start, ledger.end);
        known |= series.known;
        for (sum, value) in total.iter_mut().zip(&series.values) {
            *sum += *value;
        }
    }
    (total, known)
}

/// Balance after each transaction of a statement: the printed one, else the running sum from
/// the opening balance (or from the balance the first printed one implies).
pub fn running_balances(statement: &ledgerlens_core::Statement) -> Vec<Decimal> {
    let opening = statement
        .opening_balance
        .map(|a| a.as_decimal())
        .or_else(|| {
            let mut before = Decimal::ZERO;
            for t in &statement.transactions {
                before += t.amount.as_decimal();
                if let Some(balance) = t.balance {
                    return Some(balance.as_decimal() - before);
                }
            }
            None
        })
        .unwrap_or(Decimal::ZERO);
    let mut current = opening;
    statement
        .transactions
        .iter()
        .map(|t| {
            current = match t.balance {
                Some(balance) => balance.as_decimal(),
                None => current + t.amount.as_decimal(),
            };
            current
        })
        .collect()
}

/// Sum of the absolute amounts of entries.
pub fn abs_sum<'a, 'b: 'a, I: IntoIterator<Item = &'a Entry<'b>>>(entries: I) -> Decimal {
    sum(entries.into_iter().map(|e| e.amount().abs()))
}
