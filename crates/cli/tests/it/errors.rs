//! Bad input: one line on stderr naming the file and a stable code, exit code 2, never a panic.

use crate::{ledgerlens, temp_dir};

fn assert_input_error(args: &[&str], code: &str) {
    let out = ledgerlens(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit code for {args:?}; stderr: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(&format!("error[{code}]")),
        "code {code} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
}

#[test]
fn an_empty_file_is_refused_by_name() {
    let dir = temp_dir("empty");
    let path = dir.join("empty.csv");
    std::fs::write(&path, b"  \n\n").unwrap();
    assert_input_error(&["parse", path.to_str().unwrap()], "empty_file");
}

#[test]
fn a_missing_file_is_unreadable() {
    assert_input_error(&["parse", "/nonexistent/statement.csv"], "unreadable_file");
}

#[test]
fn a_directory_is_unreadable() {
    let dir = temp_dir("dir");
    assert_input_error(&["parse", dir.to_str().unwrap()], "unreadable_file");
}

#[test]
fn a_two_gigabyte_file_is_refused_before_it_is_read() {
    let dir = temp_dir("huge");
    let path = dir.join("huge.csv");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: costs no disk, but its size is what a user's 2 GB upload would be.
    file.set_len(2 * 1024 * 1024 * 1024).unwrap();
    assert_input_error(&["parse", path.to_str().unwrap()], "file_too_large");
}

#[test]
fn binary_noise_is_an_unknown_format() {
    let dir = temp_dir("noise");
    let path = dir.join("noise.bin");
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, noise).unwrap();
    let out = ledgerlens(["parse", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[unknown_format]") || stderr.contains("error[bad_encoding]"),
        "{stderr}"
    );
}

#[test]
fn prose_is_an_unknown_format() {
    let dir = temp_dir("prose");
    let path = dir.join("letter.csv");
    std::fs::write(
        &path,
        "Dear lender,\nplease find my statement attached.\nRegards\n",
    )
    .unwrap();
    assert_input_error(&["parse", path.to_str().unwrap()], "unknown_format");
}

#[test]
fn a_truncated_ofx_is_malformed_or_empty_never_a_panic() {
    let dir = temp_dir("truncated");
    let path = dir.join("cut.ofx");
    std::fs::write(&path, "OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD<BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024").unwrap();
    let out = ledgerlens(["parse", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[malformed_file]") || stderr.contains("error[no_statements]"),
        "{stderr}"
    );
}

#[test]
fn a_bad_currency_argument_is_an_input_error() {
    assert_input_error(&["sample", "--currency", "EURO"], "bad_argument");
}

#[test]
fn text_that_contradicts_its_byte_order_mark_is_a_bad_encoding() {
    let dir = temp_dir("encoding");
    let path = dir.join("liar.csv");
    std::fs::write(
        &path,
        b"\xEF\xBB\xBFDate,Description,Amount\n01/02/2024,Caf\xE9,-1.00\n",
    )
    .unwrap();
    assert_input_error(&["parse", path.to_str().unwrap()], "bad_encoding");
}

#[test]
fn a_pdf_without_any_statement_table_says_so() {
    let dir = temp_dir("pdf");
    let path = dir.join("statement.bin");
    // A well-formed, empty one-page PDF (the test command installs the PDF engine).
    std::fs::write(
        &path,
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
          2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
          3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n\
          trailer<</Root 1 0 R>>\n%%EOF\n",
    )
    .unwrap();
    assert_input_error(&["parse", path.to_str().unwrap()], "no_statements");
}

#[test]
fn a_workbook_that_crashes_the_spreadsheet_library_is_malformed_on_one_line() {
    // Found by fuzzing: calamine asserts on this XLS structure. Kept in fuzz/regressions.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions/excel/calamine-cfb-assert.xls");
    assert_input_error(&["parse", path.to_str().unwrap()], "malformed_file");
}
