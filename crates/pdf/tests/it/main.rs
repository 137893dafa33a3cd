//! Integration tests of the pdfium engine on real PDFs.

mod support;
