//! Our own text-layer extractor for text PDFs: pure Rust, no `unsafe`, no global lock.
//!
//! Why: libpdfium spends most of a text statement's time loading pages and text pages and
//! answering six calls per glyph behind a process-wide lock; a statement needs none of its
//! rendering machinery, only each glyph's Unicode, box, font and size. This module reads
//! exactly that — lazily, only the objects the pages need, each content stream in one pass —
//! and produces what the pdfium engine produces (same words, boxes, font names, forensics).
//!
//! What it reads: classic and stream cross-references (hybrid files, `/Prev` chains, object
//! streams; a broken table is rebuilt by scanning), FlateDecode (PNG/TIFF predictors),
//! ASCIIHex and ASCII85; simple fonts (WinAnsi/MacRoman/Standard + `/Differences`,
//! `/ToUnicode`, `/Widths`, and the standard fonts' metrics) and Identity-H composite fonts
//! with a `/ToUnicode` map; the text operators, `cm`/`q`/`Q`, form and image XObjects, inline
//! images; the page tree with inherited attributes.
//!
//! When it declines: anything else — encryption, Type 3 fonts, other CMaps or filters, a code
//! without Unicode, a page tree it cannot trust, damage it cannot repair. A decline is not an
//! error: [`crate::TextPdfEngine`] then hands the whole document to pdfium, so a declined file
//! reads exactly as before.

mod cmap;
mod content;
mod document;
mod encoding;
mod extract;
mod filters;
mod fonts;
mod info;
mod lexer;
mod metrics;
mod object;
mod pages;
mod spacing;
mod text_page;
mod xref;

pub use extract::{Outcome, extract};

/// Why the native extractor hands a document to pdfium.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decline {
    /// A feature we do not read (encryption, a font or filter kind).
    Unsupported(&'static str),
    /// Damage we could not repair.
    Malformed(&'static str),
    /// The decompressed data would exceed the limits' ratio (an error, not a hand-over).
    TooLarge,
    /// The time budget ran out inside a page (an error, not a hand-over).
    TimedOut,
}

impl std::fmt::Display for Decline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decline::Unsupported(what) => write!(f, "unsupported: {what}"),
            Decline::Malformed(what) => write!(f, "damaged: {what}"),
            Decline::TooLarge => f.write_str("decompresses beyond the size limit"),
            Decline::TimedOut => f.write_str("ran out of time"),
        }
    }
}
