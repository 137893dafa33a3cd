//! Placeholder: the ofx parser is being written.

use ledgerlens_core::Format;

use crate::{Input, IngestError, Parsed};

/// Parses a ofx file.
pub fn parse(_input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported { format: Format::Csv, detail: "ofx parser not written yet".to_owned() })
}
