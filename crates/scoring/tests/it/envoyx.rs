//! EnvoyX credit score: weights, penalties, the legitimacy cap, tier and risk boundaries,
//! calibration priority, every flag raised and not raised, replay.

use chrono::Days;
use ledgerlens_analytics::AnalysisOptions;
use ledgerlens_analytics::profiles::envoyx::EnvoyxAnalysis;
use ledgerlens_core::{Amount, Transaction};
use ledgerlens_scoring::config::{EnvoyxConfig, ScoringConfig};
use ledgerlens_scoring::envoyx::{
    Calibration, Dimension, Flag, FlagKind, FlagSeverity, ParameterSource, Preferences, RiskLevel,
    ScoreRequest, Status, Tier, combine, flags, resolve, risk_level, score, tier,
};
use ledgerlens_scoring::legitimacy::Evidence;
use ledgerlens_synth::persona::PersonaKind;
use rust_decimal::Decimal;

use crate::xray::{analyse, business, rechain, statement};

fn flag(severity: FlagSeverity) -> Flag {
    let config = EnvoyxConfig::default();
    Flag {
        kind: FlagKind::RoundNumberDeposits,
        code: FlagKind::RoundNumberDeposits.code(),
        severity,
        dimension: Dimension::Revenue,
        penalty: severity.penalty(&config),
        reason: String::new(),
    }
}

#[test]
fn dimensions_are_weighted_30_25_25_20() {
    let c = EnvoyxConfig::default();
    assert_eq!(combine([1000, 0, 0, 0], &[], true, &c).0, 300);
    assert_eq!(combine([0, 1000, 0, 0], &[], true, &c).0, 250);
    assert_eq!(combine([0, 0, 1000, 0], &[], true, &c).0, 250);
    assert_eq!(combine([0, 0, 0, 1000], &[], true, &c).0, 200);
    assert_eq!(combine([800, 600, 400, 200], &[], true, &c).0, 530);
    assert_eq!(
        combine([1000, 1000, 1000, 1000], &[], true, &c),
        (1000, 0, 1000, false)
    );
}

#[test]
fn each_severity_deducts_its_penalty() {
    let c = EnvoyxConfig::default();
    for (severity, penalty) in [
        (FlagSeverity::Critical, 100),
        (FlagSeverity::High, 50),
        (FlagSeverity::Medium, 25),
        (FlagSeverity::Low, 10),
    ] {
        let (base, p, score, _) = combine([800; 4], &[flag(severity)], true, &c);
        assert_eq!(
            (base, p, score),
            (800, penalty, 800 - penalty),
            "{severity:?}"
        );
    }
    let all = [
        flag(FlagSeverity::Critical),
        flag(FlagSeverity::High),
        flag(FlagSeverity::Medium),
        flag(FlagSeverity::Low),
    ];
    assert_eq!(combine([800; 4], &all, true, &c).2, 615);
    // Penalties never take the score below zero.
    let many: Vec<Flag> = (0..12).map(|_| flag(FlagSeverity::Critical)).collect();
    assert_eq!(combine([800; 4], &many, true, &c).2, 0);
}

#[test]
fn an_illegitimate_document_is_capped_at_200() {
    let c = EnvoyxConfig::default();
    assert_eq!(combine([900; 4], &[], false, &c), (900, 0, 200, true));
    assert_eq!(combine([150; 4], &[], false, &c), (150, 0, 150, false));
    assert_eq!(combine([200; 4], &[], false, &c), (200, 0, 200, false));
    // The cap applies after penalties.
    assert_eq!(
        combine([260; 4], &[flag(FlagSeverity::Low)], false, &c).2,
        200
    );
}

#[test]
fn tier_boundaries() {
    let c = EnvoyxConfig::default();
    for (s, t) in [
        (1000, Tier::Tier1),
        (750, Tier::Tier1),
        (749, Tier::Tier2),
        (500, Tier::Tier2),
        (499, Tier::Tier3),
        (250, Tier::Tier3),
        (249, Tier::Ineligible),
        (0, Tier::Ineligible),
    ] {
        assert_eq!(tier(s, &c), t, "{s}");
    }
    assert_eq!(serde_json::to_string(&Tier::Tier1).unwrap(), "\"TIER_1\"");
    assert_eq!(
        serde_json::to_string(&Tier::Ineligible).unwrap(),
        "\"INELIGIBLE\""
    );
}

#[test]
fn risk_level_boundaries() {
    let c = EnvoyxConfig::default();
    for (s, critical, legit, level) in [
        (1000, false, true, RiskLevel::Low),
        (750, false, true, RiskLevel::Low),
        (750, true, true, RiskLevel::High),
        (749, false, true, RiskLevel::Medium),
        (500, false, true, RiskLevel::Medium),
        (500, true, true, RiskLevel::High),
        (499, false, true, RiskLevel::High),
        (250, false, true, RiskLevel::High),
        (249, false, true, RiskLevel::Critical),
        (0, false, true, RiskLevel::Critical),
        (900, false, false, RiskLevel::Critical),
    ] {
        assert_eq!(
            risk_level(s, critical, legit, &c),
            level,
            "{s} {critical} {legit}"
        );
    }
}

#[test]
fn calibration_follows_request_then_preference_then_default() {
    let mut config = ScoringConfig::default();
    let prefs = Preferences {
        default_business_type: Some("retail".to_owned()),
        default_sector: Some("commerce".to_owned()),
    };
    let request = ScoreRequest {
        business_type: Some("healthcare_provider".to_owned()),
        ..ScoreRequest::default()
    };
    let c = resolve(&request, &prefs, &config);
    assert_eq!(c.business_type.as_deref(), Some("healthcare_provider"));
    assert_eq!(c.business_type_source, ParameterSource::Request);
    assert_eq!(
        (c.sector.as_deref(), c.sector_source),
        (Some("commerce"), ParameterSource::Preference)
    );
    assert_eq!(c.profile, "clinic");

    let c = resolve(&ScoreRequest::default(), &prefs, &config);
    assert_eq!(
        (c.profile, c.business_type_source),
        ("retail", ParameterSource::Preference)
    );
    assert!(c.cash_intensive);

    config.envoyx.default_business_type = Some("transport".to_owned());
    let c = resolve(&ScoreRequest::default(), &Preferences::default(), &config);
    assert_eq!(
        (c.profile, c.business_type_source),
        ("transport", ParameterSource::SystemDefault)
    );
    let c = resolve(
        &ScoreRequest::default(),
        &Preferences::default(),
        &ScoringConfig::default(),
    );
    assert_eq!(
        (c.profile, c.business_type_source),
        ("default", ParameterSource::Unset)
    );
}

// ---------------------------------------------------------------------------------------------
// Flags.

fn analysis(
    kind: PersonaKind,
    country: &str,
    seed: u64,
    business_type: Option<&str>,
) -> EnvoyxAnalysis {
    let options = AnalysisOptions {
        business_type: business_type.map(str::to_owned),
        ..business(country)
    };
    analyse(vec![statement(kind, country, seed, 6)], &options).1
}

fn calibration(business_type: Option<&str>) -> Calibration {
    resolve(
        &ScoreRequest {
            business_type: business_type.map(str::to_owned),
            ..ScoreRequest::default()
        },
        &Preferences::default(),
        &ScoringConfig::default(),
    )
}

fn raised(
    a: &EnvoyxAnalysis,
    business_type: Option<&str>,
    request: &ScoreRequest,
) -> Vec<FlagKind> {
    flags(
        a,
        &calibration(business_type),
        request,
        &ScoringConfig::default(),
    )
    .into_iter()
    .map(|f| f.kind)
    .collect()
}

/// A healthy SME and a healthy clinic: the ledgers that must not raise any flag.
fn clean() -> Vec<(EnvoyxAnalysis, Option<&'static str>)> {
    vec![
        (
            analysis(PersonaKind::SmeEmployer, "NG", 3, Some("retail")),
            Some("retail"),
        ),
        (
            analysis(PersonaKind::SmeEmployer, "FR", 4, Some("services")),
            Some("services"),
        ),
        (
            analysis(PersonaKind::WestAfricanClinic, "CI", 5, Some("clinic")),
            Some("clinic"),
        ),
    ]
}

#[test]
fn healthy_businesses_raise_no_flag() {
    for (a, business_type) in clean() {
        let found = raised(&a, business_type, &ScoreRequest::default());
        assert!(found.is_empty(), "{business_type:?}: {found:?}");
    }
}

/// Each flag: a change of the analysed ledger's figures that characterises the pattern, applied
/// to a clean ledger, raises that flag (and the clean ledger does not, above).
#[test]
fn every_flag_is_raised_by_its_pattern() {
    type Mutation = fn(&mut EnvoyxAnalysis);
    let cases: [(FlagKind, Mutation); 10] = [
        (FlagKind::RoundNumberDeposits, |a| {
            let r = &mut a.inputs.manipulation.round_number_deposits;
            r.round_count = 12;
            r.count_share = 0.6;
            r.value_share = 0.7;
        }),
        (FlagKind::CoordinatedInflows, |a| {
            let c = &mut a.inputs.manipulation.coordinated_inflows;
            c.cluster_days = 1;
            c.largest_cluster_payers = 4;
        }),
        (FlagKind::RevenueNearApplicationDate, |a| {
            a.inputs
                .manipulation
                .revenue_near_application_date
                .window_share = 0.8;
        }),
        (FlagKind::InflowsInconsistentWithSector, |a| {
            // Everything the business "earned" arrives as transfers from people it knows.
            let c = &mut a.inputs.classification_amounts;
            c.related_party_transfers +=
                c.institutional_payments + c.cash_deposits + c.mobile_money_sweeps + c.other;
            c.institutional_payments = Decimal::ZERO;
            c.cash_deposits = Decimal::ZERO;
            c.mobile_money_sweeps = Decimal::ZERO;
            c.other = Decimal::ZERO;
            a.inputs.revenue.operating_revenue = Decimal::ZERO;
        }),
        (FlagKind::PassThrough, |a| {
            a.inputs.manipulation.pass_through.ratio = 0.95
        }),
        (FlagKind::CircularFlows, |a| {
            a.inputs.manipulation.circular_flows.round_trips = 4
        }),
        (FlagKind::SingleRelatedPartyDependency, |a| {
            a.inputs
                .manipulation
                .single_related_party_dependency
                .top_share_of_inflows = 0.7;
        }),
        (FlagKind::LargeCashWithdrawalsAfterDeposits, |a| {
            let c = &mut a.inputs.manipulation.cash_withdrawal_after_deposit;
            c.occurrences = 5;
            c.ratio_to_inflows = 0.6;
        }),
        (FlagKind::ArtificiallyStableBalances, |a| {
            let s = &mut a.inputs.manipulation.artificially_stable_balances;
            s.most_repeated_balance_days = s.transaction_days;
            s.repeated_share = 1.0;
        }),
        (FlagKind::AbsenceOfOperatingExpenses, |a| {
            for g in &mut a.inputs.operating_expenses.groups {
                g.present = false;
            }
            a.inputs.operating_expenses.groups_present = 0;
        }),
    ];
    for (a, business_type) in clean() {
        for (kind, mutate) in cases {
            let mut changed = a.clone();
            mutate(&mut changed);
            let found = raised(&changed, business_type, &ScoreRequest::default());
            assert!(
                found.contains(&kind),
                "{kind:?} on {business_type:?}: {found:?}"
            );
        }
    }
}

#[test]
fn loan_stacking_is_raised_by_a_multi_lender_borrower_only() {
    let a = analysis(PersonaKind::MultiLenderBorrower, "NG", 2, None);
    assert!(raised(&a, None, &ScoreRequest::default()).contains(&FlagKind::LoanStacking));
    for (a, b) in clean() {
        assert!(!raised(&a, b, &ScoreRequest::default()).contains(&FlagKind::LoanStacking));
    }
}

#[test]
fn a_student_declared_as_a_clinic_is_a_ghost_business() {
    let a = analysis(PersonaKind::Student, "NG", 4, Some("clinic"));
    let found = raised(&a, Some("clinic"), &ScoreRequest::default());
    assert!(
        found.contains(&FlagKind::AbsenceOfOperatingExpenses),
        "{found:?}"
    );
}

#[test]
fn an_account_opened_last_month_with_heavy_activity_is_too_new() {
    let (a, b) = clean().remove(0);
    let young = ScoreRequest {
        account_opened: a.inputs.as_of.checked_sub_days(Days::new(30)),
        ..ScoreRequest::default()
    };
    assert!(raised(&a, b, &young).contains(&FlagKind::AccountTooNew));
    let old = ScoreRequest {
        account_opened: a.inputs.as_of.checked_sub_days(Days::new(400)),
        ..ScoreRequest::default()
    };
    assert!(!raised(&a, b, &old).contains(&FlagKind::AccountTooNew));
}

#[test]
fn a_deposit_just_before_the_statement_date_is_an_end_of_period_spike() {
    let mut s = statement(PersonaKind::SmeEmployer, "NG", 3, 6);
    let credits: Decimal = s
        .transactions
        .iter()
        .map(|t| t.amount.as_decimal())
        .filter(|a| *a > Decimal::ZERO)
        .sum();
    let last = s.transactions.last().unwrap().date;
    let mut t = Transaction::new(
        last,
        "CASH DEPOSIT BY SELF BRANCH 004",
        Amount::from_decimal(credits).unwrap(),
    );
    t.balance = Some(Amount::from_decimal(Decimal::ZERO).unwrap());
    s.transactions.push(t);
    rechain(&mut s);
    let options = AnalysisOptions {
        business_type: Some("retail".to_owned()),
        ..business("NG")
    };
    let a = analyse(vec![s], &options).1;
    let found = raised(&a, Some("retail"), &ScoreRequest::default());
    assert!(found.contains(&FlagKind::EndOfPeriodSpike), "{found:?}");
}

#[test]
fn every_flag_has_a_severity_a_code_and_a_tenant_can_override_it() {
    for kind in FlagKind::ALL {
        assert!(kind.code().starts_with("EX_FLAG_"));
    }
    assert_eq!(FlagKind::CircularFlows.code(), "EX_FLAG_CIRCULAR_FLOWS");
    let config = ScoringConfig::from_toml(
        "[envoyx.severities]\ncircular_flows = \"medium\"\n[fraud]\ncircular_min_trips = 10\n",
    )
    .unwrap();
    let (a, b) = clean().remove(0);
    let mut changed = a.clone();
    changed.inputs.manipulation.circular_flows.round_trips = 4;
    let cal = calibration(b);
    assert!(flags(&changed, &cal, &ScoreRequest::default(), &config).is_empty());
    changed.inputs.manipulation.circular_flows.round_trips = 10;
    let f = flags(&changed, &cal, &ScoreRequest::default(), &config);
    assert_eq!((f[0].severity, f[0].penalty), (FlagSeverity::Medium, 25));
    assert_eq!(
        ScoringConfig::from_toml("").unwrap(),
        ScoringConfig::default()
    );
    ScoringConfig::default().validate().unwrap();
    assert!(ScoringConfig::from_toml("[envoyx.severities]\nnope = \"low\"\n").is_err());
    assert!(ScoringConfig::from_toml("[envoyx.weights]\nrevenue = 0.5\n").is_err());
    assert!(ScoringConfig::from_toml("[envoyx]\nrevenue_classes = [\"gifts\"]\n").is_err());
}

// ---------------------------------------------------------------------------------------------
// End to end.

#[test]
fn a_healthy_sme_scores_well_and_is_analyzed() {
    let (a, b) = clean().remove(0);
    let request = ScoreRequest {
        business_type: b.map(str::to_owned),
        ..ScoreRequest::default()
    };
    let s = score(
        &a,
        &request,
        &Preferences::default(),
        &Evidence::default(),
        &ScoringConfig::default(),
    );
    assert!(s.credit_score >= 500, "{} {:#?}", s.credit_score, s.reasons);
    assert_eq!(s.status, Status::Analyzed);
    assert!(s.is_legitimate);
    assert_eq!(s.flag_count, 0);
    assert!(s.reasons[0].code.starts_with("EX_TIER_"));
    let json = serde_json::to_value(&s).unwrap();
    for key in [
        "revenue_score",
        "revenue_flags",
        "cashflow_score",
        "cashflow_flags",
        "expense_score",
        "expense_flags",
        "balance_score",
        "balance_flags",
        "credit_score",
        "credit_tier",
        "overall_risk_level",
        "is_legitimate",
        "legitimacy_confidence",
        "legitimacy_reason",
        "all_flags",
        "flag_count",
        "status",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
}

#[test]
fn a_critical_flag_flags_the_statement_and_raises_the_risk() {
    let (mut a, b) = clean().remove(0);
    a.inputs.manipulation.circular_flows.round_trips = 5;
    let s = score(
        &a,
        &ScoreRequest::default(),
        &Preferences::default(),
        &Evidence::default(),
        &ScoringConfig::default(),
    );
    assert_eq!(s.status, Status::Flagged, "{b:?}");
    assert!(matches!(
        s.overall_risk_level,
        RiskLevel::High | RiskLevel::Critical
    ));
    assert!(s.cashflow_flags.contains(&"circular_flows"));
    assert!(s.reasons.iter().any(|r| r.code == "EX_FLAG_CIRCULAR_FLOWS"));
    assert_eq!(s.flag_penalty, 100);
}

#[test]
fn scoring_is_replayable() {
    let (a, b) = clean().remove(0);
    let request = ScoreRequest {
        business_type: b.map(str::to_owned),
        ..ScoreRequest::default()
    };
    let run = || {
        serde_json::to_string(&score(
            &a,
            &request,
            &Preferences::default(),
            &Evidence::default(),
            &ScoringConfig::default(),
        ))
        .unwrap()
    };
    assert_eq!(run(), run());
    let s = score(
        &a,
        &request,
        &Preferences::default(),
        &Evidence::default(),
        &ScoringConfig::default(),
    );
    assert_eq!(s.replay.as_of, Some(a.inputs.as_of));
    let mut other = a.clone();
    other.inputs.revenue.coefficient_of_variation += 0.01;
    let t = score(
        &other,
        &request,
        &Preferences::default(),
        &Evidence::default(),
        &ScoringConfig::default(),
    );
    assert_ne!(s.replay.inputs_sha256, t.replay.inputs_sha256);
}
