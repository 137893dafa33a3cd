//! Placeholder: the camt parser is being written.

use ledgerlens_core::Format;

use crate::{IngestError, Input, Parsed};

/// Parses a camt file.
pub fn parse(_input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported {
        format: Format::Csv,
        detail: "camt parser not written yet".to_owned(),
    })
}
