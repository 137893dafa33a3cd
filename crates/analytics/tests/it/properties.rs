//! Properties of the native and Periculum figures: scaling every amount by k scales money and
//! leaves ratios; the order of the input statements does not matter; a statement cut into two
//! files analyses like the whole.

use std::str::FromStr;

use chrono::Days;
use ledgerlens_analytics::{AnalysisOptions, native, profiles::periculum};
use ledgerlens_core::{AccountNumber, Amount, Period, Statement, reconcile};
use ledgerlens_synth::persona::PersonaKind;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{analyse, assert_close, labeled, ledger, oracle};

fn scaled(statement: &Statement, k: i64) -> Statement {
    let k = Decimal::from(k);
    let times = |a: Amount| Amount::from_decimal(a.as_decimal() * k).unwrap();
    let mut s = statement.clone();
    s.opening_balance = s.opening_balance.map(times);
    s.closing_balance = s.closing_balance.map(times);
    s.available_balance = s.available_balance.map(times);
    for t in &mut s.transactions {
        t.amount = times(t.amount);
        t.balance = t.balance.map(times);
    }
    s
}

/// Fields whose value names something (never money even when it reads like a number).
const NAMES: &[&str] = &[
    "key",
    "counterparty",
    "lender",
    "identifier",
    "primary_stream",
];

/// Native: every decimal string scales by k (to the 8 decimals money is printed with), every
/// float is unchanged to 1e-9, everything else is equal.
fn assert_native_scaled(a: &Value, b: &Value, k: i64, path: &str) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, v) in x {
                let p = format!("{path}.{key}");
                if NAMES.contains(&key.as_str()) {
                    assert_eq!(v, &y[key], "{p}");
                } else {
                    assert_native_scaled(v, &y[key], k, &p);
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                assert_native_scaled(v, w, k, &format!("{path}[{i}]"));
            }
        }
        (Value::String(x), Value::String(y)) => {
            match (Decimal::from_str(x), Decimal::from_str(y)) {
                (Ok(x), Ok(y)) => {
                    let k = Decimal::from(k);
                    assert!(
                        (x * k - y).abs() <= Decimal::new(1, 7) * k,
                        "{path}: {x} × {k} != {y}"
                    );
                }
                _ => assert_eq!(x, y, "{path}"),
            }
        }
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                "{path}: ratio {x} != {y}"
            );
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// Periculum: money is a number rounded to cents, so a number either is unchanged (a ratio or
/// a count) or scales by k to the cent. The naira-band figures are left out: a band is a fixed
/// amount, so scaling moves transactions between bands by design.
fn assert_periculum_scaled(a: &Value, b: &Value, k: i64, path: &str) {
    let banded = ["Naira", "Breakdown", "Range", "SmallestBucket"];
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, v) in x {
                if !banded.iter().any(|w| key.contains(w)) {
                    assert_periculum_scaled(v, &y[key], k, &format!("{path}.{key}"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                assert_periculum_scaled(v, w, k, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            let same = (x - y).abs() <= 1e-9 * x.abs().max(1.0);
            let scaled = (x * k as f64 - y).abs() <= 0.01 * (k as f64 + 1.0);
            assert!(same || scaled, "{path}: {x} vs {y}");
        }
        (Value::String(x), Value::String(y)) if path.ends_with("accountBalance") => {
            let (x, y) = (Decimal::from_str(x).unwrap(), Decimal::from_str(y).unwrap());
            assert!((x * Decimal::from(k) - y).abs() <= Decimal::new(1, 2) * Decimal::from(k + 1));
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn multiplying_every_amount_by_k_scales_money_and_keeps_ratios(
        kind in 0usize..PersonaKind::ALL.len(),
        country in prop::sample::select(vec!["NG", "GB", "KE", "FR", "IN"]),
        seed in 0u64..10_000,
        k in 2i64..6,
    ) {
        let persona = labeled(PersonaKind::ALL[kind], country, seed, 4);
        let enriched = oracle(&persona);
        let base = vec![(persona.statement.clone(), enriched.clone())];
        let times = vec![(scaled(&persona.statement, k), enriched)];
        let (base, times) = (ledger(&base), ledger(&times));
        let options = AnalysisOptions::default();
        let json = |l| serde_json::to_value(native::build(l, &options)).unwrap();
        assert_native_scaled(&json(&base), &json(&times), k, "native");
        let json = |l| serde_json::to_value(periculum::build(l, &options)).unwrap();
        assert_periculum_scaled(&json(&base), &json(&times), k, "periculum");
    }
}

/// Cuts a statement in two files at `cut`: back-to-back periods, the first's closing balance
/// the second's opening balance.
fn split(statement: &Statement, cut: chrono::NaiveDate) -> (Statement, Statement) {
    let period = statement.period.unwrap();
    let (mut first, mut second) = (statement.clone(), statement.clone());
    first.transactions.retain(|t| t.date < cut);
    second.transactions.retain(|t| t.date >= cut);
    let middle = first
        .transactions
        .last()
        .and_then(|t| t.balance)
        .or(statement.opening_balance);
    first.closing_balance = middle;
    second.opening_balance = middle;
    first.available_balance = None;
    first.period = Some(Period {
        start: period.start,
        end: cut.checked_sub_days(Days::new(1)).unwrap(),
    });
    second.period = Some(Period {
        start: cut,
        end: period.end,
    });
    first.reconciliation = reconcile(&first);
    second.reconciliation = reconcile(&second);
    (first, second)
}

fn whole(statement: &Statement) -> Statement {
    let mut s = statement.clone();
    s.reconciliation = reconcile(&s);
    s
}

#[test]
fn splitting_a_statement_into_two_files_gives_the_same_analysis() {
    for (kind, seed, cut_days) in [
        (PersonaKind::SalariedConsumer, 21, 45),
        (PersonaKind::Gambler, 22, 100),
        (PersonaKind::MultiLenderBorrower, 23, 61),
        (PersonaKind::SmeEmployer, 24, 30),
    ] {
        let persona = labeled(kind, "NG", seed, 6);
        let statement = whole(&persona.statement);
        let cut = statement.period.unwrap().start + Days::new(cut_days);
        let (first, second) = split(&statement, cut);
        let (n1, p1) = analyse(vec![statement.clone()]);
        let (n2, p2) = analyse(vec![first.clone(), second.clone()]);
        assert_close(&n1, &n2, &format!("{kind} native"));
        assert_close(&p1, &p2, &format!("{kind} periculum"));
        // And in the other order.
        let (n3, p3) = analyse(vec![second, first]);
        assert_close(&n1, &n3, &format!("{kind} native, later file first"));
        assert_close(&p1, &p3, &format!("{kind} periculum, later file first"));
    }
}

#[test]
fn the_order_of_the_input_statements_changes_nothing() {
    for (seed, other) in [(31, PersonaKind::Gambler), (32, PersonaKind::Student)] {
        let a = whole(&labeled(PersonaKind::SalariedConsumer, "NG", seed, 6).statement);
        let mut b = labeled(other, "NG", seed + 100, 6).statement;
        b.account.number = AccountNumber::parse("9990001112").ok();
        let b = whole(&b);
        let cut = a.period.unwrap().start + Days::new(70);
        let (a1, a2) = split(&a, cut);
        let inputs = [a1, a2, b];
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let mut first: Option<(Value, Value)> = None;
        for order in orders {
            let statements = order.iter().map(|&i| inputs[i].clone()).collect();
            let (n, p) = analyse(statements);
            assert_eq!(n["accounts"].as_array().unwrap().len(), 2);
            match &first {
                None => first = Some((n, p)),
                Some((n0, p0)) => {
                    assert_close(n0, &n, &format!("native {order:?}"));
                    assert_close(p0, &p, &format!("periculum {order:?}"));
                }
            }
        }
    }
}
