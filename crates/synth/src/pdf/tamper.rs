//! Forgery for the forensics tests: the edit a fraudster makes with a PDF editor — one amount
//! changed and saved as an incremental update appended after the original `%%EOF`, so the
//! original bytes stay intact and a new content stream, xref section and trailer (with `/Prev`)
//! follow them.
//!
//! This reads only what [`super::render`] writes (classic xref tables, one text-showing operator
//! per line); it is not a general PDF editor.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

use super::fonts::{Font, encode};
use super::writer::literal;

/// Why a file could not be tampered with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TamperError {
    /// Encrypted files would need the key; forge before encrypting instead.
    Encrypted,
    /// The file is not one this generator wrote.
    Malformed(&'static str),
    /// No page draws the text to replace.
    NotFound,
}

impl std::fmt::Display for TamperError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TamperError::Encrypted => f.write_str("cannot tamper with an encrypted PDF"),
            TamperError::Malformed(what) => write!(f, "not a PDF this generator wrote: {what}"),
            TamperError::NotFound => f.write_str("no page draws that text"),
        }
    }
}

impl std::error::Error for TamperError {}

/// Largest stream inflated while searching (our pages are a few tens of kB).
const MAX_STREAM: u64 = 64 << 20;

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The integer after `/Key ` in a dictionary's text.
fn int_after(text: &str, key: &str) -> Option<usize> {
    let rest = text.get(text.find(key)? + key.len()..)?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Object offsets of one xref section (newest definition wins across sections) and its trailer.
fn read_xref(
    pdf: &[u8],
    at: usize,
    offsets: &mut Vec<Option<usize>>,
) -> Result<String, TamperError> {
    let bad = TamperError::Malformed;
    let tail = pdf.get(at..).ok_or(bad("startxref beyond the end"))?;
    let trailer_at = find(tail, b"trailer", 0).ok_or(bad("no trailer"))?;
    let table = std::str::from_utf8(tail.get(..trailer_at).ok_or(bad("xref"))?)
        .map_err(|_| bad("xref is not text"))?;
    let mut lines = table.lines();
    if lines.next().map(str::trim) != Some("xref") {
        return Err(bad("startxref does not point at an xref table"));
    }
    let mut current: Option<(usize, usize)> = None;
    for line in lines {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match (parts.as_slice(), current) {
            ([start, count], _) => {
                current = Some((
                    start.parse().map_err(|_| bad("xref subsection"))?,
                    count.parse().map_err(|_| bad("xref subsection"))?,
                ));
            }
            ([offset, _, kind], Some((number, remaining))) if remaining > 0 => {
                if offsets.len() <= number {
                    offsets.resize(number + 1, None);
                }
                if let Some(slot) = offsets.get_mut(number)
                    && slot.is_none()
                    && *kind == "n"
                {
                    *slot = offset.parse().ok();
                }
                current = Some((number + 1, remaining - 1));
            }
            _ => {}
        }
    }
    let trailer_tail = tail.get(trailer_at..).unwrap_or_default();
    let end = find(trailer_tail, b"startxref", 0).unwrap_or(trailer_tail.len());
    Ok(String::from_utf8_lossy(trailer_tail.get(..end).unwrap_or_default()).into_owned())
}

/// The stream data of the object at `offset`, inflated when it is FlateDecode.
fn stream_at(pdf: &[u8], offset: usize) -> Option<(String, Vec<u8>)> {
    let dict_end = find(pdf, b"stream\n", offset)?;
    let header = String::from_utf8_lossy(pdf.get(offset..dict_end)?).into_owned();
    if header.contains("endobj") {
        return None;
    }
    let length = int_after(&header, "/Length")?;
    let data = pdf.get(dict_end + 7..dict_end + 7 + length)?;
    if header.contains("/FlateDecode") {
        let mut out = Vec::new();
        ZlibDecoder::new(data)
            .take(MAX_STREAM)
            .read_to_end(&mut out)
            .ok()?;
        Some((header, out))
    } else {
        Some((header, data.to_vec()))
    }
}

/// Replaces the text in one `BT /Fn size Tf x y Td (text) Tj ET` line, moving x so that the
/// right edge stays where it was (amounts are right-aligned; a careful forger keeps them so).
pub(crate) fn edit_line(line: &str, old: &str, new: &str) -> String {
    let old_literal = literal(&encode(old));
    let new_literal = literal(&encode(new));
    let replaced = line.replacen(&old_literal, &new_literal, 1);
    let parts: Vec<&str> = line.split(' ').collect();
    let (Some(font), Some(size), Some(x)) = (
        parts.get(1).and_then(|r| {
            Font::ALL
                .into_iter()
                .find(|f| r.strip_prefix('/') == Some(f.resource()))
        }),
        parts.get(2).and_then(|s| s.parse::<f32>().ok()),
        parts.get(4).and_then(|s| s.parse::<f32>().ok()),
    ) else {
        return replaced;
    };
    if parts.get(6) != Some(&"Td") {
        return replaced;
    }
    let shift = font.text_width(old, size) - font.text_width(new, size);
    let mut out: Vec<String> = replaced.split(' ').map(str::to_owned).collect();
    if let Some(slot) = out.get_mut(4) {
        *slot = format!("{:.2}", x + shift);
    }
    out.join(" ")
}

/// Appends an incremental update that redraws the first occurrence of `old` (a whole text
/// string on the page, typically an amount) as `new`.
pub fn tamper(pdf: &[u8], old: &str, new: &str) -> Result<Vec<u8>, TamperError> {
    let bad = TamperError::Malformed;
    let start_at = rfind(pdf, b"startxref").ok_or(bad("no startxref"))?;
    let xref_at = int_after(
        &String::from_utf8_lossy(pdf.get(start_at..).unwrap_or_default()),
        "startxref",
    )
    .ok_or(bad("startxref offset"))?;
    let mut offsets = Vec::new();
    let trailer = read_xref(pdf, xref_at, &mut offsets)?;
    let mut previous = int_after(&trailer, "/Prev");
    let mut guard = 0;
    while let Some(at) = previous {
        let older = read_xref(pdf, at, &mut offsets)?;
        previous = int_after(&older, "/Prev");
        guard += 1;
        if guard > 1000 {
            return Err(bad("xref /Prev chain loops"));
        }
    }
    if trailer.contains("/Encrypt") {
        return Err(TamperError::Encrypted);
    }
    let needle = format!("{} Tj", literal(&encode(old)));
    for (number, offset) in offsets.iter().enumerate() {
        let Some(offset) = *offset else { continue };
        let Some((header, content)) = stream_at(pdf, offset) else {
            continue;
        };
        if header.contains("/Type") {
            continue;
        }
        let text = String::from_utf8_lossy(&content);
        if !text.contains(&needle) {
            continue;
        }
        let mut edited = String::with_capacity(text.len() + 16);
        let mut done = false;
        for line in text.lines() {
            if !done && line.contains(&needle) {
                edited.push_str(&edit_line(line, old, new));
                done = true;
            } else {
                edited.push_str(line);
            }
            edited.push('\n');
        }
        let compressed = header.contains("/FlateDecode");
        let body = if compressed {
            let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
            encoder
                .write_all(edited.as_bytes())
                .and_then(|()| encoder.finish())
                .map_err(|_| bad("deflate"))?
        } else {
            edited.into_bytes()
        };
        let mut out = pdf.to_vec();
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        let object_at = out.len();
        let filter = if compressed {
            " /Filter /FlateDecode"
        } else {
            ""
        };
        let _ = write!(
            out,
            "{number} 0 obj\n<< /Length {}{filter} >>\nstream\n",
            body.len()
        );
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        let new_xref = out.len();
        let size = int_after(&trailer, "/Size").ok_or(bad("trailer /Size"))?;
        let mut tail =
            format!("xref\n{number} 1\n{object_at:010} 00000 n \ntrailer\n<< /Size {size}");
        for key in ["/Root", "/Info"] {
            if let Some(target) = int_after(&trailer, key) {
                let _ = write!(tail, " {key} {target} 0 R");
            }
        }
        if let Some(id) = trailer
            .find("/ID")
            .and_then(|i| trailer.get(i..))
            .and_then(|rest| rest.find(']').and_then(|end| rest.get(..=end)))
        {
            let _ = write!(tail, " {id}");
        }
        let _ = write!(tail, " /Prev {xref_at} >>\nstartxref\n{new_xref}\n%%EOF\n");
        out.extend_from_slice(tail.as_bytes());
        return Ok(out);
    }
    Err(TamperError::NotFound)
}
