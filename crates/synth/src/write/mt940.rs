//! Placeholder: the mt940 writer is being written.

use ledgerlens_core::Statement;

/// Writes MT940.
pub fn write(_statement: &Statement) -> Vec<u8> {
    Vec::new()
}

/// The SWIFT "x" character set transliteration of a text.
pub fn swift_charset(text: &str) -> String {
    text.to_owned()
}
