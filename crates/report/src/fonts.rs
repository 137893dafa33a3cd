//! The two faces the report is set in, embedded in the binary.
//!
//! DejaVu Sans Condensed (Bitstream Vera licence, redistribution allowed; `fonts/LICENSE-DejaVu.txt`)
//! is committed under `crates/report/fonts/` rather than read from the system, so that the output
//! does not depend on which fonts a machine has, and a PDF made on a server renders the same
//! everywhere. Condensed because a statement's descriptions and amounts are long and a credit
//! officer reads tables, not prose. It covers Latin, Greek, Cyrillic and the currency signs.

use std::collections::{BTreeMap, BTreeSet};

use crate::ReportError;
use crate::ttf::Face;

/// DejaVu Sans Condensed.
pub(crate) const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
/// DejaVu Sans Condensed Bold.
pub(crate) const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

/// Which face.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Body text.
    Regular,
    /// Headings, figures that matter.
    Bold,
}

/// One face and the characters drawn with it (for the subset and the ToUnicode map).
#[derive(Debug)]
pub struct Loaded {
    /// The face.
    pub face: Face,
    /// PostScript name without the subset tag.
    pub name: &'static str,
    /// Glyph → the character it was drawn for.
    pub used: BTreeMap<u16, char>,
}

/// Both faces.
#[derive(Debug)]
pub struct Fonts {
    /// Regular, then bold.
    pub faces: [Loaded; 2],
}

impl Fonts {
    /// Parses the embedded faces.
    pub fn load() -> Result<Fonts, ReportError> {
        Ok(Fonts {
            faces: [
                Loaded {
                    face: Face::parse(REGULAR)?,
                    name: "DejaVuSansCondensed",
                    used: BTreeMap::new(),
                },
                Loaded {
                    face: Face::parse(BOLD)?,
                    name: "DejaVuSansCondensed-Bold",
                    used: BTreeMap::new(),
                },
            ],
        })
    }

    fn get(&self, style: Style) -> &Loaded {
        let [regular, bold] = &self.faces;
        match style {
            Style::Regular => regular,
            Style::Bold => bold,
        }
    }

    /// The glyph drawn for `c`: its own, else `?` (so a missing glyph is visible, not blank).
    fn glyph(face: &Face, c: char) -> (u16, char) {
        match face.glyph(c) {
            Some(g) => (g, c),
            None => (face.glyph('?').unwrap_or(0), '?'),
        }
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, style: Style, size: f32, text: &str) -> f32 {
        let face = &self.get(style).face;
        let units: f32 = text
            .chars()
            .map(|c| face.advance(Fonts::glyph(face, c).0))
            .sum();
        units * size / 1000.0
    }

    /// The hex string operand for `text`, recording the glyphs used.
    pub fn encode(&mut self, style: Style, text: &str) -> String {
        let [regular, bold] = &mut self.faces;
        let loaded = match style {
            Style::Regular => regular,
            Style::Bold => bold,
        };
        let mut out = String::with_capacity(text.len() * 4 + 2);
        out.push('<');
        for c in text.chars() {
            let (glyph, shown) = Fonts::glyph(&loaded.face, c);
            loaded.used.entry(glyph).or_insert(shown);
            out.push_str(&format!("{glyph:04X}"));
        }
        out.push('>');
        out
    }

    /// The glyph ids used by a face.
    pub fn used_glyphs(loaded: &Loaded) -> BTreeSet<u16> {
        loaded.used.keys().copied().collect()
    }
}
