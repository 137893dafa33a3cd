//! Placeholder: the excel writer is being written.

use ledgerlens_core::Statement;

/// Writes an XLSX workbook.
pub fn write(_statement: &Statement) -> Vec<u8> {
    Vec::new()
}
