//! Placeholder: the json writer is being written.

use ledgerlens_core::Statement;

use super::OutputFormat;

/// Writes an aggregator JSON document.
pub fn write(_format: OutputFormat, _statement: &Statement) -> Vec<u8> {
    Vec::new()
}
