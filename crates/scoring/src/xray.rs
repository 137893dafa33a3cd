//! The Bank X-Ray scorecard (spec 001): nine indicators graded A–E, weighted, and the overall
//! A–E rating with its risk class, colour and reasons, in Bank X-Ray's `bankFlag` shape.
//!
//! * Six indicators are graded against a benchmark ([`crate::benchmark`]): by the percent of
//!   comparable companies the value is at least as good as — A ≥ 90, B ≥ 70, C ≥ 50, D ≥ 20,
//!   E below (the spec's "better than 90 % / 70 % / 50 % / 20 % of benchmark").
//! * Social security, tax and payroll follow the spec's hard-coded rules: A when paid every
//!   month, E when more than 40 % of the due months are missed *and* a run of three months has
//!   no payment, C otherwise.
//! * An indicator "has an alert" when its grade is D or E (its sentiment is `bad`). The overall
//!   rating maps the sum of the weights of the indicators with alerts through the spec's table
//!   (A 0–4, B 5–8, C 9–12, D 13, E ≥ 14). Weights: [`crate::config::XrayWeights`].
//! * No rating when the data sanity is below 70 % (or unknown): the indicators are still graded
//!   and shown, but the statement's figures are not trusted enough for an overall verdict.
//!
//! Everything is documented in docs/scoring.md ("Bank X-Ray").

use chrono::NaiveDate;
use ledgerlens_analytics::indicators::Regularity;
use ledgerlens_analytics::profiles::xray::{XrayIndicators, XrayReport};
use serde::Serialize;

use crate::benchmark::{Benchmark, Level, Metric, RevenueBand, nace_section};
use crate::config::{ScoringConfig, XrayConfig};
use crate::reasons::{Reason, Replay, round6};

/// A letter grade, A best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Grade {
    /// Very good.
    A,
    /// Good.
    B,
    /// Average.
    C,
    /// Poor.
    D,
    /// Very poor.
    E,
}

impl Grade {
    /// The letter.
    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
        }
    }

    /// Risk class 1 (A, very good) to 5 (E, very bad), as Bank X-Ray's `riskClass`.
    pub fn risk_class(self) -> u8 {
        match self {
            Grade::A => 1,
            Grade::B => 2,
            Grade::C => 3,
            Grade::D => 4,
            Grade::E => 5,
        }
    }

    /// `good` (A, B), `neutral` (C) or `bad` (D, E).
    pub fn sentiment(self) -> Sentiment {
        match self {
            Grade::A | Grade::B => Sentiment::Good,
            Grade::C => Sentiment::Neutral,
            Grade::D | Grade::E => Sentiment::Bad,
        }
    }
}

/// A reason's sentiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// In the company's favour.
    Good,
    /// Neither.
    Neutral,
    /// Against it: the indicator has an alert.
    Bad,
}

/// The bank flag's colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    /// Rated A or B.
    Green,
    /// Rated C.
    Orange,
    /// Rated D or E.
    Red,
    /// Not rated (data sanity below the floor or unknown).
    Grey,
}

/// The nine indicators, in the spec's descending order of weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Indicator {
    /// Alerts frequency.
    AlertsFrequency,
    /// Alert-related amount.
    AlertRelatedAmount,
    /// Overdraft.
    Overdraft,
    /// Social security.
    SocialSecurity,
    /// Tax payment.
    TaxPayment,
    /// Payroll management.
    Payroll,
    /// Debt stress.
    DebtStress,
    /// Whole-number amounts.
    WholeNumberAmounts,
    /// Balance trend.
    BalanceTrend,
}

impl Indicator {
    /// Every indicator, heaviest first.
    pub const ALL: [Indicator; 9] = [
        Indicator::AlertsFrequency,
        Indicator::AlertRelatedAmount,
        Indicator::Overdraft,
        Indicator::SocialSecurity,
        Indicator::TaxPayment,
        Indicator::Payroll,
        Indicator::DebtStress,
        Indicator::WholeNumberAmounts,
        Indicator::BalanceTrend,
    ];

    /// The `criteria` name in the bank flag's reasons (the spec's example:
    /// `missedSocialSecurity`).
    pub fn criteria(self) -> &'static str {
        match self {
            Indicator::AlertsFrequency => "alertsFrequency",
            Indicator::AlertRelatedAmount => "alertRelatedAmount",
            Indicator::Overdraft => "overdraft",
            Indicator::SocialSecurity => "missedSocialSecurity",
            Indicator::TaxPayment => "missedTaxPayment",
            Indicator::Payroll => "missedPayroll",
            Indicator::DebtStress => "debtStress",
            Indicator::WholeNumberAmounts => "wholeNumberAmounts",
            Indicator::BalanceTrend => "balanceTrend",
        }
    }

    /// The stem of its reason codes (`XR_<STEM>_<GRADE>`).
    pub fn code_stem(self) -> &'static str {
        match self {
            Indicator::AlertsFrequency => "ALERTS_FREQUENCY",
            Indicator::AlertRelatedAmount => "ALERT_RELATED_AMOUNT",
            Indicator::Overdraft => "OVERDRAFT_DAYS",
            Indicator::SocialSecurity => "SOCIAL_SECURITY",
            Indicator::TaxPayment => "TAX_PAYMENT",
            Indicator::Payroll => "PAYROLL",
            Indicator::DebtStress => "DEBT_STRESS",
            Indicator::WholeNumberAmounts => "WHOLE_NUMBER_AMOUNTS",
            Indicator::BalanceTrend => "BALANCE_TREND",
        }
    }

    /// Plain name.
    pub fn label(self) -> &'static str {
        match self {
            Indicator::AlertsFrequency => "Alerts frequency",
            Indicator::AlertRelatedAmount => "Alert-related amount",
            Indicator::Overdraft => "Overdraft",
            Indicator::SocialSecurity => "Social security",
            Indicator::TaxPayment => "Tax payment",
            Indicator::Payroll => "Payroll management",
            Indicator::DebtStress => "Debt stress",
            Indicator::WholeNumberAmounts => "Whole-number amounts",
            Indicator::BalanceTrend => "Balance trend",
        }
    }

    /// The popover: what the indicator measures (spec 001's descriptions).
    pub fn popover(self) -> &'static str {
        match self {
            Indicator::AlertsFrequency => {
                "Alerts frequency is the share of transactions carrying an alert: returned or unpaid payments, fees charged only to accounts in difficulty, gambling, debt collection."
            }
            Indicator::AlertRelatedAmount => {
                "Alert-related amount is the value of the transactions with alerts, as a share of all money moved."
            }
            Indicator::Overdraft => {
                "Overdraft counts the days the account closed with a negative balance, compared with companies of similar revenue."
            }
            Indicator::SocialSecurity => {
                "Social security assesses the company's regularity of payments, compliance with the social security administration's due dates, and correspondence with regulations."
            }
            Indicator::TaxPayment => {
                "Tax payment assesses the regularity of the company's tax payments against their monthly due dates."
            }
            Indicator::Payroll => {
                "Payroll management assesses whether salaries are paid every month."
            }
            Indicator::DebtStress => {
                "Debt stress is the debt serviced in the period over the cash the company generated."
            }
            Indicator::WholeNumberAmounts => {
                "Whole-number amounts is the share of transactions without cents; invented or manipulated figures tend to be round."
            }
            Indicator::BalanceTrend => {
                "Balance trend is the change between the opening and the ending balance, over the period's inflows; a falling balance is the deviation that matters."
            }
        }
    }

    /// The benchmarked metric, or `None` for the hard-coded rules.
    pub fn metric(self) -> Option<Metric> {
        match self {
            Indicator::AlertsFrequency => Some(Metric::AlertsFrequency),
            Indicator::AlertRelatedAmount => Some(Metric::AlertRelatedAmount),
            Indicator::Overdraft => Some(Metric::Overdraft),
            Indicator::DebtStress => Some(Metric::DebtStress),
            Indicator::WholeNumberAmounts => Some(Metric::WholeNumberAmounts),
            Indicator::BalanceTrend => Some(Metric::BalanceTrend),
            Indicator::SocialSecurity | Indicator::TaxPayment | Indicator::Payroll => None,
        }
    }

    /// Its weight in the configuration.
    pub fn weight(self, config: &XrayConfig) -> u32 {
        let w = &config.weights;
        match self {
            Indicator::AlertsFrequency => w.alerts_frequency,
            Indicator::AlertRelatedAmount => w.alert_related_amount,
            Indicator::Overdraft => w.overdraft,
            Indicator::SocialSecurity => w.social_security,
            Indicator::TaxPayment => w.tax_payment,
            Indicator::Payroll => w.payroll,
            Indicator::DebtStress => w.debt_stress,
            Indicator::WholeNumberAmounts => w.whole_number_amounts,
            Indicator::BalanceTrend => w.balance_trend,
        }
    }
}

/// Who the company is, for the benchmark lookup.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct XrayContext {
    /// ISO country.
    pub country: Option<String>,
    /// Sector: NACE code or section, or a known word (normalised with
    /// [`crate::benchmark::nace_section`]).
    pub sector: Option<String>,
    /// Revenue band for the overdraft benchmark ([`RevenueBand::of_report`]).
    pub revenue_band: Option<RevenueBand>,
    /// The date the analysis is as of (recorded, not read from a clock).
    pub as_of: Option<NaiveDate>,
}

/// The benchmark cell a grade was read from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchmarkCell {
    /// Its level (sector, country, revenue band, global).
    pub level: Level,
    /// Its key.
    pub key: String,
    /// Companies in it.
    pub n: usize,
}

/// One graded indicator: the spec's reason fields (`criteria`, `quantile`, `value`,
/// `sentiment`, `popovers`), then ours.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct XrayReason {
    /// The indicator (`missedSocialSecurity`, `overdraft`, …).
    pub criteria: &'static str,
    /// Benchmarked: the value's percentile in its cell (0 lowest value, 100 highest).
    /// Hard-coded rules: the percent of due months missed (the spec's example: a company that
    /// missed every payment has `value` 1 and `quantile` 100). `null` when not graded.
    pub quantile: Option<u32>,
    /// The graded value (a ratio, or days for overdraft, or the share of due months missed).
    pub value: Option<f64>,
    /// `good` (A/B), `neutral` (C, or not graded), `bad` (D/E: the indicator has an alert).
    pub sentiment: Sentiment,
    /// What the indicator measures, and what it was compared with.
    pub popovers: Vec<String>,
    /// The grade; `null` when not applicable (no due month on the statement, an obligation the
    /// statement never shows, no benchmark data, no balance printed for the trend).
    pub grade: Option<Grade>,
    /// Its weight.
    pub weight: u32,
    /// Whether it has an alert (grade D or E).
    pub alert: bool,
    /// Benchmarked: percent of the benchmark the value is at least as good as.
    pub better_than: Option<f64>,
    /// Benchmarked: the cell used.
    pub benchmark: Option<BenchmarkCell>,
    /// Machine code (`XR_OVERDRAFT_DAYS_E`, `XR_SOCIAL_SECURITY_NA`).
    pub code: String,
    /// Plain reason.
    pub text: String,
}

/// Bank X-Ray's `bankFlag`, graded.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BankFlag {
    /// Sentiment colour of the rating.
    pub color: Color,
    /// The data sanity (percent), as analysed.
    pub data_sanity: Option<f64>,
    /// One reason per indicator, heaviest first.
    pub reasons: Vec<XrayReason>,
}

/// The graded Bank X-Ray: `bankFlag`, `riskClass`, `score` (spec fields), then ours.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct XrayScore {
    /// The bank flag.
    pub bank_flag: BankFlag,
    /// 1 (A, very good) to 5 (E, very bad); `null` without a rating.
    pub risk_class: Option<u8>,
    /// Sum of the weights of the indicators with alerts over the sum of all nine weights
    /// (0 no alert … 1 every indicator alerting); `null` without a rating.
    pub score: Option<f64>,
    /// The overall letter; `null` without a rating.
    pub rating: Option<Grade>,
    /// Sum of the weights of the indicators with alerts.
    pub alert_sum: u32,
    /// The overall verdict's reason codes (`XR_RATING_D`, `XR_NO_RATING_DATA_SANITY`), then
    /// every alerting indicator's code.
    pub reasons: Vec<Reason>,
    /// What the result was computed from.
    pub replay: Replay,
}

/// The benchmark letter for "at least as good as `better_than` percent of the benchmark".
pub fn band_grade(better_than: f64, bands: &[f64; 4]) -> Grade {
    let [a, b, c, d] = *bands;
    if better_than >= a {
        Grade::A
    } else if better_than >= b {
        Grade::B
    } else if better_than >= c {
        Grade::C
    } else if better_than >= d {
        Grade::D
    } else {
        Grade::E
    }
}

/// The hard-coded rule of social security, tax and payroll; `None` when not applicable.
pub fn regularity_grade(regularity: &Regularity, config: &XrayConfig) -> Option<Grade> {
    if regularity.months_expected == 0 {
        return None;
    }
    if regularity.payments == 0 && !config.absent_obligation_is_missed {
        return None;
    }
    if regularity.months_missed == 0 {
        return Some(Grade::A);
    }
    let missed = regularity.missed_ratio.unwrap_or(0.0);
    if missed > config.missed_share && regularity.longest_gap_months >= config.gap_months {
        Some(Grade::E)
    } else {
        Some(Grade::C)
    }
}

/// The overall letter of an alert sum (spec table: A 0–4, B 5–8, C 9–12, D 13, E ≥ 14).
pub fn overall_grade(alert_sum: u32, config: &XrayConfig) -> Grade {
    let [b, c, d, e] = config.overall;
    if alert_sum >= e {
        Grade::E
    } else if alert_sum >= d {
        Grade::D
    } else if alert_sum >= c {
        Grade::C
    } else if alert_sum >= b {
        Grade::B
    } else {
        Grade::A
    }
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn describe(indicator: Indicator, indicators: &XrayIndicators, value: f64) -> String {
    match indicator {
        Indicator::AlertsFrequency => format!(
            "{} of {} transactions carry an alert ({})",
            indicators.alert_count,
            indicators.transaction_count,
            percent(value)
        ),
        Indicator::AlertRelatedAmount => format!(
            "{} moved on transactions with alerts ({} of all money moved)",
            ledgerlens_core::money::grouped(indicators.alert_amount),
            percent(value)
        ),
        Indicator::Overdraft => format!(
            "{} day(s) with a negative balance",
            indicators.overdraft_days
        ),
        Indicator::DebtStress => {
            if value >= crate::benchmark::INFINITY_SENTINEL {
                format!(
                    "{} of debt serviced with no cash generated",
                    ledgerlens_core::money::grouped(indicators.debt_stress.debt_service)
                )
            } else {
                format!(
                    "debt service {} is {} of the cash generated",
                    ledgerlens_core::money::grouped(indicators.debt_stress.debt_service),
                    percent(value)
                )
            }
        }
        Indicator::WholeNumberAmounts => format!(
            "{} of {} transactions are whole numbers ({})",
            indicators.whole_number_amounts.whole,
            indicators.whole_number_amounts.total,
            percent(value)
        ),
        Indicator::BalanceTrend => format!(
            "the balance changed by {} of the period's inflows",
            percent(value)
        ),
        Indicator::SocialSecurity | Indicator::TaxPayment | Indicator::Payroll => String::new(),
    }
}

fn regularity_of(indicator: Indicator, indicators: &XrayIndicators) -> Option<&Regularity> {
    match indicator {
        Indicator::SocialSecurity => Some(&indicators.social_security),
        Indicator::TaxPayment => Some(&indicators.tax),
        Indicator::Payroll => Some(&indicators.payroll),
        _ => None,
    }
}

fn grade_one(
    indicator: Indicator,
    indicators: &XrayIndicators,
    context: &XrayContext,
    benchmark: &Benchmark,
    config: &XrayConfig,
) -> XrayReason {
    let weight = indicator.weight(config);
    let stem = indicator.code_stem();
    let mut popovers = vec![indicator.popover().to_owned()];
    let (grade, value, quantile, better_than, cell, detail) = if let Some(regularity) =
        regularity_of(indicator, indicators)
    {
        let grade = regularity_grade(regularity, config);
        let value = regularity.missed_ratio;
        let detail = if regularity.months_expected == 0 {
            "no calendar month is wholly covered, so no due date could be checked".to_owned()
        } else if regularity.payments == 0 && grade.is_none() {
            format!(
                "no payment appears on the statement over {} due month(s): not graded (the company may have none due, or pay from another account)",
                regularity.months_expected
            )
        } else {
            format!(
                "paid in {} of {} due month(s), {} missed, longest run without payment {} month(s)",
                regularity.months_paid,
                regularity.months_expected,
                regularity.months_missed,
                regularity.longest_gap_months
            )
        };
        popovers.push(
                "Hard-coded rule: A paid every month; C some due months missed; E more than 40% of due months missed and 3 months in a row without payment."
                    .to_owned(),
            );
        let quantile = value.map(|v| (v * 100.0).round().clamp(0.0, 100.0) as u32);
        (grade, value, quantile, None, None, detail)
    } else if let Some(metric) = indicator.metric() {
        let value = metric.value(indicators);
        let sector = context.sector.as_deref().map(nace_section);
        let lookup = benchmark.lookup(
            metric,
            context.country.as_deref(),
            sector.as_deref(),
            context.revenue_band,
        );
        match (value, lookup) {
            (Some(v), Some(found)) => {
                let d = found.distribution;
                let better = d.at_least_as_good_as(v, metric.higher_is_better());
                let grade = band_grade(better, &config.bands);
                let level = match found.level {
                    Level::Sector => "companies of the same country and sector",
                    Level::Country => "companies of the same country (too few of its sector)",
                    Level::RevenueBand => "companies of similar revenue",
                    Level::Global => "all benchmarked companies (too few comparable ones)",
                };
                popovers.push(format!(
                    "Compared with {} {level} (benchmark cell {}).",
                    d.n, found.key
                ));
                // Said as a rank among peers: "at least as good as 6% of the benchmark" read to
                // credit officers as a fraction of a benchmark value.
                let detail = format!(
                    "{}: as good as or better than {:.0}% of {} comparable companies",
                    describe(indicator, indicators, v),
                    better,
                    d.n
                );
                (
                    Some(grade),
                    Some(v.min(crate::benchmark::INFINITY_SENTINEL)),
                    Some(d.percentile(v).round().clamp(0.0, 100.0) as u32),
                    Some(round6(better)),
                    Some(BenchmarkCell {
                        level: found.level,
                        key: found.key,
                        n: d.n,
                    }),
                    detail,
                )
            }
            (None, _) => (
                None,
                None,
                None,
                None,
                None,
                "not measurable: the statement prints no balance".to_owned(),
            ),
            (Some(v), None) => (
                None,
                Some(v),
                None,
                None,
                None,
                "not graded: the benchmark has no data for this indicator".to_owned(),
            ),
        }
    } else {
        (None, None, None, None, None, String::new())
    };
    let alert = matches!(grade, Some(Grade::D | Grade::E));
    let (code, text) = match grade {
        Some(g) => (
            format!("XR_{stem}_{}", g.letter()),
            format!("{} graded {}: {detail}.", indicator.label(), g.letter()),
        ),
        None => (
            format!("XR_{stem}_NA"),
            format!("{} not graded: {detail}.", indicator.label()),
        ),
    };
    XrayReason {
        criteria: indicator.criteria(),
        quantile,
        value: value.map(round6),
        sentiment: grade.map_or(Sentiment::Neutral, Grade::sentiment),
        popovers,
        grade,
        weight,
        alert,
        better_than,
        benchmark: cell,
        code,
        text,
    }
}

/// What the replay hash covers.
#[derive(Serialize)]
struct XrayInputs<'a> {
    indicators: &'a XrayIndicators,
    data_sanity: Option<f64>,
    context: &'a XrayContext,
}

/// Grades raw indicators (the core of [`grade`]; tests drive it with hand-made indicators).
pub fn grade_indicators(
    indicators: &XrayIndicators,
    data_sanity: Option<f64>,
    context: &XrayContext,
    benchmark: &Benchmark,
    config: &ScoringConfig,
) -> XrayScore {
    let xc = &config.xray;
    let reasons: Vec<XrayReason> = Indicator::ALL
        .iter()
        .map(|i| grade_one(*i, indicators, context, benchmark, xc))
        .collect();
    let alert_sum: u32 = reasons.iter().filter(|r| r.alert).map(|r| r.weight).sum();
    let total: u32 = Indicator::ALL.iter().map(|i| i.weight(xc)).sum();
    let mut overall = Vec::new();
    let rating = match data_sanity {
        Some(sanity) if sanity < xc.min_data_sanity => {
            overall.push(Reason::new(
                "XR_NO_RATING_DATA_SANITY",
                format!(
                    "No rating: only {sanity:.1}% of the statement's balances check out (at least {:.0}% needed).",
                    xc.min_data_sanity
                ),
            ));
            None
        }
        None if !xc.rate_unverifiable => {
            overall.push(Reason::new(
                "XR_NO_RATING_UNVERIFIABLE",
                "No rating: the statement prints no balance, so its figures cannot be checked.",
            ));
            None
        }
        _ => {
            let grade = overall_grade(alert_sum, xc);
            overall.push(Reason::new(
                format!("XR_RATING_{}", grade.letter()),
                format!(
                    "Rated {}: the indicators with alerts weigh {alert_sum} (A 0–4, B 5–8, C 9–12, D 13, E 14 or more).",
                    grade.letter()
                ),
            ));
            Some(grade)
        }
    };
    overall.extend(
        reasons
            .iter()
            .filter(|r| r.alert)
            .map(|r| Reason::new(r.code.clone(), r.text.clone())),
    );
    let color = match rating {
        None => Color::Grey,
        Some(Grade::A | Grade::B) => Color::Green,
        Some(Grade::C) => Color::Orange,
        Some(Grade::D | Grade::E) => Color::Red,
    };
    let replay = Replay::of(
        config.version_ref(),
        Some(benchmark.version_ref()),
        context.as_of,
        &XrayInputs {
            indicators,
            data_sanity,
            context,
        },
    );
    XrayScore {
        bank_flag: BankFlag {
            color,
            data_sanity,
            reasons,
        },
        risk_class: rating.map(Grade::risk_class),
        score: rating.map(|_| {
            if total == 0 {
                0.0
            } else {
                round6(f64::from(alert_sum) / f64::from(total))
            }
        }),
        rating,
        alert_sum,
        reasons: overall,
        replay,
    }
}

/// Grades a Bank X-Ray report. The revenue band is derived from the report when the context
/// does not give one and `currency` is known.
pub fn grade(
    report: &XrayReport,
    context: &XrayContext,
    currency: Option<&str>,
    benchmark: &Benchmark,
    config: &ScoringConfig,
) -> XrayScore {
    let mut context = context.clone();
    if context.revenue_band.is_none() {
        context.revenue_band = currency.and_then(|c| RevenueBand::of_report(report, c));
    }
    grade_indicators(
        &report.indicators,
        report.bank_flag.data_sanity,
        &context,
        benchmark,
        config,
    )
}
