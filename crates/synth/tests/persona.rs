//! Personas: every kind in every country reconciles, is reproducible, and carries the labels
//! that make it that kind.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly by design"
)]

use std::collections::{BTreeMap, BTreeSet};

use ledgerlens_core::{Amount, Primary, ReconciliationStatus, reconcile};
use ledgerlens_synth::persona::{
    COUNTRIES, LabeledStatement, LoanRole, PersonaKind, PersonaOptions, Vocabulary, persona,
    write_truth_csv,
};

const CHANNELS: &[&str] = &[
    "card",
    "atm",
    "transfer",
    "direct_debit",
    "standing_order",
    "ussd",
    "mobile_money",
    "cheque",
    "cash",
    "fee",
    "interest",
    "online",
    "other",
];

fn make(kind: PersonaKind, country: &str, seed: u64) -> LabeledStatement {
    persona(&PersonaOptions {
        kind,
        country: country.to_owned(),
        seed,
        ..PersonaOptions::default()
    })
}

fn count(l: &LabeledStatement, code: &str) -> usize {
    l.truth.iter().filter(|t| t.category.code() == code).count()
}

fn currency_of(country: &str) -> &'static str {
    match country {
        "NG" => "NGN",
        "GH" => "GHS",
        "KE" => "KES",
        "CI" | "SN" => "XOF",
        "FR" | "DE" => "EUR",
        "GB" => "GBP",
        "US" => "USD",
        "IN" => "INR",
        "ZA" => "ZAR",
        other => panic!("{other}"),
    }
}

#[test]
fn every_persona_in_every_country_reconciles_exactly() {
    for kind in PersonaKind::ALL {
        for country in COUNTRIES {
            for seed in [1, 2] {
                let l = make(kind, country, seed);
                let s = &l.statement;
                let what = format!("{kind} {country} seed {seed}");
                assert_eq!(l.country, *country);
                assert_eq!(s.currency.to_string(), currency_of(country), "{what}");
                assert_eq!(l.truth.len(), s.transactions.len(), "{what}");
                assert!(
                    s.transactions.len() > 60,
                    "{what}: {}",
                    s.transactions.len()
                );
                assert_eq!(
                    reconcile(s).status,
                    ReconciliationStatus::Reconciled,
                    "{what}"
                );
                assert_eq!(s.reconciliation.status, ReconciliationStatus::Reconciled);
                let mut balance = s.opening_balance.unwrap();
                let period = s.period.unwrap();
                let exponent = s.currency.minor_units();
                for pair in s.transactions.windows(2) {
                    assert!(pair[0].date <= pair[1].date, "{what}: dates out of order");
                }
                for t in &s.transactions {
                    assert!(!t.amount.is_zero(), "{what}: zero amount");
                    assert!(
                        t.amount.to_minor(exponent).is_some(),
                        "{what}: {}",
                        t.amount
                    );
                    assert!(period.start <= t.date && t.date <= period.end, "{what}");
                    balance = balance.checked_add(t.amount).unwrap();
                    assert_eq!(t.balance, Some(balance), "{what}: {}", t.description);
                    if !kind.overdraft() {
                        assert!(
                            !balance.is_negative(),
                            "{what}: overdrawn at {}",
                            t.description
                        );
                    }
                }
                assert_eq!(s.closing_balance, Some(balance));
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_statement() {
    for kind in PersonaKind::ALL {
        for country in ["NG", "FR", "IN"] {
            let a = make(kind, country, 99);
            assert_eq!(a, make(kind, country, 99));
            assert_ne!(a.statement, make(kind, country, 100).statement);
        }
    }
}

#[test]
fn labels_are_well_formed() {
    for kind in PersonaKind::ALL {
        for country in COUNTRIES {
            let l = make(kind, country, 5);
            for (t, truth) in l.statement.transactions.iter().zip(&l.truth) {
                let what = format!("{kind} {country}: {}", t.description);
                assert!(
                    CHANNELS.contains(&truth.channel),
                    "{what}: {}",
                    truth.channel
                );
                assert!(!t.description.contains(truth.category.code()), "{what}");
                assert!(!t.description.contains("  "), "{what}");
                assert!(!truth.counterparty.is_empty(), "{what}");
                assert_eq!(
                    truth.counterparty,
                    truth.counterparty.to_uppercase(),
                    "{what}"
                );
                assert_eq!(truth.loan.is_some(), truth.lender.is_some(), "{what}");
                assert_ne!(truth.category.primary(), Primary::Other, "{what}");
                let money_in = !t.amount.is_negative();
                match truth.category.primary() {
                    Primary::Income | Primary::TransferIn => assert!(money_in, "{what}"),
                    Primary::Gambling => {}
                    _ => assert!(!money_in, "{what}"),
                }
                if truth.salary {
                    assert_eq!(truth.category.code(), "INCOME_WAGES", "{what}");
                }
                if truth.internal_transfer {
                    let code = truth.category.code();
                    assert!(
                        code.ends_with("ACCOUNT_TRANSFER") || code.ends_with("SAVINGS"),
                        "{what}"
                    );
                }
                assert_eq!(
                    truth.gambling,
                    truth.category.primary() == Primary::Gambling,
                    "{what}"
                );
            }
        }
    }
}

#[test]
fn salaried_consumers_are_paid_monthly_and_pay_bills() {
    for country in COUNTRIES {
        let l = make(PersonaKind::SalariedConsumer, country, 3);
        let salaries: Vec<_> = l
            .statement
            .transactions
            .iter()
            .zip(&l.truth)
            .filter(|(_, t)| t.salary)
            .collect();
        assert!(
            (6..=7).contains(&salaries.len()),
            "{country}: {}",
            salaries.len()
        );
        let employers: BTreeSet<_> = salaries.iter().map(|(_, t)| &t.counterparty).collect();
        assert_eq!(employers.len(), 1, "{country}");
        assert!(salaries.iter().all(|(_, t)| t.recurring));
        for code in ["FOOD_AND_DRINK_GROCERIES", "TRANSFER_OUT_PERSON_TO_PERSON"] {
            assert!(count(&l, code) > 0, "{country}: no {code}");
        }
        assert!(
            count(&l, "RENT_AND_UTILITIES_AIRTIME_AND_DATA")
                + count(&l, "RENT_AND_UTILITIES_INTERNET_AND_CABLE")
                > 0,
            "{country}"
        );
        if !matches!(*country, "NG" | "GH") {
            assert!(count(&l, "RENT_AND_UTILITIES_RENT") >= 6, "{country}: rent");
        }
        assert!(
            l.truth
                .iter()
                .any(|t| t.category.primary() == Primary::BankFees),
            "{country}"
        );
        assert!(
            count(&l, "TRANSFER_IN_REFUND_REVERSAL") > 0,
            "{country}: no refund"
        );
        assert!(
            l.truth.iter().any(|t| t.internal_transfer),
            "{country}: no internal"
        );
    }
}

#[test]
fn gig_workers_have_many_platform_payouts() {
    for country in COUNTRIES {
        let l = make(PersonaKind::GigWorker, country, 4);
        let payouts: Vec<_> = l
            .truth
            .iter()
            .filter(|t| t.category.code() == "INCOME_GIG_EARNINGS")
            .collect();
        assert!(payouts.len() >= 40, "{country}: {}", payouts.len());
        let platforms: BTreeSet<_> = payouts.iter().map(|t| &t.counterparty).collect();
        assert!(platforms.len() >= 2, "{country}");
        assert!(!l.truth.iter().any(|t| t.salary), "{country}");
    }
}

#[test]
fn gamblers_gamble_often_and_sometimes_win() {
    for country in COUNTRIES {
        let l = make(PersonaKind::Gambler, country, 6);
        let gambling = l.truth.iter().filter(|t| t.gambling).count();
        assert!(
            gambling * 10 >= l.truth.len(),
            "{country}: {gambling}/{}",
            l.truth.len()
        );
        assert!(count(&l, "GAMBLING_WINNINGS") >= 3, "{country}");
        assert!(count(&l, "GAMBLING_BETTING") >= 30, "{country}");
    }
}

#[test]
fn multi_lender_borrowers_stack_loans_from_three_or_more_lenders() {
    let mut returned = 0;
    for country in COUNTRIES {
        for seed in [7, 8] {
            let l = make(PersonaKind::MultiLenderBorrower, country, seed);
            let mut roles: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            for (t, truth) in l.statement.transactions.iter().zip(&l.truth) {
                let Some(lender) = truth.lender.as_deref() else {
                    continue;
                };
                let entry = roles.entry(lender).or_default();
                match truth.loan {
                    Some(LoanRole::Disbursement) => {
                        assert!(!t.amount.is_negative());
                        assert_eq!(truth.category.code(), "TRANSFER_IN_CASH_ADVANCES_AND_LOANS");
                        entry.0 += 1;
                    }
                    Some(LoanRole::Repayment) if t.amount.is_negative() => {
                        assert_eq!(truth.category.primary(), Primary::LoanPayments);
                        entry.1 += 1;
                    }
                    Some(LoanRole::Repayment) => {
                        assert_eq!(truth.category.code(), "TRANSFER_IN_REFUND_REVERSAL");
                        returned += 1;
                    }
                    None => panic!("lender without a loan role"),
                }
            }
            let both = roles.values().filter(|(d, r)| *d > 0 && *r > 0).count();
            assert!(both >= 3, "{country} seed {seed}: {roles:?}");
            // Stacking: a second lender disburses before the first loan is repaid.
            let disbursements: Vec<_> = l
                .statement
                .transactions
                .iter()
                .zip(&l.truth)
                .filter(|(_, t)| t.loan == Some(LoanRole::Disbursement))
                .map(|(t, truth)| (t.date, truth.lender.clone()))
                .collect();
            let first = &disbursements[0];
            assert!(
                disbursements
                    .iter()
                    .any(|(d, lender)| lender != &first.1 && (*d - first.0).num_days() < 45),
                "{country}: no stacking"
            );
        }
    }
    assert!(returned >= 5, "only {returned} returned repayments");
}

#[test]
fn sme_employers_pay_staff_social_security_tax_and_suppliers() {
    for country in COUNTRIES {
        let l = make(PersonaKind::SmeEmployer, country, 9);
        for code in [
            "BUSINESS_EXPENSES_PAYROLL",
            "GOVERNMENT_AND_NON_PROFIT_SOCIAL_SECURITY",
            "GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT",
            "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
            "INCOME_BUSINESS_REVENUE",
        ] {
            assert!(
                count(&l, code) >= 6,
                "{country}: {code} {}",
                count(&l, code)
            );
        }
        let staff: BTreeSet<_> = l
            .truth
            .iter()
            .filter(|t| t.category.code() == "BUSINESS_EXPENSES_PAYROLL")
            .map(|t| &t.counterparty)
            .collect();
        assert!(staff.len() >= 3, "{country}");
        assert!(
            !l.truth.iter().any(|t| t.salary),
            "{country}: an employer earns no wages"
        );
    }
}

#[test]
fn west_african_clinics_sweep_mobile_money_and_run_a_tontine() {
    for country in ["NG", "GH", "KE", "CI", "SN"] {
        let l = make(PersonaKind::WestAfricanClinic, country, 10);
        for code in [
            "TRANSFER_IN_MOBILE_MONEY",
            "TRANSFER_IN_DEPOSIT",
            "TRANSFER_OUT_TONTINE",
            "BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY",
            "BUSINESS_EXPENSES_PAYROLL",
        ] {
            assert!(count(&l, code) >= 5, "{country}: {code}");
        }
        assert_eq!(count(&l, "TRANSFER_IN_TONTINE"), 1, "{country}");
    }
    for country in ["FR", "GB", "US"] {
        let l = make(PersonaKind::WestAfricanClinic, country, 10);
        assert!(count(&l, "INCOME_BUSINESS_REVENUE") >= 10, "{country}");
    }
}

#[test]
fn students_and_pensioners_look_like_themselves() {
    for country in COUNTRIES {
        let s = make(PersonaKind::Student, country, 11);
        assert!(count(&s, "TRANSFER_IN_PERSON_TO_PERSON") >= 6, "{country}");
        assert!(count(&s, "GENERAL_SERVICES_EDUCATION") >= 1, "{country}");
        let p = make(PersonaKind::Pensioner, country, 11);
        assert!(count(&p, "INCOME_RETIREMENT_PENSION") >= 6, "{country}");
        assert!(
            count(&p, "MEDICAL_PHARMACIES_AND_SUPPLEMENTS") >= 6,
            "{country}"
        );
        assert!(!p.truth.iter().any(|t| t.salary), "{country}");
    }
    let gb = make(PersonaKind::Student, "GB", 11);
    assert!(
        gb.truth
            .iter()
            .any(|t| t.loan == Some(LoanRole::Disbursement))
    );
}

#[test]
fn vocabulary_halves_do_not_share_local_names() {
    for country in COUNTRIES {
        let names = |vocabulary| {
            let mut set = BTreeSet::new();
            for kind in PersonaKind::ALL {
                for seed in 0..3 {
                    let l = persona(&PersonaOptions {
                        kind,
                        country: (*country).to_owned(),
                        seed,
                        vocabulary,
                        ..PersonaOptions::default()
                    });
                    set.extend(l.truth.into_iter().map(|t| t.counterparty));
                }
            }
            set
        };
        let authoring = names(Vocabulary::Authoring);
        let holdout = names(Vocabulary::Holdout);
        let shared = authoring.intersection(&holdout).count();
        let only_holdout = holdout.difference(&authoring).count();
        assert!(
            only_holdout > 20,
            "{country}: {only_holdout} names unseen in authoring"
        );
        assert!(shared > 10, "{country}: brands should be shared ({shared})");
    }
}

#[test]
fn truth_csv_has_a_row_per_transaction() {
    let l = make(PersonaKind::MultiLenderBorrower, "KE", 12);
    let mut out = Vec::new();
    write_truth_csv(&l, &mut out).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.len(), 14);
    assert_eq!(&headers[4], "category_primary");
    let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), l.statement.transactions.len());
    for (row, (t, truth)) in rows
        .iter()
        .zip(l.statement.transactions.iter().zip(&l.truth))
    {
        assert_eq!(&row[1], t.description);
        assert_eq!(Amount::parse(&row[2]).unwrap(), t.amount);
        assert_eq!(&row[5], truth.category.code());
        assert_eq!(&row[9], truth.loan.map_or("", LoanRole::name));
    }
}

#[test]
fn months_and_start_are_respected() {
    let l = persona(&PersonaOptions {
        kind: PersonaKind::SalariedConsumer,
        country: "GB".to_owned(),
        months: 2,
        start: chrono::NaiveDate::from_ymd_opt(2023, 11, 15).unwrap(),
        ..PersonaOptions::default()
    });
    let period = l.statement.period.unwrap();
    assert_eq!(period.start.to_string(), "2023-11-15");
    assert_eq!(period.end.to_string(), "2024-01-14");
    assert_eq!(
        reconcile(&l.statement).status,
        ReconciliationStatus::Reconciled
    );
    assert_eq!(make(PersonaKind::Student, "XX", 1).country, "NG");
}
