//! Replays `fuzz/regressions/pdf/`: PDFs that once broke the PDF path (found by the `pdf` fuzz
//! target, or written by hand) must now give a document or a clean error, never a panic or a hang.

use ledgerlens_core::Format;
use ledgerlens_ingest::{ReadOptions, read_as};

use crate::support::engine;

#[test]
fn every_kept_pdf_fuzz_input_is_handled_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/pdf");
    let options = ReadOptions {
        pdf_engine: Some(engine()),
        ..ReadOptions::default()
    };
    let mut replayed = 0;
    for case in std::fs::read_dir(&dir)
        .expect("fuzz/regressions/pdf exists")
        .flatten()
    {
        let bytes = std::fs::read(case.path()).unwrap();
        let _ = read_as(Format::Pdf, "case.pdf", &bytes, &options);
        replayed += 1;
    }
    eprintln!("replayed {replayed} kept PDF fuzz inputs");
}
