//! Prints everything the PDF path produces for each file named: the engine's words, fonts and
//! forensics, then the whole `read_document` result. Diffing the output of two builds shows
//! whether a change altered any reading.
//!
//! `cargo run --release -p ledgerlens-pdf --example dump_read -- FILE.pdf...`

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a diagnostic tool")]

use std::sync::Arc;

use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits};
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_pdf::PdfiumEngine;

fn main() {
    let engine = PdfiumEngine::load(None).expect("libpdfium (run scripts/ensure-pdfium)");
    let options = ReadOptions {
        pdf_engine: Some(engine.clone() as Arc<dyn PdfEngine>),
        ..ReadOptions::default()
    };
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable file");
        println!("== {path}");
        println!("{:#?}", engine.extract(&bytes, None, &PdfLimits::default()));
        println!("{:#?}", read_document("dump.pdf", &bytes, &options));
    }
}
