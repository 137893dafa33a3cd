//! Shared driver of the fuzz targets: parse to the very end, then exercise every later step
//! (finalisation, reconciliation, merging, serialisation), because a target that only opens a
//! reader tests almost nothing.

use ledgerlens_core::view::{DocumentView, ViewOptions};
use ledgerlens_core::{Amount, Format, merge_statements, reconcile};
use ledgerlens_ingest::{ReadOptions, read_as, read_document};

/// Fuzz input is capped well below the production limit so each run stays fast.
const MAX_INPUT: u64 = 1 << 20;

/// libFuzzer's panic hook aborts at once, before `catch_unwind` can run; a panic that ingestion
/// contains (a dependency's, turned into an error) must not count as a crash, any other must.
fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !ledgerlens_ingest::guard::is_contained() {
                abort_hook(info);
            }
        }));
    });
}

fn options() -> ReadOptions {
    ReadOptions {
        max_bytes: MAX_INPUT,
        ..ReadOptions::default()
    }
}

fn exercise(document: ledgerlens_core::Document) {
    for statement in &document.statements {
        let _ = Amount::checked_sum(statement.transactions.iter().map(|t| t.amount));
        let again = reconcile(statement);
        assert_eq!(
            again, statement.reconciliation,
            "reconciliation must be deterministic"
        );
        for t in &statement.transactions {
            assert!(t.description.len() < 1 << 20);
        }
    }
    let json = serde_json::to_vec(&DocumentView::new(&document, ViewOptions::default()));
    assert!(json.is_ok(), "every parsed document serialises");
    let _ = merge_statements(document.statements);
}

/// Reads `data` as each of `formats` (skipping detection) and exercises the result.
pub fn drive(formats: &[Format], data: &[u8]) {
    install_hook();
    for &format in formats {
        if let Ok(document) = read_as(format, "fuzz", data, &options()) {
            exercise(document);
        }
    }
}

/// Reads `data` with format detection, as a user upload would be.
pub fn drive_detected(data: &[u8]) {
    install_hook();
    if let Ok(document) = read_document("fuzz", data, &options()) {
        exercise(document);
    }
}

/// Reads `data` as a PDF through the real engine (libpdfium, provisioned by
/// `scripts/ensure-pdfium`), then the layout reader; panics if the engine cannot load, because a
/// PDF target without its engine would test nothing.
pub fn drive_pdf(data: &[u8]) {
    install_hook();
    static ENGINE: std::sync::OnceLock<std::sync::Arc<ledgerlens_pdf::TextPdfEngine>> =
        std::sync::OnceLock::new();
    // The product's engine: the native extractor first, pdfium for what it declines.
    let engine = ENGINE.get_or_init(|| match ledgerlens_pdf::PdfiumEngine::load(None) {
        Ok(pdfium) => std::sync::Arc::new(ledgerlens_pdf::TextPdfEngine::new(pdfium)),
        Err(e) => panic!("the pdf target needs libpdfium: {e}"),
    });
    let options = ReadOptions {
        max_bytes: MAX_INPUT,
        pdf_engine: Some(engine.clone()),
        pdf_limits: ledgerlens_ingest::pdf::PdfLimits {
            max_pages: 50,
            time_budget_ms: 5_000,
            ..Default::default()
        },
        ..ReadOptions::default()
    };
    if let Ok(document) = read_as(Format::Pdf, "fuzz", data, &options) {
        exercise(document);
    }
}
