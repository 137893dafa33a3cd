//! The Periculum JSON contains every field of the spec's example response, with the same JSON
//! type (recursively; arrays by their first element; `null` in the example accepts any type).

use ledgerlens_analytics::{AnalysisOptions, profiles::periculum};
use ledgerlens_core::AccountNumber;
use ledgerlens_synth::persona::PersonaKind;
use serde_json::Value;

use crate::support::{enricher, labeled};

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every missing field or type mismatch, by path.
fn mismatches(example: &Value, ours: &Value, path: &str, out: &mut Vec<String>) {
    match (example, ours) {
        (Value::Null, _) => {}
        (Value::Object(e), Value::Object(o)) => {
            for (key, value) in e {
                match o.get(key) {
                    Some(mine) => mismatches(value, mine, &format!("{path}.{key}"), out),
                    None => out.push(format!("{path}.{key}: missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(o)) => match (e.first(), o.first()) {
            (Some(e), Some(o)) => mismatches(e, o, &format!("{path}[0]"), out),
            (Some(_), None) => out.push(format!("{path}: empty, cannot check its elements")),
            _ => {}
        },
        _ if kind(example) == kind(ours) => {}
        _ => out.push(format!(
            "{path}: {} in the example, {} here",
            kind(example),
            kind(ours)
        )),
    }
}

fn example() -> Value {
    let text = include_str!("../shapes/periculum.json");
    serde_json::from_str(text).unwrap()
}

#[test]
fn periculum_has_every_field_of_the_spec_example_with_its_type() {
    // A salaried consumer, a borrower, a gambler and a gig worker as four accounts: every list
    // and optional field of the example has something to show.
    let options = AnalysisOptions::default();
    let a = labeled(PersonaKind::SalariedConsumer, "NG", 5, 6).statement;
    let mut b = labeled(PersonaKind::MultiLenderBorrower, "NG", 6, 6).statement;
    b.account.number = AccountNumber::parse("9990001112").ok();
    let mut c = labeled(PersonaKind::Gambler, "NG", 7, 6).statement;
    c.account.number = AccountNumber::parse("9990001113").ok();
    let mut d = labeled(PersonaKind::GigWorker, "NG", 8, 6).statement;
    d.account.number = AccountNumber::parse("9990001114").ok();
    let prepared = ledgerlens_analytics::Prepared::new(vec![a, b, c, d], enricher(), &options);
    let ledger = prepared.ledger(&options).unwrap();
    let ours = serde_json::to_value(periculum::build(&ledger, &options)).unwrap();
    let mut out = Vec::new();
    mismatches(&example(), &ours, "$", &mut out);
    assert!(
        out.is_empty(),
        "shape differs from spec 004's example:\n{}",
        out.join("\n")
    );
}

#[test]
fn the_shape_check_catches_a_missing_field_and_a_wrong_type() {
    let mut ours = example();
    ours["spendAnalysis"]
        .as_object_mut()
        .unwrap()
        .remove("totalSpendOnRent");
    ours["incomeAnalysis"]["isSalaryEarner"] = Value::Bool(true);
    let mut out = Vec::new();
    mismatches(&example(), &ours, "$", &mut out);
    assert_eq!(out.len(), 2, "{out:?}");
}
