//! Metrics of the standard fonts that statement generators use without embedding them or
//! writing `/Widths`: advance widths from Adobe's AFM files, and the ascent and descent pdfium
//! derives from its built-in substitutes (measured: the loose box of every glyph of these fonts
//! in pdfium build 8149), so that our glyph boxes are pdfium's.

use ledgerlens_core::standard_fonts::{HELVETICA, HELVETICA_BOLD, TIMES_ROMAN};

/// A standard font we carry metrics for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// Helvetica.
    Helvetica,
    /// Helvetica-Bold.
    HelveticaBold,
    /// Courier: 600 units for every glyph.
    Courier,
    /// Times-Roman.
    TimesRoman,
}

impl Standard {
    /// The standard font a `/BaseFont` names. Aliases (`Arial`, `Helvetica-Oblique`) are left
    /// out on purpose: pdfium substitutes other faces for them, whose ascent we have not measured.
    pub fn from_base_font(name: &str) -> Option<Standard> {
        match name {
            "Helvetica" => Some(Standard::Helvetica),
            "Helvetica-Bold" => Some(Standard::HelveticaBold),
            "Courier" => Some(Standard::Courier),
            "Times-Roman" => Some(Standard::TimesRoman),
            _ => None,
        }
    }

    /// Ascent and descent in thousandths of the font size, as pdfium reports them.
    pub fn ascent_descent(self) -> (f32, f32) {
        match self {
            Standard::Helvetica => (945.0, -224.0),
            Standard::HelveticaBold => (962.0, -227.0),
            Standard::Courier => (803.0, -248.0),
            Standard::TimesRoman => (878.0, -249.0),
        }
    }

    /// The advance width of a WinAnsi code, in thousandths of the font size.
    pub fn width(self, win_ansi: u8) -> Option<u16> {
        let table = match self {
            Standard::Courier => return Some(600),
            Standard::Helvetica => &HELVETICA,
            Standard::HelveticaBold => &HELVETICA_BOLD,
            Standard::TimesRoman => &TIMES_ROMAN,
        };
        usize::from(win_ansi)
            .checked_sub(32)
            .and_then(|i| table.get(i))
            .copied()
            .filter(|&w| w != 0)
    }
}
