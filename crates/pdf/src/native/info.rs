//! The document information dictionary, as pdfium's metadata calls read it.

use std::rc::Rc;

use super::document::Document;
use super::object::{Dict, Object};
use crate::forensics::DocumentFacts;

pub(super) fn document_facts(
    doc: &Document<'_>,
    trailer: &Dict<'_>,
    pages: usize,
) -> DocumentFacts {
    let info = match trailer.get(b"Info") {
        Object::Ref(r) => doc.get(*r).ok(),
        _ => None,
    };
    let info = info.as_deref().and_then(Object::as_dict);
    let tag = |key: &[u8]| -> Option<String> {
        let value = info?.get(key);
        let resolved = match value {
            Object::Ref(r) => doc.get(*r).ok()?,
            other => Rc::new(other.clone()),
        };
        let Object::Str(bytes) = resolved.as_ref() else {
            return None;
        };
        let text = text_string(bytes);
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    };
    DocumentFacts {
        producer: tag(b"Producer"),
        creator: tag(b"Creator"),
        created: tag(b"CreationDate"),
        modified: tag(b"ModDate"),
        encrypted: false,
        pages: u32::try_from(pages).unwrap_or(u32::MAX),
    }
}

/// PDFDocEncoding codes 0x80..=0x9F (0xAD and 0x7F are undefined there).
const PDF_DOC_HIGH: [u16; 32] = [
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212, 0x2030,
    0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141, 0x0152, 0x0160,
    0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD,
];

/// A text string: UTF-16BE with its byte-order mark, otherwise PDFDocEncoding.
fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units = rest.chunks(2).map(|c| match c {
            [a, b] => u16::from(*a) << 8 | u16::from(*b),
            [a] => u16::from(*a) << 8,
            _ => 0,
        });
        return char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect();
    }
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => PDF_DOC_HIGH
                .get(usize::from(b - 0x80))
                .and_then(|&u| char::from_u32(u32::from(u)))
                .unwrap_or('\u{FFFD}'),
            _ => char::from(b),
        })
        .collect()
}
