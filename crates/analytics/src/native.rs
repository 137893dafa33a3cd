//! Our own complete analysis shape: every raw figure, money as exact decimal strings.
//!
//! The vendor shapes round, rename and drop; this one is what a lender's own model should read.
//! Money is an [`Amount`] (a decimal string on the wire, never a float), ratios are numbers in
//! 0–1, dates are ISO `YYYY-MM-DD`, months `YYYY-MM`. Lists are in an order that does not depend
//! on the order the statements were given in. It is a struct of sections so that each
//! product's raw inputs can be added as a section of its own. Definitions: docs/analytics.md,
//! "Native".

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use ledgerlens_core::{AccountKind, Amount, Category, Primary, ReconciliationStatus};
use ledgerlens_enrich::{Channel, Frequency};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::balances::DailyBalances;
use crate::cashflow::{CashFlow, Month};
use crate::credit::Credit;
use crate::facts::Facts;
use crate::income::Income;
use crate::ledger::{Ledger, amount, ratio, sum};
use crate::names::NameComparison;
use crate::options::AnalysisOptions;
use crate::profiles::periculum::{account_sweep, inflow_irregularity};
use crate::spend::{Spend, Tally};

/// The whole native analysis.
#[derive(Clone, Debug, Serialize)]
pub struct NativeAnalysis {
    /// Shape version; bumped when a field changes meaning.
    pub version: u32,
    /// Currency every money figure is in (the main account's).
    pub currency: String,
    /// The date the analysis is as of.
    pub as_of: NaiveDate,
    /// What the ledger covers.
    pub period: PeriodSection,
    /// Per account, ordered by account identity.
    pub accounts: Vec<AccountSection>,
    /// Money in and out.
    pub cash_flow: CashFlowSection,
    /// Spending.
    pub spending: SpendingSection,
    /// Income.
    pub income: IncomeSection,
    /// Loans.
    pub loans: LoansSection,
    /// Gambling.
    pub gambling: GamblingSection,
    /// Bank charges.
    pub bank_charges: ChargesSection,
    /// Periodic series, by counterparty.
    pub recurring: Vec<SeriesSection>,
    /// How the balance behaves.
    pub balance_behaviour: BalanceSection,
    /// How far the figures can be trusted.
    pub data_quality: DataQualitySection,
    /// Whose account it is, and whether that is the applicant.
    pub holder: HolderSection,
}

/// Whose account the statements are: the holder names they print, and the applicant's name the
/// lender gave compared with them. A statement of someone else's account is the
/// plainest document fraud there is, so the comparison is part of the report, not only of the
/// EnvoyX profile that specifies it (spec 003: EXACT, PARTIAL, MISMATCH).
#[derive(Clone, Debug, Serialize)]
pub struct HolderSection {
    /// Distinct holder names printed, in account order.
    pub printed: Vec<String>,
    /// The applicant's name as the lender gave it (the upload's `account_holder_name`, or its
    /// case's name); `null` when none was given.
    pub declared: Option<String>,
    /// The declared name against the printed name it matches best; `null` when either is
    /// missing.
    pub name_match: Option<NameComparison>,
}

/// The span analysed.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodSection {
    /// First day covered.
    pub start: NaiveDate,
    /// Last day covered.
    pub end: NaiveDate,
    /// Days covered, both ends included.
    pub days: i64,
    /// Calendar months touched (the denominator of every monthly average).
    pub months: usize,
    /// Monday-to-Sunday weeks touched (the denominator of every weekly average).
    pub weeks: usize,
    /// Calendar months with at least one transaction.
    pub transacting_months: usize,
    /// Number of transactions with a non-zero amount, in the analysis currency.
    pub transactions: usize,
}

/// Average end-of-day balance over trailing windows ending at `as_of`.
#[derive(Clone, Debug, Serialize)]
pub struct AverageBalances {
    /// Last month.
    pub last_1_month: Amount,
    /// Last three months.
    pub last_3_months: Amount,
    /// Last six months.
    pub last_6_months: Amount,
}

/// One account.
#[derive(Clone, Debug, Serialize)]
pub struct AccountSection {
    /// Masked number or IBAN.
    pub identifier: Option<String>,
    /// Bank name.
    pub bank: Option<String>,
    /// Holder as printed.
    pub holder: Option<String>,
    /// Account kind.
    pub kind: AccountKind,
    /// Currency code.
    pub currency: String,
    /// False when its currency differs from the analysis currency (its money is left out).
    pub in_analysis_currency: bool,
    /// Transactions (merged over its files).
    pub transactions: usize,
    /// First transaction date.
    pub first_transaction: Option<NaiveDate>,
    /// Last transaction date.
    pub last_transaction: Option<NaiveDate>,
    /// End-of-day balance on the ledger's first day.
    pub opening_balance: Amount,
    /// End-of-day balance on the ledger's last day.
    pub closing_balance: Amount,
    /// Lowest end-of-day balance.
    pub min_balance: Amount,
    /// Highest end-of-day balance.
    pub max_balance: Amount,
    /// Days whose end-of-day balance is below zero.
    pub days_in_overdraft: usize,
    /// Trailing averages.
    pub average_balance: AverageBalances,
    /// False when the statement states no balance at all (balances are then relative to zero).
    pub balances_known: bool,
}

/// One calendar month of cash flow.
#[derive(Clone, Debug, Serialize)]
pub struct MonthSection {
    /// `YYYY-MM`.
    pub month: String,
    /// Days of the month inside the span (fewer than the month's for partial months).
    pub days: usize,
    /// Credits without own-account moves.
    pub inflow: Amount,
    /// Debits without own-account moves (positive).
    pub outflow: Amount,
    /// inflow − outflow.
    pub net: Amount,
    /// All credits.
    pub credits: Amount,
    /// All debits (positive).
    pub debits: Amount,
    /// End-of-day balance of the month's last covered day.
    pub closing_balance: Amount,
    /// Lowest end-of-day balance.
    pub min_balance: Amount,
    /// Mean end-of-day balance.
    pub mean_balance: Amount,
    /// Transactions booked.
    pub transactions: usize,
}

/// Money in and out over the span.
#[derive(Clone, Debug, Serialize)]
pub struct CashFlowSection {
    /// All credits.
    pub credit_turnover: Amount,
    /// All debits (positive).
    pub debit_turnover: Amount,
    /// Credits without own-account moves.
    pub inflow: Amount,
    /// Debits without own-account moves.
    pub outflow: Amount,
    /// inflow − outflow.
    pub net: Amount,
    /// inflow / months.
    pub average_monthly_inflow: Amount,
    /// outflow / months.
    pub average_monthly_outflow: Amount,
    /// inflow / weeks.
    pub average_weekly_inflow: Amount,
    /// outflow / weeks.
    pub average_weekly_outflow: Amount,
    /// credit turnover / months.
    pub average_monthly_credits: Amount,
    /// debit turnover / months.
    pub average_monthly_debits: Amount,
    /// Mean of the months' mean end-of-day balances.
    pub average_monthly_balance: Amount,
    /// Mean of the weeks' mean end-of-day balances.
    pub average_weekly_balance: Amount,
    /// End-of-day balance of the last day.
    pub closing_balance: Amount,
    /// Number of credits.
    pub credit_count: usize,
    /// Number of debits.
    pub debit_count: usize,
    /// Share of months whose inflow is more than 50 % away from the median month's.
    pub inflow_irregularity: f64,
    /// Per calendar month.
    pub months: Vec<MonthSection>,
}

/// A total over a group.
#[derive(Clone, Debug, Serialize)]
pub struct GroupTotal {
    /// The group (category code, primary code, channel name or payee).
    pub key: String,
    /// Sum (positive).
    pub total: Amount,
    /// Transactions.
    pub count: usize,
    /// Share of all spending.
    pub share: f64,
}

/// Spending (debits that are not own-account moves).
#[derive(Clone, Debug, Serialize)]
pub struct SpendingSection {
    /// Total.
    pub total: Amount,
    /// Number of debits.
    pub count: usize,
    /// total / months.
    pub average_monthly: Amount,
    /// Debits that belong to a periodic series.
    pub recurring: Amount,
    /// Debits in a foreign currency or charged a foreign-transaction fee.
    pub international: Amount,
    /// Largest single debit.
    pub largest: Amount,
    /// By primary category, largest first.
    pub by_primary: Vec<GroupTotal>,
    /// By detailed category, largest first.
    pub by_category: Vec<GroupTotal>,
    /// By channel, largest first.
    pub by_channel: Vec<GroupTotal>,
    /// The ten largest payees.
    pub top_payees: Vec<GroupTotal>,
}

/// A salary payment.
#[derive(Clone, Debug, Serialize)]
pub struct PaymentSection {
    /// Pay day.
    pub date: NaiveDate,
    /// Salary credited that day.
    pub amount: Amount,
}

/// Salary.
#[derive(Clone, Debug, Serialize)]
pub struct SalarySection {
    /// True when salary was found.
    pub earner: bool,
    /// Total salary.
    pub total: Amount,
    /// Payments (salary per pay day), oldest first.
    pub payments: Vec<PaymentSection>,
    /// Mean payment.
    pub average: Amount,
    /// Smallest payment.
    pub lowest: Option<Amount>,
    /// Latest payment.
    pub latest: Option<PaymentSection>,
    /// Median day of the month of the pay days.
    pub pay_day: Option<u32>,
    /// How often it is paid.
    pub frequency: Option<Frequency>,
}

/// One income stream.
#[derive(Clone, Debug, Serialize)]
pub struct StreamSection {
    /// Payer key.
    pub counterparty: String,
    /// Category of its credits.
    pub category: Category,
    /// Salary or not.
    pub salary: bool,
    /// Credits.
    pub count: usize,
    /// Sum of its credits.
    pub total: Amount,
    /// total / months of the span.
    pub monthly_average: Amount,
    /// 0–1 regularity.
    pub stability: f64,
    /// 0–1 recency relative to its period.
    pub closeness: f64,
    /// Usual day of the month.
    pub payment_day: Option<u32>,
    /// Frequency when periodic.
    pub frequency: Option<Frequency>,
    /// Last payment.
    pub last_date: NaiveDate,
    /// True for the primary stream.
    pub primary: bool,
}

/// Income (`INCOME` credits; transfers in are never income).
#[derive(Clone, Debug, Serialize)]
pub struct IncomeSection {
    /// Salary plus other income.
    pub total: Amount,
    /// total / months.
    pub average_monthly: Amount,
    /// Salary.
    pub salary: SalarySection,
    /// Other income total.
    pub other_income: Amount,
    /// Other income credits.
    pub other_income_count: usize,
    /// other income / months.
    pub other_income_average_monthly: Amount,
    /// (income − spending) / months.
    pub net_average_monthly_earning: Amount,
    /// Streams, largest first.
    pub streams: Vec<StreamSection>,
    /// The primary stream's payer.
    pub primary_stream: Option<String>,
}

/// One lender.
#[derive(Clone, Debug, Serialize)]
pub struct LenderSection {
    /// Lender key.
    pub lender: String,
    /// Disbursed to the holder.
    pub disbursed: Amount,
    /// Disbursements.
    pub disbursements: usize,
    /// Repaid by the holder.
    pub repaid: Amount,
    /// Repayments.
    pub repayments: usize,
    /// Repayments returned unpaid.
    pub returned: usize,
    /// First activity.
    pub first_date: Option<NaiveDate>,
    /// Last activity.
    pub last_date: Option<NaiveDate>,
}

/// Loans.
#[derive(Clone, Debug, Serialize)]
pub struct LoansSection {
    /// Total disbursed.
    pub disbursed: Amount,
    /// Disbursements.
    pub disbursements: usize,
    /// Total repaid.
    pub repaid: Amount,
    /// Repayments.
    pub repayments: usize,
    /// Returned repayments (the failed debits).
    pub returned_repayments: usize,
    /// Amount of the returned repayments.
    pub returned_amount: Amount,
    /// disbursed / months.
    pub average_monthly_disbursed: Amount,
    /// repaid / months.
    pub average_monthly_repaid: Amount,
    /// disbursed / inflow.
    pub disbursed_to_inflow: f64,
    /// repaid / inflow.
    pub repaid_to_inflow: f64,
    /// Distinct lenders.
    pub lender_count: usize,
    /// Largest number of loans outstanding at once (stacking when > 1).
    pub max_concurrent_loans: usize,
    /// True when loans overlapped.
    pub stacking: bool,
    /// Pairs of lenders whose loans overlapped.
    pub overlapping: Vec<(String, String)>,
    /// Paid to debt collectors.
    pub debt_collection: Amount,
    /// Returned or bounced payments of any kind.
    pub returned_payments: usize,
    /// Per lender, by key.
    pub lenders: Vec<LenderSection>,
}

/// Gambling (the `GAMBLING` primary).
#[derive(Clone, Debug, Serialize)]
pub struct GamblingSection {
    /// Stakes (debits).
    pub stakes: Amount,
    /// Number of stakes.
    pub stake_count: usize,
    /// Winnings (credits).
    pub winnings: Amount,
    /// Number of winnings.
    pub winning_count: usize,
    /// stakes − winnings.
    pub net_loss: Amount,
    /// stakes / months.
    pub average_monthly_stakes: Amount,
    /// stakes / inflow.
    pub stakes_to_inflow: f64,
    /// Months with at least one stake / months.
    pub months_with_gambling: f64,
}

/// Bank charges (the `BANK_FEES` primary, debits).
#[derive(Clone, Debug, Serialize)]
pub struct ChargesSection {
    /// Total.
    pub total: Amount,
    /// Number.
    pub count: usize,
    /// total / months.
    pub average_monthly: Amount,
    /// total / outflow.
    pub to_outflow: f64,
    /// By detailed category.
    pub by_kind: Vec<GroupTotal>,
}

/// One periodic series.
#[derive(Clone, Debug, Serialize)]
pub struct SeriesSection {
    /// Counterparty key.
    pub counterparty: String,
    /// True for money in.
    pub inflow: bool,
    /// How often.
    pub frequency: Frequency,
    /// Category most members have.
    pub category: Category,
    /// Members.
    pub count: usize,
    /// Median member amount (signed).
    pub typical_amount: Amount,
    /// Sum of members (signed).
    pub total: Amount,
    /// Usual day of the month.
    pub day_of_month: Option<u32>,
    /// Last member.
    pub last_date: NaiveDate,
    /// Next due.
    pub next_expected: NaiveDate,
    /// Still running at `as_of`.
    pub active: bool,
    /// 0–1.
    pub interval_stability: f64,
    /// 0–1.
    pub amount_stability: f64,
}

/// The combined end-of-day balance over the span.
#[derive(Clone, Debug, Serialize)]
pub struct BalanceSection {
    /// Mean.
    pub mean: Amount,
    /// Lowest.
    pub min: Amount,
    /// Highest.
    pub max: Amount,
    /// Least-squares slope of the balance against the day: money per day.
    pub trend_per_day: Amount,
    /// Standard deviation / |mean| (0 when the mean is 0).
    pub volatility: f64,
    /// Days below zero.
    pub days_in_overdraft: usize,
    /// Days whose |balance| is at most one average day of outflow.
    pub days_near_zero: usize,
    /// Money recycled or balance artificially flat (see docs).
    pub account_sweep: bool,
}

/// Reconciliation of one account.
#[derive(Clone, Debug, Serialize)]
pub struct AccountQuality {
    /// Masked identifier.
    pub identifier: Option<String>,
    /// Verdict.
    pub status: ReconciliationStatus,
    /// Percentage (0–100) of checked rows whose balance chain holds.
    pub data_sanity: Option<f64>,
    /// Rows checked.
    pub rows_checked: usize,
    /// Rows consistent.
    pub rows_consistent: usize,
    /// Chain breaks.
    pub breaks: usize,
    /// Rows read by OCR.
    pub ocr_rows: usize,
    /// OCR rows whose balance did not reconcile.
    pub unreconciled_ocr_rows: usize,
}

/// Data quality.
#[derive(Clone, Debug, Serialize)]
pub struct DataQualitySection {
    /// Per account.
    pub accounts: Vec<AccountQuality>,
    /// Transactions left out because their account is in another currency.
    pub other_currency_transactions: usize,
    /// Share of analysed transactions no rule categorised.
    pub uncategorized_share: f64,
    /// Mean enrichment confidence.
    pub mean_confidence: f64,
}

fn identifier(account: &ledgerlens_core::Account) -> Option<String> {
    account
        .number
        .as_ref()
        .map(|n| n.masked())
        .or_else(|| account.iban.as_ref().map(|i| i.masked()))
}

fn groups<K: Ord>(
    tallies: &BTreeMap<K, Tally>,
    name: impl Fn(&K) -> String,
    whole: Decimal,
) -> Vec<GroupTotal> {
    let mut out: Vec<GroupTotal> = tallies
        .iter()
        .map(|(k, t)| GroupTotal {
            key: name(k),
            total: amount(t.total),
            count: t.count,
            share: ratio(t.total, whole),
        })
        .collect();
    out.sort_by(|a, b| {
        b.total
            .as_decimal()
            .cmp(&a.total.as_decimal())
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

fn median(values: &mut [Decimal]) -> Decimal {
    values.sort_unstable();
    values
        .get(values.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(Decimal::ZERO)
}

/// Trailing average of an account's balances over `months` months ending at `as_of`.
fn trailing(series: &DailyBalances, as_of: NaiveDate, months: u32) -> Amount {
    let from = as_of
        .checked_sub_months(Months::new(months))
        .and_then(|d| d.succ_opt())
        .unwrap_or(series.start);
    amount(DailyBalances::mean(
        series.window(from.max(series.start), as_of),
    ))
}

/// The holder names of the accounts (in the accounts section's order, so the input order of the
/// files changes nothing), and the declared name against the one it matches best.
fn holder_section(accounts: &[AccountSection], options: &AnalysisOptions) -> HolderSection {
    let mut printed: Vec<String> = Vec::new();
    for account in accounts {
        if let Some(name) = account.holder.as_deref().map(str::trim)
            && !name.is_empty()
            && !printed.iter().any(|n| n == name)
        {
            printed.push(name.to_owned());
        }
    }
    let declared = options
        .account_holder_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned);
    let rank = |c: &NameComparison| match c.result {
        crate::names::NameMatch::Exact => 2,
        crate::names::NameMatch::Partial => 1,
        crate::names::NameMatch::Mismatch => 0,
    };
    let name_match = declared.as_deref().and_then(|declared| {
        printed
            .iter()
            .map(|name| crate::names::compare(declared, name))
            .reduce(|best, next| {
                let better = (rank(&next), next.similarity) > (rank(&best), best.similarity);
                if better { next } else { best }
            })
    });
    HolderSection {
        printed,
        declared,
        name_match,
    }
}

/// Builds the native analysis.
pub fn build(ledger: &Ledger<'_>, options: &AnalysisOptions) -> NativeAnalysis {
    build_with(ledger, options, &Facts::of(ledger))
}

/// [`build`] from aggregates already computed for the ledger (shared with other profiles).
pub fn build_with(
    ledger: &Ledger<'_>,
    options: &AnalysisOptions,
    facts: &Facts<'_, '_>,
) -> NativeAnalysis {
    let Facts {
        flow,
        spend,
        income,
        credit,
    } = facts;
    let months = flow.month_count();
    let per_month = |value: Decimal| amount(flow.per_month(value));
    let as_of = ledger.as_of.min(ledger.end);

    let mut accounts: Vec<(Option<String>, AccountSection)> = ledger
        .accounts
        .iter()
        .map(|a| {
            let statement = a.statement;
            let series = DailyBalances::of(statement, ledger.start, ledger.end);
            let span = statement.transaction_span();
            (
                statement.account.identity_key(),
                AccountSection {
                    identifier: identifier(&statement.account),
                    bank: statement.account.bank.clone(),
                    holder: statement.account.holder.clone(),
                    kind: statement.account.kind,
                    currency: statement.currency.code().to_owned(),
                    in_analysis_currency: statement.currency == ledger.currency,
                    transactions: statement.transactions.len(),
                    first_transaction: span.map(|p| p.start),
                    last_transaction: span.map(|p| p.end),
                    opening_balance: amount(series.values.first().copied().unwrap_or_default()),
                    closing_balance: amount(series.values.last().copied().unwrap_or_default()),
                    min_balance: amount(series.values.iter().copied().min().unwrap_or_default()),
                    max_balance: amount(series.values.iter().copied().max().unwrap_or_default()),
                    days_in_overdraft: series.overdraft_days(),
                    average_balance: AverageBalances {
                        last_1_month: trailing(&series, as_of, 1),
                        last_3_months: trailing(&series, as_of, 3),
                        last_6_months: trailing(&series, as_of, 6),
                    },
                    balances_known: series.known,
                },
            )
        })
        .collect();
    accounts.sort_by(|(a, x), (b, y)| {
        (a, &x.currency, x.first_transaction, x.transactions).cmp(&(
            b,
            &y.currency,
            y.first_transaction,
            y.transactions,
        ))
    });

    let cash_flow = CashFlowSection {
        credit_turnover: amount(flow.credit_turnover),
        debit_turnover: amount(flow.debit_turnover),
        inflow: amount(flow.inflow),
        outflow: amount(flow.outflow),
        net: amount(flow.inflow - flow.outflow),
        average_monthly_inflow: per_month(flow.inflow),
        average_monthly_outflow: per_month(flow.outflow),
        average_weekly_inflow: amount(flow.per_week(flow.inflow)),
        average_weekly_outflow: amount(flow.per_week(flow.outflow)),
        average_monthly_credits: per_month(flow.credit_turnover),
        average_monthly_debits: per_month(flow.debit_turnover),
        average_monthly_balance: amount(flow.monthly_mean_balance()),
        average_weekly_balance: amount(flow.weekly_mean_balance),
        closing_balance: amount(flow.closing_balance()),
        credit_count: flow.credit_count,
        debit_count: flow.debit_count,
        inflow_irregularity: inflow_irregularity(flow),
        months: flow
            .months
            .iter()
            .map(|m| MonthSection {
                month: m.month.label(),
                days: m.days,
                inflow: amount(m.inflow),
                outflow: amount(m.outflow),
                net: amount(m.inflow - m.outflow),
                credits: amount(m.credits),
                debits: amount(m.debits),
                closing_balance: amount(m.closing_balance),
                min_balance: amount(m.min_balance),
                mean_balance: amount(m.mean_balance),
                transactions: m.transactions,
            })
            .collect(),
    };

    let whole = spend.total.total;
    let mut top_payees = groups(
        &spend.by_payee,
        |k: &&str| (*spend.payee_names.get(k).unwrap_or(k)).to_owned(),
        whole,
    );
    top_payees.truncate(10);
    let spending = SpendingSection {
        total: amount(whole),
        count: spend.total.count,
        average_monthly: per_month(whole),
        recurring: amount(spend.recurring.total),
        international: amount(spend.international.total),
        largest: amount(spend.highest),
        by_primary: groups(&spend.by_primary, |p: &Primary| p.code().to_owned(), whole),
        by_category: groups(
            &spend.by_category,
            |c: &Category| c.code().to_owned(),
            whole,
        ),
        by_channel: groups(&spend.by_channel, |c: &Channel| c.name().to_owned(), whole),
        top_payees,
    };

    let income_section = income_section(ledger, flow, spend, income, months);
    let loans = loans_section(ledger, flow, credit);
    let stake_months = ledger
        .in_currency()
        .filter(|e| e.is_debit() && e.primary() == Primary::Gambling)
        .map(|e| Month::of(e.date()))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let gambling = GamblingSection {
        stakes: amount(credit.stakes.total),
        stake_count: credit.stakes.count,
        winnings: amount(credit.winnings.total),
        winning_count: credit.winnings.count,
        net_loss: amount(credit.stakes.total - credit.winnings.total),
        average_monthly_stakes: per_month(credit.stakes.total),
        stakes_to_inflow: ratio(credit.stakes.total, flow.inflow),
        months_with_gambling: ratio(Decimal::from(stake_months), Decimal::from(months)),
    };
    let bank_charges = ChargesSection {
        total: amount(credit.charges.total),
        count: credit.charges.count,
        average_monthly: per_month(credit.charges.total),
        to_outflow: ratio(credit.charges.total, flow.outflow),
        by_kind: groups(
            &credit.charges_by_kind,
            |k: &&str| (*k).to_owned(),
            credit.charges.total,
        ),
    };

    let accounts: Vec<AccountSection> = accounts.into_iter().map(|(_, a)| a).collect();
    NativeAnalysis {
        version: 1,
        currency: ledger.currency.code().to_owned(),
        as_of: ledger.as_of,
        period: PeriodSection {
            start: ledger.start,
            end: ledger.end,
            days: ledger.days(),
            months,
            weeks: flow.weeks,
            transacting_months: flow.transacting_months(),
            transactions: flow.credit_count + flow.debit_count,
        },
        holder: holder_section(&accounts, options),
        accounts,
        cash_flow,
        spending,
        income: income_section,
        loans,
        gambling,
        bank_charges,
        recurring: recurring(ledger),
        balance_behaviour: balance_section(flow),
        data_quality: data_quality(ledger),
    }
}

fn income_section(
    ledger: &Ledger<'_>,
    flow: &CashFlow,
    spend: &Spend<'_>,
    income: &Income<'_, '_>,
    months: usize,
) -> IncomeSection {
    let months_decimal = Decimal::from(months);
    let mut streams: Vec<StreamSection> = Vec::new();
    let mut primary: Option<(Decimal, String)> = None;
    for account in &ledger.accounts {
        if account.statement.currency != ledger.currency {
            continue;
        }
        let summary = &account.enriched.income;
        for (index, stream) in summary.streams.iter().enumerate() {
            // Amounts are re-read from the transactions, so that every money figure here
            // comes from the statement and "month" means what it means everywhere else.
            let total = sum(stream
                .members
                .iter()
                .filter_map(|&m| account.statement.transactions.get(m))
                .map(|t| t.amount.as_decimal()));
            let is_primary = summary.primary == Some(index);
            if is_primary
                && primary
                    .as_ref()
                    .is_none_or(|(t, c)| (total, c.as_str()) > (*t, stream.counterparty.as_ref()))
            {
                primary = Some((total, stream.counterparty.to_string()));
            }
            streams.push(StreamSection {
                counterparty: stream.counterparty.to_string(),
                category: stream.category,
                salary: stream.salary,
                count: stream.members.len(),
                total: amount(total),
                monthly_average: amount(total / months_decimal),
                stability: stream.stability,
                closeness: stream.closeness,
                payment_day: stream.payment_day,
                frequency: stream.frequency,
                last_date: stream.last_date,
                primary: false,
            });
        }
    }
    let primary_name = primary.map(|(_, name)| name);
    for stream in &mut streams {
        stream.primary = primary_name.as_deref() == Some(stream.counterparty.as_str());
    }
    streams.sort_by(|a, b| {
        b.total
            .as_decimal()
            .cmp(&a.total.as_decimal())
            .then_with(|| a.counterparty.cmp(&b.counterparty))
            .then_with(|| a.category.cmp(&b.category))
    });
    let earned = income.salary_total + income.other_total;
    let payment = |p: crate::income::Payment| PaymentSection {
        date: p.date,
        amount: amount(p.amount),
    };
    IncomeSection {
        total: amount(earned),
        average_monthly: amount(flow.per_month(earned)),
        salary: SalarySection {
            earner: income.salary_earner,
            total: amount(income.salary_total),
            payments: income.payments.iter().copied().map(payment).collect(),
            average: amount(income.average_salary()),
            lowest: income.lowest_salary().map(amount),
            latest: income.latest().map(payment),
            pay_day: income.pay_day,
            frequency: income.frequency,
        },
        other_income: amount(income.other_total),
        other_income_count: income.other.len(),
        other_income_average_monthly: amount(flow.per_month(income.other_total)),
        net_average_monthly_earning: amount(flow.per_month(earned - spend.total.total)),
        streams,
        primary_stream: primary_name,
    }
}

fn loans_section(ledger: &Ledger<'_>, flow: &CashFlow, credit: &Credit) -> LoansSection {
    let mut overlapping: Vec<(String, String)> = ledger
        .accounts
        .iter()
        .filter(|a| a.statement.currency == ledger.currency)
        .flat_map(|a| a.enriched.loans.overlapping.iter())
        .map(|(a, b)| {
            let (a, b) = (a.to_string(), b.to_string());
            if a <= b { (a, b) } else { (b, a) }
        })
        .collect();
    overlapping.sort();
    overlapping.dedup();
    LoansSection {
        disbursed: amount(credit.disbursed.total),
        disbursements: credit.disbursed.count,
        repaid: amount(credit.repaid.total),
        repayments: credit.repaid.count,
        returned_repayments: credit.returned.count,
        returned_amount: amount(credit.returned.total),
        average_monthly_disbursed: amount(flow.per_month(credit.disbursed.total)),
        average_monthly_repaid: amount(flow.per_month(credit.repaid.total)),
        disbursed_to_inflow: ratio(credit.disbursed.total, flow.inflow),
        repaid_to_inflow: ratio(credit.repaid.total, flow.inflow),
        lender_count: credit.lenders.len(),
        max_concurrent_loans: credit.max_concurrent_loans,
        stacking: credit.max_concurrent_loans > 1,
        overlapping,
        debt_collection: amount(credit.debt_collection.total),
        returned_payments: credit.returned_payments,
        lenders: credit
            .lenders
            .iter()
            .map(|(key, l)| LenderSection {
                lender: key.to_string(),
                disbursed: amount(l.disbursed.total),
                disbursements: l.disbursed.count,
                repaid: amount(l.repaid.total),
                repayments: l.repaid.count,
                returned: l.returned.count,
                first_date: l.first_date,
                last_date: l.last_date,
            })
            .collect(),
    }
}

fn recurring(ledger: &Ledger<'_>) -> Vec<SeriesSection> {
    let mut out: Vec<SeriesSection> = ledger
        .accounts
        .iter()
        .filter(|a| a.statement.currency == ledger.currency)
        .flat_map(|a| {
            a.enriched.series.iter().map(move |s| {
                let mut amounts: Vec<Decimal> = s
                    .members
                    .iter()
                    .filter_map(|&m| a.statement.transactions.get(m))
                    .map(|t| t.amount.as_decimal())
                    .collect();
                let total = sum(amounts.iter().copied());
                SeriesSection {
                    counterparty: s.counterparty.to_string(),
                    inflow: s.inflow,
                    frequency: s.frequency,
                    category: s.category,
                    count: s.members.len(),
                    typical_amount: amount(median(&mut amounts)),
                    total: amount(total),
                    day_of_month: s.day_of_month,
                    last_date: s.last_date,
                    next_expected: s.next_expected,
                    active: s.active,
                    interval_stability: s.interval_stability,
                    amount_stability: s.amount_stability,
                }
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.counterparty, a.inflow, a.last_date, a.count).cmp(&(
            &b.counterparty,
            b.inflow,
            b.last_date,
            b.count,
        ))
    });
    out
}

fn balance_section(flow: &CashFlow) -> BalanceSection {
    let values = &flow.daily;
    let n = Decimal::from(values.len().max(1));
    let mean = DailyBalances::mean(values);
    // Least squares against the day index x = 0..n−1: slope = Σ(x − x̄)·y / Σ(x − x̄)², with
    // Σ(x − x̄)² = n(n² − 1)/12; exact in decimals.
    let x_mean = (n - Decimal::ONE) / Decimal::TWO;
    let numerator = sum(values
        .iter()
        .enumerate()
        .map(|(x, y)| (Decimal::from(x) - x_mean) * *y));
    let denominator = n * (n * n - Decimal::ONE) / Decimal::from(12);
    let slope = if denominator.is_zero() {
        Decimal::ZERO
    } else {
        numerator / denominator
    };
    let variance = sum(values.iter().map(|y| (*y - mean) * (*y - mean))) / n;
    let volatility = ratio(variance, mean * mean).sqrt();
    let daily_outflow = flow.outflow / n;
    BalanceSection {
        mean: amount(mean),
        min: amount(values.iter().copied().min().unwrap_or_default()),
        max: amount(values.iter().copied().max().unwrap_or_default()),
        trend_per_day: amount(slope),
        volatility,
        days_in_overdraft: values
            .iter()
            .filter(|v| v.is_sign_negative() && !v.is_zero())
            .count(),
        days_near_zero: values.iter().filter(|v| v.abs() <= daily_outflow).count(),
        account_sweep: account_sweep(flow),
    }
}

fn data_quality(ledger: &Ledger<'_>) -> DataQualitySection {
    let mut accounts: Vec<(Option<String>, AccountQuality)> = ledger
        .accounts
        .iter()
        .map(|a| {
            let r = &a.statement.reconciliation;
            let ocr = a
                .statement
                .transactions
                .iter()
                .filter_map(|t| t.provenance.ocr.as_ref());
            (
                a.statement.account.identity_key(),
                AccountQuality {
                    identifier: identifier(&a.statement.account),
                    status: r.status,
                    data_sanity: r.data_sanity,
                    rows_checked: r.rows_checked,
                    rows_consistent: r.rows_consistent,
                    breaks: r.breaks.len(),
                    ocr_rows: ocr.clone().count(),
                    unreconciled_ocr_rows: ocr.filter(|o| o.unreconciled).count(),
                },
            )
        })
        .collect();
    accounts.sort_by(|(a, x), (b, y)| (a, x.rows_checked).cmp(&(b, y.rows_checked)));
    let analysed: Vec<_> = ledger.in_currency().collect();
    let fallback = Category::uncategorized();
    let uncategorized = analysed.iter().filter(|e| e.category() == fallback).count();
    let confidence: f64 = analysed.iter().map(|e| f64::from(e.enr.confidence)).sum();
    DataQualitySection {
        accounts: accounts.into_iter().map(|(_, a)| a).collect(),
        other_currency_transactions: ledger.entries.len().saturating_sub(analysed.len()),
        uncategorized_share: ratio(Decimal::from(uncategorized), Decimal::from(analysed.len())),
        mean_confidence: if analysed.is_empty() {
            0.0
        } else {
            confidence / analysed.len() as f64
        },
    }
}
