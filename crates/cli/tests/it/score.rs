//! `score` and `affordability` end to end: a variables file, a generated statement, a bad
//! scorecard.

use serde_json::Value;

use crate::{ledgerlens, sample, temp_dir};

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

const SPEC_KEYS: [&str; 7] = [
    "baseScore",
    "calculatedScore",
    "didPass",
    "failReasons",
    "passReasons",
    "rulesScore",
    "type",
];

#[test]
fn score_variables_reproduces_spec_004s_first_example() {
    let dir = temp_dir("score-vars");
    let vars = dir.join("vars.json");
    std::fs::write(
        &vars,
        r#"{"AccountActivity":0.35,"AccountSweep":"No","AveragePredictedSalary":150000,
            "GamblingRate":0,"MostFrequentBalanceRange":"100k-500k",
            "NetAverageMonthlyEarning":150000,"TotalLoanAmount":0}"#,
    )
    .unwrap();
    let full = json_of(&ledgerlens([
        "score",
        "--variables",
        vars.to_str().unwrap(),
    ]));
    assert_eq!(full["rulesScore"], 405);
    assert_eq!(full["baseScore"], 300);
    assert_eq!(full["calculatedScore"], 705);
    assert_eq!(full["didPass"], Value::Null);
    assert_eq!(full["type"], "POINTS");
    assert_eq!(full["passReasons"].as_array().unwrap().len(), 7);
    assert_eq!(full["failReasons"].as_array().unwrap().len(), 27);
    assert_eq!(
        full["passReasons"][0],
        "Rule AccountActivityBetween30-49% was met because $Statement.AccountActivity was BETWEEN 0.29-0.50 and 15 were added to the score"
    );
    assert_eq!(full["replay"]["scorecard"]["id"], "periculum-default");
    assert_eq!(full["replay"]["inputsSha256"].as_str().unwrap().len(), 64);

    let spec = json_of(&ledgerlens([
        "score",
        "--variables",
        vars.to_str().unwrap(),
        "--spec-only",
    ]));
    let mut keys: Vec<&str> = spec
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, SPEC_KEYS);

    // Same input, same bytes.
    let again = ledgerlens(["score", "--variables", vars.to_str().unwrap()]);
    let first = ledgerlens(["score", "--variables", vars.to_str().unwrap()]);
    assert_eq!(again.stdout, first.stdout);
}

#[test]
fn score_and_affordability_of_a_generated_statement() {
    let dir = temp_dir("score-file");
    let statement = sample(&dir, "csv", 300, "statement.csv");
    let path = statement.to_str().unwrap();
    let score = json_of(&ledgerlens(["score", path, "--country", "NG"]));
    for key in SPEC_KEYS {
        assert!(score.get(key).is_some(), "{key} in {score}");
    }
    let reasons = score["passReasons"].as_array().unwrap().len()
        + score["failReasons"].as_array().unwrap().len();
    assert_eq!(reasons, 34);
    assert_eq!(
        score["calculatedScore"].as_i64().unwrap(),
        300 + score["rulesScore"].as_i64().unwrap()
    );
    assert!(score["replay"]["asOf"].is_string());

    let afford = json_of(&ledgerlens([
        "affordability",
        path,
        "--dti",
        "0.3",
        "--tenure",
        "6",
        "--monthly-expenses",
        "0",
        "--monthly-repayment",
        "0",
    ]));
    assert_eq!(afford["dti"], 0.3);
    assert_eq!(afford["loanTenure"], 6);
    assert_eq!(afford["average_monthly_total_expenses"], 0.0);
    let monthly = afford["monthly_disposable_income/monthly_affordability_amount"]
        .as_f64()
        .unwrap();
    assert!(monthly >= 0.0);
    assert!(afford["affordability_amount"].as_f64().unwrap() >= monthly);
}

#[test]
fn a_bad_scorecard_is_refused_naming_the_rule() {
    let dir = temp_dir("score-bad");
    let card = dir.join("my.toml");
    std::fs::write(
        &card,
        "id = \"x\"\nversion = \"1\"\nbase_score = 0\n[[rule]]\nname = \"Odd\"\nvariable = \"X\"\noperator = \"ABOUT\"\nvalue = 1\npoints = 1\n",
    )
    .unwrap();
    let vars = dir.join("vars.json");
    std::fs::write(&vars, r#"{"X": 1}"#).unwrap();
    let out = ledgerlens([
        "score",
        "--variables",
        vars.to_str().unwrap(),
        "--scorecard",
        card.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[bad_scorecard]"), "{stderr}");
    assert!(
        stderr.contains("rule Odd: unknown operator \"ABOUT\""),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());

    let out = ledgerlens([
        "affordability",
        "missing.csv",
        "--dti",
        "1.5",
        "--tenure",
        "6",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error[bad_argument]: --dti"), "{stderr}");
}
