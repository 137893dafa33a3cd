//! Fonts as text extraction needs them: code → Unicode, code → advance width, ascent and
//! descent, and the name pdfium would report. Anything we cannot map the way pdfium does
//! declines the document.

use std::collections::HashMap;

use super::Decline;
use super::cmap::ToUnicode;
use super::document::Document;
use super::encoding::{BaseEncoding, glyph_unicode, win_ansi_code};
use super::metrics::Standard;
use super::object::{Dict, Object};

/// Most entries read from a `/W` array.
const MAX_CID_WIDTHS: usize = 1 << 17;

/// A font ready for the content interpreter.
#[derive(Debug)]
pub struct Font {
    /// The name pdfium reports: `/BaseFont`, without the subset tag for embedded simple fonts.
    pub name: String,
    /// Ascent in thousandths of the font size.
    pub ascent: f32,
    /// Descent (negative) in thousandths of the font size.
    pub descent: f32,
    /// Advance of the font's space character (thousandths), when it has one: pdfium's
    /// threshold for a kerning gap that reads as a space.
    pub space_width: Option<f32>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Simple {
        /// Text per code; `None` where no mapping is known.
        text: Vec<Option<Box<[char]>>>,
        /// Advance per code, thousandths of the font size.
        widths: Vec<f32>,
    },
    /// Two-byte Identity-H codes, mapped by `/ToUnicode`.
    Cid {
        to_unicode: ToUnicode,
        widths: HashMap<u32, f32>,
        default_width: f32,
    },
}

/// One code of a string: the code, its byte length, its text (`None` when unmapped) and advance.
#[derive(Debug, Clone, Copy)]
pub struct Code<'f> {
    /// The character code.
    pub code: u32,
    /// Bytes the code took (word spacing applies to the one-byte code 32 only).
    pub len: usize,
    /// Unicode text.
    pub text: Option<&'f [char]>,
    /// Advance in thousandths of the font size.
    pub width: f32,
}

impl Font {
    /// Loads a font dictionary.
    pub fn load<'a>(doc: &Document<'a>, dict: &Dict<'a>) -> Result<Font, Decline> {
        let subtype = dict.get(b"Subtype").as_name().unwrap_or_default();
        let base = dict
            .get(b"BaseFont")
            .as_name()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        match subtype {
            b"Type1" | b"TrueType" | b"MMType1" => simple(doc, dict, base, subtype == b"TrueType"),
            b"Type0" => composite(doc, dict, base),
            b"Type3" => Err(Decline::Unsupported("a Type 3 font")),
            _ => Err(Decline::Unsupported("an unknown font type")),
        }
    }

    /// Splits `bytes` into codes, calling `each` for every one.
    pub fn each_code<E>(
        &self,
        bytes: &[u8],
        mut each: impl FnMut(Code<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        match &self.kind {
            Kind::Simple { text, widths } => {
                for &b in bytes {
                    let i = usize::from(b);
                    each(Code {
                        code: u32::from(b),
                        len: 1,
                        text: text.get(i).and_then(|t| t.as_deref()),
                        width: widths.get(i).copied().unwrap_or(0.0),
                    })?;
                }
            }
            Kind::Cid {
                to_unicode,
                widths,
                default_width,
            } => {
                let mut i = 0usize;
                while i < bytes.len() {
                    let (code, len) = match bytes.get(i..i + 2) {
                        Some([a, b]) => (u32::from(*a) << 8 | u32::from(*b), 2),
                        _ => (u32::from(bytes.get(i).copied().unwrap_or(0)), 1),
                    };
                    i += len;
                    each(Code {
                        code,
                        len,
                        text: to_unicode.lookup(code),
                        width: widths.get(&code).copied().unwrap_or(*default_width),
                    })?;
                }
            }
        }
        Ok(())
    }
}

fn number<'a>(doc: &Document<'a>, object: &Object<'a>) -> Option<f64> {
    match object {
        Object::Ref(_) => doc.resolve(object).ok()?.as_f64(),
        other => other.as_f64(),
    }
}

/// The font descriptor's ascent and descent, when it gives them (pdfium measures glyphs when
/// both are zero: we cannot, so that declines unless the font is a standard one).
fn descriptor_metrics<'a>(doc: &Document<'a>, descriptor: Option<&Dict<'a>>) -> Option<(f32, f32)> {
    let d = descriptor?;
    let mut ascent = number(doc, d.get(b"Ascent")).unwrap_or(0.0) as f32;
    let mut descent = number(doc, d.get(b"Descent")).unwrap_or(0.0) as f32;
    if ascent == 0.0 && descent == 0.0 {
        return None;
    }
    // pdfium keeps the loose box inside the font's bounding box (measured on embedded fonts
    // whose /Descent lies below their /FontBBox).
    let bbox = doc.resolve(d.get(b"FontBBox")).ok()?;
    let edges: Option<Vec<f32>> = bbox.as_array().map(|a| {
        a.iter()
            .filter_map(|o| number(doc, o))
            .map(|v| v as f32)
            .collect()
    });
    if let Some([_, bottom, _, top]) = edges.as_deref()
        && bottom < top
    {
        descent = descent.max(*bottom);
        ascent = ascent.min(*top);
    }
    Some((ascent, descent))
}

fn to_unicode<'a>(doc: &Document<'a>, dict: &Dict<'a>) -> Result<Option<ToUnicode>, Decline> {
    let object = doc.resolve(dict.get(b"ToUnicode"))?;
    match object.as_ref() {
        Object::Stream(..) => {
            let data = doc.stream_bytes(&object)?;
            let cmap = ToUnicode::parse(&data)?;
            Ok((!cmap.is_empty()).then_some(cmap))
        }
        // `/ToUnicode /Identity-H` and friends: pdfium ignores them.
        _ => Ok(None),
    }
}

fn simple<'a>(
    doc: &Document<'a>,
    dict: &Dict<'a>,
    base: String,
    truetype: bool,
) -> Result<Font, Decline> {
    let descriptor = doc.dict(dict.get(b"FontDescriptor"))?;
    let descriptor = descriptor.as_deref().and_then(Object::as_dict);
    let embedded = descriptor
        .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
    let standard = (!embedded)
        .then(|| Standard::from_base_font(&base))
        .flatten();
    let flags = descriptor
        .and_then(|d| number(doc, d.get(b"Flags")))
        .unwrap_or(0.0) as i64;
    let symbolic = flags & 4 != 0 && flags & 32 == 0;
    if matches!(base.as_str(), "Symbol" | "ZapfDingbats") {
        return Err(Decline::Unsupported("a symbol font"));
    }
    let cmap = to_unicode(doc, dict)?;

    // Glyph names per code: base encoding, then /Differences.
    let encoding = doc.resolve(dict.get(b"Encoding"))?;
    let (base_encoding, differences) = match encoding.as_ref() {
        Object::Name(n) => (
            Some(BaseEncoding::from_name(n).ok_or(Decline::Unsupported("an unknown encoding"))?),
            None,
        ),
        Object::Dict(d) => {
            let base = match d.get(b"BaseEncoding").as_name() {
                Some(n) => Some(
                    BaseEncoding::from_name(n)
                        .ok_or(Decline::Unsupported("an unknown encoding"))?,
                ),
                None => None,
            };
            (base, Some(doc.resolve(d.get(b"Differences"))?))
        }
        Object::Null => (None, None),
        _ => return Err(Decline::Unsupported("an odd /Encoding")),
    };
    // Without a base encoding, a standard font uses StandardEncoding; an embedded font its
    // own built-in encoding, which only its program knows.
    let base_encoding = base_encoding.or(if standard.is_some() && !symbolic {
        Some(BaseEncoding::Standard)
    } else {
        None
    });
    if symbolic && cmap.is_none() && !truetype && base_encoding.is_none() {
        return Err(Decline::Unsupported(
            "a symbolic font without a Unicode map",
        ));
    }
    let mut names: Vec<Option<String>> = (0..=255u8)
        .map(|c| base_encoding.and_then(|e| e.name(c)).map(str::to_owned))
        .collect();
    if let Some(diffs) = differences.as_deref().and_then(Object::as_array) {
        let mut code: Option<usize> = None;
        for item in diffs {
            match item {
                Object::Int(i) => code = usize::try_from(*i).ok(),
                Object::Name(n) => {
                    if let Some(c) = code {
                        if let Some(slot) = names.get_mut(c) {
                            *slot = Some(String::from_utf8_lossy(n).into_owned());
                        }
                        code = c.checked_add(1);
                    }
                }
                _ => return Err(Decline::Unsupported("an odd /Differences array")),
            }
        }
    }

    // Text per code: the ToUnicode map first, then the glyph name.
    let mut text: Vec<Option<Box<[char]>>> = Vec::with_capacity(256);
    for (code, name) in names.iter().enumerate() {
        let from_cmap = cmap
            .as_ref()
            .and_then(|m| m.lookup(u32::try_from(code).unwrap_or(0)))
            .filter(|t| !t.is_empty())
            .map(Box::<[char]>::from);
        let from_name = name
            .as_deref()
            .and_then(glyph_unicode)
            .map(|c| Box::from([c]));
        text.push(from_cmap.or(from_name));
    }

    // Widths: /Widths, else the standard font's metrics by glyph name.
    let mut widths = vec![0.0f32; 256];
    let widths_array = doc.resolve(dict.get(b"Widths"))?;
    if let Some(array) = widths_array.as_array() {
        let first = number(doc, dict.get(b"FirstChar")).unwrap_or(0.0) as i64;
        let missing = descriptor
            .and_then(|d| number(doc, d.get(b"MissingWidth")))
            .unwrap_or(0.0) as f32;
        for (code, w) in widths.iter_mut().enumerate() {
            let at = i64::try_from(code).unwrap_or(0) - first;
            *w = usize::try_from(at)
                .ok()
                .and_then(|i| array.get(i))
                .and_then(|o| number(doc, o))
                .map_or(missing, |v| v as f32);
        }
    } else if let Some(standard) = standard {
        for (code, w) in widths.iter_mut().enumerate() {
            *w = names
                .get(code)
                .and_then(|n| n.as_deref())
                .and_then(win_ansi_code)
                .and_then(|c| standard.width(c))
                .map_or(0.0, f32::from);
        }
    } else {
        return Err(Decline::Unsupported("a font without widths"));
    }

    let (ascent, descent) = match standard {
        Some(s) if descriptor.is_none() => s.ascent_descent(),
        _ => descriptor_metrics(doc, descriptor)
            .or_else(|| standard.map(Standard::ascent_descent))
            .ok_or(Decline::Unsupported("a font without ascent and descent"))?,
    };
    // pdfium drops the subset tag of an embedded simple font's name.
    let name = match base.as_bytes().get(6) {
        Some(b'+') if embedded && base.len() > 7 => base.get(7..).unwrap_or_default().to_owned(),
        _ => base,
    };
    let space_width = text
        .iter()
        .position(|t| t.as_deref() == Some(&[' '][..]))
        .and_then(|code| widths.get(code).copied());
    Ok(Font {
        name,
        ascent,
        descent,
        space_width,
        kind: Kind::Simple { text, widths },
    })
}

fn composite<'a>(doc: &Document<'a>, dict: &Dict<'a>, base: String) -> Result<Font, Decline> {
    if dict.get(b"Encoding").as_name() != Some(b"Identity-H") {
        return Err(Decline::Unsupported(
            "a composite font with a CMap other than Identity-H",
        ));
    }
    let to_unicode = to_unicode(doc, dict)?.ok_or(Decline::Unsupported(
        "a composite font without a Unicode map",
    ))?;
    if to_unicode.code_lengths.iter().any(|&l| l != 2) {
        return Err(Decline::Unsupported(
            "a Unicode map whose codes are not two bytes",
        ));
    }
    let descendants = doc.resolve(dict.get(b"DescendantFonts"))?;
    let first = descendants
        .as_array()
        .and_then(|a| a.first())
        .ok_or(Decline::Unsupported(
            "a composite font without a descendant",
        ))?;
    let cid = doc.dict(first)?.ok_or(Decline::Unsupported(
        "a composite font without a descendant",
    ))?;
    let cid = cid
        .as_dict()
        .ok_or(Decline::Unsupported("an odd descendant font"))?;
    let default_width = number(doc, cid.get(b"DW")).unwrap_or(1000.0) as f32;
    let mut widths = HashMap::new();
    let w = doc.resolve(cid.get(b"W"))?;
    if let Some(items) = w.as_array() {
        let mut i = 0usize;
        while let Some(first) = items.get(i).and_then(|o| number(doc, o)) {
            let first = first as i64;
            match items.get(i + 1) {
                Some(Object::Array(list)) => {
                    for (k, v) in list.iter().enumerate() {
                        let code =
                            u32::try_from(first.saturating_add(i64::try_from(k).unwrap_or(0))).ok();
                        if let (Some(code), Some(v)) = (code, number(doc, v)) {
                            widths.insert(code, v as f32);
                        }
                    }
                    i += 2;
                }
                Some(last) => {
                    let last = number(doc, last).unwrap_or(-1.0) as i64;
                    let value = items.get(i + 2).and_then(|o| number(doc, o)).unwrap_or(0.0) as f32;
                    if last < first || last.saturating_sub(first) > 65_535 {
                        return Err(Decline::Unsupported("an odd /W array"));
                    }
                    for code in first..=last {
                        if let Ok(code) = u32::try_from(code) {
                            widths.insert(code, value);
                        }
                    }
                    i += 3;
                }
                None => break,
            }
            if widths.len() > MAX_CID_WIDTHS {
                return Err(Decline::Unsupported("an odd /W array"));
            }
        }
    }
    let descriptor = doc.dict(cid.get(b"FontDescriptor"))?;
    let (ascent, descent) =
        descriptor_metrics(doc, descriptor.as_deref().and_then(Object::as_dict))
            .ok_or(Decline::Unsupported("a font without ascent and descent"))?;
    let space_width = to_unicode
        .space_code()
        .map(|c| widths.get(&c).copied().unwrap_or(default_width));
    Ok(Font {
        name: base,
        ascent,
        descent,
        space_width,
        kind: Kind::Cid {
            to_unicode,
            widths,
            default_width,
        },
    })
}
