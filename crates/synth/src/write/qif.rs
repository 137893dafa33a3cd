//! Placeholder: the qif writer is being written.

use ledgerlens_core::Statement;

/// Writes QIF.
pub fn write(_statement: &Statement) -> Vec<u8> {
    Vec::new()
}
