//! A minimal PDF writer: numbered objects, content streams, a classic cross-reference table and
//! trailer. Only what statements need — no object streams, no xref streams — so that the output
//! is easy to inspect and to tamper with by appending an incremental update.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use super::encrypt::SecurityHandler;
use super::fonts::{Font, encode};

/// Drawing operations of one page, in PDF coordinates (origin bottom-left).
#[derive(Clone, Debug, Default)]
pub struct Canvas {
    ops: String,
    fonts: BTreeSet<Font>,
}

/// Two decimals are plenty for positions and keep streams byte-stable across platforms.
pub(crate) fn num(value: f32) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A literal string operand: parentheses and backslashes escaped, bytes outside printable
/// ASCII written as octal escapes so uncompressed streams stay readable.
pub fn literal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push(')');
    out
}

impl Canvas {
    /// The content stream text so far.
    pub fn content(&self) -> &str {
        &self.ops
    }

    /// Text whose left edge is at `x` and baseline at `y`.
    pub fn text(&mut self, font: Font, size: f32, x: f32, y: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.fonts.insert(font);
        let _ = writeln!(
            self.ops,
            "BT /{} {} Tf {} {} Td {} Tj ET",
            font.resource(),
            num(size),
            num(x),
            num(y),
            literal(&encode(text))
        );
    }

    /// Text whose right edge is at `right`, using the font's glyph widths.
    pub fn text_right(&mut self, font: Font, size: f32, right: f32, y: f32, text: &str) {
        let x = right - font.text_width(text, size);
        self.text(font, size, x, y, text);
    }

    /// Text centred on `x`.
    pub fn text_centered(&mut self, font: Font, size: f32, x: f32, y: f32, text: &str) {
        let left = x - font.text_width(text, size) / 2.0;
        self.text(font, size, left, y, text);
    }

    /// A straight rule.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let _ = writeln!(
            self.ops,
            "{} w {} {} m {} {} l S",
            num(width),
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }

    /// A filled grey rectangle (shading behind header rows).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, gray: f32) {
        let _ = writeln!(
            self.ops,
            "q {} g {} {} {} {} re f Q",
            num(gray),
            num(x),
            num(y),
            num(w),
            num(h)
        );
    }
}

/// One finished page.
#[derive(Clone, Debug)]
pub struct PageOut {
    /// Media box width in points.
    pub width: f32,
    /// Media box height in points.
    pub height: f32,
    /// What is drawn.
    pub canvas: Canvas,
}

/// Document information written to `/Info`.
#[derive(Clone, Debug)]
pub struct Info {
    /// Title.
    pub title: String,
    /// Application that made the document.
    pub creator: String,
    /// Library that wrote the PDF.
    pub producer: String,
    /// `D:YYYYMMDDHHmmSS+HH'mm'`.
    pub created: String,
    /// Same format.
    pub modified: String,
}

/// Bytes being written, with the offset of each object. Shared with the scanner's image-only
/// PDFs (`crate::scan`) so that there is one xref writer.
pub(crate) struct Objects {
    out: Vec<u8>,
    offsets: Vec<usize>,
    security: Option<SecurityHandler>,
    compress: bool,
}

impl Objects {
    /// A document with its header written and no objects yet.
    pub(crate) fn new(security: Option<SecurityHandler>, compress: bool) -> Self {
        Objects {
            out: b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
            offsets: Vec::new(),
            security,
            compress,
        }
    }

    /// The number the next object will get, for forward references.
    pub(crate) fn next_number(&self) -> u32 {
        u32::try_from(self.offsets.len() + 1).unwrap_or(u32::MAX)
    }

    fn begin(&mut self) -> u32 {
        let number = self.next_number();
        self.offsets.push(self.out.len());
        let _ = writeln!(self.out, "{number} 0 obj");
        number
    }

    /// An object that is not a stream.
    pub(crate) fn plain(&mut self, body: &str) -> u32 {
        let number = self.begin();
        let _ = write!(self.out, "{body}\nendobj\n");
        number
    }

    fn string(&mut self, number: u32, text: &str) -> String {
        let bytes = encode(text);
        match &mut self.security {
            Some(handler) => {
                let encrypted = handler.encrypt(number, &bytes);
                let hex: String = encrypted.iter().map(|b| format!("{b:02X}")).collect();
                format!("<{hex}>")
            }
            None => literal(&bytes),
        }
    }

    fn stream(&mut self, data: &[u8]) -> u32 {
        self.stream_with("", data)
    }

    /// A stream whose dictionary carries `entries` (each with a leading space) after `/Length`
    /// and the filter, compressed when the document compresses.
    pub(crate) fn stream_with(&mut self, entries: &str, data: &[u8]) -> u32 {
        let (filter, body) = if self.compress {
            let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
            match encoder.write_all(data).and_then(|()| encoder.finish()) {
                Ok(z) => (" /Filter /FlateDecode", z),
                Err(_) => ("", data.to_vec()),
            }
        } else {
            ("", data.to_vec())
        };
        self.raw_stream(&format!("{filter}{entries}"), body)
    }

    /// A stream written as given: `body` is already encoded as `entries` declare (a JPEG with
    /// `/Filter /DCTDecode`, say).
    pub(crate) fn raw_stream(&mut self, entries: &str, body: Vec<u8>) -> u32 {
        let number = self.next_number();
        let body = match &mut self.security {
            Some(handler) => handler.encrypt(number, &body),
            None => body,
        };
        self.begin();
        let _ = write!(self.out, "<< /Length {}{entries} >>\nstream\n", body.len());
        self.out.extend_from_slice(&body);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
        number
    }

    /// The cross-reference table and trailer: the finished file.
    pub(crate) fn finish(
        mut self,
        catalog: u32,
        info: u32,
        id: &[u8; 16],
        encrypt: Option<u32>,
    ) -> Vec<u8> {
        let xref_at = self.out.len();
        let size = self.offsets.len() + 1;
        let mut tail = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for offset in &self.offsets {
            let _ = writeln!(tail, "{offset:010} 00000 n ");
        }
        let id_hex: String = id.iter().map(|b| format!("{b:02X}")).collect();
        let _ = write!(
            tail,
            "trailer\n<< /Size {size} /Root {catalog} 0 R /Info {info} 0 R /ID [<{id_hex}> <{id_hex}>]{} >>\nstartxref\n{xref_at}\n%%EOF\n",
            encrypt
                .map(|n| format!(" /Encrypt {n} 0 R"))
                .unwrap_or_default()
        );
        self.out.extend_from_slice(tail.as_bytes());
        self.out
    }
}

/// Writes a whole document: catalog, page tree, fonts, pages, info, encryption.
pub fn assemble(
    pages: &[PageOut],
    info: &Info,
    id: &[u8; 16],
    security: Option<SecurityHandler>,
    compress: bool,
) -> Vec<u8> {
    let mut objects = Objects::new(security, compress);
    let page_count = pages.len();
    // Fixed numbering: 1 catalog, 2 page tree, 3.. fonts, then a page and its contents per page.
    let catalog = objects.plain("<< /Type /Catalog /Pages 2 0 R >>");
    let first_page = 3 + Font::ALL.len();
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    objects.plain(&format!(
        "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
        kids.join(" ")
    ));
    for font in Font::ALL {
        objects.plain(&format!(
            "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>",
            font.base_name()
        ));
    }
    for page in pages {
        let page_number = objects.next_number();
        let fonts: Vec<String> = Font::ALL
            .iter()
            .enumerate()
            .filter(|(_, f)| page.canvas.fonts.contains(f))
            .map(|(i, f)| format!("/{} {} 0 R", f.resource(), 3 + i))
            .collect();
        objects.plain(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << {} >> \
             /ProcSet [/PDF /Text] >> /Contents {} 0 R >>",
            num(page.width),
            num(page.height),
            fonts.join(" "),
            page_number + 1
        ));
        objects.stream(page.canvas.ops.as_bytes());
    }
    let info_number = objects.next_number();
    let entries = [
        ("Title", &info.title),
        ("Creator", &info.creator),
        ("Producer", &info.producer),
        ("CreationDate", &info.created),
        ("ModDate", &info.modified),
    ];
    let body: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("/{key} {}", objects.string(info_number, value)))
        .collect();
    objects.plain(&format!("<< {} >>", body.join(" ")));
    let encrypt = objects
        .security
        .as_ref()
        .map(|h| h.dictionary().to_owned())
        .map(|dictionary| objects.plain(&dictionary));

    objects.finish(catalog, info_number, id, encrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_strings_escape_delimiters_and_high_bytes() {
        assert_eq!(literal(b"a(b)c\\"), "(a\\(b\\)c\\\\)");
        assert_eq!(literal(&[0xE9, b'x']), "(\\351x)");
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1.23456), "1.23");
    }

    #[test]
    fn the_xref_table_points_at_every_object() {
        let mut canvas = Canvas::default();
        canvas.text(Font::Helvetica, 9.0, 10.0, 20.0, "Balance B/F");
        let page = PageOut {
            width: 595.0,
            height: 842.0,
            canvas,
        };
        let info = Info {
            title: "t".into(),
            creator: "c".into(),
            producer: "p".into(),
            created: "D:20240101000000Z".into(),
            modified: "D:20240101000000Z".into(),
        };
        let pdf = assemble(&[page], &info, &[1; 16], None, false);
        let text = String::from_utf8_lossy(&pdf[15..]);
        assert!(pdf.starts_with(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"));
        let text = format!("{}{text}", " ".repeat(15));
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref_at..].starts_with("xref\n0 10\n"));
        for (i, line) in text[xref_at..].lines().skip(3).take(9).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
                "{line}"
            );
        }
        assert!(text.contains("BT /F1 9 Tf 10 20 Td (Balance B/F) Tj ET"));
        assert!(text.contains("/Font << /F1 3 0 R >>"));
    }
}
