//! Tenant configuration of the Bank X-Ray, EnvoyX and legitimacy engines.
//!
//! Every threshold a lender may want to tune lives here, with the documented default
//! (docs/scoring.md). [`ScoringConfig::default`] is the system default; a tenant supplies a TOML
//! file with only the fields it changes (`ScoringConfig::from_toml`). The configuration is an
//! input of every result: its id, version and SHA-256 are recorded in the replay record, so a
//! decision can be traced to the exact thresholds it was made with.
//!
//! The fraud thresholds default to the analytics' detection constants
//! (`ledgerlens_analytics::manipulation`), so with the default configuration a flag is raised
//! exactly where the analytics' `triggered` says the pattern is there.

use std::collections::BTreeMap;

use ledgerlens_analytics::manipulation as m;
use serde::{Deserialize, Serialize};

use crate::envoyx::FlagSeverity;
use crate::error::ScoringError;
use crate::reasons::{VersionRef, sha256_canonical};

/// The whole configuration of one tenant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringConfig {
    /// Identifier recorded in replay records (`default`, or the tenant's name).
    pub id: String,
    /// Version label the tenant gives its configuration.
    pub version: String,
    /// Bank X-Ray scorecard.
    pub xray: XrayConfig,
    /// EnvoyX credit score.
    pub envoyx: EnvoyxConfig,
    /// Fraud-pattern thresholds (EnvoyX flags).
    pub fraud: FraudThresholds,
    /// Legitimacy verdict.
    pub legitimacy: LegitimacyConfig,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            id: "default".to_owned(),
            version: "1".to_owned(),
            xray: XrayConfig::default(),
            envoyx: EnvoyxConfig::default(),
            fraud: FraudThresholds::default(),
            legitimacy: LegitimacyConfig::default(),
        }
    }
}

impl ScoringConfig {
    /// Reads a TOML configuration (missing fields take their defaults) and validates it.
    pub fn from_toml(text: &str) -> Result<ScoringConfig, ScoringError> {
        let config: ScoringConfig = toml::from_str(text).map_err(|e| ScoringError::Invalid {
            what: "scoring config",
            reason: e.to_string(),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks that weights and thresholds are in range, so a typo cannot silently change
    /// decisions.
    pub fn validate(&self) -> Result<(), ScoringError> {
        let bad = |reason: String| {
            Err(ScoringError::Invalid {
                what: "scoring config",
                reason,
            })
        };
        let w = &self.envoyx.weights;
        let total = w.revenue + w.cashflow + w.expense + w.balance;
        if [w.revenue, w.cashflow, w.expense, w.balance]
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0)
            || (total - 1.0).abs() > 1e-9
        {
            return bad(format!(
                "envoyx.weights must be non-negative and sum to 1 (they sum to {total})"
            ));
        }
        let t = &self.envoyx.tiers;
        if !(t.tier_3 < t.tier_2 && t.tier_2 < t.tier_1 && t.tier_1 <= 1000) {
            return bad("envoyx.tiers must satisfy tier_3 < tier_2 < tier_1 <= 1000".to_owned());
        }
        if !(0.0..=100.0).contains(&self.xray.min_data_sanity) {
            return bad("xray.min_data_sanity must be within 0–100".to_owned());
        }
        if self
            .xray
            .bands
            .iter()
            .zip(self.xray.bands.iter().skip(1))
            .any(|(a, b)| a <= b)
        {
            return bad(
                "xray.bands must be strictly decreasing (A, B, C, D lower bounds)".to_owned(),
            );
        }
        for class in self.envoyx.revenue_classes.iter().flatten() {
            if !crate::envoyx::INFLOW_CLASSES.contains(&class.as_str()) {
                return bad(format!(
                    "envoyx.revenue_classes: unknown inflow class {class:?}; expected one of {}",
                    crate::envoyx::INFLOW_CLASSES.join(", ")
                ));
            }
        }
        for flag in self.envoyx.severities.keys() {
            if !crate::envoyx::FlagKind::ALL
                .iter()
                .any(|k| k.name() == flag)
            {
                return bad(format!("envoyx.severities: unknown flag {flag:?}"));
            }
        }
        let shares = [
            ("round_count_share", self.fraud.round_count_share),
            ("round_value_share", self.fraud.round_value_share),
            ("near_as_of_share", self.fraud.near_as_of_share),
            ("pass_through_share", self.fraud.pass_through_share),
            ("circular_share", self.fraud.circular_share),
            ("related_party_share", self.fraud.related_party_share),
            ("cash_after_share", self.fraud.cash_after_share),
            ("sector_fit_min_share", self.envoyx.sector_fit_min_share),
        ];
        for (name, value) in shares {
            if !(0.0..=1.0).contains(&value) {
                return bad(format!("{name} must be a share within 0–1, got {value}"));
            }
        }
        Ok(())
    }

    /// The configuration's identity for replay records.
    pub fn version_ref(&self) -> VersionRef {
        VersionRef {
            id: self.id.clone(),
            version: self.version.clone(),
            sha256: sha256_canonical(self),
        }
    }
}

/// The Bank X-Ray scorecard's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct XrayConfig {
    /// Weight of each indicator in the alert sum.
    pub weights: XrayWeights,
    /// Below this data sanity (percent) no rating is given (spec: 70).
    pub min_data_sanity: f64,
    /// Whether a statement without any printed balance (data sanity unknown) is rated. Default
    /// false: the spec rates only data it could check to 70 % or better.
    pub rate_unverifiable: bool,
    /// Lower bounds of the benchmark grades A, B, C, D, in "percent of the benchmark the
    /// indicator is at least as good as" (spec: 90, 70, 50, 20; below the last: E).
    pub bands: [f64; 4],
    /// Hard-coded rules: a missed share above this (with a long gap) is E (spec: 40 %).
    pub missed_share: f64,
    /// Hard-coded rules: a run of consecutive months without payment of at least this long is
    /// the spec's "no payment during 3 months".
    pub gap_months: usize,
    /// Whether an obligation never paid on the statement counts as missed (E). Default false:
    /// a statement cannot tell "never pays" from "has no employees" or "pays from another
    /// account", so such an indicator is not applicable and carries no weight.
    pub absent_obligation_is_missed: bool,
    /// The overall table: lower bounds of the alert sum for B, C, D, E (spec: 5, 9, 13, 14).
    pub overall: [u32; 4],
}

impl Default for XrayConfig {
    fn default() -> Self {
        XrayConfig {
            weights: XrayWeights::default(),
            min_data_sanity: 70.0,
            rate_unverifiable: false,
            bands: [90.0, 70.0, 50.0, 20.0],
            missed_share: 0.4,
            gap_months: 3,
            absent_obligation_is_missed: false,
            overall: [5, 9, 13, 14],
        }
    }
}

/// Weights of the nine Bank X-Ray indicators, in the spec's descending order.
///
/// The spec gives only their order. The defaults (10, 9, 8, 7, 6, 5, 3, 2, 1; total 51) are
/// strictly decreasing and chosen against the overall table (A 0–4, B 5–8, C 9–12, D 13,
/// E ≥ 14): any one of the three alert indicators alone leaves the company in B or C, any two
/// make it E; missed social security and missed tax together (7 + 6) make exactly D — two
/// unpaid preferential creditors, who can petition for insolvency; all three obligations
/// missed make E; the three minor indicators together (6) cannot leave B.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct XrayWeights {
    /// Alerts frequency.
    pub alerts_frequency: u32,
    /// Alert-related amount.
    pub alert_related_amount: u32,
    /// Overdraft.
    pub overdraft: u32,
    /// Social security.
    pub social_security: u32,
    /// Tax payment.
    pub tax_payment: u32,
    /// Payroll management.
    pub payroll: u32,
    /// Debt stress.
    pub debt_stress: u32,
    /// Whole-number amounts.
    pub whole_number_amounts: u32,
    /// Balance trend.
    pub balance_trend: u32,
}

impl Default for XrayWeights {
    fn default() -> Self {
        XrayWeights {
            alerts_frequency: 10,
            alert_related_amount: 9,
            overdraft: 8,
            social_security: 7,
            tax_payment: 6,
            payroll: 5,
            debt_stress: 3,
            whole_number_amounts: 2,
            balance_trend: 1,
        }
    }
}

/// The four EnvoyX dimension weights (spec: 30/25/25/20).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DimensionWeights {
    /// Revenue analysis.
    pub revenue: f64,
    /// Cash-flow health.
    pub cashflow: f64,
    /// Expense & liability.
    pub expense: f64,
    /// Balance behaviour.
    pub balance: f64,
}

impl Default for DimensionWeights {
    fn default() -> Self {
        DimensionWeights {
            revenue: 0.30,
            cashflow: 0.25,
            expense: 0.25,
            balance: 0.20,
        }
    }
}

/// Points each flag severity deducts (spec: 100, 50, 25, 10).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Penalties {
    /// Critical.
    pub critical: u32,
    /// High.
    pub high: u32,
    /// Medium.
    pub medium: u32,
    /// Low.
    pub low: u32,
}

impl Default for Penalties {
    fn default() -> Self {
        Penalties {
            critical: 100,
            high: 50,
            medium: 25,
            low: 10,
        }
    }
}

/// Lower bounds of the credit tiers (spec: 750, 500, 250; below: INELIGIBLE). Risk levels use
/// the same bounds (LOW, MEDIUM, HIGH; below: CRITICAL).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tiers {
    /// TIER_1 from here.
    pub tier_1: u32,
    /// TIER_2 from here.
    pub tier_2: u32,
    /// TIER_3 from here.
    pub tier_3: u32,
}

impl Default for Tiers {
    fn default() -> Self {
        Tiers {
            tier_1: 750,
            tier_2: 500,
            tier_3: 250,
        }
    }
}

/// The EnvoyX engine's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvoyxConfig {
    /// Dimension weights.
    pub weights: DimensionWeights,
    /// Flag penalties.
    pub penalties: Penalties,
    /// The legitimacy gate: an illegitimate document scores at most this (spec: 200).
    pub legitimacy_cap: u32,
    /// Tier bounds.
    pub tiers: Tiers,
    /// Inflow classes (`revenue_classification` keys) that count as revenue. Default (`None`):
    /// the analytics' operating revenue — institutional payments, mobile-money sweeps, cash
    /// deposits and any other `INCOME` credit: what a business earns. Tontine payouts,
    /// related-party transfers, loans and refunds are never revenue by default. A tenant that
    /// lists classes gets exactly their sum.
    pub revenue_classes: Option<Vec<String>>,
    /// The system default business type (third link of the priority chain).
    pub default_business_type: Option<String>,
    /// The system default sector.
    pub default_sector: Option<String>,
    /// Severity overrides by flag name (`circular_flows = "high"`).
    pub severities: BTreeMap<String, FlagSeverity>,
    /// Revenue paid the ways the declared sector is paid below this share of all credits
    /// raises "inflows inconsistent with declared sector".
    pub sector_fit_min_share: f64,
    /// An account younger than this many days is "too new"…
    pub account_min_age_days: i64,
    /// …when it carries at least this many transactions.
    pub account_new_min_transactions: usize,
}

impl Default for EnvoyxConfig {
    fn default() -> Self {
        EnvoyxConfig {
            weights: DimensionWeights::default(),
            penalties: Penalties::default(),
            legitimacy_cap: 200,
            tiers: Tiers::default(),
            revenue_classes: None,
            default_business_type: None,
            default_sector: None,
            severities: BTreeMap::new(),
            sector_fit_min_share: 0.4,
            account_min_age_days: 90,
            account_new_min_transactions: 30,
        }
    }
}

/// Thresholds of the fraud patterns. Defaults are the analytics' detection constants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FraudThresholds {
    /// Round deposits: at least this many…
    pub round_min_count: usize,
    /// …this share of credits by count…
    pub round_count_share: f64,
    /// …and by value.
    pub round_value_share: f64,
    /// Coordinated inflows: distinct payers paying alike on one day (the analytics detect
    /// clusters of 3 or more, so values below 3 act as 3).
    pub coordinated_min_payers: usize,
    /// Revenue near the application date: share of revenue in the last 30 days…
    pub near_as_of_share: f64,
    /// …on a statement spanning at least this many days.
    pub near_as_of_min_span: i64,
    /// Pass-through: share of inflows leaving within ~48 h…
    pub pass_through_share: f64,
    /// …with at least this many (non-internal) credits.
    pub pass_through_min_credits: usize,
    /// Circular flows: returned value over inflows…
    pub circular_share: f64,
    /// …or this many round trips.
    pub circular_min_trips: usize,
    /// Single related party: its share of inflows.
    pub related_party_share: f64,
    /// Cash after deposit: occurrences…
    pub cash_after_min_count: usize,
    /// …and share of inflows withdrawn.
    pub cash_after_share: f64,
    /// End-of-period spike: a window's share of inflows at this multiple of its share of days…
    pub spike_multiple: f64,
    /// …and at least this share (statement end)…
    pub spike_min_share: f64,
    /// …or this share (month ends).
    pub month_end_min_share: f64,
    /// …or the last week's balance at this multiple of the best earlier month.
    pub spike_balance_multiple: f64,
    /// Statements shorter than this are not judged for spikes.
    pub spike_min_days: i64,
    /// Artificially stable: CV of transaction-day balances below this…
    pub stable_max_cv: f64,
    /// …or one balance repeated on this share of transaction days.
    pub stable_repeat_share: f64,
    /// Loan stacking: lenders repaid in one month, or loans outstanding at once.
    pub stacking_lenders: usize,
    /// Cash-intensive sectors (retail, restaurants, agriculture, transport, pharmacies) see
    /// round deposits and cash withdrawals every day: their share thresholds for those two
    /// patterns are multiplied by this (capped at 1).
    pub cash_intensive_factor: f64,
}

impl Default for FraudThresholds {
    fn default() -> Self {
        FraudThresholds {
            round_min_count: m::ROUND_MIN_COUNT,
            round_count_share: m::ROUND_COUNT_SHARE,
            round_value_share: m::ROUND_VALUE_SHARE,
            coordinated_min_payers: m::COORDINATED_MIN_PAYERS,
            near_as_of_share: m::NEAR_AS_OF_SHARE,
            near_as_of_min_span: m::NEAR_AS_OF_MIN_SPAN,
            pass_through_share: m::PASS_THROUGH_SHARE,
            pass_through_min_credits: m::PASS_THROUGH_MIN_CREDITS,
            circular_share: m::CIRCULAR_SHARE,
            circular_min_trips: m::CIRCULAR_MIN_TRIPS,
            related_party_share: m::RELATED_PARTY_SHARE,
            cash_after_min_count: m::CASH_AFTER_MIN_COUNT,
            cash_after_share: m::CASH_AFTER_SHARE,
            spike_multiple: m::SPIKE_MULTIPLE,
            spike_min_share: m::SPIKE_MIN_SHARE,
            month_end_min_share: m::MONTH_END_MIN_SHARE,
            spike_balance_multiple: m::SPIKE_BALANCE_MULTIPLE,
            spike_min_days: m::SPIKE_MIN_DAYS,
            stable_max_cv: m::STABLE_MAX_CV,
            stable_repeat_share: m::STABLE_REPEAT_SHARE,
            stacking_lenders: ledgerlens_analytics::profiles::envoyx::STACKING_LENDERS,
            cash_intensive_factor: 1.25,
        }
    }
}

/// Suspicion points of the legitimacy rule (docs/scoring.md, "Legitimacy").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LegitimacyConfig {
    /// Per critical forensic finding (strong sign of editing).
    pub forensic_critical: u32,
    /// Per warning finding.
    pub forensic_warning: u32,
    /// Per informational finding.
    pub forensic_info: u32,
    /// Data sanity below the Bank X-Ray floor (70 %).
    pub sanity_below_floor: u32,
    /// Data sanity at or above the floor but below `sanity_clean`.
    pub sanity_imperfect: u32,
    /// Data sanity from which the balance chain is "clean".
    pub sanity_clean: f64,
    /// A statement whose opening + movements ≠ closing.
    pub totals_break: u32,
    /// No balance printed at all: nothing can be checked.
    pub unverifiable: u32,
    /// Per critical fraud flag.
    pub flag_critical: u32,
    /// Per high fraud flag.
    pub flag_high: u32,
    /// At or above this many points the document is not legitimate.
    pub threshold: u32,
    /// Confidence ceiling without document forensics (structured sources: CSV, OFX, JSON…),
    /// where only the numbers could be checked.
    pub no_forensics_max_confidence: u8,
}

impl Default for LegitimacyConfig {
    fn default() -> Self {
        LegitimacyConfig {
            forensic_critical: 60,
            forensic_warning: 20,
            forensic_info: 0,
            sanity_below_floor: 50,
            sanity_imperfect: 15,
            sanity_clean: 99.0,
            totals_break: 25,
            unverifiable: 10,
            flag_critical: 15,
            flag_high: 5,
            threshold: 50,
            no_forensics_max_confidence: 90,
        }
    }
}
