//! What both engines share once a page's glyphs are read: the font table, the errors of the
//! limits (the same words whichever engine hit them, so a user sees one message), and the
//! assembly of [`PdfText`] after forensics.

use std::collections::HashMap;

use ledgerlens_core::Format;
use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::pdf::{Page, PdfText};

use crate::forensics::{self, DocumentFacts, PageFacts};

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
