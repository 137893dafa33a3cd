#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly by design"
)]

use super::*;

pub(super) fn sample(kind: PersonaKind, country: &str, seed: u64) -> LabeledStatement {
    persona(&PersonaOptions {
        kind,
        country: country.to_owned(),
        seed,
        ..PersonaOptions::default()
    })
}

#[test]
fn every_category_used_is_in_the_taxonomy() {
    for kind in PersonaKind::ALL {
        for country in COUNTRIES {
            let labeled = sample(kind, country, 7);
            for (t, truth) in labeled.statement.transactions.iter().zip(&labeled.truth) {
                assert_ne!(
                    truth.category,
                    ledgerlens_core::Category::uncategorized(),
                    "{kind} {country}: {}",
                    t.description
                );
            }
        }
    }
}

#[test]
fn names_parse_back() {
    for kind in PersonaKind::ALL {
        assert_eq!(kind.name().parse::<PersonaKind>().unwrap(), kind);
    }
    assert!("nope".parse::<PersonaKind>().is_err());
    assert_eq!(
        "holdout".parse::<Vocabulary>().unwrap(),
        Vocabulary::Holdout
    );
}

#[test]
fn the_authoring_half_never_shows_a_holdout_name() {
    for code in COUNTRIES {
        let country = countries::country(code);
        let mut holdout_only = std::collections::BTreeSet::new();
        for line in country.data.lines() {
            let Some((head, names)) = line.split_once(':') else {
                continue;
            };
            let mut head = head.split_whitespace();
            let role = head.next().unwrap();
            if head.next() == Some("H") && role != "first" {
                holdout_only.extend(
                    names
                        .split('|')
                        .map(|n| (role == "surname", book::normalise(n.trim()))),
                );
            }
        }
        assert!(holdout_only.len() > 30, "{code}");
        for kind in PersonaKind::ALL {
            for seed in 0..4 {
                let labeled = persona(&PersonaOptions {
                    kind,
                    country: (*code).to_owned(),
                    seed,
                    vocabulary: Vocabulary::Authoring,
                    ..PersonaOptions::default()
                });
                for truth in &labeled.truth {
                    for (surname, word) in &holdout_only {
                        let seen = if *surname {
                            truth.counterparty.ends_with(&format!(" {word}"))
                        } else {
                            format!(" {} ", truth.counterparty).contains(&format!(" {word} "))
                        };
                        assert!(
                            !seen,
                            "{code} {kind}: {} contains holdout {word}",
                            truth.counterparty
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn short_and_long_periods_reconcile() {
    for kind in PersonaKind::ALL {
        for country in ["NG", "CI", "US", "DE"] {
            for months in [1, 12] {
                let labeled = persona(&PersonaOptions {
                    kind,
                    country: country.to_owned(),
                    months,
                    seed: u64::from(months),
                    ..PersonaOptions::default()
                });
                assert_eq!(
                    ledgerlens_core::reconcile(&labeled.statement).status,
                    ledgerlens_core::ReconciliationStatus::Reconciled,
                    "{kind} {country} {months}"
                );
                assert!(!labeled.truth.is_empty());
            }
        }
    }
}
