//! EnvoyX bank statement analysis: the statement metadata, the account-holder name analysis and
//! the inputs of the four dimensions (revenue, cash flow, expense & liability, balance
//! behaviour), in the field names of EnvoyX's `bank_statement` object (spec 003).
//!
//! EnvoyX scores each dimension 0–1000, weighs them, deducts flag penalties and assigns tiers;
//! that is the scoring issue's. What is here is every figure those scores read, in
//! [`EnvoyxInputs`] (typed, exact money), plus the categorical assessments the spec prints for
//! each dimension (`revenue_consistency`, `balance_trend`, …) derived from them with the
//! thresholds documented in docs/analytics.md ("EnvoyX"). The spec's score, flag, tier and
//! legitimacy fields are not produced here.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::Primary;
use ledgerlens_enrich::{Channel, HolderKind, holder_kind};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::balances::DailyBalances;
use crate::ledger::{Entry, Ledger, ratio, sum};
use crate::manipulation::{
    self, ManipulationSignals, SignalInputs, coefficient_of_variation, money, money_opt,
};
use crate::names::{self, NameComparison, NameMatch};
use crate::options::AnalysisOptions;

/// Monthly coefficient of variation at or below which revenue or flows are STRONG.
pub const CV_STRONG: f64 = 0.25;
/// … MODERATE.
pub const CV_MODERATE: f64 = 0.5;
/// … WEAK (above: POOR).
pub const CV_WEAK: f64 = 1.0;
/// Days of average outflow the lowest balance between major inflows must cover for ADEQUATE.
pub const ADEQUATE_COVER_DAYS: f64 = 7.0;
/// Debt service over operating revenue: below this LOW…
pub const DEBT_LOW: f64 = 0.10;
/// … MODERATE …
pub const DEBT_MODERATE: f64 = 0.30;
/// … HIGH (at or above: CRITICAL).
pub const DEBT_HIGH: f64 = 0.50;
/// Lenders repaid in one month (or loans outstanding at once) that make loan stacking.
pub const STACKING_LENDERS: usize = 3;
/// Relative change between the first and last windows' average balance that is a trend.
pub const TREND_CHANGE: f64 = 0.10;
/// Residual (detrended) coefficient of variation of daily balances above which they are VOLATILE.
pub const VOLATILE_RESIDUAL_CV: f64 = 0.5;
/// Days of average outflow below which a balance is "low" (survival episodes).
pub const LOW_BALANCE_DAYS: i64 = 3;
/// Runway (days) at or above which survival can be HEALTHY.
pub const HEALTHY_RUNWAY_DAYS: f64 = 30.0;
/// Runway (days) below which survival is DISTRESSED.
pub const DISTRESSED_RUNWAY_DAYS: f64 = 7.0;

/// EnvoyX's inflow classes (spec: `revenue_classification`), defined in docs/taxonomy.md §2.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InflowClass {
    /// Business revenue from a payer that is not a person (insurer, state body, company) and
    /// wages.
    InstitutionalPayments,
    /// Sweeps in from mobile-money wallets.
    MobileMoneySweeps,
    /// Cash paid in over the counter.
    CashDeposits,
    /// Tontine (rotating savings) payouts.
    TontineReceipts,
    /// Person-to-person and own-account transfers in.
    RelatedPartyTransfers,
    /// Everything else.
    Other,
}

/// Classifies a credit. Categories decide, narrowed by channel where enrichment turned a
/// business's cash or wallet takings into revenue (a cash deposit on a business account is
/// `INCOME_BUSINESS_REVENUE` by category and a cash deposit by channel). Cash paid in over the
/// counter is a cash deposit whatever else the narration says: a deposit slip naming the holder
/// ("VERSEMENT ESPECES CLINIQUE LA GRACE") reads like an own-account transfer to enrichment,
/// but cash cannot come from another account.
pub fn inflow_class(entry: &Entry<'_>) -> InflowClass {
    classify(entry, holder_kind)
}

/// [`inflow_class`], reading payer names' kinds through `kind_of` (a cache in [`build`]).
fn classify<'a>(entry: &Entry<'a>, kind_of: impl FnOnce(&'a str) -> HolderKind) -> InflowClass {
    let code = entry.category().code();
    if entry.enr.channel == Channel::Cash && code != "TRANSFER_IN_TONTINE" {
        return InflowClass::CashDeposits;
    }
    match code {
        "TRANSFER_IN_TONTINE" => return InflowClass::TontineReceipts,
        "TRANSFER_IN_MOBILE_MONEY" => return InflowClass::MobileMoneySweeps,
        "TRANSFER_IN_DEPOSIT" => return InflowClass::CashDeposits,
        "TRANSFER_IN_PERSON_TO_PERSON" | "TRANSFER_IN_ACCOUNT_TRANSFER" => {
            return InflowClass::RelatedPartyTransfers;
        }
        _ => {}
    }
    let revenue = code == "INCOME_BUSINESS_REVENUE";
    match entry.enr.channel {
        Channel::MobileMoney if revenue => InflowClass::MobileMoneySweeps,
        Channel::Cash if revenue => InflowClass::CashDeposits,
        _ if code == "INCOME_WAGES" => InflowClass::InstitutionalPayments,
        _ if revenue && institutional_payer(entry, kind_of) => InflowClass::InstitutionalPayments,
        _ => InflowClass::Other,
    }
}

/// A payer is an institution unless its name reads as a person's: insurers and state bodies
/// often print as acronyms (CNAM, MUGEFCI, NHIA), which a legal-form test would miss.
fn institutional_payer<'a>(entry: &Entry<'a>, kind_of: impl FnOnce(&'a str) -> HolderKind) -> bool {
    let (tx, enr) = (entry.tx, entry.enr);
    let name = tx
        .counterparty
        .name
        .as_deref()
        .or(enr.counterparty.as_ref().map(|c| &*c.name));
    name.is_some_and(|name| kind_of(name) != HolderKind::Person)
}

/// True for operating revenue: what the business earns (institutional payments, wallet and cash
/// takings, any other `INCOME`), not what it borrows, is lent back, or moves between accounts.
pub fn is_operating_revenue(entry: &Entry<'_>) -> bool {
    is_operating_revenue_of(entry, inflow_class(entry))
}

/// [`is_operating_revenue`] of an entry whose class is known.
fn is_operating_revenue_of(entry: &Entry<'_>, class: InflowClass) -> bool {
    entry.is_credit()
        && (!entry.is_internal() || entry.enr.channel == Channel::Cash)
        && (matches!(
            class,
            InflowClass::InstitutionalPayments
                | InflowClass::MobileMoneySweeps
                | InflowClass::CashDeposits
        ) || entry.primary() == Primary::Income)
}

// ---------------------------------------------------------------------------------------------
// Output types.

/// A figure per calendar month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthAmount {
    /// `YYYY-MM`.
    pub month: String,
    /// The amount.
    #[serde(serialize_with = "money")]
    pub amount: Decimal,
}

/// `revenue_classification`: percentage (0–100) of all credits by inflow class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RevenueClassification {
    /// Institutional payments.
    pub institutional_payments: f64,
    /// Mobile-money sweeps.
    pub mobile_money_sweeps: f64,
    /// Cash deposits.
    pub cash_deposits: f64,
    /// Tontine receipts.
    pub tontine_receipts: f64,
    /// Related-party transfers.
    pub related_party_transfers: f64,
    /// Other.
    pub other: f64,
}

/// Amounts behind the classification.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassAmounts {
    /// Institutional payments.
    #[serde(serialize_with = "money")]
    pub institutional_payments: Decimal,
    /// Mobile-money sweeps.
    #[serde(serialize_with = "money")]
    pub mobile_money_sweeps: Decimal,
    /// Cash deposits.
    #[serde(serialize_with = "money")]
    pub cash_deposits: Decimal,
    /// Tontine receipts.
    #[serde(serialize_with = "money")]
    pub tontine_receipts: Decimal,
    /// Related-party transfers.
    #[serde(serialize_with = "money")]
    pub related_party_transfers: Decimal,
    /// Other.
    #[serde(serialize_with = "money")]
    pub other: Decimal,
    /// All credits.
    #[serde(serialize_with = "money")]
    pub total: Decimal,
}

/// Revenue consistency inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RevenueInputs {
    /// Operating revenue over the statement.
    #[serde(serialize_with = "money")]
    pub operating_revenue: Decimal,
    /// Per month considered (full calendar months when there are two or more, else every
    /// month touched).
    pub monthly_revenue: Vec<MonthAmount>,
    /// Mean of `monthly_revenue`.
    #[serde(serialize_with = "money")]
    pub mean_monthly_revenue: Decimal,
    /// Coefficient of variation of `monthly_revenue`.
    pub coefficient_of_variation: f64,
    /// Months with some revenue.
    pub months_with_revenue: usize,
    /// Least-squares slope of monthly revenue per month, over the mean.
    pub trend_slope_ratio: f64,
    /// Distinct payers (counterparty keys) of revenue credits; cash has none.
    pub distinct_payers: usize,
    /// Share of operating revenue from the largest payer.
    pub top_payer_share: f64,
}

/// Liquidity bridges inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiquidityInputs {
    /// Credits from mobile-money wallets.
    #[serde(serialize_with = "money")]
    pub mobile_money_in: Decimal,
    /// Their number.
    pub mobile_money_in_count: usize,
    /// Debits to mobile-money wallets (positive).
    #[serde(serialize_with = "money")]
    pub mobile_money_out: Decimal,
    /// Their number.
    pub mobile_money_out_count: usize,
    /// Share of all credits from wallets.
    pub mobile_money_share_of_inflows: f64,
}

/// Working-capital inputs: balances in the gaps between major inflows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkingCapitalInputs {
    /// A revenue credit at least this large (75th percentile, nearest rank) is a major inflow.
    #[serde(serialize_with = "money")]
    pub major_inflow_threshold: Decimal,
    /// Days with a major inflow.
    pub major_inflow_days: usize,
    /// Longest run of days strictly between two major-inflow days.
    pub longest_gap_days: i64,
    /// Mean of those runs.
    pub average_gap_days: f64,
    /// Lowest end-of-day balance (all accounts) in the gaps (over the whole statement when
    /// there are fewer than two major-inflow days).
    #[serde(serialize_with = "money")]
    pub min_balance_between_inflows: Decimal,
    /// Non-internal outflows per calendar day of the statement.
    #[serde(serialize_with = "money")]
    pub average_daily_outflow: Decimal,
    /// `min_balance_between_inflows / average_daily_outflow` (0 without outflow).
    pub cover_days: f64,
    /// Days in the gaps closing below zero.
    pub overdraft_days_between_inflows: usize,
}

/// Pattern consistency inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatternInputs {
    /// Non-internal credits per month.
    pub monthly_inflows: Vec<MonthAmount>,
    /// Non-internal debits per month (positive).
    pub monthly_outflows: Vec<MonthAmount>,
    /// Coefficient of variation of monthly inflows.
    pub inflow_cv: f64,
    /// … of monthly outflows.
    pub outflow_cv: f64,
    /// … of monthly transaction counts.
    pub count_cv: f64,
    /// Months without any transaction.
    pub inactive_months: usize,
}

/// One expected expense group of the declared business type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpenseGroupPresence {
    /// Group name (`payroll`, `rent`, …).
    pub group: &'static str,
    /// Categories that make it.
    pub categories: Vec<&'static str>,
    /// Whether any debit of these categories exists.
    pub present: bool,
    /// Total of those debits (positive).
    #[serde(serialize_with = "money")]
    pub total: Decimal,
    /// Their number.
    pub count: usize,
    /// Calendar months with at least one.
    pub months_present: usize,
}

/// Operating-expense presence inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OperatingExpenseInputs {
    /// The expense profile used (`clinic`, `retail`, …, `default`).
    pub profile: &'static str,
    /// Expected groups and what was found.
    pub groups: Vec<ExpenseGroupPresence>,
    /// Groups present.
    pub groups_present: usize,
    /// Operating expenses (every debit of an expected group plus `BUSINESS_EXPENSES`).
    #[serde(serialize_with = "money")]
    pub operating_total: Decimal,
    /// Personal spending (food, shopping, entertainment, personal care, travel, gambling).
    #[serde(serialize_with = "money")]
    pub personal_total: Decimal,
    /// `personal_total / operating_total`.
    pub personal_to_operating_ratio: f64,
}

/// Debt load inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DebtInputs {
    /// Loan repayments (`LOAN_PAYMENTS` debits, positive).
    #[serde(serialize_with = "money")]
    pub debt_service_total: Decimal,
    /// Per calendar month covered.
    #[serde(serialize_with = "money")]
    pub debt_service_monthly: Decimal,
    /// Over operating revenue.
    pub debt_service_ratio: f64,
    /// Loan disbursements received.
    #[serde(serialize_with = "money")]
    pub disbursements_total: Decimal,
    /// Distinct lenders seen.
    pub lender_count: usize,
    /// Most distinct lenders repaid within one calendar month.
    pub max_lenders_repaid_in_a_month: usize,
    /// Most loans outstanding at once (enrichment).
    pub max_concurrent_loans: usize,
    /// Repayments that came back unpaid.
    pub returned_repayments: usize,
}

/// `expense_tontine_activity` (spec object) with figures of our own after the spec's fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TontineActivity {
    /// Any tontine contribution or payout.
    pub detected: bool,
    /// Contributions per month from the first contribution's month to the last's.
    #[serde(serialize_with = "money")]
    pub estimated_monthly: Decimal,
    /// Plain-language summary.
    pub description: String,
    /// Contributions (positive).
    #[serde(serialize_with = "money")]
    pub contributions_total: Decimal,
    /// Their number.
    pub contribution_count: usize,
    /// Payouts received.
    #[serde(serialize_with = "money")]
    pub payouts_total: Decimal,
    /// Their number.
    pub payout_count: usize,
    /// Distinct groups (counterparty keys).
    pub groups: usize,
}

/// `cashflow_liquidity_bridges` (spec object).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiquidityBridges {
    /// Any mobile-money movement.
    pub mobile_money_detected: bool,
    /// Any tontine movement.
    pub tontine_detected: bool,
    /// Plain-language summary.
    pub description: String,
}

/// Balance trend inputs over the daily balance of all accounts in the analysis currency.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BalanceTrendInputs {
    /// Whether the statements state balances (else the series starts at an unknown zero).
    pub balances_known: bool,
    /// Days in each end window (30, or a third of the statement when shorter).
    pub window_days: usize,
    /// Average over the first window.
    #[serde(serialize_with = "money")]
    pub first_window_average: Decimal,
    /// Average over the last window.
    #[serde(serialize_with = "money")]
    pub last_window_average: Decimal,
    /// `(last − first) / |first|` (0 when the first is 0).
    pub relative_change: f64,
    /// Least-squares slope of the daily balance, per day.
    #[serde(serialize_with = "money")]
    pub slope_per_day: Decimal,
    /// Detrended (least-squares) standard deviation of the monthly average balances over their
    /// |mean|.
    pub residual_cv: f64,
    /// Mean daily balance.
    #[serde(serialize_with = "money")]
    pub mean_balance: Decimal,
    /// Lowest daily balance.
    #[serde(serialize_with = "money")]
    pub min_balance: Decimal,
    /// Highest daily balance.
    #[serde(serialize_with = "money")]
    pub max_balance: Decimal,
}

/// Survival inputs: runway and recovery after low balances.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurvivalInputs {
    /// Closing balance over average daily outflow; `None` without outflow.
    pub cash_runway_days: Option<f64>,
    /// Below this balance a day is "low": [`LOW_BALANCE_DAYS`] days of average outflow (zero
    /// without outflow: only overdrafts are low).
    #[serde(serialize_with = "money")]
    pub low_balance_threshold: Decimal,
    /// Runs of low days.
    pub low_balance_episodes: usize,
    /// Longest run.
    pub longest_low_balance_days: usize,
    /// Mean length of the runs that ended before the statement did.
    pub average_recovery_days: Option<f64>,
    /// True when the statement ends in a low run.
    pub unrecovered_at_end: bool,
    /// Days closing below zero.
    pub overdraft_days: usize,
}

/// Name analysis inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NameInputs {
    /// Distinct holder names printed on the accounts.
    pub printed_names: Vec<String>,
    /// Whether the printed names agree with each other (EXACT or PARTIAL pairwise).
    pub printed_names_agree: bool,
    /// The comparison with the declared name, when one was given.
    pub comparison: Option<NameComparison>,
    /// Why the consistency verdict is what it is.
    pub consistency_reason: String,
}

/// Every raw figure the EnvoyX dimension scores read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvoyxInputs {
    /// Inflow classes by value.
    pub classification_amounts: ClassAmounts,
    /// Revenue consistency.
    pub revenue: RevenueInputs,
    /// Mobile money as a bridge.
    pub liquidity: LiquidityInputs,
    /// Working capital in the gaps.
    pub working_capital: WorkingCapitalInputs,
    /// Pattern consistency.
    pub pattern: PatternInputs,
    /// Expected operating expenses.
    pub operating_expenses: OperatingExpenseInputs,
    /// Debt load.
    pub debt: DebtInputs,
    /// Balance trend.
    pub balance_trend: BalanceTrendInputs,
    /// Manipulation signals.
    pub manipulation: ManipulationSignals,
    /// Survival.
    pub survival: SurvivalInputs,
    /// Names.
    pub names: NameInputs,
    /// Calendar months the statement touches.
    pub months_covered: usize,
    /// Days covered.
    pub days_covered: i64,
    /// The date the analysis is as of.
    pub as_of: NaiveDate,
}

/// STRONG / MODERATE / WEAK / POOR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Consistency {
    /// Steady.
    Strong,
    /// Some variation.
    Moderate,
    /// Large variation.
    Weak,
    /// Erratic or absent.
    Poor,
}

/// ADEQUATE / MARGINAL / INADEQUATE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Adequacy {
    /// The gaps are covered.
    Adequate,
    /// Covered, thinly.
    Marginal,
    /// The account runs dry between inflows.
    Inadequate,
}

/// PRESENT / PARTIAL / ABSENT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Presence {
    /// Most expected expenses visible.
    Present,
    /// Some.
    Partial,
    /// None ("ghost business").
    Absent,
}

/// LOW / MODERATE / HIGH / CRITICAL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DebtLoad {
    /// Little debt service.
    Low,
    /// Some.
    Moderate,
    /// Heavy, or stacked lenders.
    High,
    /// Half of revenue or more.
    Critical,
}

/// GROWING / STABLE / DECLINING / VOLATILE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Trend {
    /// Up.
    Growing,
    /// Flat.
    Stable,
    /// Down.
    Declining,
    /// Swings around its trend.
    Volatile,
}

/// HEALTHY / MARGINAL / DISTRESSED.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Survival {
    /// Weeks of runway, quick recovery.
    Healthy,
    /// In between.
    Marginal,
    /// Days of runway, or stuck low.
    Distressed,
}

/// CONSISTENT / INCONSISTENT / UNKNOWN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NameConsistency {
    /// Names agree and fit the declared business and the inflows.
    Consistent,
    /// They do not.
    Inconsistent,
    /// No name printed.
    Unknown,
}

/// EnvoyX's `bank_statement` analysis fields (spec 003), then `inputs`, ours.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvoyxAnalysis {
    /// Bank(s) of the accounts, comma-separated.
    pub bank_name: Option<String>,
    /// Masked account number(s), comma-separated.
    pub account_number_masked: Option<String>,
    /// First day covered (ISO).
    pub statement_period_start: NaiveDate,
    /// Last day covered.
    pub statement_period_end: NaiveDate,
    /// ISO currency of the analysis.
    pub currency: String,
    /// Sum of the accounts' opening balances.
    #[serde(serialize_with = "money_opt")]
    pub opening_balance: Option<Decimal>,
    /// Sum of the accounts' closing balances.
    #[serde(serialize_with = "money_opt")]
    pub closing_balance: Option<Decimal>,
    /// All credits.
    #[serde(serialize_with = "money")]
    pub total_credits: Decimal,
    /// All debits (positive).
    #[serde(serialize_with = "money")]
    pub total_debits: Decimal,
    /// Transactions in the analysis currency.
    pub transaction_count: usize,
    /// Holder name as printed (main account).
    pub extracted_account_holder_name: Option<String>,
    /// PERSON / BUSINESS / AMBIGUOUS.
    pub account_holder_name_type: HolderKind,
    /// CONSISTENT / INCONSISTENT / UNKNOWN.
    pub account_holder_name_consistency: NameConsistency,
    /// EXACT / PARTIAL / MISMATCH, only when a name was declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_match_result: Option<NameMatch>,
    /// Explanation of the match, only when a name was declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_match_details: Option<String>,
    /// Revenue consistency.
    pub revenue_consistency: Consistency,
    /// Percentages by inflow class.
    pub revenue_classification: RevenueClassification,
    /// Working-capital adequacy.
    pub cashflow_working_capital_adequacy: Adequacy,
    /// Liquidity bridges.
    pub cashflow_liquidity_bridges: LiquidityBridges,
    /// Flow pattern consistency.
    pub cashflow_pattern_consistency: Consistency,
    /// Expected operating expenses.
    pub expense_operating_presence: Presence,
    /// Debt load.
    pub expense_debt_load: DebtLoad,
    /// Tontine activity.
    pub expense_tontine_activity: TontineActivity,
    /// Balance trend.
    pub balance_trend: Trend,
    /// Timing manipulation (end-of-period spike, held-still balances, revenue only near the
    /// application date).
    pub balance_manipulation_detected: bool,
    /// Survival between inflows.
    pub balance_survival_behaviour: Survival,
    /// Every raw figure.
    pub inputs: EnvoyxInputs,
}

// ---------------------------------------------------------------------------------------------
// Expected operating expenses per business type.

/// Expected expense groups: (group, categories).
type Groups = &'static [(&'static str, &'static [&'static str])];

const PAYROLL: (&str, &[&str]) = ("payroll", &["BUSINESS_EXPENSES_PAYROLL"]);
const RENT: (&str, &[&str]) = ("rent", &["RENT_AND_UTILITIES_RENT"]);
const UTILITIES: (&str, &[&str]) = (
    "utilities",
    &[
        "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY",
        "RENT_AND_UTILITIES_WATER",
        "RENT_AND_UTILITIES_TELEPHONE",
        "RENT_AND_UTILITIES_INTERNET_AND_CABLE",
        "RENT_AND_UTILITIES_SEWAGE_AND_WASTE_MANAGEMENT",
        "RENT_AND_UTILITIES_OTHER_UTILITIES",
    ],
);
const SUPPLIES: (&str, &[&str]) = ("supplies", &["BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY"]);
const MEDICAL_SUPPLIES: (&str, &[&str]) = (
    "medical_supplies",
    &[
        "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
        "BUSINESS_EXPENSES_EQUIPMENT",
        "MEDICAL_PHARMACIES_AND_SUPPLEMENTS",
    ],
);
const SOCIAL: (&str, &[&str]) = (
    "social_security",
    &["GOVERNMENT_AND_NON_PROFIT_SOCIAL_SECURITY"],
);
const FOOD_SUPPLIES: (&str, &[&str]) = (
    "food_supplies",
    &[
        "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
        "FOOD_AND_DRINK_GROCERIES",
    ],
);
const FUEL: (&str, &[&str]) = ("fuel", &["TRANSPORTATION_GAS"]);
const MAINTENANCE: (&str, &[&str]) = (
    "vehicle_maintenance",
    &["GENERAL_SERVICES_AUTOMOTIVE", "BUSINESS_EXPENSES_EQUIPMENT"],
);
const INSURANCE: (&str, &[&str]) = ("insurance", &["GENERAL_SERVICES_INSURANCE"]);
const SOFTWARE: (&str, &[&str]) = (
    "software_and_communication",
    &[
        "GENERAL_SERVICES_SOFTWARE_AND_ONLINE_SERVICES",
        "RENT_AND_UTILITIES_TELEPHONE",
        "RENT_AND_UTILITIES_INTERNET_AND_CABLE",
    ],
);
const INPUTS: (&str, &[&str]) = (
    "farm_inputs",
    &[
        "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
        "HOME_IMPROVEMENT_HARDWARE",
        "BUSINESS_EXPENSES_EQUIPMENT",
    ],
);
const LOGISTICS: (&str, &[&str]) = (
    "logistics",
    &["BUSINESS_EXPENSES_LOGISTICS", "TRANSPORTATION_GAS"],
);

/// The expense-profile table: (profile, words of the declared type or sector that select it,
/// expected groups). The first profile whose word occurs in the normalised business type (then
/// in the sector) applies; `default` otherwise. Documented in docs/analytics.md.
pub const EXPENSE_PROFILES: &[(&str, &[&str], Groups)] = &[
    (
        "pharmacy",
        &["pharmacy", "pharmacie", "drugstore", "chemist"],
        &[PAYROLL, RENT, UTILITIES, MEDICAL_SUPPLIES],
    ),
    (
        "clinic",
        &[
            "clinic",
            "clinique",
            "healthcare",
            "health",
            "hospital",
            "hopital",
            "medical",
            "sante",
            "laboratory",
            "laboratoire",
        ],
        &[PAYROLL, RENT, UTILITIES, MEDICAL_SUPPLIES, SOCIAL],
    ),
    (
        "restaurant",
        &[
            "restaurant",
            "food",
            "catering",
            "hospitality",
            "hotel",
            "maquis",
            "bar",
        ],
        &[PAYROLL, RENT, UTILITIES, FOOD_SUPPLIES],
    ),
    (
        "retail",
        &[
            "retail",
            "shop",
            "store",
            "boutique",
            "commerce",
            "trading",
            "trade",
            "wholesale",
            "supermarket",
        ],
        &[RENT, UTILITIES, SUPPLIES, PAYROLL],
    ),
    (
        "transport",
        &[
            "transport",
            "logistics",
            "haulage",
            "taxi",
            "delivery",
            "freight",
        ],
        &[FUEL, MAINTENANCE, INSURANCE, PAYROLL],
    ),
    (
        "agriculture",
        &[
            "agriculture",
            "agro",
            "farm",
            "farming",
            "agricole",
            "livestock",
            "fishing",
        ],
        &[INPUTS, LOGISTICS, PAYROLL],
    ),
    (
        "manufacturing",
        &[
            "manufacturing",
            "factory",
            "industry",
            "industrie",
            "production",
        ],
        &[PAYROLL, RENT, UTILITIES, SUPPLIES, LOGISTICS],
    ),
    (
        "services",
        &[
            "services",
            "service",
            "consulting",
            "consultancy",
            "agency",
            "professional",
            "education",
            "school",
        ],
        &[PAYROLL, RENT, UTILITIES, SOFTWARE],
    ),
];

/// Expected groups when the business type says nothing we know.
pub const DEFAULT_GROUPS: Groups = &[PAYROLL, RENT, UTILITIES, SUPPLIES];

/// The expense profile for a declared business type and sector.
pub fn expense_profile(
    business_type: Option<&str>,
    sector: Option<&str>,
) -> (&'static str, Groups) {
    for text in [business_type, sector].into_iter().flatten() {
        let words = ledgerlens_enrich::normalize::normalize(&text.replace('_', " "));
        for (profile, keys, groups) in EXPENSE_PROFILES {
            if keys
                .iter()
                .any(|key| words.split_whitespace().any(|word| word == *key))
            {
                return (profile, groups);
            }
        }
    }
    ("default", DEFAULT_GROUPS)
}

/// Primaries read as personal (not operating) spending.
const PERSONAL: &[Primary] = &[
    Primary::FoodAndDrink,
    Primary::GeneralMerchandise,
    Primary::Entertainment,
    Primary::PersonalCare,
    Primary::Travel,
    Primary::Gambling,
];

// ---------------------------------------------------------------------------------------------
// Helpers.

type Month = (i32, u32);

fn month_of(date: NaiveDate) -> Month {
    (date.year(), date.month())
}

fn month_name((year, month): Month) -> String {
    format!("{year:04}-{month:02}")
}

/// Calendar months touched by the ledger, and the full ones.
fn months(ledger: &Ledger<'_>) -> (Vec<Month>, Vec<Month>) {
    let mut touched = Vec::new();
    let mut full = Vec::new();
    let mut day = ledger.start;
    loop {
        let month = month_of(day);
        touched.push(month);
        let first = NaiveDate::from_ymd_opt(month.0, month.1, 1).unwrap_or(day);
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(ledger.end);
        let last = next.pred_opt().unwrap_or(next);
        if first >= ledger.start && last <= ledger.end {
            full.push(month);
        }
        if next > ledger.end || next <= day {
            break;
        }
        day = next;
    }
    (touched, full)
}

fn per_month<'a, I: Iterator<Item = &'a Entry<'a>>>(months: &[Month], entries: I) -> Vec<Decimal> {
    let mut totals: BTreeMap<Month, Decimal> = months.iter().map(|m| (*m, Decimal::ZERO)).collect();
    for entry in entries {
        if let Some(total) = totals.get_mut(&month_of(entry.date())) {
            *total += entry.amount().abs();
        }
    }
    months
        .iter()
        .map(|m| totals.get(m).copied().unwrap_or_default())
        .collect()
}

fn month_amounts(months: &[Month], values: &[Decimal]) -> Vec<MonthAmount> {
    months
        .iter()
        .zip(values)
        .map(|(m, v)| MonthAmount {
            month: month_name(*m),
            amount: *v,
        })
        .collect()
}

fn consistency_of(cv: f64) -> Consistency {
    if cv <= CV_STRONG {
        Consistency::Strong
    } else if cv <= CV_MODERATE {
        Consistency::Moderate
    } else if cv <= CV_WEAK {
        Consistency::Weak
    } else {
        Consistency::Poor
    }
}

/// Least-squares slope of `values` against 0, 1, 2, … (exact).
fn slope(values: &[Decimal]) -> Decimal {
    let n = values.len();
    if n < 2 {
        return Decimal::ZERO;
    }
    let mean_x = Decimal::from(n - 1) / Decimal::TWO;
    let mean_y = DailyBalances::mean(values);
    let mut sxy = Decimal::ZERO;
    let mut sxx = Decimal::ZERO;
    for (i, y) in values.iter().enumerate() {
        let dx = Decimal::from(i) - mean_x;
        sxy = sxy
            .checked_add(dx.checked_mul(*y - mean_y).unwrap_or_default())
            .unwrap_or(sxy);
        sxx += dx * dx;
    }
    if sxx.is_zero() {
        Decimal::ZERO
    } else {
        sxy / sxx
    }
}

/// Standard deviation of the residuals of a least-squares line through `values`, over |mean|.
fn residual_cv(values: &[Decimal]) -> f64 {
    if values.len() < 3 {
        return 0.0;
    }
    let mean = DailyBalances::mean(values);
    let slope = slope(values);
    let mean_x = Decimal::from(values.len() - 1) / Decimal::TWO;
    let squares = sum(values.iter().enumerate().map(|(i, y)| {
        let fitted = mean
            + slope
                .checked_mul(Decimal::from(i) - mean_x)
                .unwrap_or_default();
        let r = *y - fitted;
        r.checked_mul(r).unwrap_or(Decimal::MAX)
    }));
    let variance = squares / Decimal::from(values.len());
    ratio(variance, mean.checked_mul(mean).unwrap_or(Decimal::MAX))
        .max(0.0)
        .sqrt()
}

/// Opening balance of a statement: stated, else derived from the first printed balance.
fn opening_of(statement: &ledgerlens_core::Statement) -> Option<Decimal> {
    if let Some(opening) = statement.opening_balance {
        return Some(opening.as_decimal());
    }
    let mut before = Decimal::ZERO;
    for t in &statement.transactions {
        before += t.amount.as_decimal();
        if let Some(balance) = t.balance {
            return Some(balance.as_decimal() - before);
        }
    }
    None
}

/// Closing balance of a statement: stated, else the last printed balance carried by later
/// amounts, else the opening plus every amount.
fn closing_of(statement: &ledgerlens_core::Statement) -> Option<Decimal> {
    if let Some(closing) = statement.closing_balance {
        return Some(closing.as_decimal());
    }
    let mut after = Decimal::ZERO;
    for t in statement.transactions.iter().rev() {
        if let Some(balance) = t.balance {
            return Some(balance.as_decimal() + after);
        }
        after += t.amount.as_decimal();
    }
    opening_of(statement).map(|o| o + after)
}

fn distinct_joined(values: impl Iterator<Item = String>) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    if seen.is_empty() {
        None
    } else {
        Some(seen.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// The analysis.

/// Computes the EnvoyX analysis of a ledger.
pub fn build(ledger: &Ledger<'_>, options: &AnalysisOptions) -> EnvoyxAnalysis {
    let currency = ledger.currency;
    // Accounts in the analysis currency, in a stable order (by identity, then position) so that
    // joined names do not depend on the order of the input files.
    let mut accounts: Vec<(usize, &crate::ledger::AccountLedger<'_>)> = ledger
        .accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.statement.currency == currency)
        .collect();
    accounts.sort_by_key(|(i, a)| {
        (
            std::cmp::Reverse(a.statement.transactions.len()),
            a.statement.account.identity_key(),
            *i,
        )
    });
    let series: Vec<Option<DailyBalances>> = ledger
        .accounts
        .iter()
        .map(|a| {
            (a.statement.currency == currency)
                .then(|| DailyBalances::of(a.statement, ledger.start, ledger.end))
        })
        .collect();
    let days = usize::try_from(ledger.days()).unwrap_or(0);
    let mut combined = vec![Decimal::ZERO; days];
    for s in series.iter().flatten() {
        for (total, value) in combined.iter_mut().zip(&s.values) {
            *total += *value;
        }
    }
    let balances_known = series.iter().flatten().any(|s| s.known);

    let entries: Vec<&Entry<'_>> = ledger.in_currency().collect();
    let credits: Vec<&Entry<'_>> = entries.iter().copied().filter(|e| e.is_credit()).collect();
    let total_credits = sum(credits.iter().map(|e| e.amount()));
    let total_debits = -sum(entries.iter().filter(|e| e.is_debit()).map(|e| e.amount()));
    let (touched, full) = months(ledger);
    let considered = if full.len() >= 2 {
        full
    } else {
        touched.clone()
    };

    // Metadata.
    let bank_name = distinct_joined(
        accounts
            .iter()
            .filter_map(|(_, a)| a.statement.account.bank.clone()),
    );
    let account_number_masked = distinct_joined(accounts.iter().filter_map(|(_, a)| {
        let account = &a.statement.account;
        account
            .number
            .as_ref()
            .map(|n| n.masked())
            .or_else(|| account.iban.as_ref().map(|i| i.masked()))
    }));
    let openings: Vec<Option<Decimal>> = accounts
        .iter()
        .map(|(_, a)| opening_of(a.statement))
        .collect();
    let opening_balance = openings
        .iter()
        .all(Option::is_some)
        .then(|| sum(openings.iter().flatten().copied()));
    let closings: Vec<Option<Decimal>> = accounts
        .iter()
        .map(|(_, a)| closing_of(a.statement))
        .collect();
    let closing_balance = closings
        .iter()
        .all(Option::is_some)
        .then(|| sum(closings.iter().flatten().copied()));

    // Revenue classification.
    // Each credit is classified once; a payer name's kind is read once per name.
    let mut kinds: crate::ledger::FastMap<&str, HolderKind> = Default::default();
    let classes: Vec<InflowClass> = credits
        .iter()
        .map(|entry| {
            classify(entry, |name| {
                *kinds.entry(name).or_insert_with(|| holder_kind(name))
            })
        })
        .collect();
    let mut by_class: BTreeMap<InflowClass, Decimal> = BTreeMap::new();
    for (entry, class) in credits.iter().zip(&classes) {
        *by_class.entry(*class).or_default() += entry.amount();
    }
    let class = |c: InflowClass| by_class.get(&c).copied().unwrap_or_default();
    let percent = |c: InflowClass| ratio(class(c), total_credits) * 100.0;
    let classification_amounts = ClassAmounts {
        institutional_payments: class(InflowClass::InstitutionalPayments),
        mobile_money_sweeps: class(InflowClass::MobileMoneySweeps),
        cash_deposits: class(InflowClass::CashDeposits),
        tontine_receipts: class(InflowClass::TontineReceipts),
        related_party_transfers: class(InflowClass::RelatedPartyTransfers),
        other: class(InflowClass::Other),
        total: total_credits,
    };
    let revenue_classification = RevenueClassification {
        institutional_payments: percent(InflowClass::InstitutionalPayments),
        mobile_money_sweeps: percent(InflowClass::MobileMoneySweeps),
        cash_deposits: percent(InflowClass::CashDeposits),
        tontine_receipts: percent(InflowClass::TontineReceipts),
        related_party_transfers: percent(InflowClass::RelatedPartyTransfers),
        other: percent(InflowClass::Other),
    };

    // Revenue consistency.
    let revenue_entries: Vec<&Entry<'_>> = credits
        .iter()
        .zip(&classes)
        .filter(|(e, class)| is_operating_revenue_of(e, **class))
        .map(|(e, _)| *e)
        .collect();
    let operating_revenue = sum(revenue_entries.iter().map(|e| e.amount()));
    let monthly = per_month(&considered, revenue_entries.iter().copied());
    let revenue_cv = coefficient_of_variation(&monthly);
    let mean_monthly_revenue = DailyBalances::mean(&monthly);
    let months_with_revenue = monthly.iter().filter(|v| !v.is_zero()).count();
    let mut payers: BTreeMap<&str, Decimal> = BTreeMap::new();
    for entry in &revenue_entries {
        if let Some(party) = &entry.enr.counterparty {
            *payers.entry(&party.key).or_default() += entry.amount();
        }
    }
    let top_payer = payers.values().copied().max().unwrap_or_default();
    let revenue = RevenueInputs {
        operating_revenue,
        monthly_revenue: month_amounts(&considered, &monthly),
        mean_monthly_revenue,
        coefficient_of_variation: revenue_cv,
        months_with_revenue,
        trend_slope_ratio: ratio(slope(&monthly), mean_monthly_revenue),
        distinct_payers: payers.len(),
        top_payer_share: ratio(top_payer, operating_revenue),
    };
    let revenue_consistency = if operating_revenue <= Decimal::ZERO {
        Consistency::Poor
    } else {
        let missing = monthly.len() - months_with_revenue;
        let base = consistency_of(revenue_cv);
        match (base, missing) {
            (Consistency::Strong, 1) => Consistency::Moderate,
            (Consistency::Strong | Consistency::Moderate, 2..) => Consistency::Weak,
            (other, _) => other,
        }
    };

    // Liquidity bridges.
    let momo_in: Vec<&Entry<'_>> = credits
        .iter()
        .zip(&classes)
        .filter(|(_, class)| **class == InflowClass::MobileMoneySweeps)
        .map(|(e, _)| *e)
        .collect();
    let momo_out: Vec<&Entry<'_>> = entries
        .iter()
        .copied()
        .filter(|e| {
            e.is_debit()
                && (e.category().code() == "TRANSFER_OUT_MOBILE_MONEY"
                    || e.enr.channel == Channel::MobileMoney)
        })
        .collect();
    let liquidity = LiquidityInputs {
        mobile_money_in: sum(momo_in.iter().map(|e| e.amount())),
        mobile_money_in_count: momo_in.len(),
        mobile_money_out: -sum(momo_out.iter().map(|e| e.amount())),
        mobile_money_out_count: momo_out.len(),
        mobile_money_share_of_inflows: ratio(
            sum(momo_in.iter().map(|e| e.amount())),
            total_credits,
        ),
    };

    // Tontine.
    let contributions: Vec<&Entry<'_>> = entries
        .iter()
        .copied()
        .filter(|e| e.is_debit() && e.category().code() == "TRANSFER_OUT_TONTINE")
        .collect();
    let payouts: Vec<&Entry<'_>> = credits
        .iter()
        .copied()
        .filter(|e| e.category().code() == "TRANSFER_IN_TONTINE")
        .collect();
    let contributions_total = -sum(contributions.iter().map(|e| e.amount()));
    let payouts_total = sum(payouts.iter().map(|e| e.amount()));
    let contribution_months = match (
        contributions.iter().map(|e| e.date()).min(),
        contributions.iter().map(|e| e.date()).max(),
    ) {
        (Some(first), Some(last)) => {
            (last.year() - first.year()) * 12 + last.month0() as i32 - first.month0() as i32 + 1
        }
        _ => 0,
    };
    let estimated_monthly = if contribution_months > 0 {
        contributions_total / Decimal::from(contribution_months)
    } else {
        Decimal::ZERO
    };
    let groups: BTreeSet<&str> = contributions
        .iter()
        .chain(&payouts)
        .filter_map(|e| e.enr.counterparty.as_ref().map(|c| &*c.key))
        .collect();
    let tontine_detected = !contributions.is_empty() || !payouts.is_empty();
    let code = currency.code();
    let tontine_description = if tontine_detected {
        format!(
            "{} tontine contribution(s) totalling {} {code} (about {} {code} a month) and {} payout(s) totalling {} {code}, kept apart from formal debt",
            contributions.len(),
            contributions_total.round_dp(2),
            estimated_monthly.round_dp(2),
            payouts.len(),
            payouts_total.round_dp(2),
        )
    } else {
        "no tontine contributions or payouts".to_owned()
    };
    let expense_tontine_activity = TontineActivity {
        detected: tontine_detected,
        estimated_monthly,
        description: tontine_description,
        contributions_total,
        contribution_count: contributions.len(),
        payouts_total,
        payout_count: payouts.len(),
        groups: groups.len(),
    };
    let mobile_money_detected = !momo_in.is_empty() || !momo_out.is_empty();
    let mut bridge_parts = Vec::new();
    if mobile_money_detected {
        bridge_parts.push(format!(
            "mobile money: {} sweep(s) in ({:.1}% of inflows), {} transfer(s) out",
            momo_in.len(),
            liquidity.mobile_money_share_of_inflows * 100.0,
            momo_out.len()
        ));
    }
    if tontine_detected {
        bridge_parts.push(format!(
            "tontine: {} contribution(s), {} payout(s)",
            contributions.len(),
            payouts.len()
        ));
    }
    let cashflow_liquidity_bridges = LiquidityBridges {
        mobile_money_detected,
        tontine_detected,
        description: if bridge_parts.is_empty() {
            "no mobile-money or tontine liquidity bridge detected".to_owned()
        } else {
            bridge_parts.join("; ")
        },
    };

    // Working capital.
    let outflows = -sum(entries
        .iter()
        .filter(|e| e.is_debit() && !e.is_internal())
        .map(|e| e.amount()));
    let average_daily_outflow = if days == 0 {
        Decimal::ZERO
    } else {
        outflows / Decimal::from(days)
    };
    let mut amounts: Vec<Decimal> = revenue_entries.iter().map(|e| e.amount()).collect();
    amounts.sort();
    let major_inflow_threshold = if amounts.len() < 4 {
        amounts.first().copied().unwrap_or_default()
    } else {
        // Nearest rank: the ceil(0.75·n)-th smallest.
        let rank = (amounts.len() * 3).div_ceil(4);
        amounts
            .get(rank.saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    let major_days: BTreeSet<NaiveDate> = revenue_entries
        .iter()
        .filter(|e| e.amount() >= major_inflow_threshold)
        .map(|e| e.date())
        .collect();
    let offset = |d: NaiveDate| usize::try_from((d - ledger.start).num_days()).unwrap_or(0);
    let mut gap_lengths = Vec::new();
    let mut gap_values: Vec<Decimal> = Vec::new();
    let major: Vec<NaiveDate> = major_days.iter().copied().collect();
    for pair in major.windows(2) {
        if let [a, b] = pair {
            let length = (*b - *a).num_days() - 1;
            if length > 0 {
                gap_lengths.push(length);
                gap_values.extend(
                    combined
                        .get(offset(*a) + 1..offset(*b))
                        .unwrap_or_default()
                        .iter()
                        .copied(),
                );
            }
        }
    }
    let gap_series: &[Decimal] = if major.len() < 2 {
        &combined
    } else {
        &gap_values
    };
    let min_balance_between_inflows = gap_series.iter().copied().min().unwrap_or_default();
    let cover_days = ratio(min_balance_between_inflows, average_daily_outflow);
    let working_capital = WorkingCapitalInputs {
        major_inflow_threshold,
        major_inflow_days: major.len(),
        longest_gap_days: gap_lengths.iter().copied().max().unwrap_or(0),
        average_gap_days: ratio(
            Decimal::from(gap_lengths.iter().sum::<i64>()),
            Decimal::from(gap_lengths.len()),
        ),
        min_balance_between_inflows,
        average_daily_outflow,
        cover_days,
        overdraft_days_between_inflows: gap_series.iter().filter(|v| **v < Decimal::ZERO).count(),
    };
    let cashflow_working_capital_adequacy = if min_balance_between_inflows <= Decimal::ZERO {
        Adequacy::Inadequate
    } else if average_daily_outflow.is_zero() || cover_days >= ADEQUATE_COVER_DAYS {
        Adequacy::Adequate
    } else {
        Adequacy::Marginal
    };

    // Pattern consistency.
    let flows = |credit: bool| {
        per_month(
            &considered,
            entries.iter().copied().filter(move |e| {
                !e.is_internal() && e.is_credit() == credit && !e.amount().is_zero()
            }),
        )
    };
    let monthly_in = flows(true);
    let monthly_out = flows(false);
    let mut counts: BTreeMap<Month, usize> = considered.iter().map(|m| (*m, 0)).collect();
    for entry in &entries {
        if let Some(count) = counts.get_mut(&month_of(entry.date())) {
            *count += 1;
        }
    }
    let count_values: Vec<Decimal> = considered
        .iter()
        .map(|m| Decimal::from(counts.get(m).copied().unwrap_or(0)))
        .collect();
    let inactive_months = count_values.iter().filter(|c| c.is_zero()).count();
    let pattern = PatternInputs {
        inflow_cv: coefficient_of_variation(&monthly_in),
        outflow_cv: coefficient_of_variation(&monthly_out),
        count_cv: coefficient_of_variation(&count_values),
        monthly_inflows: month_amounts(&considered, &monthly_in),
        monthly_outflows: month_amounts(&considered, &monthly_out),
        inactive_months,
    };
    let cashflow_pattern_consistency = {
        let base = consistency_of(pattern.inflow_cv.max(pattern.outflow_cv));
        if entries.is_empty() {
            Consistency::Poor
        } else if inactive_months > 0 && matches!(base, Consistency::Strong | Consistency::Moderate)
        {
            Consistency::Weak
        } else {
            base
        }
    };

    // Operating expenses.
    let (profile, expected) =
        expense_profile(options.business_type.as_deref(), options.sector.as_deref());
    let debits: Vec<&Entry<'_>> = entries
        .iter()
        .copied()
        .filter(|e| e.is_debit() && !e.is_internal())
        .collect();
    let groups_found: Vec<ExpenseGroupPresence> = expected
        .iter()
        .map(|(group, categories)| {
            let hits: Vec<&&Entry<'_>> = debits
                .iter()
                .filter(|e| categories.contains(&e.category().code()))
                .collect();
            let months: BTreeSet<Month> = hits.iter().map(|e| month_of(e.date())).collect();
            ExpenseGroupPresence {
                group,
                categories: categories.to_vec(),
                present: !hits.is_empty(),
                total: -sum(hits.iter().map(|e| e.amount())),
                count: hits.len(),
                months_present: months.len(),
            }
        })
        .collect();
    let groups_present = groups_found.iter().filter(|g| g.present).count();
    let operating_total = -sum(debits
        .iter()
        .filter(|e| {
            e.primary() == Primary::BusinessExpenses
                || expected
                    .iter()
                    .any(|(_, categories)| categories.contains(&e.category().code()))
        })
        .map(|e| e.amount()));
    let personal_total = -sum(debits
        .iter()
        .filter(|e| PERSONAL.contains(&e.primary()))
        .map(|e| e.amount()));
    let expense_operating_presence = if groups_present == 0 {
        Presence::Absent
    } else if groups_present * 4 >= expected.len() * 3 {
        Presence::Present
    } else {
        Presence::Partial
    };
    let operating_expenses = OperatingExpenseInputs {
        profile,
        groups: groups_found,
        groups_present,
        operating_total,
        personal_total,
        personal_to_operating_ratio: ratio(personal_total, operating_total),
    };

    // Debt.
    let repayments: Vec<&Entry<'_>> = debits
        .iter()
        .copied()
        .filter(|e| e.primary() == Primary::LoanPayments)
        .collect();
    let debt_service_total = -sum(repayments.iter().map(|e| e.amount()));
    let mut lenders_by_month: BTreeMap<Month, BTreeSet<&str>> = BTreeMap::new();
    for entry in &repayments {
        let lender = entry
            .enr
            .lender
            .as_deref()
            .or(entry.enr.counterparty.as_ref().map(|c| &*c.key))
            .unwrap_or("UNKNOWN");
        lenders_by_month
            .entry(month_of(entry.date()))
            .or_default()
            .insert(lender);
    }
    let lenders: BTreeSet<&str> = ledger
        .accounts
        .iter()
        .flat_map(|a| a.enriched.loans.lenders.iter().map(|l| &*l.lender))
        .collect();
    let debt = DebtInputs {
        debt_service_total,
        debt_service_monthly: if touched.is_empty() {
            Decimal::ZERO
        } else {
            debt_service_total / Decimal::from(touched.len())
        },
        debt_service_ratio: ratio(debt_service_total, operating_revenue),
        disbursements_total: sum(credits
            .iter()
            .filter(|e| e.category().code() == "TRANSFER_IN_CASH_ADVANCES_AND_LOANS")
            .map(|e| e.amount())),
        lender_count: lenders.len(),
        max_lenders_repaid_in_a_month: lenders_by_month
            .values()
            .map(BTreeSet::len)
            .max()
            .unwrap_or(0),
        max_concurrent_loans: ledger
            .accounts
            .iter()
            .map(|a| a.enriched.loans.max_concurrent_loans)
            .max()
            .unwrap_or(0),
        returned_repayments: ledger
            .accounts
            .iter()
            .map(|a| a.enriched.loans.returned_repayments)
            .sum(),
    };
    let expense_debt_load = {
        let base = if debt_service_total.is_zero() {
            DebtLoad::Low
        } else if operating_revenue <= Decimal::ZERO {
            DebtLoad::Critical
        } else if debt.debt_service_ratio < DEBT_LOW {
            DebtLoad::Low
        } else if debt.debt_service_ratio < DEBT_MODERATE {
            DebtLoad::Moderate
        } else if debt.debt_service_ratio < DEBT_HIGH {
            DebtLoad::High
        } else {
            DebtLoad::Critical
        };
        if debt.max_lenders_repaid_in_a_month >= STACKING_LENDERS
            || debt.max_concurrent_loans >= STACKING_LENDERS
        {
            base.max(DebtLoad::High)
        } else {
            base
        }
    };

    // Balance trend.
    let window = (days / 3).clamp(1, 30).min(days.max(1));
    let first_window_average =
        DailyBalances::mean(combined.get(..window.min(days)).unwrap_or_default());
    let last_window_average = DailyBalances::mean(
        combined
            .get(days.saturating_sub(window)..)
            .unwrap_or_default(),
    );
    let relative_change = if first_window_average.is_zero() {
        0.0
    } else {
        ratio(
            last_window_average - first_window_average,
            first_window_average.abs(),
        )
    };
    let slope_per_day = slope(&combined);
    let mean_balance = DailyBalances::mean(&combined);
    // Volatility is read on monthly average balances: the within-month saw-tooth of a salary or
    // a payroll is how every account breathes, not volatility.
    // The month of each day is read once (days run in calendar order from `ledger.start`).
    let day_months: Vec<Option<Month>> = (0..combined.len())
        .map(|i| {
            ledger
                .start
                .checked_add_days(chrono::Days::new(i as u64))
                .map(month_of)
        })
        .collect();
    let monthly_balances: Vec<Decimal> = touched
        .iter()
        .map(|m| {
            let values: Vec<Decimal> = combined
                .iter()
                .zip(&day_months)
                .filter(|(_, month)| *month == &Some(*m))
                .map(|(v, _)| *v)
                .collect();
            DailyBalances::mean(&values)
        })
        .collect();
    let residual_cv = residual_cv(&monthly_balances);
    let balance_trend_inputs = BalanceTrendInputs {
        balances_known,
        window_days: window,
        first_window_average,
        last_window_average,
        relative_change,
        slope_per_day: slope_per_day.round_dp(8),
        residual_cv,
        mean_balance,
        min_balance: combined.iter().copied().min().unwrap_or_default(),
        max_balance: combined.iter().copied().max().unwrap_or_default(),
    };
    let balance_trend = if residual_cv > VOLATILE_RESIDUAL_CV {
        Trend::Volatile
    } else if relative_change >= TREND_CHANGE {
        Trend::Growing
    } else if relative_change <= -TREND_CHANGE {
        Trend::Declining
    } else {
        Trend::Stable
    };

    // Manipulation.
    let revenue_points: Vec<(NaiveDate, Decimal)> = revenue_entries
        .iter()
        .map(|e| (e.date(), e.amount()))
        .collect();
    let manipulation = manipulation::signals(&SignalInputs {
        ledger,
        accounts: &series,
        combined: &combined,
        revenue: &revenue_points,
    });
    let balance_manipulation_detected = manipulation.end_of_period_spike.triggered
        || manipulation.artificially_stable_balances.triggered
        || manipulation.revenue_near_application_date.triggered;

    // Survival.
    let closing_combined = combined.last().copied().unwrap_or_default();
    let cash_runway_days =
        (!average_daily_outflow.is_zero()).then(|| ratio(closing_combined, average_daily_outflow));
    let low_balance_threshold = average_daily_outflow * Decimal::from(LOW_BALANCE_DAYS);
    let mut episodes: Vec<usize> = Vec::new();
    let mut run = 0usize;
    for value in &combined {
        if *value < low_balance_threshold {
            run += 1;
        } else if run > 0 {
            episodes.push(run);
            run = 0;
        }
    }
    let recovered = episodes.clone();
    let unrecovered_at_end = run > 0;
    if run > 0 {
        episodes.push(run);
    }
    let overdraft_days = combined.iter().filter(|v| **v < Decimal::ZERO).count();
    let survival = SurvivalInputs {
        cash_runway_days,
        low_balance_threshold,
        low_balance_episodes: episodes.len(),
        longest_low_balance_days: episodes.iter().copied().max().unwrap_or(0),
        average_recovery_days: (!recovered.is_empty()).then(|| {
            ratio(
                Decimal::from(recovered.iter().sum::<usize>()),
                Decimal::from(recovered.len()),
            )
        }),
        unrecovered_at_end,
        overdraft_days,
    };
    let runway = cash_runway_days.unwrap_or(f64::INFINITY);
    let balance_survival_behaviour = if runway < DISTRESSED_RUNWAY_DAYS
        || unrecovered_at_end
        || survival.longest_low_balance_days > 30
        || overdraft_days * 10 > days
    {
        Survival::Distressed
    } else if runway >= HEALTHY_RUNWAY_DAYS
        && survival.longest_low_balance_days <= 7
        && overdraft_days == 0
    {
        Survival::Healthy
    } else {
        Survival::Marginal
    };

    // Names.
    let printed: Vec<String> = {
        let mut names: Vec<String> = Vec::new();
        for (_, account) in &accounts {
            if let Some(name) = account.statement.account.holder.as_deref().map(str::trim)
                && !name.is_empty()
                && !names.iter().any(|n| n == name)
            {
                names.push(name.to_owned());
            }
        }
        names
    };
    let extracted = printed.first().cloned();
    let printed_names_agree = printed.iter().enumerate().all(|(i, a)| {
        printed
            .iter()
            .skip(i + 1)
            .all(|b| names::compare(a, b).result != NameMatch::Mismatch)
    });
    let account_holder_name_type = extracted
        .as_deref()
        .or(options.account_holder_name.as_deref())
        .map_or(HolderKind::Ambiguous, holder_kind);
    let comparison = match (&options.account_holder_name, &extracted) {
        (Some(declared), Some(printed)) if !declared.trim().is_empty() => {
            Some(names::compare(declared, printed))
        }
        _ => None,
    };
    let business_share = ratio(
        class(InflowClass::InstitutionalPayments)
            + class(InflowClass::MobileMoneySweeps)
            + class(InflowClass::CashDeposits),
        total_credits,
    );
    let salary_share = ratio(
        sum(credits.iter().filter(|e| e.enr.salary).map(|e| e.amount())),
        total_credits,
    );
    let declared_business = options.business_type.is_some()
        || options.statement_type == Some(crate::options::StatementType::Business);
    let (account_holder_name_consistency, consistency_reason) = if extracted.is_none() {
        (
            NameConsistency::Unknown,
            "no holder name is printed on the statement".to_owned(),
        )
    } else if !printed_names_agree {
        (
            NameConsistency::Inconsistent,
            format!(
                "the accounts print different holder names: {}",
                printed.join(" / ")
            ),
        )
    } else if account_holder_name_type == HolderKind::Business && salary_share > 0.5 {
        (
            NameConsistency::Inconsistent,
            format!(
                "a business name, but {:.0}% of inflows are salary",
                salary_share * 100.0
            ),
        )
    } else if account_holder_name_type == HolderKind::Person
        && declared_business
        && business_share < 0.2
    {
        (
            NameConsistency::Inconsistent,
            format!(
                "a person's name on a declared business with {:.0}% business inflows",
                business_share * 100.0
            ),
        )
    } else {
        (
            NameConsistency::Consistent,
            "the holder name is the same on every account and fits the declared business and the inflows"
                .to_owned(),
        )
    };

    let inputs = EnvoyxInputs {
        classification_amounts,
        revenue,
        liquidity,
        working_capital,
        pattern,
        operating_expenses,
        debt,
        balance_trend: balance_trend_inputs,
        manipulation,
        survival,
        names: NameInputs {
            printed_names: printed,
            printed_names_agree,
            comparison: comparison.clone(),
            consistency_reason,
        },
        months_covered: touched.len(),
        days_covered: ledger.days(),
        as_of: ledger.as_of,
    };
    EnvoyxAnalysis {
        bank_name,
        account_number_masked,
        statement_period_start: ledger.start,
        statement_period_end: ledger.end,
        currency: code.to_owned(),
        opening_balance,
        closing_balance,
        total_credits,
        total_debits,
        transaction_count: entries.len(),
        extracted_account_holder_name: extracted,
        account_holder_name_type,
        account_holder_name_consistency,
        name_match_result: comparison.as_ref().map(|c| c.result),
        name_match_details: comparison.map(|c| c.details),
        revenue_consistency,
        revenue_classification,
        cashflow_working_capital_adequacy,
        cashflow_liquidity_bridges,
        cashflow_pattern_consistency,
        expense_operating_presence,
        expense_debt_load,
        expense_tontine_activity,
        balance_trend,
        balance_manipulation_detected,
        balance_survival_behaviour,
        inputs,
    }
}
