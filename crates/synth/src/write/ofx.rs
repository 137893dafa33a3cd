//! Placeholder: the ofx writer is being written.

use ledgerlens_core::Statement;

/// OFX flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// OFX 1.02 SGML.
    Sgml1,
    /// OFX 2.2 XML.
    Xml2,
}

/// Writes OFX.
pub fn write(_statement: &Statement, _version: Version) -> Vec<u8> {
    Vec::new()
}
