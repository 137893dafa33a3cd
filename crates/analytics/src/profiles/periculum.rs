//! Periculum Insights statement analytics, in exactly the shape of spec 004's example response.
//!
//! Field names follow the example response, not the variable table, where the two disagree
//! (`totalSpendOnHospitalityAndFood` vs `totalSpendonHospitalityandFood`,
//! `totalMonthlySpendOnSavingsAndInvestments` vs `totalSpendOnSavingsAndInvestments`,
//! `transactionPatternAnalysis` vs `patternAnalysis`): a client written against Periculum parses
//! responses, and the example is a response. `NetAverageMonthlyEarning`, which only the table
//! lists, is added. The month names keep the example's "Febuary". Money is a JSON number (cents)
//! as in the example; every figure's definition is in docs/analytics.md, "Periculum".

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::{AccountKind, Currency};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::cashflow::{CashFlow, Month, running_balances};
use crate::credit::Credit;
use crate::facts::Facts;
use crate::income::Income;
use crate::ledger::{Entry, Ledger, money_number, ratio};
use crate::options::{AnalysisOptions, StatementType};
use crate::spend::{Bucket, Spend, Tally, largest, most_frequent, note_name, party};

/// The amount, in a currency, that plays the role of Periculum's NGN 10 000 in its field names.
///
/// Periculum's bands (500, 1 000, 10 000, 100 000, 500 000, 1 000 000 naira) describe how big a
/// transaction or balance is *for a Nigerian*. The same words on a euro statement must mean the
/// same weight, not the same number: we scale every band by how much of the currency buys what
/// NGN 10 000 buys, from a rough purchasing-power ratio (World Bank PPP conversion factors,
/// ≈150 NGN per international dollar, so NGN 10 000 ≈ 65 PPP dollars), rounded to a round
/// number so that the bands stay readable. Every band is a fixed multiple of this unit: 500 =
/// unit/20, 1 000 = unit/10, 100 000 = 10 units, 500 000 = 50, 1 000 000 = 100. A currency not
/// in the table keeps the naira figures: scaling it by a guess would be worse than saying so
/// (docs/analytics.md).
pub const BAND_UNIT: &[(&str, i64)] = &[
    ("NGN", 10_000),
    ("GHS", 200),
    ("KES", 2_000),
    ("UGX", 100_000),
    ("TZS", 50_000),
    ("RWF", 20_000),
    ("XOF", 20_000),
    ("XAF", 20_000),
    ("ZAR", 500),
    ("EGP", 1_000),
    ("MAD", 200),
    ("EUR", 50),
    ("GBP", 50),
    ("USD", 50),
    ("CHF", 50),
    ("CAD", 50),
    ("INR", 2_000),
];

/// The band unit of a currency (see [`BAND_UNIT`]).
pub fn band_unit(currency: Currency) -> Decimal {
    let unit = BAND_UNIT
        .iter()
        .find(|(code, _)| *code == currency.code())
        .map_or(10_000, |(_, unit)| *unit);
    Decimal::from(unit)
}

/// Periculum's month names, "Febuary" included: clients match these strings.
const MONTH_NAMES: [&str; 12] = [
    "January",
    "Febuary",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Proper month names, for `periodInStatement` (the example prints "June - September").
const PROPER_MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(names: &[&'static str; 12], month: u32) -> &'static str {
    names
        .get(usize::try_from(month).unwrap_or(1).saturating_sub(1))
        .copied()
        .unwrap_or("")
}

/// The whole response.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PericulumAnalytics {
    /// Periculum's statement key; we keep no statement store, so always 0.
    pub key: u64,
    /// Statement name: the main account's masked identifier, else its holder.
    pub name: String,
    /// The input format Periculum saw; ours is always its own.
    pub source: &'static str,
    /// The applicant's name (options, else the statement's holder).
    pub client_full_name: Option<String>,
    /// Never known from a statement.
    pub client_phone_number: Option<String>,
    /// The main account's kind.
    pub account_type: String,
    /// Closing balance, as a string as in the example.
    pub account_balance: String,
    /// Holder name on the statement.
    pub account_name: Option<String>,
    /// Bank name.
    pub bank_name: Option<String>,
    /// `CONSUMER` or `BUSINESS`.
    pub statement_type: &'static str,
    /// First day covered, `2020-06-17T00:00:00`.
    pub start_date: String,
    /// Last day covered.
    pub end_date: String,
    /// The `as_of` date (no clock is read).
    pub created_date: String,
    /// Always `PROCESSED`: the analysis is synchronous.
    pub processing_status: &'static str,
    /// BVN and NIN, never known from a statement.
    pub client_identification: Vec<Identifier>,
    /// Spending.
    pub spend_analysis: SpendAnalysis,
    /// Transaction and balance patterns.
    pub transaction_pattern_analysis: PatternAnalysis,
    /// Behaviour.
    pub behavioral_analysis: BehavioralAnalysis,
    /// Cash flow.
    pub cash_flow_analysis: CashFlowAnalysis,
    /// Income.
    pub income_analysis: IncomeAnalysis,
}

/// An identifier of the client.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identifier {
    /// `bvn` or `nin`.
    pub identifier_name: &'static str,
    /// Unknown.
    pub identifier_value: Option<String>,
}

/// `spendAnalysis`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SpendAnalysis {
    pub average_monthly_spend_on_transfer: Value,
    #[serde(rename = "averageMonthlySpendOnAtmAndPOS")]
    pub average_monthly_spend_on_atm_and_pos: Value,
    #[serde(rename = "averageMonthlySpendOnUSSD")]
    pub average_monthly_spend_on_ussd: Value,
    pub average_monthly_spend_on_gambling: Value,
    pub average_monthly_spend_on_airtime_and_data: Value,
    pub average_monthly_spend_on_utilities: Value,
    pub average_monthly_spend_on_online_and_web: Value,
    pub average_monthly_spend_on_transportation: Value,
    pub average_monthly_spend_on_health: Value,
    pub average_monthly_spend_on_travel: Value,
    pub average_monthly_spend_on_entertainment: Value,
    pub average_monthly_spend_on_hospitality_and_food: Value,
    pub average_monthly_spend_on_rent: Value,
    pub average_monthly_spend_on_insurance: Value,
    pub average_monthly_spend_on_charges_and_stamp_duty: Value,
    pub average_monthly_spend_on_international_transactions: Value,
    pub average_monthly_total_expenses: Value,
    pub average_monthly_recurring_expense: Value,
    pub average_monthly_spend_on_savings_and_investments: Value,
    pub average_monthly_spend_on_others: Value,
    pub most_recurring_expense: Option<&'static str>,
    pub total_spend_on_transfer: Value,
    #[serde(rename = "totalSpendOnAtmAndPOS")]
    pub total_spend_on_atm_and_pos: Value,
    #[serde(rename = "totalSpendOnUSSD")]
    pub total_spend_on_ussd: Value,
    pub total_spend_on_gambling: Value,
    pub total_spend_on_airtime_and_data: Value,
    pub total_spend_on_utilities: Value,
    pub total_spend_on_online_and_web: Value,
    pub total_spend_on_transportation: Value,
    pub total_spend_on_health: Value,
    pub total_spend_on_travel: Value,
    pub total_spend_on_entertainment: Value,
    pub total_spend_on_hospitality_and_food: Value,
    pub total_spend_on_rent: Value,
    pub total_spend_on_insurance: Value,
    pub total_spend_on_charges_and_stamp_duty: Value,
    pub total_spend_on_international_transactions: Value,
    pub total_monthly_expenses: Value,
    pub total_recurring_expense: Value,
    pub total_expenses: Value,
    pub total_monthly_spend_on_savings_and_investments: Value,
    pub total_spend_on_others: Value,
    pub atm_locations: Vec<String>,
    pub most_frequent_spend_category: Option<&'static str>,
    pub month_with_highest_spend: Option<String>,
    pub highest_spend: Value,
    pub most_frequent_expense: Option<String>,
    pub most_frequent_expense_amount: Value,
}

/// One bucket of `balanceBreakdown` / `transactionBreakdown`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    /// Lower bound, inclusive.
    pub min: Value,
    /// Upper bound, exclusive.
    pub max: Value,
    /// Share (0–1) of the transactions in the bucket.
    pub percentage_of_transactions_in_bucket: f64,
}

/// `transactionPatternAnalysis`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PatternAnalysis {
    pub last_day_of_credit: Option<String>,
    pub last_day_of_debit: Option<String>,
    pub percent_debit_transactions: f64,
    pub percent_credit_transactions: f64,
    pub total_number_of_transactions: usize,
    #[serde(rename = "percentOfTransactionsLessThan10ThousandNaira")]
    pub transactions_below_10k: f64,
    #[serde(rename = "percentOfTransactionsBetween10ThousandTo100ThousandNaira")]
    pub transactions_10k_100k: f64,
    #[serde(rename = "percentOfTransactionsBetween100ThousandTo500ThousandNaira")]
    pub transactions_100k_500k: f64,
    #[serde(rename = "percentOfTransactionsBetween500ThousandToOneMillionNaira")]
    pub transactions_500k_1m: f64,
    #[serde(rename = "percentOfTransactionsGreaterThanOneMillionNaira")]
    pub transactions_above_1m: f64,
    #[serde(rename = "percentNumberOfDaysTransactionsWasLessThan10ThousandNaira")]
    pub days_transactions_below_10k: f64,
    #[serde(rename = "percentOfBalancesLessThan10ThousandNaira")]
    pub balances_below_10k: f64,
    #[serde(rename = "percentOfBalancesBetween10ThousandTo100ThousandNaira")]
    pub balances_10k_100k: f64,
    #[serde(rename = "percentOfBalancesBetween100ThousandTo500ThousandNaira")]
    pub balances_100k_500k: f64,
    #[serde(rename = "percentOfBalancesBetween500ThousandToOneMillionNaira")]
    pub balances_500k_1m: f64,
    #[serde(rename = "percentOfBalancesGreaterThanOneMillionNaira")]
    pub balances_above_1m: f64,
    #[serde(rename = "percentNumberOfDaysBalanceWasLessThan10ThousandNaira")]
    pub days_balance_below_10k: f64,
    pub most_frequent_balance_range: Option<&'static str>,
    pub most_frequent_transaction_range: Option<&'static str>,
    pub number_of_card_requests: usize,
    pub most_frequent_credit_transfer: Option<String>,
    pub most_frequent_debit_transfer: Option<String>,
    pub return_cheque: usize,
    pub balance_breakdown: Vec<Breakdown>,
    pub transaction_breakdown: Vec<Breakdown>,
    pub percent_number_of_days_transactions_in_smallest_bucket: f64,
    pub percent_number_of_days_balances_in_smallest_bucket: f64,
}

/// `behavioralAnalysis`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct BehavioralAnalysis {
    pub month_to_month_inflow_to_outflow_rate: &'static str,
    pub overall_inflow_to_outflow_rate: &'static str,
    pub total_loan_amount: Value,
    pub total_loan_repayment_amount: Value,
    pub loan_to_inflow_rate: f64,
    pub loan_repayment_to_inflow_rate: f64,
    pub number_loan_transactions: usize,
    pub number_repayment_transactions: usize,
    pub gambling_status: &'static str,
    pub gambling_rate: f64,
    pub account_activity: f64,
    pub percent_of_inflow_irregularity: f64,
    pub average_monthly_loan_amount: Value,
    pub average_monthly_loan_repayment_amount: Value,
    pub account_sweep: &'static str,
}

/// One month of `monthlyInflow` / `monthlyOutflow`.
#[derive(Clone, Debug, Serialize)]
pub struct MonthAmount {
    /// `"2021"`.
    pub year: String,
    /// `"Febuary"`.
    #[serde(rename = "month-name")]
    pub month_name: &'static str,
    /// The month's amount.
    pub amount: Value,
}

/// `cashFlowAnalysis`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct CashFlowAnalysis {
    pub total_credit_turnover: Value,
    pub total_debit_turn_over: Value,
    pub average_monthly_credits: Value,
    pub average_monthly_debits: Value,
    pub average_weekly_credits: Value,
    pub average_weekly_debits: Value,
    pub average_monthly_balance: Value,
    pub average_weekly_balance: Value,
    pub number_of_transacting_months: usize,
    pub monthly_outflow: Vec<MonthAmount>,
    pub monthly_inflow: Vec<MonthAmount>,
    pub period_in_statement: String,
    pub year_in_statement: String,
    pub first_date_in_statement: String,
    pub last_date_in_statement: String,
    pub closing_balance: Value,
}

/// One listed income transaction.
#[derive(Clone, Debug, Serialize)]
pub struct IncomeTransaction {
    /// `2021-12-16 00:00:00` (statements carry no time of day).
    pub date: String,
    /// Narration.
    pub description: String,
    /// Amount.
    pub amount: Value,
}

/// `incomeAnalysis`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct IncomeAnalysis {
    pub salary_transactions: Vec<IncomeTransaction>,
    pub average_predicted_salary: Value,
    pub is_salary_earner: &'static str,
    pub expected_salary_payment_day: Option<u32>,
    pub frequency_of_salary_payments: Option<&'static str>,
    pub last_date_of_salary_payment: Option<String>,
    pub number_of_salary_payments: usize,
    pub has_other_income: &'static str,
    pub other_income_transactions: Vec<IncomeTransaction>,
    pub average_other_income: Value,
    pub number_of_other_income_payments: usize,
    pub lowest_salary: Value,
    pub most_recent_salary: Value,
    #[serde(rename = "NetAverageMonthlyEarning")]
    pub net_average_monthly_earning: Value,
}

fn yes_no(value: bool) -> &'static str {
    if value { "Yes" } else { "No" }
}

fn day(date: NaiveDate) -> String {
    // What `%Y-%m-%d` prints, without parsing the format each time (chrono signs and widens
    // years outside 0..=9999: those keep its formatter).
    if (0..=9999).contains(&date.year()) {
        format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

/// Share of `part` in `whole`, 0 when `whole` is 0.
fn share(part: usize, whole: usize) -> f64 {
    ratio(Decimal::from(part), Decimal::from(whole))
}

/// Cash-flow direction of inflow against outflow; within 5 % of each other is "equal", since
/// a statement never balances to the cent.
fn flow_class(inflow: Decimal, outflow: Decimal) -> &'static str {
    let tolerance = inflow.max(outflow) * Decimal::new(5, 2);
    if (inflow - outflow).abs() <= tolerance {
        "Equal Cash Flow"
    } else if inflow > outflow {
        "Positive Cash Flow"
    } else {
        "Negative Cash Flow"
    }
}

/// The breakdown's six inner bounds (500, 1 000, 10 000, 100 000, 500 000, 1 000 000 naira, in
/// band units); the five named bands are unions of its seven buckets.
struct Bands {
    unit: Decimal,
    bounds: [Decimal; 6],
}

/// Labels of the five named bands, in order.
const BAND_LABELS: [&str; 5] = ["<=10k", "10k-100k", "100k-500k", "500k-1M", ">1M"];

impl Bands {
    fn of(currency: Currency) -> Bands {
        let unit = band_unit(currency);
        let mut bounds = [
            unit / Decimal::from(20),
            unit / Decimal::from(10),
            unit,
            unit * Decimal::from(10),
            unit * Decimal::from(50),
            unit * Decimal::from(100),
        ];
        // Bounds at the amounts' scale compare without rescaling (this runs per transaction).
        for bound in &mut bounds {
            bound.rescale(currency.minor_units());
        }
        Bands { unit, bounds }
    }

    /// How many values fall in each of the seven breakdown buckets.
    fn counts(&self, values: &[Decimal]) -> [usize; 7] {
        let mut counts = [0usize; 7];
        for value in values {
            let index = self.bounds.partition_point(|bound| bound <= value);
            if let Some(count) = counts.get_mut(index) {
                *count += 1;
            }
        }
        counts
    }

    fn breakdown(&self, counts: &[usize; 7], total: usize) -> Vec<Breakdown> {
        let edge =
            |value: f64| serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number);
        counts
            .iter()
            .enumerate()
            .map(|(index, count)| Breakdown {
                min: index
                    .checked_sub(1)
                    .and_then(|i| self.bounds.get(i))
                    .map_or_else(|| edge(-1e18), |b| money_number(*b)),
                max: self
                    .bounds
                    .get(index)
                    .map_or_else(|| edge(1e18), |b| money_number(*b)),
                percentage_of_transactions_in_bucket: share(*count, total),
            })
            .collect()
    }

    /// Shares of the five named bands, and the most frequent one (ties to the smaller band).
    fn named_shares(counts: &[usize; 7], total: usize) -> ([f64; 5], Option<&'static str>) {
        let [c0, c1, c2, c3, c4, c5, c6] = *counts;
        let named = [c0 + c1 + c2, c3, c4, c5, c6];
        let mut best: Option<(usize, usize)> = None;
        for (index, count) in named.iter().enumerate() {
            if *count > 0 && best.is_none_or(|(_, b)| *count > b) {
                best = Some((index, *count));
            }
        }
        (
            named.map(|count| share(count, total)),
            best.and_then(|(index, _)| BAND_LABELS.get(index).copied()),
        )
    }
}

/// The account the statement-level fields describe: the one in the analysis currency with the
/// most transactions, ties to the smaller identity (so input order does not matter).
fn main_account<'l, 'a>(ledger: &'l Ledger<'a>) -> Option<&'l crate::ledger::AccountLedger<'a>> {
    ledger
        .accounts
        .iter()
        .filter(|a| a.statement.currency == ledger.currency)
        .max_by(|a, b| {
            let key = |x: &crate::ledger::AccountLedger<'_>| {
                (
                    x.statement.transactions.len(),
                    std::cmp::Reverse(x.statement.account.identity_key()),
                )
            };
            key(a).cmp(&key(b))
        })
}

fn account_kind(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Checking => "current",
        AccountKind::Savings => "savings",
        AccountKind::CreditCard => "credit card",
        AccountKind::Loan => "loan",
        AccountKind::Investment => "investment",
        AccountKind::Wallet => "wallet",
        AccountKind::Unknown => "unknown",
    }
}

/// The transfer counterpart seen most often on one side (ties: larger total, then key), by
/// the name it reads as, lower-cased as Periculum prints narrations.
fn most_frequent_transfer(ledger: &Ledger<'_>, credit: bool) -> Option<String> {
    let mut tallies: std::collections::BTreeMap<&str, Tally> = Default::default();
    let mut names = std::collections::BTreeMap::new();
    for entry in ledger.in_currency() {
        if entry.is_credit() != credit || entry.amount().is_zero() || !is_transfer(entry) {
            continue;
        }
        let (key, name) = party(entry);
        tallies.entry(key).or_default().add(entry.amount().abs());
        note_name(&mut names, key, name);
    }
    most_frequent(&tallies).map(|(key, _)| names.get(key).unwrap_or(&key).to_lowercase())
}

/// A transfer: moved over a transfer rail, or categorised as a transfer in or out.
fn is_transfer(entry: &Entry<'_>) -> bool {
    use ledgerlens_core::Primary;
    entry.enr.channel == ledgerlens_enrich::Channel::Transfer
        || matches!(entry.primary(), Primary::TransferIn | Primary::TransferOut)
}

fn money(value: Decimal) -> Value {
    money_number(value)
}

/// Builds the Periculum response of a ledger.
pub fn build(ledger: &Ledger<'_>, options: &AnalysisOptions) -> PericulumAnalytics {
    build_with(ledger, options, &Facts::of(ledger))
}

/// [`build`] from aggregates already computed for the ledger (shared with other profiles).
pub fn build_with(
    ledger: &Ledger<'_>,
    options: &AnalysisOptions,
    facts: &Facts<'_, '_>,
) -> PericulumAnalytics {
    let Facts {
        flow,
        spend,
        income,
        credit,
    } = facts;
    let main = main_account(ledger);
    let holder = main.and_then(|a| a.statement.account.holder.clone());
    let statement_type = options.statement_type.unwrap_or_else(|| {
        match options
            .account_holder_name
            .as_deref()
            .or(holder.as_deref())
            .map(ledgerlens_enrich::holder_kind)
        {
            Some(ledgerlens_enrich::HolderKind::Business) => StatementType::Business,
            _ => StatementType::Consumer,
        }
    });
    let closing = flow.closing_balance();
    let name = main
        .and_then(|a| {
            let account = &a.statement.account;
            account
                .number
                .as_ref()
                .map(|n| n.masked())
                .or_else(|| account.iban.as_ref().map(|i| i.masked()))
        })
        .or_else(|| holder.clone())
        .unwrap_or_else(|| "statement".to_owned());

    PericulumAnalytics {
        key: 0,
        name,
        source: "PERICULUM",
        client_full_name: options
            .account_holder_name
            .clone()
            .or_else(|| holder.clone()),
        client_phone_number: None,
        account_type: main
            .map_or("unknown", |a| account_kind(a.statement.account.kind))
            .to_owned(),
        account_balance: closing.round_dp(2).to_string(),
        account_name: holder,
        bank_name: main.and_then(|a| a.statement.account.bank.clone()),
        statement_type: match statement_type {
            StatementType::Consumer => "CONSUMER",
            StatementType::Business => "BUSINESS",
        },
        start_date: format!("{}T00:00:00", day(ledger.start)),
        end_date: format!("{}T00:00:00", day(ledger.end)),
        created_date: format!("{}T00:00:00Z", day(ledger.as_of)),
        processing_status: "PROCESSED",
        client_identification: vec![
            Identifier {
                identifier_name: "bvn",
                identifier_value: None,
            },
            Identifier {
                identifier_name: "nin",
                identifier_value: None,
            },
        ],
        spend_analysis: spend_analysis(flow, spend),
        transaction_pattern_analysis: pattern_analysis(ledger, flow, credit),
        behavioral_analysis: behavioral_analysis(ledger, flow, credit),
        cash_flow_analysis: cash_flow_analysis(ledger, flow),
        income_analysis: income_analysis(flow, spend, income),
    }
}

fn spend_analysis(flow: &CashFlow, spend: &Spend<'_>) -> SpendAnalysis {
    let total = |bucket| spend.bucket(bucket).total;
    let avg = |value| money(flow.per_month(value));
    // Total over the calendar months the span covers entirely: "monthly" expenses without the
    // partial first and last months (the whole span when no month is complete).
    let full_months: Vec<_> = flow
        .months
        .iter()
        .filter(|m| {
            let first = NaiveDate::from_ymd_opt(m.month.year, m.month.month, 1);
            let days = first.map_or(0, |f| {
                let next = m.month.next();
                NaiveDate::from_ymd_opt(next.year, next.month, 1).map_or(0, |n| (n - f).num_days())
            });
            i64::try_from(m.days).is_ok_and(|d| d == days)
        })
        .map(|m| m.month)
        .collect();
    let monthly_expenses = if full_months.is_empty() {
        spend.total.total
    } else {
        crate::ledger::sum(
            full_months
                .iter()
                .filter_map(|m| spend.by_month.get(m).copied()),
        )
    };
    let highest_month = {
        let mut best: Option<(Month, Decimal)> = None;
        for (month, value) in &spend.by_month {
            if best.is_none_or(|(_, b)| *value > b) {
                best = Some((*month, *value));
            }
        }
        best.map(|(m, _)| format!("{}/{}", m.month, m.year))
    };
    let bucket_tallies: std::collections::BTreeMap<Bucket, Tally> = spend.buckets.clone();
    let most_frequent_expense = largest_frequent_payee(spend);
    SpendAnalysis {
        average_monthly_spend_on_transfer: avg(total(Bucket::Transfer)),
        average_monthly_spend_on_atm_and_pos: avg(spend.atm_and_pos.total),
        average_monthly_spend_on_ussd: avg(spend.ussd.total),
        average_monthly_spend_on_gambling: avg(total(Bucket::Gambling)),
        average_monthly_spend_on_airtime_and_data: avg(total(Bucket::AirtimeAndData)),
        average_monthly_spend_on_utilities: avg(total(Bucket::Utilities)),
        average_monthly_spend_on_online_and_web: avg(spend.online.total),
        average_monthly_spend_on_transportation: avg(total(Bucket::Transportation)),
        average_monthly_spend_on_health: avg(total(Bucket::Health)),
        average_monthly_spend_on_travel: avg(total(Bucket::Travel)),
        average_monthly_spend_on_entertainment: avg(total(Bucket::Entertainment)),
        average_monthly_spend_on_hospitality_and_food: avg(total(Bucket::HospitalityAndFood)),
        average_monthly_spend_on_rent: avg(total(Bucket::Rent)),
        average_monthly_spend_on_insurance: avg(total(Bucket::Insurance)),
        average_monthly_spend_on_charges_and_stamp_duty: avg(total(Bucket::ChargesAndStampDuty)),
        average_monthly_spend_on_international_transactions: avg(spend.international.total),
        average_monthly_total_expenses: avg(spend.total.total),
        average_monthly_recurring_expense: avg(spend.recurring.total),
        average_monthly_spend_on_savings_and_investments: avg(total(Bucket::SavingsAndInvestments)),
        average_monthly_spend_on_others: avg(total(Bucket::Others)),
        most_recurring_expense: most_frequent(&spend.recurring_buckets).map(|(b, _)| b.name()),
        total_spend_on_transfer: money(total(Bucket::Transfer)),
        total_spend_on_atm_and_pos: money(spend.atm_and_pos.total),
        total_spend_on_ussd: money(spend.ussd.total),
        total_spend_on_gambling: money(total(Bucket::Gambling)),
        total_spend_on_airtime_and_data: money(total(Bucket::AirtimeAndData)),
        total_spend_on_utilities: money(total(Bucket::Utilities)),
        total_spend_on_online_and_web: money(spend.online.total),
        total_spend_on_transportation: money(total(Bucket::Transportation)),
        total_spend_on_health: money(total(Bucket::Health)),
        total_spend_on_travel: money(total(Bucket::Travel)),
        total_spend_on_entertainment: money(total(Bucket::Entertainment)),
        total_spend_on_hospitality_and_food: money(total(Bucket::HospitalityAndFood)),
        total_spend_on_rent: money(total(Bucket::Rent)),
        total_spend_on_insurance: money(total(Bucket::Insurance)),
        total_spend_on_charges_and_stamp_duty: money(total(Bucket::ChargesAndStampDuty)),
        total_spend_on_international_transactions: money(spend.international.total),
        total_monthly_expenses: money(monthly_expenses),
        total_recurring_expense: money(spend.recurring.total),
        total_expenses: money(spend.total.total),
        total_monthly_spend_on_savings_and_investments: money(total(Bucket::SavingsAndInvestments)),
        total_spend_on_others: money(total(Bucket::Others)),
        atm_locations: spend.atm_locations.clone(),
        most_frequent_spend_category: most_frequent(&bucket_tallies).map(|(b, _)| b.name()),
        month_with_highest_spend: highest_month,
        highest_spend: money(spend.highest),
        most_frequent_expense: most_frequent_expense.as_ref().map(|(name, _)| name.clone()),
        most_frequent_expense_amount: money(
            most_frequent_expense.map_or(Decimal::ZERO, |(_, t)| t.total),
        ),
    }
}

/// The payee paid most often (ties: larger total, then key), by its name lower-cased.
fn largest_frequent_payee(spend: &Spend<'_>) -> Option<(String, Tally)> {
    most_frequent(&spend.by_payee)
        .or_else(|| largest(&spend.by_payee))
        .map(|(key, tally)| {
            let name = spend.payee_names.get(key).unwrap_or(&key);
            (name.to_lowercase(), tally)
        })
}

fn pattern_analysis(ledger: &Ledger<'_>, flow: &CashFlow, credit: &Credit) -> PatternAnalysis {
    let bands = Bands::of(ledger.currency);
    let running: Vec<Vec<Decimal>> = ledger
        .accounts
        .iter()
        .map(|a| running_balances(a.statement))
        .collect();
    let mut amounts = Vec::new();
    let mut balances = Vec::new();
    let mut last_credit = None;
    let mut last_debit = None;
    let days = usize::try_from(ledger.days()).unwrap_or(0);
    let mut per_day = vec![Decimal::ZERO; days];
    for entry in ledger.in_currency() {
        let amount = entry.amount();
        if amount.is_zero() {
            continue;
        }
        if entry.is_credit() {
            last_credit = Some(entry.date());
        } else {
            last_debit = Some(entry.date());
        }
        amounts.push(amount.abs());
        if let Some(balance) = running.get(entry.account).and_then(|r| r.get(entry.index)) {
            balances.push(*balance);
        }
        let offset = usize::try_from((entry.date() - ledger.start).num_days()).unwrap_or(0);
        if let Some(total) = per_day.get_mut(offset) {
            *total += amount.abs();
        }
    }
    let (amount_counts, balance_counts) = (bands.counts(&amounts), bands.counts(&balances));
    let (tx_shares, tx_mode) = Bands::named_shares(&amount_counts, amounts.len());
    let (balance_shares, balance_mode) = Bands::named_shares(&balance_counts, balances.len());
    let smallest = bands.unit / Decimal::from(20);
    let days_below = |values: &[Decimal], threshold: Decimal| {
        share(
            values.iter().filter(|v| **v < threshold).count(),
            values.len(),
        )
    };
    let count = amounts.len();
    let [t0, t1, t2, t3, t4] = tx_shares;
    let [b0, b1, b2, b3, b4] = balance_shares;
    PatternAnalysis {
        last_day_of_credit: last_credit.map(day),
        last_day_of_debit: last_debit.map(day),
        percent_debit_transactions: share(flow.debit_count, count),
        percent_credit_transactions: share(flow.credit_count, count),
        total_number_of_transactions: count,
        transactions_below_10k: t0,
        transactions_10k_100k: t1,
        transactions_100k_500k: t2,
        transactions_500k_1m: t3,
        transactions_above_1m: t4,
        days_transactions_below_10k: days_below(&per_day, bands.unit),
        balances_below_10k: b0,
        balances_10k_100k: b1,
        balances_100k_500k: b2,
        balances_500k_1m: b3,
        balances_above_1m: b4,
        days_balance_below_10k: days_below(&flow.daily, bands.unit),
        most_frequent_balance_range: balance_mode,
        most_frequent_transaction_range: tx_mode,
        number_of_card_requests: credit.card_requests,
        most_frequent_credit_transfer: most_frequent_transfer(ledger, true),
        most_frequent_debit_transfer: most_frequent_transfer(ledger, false),
        return_cheque: credit.returned_cheques,
        balance_breakdown: bands.breakdown(&balance_counts, balances.len()),
        transaction_breakdown: bands.breakdown(&amount_counts, amounts.len()),
        percent_number_of_days_transactions_in_smallest_bucket: days_below(&per_day, smallest),
        percent_number_of_days_balances_in_smallest_bucket: days_below(&flow.daily, smallest),
    }
}

/// Median of decimals (the lower of the two middle ones for an even count).
fn median(values: &[Decimal]) -> Decimal {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(Decimal::ZERO)
}

/// Share of months whose inflow is more than 50 % away from the median month's.
pub fn inflow_irregularity(flow: &CashFlow) -> f64 {
    let inflows: Vec<Decimal> = flow.months.iter().map(|m| m.inflow).collect();
    let middle = median(&inflows);
    let irregular = inflows
        .iter()
        .filter(|x| (**x - middle).abs() * Decimal::from(2) > middle)
        .count();
    share(irregular, inflows.len())
}

/// "Yes" when money is recycled (most months spend ≥ 95 % of what came in and end with ≤ 5 %
/// of it) or the balance barely moves (≥ 80 % of days within 1 % of the median balance although
/// at least that balance flowed in): both make a statement's volume say little about capacity.
pub fn account_sweep(flow: &CashFlow) -> bool {
    let with_inflow: Vec<_> = flow
        .months
        .iter()
        .filter(|m| m.inflow > Decimal::ZERO)
        .collect();
    let swept = with_inflow
        .iter()
        .filter(|m| {
            m.outflow * Decimal::from(100) >= m.inflow * Decimal::from(95)
                && m.closing_balance * Decimal::from(100) <= m.inflow * Decimal::from(5)
        })
        .count();
    let recycling = with_inflow.len() >= 2 && swept * 4 >= with_inflow.len() * 3;
    let middle = median(&flow.daily);
    let stable_days = flow
        .daily
        .iter()
        .filter(|b| (**b - middle).abs() * Decimal::from(100) <= middle.abs())
        .count();
    let stable = !middle.is_zero()
        && flow.daily.len() >= 30
        && stable_days * 5 >= flow.daily.len() * 4
        && flow.inflow >= middle.abs();
    recycling || stable
}

fn behavioral_analysis(
    ledger: &Ledger<'_>,
    flow: &CashFlow,
    credit: &Credit,
) -> BehavioralAnalysis {
    let mut classes: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for month in &flow.months {
        *classes
            .entry(flow_class(month.inflow, month.outflow))
            .or_default() += 1;
    }
    let top = classes.values().copied().max().unwrap_or(0);
    let leaders: Vec<&'static str> = classes
        .iter()
        .filter(|(_, n)| **n == top)
        .map(|(k, _)| *k)
        .collect();
    let month_to_month = match leaders.as_slice() {
        [only] => only,
        _ => "Equal Cash Flow",
    };
    let active_days = {
        let mut days: Vec<NaiveDate> = ledger
            .in_currency()
            .filter(|e| !e.amount().is_zero())
            .map(|e| e.date())
            .collect();
        days.dedup();
        days.len()
    };
    BehavioralAnalysis {
        month_to_month_inflow_to_outflow_rate: month_to_month,
        overall_inflow_to_outflow_rate: flow_class(flow.inflow, flow.outflow),
        total_loan_amount: money(credit.disbursed.total),
        total_loan_repayment_amount: money(credit.repaid.total),
        loan_to_inflow_rate: ratio(credit.disbursed.total, flow.inflow),
        loan_repayment_to_inflow_rate: ratio(credit.repaid.total, flow.inflow),
        number_loan_transactions: credit.disbursed.count,
        number_repayment_transactions: credit.repaid.count,
        gambling_status: if credit.stakes.count + credit.winnings.count > 0 {
            "Gambling Transactions Found"
        } else {
            "No Gambling Transactions Found"
        },
        gambling_rate: ratio(credit.stakes.total, flow.inflow),
        account_activity: share(active_days, usize::try_from(ledger.days()).unwrap_or(0)),
        percent_of_inflow_irregularity: inflow_irregularity(flow),
        average_monthly_loan_amount: money(flow.per_month(credit.disbursed.total)),
        average_monthly_loan_repayment_amount: money(flow.per_month(credit.repaid.total)),
        account_sweep: yes_no(account_sweep(flow)),
    }
}

fn cash_flow_analysis(ledger: &Ledger<'_>, flow: &CashFlow) -> CashFlowAnalysis {
    let series = |pick: fn(&crate::cashflow::MonthFlow) -> Decimal| {
        flow.months
            .iter()
            .map(|m| MonthAmount {
                year: m.month.year.to_string(),
                month_name: month_name(&MONTH_NAMES, m.month.month),
                amount: money(pick(m)),
            })
            .collect()
    };
    let (first, last) = (Month::of(ledger.start), Month::of(ledger.end));
    let period = if first.month == last.month && first.year == last.year {
        month_name(&PROPER_MONTH_NAMES, first.month).to_owned()
    } else {
        format!(
            "{} - {}",
            month_name(&PROPER_MONTH_NAMES, first.month),
            month_name(&PROPER_MONTH_NAMES, last.month)
        )
    };
    let year = if first.year == last.year {
        first.year.to_string()
    } else {
        format!("{} - {}", first.year, last.year)
    };
    CashFlowAnalysis {
        total_credit_turnover: money(flow.credit_turnover),
        total_debit_turn_over: money(flow.debit_turnover),
        average_monthly_credits: money(flow.per_month(flow.credit_turnover)),
        average_monthly_debits: money(flow.per_month(flow.debit_turnover)),
        average_weekly_credits: money(flow.per_week(flow.credit_turnover)),
        average_weekly_debits: money(flow.per_week(flow.debit_turnover)),
        average_monthly_balance: money(flow.monthly_mean_balance()),
        average_weekly_balance: money(flow.weekly_mean_balance),
        number_of_transacting_months: flow.transacting_months(),
        monthly_outflow: series(|m| m.outflow),
        monthly_inflow: series(|m| m.inflow),
        period_in_statement: period,
        year_in_statement: year,
        first_date_in_statement: day(ledger.start),
        last_date_in_statement: day(ledger.end),
        closing_balance: money(flow.closing_balance()),
    }
}

/// Lists credits by (date, narration, amount): an order that does not depend on which account
/// was given first.
fn listed(entries: &[&Entry<'_>]) -> Vec<IncomeTransaction> {
    let mut entries = entries.to_vec();
    entries.sort_by(|a, b| {
        (a.date(), &a.tx.description, a.amount()).cmp(&(b.date(), &b.tx.description, b.amount()))
    });
    entries
        .iter()
        .map(|e| IncomeTransaction {
            date: format!("{} 00:00:00", day(e.date())),
            description: e.tx.description.clone(),
            amount: money(e.amount()),
        })
        .collect()
}

/// Payments per month of a salary frequency, as Periculum prints it (`"1"` for monthly).
fn frequency_label(frequency: ledgerlens_enrich::Frequency) -> &'static str {
    match frequency {
        ledgerlens_enrich::Frequency::Weekly => "4",
        ledgerlens_enrich::Frequency::Biweekly => "2",
        ledgerlens_enrich::Frequency::Monthly => "1",
        ledgerlens_enrich::Frequency::Quarterly => "0.33",
    }
}

fn income_analysis(flow: &CashFlow, spend: &Spend<'_>, income: &Income<'_, '_>) -> IncomeAnalysis {
    let earned = income.salary_total + income.other_total;
    IncomeAnalysis {
        salary_transactions: listed(&income.salary),
        average_predicted_salary: money(income.average_salary()),
        is_salary_earner: yes_no(income.salary_earner),
        expected_salary_payment_day: income.pay_day,
        frequency_of_salary_payments: income.frequency.map(frequency_label),
        last_date_of_salary_payment: income.latest().map(|p| day(p.date)),
        number_of_salary_payments: income.payments.len(),
        has_other_income: yes_no(!income.other.is_empty()),
        other_income_transactions: listed(&income.other),
        average_other_income: money(flow.per_month(income.other_total)),
        number_of_other_income_payments: income.other.len(),
        lowest_salary: money(income.lowest_salary().unwrap_or(Decimal::ZERO)),
        most_recent_salary: money(income.latest().map_or(Decimal::ZERO, |p| p.amount)),
        net_average_monthly_earning: money(flow.per_month(earned - spend.total.total)),
    }
}
