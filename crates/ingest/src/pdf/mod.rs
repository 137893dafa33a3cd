//! PDF statements: the engine-independent half.
//!
//! Reading a PDF is two jobs. Getting positioned words out of the file (text layer, or OCR of a
//! scan) needs a PDF engine and perhaps an OCR engine — native code and I/O, kept behind the
//! [`PdfEngine`] trait and implemented outside this crate. Turning positioned words into an exact
//! ledger — header row, column boundaries, multi-line descriptions, year inference, choosing
//! between readings by reconciliation — is pure logic and lives here ([`layout`]), testable on
//! word lists alone.

pub mod layout;
pub mod ocr;
pub mod scan;

use std::fmt::Debug;

use ledgerlens_core::Forensics;

use crate::error::IngestError;

pub use ocr::{OcrEngine, OcrImage, OcrLimits, OcrWord, Raster, RenderSink};

/// A word on a page. Coordinates are PDF points with the origin at the top-left of the page and
/// y growing downward (the reading direction), whatever the engine's native convention.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// The text, as extracted (no surrounding whitespace).
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Index into [`PdfText::fonts`], when the engine knows the font.
    pub font: Option<u16>,
    /// Font size in points.
    pub size: f32,
    /// OCR confidence in 0..=1; `None` for words from a text layer.
    pub confidence: Option<f32>,
}

/// One page's words.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Words in the engine's order (not necessarily reading order).
    pub words: Vec<Word>,
    /// True when the words come from OCR of an image rather than a text layer.
    pub ocr: bool,
    /// For a scanned page (one image over most of it): the image's own resolution, pixels per
    /// inch. OCR draws the page at this resolution rather than resampling the scan.
    pub scan_dpi: Option<f32>,
}

/// Everything an engine extracted from one PDF.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PdfText {
    /// Pages in order.
    pub pages: Vec<Page>,
    /// Font names referenced by [`Word::font`].
    pub fonts: Vec<String>,
    /// Producer, dates, incremental updates, per-page fonts, findings.
    pub forensics: Forensics,
}

/// Bounds on what one PDF may cost. Every limit breached is a clear error, never a hang.
#[derive(Clone, Debug)]
pub struct PdfLimits {
    /// Most pages read.
    pub max_pages: u32,
    /// Most words on one page.
    pub max_words_per_page: usize,
    /// Largest ratio of decompressed stream bytes to file bytes (zip-bomb guard).
    pub max_decompression_ratio: u32,
    /// Wall-clock budget for the whole extraction, in milliseconds.
    pub time_budget_ms: u64,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            max_pages: 500,
            max_words_per_page: 20_000,
            max_decompression_ratio: 200,
            time_budget_ms: 60_000,
        }
    }
}

/// Something that can turn PDF bytes into positioned words.
///
/// Implementations report a missing or wrong password as [`IngestError::PdfPasswordRequired`] /
/// [`IngestError::PdfPasswordIncorrect`], and a broken file as `Malformed`.
pub trait PdfEngine: Debug + Send + Sync {
    /// Extracts the words of every page (OCR for image-only pages, when the engine can).
    fn extract(
        &self,
        bytes: &[u8],
        password: Option<&str>,
        limits: &PdfLimits,
    ) -> Result<PdfText, IngestError>;

    /// Draws the given pages (1-based) at `dpi` as grayscale, handing each to `sink` as soon as
    /// it is drawn: the pages of a scanned PDF, for OCR. Engines that cannot draw say so.
    fn render(
        &self,
        bytes: &[u8],
        password: Option<&str>,
        pages: &[u32],
        dpi: f32,
        sink: &mut RenderSink<'_>,
    ) -> Result<(), IngestError> {
        let _ = (bytes, password, pages, dpi, sink);
        Err(IngestError::OcrUnavailable(
            "this PDF engine cannot draw pages for OCR".to_owned(),
        ))
    }
}
