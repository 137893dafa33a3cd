//! Format detection from content. Binary signatures first, then the text's own markers; a
//! delimited-text guess comes last because almost anything looks like a one-column CSV.

use ledgerlens_core::Format;

use crate::error::IngestError;
use crate::formats;
use crate::text::decode;

/// How much of the start of a file the markers are looked for in.
const HEAD_BYTES: usize = 64 * 1024;

/// True for formats parsed from decoded text.
pub fn is_text(format: Format) -> bool {
    !matches!(
        format,
        Format::Xlsx | Format::Xls | Format::Pdf | Format::Image
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Detects the format of a file.
pub fn detect(bytes: &[u8]) -> Result<Format, IngestError> {
    let head = bytes.get(..bytes.len().min(HEAD_BYTES)).unwrap_or(bytes);
    if contains(head.get(..head.len().min(1024)).unwrap_or(head), b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if crate::pdf::ocr::is_image(head) {
        return Ok(Format::Image);
    }
    if head.starts_with(b"PK\x03\x04") {
        return if contains(head, b"xl/") || contains(bytes, b"xl/workbook") {
            Ok(Format::Xlsx)
        } else {
            Err(IngestError::UnknownFormat(
                "a ZIP archive that is not an Excel workbook".to_owned(),
            ))
        };
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    let (text, _) = decode(head).or_else(|_| decode(bytes))?;
    detect_text(&text).ok_or_else(|| {
        IngestError::UnknownFormat(
            "not CSV, Excel, QIF, OFX, MT940, CAMT or a known aggregator JSON".to_owned(),
        )
    })
}

/// Detects a text format from (the start of) its text.
pub fn detect_text(text: &str) -> Option<Format> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let upper_head: String = trimmed
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_uppercase();
    // `<OFC>`: Microsoft Open Financial Connectivity, OFX's SGML predecessor, read by the OFX reader.
    if upper_head.contains("OFXHEADER")
        || upper_head.contains("<OFX>")
        || upper_head.contains("<OFX ")
        || upper_head.starts_with("<OFC>")
    {
        let xml = upper_head.starts_with("<?XML") || upper_head.contains("<?OFX");
        return Some(if xml { Format::Ofx2 } else { Format::Ofx1 });
    }
    if trimmed.starts_with('<') {
        let head: String = trimmed.chars().take(4096).collect();
        if head.contains("camt.05")
            || head.contains("BkToCstmrStmt")
            || head.contains("BkToCstmrAcctRpt")
        {
            return Some(Format::Camt053);
        }
        return None;
    }
    if trimmed.starts_with("{1:") {
        // A SWIFT basic header block, not JSON.
        return formats::mt940::sniff(trimmed);
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return formats::json::sniff(trimmed);
    }
    if upper_head.starts_with("!TYPE:")
        || upper_head.starts_with("!ACCOUNT")
        || upper_head.starts_with("!OPTION")
    {
        return Some(Format::Qif);
    }
    if let Some(format) = formats::mt940::sniff(trimmed) {
        return Some(format);
    }
    if formats::delimited::sniff(trimmed) {
        return Some(Format::Csv);
    }
    None
}
