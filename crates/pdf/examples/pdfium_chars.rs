//! Prints pdfium's view of each character of a PDF (or of a synthetic statement): the reference
//! the native extractor is compared against when it is changed.
//!
//! `cargo run --release -p ledgerlens-pdf --example pdfium_chars -- [FILE.pdf | LAYOUT] [MAX]`

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a diagnostic tool")]

use pdfium_render::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "ng".to_owned());
    let max: usize = args.next().map_or(200, |a| a.parse().expect("max"));
    let bytes = if what.ends_with(".pdf") {
        std::fs::read(&what).expect("file")
    } else {
        let layout = ledgerlens_synth::pdf::Layout::ALL
            .into_iter()
            .find(|l| l.name() == what)
            .expect("layout");
        let statement = ledgerlens_synth::pdf::sample_statement(layout, 7, 30);
        let options = ledgerlens_synth::pdf::RenderOptions {
            odd_font_row: Some(2),
            ..Default::default()
        };
        ledgerlens_synth::pdf::render(&statement, layout, &options)
    };
    let home = std::env::var("HOME").unwrap();
    let pdfium = Pdfium::new(
        Pdfium::bind_to_library(format!("{home}/.cache/ledgerlens/pdfium/libpdfium.so")).unwrap(),
    );
    let doc = pdfium.load_pdf_from_byte_slice(&bytes, None).unwrap();
    for (i, page) in doc.pages().iter().enumerate() {
        let text = page.text().unwrap();
        println!(
            "page {i} {:?}",
            page.boundaries().bounding().map(|b| b.bounds)
        );
        for ch in text.chars().iter().take(max) {
            let b = ch.loose_bounds().ok();
            println!(
                "{:?} gen={:?} font={} size={} m={:?} loose={:?} origin=({:?},{:?})",
                ch.unicode_char(),
                ch.is_generated(),
                ch.font_name(),
                ch.unscaled_font_size().value,
                ch.matrix()
                    .ok()
                    .map(|m| (m.a(), m.b(), m.c(), m.d(), m.e(), m.f())),
                b.map(|b| (
                    b.left().value,
                    b.bottom().value,
                    b.right().value,
                    b.top().value
                )),
                ch.origin_x().ok().map(|v| v.value),
                ch.origin_y().ok().map(|v| v.value),
            );
        }
    }
}
