//! Positioned words to statements. (Being written: issue 3.)

use ledgerlens_core::Format;

use super::PdfText;
use crate::{IngestError, Parsed};

/// Rebuilds the statements printed on the pages.
pub fn read(_text: PdfText) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported {
        format: Format::Pdf,
        detail: "the PDF table reader is not in this build yet".to_owned(),
    })
}
