//! Pages per second of `PdfiumEngine::extract` on the PDFs named on the command line.
//!
//! `cargo run --release -p ledgerlens-pdf --example extract_speed -- FILE.pdf [ROUNDS]`; run it
//! under `taskset -c 0` for a one-core figure.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a measuring tool")]

use std::time::Instant;

use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits};
use ledgerlens_pdf::PdfiumEngine;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("a PDF file");
    let rounds: u32 = args
        .next()
        .map_or(20, |r| r.parse().expect("a number of rounds"));
    let bytes = std::fs::read(&path).expect("readable file");
    let engine = PdfiumEngine::load(None).expect("libpdfium (run scripts/ensure-pdfium)");
    let limits = PdfLimits::default();
    let first = engine
        .extract(&bytes, None, &limits)
        .expect("extractable PDF");
    let pages = first.pages.len();
    let words: usize = first.pages.iter().map(|p| p.words.len()).sum();
    let started = Instant::now();
    for _ in 0..rounds {
        engine
            .extract(&bytes, None, &limits)
            .expect("extractable PDF");
    }
    let seconds = started.elapsed().as_secs_f64();
    let total_pages = pages as f64 * f64::from(rounds);
    println!(
        "{path}: {pages} pages, {words} words; {rounds} rounds in {seconds:.3} s = {:.1} pages/s",
        total_pages / seconds
    );
}
