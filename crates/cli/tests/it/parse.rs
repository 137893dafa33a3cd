//! `parse` output: the documented JSON and CSV shapes, masking, multi-file merging.

use serde_json::Value;

use crate::{ledgerlens, sample, temp_dir};

fn parse_json(args: &[&str]) -> Value {
    let out = ledgerlens(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn json_output_has_the_documented_shape_with_string_amounts() {
    let dir = temp_dir("json");
    let path = sample(&dir, "mt940", 30, "s.sta");
    let json = parse_json(&["parse", path.to_str().unwrap()]);
    let doc = &json["documents"][0];
    assert_eq!(doc["file"], "s.sta");
    assert_eq!(doc["format"], "mt940");
    assert_eq!(doc["sha256"].as_str().unwrap().len(), 64);
    let st = &doc["statements"][0];
    for key in [
        "account",
        "period",
        "opening_balance",
        "closing_balance",
        "currency",
        "reconciliation",
        "transactions",
    ] {
        assert!(st.get(key).is_some(), "statement key {key}");
    }
    assert_eq!(st["currency"], "NGN");
    assert_eq!(st["reconciliation"]["status"], "reconciled");
    assert_eq!(st["reconciliation"]["data_sanity"], 100.0);
    assert_eq!(st["transactions"].as_array().unwrap().len(), 30);
    let t = &st["transactions"][0];
    for key in [
        "date",
        "value_date",
        "description",
        "amount",
        "balance",
        "currency",
        "reference",
    ] {
        assert!(t.get(key).is_some(), "transaction key {key}");
    }
    let amount = t["amount"].as_str().expect("amount is a string");
    assert!(
        amount
            .split_once('.')
            .is_some_and(|(_, frac)| frac.len() == 2),
        "{amount}"
    );
    assert!(
        st["account"]["number"]
            .as_str()
            .unwrap()
            .starts_with("****")
    );
}

#[test]
fn account_numbers_are_revealed_only_on_request() {
    let dir = temp_dir("reveal");
    let path = sample(&dir, "ofx2", 5, "s.ofx");
    let masked = parse_json(&["parse", path.to_str().unwrap()]);
    let shown = parse_json(&["parse", "--reveal-account", path.to_str().unwrap()]);
    let m = masked["documents"][0]["statements"][0]["account"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let s = shown["documents"][0]["statements"][0]["account"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(m.starts_with("****"));
    assert!(!s.contains('*'));
    assert!(s.ends_with(m.trim_start_matches('*')));
}

#[test]
fn csv_output_has_the_documented_columns() {
    let dir = temp_dir("csv");
    let path = sample(&dir, "camt053", 12, "s.xml");
    let out = ledgerlens(["parse", "--output", "csv", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "date,value_date,description,amount,balance,currency,account,\
             category_primary,category_detailed,counterparty,channel,confidence"
        )
    );
    assert_eq!(lines.count(), 12);
}

#[test]
fn overlapping_files_of_one_account_merge_without_duplicates() {
    let dir = temp_dir("merge");
    // Same seed: the 150-row file begins with the 100 rows of the first.
    let short = sample(&dir, "mt940", 100, "short.sta");
    let long = sample(&dir, "mt940", 150, "long.sta");
    let json = parse_json(&["parse", short.to_str().unwrap(), long.to_str().unwrap()]);
    let accounts = json["accounts"].as_array().expect("merged accounts");
    assert_eq!(accounts.len(), 1, "{:#}", json["accounts"]);
    assert_eq!(accounts[0]["transaction_count"], 150);
    assert_eq!(accounts[0]["merge"]["duplicates_removed"], 100);
    assert_eq!(accounts[0]["reconciliation"]["status"], "reconciled");
}

#[test]
fn every_sample_format_parses_back_through_the_binary_and_the_service_analyses_them() {
    let dir = temp_dir("demo");
    let out = ledgerlens([
        "demo",
        "--dir",
        dir.to_str().unwrap(),
        "--transactions",
        "40",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 16 structured formats and 5 PDF layouts (the test command installs the PDF engine) read
    // back, then 4 of them through the in-process service on SQLite and local files.
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("sample-"))
        .collect();
    let analysed = lines.iter().filter(|l| l.contains(" ANALYZED ")).count();
    assert_eq!(analysed, 4, "{stdout}");
    assert_eq!(lines.len() - analysed, 21, "{stdout}");
    assert!(!stdout.contains("BREAKS"), "{stdout}");
    assert!(dir.join("data").join("ledgerlens.sqlite3").is_file());
    let report = std::fs::read(dir.join("report-sample-ng.pdf")).unwrap();
    assert!(report.starts_with(b"%PDF-"));
}
