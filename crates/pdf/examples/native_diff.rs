//! Compares the native extractor with pdfium word by word on synthetic statements or files:
//! the first differences per document, or why the native extractor declined.
//!
//! `cargo run --release -p ledgerlens-pdf --example native_diff -- [FILE.pdf…]`

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a diagnostic tool")]

use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits, PdfText};
use ledgerlens_pdf::{PdfiumEngine, TextPdfEngine};
use ledgerlens_synth::pdf::{Layout, RenderOptions, render, sample_statement};

fn compare(name: &str, bytes: &[u8], pdfium: &PdfiumEngine, native: &TextPdfEngine) {
    let limits = PdfLimits::default();
    let theirs = pdfium.extract(bytes, None, &limits);
    let ours = native.extract_native(bytes, &limits);
    match (theirs, ours) {
        (Ok(t), Ok(Ok(o))) => report(name, &t, &o),
        (t, o) => println!(
            "{name}: pdfium {:?} / native {:?}",
            t.map(|_| "ok"),
            o.map(|r| r.map(|_| "ok"))
        ),
    }
}

fn report(name: &str, t: &PdfText, o: &PdfText) {
    let mut shown = 0;
    if t.fonts != o.fonts {
        println!("{name}: fonts {:?} vs {:?}", t.fonts, o.fonts);
    }
    if t.forensics != o.forensics {
        println!(
            "{name}: forensics differ\n  {:?}\n  {:?}",
            t.forensics, o.forensics
        );
    }
    for (pt, po) in t.pages.iter().zip(&o.pages) {
        if (pt.width, pt.height, pt.scan_dpi) != (po.width, po.height, po.scan_dpi) {
            println!(
                "{name} p{}: size {:?} vs {:?}",
                pt.number,
                (pt.width, pt.height, pt.scan_dpi),
                (po.width, po.height, po.scan_dpi)
            );
        }
        if pt.words.len() != po.words.len() {
            println!(
                "{name} p{}: {} words vs {}",
                pt.number,
                pt.words.len(),
                po.words.len()
            );
            let first = pt
                .words
                .iter()
                .zip(&po.words)
                .position(|(a, b)| a.text != b.text);
            if let Some(i) = first {
                let show = |w: &[ledgerlens_ingest::pdf::Word]| {
                    w.iter()
                        .skip(i.saturating_sub(2))
                        .take(8)
                        .map(|w| format!("{}@{:.1},{:.1}", w.text, w.x0, w.y0))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                println!(
                    "  pdfium: {}
  native: {}",
                    show(&pt.words),
                    show(&po.words)
                );
            }
        }
        for (a, b) in pt.words.iter().zip(&po.words) {
            let close = |x: f32, y: f32| (x - y).abs() < 0.01;
            if a.text != b.text
                || a.font != b.font
                || !close(a.x0, b.x0)
                || !close(a.x1, b.x1)
                || !close(a.y0, b.y0)
                || !close(a.y1, b.y1)
                || !close(a.size, b.size)
            {
                if shown < 8 {
                    println!("{name} p{}: {a:?}\n      vs {b:?}", pt.number);
                }
                shown += 1;
            }
        }
    }
    println!(
        "{name}: {} pages, {} words, {shown} differ",
        t.pages.len(),
        t.pages.iter().map(|p| p.words.len()).sum::<usize>()
    );
}

fn main() {
    let pdfium = PdfiumEngine::load(None).expect("libpdfium");
    let native = TextPdfEngine::new(pdfium.clone());
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        for layout in Layout::ALL {
            let statement = sample_statement(layout, 7, 120);
            let options = RenderOptions {
                odd_font_row: Some(3),
                ..RenderOptions::default()
            };
            let pdf = render(&statement, layout, &options);
            compare(layout.name(), &pdf, &pdfium, &native);
        }
    }
    for f in files {
        compare(&f, &std::fs::read(&f).unwrap(), &pdfium, &native);
    }
}
