//! Placeholder: the mt940 parser is being written.

use ledgerlens_core::Format;

use crate::{IngestError, Input, Parsed};

/// Parses a mt940 file.
pub fn parse(_input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported {
        format: Format::Csv,
        detail: "mt940 parser not written yet".to_owned(),
    })
}

/// Detects MT940/MT942 text.
pub fn sniff(_text: &str) -> Option<Format> {
    None
}
