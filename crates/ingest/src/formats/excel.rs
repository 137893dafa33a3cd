//! Placeholder: the Excel reader is being written.

use ledgerlens_core::Format;

use crate::{Input, IngestError, Parsed};

/// Parses an XLSX or XLS workbook.
pub fn parse(format: Format, _input: &Input<'_>) -> Result<Parsed, IngestError> {
    Err(IngestError::Unsupported { format, detail: "excel parser not written yet".to_owned() })
}
