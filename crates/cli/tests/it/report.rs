//! `ledgerlens analyze … --pdf`: the PDF report read back by poppler (pdfinfo, pdftotext,
//! pdftoppm — installed by scripts/ensure-system-deps), as a credit officer's viewer would.
//!
//! `LEDGERLENS_UPDATE_SCREENSHOTS=1` also refreshes docs/report/*.png from the rendered pages.

use std::path::Path;
use std::process::Command;

use crate::{ledgerlens, temp_dir};

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} runs (poppler-utils: scripts/ensure-system-deps): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Share of pixels of a binary PGM (`P5`) darker than near-white.
fn ink(pgm: &[u8]) -> f64 {
    // Header: P5, width, height, maxval, each separated by whitespace, then one byte a pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let pixels = &pgm[at + 1..];
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    assert_eq!(pixels.len(), width * height);
    pixels.iter().filter(|p| **p < 200).count() as f64 / pixels.len() as f64
}

fn analyze_to(statement: &Path, pdf: &Path) -> serde_json::Value {
    let out = ledgerlens([
        "analyze",
        statement.to_str().unwrap(),
        "--pdf",
        pdf.to_str().unwrap(),
        "--report-date",
        "2024-07-01",
    ]);
    assert!(
        out.status.success(),
        "analyze --pdf: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the JSON is still printed")
}

#[test]
fn analyze_writes_a_readable_paginated_deterministic_pdf_report() {
    let dir = temp_dir("report");
    let out = ledgerlens([
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--persona",
        "sme-employer",
        "--country",
        "FR",
        "--months",
        "6",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let statement = dir.join("sme-employer-fr-1.xml");
    let pdf = dir.join("out.pdf");
    let json = analyze_to(&statement, &pdf);

    // Same input, same bytes.
    let again = dir.join("again.pdf");
    analyze_to(&statement, &again);
    let bytes = std::fs::read(&pdf).unwrap();
    assert_eq!(bytes, std::fs::read(&again).unwrap(), "two renders differ");

    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Decision, cash flow, spending and income, loans and flags, summary, then 275
    // transactions over several appendix pages.
    assert!((9..=14).contains(&pages), "{pages} pages");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert_eq!(fonts.matches(" yes yes yes ").count(), 2, "{fonts}");

    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let holder = json["accounts"][0]["holder"].as_str().unwrap();
    let scores = &json["scores"];
    let expected = [
        holder.to_owned(),
        "1 Jan 2024 – 30 Jun 2024".to_owned(),
        "Lending decision summary".to_owned(),
        format!("Page 1 of {pages}"),
        format!("Page {pages} of {pages}"),
        scores["points"]["calculatedScore"].to_string(),
        scores["envoyx"]["credit_score"].to_string(),
        "Legitimate".to_owned(),
        "Balance over time".to_owned(),
        "Monthly inflow and outflow".to_owned(),
        "Statement summary and reconciliation".to_owned(),
        "Appendix: transactions".to_owned(),
        "155,916.60".to_owned(),
    ];
    for needle in &expected {
        assert!(
            text.contains(needle.as_str()),
            "{needle:?} not in the report"
        );
    }
    // The X-Ray grade stands beside its flag colour; the EnvoyX tier beside its score.
    let rating = scores["xray"]["rating"].as_str().unwrap();
    let flag_line = text.lines().find(|l| l.contains(" FLAG")).unwrap();
    assert!(
        flag_line.split_whitespace().any(|w| w == rating),
        "{flag_line:?}"
    );
    assert!(text.contains("TIER "), "no EnvoyX tier");
    // No negative zero printed anywhere (a points reason once read "-0 of 150 points").
    assert!(
        !text.split_whitespace().any(|w| w == "-0" || w == "-0.00"),
        "a negative zero in the report"
    );
    // Every page carries the applicant and the period.
    assert_eq!(text.matches("STATEMENT PERIOD").count(), pages);
    assert!(text.matches(holder).count() >= pages);
    // A known transaction, with its exact amount, from the statement's truth file.
    let truth = std::fs::read_to_string(dir.join("sme-employer-fr-1.truth.csv")).unwrap();
    let (description, amount) = truth
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[1].len() <= 30 && f[2].trim_start_matches('-').len() <= 6)
        .map(|f| (f[1].to_owned(), f[2].to_owned()))
        .unwrap();
    let row = text
        .lines()
        .find(|l| l.contains(&description))
        .unwrap_or_else(|| panic!("{description} not in the appendix"));
    assert!(row.contains(&amount), "{amount} not on the row {row:?}");

    // Every page renders with ink on it.
    tool(
        "pdftoppm",
        &[
            "-r",
            "60",
            "-png",
            pdf.to_str().unwrap(),
            dir.join("page").to_str().unwrap(),
        ],
    );
    let pngs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".png")
        })
        .count();
    assert_eq!(pngs, pages);
    tool(
        "pdftoppm",
        &[
            "-r",
            "60",
            "-gray",
            pdf.to_str().unwrap(),
            dir.join("gray").to_str().unwrap(),
        ],
    );
    for page in 1..=pages {
        let name = format!("gray-{page:0width$}.pgm", width = pages.to_string().len());
        let share = ink(&std::fs::read(dir.join(name)).unwrap());
        assert!(share > 0.01, "page {page} is nearly blank ({share:.4} ink)");
    }

    if std::env::var_os("LEDGERLENS_UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report");
        std::fs::create_dir_all(&docs).unwrap();
        for (page, name) in [(1, "decision"), (2, "cash-flow"), (4, "loans-and-flags")] {
            let prefix = docs.join(name);
            tool(
                "pdftoppm",
                &[
                    "-r",
                    "80",
                    "-png",
                    "-singlefile",
                    "-f",
                    &page.to_string(),
                    "-l",
                    &page.to_string(),
                    pdf.to_str().unwrap(),
                    prefix.to_str().unwrap(),
                ],
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The first page says whose account it is against the applicant's name the lender gave, and
/// says it loudly when they differ.
#[test]
fn the_report_warns_when_the_statement_is_not_the_applicant_s() {
    let dir = temp_dir("report-holder");
    let out = ledgerlens([
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--persona",
        "salaried-consumer",
        "--country",
        "NG",
        "--months",
        "3",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let statement = dir.join("salaried-consumer-ng-1.xml");
    let first_page = |applicant: &str, pdf: &str| {
        let pdf = dir.join(pdf);
        let out = ledgerlens([
            "analyze",
            statement.to_str().unwrap(),
            "--account-holder",
            applicant,
            "--pdf",
            pdf.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let text = tool("pdftotext", &["-l", "1", pdf.to_str().unwrap(), "-"]);
        (json, text.split_whitespace().collect::<Vec<_>>().join(" "))
    };

    let (json, text) = first_page("Zainab Abdullahi-Bello", "other.pdf");
    let printed = json["holder"]["printed"][0].as_str().unwrap().to_owned();
    assert_eq!(json["holder"]["name_match"]["result"], "MISMATCH");
    assert!(text.contains("NOT THE APPLICANT'S ACCOUNT"), "{text}");
    assert!(
        text.contains(&format!(
            "The holder printed, {printed}, is not the applicant"
        )),
        "{text}"
    );

    // The same person, names in another order and case: a match, and no warning.
    let mut words: Vec<&str> = printed.split_whitespace().collect();
    words.reverse();
    let (json, text) = first_page(&words.join(" ").to_lowercase(), "same.pdf");
    assert_eq!(json["holder"]["name_match"]["result"], "EXACT");
    assert!(!text.contains("NOT THE APPLICANT"), "{text}");
    assert!(text.contains("matches the applicant"), "{text}");
}
