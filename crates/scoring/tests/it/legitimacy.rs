//! Legitimacy: forensics, reconciliation and fraud flags combine into the documented verdict.

use ledgerlens_core::forensics::{Finding, Forensics, Severity};
use ledgerlens_core::reconcile::{Reconciliation, ReconciliationStatus};
use ledgerlens_scoring::config::ScoringConfig;
use ledgerlens_scoring::envoyx::{Dimension, Flag, FlagKind, FlagSeverity};
use ledgerlens_scoring::legitimacy::{Evidence, assess, data_sanity};

fn finding(code: &str, severity: Severity) -> Finding {
    Finding {
        code: code.to_owned(),
        severity,
        reason: format!("{code} seen"),
        page: Some(1),
    }
}

fn forensics(findings: Vec<Finding>) -> Forensics {
    Forensics {
        findings,
        ..Forensics::default()
    }
}

fn reconciled(checked: usize, consistent: usize) -> Reconciliation {
    Reconciliation {
        status: if checked == consistent {
            ReconciliationStatus::Reconciled
        } else {
            ReconciliationStatus::Breaks
        },
        data_sanity: Some(consistent as f64 * 100.0 / checked as f64),
        rows_checked: checked,
        rows_consistent: consistent,
        ..Reconciliation::default()
    }
}

fn fraud(kind: FlagKind, severity: FlagSeverity) -> Flag {
    Flag {
        kind,
        code: kind.code(),
        severity,
        dimension: Dimension::Cashflow,
        penalty: 0,
        reason: "test".to_owned(),
    }
}

#[test]
fn a_clean_pdf_with_a_clean_balance_chain_is_legitimate_with_full_confidence() {
    let f = forensics(vec![finding("scanned_pages", Severity::Info)]);
    let r = reconciled(100, 100);
    let v = assess(
        &Evidence {
            forensics: vec![&f],
            reconciliations: vec![&r],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(v.is_legitimate);
    assert_eq!((v.legitimacy_confidence, v.suspicion), (100, 0));
    assert_eq!(v.reasons[0].code, "LG_CLEAN");
}

#[test]
fn a_structured_source_is_legitimate_but_confidence_is_capped() {
    let r = reconciled(50, 50);
    let v = assess(
        &Evidence {
            forensics: vec![],
            reconciliations: vec![&r],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(v.is_legitimate);
    assert_eq!(v.legitimacy_confidence, 90);
}

#[test]
fn a_critical_forensic_finding_makes_the_document_illegitimate() {
    let f = forensics(vec![finding("producer_editor", Severity::Critical)]);
    let r = reconciled(100, 100);
    let v = assess(
        &Evidence {
            forensics: vec![&f],
            reconciliations: vec![&r],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(!v.is_legitimate);
    assert_eq!((v.suspicion, v.legitimacy_confidence), (60, 60));
    assert_eq!(v.reasons[0].code, "LG_FORENSIC_PRODUCER_EDITOR_CRITICAL");
    assert!(v.legitimacy_reason.starts_with("Not legitimate"));
}

#[test]
fn one_kind_of_finding_counts_once_at_its_worst() {
    let f = forensics(vec![
        finding("odd_font", Severity::Warning),
        finding("odd_font", Severity::Warning),
        finding("odd_font", Severity::Warning),
    ]);
    let v = assess(
        &Evidence {
            forensics: vec![&f],
            reconciliations: vec![],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(v.is_legitimate);
    assert_eq!((v.suspicion, v.legitimacy_confidence), (20, 80));
    assert!(
        v.legitimacy_reason
            .starts_with("Legitimate with reservations")
    );

    let g = forensics(vec![
        finding("incremental_update", Severity::Warning),
        finding("text_over_image", Severity::Warning),
        finding("odd_font", Severity::Warning),
    ]);
    let v = assess(
        &Evidence {
            forensics: vec![&g],
            reconciliations: vec![],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(!v.is_legitimate, "three different warnings: 60 points");
}

#[test]
fn a_broken_balance_chain_is_illegitimate_and_a_few_breaks_are_not() {
    let broken = reconciled(100, 60);
    let v = assess(
        &Evidence {
            forensics: vec![],
            reconciliations: vec![&broken],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(!v.is_legitimate);
    assert_eq!(v.reasons[0].code, "LG_BALANCE_CHAIN_BROKEN");

    let few = reconciled(100, 97);
    let v = assess(
        &Evidence {
            forensics: vec![],
            reconciliations: vec![&few],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(v.is_legitimate);
    assert_eq!(v.suspicion, 15);
    assert_eq!(data_sanity(&[&broken, &few]), Some(78.5));
}

#[test]
fn fraud_flags_add_suspicion_but_loan_stacking_does_not() {
    let r = reconciled(10, 10);
    let flags = [
        fraud(FlagKind::CircularFlows, FlagSeverity::Critical),
        fraud(FlagKind::AbsenceOfOperatingExpenses, FlagSeverity::Critical),
        fraud(FlagKind::PassThrough, FlagSeverity::High),
        fraud(FlagKind::LoanStacking, FlagSeverity::High),
    ];
    let v = assess(
        &Evidence {
            forensics: vec![],
            reconciliations: vec![&r],
        },
        &flags,
        &ScoringConfig::default(),
    );
    assert_eq!(v.suspicion, 35);
    assert!(v.is_legitimate);
    assert!(
        v.reasons
            .iter()
            .any(|r| r.code == "LG_EX_FLAG_CIRCULAR_FLOWS")
    );
    assert!(!v.reasons.iter().any(|r| r.code.contains("LOAN_STACKING")));

    // A warning finding on top crosses the threshold.
    let f = forensics(vec![finding("modified_after_creation", Severity::Warning)]);
    let v = assess(
        &Evidence {
            forensics: vec![&f],
            reconciliations: vec![&r],
        },
        &flags,
        &ScoringConfig::default(),
    );
    assert!(!v.is_legitimate);
    assert_eq!(v.legitimacy_confidence, 55);
}

#[test]
fn no_balances_at_all_is_unverifiable() {
    let r = Reconciliation::default();
    let v = assess(
        &Evidence {
            forensics: vec![],
            reconciliations: vec![&r],
        },
        &[],
        &ScoringConfig::default(),
    );
    assert!(v.is_legitimate);
    assert_eq!(v.reasons[0].code, "LG_UNVERIFIABLE");
    assert_eq!(v.legitimacy_confidence, 90);
}
