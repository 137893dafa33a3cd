//! Forensic findings on PDFs made to show each signal.

use ledgerlens_core::{Finding, Severity};

use crate::support::{FIRST_CONTENT, append_revision, document, extract};

fn codes(findings: &[Finding]) -> Vec<(&str, Severity, Option<u32>)> {
    findings
        .iter()
        .map(|f| (f.code.as_str(), f.severity, f.page))
        .collect()
}

/// A statement page: ten rows of date, description, amount; amounts in Helvetica.
fn table_rows(
    amount_font_of_row: impl Fn(usize) -> &'static str,
) -> Vec<(&'static str, f32, f32, f32, &'static str)> {
    const AMOUNTS: [&str; 10] = [
        "120.00", "1,250.00", "35.10", "8.99", "600.00", "42.00", "17.25", "300.00", "75.40",
        "9.60",
    ];
    let mut runs = Vec::new();
    for (i, amount) in AMOUNTS.iter().enumerate() {
        let y = 700.0 - 14.0 * i as f32;
        runs.push(("F1", 9.0, 50.0, y, "05/03/2024"));
        runs.push(("F1", 9.0, 120.0, y, "Card payment"));
        runs.push((amount_font_of_row(i), 9.0, 450.0, y, *amount));
    }
    runs
}

#[test]
fn metadata_is_kept_as_written_and_an_editor_after_a_bank_generator_is_critical() {
    let info = "<< /Producer (iLovePDF) /Creator (Finacle Statement Generator) \
                /CreationDate (D:20240301090000+01'00') /ModDate (D:20240315120000Z) >>";
    let pdf = document(
        &[(&[("F1", 10.0, 72.0, 700.0, "Statement")], &[])],
        Some(info),
    );
    let f = extract(&pdf).unwrap().forensics;
    assert_eq!(f.producer.as_deref(), Some("iLovePDF"));
    assert_eq!(f.creator.as_deref(), Some("Finacle Statement Generator"));
    assert_eq!(f.created.as_deref(), Some("D:20240301090000+01'00'"));
    assert_eq!(f.modified.as_deref(), Some("D:20240315120000Z"));
    assert_eq!(
        codes(&f.findings),
        [
            ("producer_editor", Severity::Critical, None),
            ("modified_after_creation", Severity::Warning, None)
        ]
    );
    assert!(
        f.findings[1].reason.contains("14 days"),
        "{}",
        f.findings[1].reason
    );
}

#[test]
fn an_appended_revision_is_counted_and_reported() {
    let original = document(&[(&[("F1", 10.0, 72.0, 700.0, "1,000.00")], &[])], None);
    assert_eq!(extract(&original).unwrap().forensics.incremental_updates, 0);
    let edited = append_revision(
        &original,
        FIRST_CONTENT,
        "BT /F1 10 Tf 72 700 Td (9,000.00) Tj ET",
    );
    let text = extract(&edited).unwrap();
    assert_eq!(
        text.pages[0].words[0].text, "9,000.00",
        "pdfium reads the latest revision"
    );
    let f = text.forensics;
    assert_eq!(f.incremental_updates, 1);
    assert_eq!(
        codes(&f.findings),
        [("incremental_update", Severity::Warning, None)]
    );
    assert!(
        f.findings[0].reason.contains("once"),
        "{}",
        f.findings[0].reason
    );
}

#[test]
fn an_amount_typed_in_another_font_is_named_with_its_page() {
    let clean = table_rows(|_| "F1");
    let edited = table_rows(|row| if row == 1 { "F2" } else { "F1" });
    let pdf = document(&[(&clean, &[]), (&edited, &[])], None);
    let f = extract(&pdf).unwrap().forensics;
    assert_eq!(
        codes(&f.findings),
        [("odd_font", Severity::Warning, Some(2))]
    );
    let reason = &f.findings[0].reason;
    assert!(
        reason.contains("\"1,250.00\" is drawn in the font Courier"),
        "{reason}"
    );
    assert!(reason.contains("use Helvetica"), "{reason}");
}

#[test]
fn bold_totals_in_the_tables_family_are_not_odd() {
    let mut runs = table_rows(|_| "F1");
    runs.push(("F3", 9.0, 450.0, 550.0, "3,258.34"));
    let pdf = document(&[(&runs, &[])], None);
    assert_eq!(extract(&pdf).unwrap().forensics.findings, []);
}

#[test]
fn an_amount_on_a_pasted_patch_is_text_over_an_image() {
    let runs = table_rows(|_| "F1");
    // A white patch under the second amount (baseline 686), as an editor pastes one.
    let pdf = document(&[(&runs, &[(447.0, 683.0, 40.0, 12.0)])], None);
    let f = extract(&pdf).unwrap().forensics;
    assert_eq!(
        codes(&f.findings),
        [("text_over_image", Severity::Warning, Some(1))]
    );
    assert!(
        f.findings[0]
            .reason
            .contains("\"1,250.00\" is drawn over a picture"),
        "{}",
        f.findings[0].reason
    );
}

#[test]
fn a_logo_beside_the_text_is_not_a_finding() {
    let runs = table_rows(|_| "F1");
    let pdf = document(&[(&runs, &[(40.0, 740.0, 120.0, 40.0)])], None);
    assert_eq!(extract(&pdf).unwrap().forensics.findings, []);
}

#[test]
fn a_text_layer_without_unicode_maps_is_unreadable() {
    let codes_text: String = (1u8..=40).map(char::from).collect();
    let pdf = document(
        &[
            (
                &[("F1", 10.0, 72.0, 700.0, "Readable page with words")],
                &[],
            ),
            (&[("F4", 10.0, 72.0, 700.0, codes_text.as_str())], &[]),
        ],
        None,
    );
    let text = extract(&pdf).unwrap();
    let f = &text.forensics;
    assert_eq!(
        codes(&f.findings),
        [("unreadable_text_layer", Severity::Warning, Some(2))],
        "{:?}",
        text.pages[1].words
    );
}
