//! `ledgerlens categorize` and the enrichment fields of `parse`, through the real binary.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{ledgerlens, sample, temp_dir};

fn categorize(args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledgerlens"))
        .arg("categorize")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn categorize_appends_five_columns_and_keeps_the_others() {
    let input = "id,description,amount\n\
                 1,NIP TRANSFER FROM ACME LTD SALARY NOV,450000.00\n\
                 2,\"POS PURCHASE SHOPRITE LEKKI 5399****1234\",-12500.00\n\
                 3,SMS ALERT CHARGES,-50.00\n";
    let (ok, stdout, stderr) = categorize(&["--country", "NG"], input);
    assert!(ok, "{stderr}");
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "id",
            "description",
            "amount",
            "category_primary",
            "category_detailed",
            "counterparty",
            "channel",
            "confidence"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][0], "1");
    assert_eq!(&rows[0][3], "INCOME");
    assert_eq!(&rows[1][4], "FOOD_AND_DRINK_GROCERIES");
    assert_eq!(&rows[1][6], "card");
    assert_eq!(&rows[2][3], "BANK_FEES");
    for row in &rows {
        let confidence: f64 = row[7].parse().unwrap();
        assert!((0.0..=1.0).contains(&confidence));
    }
}

#[test]
fn categorize_works_without_amounts_and_with_tenant_rules() {
    let dir = temp_dir("categorize-rules");
    let rules = dir.join("mine.toml");
    std::fs::write(
        &rules,
        "[pack]\nid = \"acme-bank\"\nversion = \"3\"\n\n[[rule]]\nid = \"acme.suppliers\"\n\
         category = \"BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY\"\nany = [\"mega mart\"]\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = categorize(
        &["--rules", rules.to_str().unwrap()],
        "description\nMEGA MART WHOLESALE 0098\n",
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("BUSINESS_EXPENSES_SUPPLIERS_AND_INVENTORY"),
        "{stdout}"
    );
}

#[test]
fn categorize_explains_a_missing_column_and_a_bad_rule_file() {
    let (ok, _, stderr) = categorize(&[], "text,amount\nhello,1\n");
    assert!(!ok);
    assert!(stderr.contains("missing_column"), "{stderr}");

    let dir = temp_dir("categorize-bad-rules");
    let rules = dir.join("bad.toml");
    std::fs::write(
        &rules,
        "[pack]\nid = \"x\"\nversion = \"1\"\n[[rule]]\nid = \"x.y\"\ncategory = \"NOT_A_CODE\"\nany = [\"z\"]\n",
    )
    .unwrap();
    let (ok, _, stderr) = categorize(&["--rules", rules.to_str().unwrap()], "description\nz\n");
    assert!(!ok);
    assert!(
        stderr.contains("bad_rules") && stderr.contains("NOT_A_CODE"),
        "{stderr}"
    );
}

#[test]
fn parse_adds_enrichment_to_every_transaction() {
    let dir = temp_dir("parse-enrich");
    let path = sample(&dir, "csv", 80, "s.csv");
    let out = ledgerlens(["parse", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let statement = &json["documents"][0]["statements"][0];
    let transactions = statement["transactions"].as_array().unwrap();
    assert_eq!(transactions.len(), 80);
    for transaction in transactions {
        let enrichment = &transaction["enrichment"];
        for field in [
            "category_primary",
            "category_detailed",
            "channel",
            "confidence",
            "decided_by",
        ] {
            assert!(
                !enrichment[field].is_null(),
                "{field} missing in {enrichment}"
            );
        }
    }
    assert!(statement["enrichment"]["packs"].as_array().unwrap().len() >= 2);
    assert!(statement["enrichment"]["income"].is_object());

    let csv_out = ledgerlens(["parse", path.to_str().unwrap(), "--output", "csv"]);
    let text = String::from_utf8(csv_out.stdout).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("category_primary,category_detailed,counterparty,channel,confidence")
    );
}

#[test]
fn synth_writes_labelled_personas_that_parse_back() {
    let dir = temp_dir("synth-persona");
    let out = ledgerlens([
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--persona",
        "gambler",
        "--country",
        "KE",
        "--months",
        "2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let statement = dir.join("gambler-ke-1.xml");
    let truth = std::fs::read_to_string(dir.join("gambler-ke-1.truth.csv")).unwrap();
    let rows = truth.lines().count() - 1;
    let parsed = ledgerlens(["parse", statement.to_str().unwrap()]);
    assert!(parsed.status.success());
    let json: serde_json::Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let transactions = json["documents"][0]["statements"][0]["transactions"]
        .as_array()
        .unwrap();
    assert_eq!(transactions.len(), rows);
    assert!(truth.contains("GAMBLING_BETTING"));

    let bad = ledgerlens([
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--persona",
        "astronaut",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown persona"));
}
