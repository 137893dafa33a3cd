//! Placeholder: the qif parser is being written.

use ledgerlens_core::Format;

use crate::{Input, IngestError, Parsed};

/// Parses a qif file.
pub fn parse(_input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported { format: Format::Csv, detail: "qif parser not written yet".to_owned() })
}
