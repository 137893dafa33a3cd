//! The standard 14 fonts the generator uses, their WinAnsi encoding and glyph widths.
//!
//! Text is drawn in non-embedded standard fonts with `/WinAnsiEncoding`, as most statement
//! generators do, so accented Latin text (é, ü, ç, ñ, ß, «») is representable byte for byte.
//! Anything WinAnsi lacks is transliterated ([`transliterate`]): a few Latin Extended-A letters
//! lose their accent (ł → l, ő → o), every other character becomes `?`.
//! Widths come from Adobe's AFM metrics so that amounts can be right-aligned exactly.

use ledgerlens_core::standard_fonts::{HELVETICA, HELVETICA_BOLD, TIMES_ROMAN};

/// A font resource. Each has a fixed resource name in every page's `/Font` dictionary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Font {
    /// Body text of most layouts.
    Helvetica,
    /// Titles and column headers.
    HelveticaBold,
    /// Monospace body text.
    Courier,
    /// Only used to forge: one amount drawn in a different font than its neighbours.
    TimesRoman,
}

impl Font {
    /// Every font, in resource order.
    pub const ALL: [Font; 4] = [
        Font::Helvetica,
        Font::HelveticaBold,
        Font::Courier,
        Font::TimesRoman,
    ];

    /// The PostScript base font name.
    pub fn base_name(self) -> &'static str {
        match self {
            Font::Helvetica => "Helvetica",
            Font::HelveticaBold => "Helvetica-Bold",
            Font::Courier => "Courier",
            Font::TimesRoman => "Times-Roman",
        }
    }

    /// The name of the font in a page's resources.
    pub fn resource(self) -> &'static str {
        match self {
            Font::Helvetica => "F1",
            Font::HelveticaBold => "F2",
            Font::Courier => "F3",
            Font::TimesRoman => "F4",
        }
    }

    /// Width of one WinAnsi byte in thousandths of the font size.
    fn glyph_width(self, byte: u8) -> u16 {
        let table = match self {
            Font::Courier => return 600,
            Font::Helvetica => &HELVETICA,
            Font::HelveticaBold => &HELVETICA_BOLD,
            Font::TimesRoman => &TIMES_ROMAN,
        };
        let width = usize::from(byte)
            .checked_sub(32)
            .and_then(|i| table.get(i))
            .copied()
            .unwrap_or(0);
        // Undefined codes never reach the page (transliteration removes them); a space's
        // width keeps the arithmetic sane if one ever did.
        if width == 0 {
            table.first().copied().unwrap_or(278)
        } else {
            width
        }
    }

    /// Width in points of WinAnsi-encoded text at a size.
    pub fn width(self, encoded: &[u8], size: f32) -> f32 {
        let units: u32 = encoded
            .iter()
            .map(|&b| u32::from(self.glyph_width(b)))
            .sum();
        // Exact in f32 for any realistic line (units < 2^24).
        units as f32 * size / 1000.0
    }

    /// Width in points of Unicode text once encoded.
    pub fn text_width(self, text: &str, size: f32) -> f32 {
        self.width(&encode(text), size)
    }
}

/// WinAnsi bytes 0x80–0x9F and the characters they stand for (the rest of 0x20–0xFF is
/// Latin-1). 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined.
const HIGH: [(u8, char); 27] = [
    (0x80, '\u{20AC}'),
    (0x82, '\u{201A}'),
    (0x83, '\u{0192}'),
    (0x84, '\u{201E}'),
    (0x85, '\u{2026}'),
    (0x86, '\u{2020}'),
    (0x87, '\u{2021}'),
    (0x88, '\u{02C6}'),
    (0x89, '\u{2030}'),
    (0x8A, '\u{0160}'),
    (0x8B, '\u{2039}'),
    (0x8C, '\u{0152}'),
    (0x8E, '\u{017D}'),
    (0x91, '\u{2018}'),
    (0x92, '\u{2019}'),
    (0x93, '\u{201C}'),
    (0x94, '\u{201D}'),
    (0x95, '\u{2022}'),
    (0x96, '\u{2013}'),
    (0x97, '\u{2014}'),
    (0x98, '\u{02DC}'),
    (0x99, '\u{2122}'),
    (0x9A, '\u{0161}'),
    (0x9B, '\u{203A}'),
    (0x9C, '\u{0153}'),
    (0x9E, '\u{017E}'),
    (0x9F, '\u{0178}'),
];

/// Latin letters outside WinAnsi that have an obvious unaccented reading.
const FOLD: [(char, char); 24] = [
    ('Ł', 'L'),
    ('ł', 'l'),
    ('Ő', 'O'),
    ('ő', 'o'),
    ('Ű', 'U'),
    ('ű', 'u'),
    ('Ā', 'A'),
    ('ā', 'a'),
    ('Ē', 'E'),
    ('ē', 'e'),
    ('Ī', 'I'),
    ('ī', 'i'),
    ('Ō', 'O'),
    ('ō', 'o'),
    ('Ū', 'U'),
    ('ū', 'u'),
    ('Ś', 'S'),
    ('ś', 's'),
    ('Ć', 'C'),
    ('ć', 'c'),
    ('Ń', 'N'),
    ('ń', 'n'),
    ('Ż', 'Z'),
    ('ż', 'z'),
];

/// The WinAnsi byte of a character, if WinAnsi has it.
fn win_ansi(c: char) -> Option<u8> {
    let code = u32::from(c);
    if (0x20..0x7F).contains(&code) || (0xA0..=0xFF).contains(&code) {
        return u8::try_from(code).ok();
    }
    HIGH.iter().find(|(_, h)| *h == c).map(|(b, _)| *b)
}

/// The text as it will appear on the page: every character WinAnsi can show, the rest folded
/// or replaced by `?`; control characters (tabs, line breaks) become spaces.
pub fn transliterate(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if win_ansi(c).is_some() {
                c
            } else {
                FOLD.iter()
                    .find(|(from, _)| *from == c)
                    .map_or('?', |(_, to)| *to)
            }
        })
        .collect()
}

/// WinAnsi bytes of text (after [`transliterate`]).
pub fn encode(text: &str) -> Vec<u8> {
    transliterate(text)
        .chars()
        .map(|c| win_ansi(c).unwrap_or(b'?'))
        .collect()
}

#[cfg(test)]
mod tests {
    use encoding_rs::WINDOWS_1252;

    use super::*;

    #[test]
    fn win_ansi_agrees_with_windows_1252_for_every_defined_byte() {
        for byte in 0x20u8..=0xFF {
            if byte == 0x7F || [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(&byte) {
                continue;
            }
            let bytes = [byte];
            let (text, _, _) = WINDOWS_1252.decode(&bytes);
            let c = text.chars().next().unwrap();
            assert_eq!(encode(&c.to_string()), vec![byte], "byte {byte:#x} ({c})");
        }
    }

    #[test]
    fn accents_survive_and_other_scripts_are_transliterated() {
        assert_eq!(transliterate("Café Müller ñ ç «x»"), "Café Müller ñ ç «x»");
        assert_eq!(transliterate("Łódź 北京\tx"), "Lód? ?? x");
        assert_eq!(encode("é€"), vec![0xE9, 0x80]);
    }

    #[test]
    fn helvetica_digits_are_tabular_and_courier_is_monospace() {
        assert_eq!(Font::Helvetica.text_width("1234567890", 10.0), 55.6);
        assert_eq!(Font::Helvetica.text_width("1,234.56", 10.0), 38.92);
        assert_eq!(Font::Courier.text_width("(1.00) CR", 10.0), 54.0);
        assert_eq!(Font::HelveticaBold.text_width("W", 1000.0), 944.0);
        assert_eq!(Font::TimesRoman.text_width("0", 1000.0), 500.0);
        assert_eq!(Font::Helvetica.text_width("é", 1000.0), 556.0);
    }
}
