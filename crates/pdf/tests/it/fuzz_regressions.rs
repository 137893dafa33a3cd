//! Replays `fuzz/regressions/pdf/`: PDFs that once broke the PDF path (found by the `pdf` fuzz
//! target, or written by hand) must now give a document or a clean error, never a panic or a hang.

use std::sync::Arc;

use ledgerlens_core::Format;
use ledgerlens_ingest::pdf::PdfEngine;
use ledgerlens_ingest::{ReadOptions, read_as};
use ledgerlens_pdf::TextPdfEngine;

use crate::support::engine;

#[test]
fn every_kept_pdf_fuzz_input_is_handled_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/pdf");
    // pdfium alone, the product's engine (native first, pdfium behind), and the native
    // extractor alone (what it declines is an error there, not a hand-over).
    let engines: [Arc<dyn PdfEngine>; 3] = [
        engine(),
        Arc::new(TextPdfEngine::new(engine())),
        Arc::new(TextPdfEngine::without_pdfium("not loaded in this test")),
    ];
    let mut replayed = 0;
    for case in std::fs::read_dir(&dir)
        .expect("fuzz/regressions/pdf exists")
        .flatten()
    {
        let bytes = std::fs::read(case.path()).unwrap();
        for engine in &engines {
            let options = ReadOptions {
                pdf_engine: Some(engine.clone()),
                ..ReadOptions::default()
            };
            let _ = read_as(Format::Pdf, "case.pdf", &bytes, &options);
        }
        replayed += 1;
    }
    eprintln!("replayed {replayed} kept PDF fuzz inputs");
}
