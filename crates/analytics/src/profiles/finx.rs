//! The finX risk report (spec 002), in finX's own JSON shape.
//!
//! finX lenders read one document per applicant: per connected account (main account, days in
//! overdraft, average balances, last activity, joint ownership, name verification), then income
//! (regular, variable, the primary stream), expenses (regular, variable) and four indicators
//! (ATM, gambling, debt collection, loans), aggregated across accounts. Every figure here is a
//! sum over categories of our taxonomy as docs/taxonomy.md §2.2 maps them; docs/analytics.md
//! ("finX") defines each one, with the choices made where the spec is silent.
//!
//! The report is typed with exact `Decimal` money so that tests and the scoring crate read the
//! exact figures; serialisation prints money as JSON numbers rounded to the cent, as finX does.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ledgerlens_core::{Category, Primary};
use ledgerlens_enrich::{Frequency, LoanRole};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::affinity::{self, Affinity};
use crate::balances::DailyBalances;
use crate::indicators::{
    Aggregate, canonical_accounts, category, category_id, month_index, months_back, span,
    whole_months,
};
use crate::ledger::{Entry, Ledger, money_number, ratio, sum};
use crate::options::AnalysisOptions;

/// Money as a JSON number rounded to the cent (finX prints amounts as numbers).
fn money<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    money_number(*value).serialize(serializer)
}

/// Optional money: a number, or `null` when the figure is unknown.
fn money_opt<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    value.map(money_number).serialize(serializer)
}

/// The whole report: `GET /rest/risk-reports/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FinxReport {
    /// Months the data covers: days covered × 12 / 365.25, rounded, at least 1.
    pub period: i64,
    /// One entry per account, in a canonical order (identity, currency, first day).
    pub accounts: Vec<FinxAccount>,
    /// Income, across accounts.
    pub income: FinxIncome,
    /// Expenses, across accounts.
    pub expenses: FinxExpenses,
    /// Cash withdrawals (`TRANSFER_OUT_WITHDRAWAL`).
    pub atm: Indicator,
    /// Gambling stakes (`GAMBLING` debits).
    pub gambling: RatedIndicator,
    /// Payments to debt collectors (`LOAN_PAYMENTS_DEBT_COLLECTION`).
    pub debt_collection: Indicator,
    /// Loan repayments (`LOAN_PAYMENTS` except debt collection), net of repayments that came
    /// back unpaid.
    pub loan: RatedIndicator,
}

/// One connected account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FinxAccount {
    /// The account's name as the bank gives it; we know the bank's name only.
    pub name: Option<String>,
    /// Account kind (`checking`, `savings`, `credit_card`, …, `unknown`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The printed holder, one entry per owner of a joint account.
    pub owners: Vec<String>,
    /// IBAN, else account number — masked (`DE93****1006`): ledgerlens never prints account
    /// identifiers in full in an analysis.
    pub iban: Option<String>,
    /// ISO 4217 currency.
    pub currency: String,
    /// True when the printed holder names more than one owner; `null` when no holder is printed.
    pub is_jointly_managed: Option<bool>,
    /// True for the account the primary income is paid into.
    pub is_main_account: bool,
    /// Date of the account's last transaction (up to `as_of`).
    pub last_transaction_on: Option<NaiveDate>,
    /// Balance figures.
    pub balance: FinxBalance,
    /// Name verification; `null` when the lender gave no name.
    pub verification_result: Option<Verification>,
}

/// Balance figures of one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FinxBalance {
    /// Days whose closing balance is below zero, over the days the account covers up to `as_of`.
    pub days_in_overdraft: usize,
    /// Mean end-of-day balances.
    pub average: AverageBalances,
}

/// Mean end-of-day balance over the last 1, 3 and 6 calendar months of the account; `null`
/// when the statement prints no balance at all (only movements are then known).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AverageBalances {
    /// Last month.
    #[serde(serialize_with = "money_opt")]
    pub one_month: Option<Decimal>,
    /// Last three months.
    #[serde(serialize_with = "money_opt")]
    pub three_months: Option<Decimal>,
    /// Last six months.
    #[serde(serialize_with = "money_opt")]
    pub six_months: Option<Decimal>,
}

/// The provided name against the printed holder.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verification {
    /// What the lender gave.
    pub provided: Provided,
    /// The best-matching printed owner; `null` when the statement prints no holder.
    pub matched: Option<Matched>,
}

/// What the lender gave.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Provided {
    /// The applicant's name.
    pub name: String,
    /// The IBAN the applicant gave; ledgerlens is not given one, so always `null`.
    pub iban: Option<String>,
}

/// The best-matching printed owner and its affinity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Matched {
    /// The owner's name as printed.
    pub name: String,
    /// VERY_HIGH, HIGH, MEDIUM or LOW (see [`crate::affinity`]).
    pub affinity: Affinity,
}

/// Income across accounts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FinxIncome {
    /// Income credits that belong to a periodic series ("incoming contracts"), by category.
    pub regular: Vec<CategoryAggregate>,
    /// The other income credits, by category.
    pub variable: Vec<CategoryAggregate>,
    /// The primary income stream; `null` when there is no income.
    pub primary: Option<PrimaryIncome>,
    /// Days from the last primary-income credit (else the last income credit) to `as_of`.
    pub closeness: Option<i64>,
    /// Expenses ÷ income (both as positive totals); `null` when there is no income.
    pub consumption_rate: Option<f64>,
}

/// Expenses across accounts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FinxExpenses {
    /// Debits that belong to a periodic series ("outgoing contracts"), by category.
    pub regular: Vec<RatedCategoryAggregate>,
    /// The other debits, by category.
    pub variable: Vec<RatedCategoryAggregate>,
}

/// finX's aggregate block: signed amounts as booked (income positive, spending negative).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Indicator {
    /// Sum of the signed amounts.
    #[serde(serialize_with = "money")]
    pub total: Decimal,
    /// Smallest signed amount (0 when there is none).
    #[serde(serialize_with = "money")]
    pub low: Decimal,
    /// Largest signed amount (0 when there is none).
    #[serde(serialize_with = "money")]
    pub high: Decimal,
    /// Mean signed amount (0 when there is none).
    #[serde(serialize_with = "money")]
    pub average: Decimal,
    /// Number of transactions.
    pub count: usize,
    /// Where the transactions can be listed: our transactions query, by category ids and dates.
    pub href: String,
}

/// An indicator with its weight against income.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RatedIndicator {
    /// The aggregate.
    #[serde(flatten)]
    pub aggregate: Indicator,
    /// 100 × outflow ÷ income, a percentage; `null` when there is no income.
    pub ratio_to_income: Option<f64>,
}

/// A category reference: finX's `{id, name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CategoryRef {
    /// Position of the category in the taxonomy table (stable: the table is append-only).
    pub id: usize,
    /// The detailed category code.
    pub name: String,
}

impl CategoryRef {
    fn of(category: Category) -> CategoryRef {
        CategoryRef {
            id: category_id(category),
            name: category.code().to_owned(),
        }
    }
}

/// The aggregate of one category's transactions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryAggregate {
    /// The figures.
    #[serde(flatten)]
    pub aggregate: Indicator,
    /// The category.
    pub category: CategoryRef,
    /// First booking date.
    pub first_booked_on: NaiveDate,
    /// Last booking date.
    pub last_booked_on: NaiveDate,
}

/// A category aggregate with its weight against income.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RatedCategoryAggregate {
    /// The figures.
    #[serde(flatten)]
    pub aggregate: CategoryAggregate,
    /// 100 × outflow ÷ income, a percentage; `null` when there is no income.
    pub ratio_to_income: Option<f64>,
}

/// The primary income stream.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrimaryIncome {
    /// `weekly`, `biweekly`, `monthly`, `quarterly`, or `irregular` when not periodic.
    pub recurrence: String,
    /// Share of the reporting period's expected payments that were received (0–1).
    pub stability: f64,
    /// The figures.
    #[serde(flatten)]
    pub aggregate: CategoryAggregate,
    /// The payer.
    pub payment_partner: PaymentPartner,
}

/// The payer of the primary income.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentPartner {
    /// The payer's normalised counterparty key (stable across statements).
    pub id: String,
    /// The payer's name as first spelled.
    pub name: String,
}

/// Debits that are moves of the holder's own money rather than spending (taxonomy §2.2).
const NOT_EXPENSES: &[&str] = &[
    "TRANSFER_OUT_ACCOUNT_TRANSFER",
    "TRANSFER_OUT_SAVINGS",
    "TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS",
];

/// What the report reads, fixed once.
struct Scope<'l, 'a> {
    ledger: &'l Ledger<'a>,
    /// Entries in the analysis currency up to `as_of`.
    entries: Vec<&'l Entry<'a>>,
    as_of: NaiveDate,
}

impl<'l, 'a> Scope<'l, 'a> {
    fn select(&self, keep: impl Fn(&Entry<'a>) -> bool) -> Vec<&'l Entry<'a>> {
        self.entries.iter().copied().filter(|e| keep(e)).collect()
    }

    fn href(&self, ids: &[usize], first: Option<NaiveDate>, last: Option<NaiveDate>) -> String {
        let ids: Vec<String> = ids.iter().map(usize::to_string).collect();
        format!(
            "/transactions?categories={}&since={}&until={}",
            ids.join(","),
            first.unwrap_or(self.ledger.start),
            last.unwrap_or(self.as_of)
        )
    }

    fn indicator(&self, entries: &[&Entry<'a>], ids: &[usize]) -> Indicator {
        let aggregate = Aggregate::of(entries.iter().copied());
        Indicator {
            total: aggregate.map_or(Decimal::ZERO, |a| a.total),
            low: aggregate.map_or(Decimal::ZERO, |a| a.low),
            high: aggregate.map_or(Decimal::ZERO, |a| a.high),
            average: aggregate.map_or(Decimal::ZERO, |a| a.average()),
            count: aggregate.map_or(0, |a| a.count),
            href: self.href(ids, aggregate.map(|a| a.first), aggregate.map(|a| a.last)),
        }
    }

    /// One aggregate per category, largest absolute total first (then by code).
    fn by_category(&self, entries: &[&Entry<'a>]) -> Vec<CategoryAggregate> {
        let mut groups: BTreeMap<Category, Vec<&Entry<'a>>> = BTreeMap::new();
        for entry in entries {
            groups.entry(entry.category()).or_default().push(entry);
        }
        let mut out: Vec<CategoryAggregate> = groups
            .into_iter()
            .filter_map(|(category, members)| {
                let aggregate = Aggregate::of(members.iter().copied())?;
                Some(CategoryAggregate {
                    aggregate: self.indicator(&members, &[category_id(category)]),
                    category: CategoryRef::of(category),
                    first_booked_on: aggregate.first,
                    last_booked_on: aggregate.last,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.aggregate
                .total
                .abs()
                .cmp(&a.aggregate.total.abs())
                .then_with(|| a.category.name.cmp(&b.category.name))
        });
        out
    }
}

/// 100 × outflow ÷ income; `None` without income.
fn percent_of(outflow: Decimal, income: Decimal) -> Option<f64> {
    (!income.is_zero()).then(|| 100.0 * ratio(outflow, income))
}

/// Builds the finX risk report of a ledger.
pub fn build(ledger: &Ledger<'_>, options: &AnalysisOptions) -> FinxReport {
    let as_of = ledger.as_of;
    let scope = Scope {
        ledger,
        entries: ledger.in_currency().filter(|e| e.date() <= as_of).collect(),
        as_of,
    };
    let days = (as_of - ledger.start).num_days() + 1;
    let period = ((days.max(0) * 48 + 730) / 1461).max(1);

    // Income: INCOME credits that are neither own-account moves nor loan legs (as enrichment's
    // income streams count them).
    let income = scope.select(|e| {
        e.is_credit() && e.primary() == Primary::Income && !e.is_internal() && e.enr.loan.is_none()
    });
    let income_total = sum(income.iter().map(|e| e.amount()));
    let (regular_in, variable_in): (Vec<&Entry<'_>>, Vec<&Entry<'_>>) =
        income.iter().copied().partition(|e| e.enr.series.is_some());

    let not_expenses: Vec<Category> = NOT_EXPENSES.iter().filter_map(|c| category(c)).collect();
    let expenses =
        scope.select(|e| e.is_debit() && !e.is_internal() && !not_expenses.contains(&e.category()));
    let expense_total = Decimal::ZERO - sum(expenses.iter().map(|e| e.amount()));
    let (regular_out, variable_out): (Vec<&Entry<'_>>, Vec<&Entry<'_>>) = expenses
        .iter()
        .copied()
        .partition(|e| e.enr.series.is_some());
    let rated = |groups: Vec<CategoryAggregate>| -> Vec<RatedCategoryAggregate> {
        groups
            .into_iter()
            .map(|aggregate| RatedCategoryAggregate {
                ratio_to_income: percent_of(-aggregate.aggregate.total, income_total),
                aggregate,
            })
            .collect()
    };

    let primary = primary_income(&scope, ledger);
    let last_income = primary
        .as_ref()
        .map(|p| p.1.aggregate.last_booked_on)
        .or_else(|| income.iter().map(|e| e.date()).max());

    // Indicators.
    let withdrawal = category("TRANSFER_OUT_WITHDRAWAL");
    let collection = category("LOAN_PAYMENTS_DEBT_COLLECTION");
    let atm = scope.select(|e| {
        e.is_debit() && !e.is_internal() && withdrawal.is_some_and(|c| e.category() == c)
    });
    let gambling = scope.select(|e| e.is_debit() && e.primary() == Primary::Gambling);
    let debt_collection = scope.select(|e| {
        e.is_debit() && !e.is_internal() && collection.is_some_and(|c| e.category() == c)
    });
    let loan = scope.select(|e| {
        let repayment = e.is_debit()
            && e.primary() == Primary::LoanPayments
            && collection.is_none_or(|c| e.category() != c);
        let came_back = e.is_credit() && e.enr.loan == Some(LoanRole::ReturnedRepayment);
        !e.is_internal() && (repayment || came_back)
    });
    let ids_of = |entries: &[&Entry<'_>], fallback: &[Option<Category>]| -> Vec<usize> {
        let mut ids: Vec<usize> = entries
            .iter()
            .map(|e| category_id(e.category()))
            .chain(fallback.iter().flatten().map(|c| category_id(*c)))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let gambling_codes: Vec<Option<Category>> = ledgerlens_core::TAXONOMY
        .iter()
        .filter(|info| info.primary == Primary::Gambling && !info.code.ends_with("WINNINGS"))
        .map(|info| category(info.code))
        .collect();
    let loan_codes: Vec<Option<Category>> = ledgerlens_core::TAXONOMY
        .iter()
        .filter(|info| {
            info.primary == Primary::LoanPayments && info.code != "LOAN_PAYMENTS_DEBT_COLLECTION"
        })
        .map(|info| category(info.code))
        .collect();
    let gambling_block = scope.indicator(&gambling, &ids_of(&gambling, &gambling_codes));
    let loan_block = scope.indicator(&loan, &ids_of(&loan, &loan_codes));

    FinxReport {
        period,
        accounts: accounts(&scope, options, primary.as_ref().map(|p| p.0)),
        income: FinxIncome {
            regular: scope.by_category(&regular_in),
            variable: scope.by_category(&variable_in),
            closeness: last_income.map(|d| (as_of - d).num_days()),
            consumption_rate: (!income_total.is_zero()).then(|| ratio(expense_total, income_total)),
            primary: primary.map(|p| p.1),
        },
        expenses: FinxExpenses {
            regular: rated(scope.by_category(&regular_out)),
            variable: rated(scope.by_category(&variable_out)),
        },
        atm: scope.indicator(&atm, &ids_of(&atm, &[withdrawal])),
        gambling: RatedIndicator {
            ratio_to_income: percent_of(-gambling_block.total, income_total),
            aggregate: gambling_block,
        },
        debt_collection: scope
            .indicator(&debt_collection, &ids_of(&debt_collection, &[collection])),
        loan: RatedIndicator {
            ratio_to_income: percent_of(-loan_block.total, income_total),
            aggregate: loan_block,
        },
    }
}

/// The primary income stream across accounts: each account's enrichment names its primary
/// stream; the one with the largest total wins (ties: the first account in canonical order).
/// Returns the account it is paid into with the report block.
fn primary_income(scope: &Scope<'_, '_>, ledger: &Ledger<'_>) -> Option<(usize, PrimaryIncome)> {
    let mut best: Option<(usize, &ledgerlens_enrich::IncomeStream)> = None;
    for account in canonical_accounts(ledger) {
        let Some(a) = ledger.accounts.get(account) else {
            continue;
        };
        if a.statement.currency != ledger.currency {
            continue;
        }
        let income = &a.enriched.income;
        let Some(stream) = income.primary.and_then(|i| income.streams.get(i)) else {
            continue;
        };
        if best.is_none_or(|(_, b)| stream.total > b.total) {
            best = Some((account, stream));
        }
    }
    let (account, stream) = best?;
    let members: crate::ledger::FastSet<usize> = stream.members.iter().copied().collect();
    let entries = scope.select(|e| e.account == account && members.contains(&e.index));
    let aggregate = Aggregate::of(entries.iter().copied())?;
    let category = stream.category;
    let name = entries
        .iter()
        .find_map(|e| e.enr.counterparty.as_ref())
        .map_or_else(|| stream.counterparty.to_string(), |c| c.name.to_string());
    Some((
        account,
        PrimaryIncome {
            recurrence: stream
                .frequency
                .map_or("irregular", frequency_name)
                .to_owned(),
            stability: stability(&entries, stream.frequency, scope.ledger.start, scope.as_of),
            aggregate: CategoryAggregate {
                aggregate: scope.indicator(&entries, &[category_id(category)]),
                category: CategoryRef::of(category),
                first_booked_on: aggregate.first,
                last_booked_on: aggregate.last,
            },
            payment_partner: PaymentPartner {
                id: stream.counterparty.to_string(),
                name,
            },
        },
    ))
}

fn frequency_name(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Weekly => "weekly",
        Frequency::Biweekly => "biweekly",
        Frequency::Monthly => "monthly",
        Frequency::Quarterly => "quarterly",
    }
}

/// finX's stability, "the ratio at which the income stream has been detected in the reporting
/// period": payments received ÷ payments expected, at most 1.
///
/// - Monthly or irregular streams: calendar months wholly inside the period that hold a
///   payment ÷ those months (a partial first or last month cannot show a missed payment).
/// - Quarterly: months holding a payment ÷ (whole months ÷ 3, at least 1).
/// - Weekly / biweekly: payments in the period ÷ (days in the period ÷ 7 or 14, at least 1).
///
/// When no month is wholly covered, the touched months stand in for whole months.
pub fn stability(
    entries: &[&Entry<'_>],
    frequency: Option<Frequency>,
    start: NaiveDate,
    end: NaiveDate,
) -> f64 {
    let mut months = whole_months(start, end);
    if months.is_empty() {
        months = (month_index(start)..=month_index(end)).collect();
    }
    let mut paid: Vec<i64> = entries
        .iter()
        .map(|e| month_index(e.date()))
        .filter(|m| months.binary_search(m).is_ok())
        .collect();
    paid.sort_unstable();
    paid.dedup();
    let (received, expected) = match frequency {
        Some(Frequency::Weekly | Frequency::Biweekly) => {
            let period = frequency.map_or(7, Frequency::days);
            let days = (end - start).num_days() + 1;
            let expected = (days / i64::from(period)).max(1);
            let received = entries
                .iter()
                .filter(|e| e.date() >= start && e.date() <= end)
                .count();
            (i64::try_from(received).unwrap_or(i64::MAX), expected)
        }
        Some(Frequency::Quarterly) => (
            i64::try_from(paid.len()).unwrap_or(0),
            (i64::try_from(months.len()).unwrap_or(0) / 3).max(1),
        ),
        Some(Frequency::Monthly) | None => (
            i64::try_from(paid.len()).unwrap_or(0),
            i64::try_from(months.len()).unwrap_or(0).max(1),
        ),
    };
    ratio(Decimal::from(received), Decimal::from(expected)).min(1.0)
}

/// The per-account block.
fn accounts(
    scope: &Scope<'_, '_>,
    options: &AnalysisOptions,
    main: Option<usize>,
) -> Vec<FinxAccount> {
    let ledger = scope.ledger;
    canonical_accounts(ledger)
        .into_iter()
        .filter_map(|index| {
            let account = ledger.accounts.get(index)?;
            let statement = account.statement;
            let holder = statement
                .account
                .holder
                .as_deref()
                .map(str::trim)
                .filter(|h| !h.is_empty());
            let last = statement
                .transactions
                .iter()
                .map(|t| t.date)
                .filter(|d| *d <= scope.as_of)
                .max();
            Some(FinxAccount {
                name: statement.account.bank.clone(),
                kind: serde_json::to_value(statement.account.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "unknown".to_owned()),
                owners: holder.map(affinity::owners).unwrap_or_default(),
                iban: statement
                    .account
                    .iban
                    .as_ref()
                    .map(|i| i.masked())
                    .or_else(|| statement.account.number.as_ref().map(|n| n.masked())),
                currency: statement.currency.code().to_owned(),
                is_jointly_managed: affinity::jointly_managed(holder),
                is_main_account: main == Some(index),
                last_transaction_on: last,
                balance: balance(statement, scope.as_of),
                verification_result: options
                    .account_holder_name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|provided| Verification {
                        provided: Provided {
                            name: provided.to_owned(),
                            iban: None,
                        },
                        matched: holder.map(|holder| {
                            let (name, affinity) = affinity::best_match(provided, holder);
                            Matched { name, affinity }
                        }),
                    }),
            })
        })
        .collect()
}

/// Overdraft days and average balances of one account over the days it covers up to `as_of`.
fn balance(statement: &ledgerlens_core::Statement, as_of: NaiveDate) -> FinxBalance {
    let empty = FinxBalance {
        days_in_overdraft: 0,
        average: AverageBalances {
            one_month: None,
            three_months: None,
            six_months: None,
        },
    };
    let Some((start, end)) = span(statement) else {
        return empty;
    };
    let end = end.min(as_of);
    if end < start {
        return empty;
    }
    let series = DailyBalances::of(statement, start, end);
    if !series.known {
        return empty;
    }
    let mean = |months: u32| {
        let from = months_back(end, months).max(start);
        Some(DailyBalances::mean(series.window(from, end)))
    };
    FinxBalance {
        days_in_overdraft: series.overdraft_days(),
        average: AverageBalances {
            one_month: mean(1),
            three_months: mean(3),
            six_months: mean(6),
        },
    }
}
