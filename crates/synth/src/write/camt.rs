//! Placeholder: the camt writer is being written.

use ledgerlens_core::Statement;

/// Writes camt.053.
pub fn write(_statement: &Statement) -> Vec<u8> {
    Vec::new()
}
