//! Placeholder: the delimited parser is being written.

use ledgerlens_core::Format;

use crate::{Input, IngestError, Parsed};

/// Parses a delimited file.
pub fn parse(_input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported { format: Format::Csv, detail: "delimited parser not written yet".to_owned() })
}

/// True when the text looks like delimited rows.
pub fn sniff(_text: &str) -> bool {
    false
}
