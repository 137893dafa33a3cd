//! Turning bytes into text: UTF-8 (with or without BOM), UTF-16 (with BOM, or detected from the
//! pattern of zero bytes), and, when the bytes are not valid UTF-8, Windows-1252 — the superset of
//! Latin-1 that European bank exports actually use.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::error::IngestError;

/// The encoding a text was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, BOM stripped if present.
    Utf8,
    /// UTF-16 little endian.
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
    /// Windows-1252 (covers ISO-8859-1).
    Windows1252,
}

/// Detects UTF-16 without a BOM from alternating zero bytes in the first kilobyte.
fn sniff_utf16(bytes: &[u8]) -> Option<Encoding> {
    let head = bytes.get(..bytes.len().min(1024))?;
    if head.len() < 4 {
        return None;
    }
    let even_zeros = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zeros = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    if odd_zeros * 10 > half * 7 && even_zeros * 10 < half {
        Some(Encoding::Utf16Le)
    } else if even_zeros * 10 > half * 7 && odd_zeros * 10 < half {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Decodes bytes to text, choosing the encoding from the content.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), IngestError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (Cow::Borrowed(s), Encoding::Utf8))
            .map_err(|e| IngestError::Encoding(format!("invalid UTF-8 after a UTF-8 byte-order mark at byte {}", e.valid_up_to() + 3)));
    }
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some(Encoding::Utf16Le)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(Encoding::Utf16Be)
    } else {
        sniff_utf16(bytes)
    };
    if let Some(kind) = utf16 {
        let codec = if kind == Encoding::Utf16Le { UTF_16LE } else { UTF_16BE };
        let (text, had_errors) = codec.decode_with_bom_removal(bytes);
        if had_errors {
            return Err(IngestError::Encoding("invalid UTF-16 sequence".to_owned()));
        }
        return Ok((text, kind));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((Cow::Borrowed(s), Encoding::Utf8)),
        Err(_) => {
            if bytes.contains(&0) {
                return Err(IngestError::Encoding("binary content (NUL bytes) in a text file".to_owned()));
            }
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            Ok((text, Encoding::Windows1252))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_decodes_to_the_same_text() {
        let text = "Date;Libellé;Montant\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let mut le = b"\xFF\xFE".to_vec();
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let no_bom_le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (latin1, _, _) = WINDOWS_1252.encode(text);
        for (bytes, want) in [
            (text.as_bytes().to_vec(), Encoding::Utf8),
            (bom, Encoding::Utf8),
            (le, Encoding::Utf16Le),
            (no_bom_le, Encoding::Utf16Le),
            (be, Encoding::Utf16Be),
            (latin1.into_owned(), Encoding::Windows1252),
        ] {
            let (decoded, enc) = decode(&bytes).unwrap();
            assert_eq!(decoded, text);
            assert_eq!(enc, want);
        }
    }

    #[test]
    fn binary_garbage_is_an_encoding_error() {
        assert!(decode(b"\x00\xff\x00\xfe\x01\x80garbage\x00\x00\x00\x9f").is_err());
    }
}
