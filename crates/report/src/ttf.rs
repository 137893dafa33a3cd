//! Just enough TrueType to embed a font in a PDF: metrics, the Unicode → glyph map, glyph widths,
//! and a subset that keeps glyph ids (unused outlines are emptied, not renumbered).
//!
//! Keeping glyph ids means the PDF can use `/CIDToGIDMap /Identity` and composite glyphs need no
//! rewriting; the tables that scale with the glyph count (`hmtx`, `loca`) stay, but they are
//! mostly repeated bytes that Flate shrinks to little. A report with a few hundred distinct
//! characters embeds ~30 KB per face instead of ~680 KB.

use std::collections::{BTreeMap, BTreeSet};

use crate::ReportError;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*bytes.first()?, *bytes.get(1)?]))
}

fn i16_at(data: &[u8], at: usize) -> Option<i16> {
    u16_at(data, at).map(|v| i16::from_be_bytes(v.to_be_bytes()))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let hi = u16_at(data, at)?;
    let lo = u16_at(data, at.checked_add(2)?)?;
    Some((u32::from(hi) << 16) | u32::from(lo))
}

/// A parsed font face: the original bytes plus what layout and embedding need.
#[derive(Debug)]
pub struct Face {
    data: &'static [u8],
    tables: BTreeMap<[u8; 4], (usize, usize)>,
    /// Font units per em.
    pub units_per_em: u16,
    /// Bounding box of all glyphs, font units.
    pub bbox: [i16; 4],
    /// Typographic ascender, font units.
    pub ascent: i16,
    /// Typographic descender (negative), font units.
    pub descent: i16,
    /// Height of capitals, font units.
    pub cap_height: i16,
    advances: Vec<u16>,
    cmap: BTreeMap<u32, u16>,
    glyph_count: u16,
    long_loca: bool,
}

fn bad(what: &'static str) -> ReportError {
    ReportError::Font(what)
}

impl Face {
    /// Reads a TrueType (`glyf`-outline) font.
    pub fn parse(data: &'static [u8]) -> Result<Face, ReportError> {
        let count = u16_at(data, 4).ok_or(bad("no table directory"))?;
        let mut tables = BTreeMap::new();
        for i in 0..usize::from(count) {
            let record = 12 + 16 * i;
            let tag_bytes = data
                .get(record..record + 4)
                .ok_or(bad("truncated directory"))?;
            let mut tag = [0u8; 4];
            tag.copy_from_slice(tag_bytes);
            let offset = u32_at(data, record + 8).ok_or(bad("truncated directory"))?;
            let length = u32_at(data, record + 12).ok_or(bad("truncated directory"))?;
            let (offset, length) = (offset as usize, length as usize);
            if data.get(offset..offset.saturating_add(length)).is_none() {
                return Err(bad("table outside the file"));
            }
            tables.insert(tag, (offset, length));
        }
        let table = |tag: &[u8; 4]| -> Result<&'static [u8], ReportError> {
            let (offset, length) = tables.get(tag).copied().ok_or(bad("missing table"))?;
            data.get(offset..offset + length)
                .ok_or(bad("table outside the file"))
        };
        let head = table(b"head")?;
        let hhea = table(b"hhea")?;
        let maxp = table(b"maxp")?;
        let hmtx = table(b"hmtx")?;
        table(b"glyf")?;
        table(b"loca")?;
        let units_per_em = u16_at(head, 18).ok_or(bad("short head"))?;
        let mut bbox = [0i16; 4];
        for (i, slot) in bbox.iter_mut().enumerate() {
            *slot = i16_at(head, 36 + 2 * i).ok_or(bad("short head"))?;
        }
        let long_loca = i16_at(head, 50).ok_or(bad("short head"))? == 1;
        let ascent = i16_at(hhea, 4).ok_or(bad("short hhea"))?;
        let descent = i16_at(hhea, 6).ok_or(bad("short hhea"))?;
        let metrics = u16_at(hhea, 34).ok_or(bad("short hhea"))?;
        let glyph_count = u16_at(maxp, 4).ok_or(bad("short maxp"))?;
        let cap_height = table(b"OS/2")
            .ok()
            .and_then(|os2| i16_at(os2, 88))
            .unwrap_or(ascent);
        let mut advances = Vec::with_capacity(usize::from(glyph_count));
        let mut last = 0u16;
        for glyph in 0..usize::from(glyph_count) {
            if glyph < usize::from(metrics) {
                last = u16_at(hmtx, 4 * glyph).ok_or(bad("short hmtx"))?;
            }
            advances.push(last);
        }
        let cmap = read_cmap(table(b"cmap")?).ok_or(bad("no Unicode cmap"))?;
        if units_per_em == 0 {
            return Err(bad("zero units per em"));
        }
        Ok(Face {
            data,
            tables,
            units_per_em,
            bbox,
            ascent,
            descent,
            cap_height,
            advances,
            cmap,
            glyph_count,
            long_loca,
        })
    }

    /// The glyph for a character; `None` when the font has none.
    pub fn glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(&u32::from(c)).copied().filter(|g| *g != 0)
    }

    /// Advance width of a glyph in thousandths of an em (PDF glyph space).
    pub fn advance(&self, glyph: u16) -> f32 {
        let units = self.advances.get(usize::from(glyph)).copied().unwrap_or(0);
        f32::from(units) * 1000.0 / f32::from(self.units_per_em)
    }

    /// Scales font units to thousandths of an em.
    pub fn scale(&self, units: i16) -> i32 {
        (i32::from(units) * 1000) / i32::from(self.units_per_em)
    }

    fn table(&self, tag: &[u8; 4]) -> Option<&'static [u8]> {
        let (offset, length) = self.tables.get(tag).copied()?;
        self.data.get(offset..offset + length)
    }

    fn glyph_range(&self, glyph: u16) -> Option<(usize, usize)> {
        let loca = self.table(b"loca")?;
        let g = usize::from(glyph);
        if self.long_loca {
            Some((
                u32_at(loca, 4 * g)? as usize,
                u32_at(loca, 4 * g + 4)? as usize,
            ))
        } else {
            Some((
                usize::from(u16_at(loca, 2 * g)?) * 2,
                usize::from(u16_at(loca, 2 * g + 2)?) * 2,
            ))
        }
    }

    /// Components of a composite glyph (empty for a simple one).
    fn components(&self, glyph: u16) -> Vec<u16> {
        let mut out = Vec::new();
        let Some(glyf) = self.table(b"glyf") else {
            return out;
        };
        let Some((start, end)) = self.glyph_range(glyph) else {
            return out;
        };
        let Some(body) = glyf.get(start..end) else {
            return out;
        };
        if body.len() < 10 || i16_at(body, 0).unwrap_or(0) >= 0 {
            return out;
        }
        let mut at = 10;
        while let (Some(flags), Some(component)) = (u16_at(body, at), u16_at(body, at + 2)) {
            out.push(component);
            at += 4;
            at += if flags & 0x0001 != 0 { 4 } else { 2 };
            if flags & 0x0008 != 0 {
                at += 2;
            } else if flags & 0x0040 != 0 {
                at += 4;
            } else if flags & 0x0080 != 0 {
                at += 8;
            }
            if flags & 0x0020 == 0 {
                break;
            }
        }
        out
    }

    /// A font file holding only the outlines of `used` (and the glyphs they are built from, and
    /// `.notdef`); every other glyph is present but empty, so ids are unchanged.
    pub fn subset(&self, used: &BTreeSet<u16>) -> Result<Vec<u8>, ReportError> {
        let mut keep: BTreeSet<u16> = used.clone();
        keep.insert(0);
        let mut pending: Vec<u16> = keep.iter().copied().collect();
        while let Some(glyph) = pending.pop() {
            for component in self.components(glyph) {
                if keep.insert(component) {
                    pending.push(component);
                }
            }
        }
        let glyf = self.table(b"glyf").ok_or(bad("missing glyf"))?;
        let mut new_glyf = Vec::new();
        let mut new_loca = Vec::with_capacity(4 * (usize::from(self.glyph_count) + 1));
        for glyph in 0..self.glyph_count {
            let offset = u32::try_from(new_glyf.len()).map_err(|_| bad("glyf too large"))?;
            new_loca.extend_from_slice(&offset.to_be_bytes());
            if keep.contains(&glyph) {
                let (start, end) = self.glyph_range(glyph).ok_or(bad("bad loca"))?;
                let body = glyf.get(start..end).ok_or(bad("glyph outside glyf"))?;
                new_glyf.extend_from_slice(body);
                while new_glyf.len() % 4 != 0 {
                    new_glyf.push(0);
                }
            }
        }
        let end = u32::try_from(new_glyf.len()).map_err(|_| bad("glyf too large"))?;
        new_loca.extend_from_slice(&end.to_be_bytes());

        let mut head = self.table(b"head").ok_or(bad("missing head"))?.to_vec();
        // checkSumAdjustment is recomputed below; the loca format is now long.
        if let Some(slot) = head.get_mut(8..12) {
            slot.copy_from_slice(&[0; 4]);
        }
        if let Some(slot) = head.get_mut(50..52) {
            slot.copy_from_slice(&1i16.to_be_bytes());
        }
        let mut tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
        for tag in [b"cvt ", b"fpgm", b"hhea", b"hmtx", b"maxp", b"prep"] {
            if let Some(body) = self.table(tag) {
                tables.push((*tag, body.to_vec()));
            }
        }
        tables.push((*b"glyf", new_glyf));
        tables.push((*b"head", head));
        tables.push((*b"loca", new_loca));
        tables.sort_by_key(|table| table.0);
        Ok(write_font(tables))
    }
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        for (slot, byte) in word.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// Serialises tables (sorted by tag) as an sfnt file with correct checksums.
fn write_font(tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let count = u16::try_from(tables.len()).unwrap_or(u16::MAX);
    let mut power = 1u16;
    let mut log = 0u16;
    while power.saturating_mul(2) <= count {
        power = power.saturating_mul(2);
        log += 1;
    }
    let search_range = power.saturating_mul(16);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&log.to_be_bytes());
    out.extend_from_slice(&(count.saturating_mul(16).saturating_sub(search_range)).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut bodies = Vec::new();
    let mut head_at = None;
    for (tag, body) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(body).to_be_bytes());
        out.extend_from_slice(&u32::try_from(offset).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        let padded = (body.len() + 3) & !3;
        bodies.extend_from_slice(body);
        bodies.resize(bodies.len() + padded - body.len(), 0);
        offset += padded;
    }
    out.extend_from_slice(&bodies);
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        if let Some(slot) = out.get_mut(at + 8..at + 12) {
            slot.copy_from_slice(&adjustment.to_be_bytes());
        }
    }
    out
}

/// The Unicode map: format 4 (BMP) from a Windows Unicode or Unicode-platform subtable.
fn read_cmap(cmap: &[u8]) -> Option<BTreeMap<u32, u16>> {
    let count = u16_at(cmap, 2)?;
    let mut chosen = None;
    for i in 0..usize::from(count) {
        let record = 4 + 8 * i;
        let platform = u16_at(cmap, record)?;
        let encoding = u16_at(cmap, record + 2)?;
        let offset = u32_at(cmap, record + 4)? as usize;
        let unicode = (platform == 3 && encoding == 1) || platform == 0;
        if unicode && u16_at(cmap, offset)? == 4 {
            chosen = Some(offset);
            break;
        }
    }
    let sub = cmap.get(chosen?..)?;
    let segments = usize::from(u16_at(sub, 6)? / 2);
    let ends = 14;
    let starts = ends + 2 * segments + 2;
    let deltas = starts + 2 * segments;
    let ranges = deltas + 2 * segments;
    let mut map = BTreeMap::new();
    for s in 0..segments {
        let end = u16_at(sub, ends + 2 * s)?;
        let start = u16_at(sub, starts + 2 * s)?;
        let delta = u16_at(sub, deltas + 2 * s)?;
        let range_at = ranges + 2 * s;
        let range = u16_at(sub, range_at)?;
        if start == 0xFFFF {
            continue;
        }
        for c in start..=end {
            let glyph = if range == 0 {
                c.wrapping_add(delta)
            } else {
                let at = range_at + usize::from(range) + 2 * usize::from(c - start);
                match u16_at(sub, at)? {
                    0 => 0,
                    g => g.wrapping_add(delta),
                }
            };
            if glyph != 0 {
                map.insert(u32::from(c), glyph);
            }
        }
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::REGULAR;

    #[test]
    fn maps_latin_text_and_measures_it() {
        let face = Face::parse(REGULAR).unwrap();
        assert_eq!(face.units_per_em, 2048);
        let a = face.glyph('A').unwrap();
        assert!(face.glyph('é').is_some());
        assert!(face.glyph('€').is_some());
        assert!(face.advance(a) > 400.0 && face.advance(a) < 800.0);
        assert!(face.glyph('\u{E000}').is_none());
    }

    #[test]
    fn a_subset_is_small_and_reparses_with_the_same_ids() {
        let face = Face::parse(REGULAR).unwrap();
        let used: BTreeSet<u16> = "Page 1 of 3 é"
            .chars()
            .filter_map(|c| face.glyph(c))
            .collect();
        let subset = face.subset(&used).unwrap();
        assert!(subset.len() < REGULAR.len() / 4, "{}", subset.len());
        let leaked: &'static [u8] = Box::leak(subset.into_boxed_slice());
        let tables = Face::parse_tables_only(leaked);
        assert!(tables.contains(b"glyf") && tables.contains(b"loca"));
        // The whole file sums to the magic number once checkSumAdjustment is in.
        assert_eq!(checksum(leaked), 0xB1B0_AFBA);
    }

    impl Face {
        fn parse_tables_only(data: &[u8]) -> Vec<[u8; 4]> {
            let count = u16_at(data, 4).unwrap();
            (0..usize::from(count))
                .map(|i| {
                    let mut tag = [0u8; 4];
                    tag.copy_from_slice(&data[12 + 16 * i..16 + 16 * i]);
                    tag
                })
                .collect()
        }
    }
}
