//! Scans and photos end to end: `ledgerlens synth --scan` draws a generated statement through
//! pdfium, skews and soils it, and `ledgerlens parse` reads it back by OCR (tesseract). The truth
//! is the generated ledger (`.truth.csv`), so every figure is checked, not just counted.
//!
//! These need libpdfium and tesseract, which `scripts/test` installs; without them they fail
//! loudly rather than pass vacuously.

use std::path::Path;

use serde_json::Value;

use crate::{ledgerlens, temp_dir};

/// (date, amount, balance) of each row of a `parse --output csv` or `.truth.csv` file.
fn rows(csv: &str) -> Vec<(String, String, String)> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let mut reader = csv_fields(line);
            let date = reader.remove(0);
            let amount = reader[2].clone();
            let balance = reader[3].clone();
            (date, amount, balance)
        })
        .collect()
}

/// Splits one CSV line (quotes honoured; our CSVs have no embedded newlines here).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// Share of true rows found exactly (date, amount, balance) among the rows read, each read row
/// matched at most once.
fn exact_share(truth: &[(String, String, String)], read: &[(String, String, String)]) -> f64 {
    let mut left = read.to_vec();
    let mut hits = 0usize;
    for row in truth {
        if let Some(i) = left.iter().position(|r| r == row) {
            left.swap_remove(i);
            hits += 1;
        }
    }
    hits as f64 / truth.len().max(1) as f64
}

/// Every row that breaks the running balance is marked `unreconciled` in its provenance.
fn breaks_are_marked(statement: &Value) {
    let transactions = statement["transactions"].as_array().unwrap();
    for b in statement["reconciliation"]["breaks"].as_array().unwrap() {
        let index = b["index"].as_u64().unwrap() as usize;
        assert_eq!(
            transactions[index]["provenance"]["ocr"]["unreconciled"], true,
            "break at row {index} not marked"
        );
    }
}

fn synth(dir: &Path, layout: &str, image: &str, dpi: &str) {
    let out = ledgerlens([
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--layout",
        layout,
        "--scan",
        dpi,
        "--image",
        image,
        "--transactions",
        "40",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn parse_csv(file: &Path) -> String {
    let out = ledgerlens(["parse", file.to_str().unwrap(), "--output", "csv"]);
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_200_dpi_skewed_png_of_a_uk_statement_reads_back_exactly() {
    let dir = temp_dir("scan-png");
    synth(&dir, "uk", "png", "200");
    let truth = rows(&std::fs::read_to_string(dir.join("uk-1.truth.csv")).unwrap());
    let read = rows(&parse_csv(&dir.join("uk-1.page1.png")));
    // The 40 rows fit on the first page of this layout.
    let share = exact_share(&truth, &read);
    assert!(share >= 0.9, "{share}: {read:?}");
}

#[test]
fn ocr_rows_carry_their_confidence_and_the_document_says_it_was_scanned() {
    let dir = temp_dir("scan-json");
    synth(&dir, "uk", "jpeg", "200");
    let out = ledgerlens(["parse", dir.join("uk-1.page1.jpg").to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let document = &json["documents"][0];
    assert_eq!(document["format"], "image");
    assert_eq!(
        document["forensics"]["findings"][0]["code"],
        "scanned_pages"
    );
    let statement = &document["statements"][0];
    assert_eq!(statement["currency"], "GBP");
    let first = &statement["transactions"][0]["provenance"]["ocr"];
    let amount = first["amount"].as_u64().unwrap();
    assert!((50..=100).contains(&amount), "{first}");
    assert!(first["unreconciled"] == false);
}

#[test]
fn an_image_only_pdf_is_read_through_ocr_page_by_page() {
    let dir = temp_dir("scan-pdf");
    synth(&dir, "uk", "pdf", "300");
    let out = ledgerlens(["parse", dir.join("uk-1.scan.pdf").to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let document = &json["documents"][0];
    assert_eq!(document["format"], "pdf");
    assert_eq!(
        document["forensics"]["findings"][0]["code"],
        "scanned_pages"
    );
    let statement = &document["statements"][0];
    breaks_are_marked(statement);
    let truth = rows(&std::fs::read_to_string(dir.join("uk-1.truth.csv")).unwrap());
    let read = rows(&parse_csv(&dir.join("uk-1.scan.pdf")));
    let share = exact_share(&truth, &read);
    assert!(share >= 0.9, "{share}: {read:?}");
}
