//! The EnvoyX credit score (spec 003): four dimension scores 0–1000, weighted 30/25/25/20,
//! minus flag penalties (critical 100, high 50, medium 25, low 10), capped at 200 when the
//! document is not legitimate; tier, risk level and status; every flag the spec names with its
//! severity and a plain reason, each with a machine code.
//!
//! Calibration: the business type and sector come from the request, else the tenant's saved
//! preference, else the system default (the spec's priority chain, [`resolve`]). They select a
//! calibration profile (the analytics' expense profiles: clinic, retail, …) that says which
//! inflow classes the sector should show and whether it is cash-intensive (round deposits and
//! cash withdrawals are everyday there, so those two patterns need more to be flagged).
//!
//! Every sub-score and threshold is documented in docs/scoring.md ("EnvoyX").

use chrono::{Datelike, NaiveDate};
use ledgerlens_analytics::profiles::envoyx::{EnvoyxAnalysis, EnvoyxInputs, expense_profile};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::{EnvoyxConfig, FraudThresholds, ScoringConfig};
use crate::legitimacy::{self, Evidence, Legitimacy};
use crate::reasons::{Reason, Replay, round6, upper_snake};

/// The inflow classes of `revenue_classification`, as configuration names them.
pub const INFLOW_CLASSES: &[&str] = &[
    "institutional_payments",
    "mobile_money_sweeps",
    "cash_deposits",
    "tontine_receipts",
    "related_party_transfers",
    "other",
];

/// A flag's severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlagSeverity {
    /// Worth noting.
    Low,
    /// A concern.
    Medium,
    /// A serious concern.
    High,
    /// Disqualifying on its own terms: sets the status to FLAGGED and the risk to at least HIGH.
    Critical,
}

impl FlagSeverity {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            FlagSeverity::Critical => "critical",
            FlagSeverity::High => "high",
            FlagSeverity::Medium => "medium",
            FlagSeverity::Low => "low",
        }
    }

    /// The points it deducts.
    pub fn penalty(self, config: &EnvoyxConfig) -> u32 {
        let p = &config.penalties;
        match self {
            FlagSeverity::Critical => p.critical,
            FlagSeverity::High => p.high,
            FlagSeverity::Medium => p.medium,
            FlagSeverity::Low => p.low,
        }
    }
}

/// The four dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Revenue analysis.
    Revenue,
    /// Cash-flow health.
    Cashflow,
    /// Expense & liability.
    Expense,
    /// Balance behaviour.
    Balance,
}

impl Dimension {
    fn stem(self) -> &'static str {
        match self {
            Dimension::Revenue => "REVENUE",
            Dimension::Cashflow => "CASHFLOW",
            Dimension::Expense => "EXPENSE",
            Dimension::Balance => "BALANCE",
        }
    }
}

/// Every flag the spec names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Suspicious pattern of exact round amounts.
    RoundNumberDeposits,
    /// Several payers paying alike on one day.
    CoordinatedInflows,
    /// Income appearing only shortly before the application.
    RevenueNearApplicationDate,
    /// Inflows that do not match the declared business.
    InflowsInconsistentWithSector,
    /// Money in and straight out.
    PassThrough,
    /// Money sent out and coming back.
    CircularFlows,
    /// Cash flow carried by one related party.
    SingleRelatedPartyDependency,
    /// No rent, salaries, supplies: a ghost business.
    AbsenceOfOperatingExpenses,
    /// Repaying several lenders at once.
    LoanStacking,
    /// Deposits withdrawn in cash straight away.
    LargeCashWithdrawalsAfterDeposits,
    /// Balance inflated just before the statement date.
    EndOfPeriodSpike,
    /// A balance that does not move naturally.
    ArtificiallyStableBalances,
    /// Heavy activity on a new account.
    AccountTooNew,
}

impl FlagKind {
    /// Every flag, by dimension.
    pub const ALL: [FlagKind; 13] = [
        FlagKind::RoundNumberDeposits,
        FlagKind::CoordinatedInflows,
        FlagKind::RevenueNearApplicationDate,
        FlagKind::InflowsInconsistentWithSector,
        FlagKind::PassThrough,
        FlagKind::CircularFlows,
        FlagKind::SingleRelatedPartyDependency,
        FlagKind::AbsenceOfOperatingExpenses,
        FlagKind::LoanStacking,
        FlagKind::LargeCashWithdrawalsAfterDeposits,
        FlagKind::EndOfPeriodSpike,
        FlagKind::ArtificiallyStableBalances,
        FlagKind::AccountTooNew,
    ];

    /// The snake-case name, as in `*_flags` and `all_flags`.
    pub fn name(self) -> &'static str {
        match self {
            FlagKind::RoundNumberDeposits => "round_number_deposits",
            FlagKind::CoordinatedInflows => "coordinated_inflows",
            FlagKind::RevenueNearApplicationDate => "revenue_near_application_date",
            FlagKind::InflowsInconsistentWithSector => "inflows_inconsistent_with_sector",
            FlagKind::PassThrough => "pass_through",
            FlagKind::CircularFlows => "circular_flows",
            FlagKind::SingleRelatedPartyDependency => "single_related_party_dependency",
            FlagKind::AbsenceOfOperatingExpenses => "absence_of_operating_expenses",
            FlagKind::LoanStacking => "loan_stacking",
            FlagKind::LargeCashWithdrawalsAfterDeposits => "large_cash_withdrawals_after_deposits",
            FlagKind::EndOfPeriodSpike => "end_of_period_spike",
            FlagKind::ArtificiallyStableBalances => "artificially_stable_balances",
            FlagKind::AccountTooNew => "account_too_new",
        }
    }

    /// The machine code (`EX_FLAG_CIRCULAR_FLOWS`).
    pub fn code(self) -> String {
        format!("EX_FLAG_{}", upper_snake(self.name()))
    }

    /// The dimension it belongs to (the spec's grouping).
    pub fn dimension(self) -> Dimension {
        match self {
            FlagKind::RoundNumberDeposits
            | FlagKind::CoordinatedInflows
            | FlagKind::RevenueNearApplicationDate
            | FlagKind::InflowsInconsistentWithSector => Dimension::Revenue,
            FlagKind::PassThrough
            | FlagKind::CircularFlows
            | FlagKind::SingleRelatedPartyDependency => Dimension::Cashflow,
            FlagKind::AbsenceOfOperatingExpenses
            | FlagKind::LoanStacking
            | FlagKind::LargeCashWithdrawalsAfterDeposits => Dimension::Expense,
            FlagKind::EndOfPeriodSpike
            | FlagKind::ArtificiallyStableBalances
            | FlagKind::AccountTooNew => Dimension::Balance,
        }
    }

    /// The default severity. Critical: patterns that fabricate the figures being scored
    /// (circular flows inflate activity; a business without operating expenses is not
    /// operating). High: padding and dressing-up patterns, and dependencies that can vanish.
    /// Medium: patterns with common innocent explanations. Low: round deposits, everyday in
    /// cash economies.
    pub fn default_severity(self) -> FlagSeverity {
        match self {
            FlagKind::CircularFlows | FlagKind::AbsenceOfOperatingExpenses => {
                FlagSeverity::Critical
            }
            FlagKind::CoordinatedInflows
            | FlagKind::RevenueNearApplicationDate
            | FlagKind::PassThrough
            | FlagKind::SingleRelatedPartyDependency
            | FlagKind::LoanStacking
            | FlagKind::EndOfPeriodSpike
            | FlagKind::ArtificiallyStableBalances => FlagSeverity::High,
            FlagKind::InflowsInconsistentWithSector
            | FlagKind::LargeCashWithdrawalsAfterDeposits
            | FlagKind::AccountTooNew => FlagSeverity::Medium,
            FlagKind::RoundNumberDeposits => FlagSeverity::Low,
        }
    }

    /// Whether the flag speaks to how genuine the statement is (legitimacy reads these); loan
    /// stacking is a credit risk, not a sign of a fabricated statement.
    pub fn is_fraud_signal(self) -> bool {
        !matches!(self, FlagKind::LoanStacking)
    }
}

/// One raised flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// What it is.
    pub kind: FlagKind,
    /// Machine code (`EX_FLAG_…`).
    pub code: String,
    /// Severity (default, or the tenant's override).
    pub severity: FlagSeverity,
    /// Dimension.
    pub dimension: Dimension,
    /// Points deducted.
    pub penalty: u32,
    /// Plain reason with the figures.
    pub reason: String,
}

/// The tenant's saved analysis defaults (spec: Preferences API).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    /// `default_business_type`.
    pub default_business_type: Option<String>,
    /// `default_sector`.
    pub default_sector: Option<String>,
}

/// What the upload request said.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreRequest {
    /// `business_type`.
    pub business_type: Option<String>,
    /// `sector`.
    pub sector: Option<String>,
    /// The account's opening date when the lender knows it (KYC, bank confirmation): the
    /// statement does not print it.
    pub account_opened: Option<NaiveDate>,
}

/// Where a calibration parameter came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterSource {
    /// The request.
    Request,
    /// The tenant's saved preference.
    Preference,
    /// The system default (configuration).
    SystemDefault,
    /// Nowhere: not given.
    Unset,
}

/// The calibration in force.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// Business type used.
    pub business_type: Option<String>,
    /// Where it came from.
    pub business_type_source: ParameterSource,
    /// Sector used.
    pub sector: Option<String>,
    /// Where it came from.
    pub sector_source: ParameterSource,
    /// The calibration profile (`clinic`, `retail`, …, `default`).
    pub profile: &'static str,
    /// Inflow classes the profile expects revenue in.
    pub expected_classes: Vec<&'static str>,
    /// Whether the profile is cash-intensive.
    pub cash_intensive: bool,
}

fn pick(
    request: Option<&String>,
    preference: Option<&String>,
    system: Option<&String>,
) -> (Option<String>, ParameterSource) {
    let given = |v: Option<&String>| v.filter(|s| !s.trim().is_empty()).cloned();
    if let Some(v) = given(request) {
        (Some(v), ParameterSource::Request)
    } else if let Some(v) = given(preference) {
        (Some(v), ParameterSource::Preference)
    } else if let Some(v) = given(system) {
        (Some(v), ParameterSource::SystemDefault)
    } else {
        (None, ParameterSource::Unset)
    }
}

/// Resolves the business type and sector: request → saved preference → system default, each
/// parameter on its own (a request may give the sector and leave the type to the preference).
/// The caller passes the result to the analysis (`AnalysisOptions::business_type`/`sector`)
/// too, so that the expected expenses follow the same calibration.
pub fn resolve(
    request: &ScoreRequest,
    preferences: &Preferences,
    config: &ScoringConfig,
) -> Calibration {
    let (business_type, business_type_source) = pick(
        request.business_type.as_ref(),
        preferences.default_business_type.as_ref(),
        config.envoyx.default_business_type.as_ref(),
    );
    let (sector, sector_source) = pick(
        request.sector.as_ref(),
        preferences.default_sector.as_ref(),
        config.envoyx.default_sector.as_ref(),
    );
    let (profile, _) = expense_profile(business_type.as_deref(), sector.as_deref());
    let (expected, cash_intensive): (&[&'static str], bool) = match profile {
        "pharmacy" | "restaurant" | "retail" | "transport" => (
            &[
                "cash_deposits",
                "mobile_money_sweeps",
                "institutional_payments",
            ],
            true,
        ),
        "agriculture" => (
            &[
                "institutional_payments",
                "cash_deposits",
                "mobile_money_sweeps",
            ],
            true,
        ),
        "manufacturing" => (&["institutional_payments"], false),
        "services" => (&["institutional_payments", "mobile_money_sweeps"], false),
        _ => (
            &[
                "institutional_payments",
                "mobile_money_sweeps",
                "cash_deposits",
            ],
            false,
        ),
    };
    Calibration {
        business_type,
        business_type_source,
        sector,
        sector_source,
        profile,
        expected_classes: expected.to_vec(),
        cash_intensive,
    }
}

/// One sub-score of a dimension.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Component {
    /// Its dimension.
    pub dimension: Dimension,
    /// Name (`consistency`, `working_capital`, …).
    pub name: &'static str,
    /// Points earned.
    pub points: f64,
    /// Points available.
    pub max: f64,
    /// Machine code (`EX_REVENUE_CONSISTENCY`).
    pub code: String,
    /// The figures behind it.
    pub detail: String,
}

/// TIER_1 … INELIGIBLE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Tier {
    /// Excellent (750–1000).
    #[serde(rename = "TIER_1")]
    Tier1,
    /// Good (500–749).
    #[serde(rename = "TIER_2")]
    Tier2,
    /// Fair (250–499).
    #[serde(rename = "TIER_3")]
    Tier3,
    /// Ineligible (0–249).
    Ineligible,
}

/// LOW … CRITICAL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskLevel {
    /// 750+ and no critical flag.
    Low,
    /// 500–749 and no critical flag.
    Medium,
    /// 250–499, or a critical flag.
    High,
    /// Below 250, or not legitimate.
    Critical,
}

/// ANALYZED or FLAGGED.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// No critical flag, legitimate.
    Analyzed,
    /// A critical flag, or not legitimate.
    Flagged,
}

/// The EnvoyX score fields of `bank_statement` (spec names), then ours.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvoyxScore {
    /// 0–1000.
    pub revenue_score: u32,
    /// Revenue flags (names).
    pub revenue_flags: Vec<&'static str>,
    /// 0–1000.
    pub cashflow_score: u32,
    /// Cash-flow flags.
    pub cashflow_flags: Vec<&'static str>,
    /// 0–1000.
    pub expense_score: u32,
    /// Expense flags.
    pub expense_flags: Vec<&'static str>,
    /// 0–1000.
    pub balance_score: u32,
    /// Balance flags.
    pub balance_flags: Vec<&'static str>,
    /// The overall score 0–1000.
    pub credit_score: u32,
    /// Tier.
    pub credit_tier: Tier,
    /// Risk level.
    pub overall_risk_level: RiskLevel,
    /// Legitimacy verdict.
    pub is_legitimate: bool,
    /// Its confidence, 0–100.
    pub legitimacy_confidence: u8,
    /// Why.
    pub legitimacy_reason: String,
    /// Every flag's name.
    pub all_flags: Vec<&'static str>,
    /// Their number.
    pub flag_count: usize,
    /// ANALYZED or FLAGGED.
    pub status: Status,
    /// Weighted dimension scores before penalties and the cap.
    pub base_score: u32,
    /// Points deducted by flags.
    pub flag_penalty: u32,
    /// Whether the legitimacy cap lowered the score.
    pub legitimacy_capped: bool,
    /// Every flag in detail.
    pub flag_details: Vec<Flag>,
    /// Every sub-score.
    pub components: Vec<Component>,
    /// The calibration used.
    pub calibration: Calibration,
    /// The legitimacy assessment in detail.
    pub legitimacy: Legitimacy,
    /// Reason codes: tier, risk, status, cap, then every flag, then the components that lost
    /// the most points (largest loss first).
    pub reasons: Vec<Reason>,
    /// What the result was computed from.
    pub replay: Replay,
}

/// 1 at `good`, 0 at `bad`, linear between, clamped (either direction; NaN scores 0).
pub fn lin(x: f64, good: f64, bad: f64) -> f64 {
    if x.is_nan() || good == bad {
        return if x.is_nan() {
            0.0
        } else if (good > bad) == (x >= good) {
            1.0
        } else {
            0.0
        };
    }
    ((x - bad) / (good - bad)).clamp(0.0, 1.0)
}

fn class_amount(inputs: &EnvoyxInputs, class: &str) -> Decimal {
    let c = &inputs.classification_amounts;
    match class {
        "institutional_payments" => c.institutional_payments,
        "mobile_money_sweeps" => c.mobile_money_sweeps,
        "cash_deposits" => c.cash_deposits,
        "tontine_receipts" => c.tontine_receipts,
        "related_party_transfers" => c.related_party_transfers,
        "other" => c.other,
        _ => Decimal::ZERO,
    }
}

fn share(a: Decimal, b: Decimal) -> f64 {
    ledgerlens_analytics::ledger::ratio(a, b)
}

fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

struct Builder {
    components: Vec<Component>,
}

impl Builder {
    fn add(
        &mut self,
        dimension: Dimension,
        name: &'static str,
        max: f64,
        factor: f64,
        detail: String,
    ) {
        self.components.push(Component {
            dimension,
            name,
            points: round6(max * factor.clamp(0.0, 1.0)),
            max,
            code: format!("EX_{}_{}", dimension.stem(), upper_snake(name)),
            detail,
        });
    }
}

/// A dimension's score: the sum of its components, rounded (components of a dimension add up
/// to 1000 points).
pub fn dimension_total(components: &[Component], dimension: Dimension) -> u32 {
    let sum: f64 = components
        .iter()
        .filter(|c| c.dimension == dimension)
        .map(|c| c.points)
        .sum();
    sum.round().clamp(0.0, 1000.0) as u32
}

/// The revenue the scores read: the analytics' operating revenue, or the sum of the tenant's
/// configured inflow classes.
pub fn revenue(inputs: &EnvoyxInputs, config: &EnvoyxConfig) -> Decimal {
    match &config.revenue_classes {
        None => inputs.revenue.operating_revenue,
        Some(classes) => classes
            .iter()
            .map(|c| class_amount(inputs, c))
            .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a)),
    }
}

/// Revenue paid the ways the calibration's sector is paid: its expected classes, plus the
/// operating revenue outside the three business classes (sales paid by card or transfer by
/// customers who are people), which every profile expects.
pub fn sector_revenue(inputs: &EnvoyxInputs, calibration: &Calibration) -> Decimal {
    let c = &inputs.classification_amounts;
    let business = c
        .institutional_payments
        .checked_add(c.mobile_money_sweeps)
        .and_then(|v| v.checked_add(c.cash_deposits))
        .unwrap_or(Decimal::MAX);
    let other_income = (inputs.revenue.operating_revenue
        - business.min(inputs.revenue.operating_revenue))
    .max(Decimal::ZERO);
    calibration
        .expected_classes
        .iter()
        .map(|class| class_amount(inputs, class))
        .fold(other_income, |a, b| a.checked_add(b).unwrap_or(a))
}

fn components(
    analysis: &EnvoyxAnalysis,
    calibration: &Calibration,
    config: &EnvoyxConfig,
) -> Vec<Component> {
    let i = &analysis.inputs;
    let credits = i.classification_amounts.total;
    let revenue = revenue(i, config);
    let mut b = Builder {
        components: Vec::new(),
    };

    // Revenue.
    let r = &i.revenue;
    let months = r.monthly_revenue.len().max(1);
    let has_revenue = revenue > Decimal::ZERO && r.operating_revenue > Decimal::ZERO;
    let coverage = r.months_with_revenue as f64 / months as f64;
    b.add(
        Dimension::Revenue,
        "consistency",
        300.0,
        if has_revenue {
            lin(r.coefficient_of_variation, 0.25, 1.0) * coverage
        } else {
            0.0
        },
        format!(
            "monthly revenue CV {:.2}, revenue in {} of {} month(s)",
            r.coefficient_of_variation, r.months_with_revenue, months
        ),
    );
    b.add(
        Dimension::Revenue,
        "trend",
        150.0,
        if has_revenue {
            lin(r.trend_slope_ratio, 0.0, -0.15)
        } else {
            0.0
        },
        format!(
            "revenue trend {:+.1}% of the mean per month",
            r.trend_slope_ratio * 100.0
        ),
    );
    b.add(
        Dimension::Revenue,
        "diversity",
        150.0,
        if !has_revenue {
            0.0
        } else if r.distinct_payers == 0 {
            0.5
        } else {
            lin(r.top_payer_share, 0.5, 1.0)
        },
        format!(
            "{} distinct payer(s), the largest brings {}",
            r.distinct_payers,
            pct(r.top_payer_share)
        ),
    );
    let revenue_share = share(revenue, credits);
    b.add(
        Dimension::Revenue,
        "revenue_share",
        200.0,
        lin(revenue_share, 0.8, 0.2),
        format!("revenue is {} of all credits", pct(revenue_share)),
    );
    let fit = share(sector_revenue(i, calibration), credits);
    b.add(
        Dimension::Revenue,
        "sector_fit",
        200.0,
        lin(fit, 0.7, 0.2),
        format!(
            "{} of credits are revenue paid the ways a {} business is paid ({}, other business income)",
            pct(fit),
            calibration.profile,
            calibration.expected_classes.join(", ")
        ),
    );

    // Cash flow.
    let w = &i.working_capital;
    b.add(
        Dimension::Cashflow,
        "working_capital",
        400.0,
        if w.min_balance_between_inflows <= Decimal::ZERO {
            0.0
        } else if w.average_daily_outflow.is_zero() {
            1.0
        } else {
            lin(w.cover_days, 7.0, 0.0)
        },
        format!(
            "lowest balance between major inflows {} covers {:.1} day(s) of outflow",
            ledgerlens_core::money::grouped(w.min_balance_between_inflows),
            w.cover_days
        ),
    );
    let p = &i.pattern;
    let flow_months = p.monthly_inflows.len().max(1);
    let cv = p.inflow_cv.max(p.outflow_cv);
    b.add(
        Dimension::Cashflow,
        "pattern",
        300.0,
        lin(cv, 0.25, 1.0) * (1.0 - p.inactive_months as f64 / flow_months as f64),
        format!(
            "monthly inflow CV {:.2}, outflow CV {:.2}, {} inactive month(s)",
            p.inflow_cv, p.outflow_cv, p.inactive_months
        ),
    );
    let inflow: Decimal = p
        .monthly_inflows
        .iter()
        .fold(Decimal::ZERO, |a, m| a.checked_add(m.amount).unwrap_or(a));
    let outflow: Decimal = p
        .monthly_outflows
        .iter()
        .fold(Decimal::ZERO, |a, m| a.checked_add(m.amount).unwrap_or(a));
    let burn = share(outflow, inflow);
    b.add(
        Dimension::Cashflow,
        "net_flow",
        200.0,
        if inflow.is_zero() {
            0.0
        } else {
            lin(burn, 1.0, 1.3)
        },
        format!("outflows are {} of inflows", pct(burn)),
    );
    let bridges = &analysis.cashflow_liquidity_bridges;
    b.add(
        Dimension::Cashflow,
        "liquidity_bridges",
        100.0,
        if bridges.mobile_money_detected || bridges.tontine_detected {
            1.0
        } else {
            0.5
        },
        bridges.description.clone(),
    );

    // Expense & liability.
    let o = &i.operating_expenses;
    let groups = o.groups.len();
    b.add(
        Dimension::Expense,
        "operating_presence",
        400.0,
        if groups == 0 {
            0.0
        } else {
            o.groups_present as f64 / groups as f64
        },
        format!(
            "{} of {} expected expense group(s) of a {} business present",
            o.groups_present, groups, o.profile
        ),
    );
    let d = &i.debt;
    let debt_ratio = share(d.debt_service_total, revenue);
    let mut debt = if d.debt_service_total.is_zero() {
        1.0
    } else if revenue.is_zero() {
        0.0
    } else {
        lin(debt_ratio, 0.10, 0.50)
    };
    if d.max_lenders_repaid_in_a_month >= 3 || d.max_concurrent_loans >= 3 {
        debt *= 0.5;
    }
    if d.returned_repayments > 0 {
        debt *= 0.75;
    }
    b.add(
        Dimension::Expense,
        "debt_load",
        350.0,
        debt,
        format!(
            "debt service {} of revenue, {} lender(s), {} returned repayment(s)",
            pct(debt_ratio),
            d.lender_count,
            d.returned_repayments
        ),
    );
    b.add(
        Dimension::Expense,
        "personal_spending",
        150.0,
        if o.operating_total.is_zero() {
            if o.personal_total.is_zero() { 1.0 } else { 0.0 }
        } else {
            lin(o.personal_to_operating_ratio, 0.2, 1.0)
        },
        format!(
            "personal spending is {} of operating expenses",
            pct(o.personal_to_operating_ratio)
        ),
    );
    let t = &analysis.expense_tontine_activity;
    let monthly_revenue = r.mean_monthly_revenue;
    let tontine_share = share(t.estimated_monthly, monthly_revenue);
    b.add(
        Dimension::Expense,
        "tontine_burden",
        100.0,
        if !t.detected || t.estimated_monthly.is_zero() {
            1.0
        } else if monthly_revenue <= Decimal::ZERO {
            0.0
        } else {
            lin(tontine_share, 0.2, 0.5)
        },
        format!(
            "tontine contributions are {} of monthly revenue",
            pct(tontine_share)
        ),
    );

    // Balance behaviour.
    let bt = &i.balance_trend;
    b.add(
        Dimension::Balance,
        "trend",
        250.0,
        lin(bt.relative_change, 0.0, -0.5),
        format!(
            "balance changed {:+.0}% between the first and last windows",
            bt.relative_change * 100.0
        ),
    );
    b.add(
        Dimension::Balance,
        "volatility",
        150.0,
        lin(bt.residual_cv, 0.2, 0.8),
        format!("detrended CV of monthly balances {:.2}", bt.residual_cv),
    );
    let s = &i.survival;
    let runway = s.cash_runway_days.unwrap_or(f64::INFINITY);
    b.add(
        Dimension::Balance,
        "runway",
        250.0,
        lin(runway, 30.0, 0.0) * if s.unrecovered_at_end { 0.5 } else { 1.0 },
        match s.cash_runway_days {
            Some(days) => format!("closing balance covers {days:.0} day(s) of outflow"),
            None => "no outflow: runway unlimited".to_owned(),
        },
    );
    b.add(
        Dimension::Balance,
        "low_balance_episodes",
        150.0,
        lin(s.longest_low_balance_days as f64, 7.0, 30.0),
        format!(
            "{} low-balance episode(s), longest {} day(s)",
            s.low_balance_episodes, s.longest_low_balance_days
        ),
    );
    b.add(
        Dimension::Balance,
        "overdraft",
        100.0,
        lin(s.overdraft_days as f64, 0.0, 10.0),
        format!("{} day(s) overdrawn", s.overdraft_days),
    );
    let cover = if w.average_daily_outflow.is_zero() {
        f64::INFINITY
    } else {
        share(bt.mean_balance, w.average_daily_outflow)
    };
    b.add(
        Dimension::Balance,
        "average_cover",
        100.0,
        lin(cover, 30.0, 0.0),
        format!("average balance covers {cover:.0} day(s) of outflow"),
    );
    b.components
}

fn first_of_months(start: NaiveDate, end: NaiveDate) -> usize {
    let mut count = 0;
    let mut day = start;
    while day <= end {
        if day.day() == 1 {
            count += 1;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    count
}

/// Evaluates every flag against the configuration's thresholds (from the analytics' raw
/// figures; defaults equal the analytics' own detection constants).
pub fn flags(
    analysis: &EnvoyxAnalysis,
    calibration: &Calibration,
    request: &ScoreRequest,
    config: &ScoringConfig,
) -> Vec<Flag> {
    let i = &analysis.inputs;
    let m = &i.manipulation;
    let f: &FraudThresholds = &config.fraud;
    let cash_factor = if calibration.cash_intensive {
        f.cash_intensive_factor
    } else {
        1.0
    };
    let relaxed = |share: f64| (share * cash_factor).min(1.0);
    let mut raised: Vec<(FlagKind, String)> = Vec::new();

    let rd = &m.round_number_deposits;
    if rd.round_count >= f.round_min_count
        && rd.count_share >= relaxed(f.round_count_share)
        && rd.value_share >= relaxed(f.round_value_share)
    {
        raised.push((
            FlagKind::RoundNumberDeposits,
            format!(
                "{} of {} deposits are exact round amounts ({} by count, {} by value)",
                rd.round_count,
                rd.credit_count,
                pct(rd.count_share),
                pct(rd.value_share)
            ),
        ));
    }
    let co = &m.coordinated_inflows;
    if co.cluster_days > 0 && co.largest_cluster_payers >= f.coordinated_min_payers {
        raised.push((
            FlagKind::CoordinatedInflows,
            format!(
                "{} distinct payers paid similar amounts (total {}) on {}; {} such day(s)",
                co.largest_cluster_payers,
                ledgerlens_core::money::grouped(co.largest_cluster_total),
                co.largest_cluster_date
                    .map_or_else(|| "one day".to_owned(), |d| d.to_string()),
                co.cluster_days
            ),
        ));
    }
    let na = &m.revenue_near_application_date;
    let span = (i.as_of - analysis.statement_period_start).num_days() + 1;
    let window_start = i
        .as_of
        .checked_sub_days(chrono::Days::new(
            u64::try_from(ledgerlens_analytics::manipulation::NEAR_AS_OF_DAYS - 1).unwrap_or(0),
        ))
        .unwrap_or(i.as_of);
    if span >= f.near_as_of_min_span
        && na.revenue_total > Decimal::ZERO
        && (na.window_share >= f.near_as_of_share
            || na.first_revenue_date.is_some_and(|d| d >= window_start))
    {
        raised.push((
            FlagKind::RevenueNearApplicationDate,
            format!(
                "{} of revenue arrived in the 30 days before {}{}",
                pct(na.window_share),
                i.as_of,
                na.first_revenue_date
                    .map(|d| format!(" (first revenue on {d})"))
                    .unwrap_or_default()
            ),
        ));
    }
    let credits = i.classification_amounts.total;
    let fit = share(sector_revenue(i, calibration), credits);
    if credits > Decimal::ZERO && fit < config.envoyx.sector_fit_min_share {
        raised.push((
            FlagKind::InflowsInconsistentWithSector,
            format!(
                "only {} of credits are revenue paid the ways a {} business is paid ({}, other business income)",
                pct(fit),
                calibration.profile,
                calibration.expected_classes.join(", ")
            ),
        ));
    }
    let pt = &m.pass_through;
    if rd.credit_count >= f.pass_through_min_credits && pt.ratio >= f.pass_through_share {
        raised.push((
            FlagKind::PassThrough,
            format!(
                "{} of inflows left the account within two days",
                pct(pt.ratio)
            ),
        ));
    }
    let cf = &m.circular_flows;
    if cf.ratio_to_inflows >= f.circular_share || cf.round_trips >= f.circular_min_trips {
        raised.push((
            FlagKind::CircularFlows,
            format!(
                "{} round trip(s) with {} counterpart(ies): {} sent out came back ({} of inflows)",
                cf.round_trips,
                cf.counterparties,
                ledgerlens_core::money::grouped(cf.returned_value),
                pct(cf.ratio_to_inflows)
            ),
        ));
    }
    let rp = &m.single_related_party_dependency;
    if rp.top_share_of_inflows >= f.related_party_share {
        raised.push((
            FlagKind::SingleRelatedPartyDependency,
            format!(
                "one related party ({}) brought {} of all inflows",
                rp.top_related_party.as_deref().unwrap_or("unknown"),
                pct(rp.top_share_of_inflows)
            ),
        ));
    }
    let o = &i.operating_expenses;
    if o.groups_present == 0 && !o.groups.is_empty() {
        raised.push((
            FlagKind::AbsenceOfOperatingExpenses,
            format!(
                "none of the expenses a {} business has ({}) appears",
                o.profile,
                o.groups
                    .iter()
                    .map(|g| g.group)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let d = &i.debt;
    if d.max_lenders_repaid_in_a_month >= f.stacking_lenders
        || d.max_concurrent_loans >= f.stacking_lenders
    {
        raised.push((
            FlagKind::LoanStacking,
            format!(
                "{} lenders repaid in one month, {} loans outstanding at once",
                d.max_lenders_repaid_in_a_month, d.max_concurrent_loans
            ),
        ));
    }
    let ca = &m.cash_withdrawal_after_deposit;
    if ca.occurrences >= f.cash_after_min_count
        && ca.ratio_to_inflows >= relaxed(f.cash_after_share)
    {
        raised.push((
            FlagKind::LargeCashWithdrawalsAfterDeposits,
            format!(
                "{} cash withdrawal(s) within two days of a deposit took {} ({} of inflows)",
                ca.occurrences,
                ledgerlens_core::money::grouped(ca.withdrawn_value),
                pct(ca.ratio_to_inflows)
            ),
        ));
    }
    let sp = &m.end_of_period_spike;
    let month_starts = first_of_months(
        analysis.statement_period_start,
        analysis.statement_period_end,
    );
    if i.days_covered >= f.spike_min_days
        && (sp.last_window_inflow_share
            >= (f.spike_multiple * sp.expected_last_window_share).max(f.spike_min_share)
            || sp.balance_ratio >= f.spike_balance_multiple
            || (month_starts >= 2
                && sp.month_end_inflow_share
                    >= (f.spike_multiple * sp.expected_month_end_share).max(f.month_end_min_share)))
    {
        raised.push((
            FlagKind::EndOfPeriodSpike,
            format!(
                "{} of inflows in the last week (an even spread gives {}); last-week balance {:.1}× the best earlier month",
                pct(sp.last_window_inflow_share),
                pct(sp.expected_last_window_share),
                sp.balance_ratio
            ),
        ));
    }
    let st = &m.artificially_stable_balances;
    if (st.transaction_days >= 10
        && i.balance_trend.mean_balance > Decimal::ZERO
        && st.coefficient_of_variation < f.stable_max_cv)
        || (st.transaction_days >= 5
            && st.most_repeated_balance_days >= 3
            && st.repeated_share >= f.stable_repeat_share)
    {
        raised.push((
            FlagKind::ArtificiallyStableBalances,
            format!(
                "balances barely move: CV {:.3} over {} transaction day(s), one balance repeated on {} of them",
                st.coefficient_of_variation,
                st.transaction_days,
                pct(st.repeated_share)
            ),
        ));
    }
    let age = match request.account_opened {
        Some(opened) => Some(((i.as_of - opened).num_days(), "declared opening date")),
        None if analysis.opening_balance == Some(Decimal::ZERO) => {
            Some((i.days_covered, "statement starts at a zero balance"))
        }
        None => None,
    };
    if let Some((days, basis)) = age
        && days < config.envoyx.account_min_age_days
        && analysis.transaction_count >= config.envoyx.account_new_min_transactions
    {
        raised.push((
            FlagKind::AccountTooNew,
            format!(
                "{} transactions on an account about {days} day(s) old ({basis})",
                analysis.transaction_count
            ),
        ));
    }

    raised
        .into_iter()
        .map(|(kind, reason)| {
            let severity = config
                .envoyx
                .severities
                .get(kind.name())
                .copied()
                .unwrap_or_else(|| kind.default_severity());
            Flag {
                kind,
                code: kind.code(),
                severity,
                dimension: kind.dimension(),
                penalty: severity.penalty(&config.envoyx),
                reason,
            }
        })
        .collect()
}

/// The tier of a score.
pub fn tier(score: u32, config: &EnvoyxConfig) -> Tier {
    let t = &config.tiers;
    if score >= t.tier_1 {
        Tier::Tier1
    } else if score >= t.tier_2 {
        Tier::Tier2
    } else if score >= t.tier_3 {
        Tier::Tier3
    } else {
        Tier::Ineligible
    }
}

/// The risk level of a score (spec table: legitimacy and critical flags override the score).
pub fn risk_level(
    score: u32,
    critical_flags: bool,
    legitimate: bool,
    config: &EnvoyxConfig,
) -> RiskLevel {
    let t = &config.tiers;
    if !legitimate || score < t.tier_3 {
        RiskLevel::Critical
    } else if critical_flags || score < t.tier_2 {
        RiskLevel::High
    } else if score < t.tier_1 {
        RiskLevel::Medium
    } else {
        RiskLevel::Low
    }
}

/// The final score from the dimension scores, the flags and the legitimacy verdict:
/// `round(Σ weight × dimension) − Σ penalties`, floored at 0, capped at the legitimacy cap
/// when not legitimate. Returns (base, penalty, score, capped).
pub fn combine(
    dimensions: [u32; 4],
    flags: &[Flag],
    legitimate: bool,
    config: &EnvoyxConfig,
) -> (u32, u32, u32, bool) {
    let w = &config.weights;
    let [r, c, e, b] = dimensions.map(f64::from);
    let base = (w.revenue * r + w.cashflow * c + w.expense * e + w.balance * b)
        .round()
        .clamp(0.0, 1000.0) as u32;
    let penalty: u32 = flags.iter().map(|f| f.penalty).sum();
    let after = base.saturating_sub(penalty);
    let capped = !legitimate && after > config.legitimacy_cap;
    let score = if capped { config.legitimacy_cap } else { after };
    (base, penalty, score, capped)
}

/// What the replay hash covers.
#[derive(Serialize)]
struct EnvoyxReplayInputs<'a> {
    analysis: &'a EnvoyxAnalysis,
    request: &'a ScoreRequest,
    preferences: &'a Preferences,
    evidence: &'a Evidence<'a>,
}

/// Scores an EnvoyX analysis.
pub fn score(
    analysis: &EnvoyxAnalysis,
    request: &ScoreRequest,
    preferences: &Preferences,
    evidence: &Evidence<'_>,
    config: &ScoringConfig,
) -> EnvoyxScore {
    let calibration = resolve(request, preferences, config);
    let ec = &config.envoyx;
    let components = components(analysis, &calibration, ec);
    let total = |d: Dimension| dimension_total(&components, d);
    let dims = [
        total(Dimension::Revenue),
        total(Dimension::Cashflow),
        total(Dimension::Expense),
        total(Dimension::Balance),
    ];
    let flags = flags(analysis, &calibration, request, config);
    let legitimacy = legitimacy::assess(evidence, &flags, config);
    let (base, penalty, credit_score, capped) = combine(dims, &flags, legitimacy.is_legitimate, ec);
    let critical = flags.iter().any(|f| f.severity == FlagSeverity::Critical);
    let credit_tier = tier(credit_score, ec);
    let overall_risk_level = risk_level(credit_score, critical, legitimacy.is_legitimate, ec);
    let status = if critical || !legitimacy.is_legitimate {
        Status::Flagged
    } else {
        Status::Analyzed
    };
    let names = |d: Dimension| -> Vec<&'static str> {
        flags
            .iter()
            .filter(|f| f.dimension == d)
            .map(|f| f.kind.name())
            .collect()
    };

    let mut reasons = vec![
        Reason::new(
            format!(
                "EX_{}",
                match credit_tier {
                    Tier::Tier1 => "TIER_1",
                    Tier::Tier2 => "TIER_2",
                    Tier::Tier3 => "TIER_3",
                    Tier::Ineligible => "INELIGIBLE",
                }
            ),
            format!(
                "Credit score {credit_score}: weighted dimensions {base} (revenue {}, cash flow {}, expense {}, balance {}) minus {penalty} for {} flag(s){}.",
                dims[0],
                dims[1],
                dims[2],
                dims[3],
                flags.len(),
                if capped {
                    format!(
                        ", capped at {} because the document is not legitimate",
                        ec.legitimacy_cap
                    )
                } else {
                    String::new()
                }
            ),
        ),
        Reason::new(
            format!(
                "EX_RISK_{}",
                match overall_risk_level {
                    RiskLevel::Low => "LOW",
                    RiskLevel::Medium => "MEDIUM",
                    RiskLevel::High => "HIGH",
                    RiskLevel::Critical => "CRITICAL",
                }
            ),
            match overall_risk_level {
                RiskLevel::Critical if !legitimacy.is_legitimate => {
                    "Risk CRITICAL: the document does not appear legitimate.".to_owned()
                }
                RiskLevel::High if critical => "Risk HIGH: a critical flag was raised.".to_owned(),
                RiskLevel::Low => "Risk LOW by score band.".to_owned(),
                RiskLevel::Medium => "Risk MEDIUM by score band.".to_owned(),
                RiskLevel::High => "Risk HIGH by score band.".to_owned(),
                RiskLevel::Critical => "Risk CRITICAL by score band.".to_owned(),
            },
        ),
    ];
    if capped {
        reasons.push(Reason::new(
            "EX_LEGITIMACY_CAP",
            format!(
                "Score capped at {}: {}",
                ec.legitimacy_cap, legitimacy.legitimacy_reason
            ),
        ));
    }
    if status == Status::Flagged {
        reasons.push(Reason::new(
            "EX_STATUS_FLAGGED",
            if legitimacy.is_legitimate {
                "Flagged: critical flags were detected."
            } else {
                "Flagged: the document does not appear legitimate."
            },
        ));
    }
    reasons.extend(flags.iter().map(|f| {
        Reason::new(
            f.code.clone(),
            format!("{} ({}): {}.", f.kind.name(), f.severity.name(), f.reason),
        )
    }));
    let mut losses: Vec<&Component> = components
        .iter()
        .filter(|c| c.max - c.points > 0.25 * c.max)
        .collect();
    losses.sort_by(|a, b| {
        (b.max - b.points)
            .total_cmp(&(a.max - a.points))
            .then_with(|| a.code.cmp(&b.code))
    });
    reasons.extend(losses.into_iter().map(|c| {
        Reason::new(
            c.code.clone(),
            format!(
                "{} {}: {:.0} of {:.0} points ({}).",
                match c.dimension {
                    Dimension::Revenue => "Revenue",
                    Dimension::Cashflow => "Cash flow",
                    Dimension::Expense => "Expense",
                    Dimension::Balance => "Balance",
                },
                c.name.replace('_', " "),
                c.points,
                c.max,
                c.detail
            ),
        )
    }));

    let replay = Replay::of(
        config.version_ref(),
        None,
        Some(analysis.inputs.as_of),
        &EnvoyxReplayInputs {
            analysis,
            request,
            preferences,
            evidence,
        },
    );
    let all_flags: Vec<&'static str> = flags.iter().map(|f| f.kind.name()).collect();
    EnvoyxScore {
        revenue_score: dims[0],
        revenue_flags: names(Dimension::Revenue),
        cashflow_score: dims[1],
        cashflow_flags: names(Dimension::Cashflow),
        expense_score: dims[2],
        expense_flags: names(Dimension::Expense),
        balance_score: dims[3],
        balance_flags: names(Dimension::Balance),
        credit_score,
        credit_tier,
        overall_risk_level,
        is_legitimate: legitimacy.is_legitimate,
        legitimacy_confidence: legitimacy.legitimacy_confidence,
        legitimacy_reason: legitimacy.legitimacy_reason.clone(),
        flag_count: all_flags.len(),
        all_flags,
        status,
        base_score: base,
        flag_penalty: penalty,
        legitimacy_capped: capped,
        flag_details: flags,
        components,
        calibration,
        legitimacy,
        reasons,
        replay,
    }
}
