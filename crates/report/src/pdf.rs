//! A small PDF writer for the report: pages of vector drawing and text in two embedded
//! TrueType faces (Type 0 / Identity-H, with a ToUnicode map so text extracts and searches).
//!
//! Written here rather than taken from a PDF crate for the same reasons as the synthetic
//! statements' writer (`ledgerlens-synth`): no compile cost, and byte-for-byte deterministic
//! output — numbers are printed with two decimals, objects in a fixed order, no clock, no random
//! ids. Layout code works top-down (y grows downwards from the top edge, as on paper); the writer
//! flips to PDF's bottom-up space.

use std::fmt::Write as _;
use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::ReportError;
use crate::fonts::{Fonts, Style};

/// A4 width in points.
pub const PAGE_W: f32 = 595.0;
/// A4 height in points.
pub const PAGE_H: f32 = 842.0;

/// A colour, each channel 0–1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    /// From 0–255 channels.
    pub const fn hex(r: u8, g: u8, b: u8) -> Rgb {
        Rgb(r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0)
    }
}

/// Two decimals are plenty for positions and keep streams byte-stable.
pub(crate) fn num(value: f32) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The document being drawn.
#[derive(Debug)]
pub struct Doc {
    /// The faces, with the glyphs used so far.
    pub fonts: Fonts,
    pages: Vec<String>,
    current: usize,
}

impl Doc {
    /// An empty document.
    pub fn new() -> Result<Doc, ReportError> {
        Ok(Doc {
            fonts: Fonts::load()?,
            pages: Vec::new(),
            current: 0,
        })
    }

    /// Starts a page and draws on it from now on.
    pub fn new_page(&mut self) {
        self.pages.push(String::new());
        self.current = self.pages.len() - 1;
    }

    /// Draws on an earlier page (headers and footers, once the page count is known).
    pub fn set_page(&mut self, index: usize) {
        if index < self.pages.len() {
            self.current = index;
        }
    }

    /// Pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn push(&mut self, line: &str) {
        if self.pages.is_empty() {
            self.pages.push(String::new());
        }
        let index = self.current.min(self.pages.len() - 1);
        if let Some(page) = self.pages.get_mut(index) {
            page.push_str(line);
        }
    }

    /// Width of `text`.
    pub fn width(&self, style: Style, size: f32, text: &str) -> f32 {
        self.fonts.width(style, size, text)
    }

    /// Text with its left edge at `x` and baseline at `y` (from the top).
    pub fn text(&mut self, style: Style, size: f32, x: f32, y: f32, color: Rgb, text: &str) {
        if text.is_empty() {
            return;
        }
        let operand = self.fonts.encode(style, text);
        let font = match style {
            Style::Regular => "F1",
            Style::Bold => "F2",
        };
        let line = format!(
            "BT {} {} {} rg /{font} {} Tf 1 0 0 1 {} {} Tm {operand} Tj ET\n",
            num(color.0),
            num(color.1),
            num(color.2),
            num(size),
            num(x),
            num(PAGE_H - y)
        );
        self.push(&line);
    }

    /// Text whose right edge is at `right`.
    pub fn text_right(
        &mut self,
        style: Style,
        size: f32,
        right: f32,
        y: f32,
        color: Rgb,
        text: &str,
    ) {
        let x = right - self.width(style, size, text);
        self.text(style, size, x, y, color, text);
    }

    /// Text centred on `x`.
    pub fn text_center(&mut self, style: Style, size: f32, x: f32, y: f32, color: Rgb, text: &str) {
        let x = x - self.width(style, size, text) / 2.0;
        self.text(style, size, x, y, color, text);
    }

    /// A filled rectangle; `y` is its top edge.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb) {
        let line = format!(
            "{} {} {} rg {} {} {} {} re f\n",
            num(fill.0),
            num(fill.1),
            num(fill.2),
            num(x),
            num(PAGE_H - y - h),
            num(w),
            num(h)
        );
        self.push(&line);
    }

    /// A straight line.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: Rgb) {
        self.polyline(&[(x1, y1), (x2, y2)], width, color);
    }

    /// Connected segments.
    pub fn polyline(&mut self, points: &[(f32, f32)], width: f32, color: Rgb) {
        let Some(((x0, y0), rest)) = points.split_first() else {
            return;
        };
        let mut line = format!(
            "{} {} {} RG {} w 1 J 1 j {} {} m",
            num(color.0),
            num(color.1),
            num(color.2),
            num(width),
            num(*x0),
            num(PAGE_H - y0)
        );
        for (x, y) in rest {
            let _ = write!(line, " {} {} l", num(*x), num(PAGE_H - y));
        }
        line.push_str(" S\n");
        self.push(&line);
    }

    /// A filled polygon, clipped to a rectangle (`clip` = x, top, w, h).
    pub fn polygon_clipped(
        &mut self,
        points: &[(f32, f32)],
        fill: Rgb,
        clip: (f32, f32, f32, f32),
    ) {
        let Some(((x0, y0), rest)) = points.split_first() else {
            return;
        };
        let (cx, cy, cw, ch) = clip;
        let mut line = format!(
            "q {} {} {} {} re W n {} {} {} rg {} {} m",
            num(cx),
            num(PAGE_H - cy - ch),
            num(cw),
            num(ch),
            num(fill.0),
            num(fill.1),
            num(fill.2),
            num(*x0),
            num(PAGE_H - y0)
        );
        for (x, y) in rest {
            let _ = write!(line, " {} {} l", num(*x), num(PAGE_H - y));
        }
        line.push_str(" h f Q\n");
        self.push(&line);
    }

    /// The finished file.
    pub fn finish(self, title: &str, created: &str) -> Result<Vec<u8>, ReportError> {
        let Doc { fonts, pages, .. } = self;
        let mut w = Writer::default();
        let page_count = pages.len();
        // Fixed numbering: 1 catalog, 2 page tree, 3–12 the two fonts (five objects each),
        // 13 info, then a page and its content stream per page.
        let first_page = 14;
        w.plain("<< /Type /Catalog /Pages 2 0 R >>");
        let kids: Vec<String> = (0..page_count)
            .map(|i| format!("{} 0 R", first_page + 2 * i))
            .collect();
        w.plain(&format!(
            "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
            kids.join(" ")
        ));
        for loaded in &fonts.faces {
            let base = w.next();
            let face = &loaded.face;
            let used = Fonts::used_glyphs(loaded);
            let tag = subset_tag(&used);
            let name = format!("{tag}+{}", loaded.name);
            w.plain(&format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                base + 1,
                base + 4
            ));
            let widths: Vec<String> = used
                .iter()
                .map(|g| format!("{g} [{}]", num(face.advance(*g))))
                .collect();
            w.plain(&format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /DW 1000 /W [{}] /CIDToGIDMap /Identity >>",
                base + 2,
                widths.join(" ")
            ));
            let [x0, y0, x1, y1] = face.bbox;
            w.plain(&format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{} {} {} {}] \
                 /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 \
                 /FontFile2 {} 0 R >>",
                face.scale(x0),
                face.scale(y0),
                face.scale(x1),
                face.scale(y1),
                face.scale(face.ascent),
                face.scale(face.descent),
                face.scale(face.cap_height),
                base + 3
            ));
            let file = face.subset(&used)?;
            w.stream(&format!(" /Length1 {}", file.len()), &file);
            w.stream("", to_unicode(&loaded.used).as_bytes());
        }
        w.plain(&format!(
            "<< /Title {} /Producer (ledgerlens-report) /Creator (ledgerlens) \
             /CreationDate ({created}) /ModDate ({created}) >>",
            utf16_string(title)
        ));
        for (i, ops) in pages.iter().enumerate() {
            let number = first_page + 2 * i;
            w.plain(&format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
                 /Resources << /Font << /F1 3 0 R /F2 8 0 R >> /ProcSet [/PDF /Text] >> \
                 /Contents {} 0 R >>",
                num(PAGE_W),
                num(PAGE_H),
                number + 1
            ));
            w.stream("", ops.as_bytes());
        }
        Ok(w.finish(1, 13))
    }
}

/// Six capitals derived from the glyph set: the PDF convention for a subset font name, stable
/// for the same text.
fn subset_tag(used: &std::collections::BTreeSet<u16>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for glyph in used {
        for byte in glyph.to_be_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + u8::try_from((hash >> (i * 8)) % 26).unwrap_or(0)))
        .collect()
}

/// A string in UTF-16BE with a byte-order mark: any applicant name survives in the metadata.
fn utf16_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

/// The ToUnicode CMap: glyph id → the character drawn, so text can be extracted and searched.
fn to_unicode(used: &std::collections::BTreeMap<u16, char>) -> String {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for (glyph, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(out, "<{glyph:04X}> <{hex}>");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

/// Numbered objects with their offsets.
#[derive(Default)]
struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn next(&self) -> usize {
        self.offsets.len() + 1
    }

    fn begin(&mut self) {
        if self.out.is_empty() {
            self.out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        }
        let number = self.next();
        self.offsets.push(self.out.len());
        let _ = writeln!(self.out, "{number} 0 obj");
    }

    fn plain(&mut self, body: &str) {
        self.begin();
        let _ = write!(self.out, "{body}\nendobj\n");
    }

    fn stream(&mut self, entries: &str, data: &[u8]) {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        let (filter, body) = match encoder.write_all(data).and_then(|()| encoder.finish()) {
            Ok(z) => (" /Filter /FlateDecode", z),
            Err(_) => ("", data.to_vec()),
        };
        self.begin();
        let _ = write!(
            self.out,
            "<< /Length {}{filter}{entries} >>\nstream\n",
            body.len()
        );
        self.out.extend_from_slice(&body);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    fn finish(mut self, catalog: usize, info: usize) -> Vec<u8> {
        let xref_at = self.out.len();
        let size = self.offsets.len() + 1;
        let mut tail = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for offset in &self.offsets {
            let _ = writeln!(tail, "{offset:010} 00000 n ");
        }
        // The file identifier is a hash of the content, so equal input gives equal bytes.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in &self.out {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let id = format!(
            "{hash:016X}{:016X}",
            hash.rotate_left(29) ^ self.out.len() as u64
        );
        let _ = write!(
            tail,
            "trailer\n<< /Size {size} /Root {catalog} 0 R /Info {info} 0 R /ID [<{id}> <{id}>] >>\n\
             startxref\n{xref_at}\n%%EOF\n"
        );
        self.out.extend_from_slice(tail.as_bytes());
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-0.001), "0");
    }

    #[test]
    fn to_unicode_maps_each_glyph_to_its_character() {
        let mut used = std::collections::BTreeMap::new();
        used.insert(36u16, 'A');
        used.insert(200u16, '€');
        let cmap = to_unicode(&used);
        assert!(cmap.contains("2 beginbfchar\n<0024> <0041>\n<00C8> <20AC>\n"));
    }

    #[test]
    fn subset_tags_are_six_capitals_and_stable() {
        let used: std::collections::BTreeSet<u16> = [1, 2, 3].into_iter().collect();
        let tag = subset_tag(&used);
        assert_eq!(tag.len(), 6);
        assert!(tag.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(tag, subset_tag(&used));
    }
}
