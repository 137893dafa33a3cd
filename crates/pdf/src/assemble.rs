//! What both engines share once a page's glyphs are read: the font table, the errors of the
//! limits (the same words whichever engine hit them, so a user sees one message), and the
//! assembly of [`PdfText`] after forensics.

use std::collections::HashMap;

use ledgerlens_core::Format;
use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::pdf::{Page, PdfText};

use crate::forensics::garbage::TextLayerStats;
use crate::forensics::overlay::Rect;
use crate::forensics::{self, DocumentFacts, PageFacts};
use crate::words::BuiltWord;

/// Font names of the document, each once, in first-use order; indexed by
/// [`ledgerlens_ingest::pdf::Word::font`].
#[derive(Debug, Default)]
pub(crate) struct FontTable {
    pub(crate) names: Vec<String>,
    index: HashMap<String, u16>,
}

impl FontTable {
    /// The index of `name`, added if new; `None` past 65 536 fonts.
    pub(crate) fn index_of(&mut self, name: &str) -> Option<u16> {
        if let Some(&i) = self.index.get(name) {
            return Some(i);
        }
        let i = u16::try_from(self.names.len()).ok()?;
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        Some(i)
    }
}

pub(crate) fn malformed(location: Option<String>, detail: impl Into<String>) -> IngestError {
    IngestError::malformed(Format::Pdf, location, detail)
}

pub(crate) fn page_location(number: u32) -> Option<String> {
    Some(format!("page {number}"))
}

pub(crate) fn too_many_pages(pages: u32, max: u32) -> IngestError {
    malformed(
        None,
        format!("the PDF has {pages} pages, over the limit of {max}"),
    )
}

pub(crate) fn too_many_words(page: u32, max: usize) -> IngestError {
    malformed(
        page_location(page),
        format!("the page has more than {max} words, over the limit"),
    )
}

pub(crate) fn over_time(page: u32, budget_ms: u64) -> IngestError {
    malformed(
        page_location(page),
        format!("reading the PDF took longer than the {budget_ms} ms budget"),
    )
}

/// One page as both engines hand it on: the page, whose words [`assemble`] fills in, and what
/// forensics reads of it. `images` are the page's image objects with their size in pixels when
/// known.
pub(crate) fn page_parts(
    number: u32,
    width: f32,
    height: f32,
    words: Vec<BuiltWord>,
    images: Vec<(Rect, Option<(u32, u32)>)>,
    text_layer: TextLayerStats,
) -> (Page, PageFacts) {
    let page = Page {
        number,
        width,
        height,
        words: Vec::new(),
        ocr: false,
        scan_dpi: scan_dpi(width * height, &images),
    };
    let facts = PageFacts {
        number,
        area: width * height,
        words,
        images: images.into_iter().map(|(rect, _)| rect).collect(),
        text_layer,
    };
    (page, facts)
}

/// The resolution of a scanned page: the pixels per inch of the largest image, when it covers at
/// least half of the page (a scanner's or a phone's "save as PDF" places one image over the whole
/// page). OCR draws the page at this resolution: resampling a scan to any other one blurs or
/// blocks its glyphs, which costs far more digits than the extra pixels could win.
fn scan_dpi(page_area: f32, images: &[(Rect, Option<(u32, u32)>)]) -> Option<f32> {
    let area = |r: &Rect| (r.x1 - r.x0).abs() * (r.y1 - r.y0).abs();
    let (rect, (w, h)) = images
        .iter()
        .filter_map(|(r, px)| px.map(|px| (r, px)))
        .max_by(|a, b| area(a.0).total_cmp(&area(b.0)))?;
    let covered = area(rect);
    if !(covered.is_finite() && covered > 0.0 && covered * 2.0 >= page_area) {
        return None;
    }
    // Pixels per square inch, whatever quarter turn the image is placed at.
    #[allow(clippy::cast_precision_loss)]
    let pixels = w as f32 * h as f32;
    let dpi = (pixels / (covered / (72.0 * 72.0))).sqrt();
    dpi.is_finite().then_some(dpi)
}

/// Runs forensics over the pages' facts, then moves each page's words into it (moved, not
/// copied: forensics reads them first).
pub(crate) fn assemble(
    bytes: &[u8],
    document: DocumentFacts,
    mut pages: Vec<Page>,
    page_facts: Vec<PageFacts>,
    fonts: FontTable,
) -> PdfText {
    let forensics = forensics::assess(bytes, document, &page_facts, &fonts.names);
    for (page, facts) in pages.iter_mut().zip(page_facts) {
        page.words = facts.words.into_iter().map(|w| w.word).collect();
    }
    PdfText {
        pages,
        fonts: fonts.names,
        forensics,
    }
}
