//! The native engines behind PDFs and scans, bound on first need.
//!
//! libpdfium and tesseract are found at run time: a user who only reads CSV never pays for
//! loading them, and a machine without them still reads every structured format. When one is
//! missing, the error of the file that needed it says why and how to install it.
//!
//! Text PDFs go through our own extractor ([`TextPdfEngine`]) first; pdfium reads what it
//! declines and draws pages for OCR. Without pdfium the native extractor still reads the text
//! PDFs it supports.

use ledgerlens_core::Format;
use ledgerlens_ingest::{IngestError, ReadOptions};
use ledgerlens_ocr::Tesseract;
use ledgerlens_pdf::{PdfiumEngine, TextPdfEngine};

/// What has been tried so far, so each engine is looked for once per run.
#[derive(Debug, Default)]
pub struct Engines {
    pdf_error: Option<String>,
    ocr_error: Option<String>,
    ocr_tried: bool,
    pdf_tried: bool,
}

impl Engines {
    /// Makes sure `options` carries the engines a file of `format` may need.
    pub fn prepare(&mut self, format: Format, options: &mut ReadOptions, ocr_languages: &str) {
        if format == Format::Pdf && !self.pdf_tried {
            self.pdf_tried = true;
            let engine = match PdfiumEngine::load(None) {
                Ok(pdfium) => TextPdfEngine::new(pdfium),
                Err(e) => {
                    self.pdf_error = Some(e.to_string());
                    TextPdfEngine::without_pdfium(e.to_string())
                }
            };
            options.pdf_engine = Some(std::sync::Arc::new(engine));
        }
        // A PDF may have scanned pages; an image is nothing but.
        if matches!(format, Format::Pdf | Format::Image) && !self.ocr_tried {
            self.ocr_tried = true;
            match Tesseract::locate(ocr_languages) {
                Ok(engine) => options.ocr_engine = Some(std::sync::Arc::new(engine)),
                Err(e) => self.ocr_error = Some(e.to_string()),
            }
        }
    }

    /// Why libpdfium could not be bound, once a PDF engine was prepared without it: text PDFs
    /// the native extractor reads still work; encrypted ones and scans do not.
    pub fn pdfium_missing(&self) -> Option<&str> {
        self.pdf_error.as_deref()
    }

    /// Why an engine the error points at is missing, when that is known.
    pub fn explain(&self, error: &IngestError, format: Format) -> Option<&str> {
        match error {
            IngestError::OcrUnavailable(_) => self.ocr_error.as_deref(),
            _ if format == Format::Pdf => self.pdf_error.as_deref(),
            _ => None,
        }
    }
}
