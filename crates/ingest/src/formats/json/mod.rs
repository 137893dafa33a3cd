//! Placeholder: aggregator JSON formats are being written.

use ledgerlens_core::Format;

use crate::{Input, IngestError, Parsed};

/// Detects which aggregator produced a JSON document.
pub fn sniff(_text: &str) -> Option<Format> {
    None
}

/// Parses an aggregator JSON document.
pub fn parse(format: Format, _input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported { format, detail: "json parser not written yet".to_owned() })
}
