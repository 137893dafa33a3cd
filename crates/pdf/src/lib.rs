//! The PDF engine of ledgerlens: positioned words and document forensics from text PDFs.
//!
//! The engine the product uses is [`TextPdfEngine`]: our own pure-Rust text-layer extractor
//! ([`native`]) reads the document when it can, and hands it whole to pdfium when it cannot.
//! Why our own: pdfium spends most of a text statement's time loading pages and text pages and
//! answering six calls per glyph behind a process-wide lock, while a statement needs only each
//! glyph's Unicode, box, font and size; the native extractor reads those lazily, one pass per
//! content stream, without a lock, several times faster. It reproduces what pdfium reports —
//! the same characters in the same order (pdfium's ordering of text objects on a line and its
//! generated spaces included), the same font names and sizes, the same loose glyph boxes (to
//! within the overhang of a glyph's outline past its advance, under 0.1 pt) — so words,
//! ledgers and forensics come out identical (`tests/it/native.rs` proves it on every synthetic
//! layout and variant and on the corpus). It declines, and pdfium reads the file, on
//! encryption, Type 3 fonts, composite fonts other than Identity-H with a ToUnicode map,
//! unknown encodings or glyph names, fonts without widths or metrics, filters other than
//! Flate/ASCIIHex/ASCII85, page trees it cannot trust and damage it cannot repair; see the
//! [`native`] module for the list. Drawing pages for OCR is always pdfium's.
//!
//! [`PdfiumEngine`] implements [`ledgerlens_ingest::pdf::PdfEngine`] over libpdfium (Apache/BSD),
//! bound at run time so the build needs no C++ toolchain: `scripts/ensure-pdfium` puts the
//! library from the `pypdfium2` wheel in `~/.cache/ledgerlens/pdfium/`. Everything that does not
//! need pdfium — building words from glyphs ([`words`]) and every forensic rule ([`forensics`]) —
//! is pure code over our own structs, tested without the library.

mod assemble;
pub mod engine;
pub mod forensics;
pub mod frame;
pub mod native;
pub mod text_engine;
pub mod words;

pub use engine::{CACHED_LIBRARY, LoadError, PDFIUM_ENV, PdfiumEngine};
pub use text_engine::TextPdfEngine;
