//! `ledgerlens analyze` through the real binary: every profile answers JSON in its shape.

use crate::{ledgerlens, sample, temp_dir};

#[test]
fn analyze_answers_in_every_profile() {
    let dir = temp_dir("analyze-profiles");
    let path = sample(&dir, "csv", 200, "s.csv");
    let expect: &[(&str, &[&str])] = &[
        ("native", &["period", "cash_flow", "income", "loans"]),
        (
            "periculum",
            &["spendAnalysis", "cashFlowAnalysis", "incomeAnalysis"],
        ),
        ("finx", &["accounts", "income", "expenses"]),
        ("xray", &["movementReport", "summary", "allTransactions"]),
        (
            "envoyx",
            &["revenue_classification", "account_holder_name_type"],
        ),
    ];
    for (profile, keys) in expect {
        let out = ledgerlens([
            "analyze",
            path.to_str().unwrap(),
            "--profile",
            profile,
            "--account-holder",
            "Ada Obi",
        ]);
        assert!(
            out.status.success(),
            "{profile}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let text = json.to_string();
        for key in *keys {
            assert!(
                text.contains(&format!("\"{key}\"")),
                "{profile} lacks {key}"
            );
        }
    }
}

#[test]
fn analyze_of_an_empty_file_says_why() {
    let dir = temp_dir("analyze-empty");
    let path = dir.join("empty.csv");
    std::fs::write(&path, "").unwrap();
    let out = ledgerlens(["analyze", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error["), "{stderr}");
}
