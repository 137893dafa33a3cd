//! Simple-font encodings: codes to glyph names to Unicode.
//!
//! A simple font maps a byte to a glyph name through its base encoding (WinAnsi, MacRoman or
//! Standard) and `/Differences`, and a glyph name to Unicode through the Adobe Glyph List. We
//! carry the names of the WinAnsi character set (what statement generators use) plus the
//! `uniXXXX`/`uXXXX` conventions; a name outside them makes the font unsupported, and the
//! document goes to pdfium.

/// Glyph names of WinAnsi codes 0x20..=0xFF (empty: undefined).
pub const WIN_ANSI_NAMES: [&str; 224] = [
    "space",
    "exclam",
    "quotedbl",
    "numbersign",
    "dollar",
    "percent",
    "ampersand",
    "quotesingle",
    "parenleft",
    "parenright",
    "asterisk",
    "plus",
    "comma",
    "hyphen",
    "period",
    "slash",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "colon",
    "semicolon",
    "less",
    "equal",
    "greater",
    "question",
    "at",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "Z",
    "bracketleft",
    "backslash",
    "bracketright",
    "asciicircum",
    "underscore",
    "grave",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "braceleft",
    "bar",
    "braceright",
    "asciitilde",
    "",
    "Euro",
    "",
    "quotesinglbase",
    "florin",
    "quotedblbase",
    "ellipsis",
    "dagger",
    "daggerdbl",
    "circumflex",
    "perthousand",
    "Scaron",
    "guilsinglleft",
    "OE",
    "",
    "Zcaron",
    "",
    "",
    "quoteleft",
    "quoteright",
    "quotedblleft",
    "quotedblright",
    "bullet",
    "endash",
    "emdash",
    "tilde",
    "trademark",
    "scaron",
    "guilsinglright",
    "oe",
    "",
    "zcaron",
    "Ydieresis",
    "space",
    "exclamdown",
    "cent",
    "sterling",
    "currency",
    "yen",
    "brokenbar",
    "section",
    "dieresis",
    "copyright",
    "ordfeminine",
    "guillemotleft",
    "logicalnot",
    "hyphen",
    "registered",
    "macron",
    "degree",
    "plusminus",
    "twosuperior",
    "threesuperior",
    "acute",
    "mu",
    "paragraph",
    "periodcentered",
    "cedilla",
    "onesuperior",
    "ordmasculine",
    "guillemotright",
    "onequarter",
    "onehalf",
    "threequarters",
    "questiondown",
    "Agrave",
    "Aacute",
    "Acircumflex",
    "Atilde",
    "Adieresis",
    "Aring",
    "AE",
    "Ccedilla",
    "Egrave",
    "Eacute",
    "Ecircumflex",
    "Edieresis",
    "Igrave",
    "Iacute",
    "Icircumflex",
    "Idieresis",
    "Eth",
    "Ntilde",
    "Ograve",
    "Oacute",
    "Ocircumflex",
    "Otilde",
    "Odieresis",
    "multiply",
    "Oslash",
    "Ugrave",
    "Uacute",
    "Ucircumflex",
    "Udieresis",
    "Yacute",
    "Thorn",
    "germandbls",
    "agrave",
    "aacute",
    "acircumflex",
    "atilde",
    "adieresis",
    "aring",
    "ae",
    "ccedilla",
    "egrave",
    "eacute",
    "ecircumflex",
    "edieresis",
    "igrave",
    "iacute",
    "icircumflex",
    "idieresis",
    "eth",
    "ntilde",
    "ograve",
    "oacute",
    "ocircumflex",
    "otilde",
    "odieresis",
    "divide",
    "oslash",
    "ugrave",
    "uacute",
    "ucircumflex",
    "udieresis",
    "yacute",
    "thorn",
    "ydieresis",
];

/// Unicode of WinAnsi codes 0x80..=0x9F (0: undefined); the rest of 0x20..=0xFF is Latin-1.
const WIN_ANSI_HIGH: [u16; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

/// Names outside WinAnsi that text fonts commonly use.
const EXTRA_NAMES: [(&str, char); 14] = [
    ("fi", '\u{FB01}'),
    ("fl", '\u{FB02}'),
    ("dotlessi", 'ı'),
    ("minus", '\u{2212}'),
    ("fraction", '\u{2044}'),
    ("nbspace", '\u{00A0}'),
    ("sfthyphen", '\u{00AD}'),
    ("middot", '·'),
    ("Lslash", 'Ł'),
    ("lslash", 'ł'),
    ("ff", '\u{FB00}'),
    ("ffi", '\u{FB03}'),
    ("ffl", '\u{FB04}'),
    ("naira", '₦'),
];

/// MacRoman codes 0x80..=0xFF by glyph name (those outside our names read as unknown).
const MAC_ROMAN_HIGH: [&str; 128] = [
    "Adieresis",
    "Aring",
    "Ccedilla",
    "Eacute",
    "Ntilde",
    "Odieresis",
    "Udieresis",
    "aacute",
    "agrave",
    "acircumflex",
    "adieresis",
    "atilde",
    "aring",
    "ccedilla",
    "eacute",
    "egrave",
    "ecircumflex",
    "edieresis",
    "iacute",
    "igrave",
    "icircumflex",
    "idieresis",
    "ntilde",
    "oacute",
    "ograve",
    "ocircumflex",
    "odieresis",
    "otilde",
    "uacute",
    "ugrave",
    "ucircumflex",
    "udieresis",
    "dagger",
    "degree",
    "cent",
    "sterling",
    "section",
    "bullet",
    "paragraph",
    "germandbls",
    "registered",
    "copyright",
    "trademark",
    "acute",
    "dieresis",
    "notequal",
    "AE",
    "Oslash",
    "infinity",
    "plusminus",
    "lessequal",
    "greaterequal",
    "yen",
    "mu",
    "partialdiff",
    "summation",
    "product",
    "pi",
    "integral",
    "ordfeminine",
    "ordmasculine",
    "Omega",
    "ae",
    "oslash",
    "questiondown",
    "exclamdown",
    "logicalnot",
    "radical",
    "florin",
    "approxequal",
    "Delta",
    "guillemotleft",
    "guillemotright",
    "ellipsis",
    "space",
    "Agrave",
    "Atilde",
    "Otilde",
    "OE",
    "oe",
    "endash",
    "emdash",
    "quotedblleft",
    "quotedblright",
    "quoteleft",
    "quoteright",
    "divide",
    "lozenge",
    "ydieresis",
    "Ydieresis",
    "fraction",
    "currency",
    "guilsinglleft",
    "guilsinglright",
    "fi",
    "fl",
    "daggerdbl",
    "periodcentered",
    "quotesinglbase",
    "quotedblbase",
    "perthousand",
    "Acircumflex",
    "Ecircumflex",
    "Aacute",
    "Edieresis",
    "Egrave",
    "Iacute",
    "Icircumflex",
    "Idieresis",
    "Igrave",
    "Oacute",
    "Ocircumflex",
    "apple",
    "Ograve",
    "Uacute",
    "Ucircumflex",
    "Ugrave",
    "dotlessi",
    "circumflex",
    "tilde",
    "macron",
    "breve",
    "dotaccent",
    "ring",
    "cedilla",
    "hungarumlaut",
    "ogonek",
    "caron",
];

/// StandardEncoding codes 0xA1..=0xFF that differ from "undefined", by glyph name.
const STANDARD_HIGH: [(u8, &str); 40] = [
    (0xA1, "exclamdown"),
    (0xA2, "cent"),
    (0xA3, "sterling"),
    (0xA4, "fraction"),
    (0xA5, "yen"),
    (0xA6, "florin"),
    (0xA7, "section"),
    (0xA8, "currency"),
    (0xA9, "quotesingle"),
    (0xAA, "quotedblleft"),
    (0xAB, "guillemotleft"),
    (0xAC, "guilsinglleft"),
    (0xAD, "guilsinglright"),
    (0xAE, "fi"),
    (0xAF, "fl"),
    (0xB1, "endash"),
    (0xB2, "dagger"),
    (0xB3, "daggerdbl"),
    (0xB4, "periodcentered"),
    (0xB6, "paragraph"),
    (0xB7, "bullet"),
    (0xB8, "quotesinglbase"),
    (0xB9, "quotedblbase"),
    (0xBA, "quotedblright"),
    (0xBB, "guillemotright"),
    (0xBC, "ellipsis"),
    (0xBD, "perthousand"),
    (0xBF, "questiondown"),
    (0xC1, "grave"),
    (0xC2, "acute"),
    (0xC3, "circumflex"),
    (0xC4, "tilde"),
    (0xC5, "macron"),
    (0xD0, "emdash"),
    (0xE1, "AE"),
    (0xE3, "ordfeminine"),
    (0xE9, "Oslash"),
    (0xEA, "OE"),
    (0xF1, "ae"),
    (0xF5, "dotlessi"),
];

/// The base encodings we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// `/WinAnsiEncoding`.
    WinAnsi,
    /// `/MacRomanEncoding`.
    MacRoman,
    /// `/StandardEncoding` (also what a non-symbolic standard font uses without `/Encoding`).
    Standard,
}

impl BaseEncoding {
    /// The encoding a name stands for.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            _ => None,
        }
    }

    /// The glyph name of a code.
    pub fn name(self, code: u8) -> Option<&'static str> {
        let ascii = || {
            usize::from(code)
                .checked_sub(0x20)
                .filter(|_| code < 0x7F)
                .and_then(|i| WIN_ANSI_NAMES.get(i))
                .copied()
        };
        let name = match self {
            BaseEncoding::WinAnsi => match code {
                // Undefined codes of the upper half draw a bullet, as the PDF reference says.
                0x7F | 0x81 | 0x8D | 0x8F | 0x90 | 0x9D => Some("bullet"),
                _ => usize::from(code)
                    .checked_sub(0x20)
                    .and_then(|i| WIN_ANSI_NAMES.get(i))
                    .copied(),
            },
            BaseEncoding::MacRoman => match code {
                0x80..=0xFF => MAC_ROMAN_HIGH.get(usize::from(code - 0x80)).copied(),
                _ => ascii(),
            },
            BaseEncoding::Standard => match code {
                0x27 => Some("quoteright"),
                0x60 => Some("quoteleft"),
                0xA1..=0xFF => STANDARD_HIGH
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map(|(_, n)| *n),
                _ => ascii(),
            },
        };
        name.filter(|n| !n.is_empty())
    }
}

/// The WinAnsi code of a glyph name (for standard-font widths).
pub fn win_ansi_code(name: &str) -> Option<u8> {
    let i = WIN_ANSI_NAMES.iter().position(|n| *n == name)?;
    u8::try_from(i + 0x20).ok()
}

/// The character a WinAnsi code stands for.
fn win_ansi_char(code: u8) -> Option<char> {
    match code {
        0x80..=0x9F => WIN_ANSI_HIGH
            .get(usize::from(code - 0x80))
            .copied()
            .filter(|&u| u != 0)
            .and_then(|u| char::from_u32(u32::from(u))),
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(code)),
        _ => None,
    }
}

/// The Unicode of a glyph name, for the names we know.
pub fn glyph_unicode(name: &str) -> Option<char> {
    match name {
        "quoteright" => return Some('\u{2019}'),
        "quoteleft" => return Some('\u{2018}'),
        // WinAnsi's 0xAD and 0xA0 reuse "hyphen" and "space"; the names mean the plain ones.
        "hyphen" => return Some('-'),
        "space" => return Some(' '),
        _ => {}
    }
    if let Some(code) = win_ansi_code(name) {
        return win_ansi_char(code);
    }
    if let Some((_, c)) = EXTRA_NAMES.iter().find(|(n, _)| *n == name) {
        return Some(*c);
    }
    let hex = name
        .strip_prefix("uni")
        .filter(|h| h.len() == 4)
        .or_else(|| {
            name.strip_prefix('u')
                .filter(|h| (4..=6).contains(&h.len()))
        })?;
    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_codes_read_as_windows_1252() {
        let enc = BaseEncoding::WinAnsi;
        let read = |c: u8| enc.name(c).and_then(glyph_unicode);
        assert_eq!(read(b'A'), Some('A'));
        assert_eq!(read(0x80), Some('€'));
        assert_eq!(read(0xE9), Some('é'));
        assert_eq!(read(0x92), Some('\u{2019}'));
        assert_eq!(read(0x27), Some('\''));
        assert_eq!(read(0x81), Some('\u{2022}'));
    }

    #[test]
    fn standard_and_mac_roman_differ_where_they_should() {
        assert_eq!(BaseEncoding::Standard.name(0x27), Some("quoteright"));
        assert_eq!(BaseEncoding::MacRoman.name(0x8E), Some("eacute"));
        assert_eq!(BaseEncoding::Standard.name(0xE9), Some("Oslash"));
    }

    #[test]
    fn uni_names_and_unknown_names() {
        assert_eq!(glyph_unicode("uni20AC"), Some('€'));
        assert_eq!(glyph_unicode("u1F600"), Some('😀'));
        assert_eq!(glyph_unicode("g42"), None);
        assert_eq!(glyph_unicode("fi"), Some('\u{FB01}'));
    }
}
