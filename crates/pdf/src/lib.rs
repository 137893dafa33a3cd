//! The PDF engine of ledgerlens: positioned words and document forensics from text PDFs.
//!
//! [`PdfiumEngine`] implements [`ledgerlens_ingest::pdf::PdfEngine`] over libpdfium (Apache/BSD),
//! bound at run time so the build needs no C++ toolchain: `scripts/ensure-pdfium` puts the
//! library from the `pypdfium2` wheel in `~/.cache/ledgerlens/pdfium/`. Everything that does not
//! need pdfium — building words from glyphs ([`words`]) and every forensic rule ([`forensics`]) —
//! is pure code over our own structs, tested without the library.

pub mod engine;
pub mod forensics;
pub mod frame;
pub mod words;

pub use engine::{CACHED_LIBRARY, LoadError, PDFIUM_ENV, PdfiumEngine};
