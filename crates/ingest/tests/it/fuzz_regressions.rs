//! Replays every input kept under `fuzz/regressions/<target>/`: inputs that once crashed a parser
//! (or hostile inputs written by hand) must now give a document or a clean error, never a panic.

use std::path::Path;

use ledgerlens_core::Format;
use ledgerlens_core::view::{DocumentView, ViewOptions};
use ledgerlens_ingest::{ReadOptions, read_as, read_document};

fn formats_of(target: &str) -> &'static [Format] {
    match target {
        "csv" => &[Format::Csv],
        "excel" => &[Format::Xlsx, Format::Xls],
        "qif" => &[Format::Qif],
        "ofx" => &[Format::Ofx1, Format::Ofx2],
        "mt940" => &[Format::Mt940, Format::Mt942],
        "camt" => &[Format::Camt053],
        "json" => &[
            Format::PericulumJson,
            Format::MonoJson,
            Format::OkraJson,
            Format::DojahJson,
            Format::MyBankStatementJson,
        ],
        _ => &[],
    }
}

#[test]
fn every_kept_fuzz_input_is_handled_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    let options = ReadOptions::default();
    for target in std::fs::read_dir(&root)
        .expect("fuzz/regressions exists")
        .flatten()
    {
        let name = target.file_name().to_string_lossy().into_owned();
        if !target.path().is_dir() {
            continue;
        }
        for case in std::fs::read_dir(target.path()).unwrap().flatten() {
            let bytes = std::fs::read(case.path()).unwrap();
            for &format in formats_of(&name) {
                if let Ok(doc) = read_as(format, "case", &bytes, &options) {
                    serde_json::to_vec(&DocumentView::new(&doc, ViewOptions::default())).unwrap();
                }
            }
            let _ = read_document("case", &bytes, &options);
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} kept fuzz inputs");
}
