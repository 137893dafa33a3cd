//! The engine the product uses: our own extractor first, pdfium for what it declines and for
//! drawing pages (OCR).

use std::sync::Arc;

use ledgerlens_core::Format;
use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::guard::contain;
use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits, PdfText, RenderSink};

use crate::engine::PdfiumEngine;
use crate::native::{self, Decline, Outcome};

/// Text PDFs through [`crate::native`], everything else through pdfium.
///
/// The native extractor holds no lock: documents it reads run in parallel across threads.
/// Declined documents (and every `render`) take pdfium's process-wide lock as before.
#[derive(Debug, Clone)]
pub struct TextPdfEngine {
    fallback: Option<Arc<PdfiumEngine>>,
    /// Why pdfium could not be loaded, for the error of a document that needed it.
    missing: Option<String>,
}

impl TextPdfEngine {
    /// The native extractor with pdfium behind it.
    pub fn new(fallback: Arc<PdfiumEngine>) -> Self {
        TextPdfEngine {
            fallback: Some(fallback),
            missing: None,
        }
    }

    /// The native extractor alone: what it declines fails with `why` (how to install pdfium).
    pub fn without_pdfium(why: impl Into<String>) -> Self {
        TextPdfEngine {
            fallback: None,
            missing: Some(why.into()),
        }
    }

    /// Binds pdfium if it can be found (see [`PdfiumEngine::load`]); without it the engine
    /// still reads the text PDFs it supports.
    pub fn load() -> Self {
        match PdfiumEngine::load(None) {
            Ok(pdfium) => TextPdfEngine::new(pdfium),
            Err(e) => TextPdfEngine::without_pdfium(e.to_string()),
        }
    }

    /// The pdfium engine behind this one, if bound.
    pub fn fallback(&self) -> Option<&Arc<PdfiumEngine>> {
        self.fallback.as_ref()
    }

    /// The native extractor's own answer: its text, or why it declined (tests and benchmarks
    /// use this to tell the two paths apart). A breached limit is an error; a panic (a bug
    /// that hostile input found) is contained and reads as a decline.
    pub fn extract_native(
        &self,
        bytes: &[u8],
        limits: &PdfLimits,
    ) -> Result<Result<PdfText, Decline>, IngestError> {
        match contain(Format::Pdf, "the PDF", || {
            Ok(native::extract(bytes, limits))
        }) {
            Ok(Ok(text)) => Ok(Ok(text)),
            Ok(Err(Outcome::Declined(why))) => Ok(Err(why)),
            Ok(Err(Outcome::Failed(e))) => Err(e),
            Err(_) => Ok(Err(Decline::Malformed(
                "the native extractor failed on this file",
            ))),
        }
    }

    fn unavailable(&self, why: Decline) -> IngestError {
        IngestError::Unsupported {
            format: Format::Pdf,
            detail: format!(
                "this PDF needs libpdfium ({why}), which is not available: {}",
                self.missing.as_deref().unwrap_or("not loaded")
            ),
        }
    }
}

impl PdfEngine for TextPdfEngine {
    fn extract(
        &self,
        bytes: &[u8],
        password: Option<&str>,
        limits: &PdfLimits,
    ) -> Result<PdfText, IngestError> {
        let why = match self.extract_native(bytes, limits)? {
            Ok(text) => return Ok(text),
            Err(why) => why,
        };
        match &self.fallback {
            Some(pdfium) => pdfium.extract(bytes, password, limits),
            None => Err(self.unavailable(why)),
        }
    }

    fn render(
        &self,
        bytes: &[u8],
        password: Option<&str>,
        pages: &[u32],
        dpi: f32,
        sink: &mut RenderSink<'_>,
    ) -> Result<(), IngestError> {
        match &self.fallback {
            Some(pdfium) => pdfium.render(bytes, password, pages, dpi, sink),
            None => Err(IngestError::OcrUnavailable(format!(
                "drawing PDF pages for OCR needs libpdfium: {}",
                self.missing.as_deref().unwrap_or("not loaded")
            ))),
        }
    }
}
