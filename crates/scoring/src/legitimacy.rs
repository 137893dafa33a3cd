//! The legitimacy verdict (EnvoyX's `is_legitimate`, `legitimacy_confidence`,
//! `legitimacy_reason`): does the document look like a genuine, unedited bank statement?
//!
//! Three kinds of evidence add *suspicion points* (defaults in
//! [`crate::config::LegitimacyConfig`], rule in docs/scoring.md, "Legitimacy"):
//!
//! * **document forensics** — each kind of finding (`producer_editor`, `incremental_update`,
//!   `odd_font`, `text_over_image`, …) counts once, at its most severe: critical 60, warning
//!   20, info 0. Once, because "odd fonts on five pages" is one piece of evidence, not five;
//! * **reconciliation** — the balance chain: data sanity below 70 % adds 50, below 99 % adds
//!   15; a statement whose opening + movements ≠ closing adds 25; a statement that prints no
//!   balance at all adds 10 (nothing could be checked);
//! * **fraud flags** — each critical flag that speaks to fabrication adds 15, each high one 5.
//!
//! Suspicion is capped at 100. The document is legitimate below 50 points. The confidence is
//! that of the verdict: `100 − suspicion` when legitimate (at most 90 when there were no
//! forensics to read — structured sources such as CSV or OFX, where only the numbers could be
//! checked), `suspicion` when not.

use ledgerlens_core::forensics::{Forensics, Severity};
use ledgerlens_core::reconcile::{Reconciliation, ReconciliationStatus};
use serde::Serialize;

use crate::config::ScoringConfig;
use crate::envoyx::{Flag, FlagSeverity};
use crate::reasons::{Reason, upper_snake};

/// The evidence about the documents behind an analysis.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Evidence<'a> {
    /// Forensics of each source document that has them (PDFs and images).
    pub forensics: Vec<&'a Forensics>,
    /// Reconciliation of each statement.
    pub reconciliations: Vec<&'a Reconciliation>,
}

/// The verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Legitimacy {
    /// Whether the document appears genuine.
    pub is_legitimate: bool,
    /// Confidence in that verdict, 0–100.
    pub legitimacy_confidence: u8,
    /// Why, in plain words.
    pub legitimacy_reason: String,
    /// Suspicion points (0–100).
    pub suspicion: u32,
    /// Every piece of evidence that added points, with its code (`LG_…`).
    pub reasons: Vec<Reason>,
}

/// The combined data sanity of several reconciliations: consistent rows over checked rows; from
/// the totals checks when no row could be checked; `None` when nothing could be checked.
pub fn data_sanity(reconciliations: &[&Reconciliation]) -> Option<f64> {
    let checked: usize = reconciliations.iter().map(|r| r.rows_checked).sum();
    let consistent: usize = reconciliations.iter().map(|r| r.rows_consistent).sum();
    if checked > 0 {
        return Some(consistent as f64 * 100.0 / checked as f64);
    }
    let totals: Vec<bool> = reconciliations
        .iter()
        .filter_map(|r| r.totals.as_ref().map(|t| t.holds))
        .collect();
    if totals.is_empty() {
        None
    } else {
        Some(totals.iter().filter(|h| **h).count() as f64 * 100.0 / totals.len() as f64)
    }
}

/// Assesses legitimacy.
pub fn assess(evidence: &Evidence<'_>, flags: &[Flag], config: &ScoringConfig) -> Legitimacy {
    let c = &config.legitimacy;
    let mut points: u32 = 0;
    let mut reasons: Vec<Reason> = Vec::new();

    // Forensics: each finding code once, at its most severe.
    let mut worst: Vec<(&str, Severity, &str)> = Vec::new();
    for forensics in &evidence.forensics {
        for finding in &forensics.findings {
            match worst.iter_mut().find(|(code, _, _)| *code == finding.code) {
                Some(slot) if slot.1 < finding.severity => {
                    *slot = (&finding.code, finding.severity, &finding.reason);
                }
                Some(_) => {}
                None => worst.push((&finding.code, finding.severity, &finding.reason)),
            }
        }
    }
    worst.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    for (code, severity, reason) in worst {
        let (add, name) = match severity {
            Severity::Critical => (c.forensic_critical, "CRITICAL"),
            Severity::Warning => (c.forensic_warning, "WARNING"),
            Severity::Info => (c.forensic_info, "INFO"),
        };
        if add > 0 {
            points = points.saturating_add(add);
            reasons.push(Reason::new(
                format!("LG_FORENSIC_{}_{name}", upper_snake(code)),
                reason.to_owned(),
            ));
        }
    }

    // Reconciliation.
    let sanity = data_sanity(&evidence.reconciliations);
    match sanity {
        Some(s) if s < 70.0 => {
            points = points.saturating_add(c.sanity_below_floor);
            reasons.push(Reason::new(
                "LG_BALANCE_CHAIN_BROKEN",
                format!("only {s:.1}% of the printed balances follow from the amounts"),
            ));
        }
        Some(s) if s < c.sanity_clean => {
            points = points.saturating_add(c.sanity_imperfect);
            reasons.push(Reason::new(
                "LG_BALANCE_CHAIN_BREAKS",
                format!("{:.1}% of the printed balances follow from the amounts", s),
            ));
        }
        Some(_) => {}
        None if !evidence.reconciliations.is_empty() => {
            points = points.saturating_add(c.unverifiable);
            reasons.push(Reason::new(
                "LG_UNVERIFIABLE",
                "the statement prints no balance, so its figures cannot be checked",
            ));
        }
        None => {}
    }
    let totals_broken = evidence
        .reconciliations
        .iter()
        .filter(|r| r.totals.as_ref().is_some_and(|t| !t.holds))
        .count();
    if totals_broken > 0 {
        points = points.saturating_add(c.totals_break);
        reasons.push(Reason::new(
            "LG_TOTALS_MISMATCH",
            format!(
                "{totals_broken} statement(s) whose opening balance plus movements does not give the closing balance"
            ),
        ));
    }

    // Fraud flags.
    for flag in flags.iter().filter(|f| f.kind.is_fraud_signal()) {
        let add = match flag.severity {
            FlagSeverity::Critical => c.flag_critical,
            FlagSeverity::High => c.flag_high,
            FlagSeverity::Medium | FlagSeverity::Low => 0,
        };
        if add > 0 {
            points = points.saturating_add(add);
            reasons.push(Reason::new(
                format!("LG_{}", flag.code),
                format!("{}: {}", flag.kind.name().replace('_', " "), flag.reason),
            ));
        }
    }

    let suspicion = points.min(100);
    let is_legitimate = suspicion < c.threshold;
    let reconciled = evidence
        .reconciliations
        .iter()
        .all(|r| r.status == ReconciliationStatus::Reconciled);
    let confidence = if is_legitimate {
        let ceiling = if evidence.forensics.is_empty() {
            u32::from(c.no_forensics_max_confidence)
        } else {
            100
        };
        (100 - suspicion).min(ceiling)
    } else {
        suspicion
    };
    let legitimacy_reason = if reasons.is_empty() {
        let mut text = String::from("Legitimate: ");
        if evidence.forensics.is_empty() {
            text.push_str("no document forensics to read (structured source)");
        } else {
            text.push_str("no sign of editing in the document");
        }
        if !evidence.reconciliations.is_empty() && reconciled {
            text.push_str("; every printed balance follows from the amounts");
        }
        text
    } else {
        let listed: Vec<&str> = reasons.iter().take(3).map(|r| r.text.as_str()).collect();
        format!(
            "{} ({} suspicion point(s)): {}",
            if is_legitimate {
                "Legitimate with reservations"
            } else {
                "Not legitimate"
            },
            suspicion,
            listed.join("; ")
        )
    };
    if reasons.is_empty() {
        reasons.push(Reason::new("LG_CLEAN", legitimacy_reason.clone()));
    }
    Legitimacy {
        is_legitimate,
        legitimacy_confidence: u8::try_from(confidence.min(100)).unwrap_or(100),
        legitimacy_reason,
        suspicion,
        reasons,
    }
}
