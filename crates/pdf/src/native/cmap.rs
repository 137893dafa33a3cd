//! `/ToUnicode` CMaps: `begincodespacerange`, `beginbfchar` and `beginbfrange` sections.
//! Enough for what PDF writers emit; anything else in the stream is skipped.

use std::collections::HashMap;

use super::Decline;
use super::lexer::{Lexer, Token};

/// Most entries one CMap may define (a bfrange counts each code).
const MAX_ENTRIES: usize = 1 << 17;

/// Code → Unicode text.
#[derive(Debug, Default)]
pub struct ToUnicode {
    /// Byte lengths of the codespace ranges (1 and/or 2).
    pub code_lengths: Vec<usize>,
    /// Two-byte codespace ranges (low, high), for splitting strings into codes.
    pub ranges: Vec<(u32, u32, usize)>,
    map: HashMap<u32, Mapped>,
    pool: Vec<char>,
}

/// A mapping: one character (the common case) or several from the pool.
#[derive(Debug, Clone, Copy)]
enum Mapped {
    One(char),
    Many(u32, u32),
}

fn code_of(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)))
}

/// UTF-16BE text to characters (unpaired surrogates become U+FFFD).
fn utf16(bytes: &[u8]) -> Vec<char> {
    let units = bytes.chunks(2).map(|c| match c {
        [a, b] => u16::from(*a) << 8 | u16::from(*b),
        [a] => u16::from(*a),
        _ => 0,
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

impl ToUnicode {
    /// Parses a CMap stream's decoded data.
    pub fn parse(data: &[u8]) -> Result<ToUnicode, Decline> {
        let mut cmap = ToUnicode::default();
        let mut lexer = Lexer::new(data, 0);
        let mut operands: Vec<Vec<u8>> = Vec::new();
        let mut in_array: Option<Vec<Vec<u8>>> = None;
        let mut section: Option<&'static str> = None;
        let mut pending: Vec<Item> = Vec::new();
        while let Some(token) = lexer.next_token() {
            match token {
                Token::Str => {
                    let s = std::mem::take(&mut lexer.string);
                    match &mut in_array {
                        Some(items) => items.push(s),
                        None => pending.push(Item::Str(s)),
                    }
                }
                Token::ArrayOpen => in_array = Some(Vec::new()),
                Token::ArrayClose => {
                    if let Some(items) = in_array.take() {
                        pending.push(Item::Array(items));
                    }
                }
                Token::Keyword(k) => match k {
                    b"begincodespacerange" => section = Some("space"),
                    b"beginbfchar" => section = Some("char"),
                    b"beginbfrange" => section = Some("range"),
                    b"endcodespacerange" | b"endbfchar" | b"endbfrange" => {
                        cmap.flush(section.take(), &mut pending)?;
                    }
                    _ => pending.clear(),
                },
                Token::Int(_)
                | Token::Real(_)
                | Token::Name(_)
                | Token::DictOpen
                | Token::DictClose => {
                    if section.is_none() {
                        pending.clear();
                    }
                }
            }
            operands.clear();
        }
        if cmap.code_lengths.is_empty() {
            // No codespace: the codes of the map say how long codes are.
            let mut lengths: Vec<usize> = cmap
                .map
                .keys()
                .map(|&c| if c > 0xFF { 2 } else { 1 })
                .collect();
            lengths.sort_unstable();
            lengths.dedup();
            cmap.code_lengths = lengths;
        }
        Ok(cmap)
    }

    fn flush(&mut self, section: Option<&str>, pending: &mut Vec<Item>) -> Result<(), Decline> {
        let items = std::mem::take(pending);
        match section {
            Some("space") => {
                for pair in items.chunks_exact(2) {
                    if let [Item::Str(lo), Item::Str(hi)] = pair {
                        let len = lo.len();
                        if !(1..=2).contains(&len) || hi.len() != len {
                            return Err(Decline::Unsupported("a CMap with codes of 3 or 4 bytes"));
                        }
                        if !self.code_lengths.contains(&len) {
                            self.code_lengths.push(len);
                        }
                        if let (Some(l), Some(h)) = (code_of(lo), code_of(hi)) {
                            self.ranges.push((l, h, len));
                        }
                    }
                }
            }
            Some("char") => {
                for pair in items.chunks_exact(2) {
                    if let [Item::Str(code), Item::Str(text)] = pair
                        && let Some(c) = code_of(code)
                    {
                        let chars = utf16(text);
                        self.insert(c, &chars)?;
                    }
                }
            }
            Some("range") => {
                for triple in items.chunks_exact(3) {
                    let [Item::Str(lo), Item::Str(hi), target] = triple else {
                        continue;
                    };
                    let (Some(lo), Some(hi)) = (code_of(lo), code_of(hi)) else {
                        continue;
                    };
                    if hi < lo || (hi - lo) as usize > MAX_ENTRIES {
                        continue;
                    }
                    match target {
                        Item::Str(start) => {
                            let base = utf16(start);
                            for (i, code) in (lo..=hi).enumerate() {
                                let mut chars = base.clone();
                                // The last character counts up through the range.
                                if let Some(last) = chars.last_mut() {
                                    let step = u32::try_from(i).unwrap_or(u32::MAX);
                                    *last = u32::from(*last)
                                        .checked_add(step)
                                        .and_then(char::from_u32)
                                        .unwrap_or('\u{FFFD}');
                                }
                                self.insert(code, &chars)?;
                            }
                        }
                        Item::Array(targets) => {
                            for (code, text) in (lo..=hi).zip(targets) {
                                self.insert(code, &utf16(text))?;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn insert(&mut self, code: u32, chars: &[char]) -> Result<(), Decline> {
        if self.map.len() >= MAX_ENTRIES || self.pool.len() >= MAX_ENTRIES {
            return Err(Decline::Unsupported("a CMap too large"));
        }
        let mapped = match chars {
            [c] => Mapped::One(*c),
            _ => {
                let start = u32::try_from(self.pool.len()).unwrap_or(u32::MAX);
                self.pool.extend_from_slice(chars);
                Mapped::Many(start, u32::try_from(chars.len()).unwrap_or(0))
            }
        };
        self.map.insert(code, mapped);
        Ok(())
    }

    /// The text of a code, `None` when the map does not have it.
    pub fn lookup(&self, code: u32) -> Option<&[char]> {
        match self.map.get(&code)? {
            Mapped::One(c) => Some(std::slice::from_ref(c)),
            Mapped::Many(start, len) => {
                let start = usize::try_from(*start).ok()?;
                self.pool
                    .get(start..start.checked_add(usize::try_from(*len).ok()?)?)
            }
        }
    }

    /// The code that maps to a single space, if any (the lowest, for determinism).
    pub fn space_code(&self) -> Option<u32> {
        self.map
            .iter()
            .filter(|(_, m)| matches!(m, Mapped::One(' ')))
            .map(|(c, _)| *c)
            .min()
    }

    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[derive(Debug)]
enum Item {
    Str(Vec<u8>),
    Array(Vec<Vec<u8>>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_and_bfrange_map_codes() {
        let cmap = ToUnicode::parse(
            b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange \
              2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar \
              1 beginbfrange <0024> <0026> <0041> endbfrange \
              1 beginbfrange <0030> <0031> [<0031> <0032>] endbfrange endcmap",
        )
        .unwrap();
        assert_eq!(cmap.code_lengths, [2]);
        assert_eq!(cmap.lookup(3), Some(&[' '][..]));
        assert_eq!(cmap.lookup(0x11), Some(&['f', 'i'][..]));
        assert_eq!(cmap.lookup(0x26), Some(&['C'][..]));
        assert_eq!(cmap.lookup(0x31), Some(&['2'][..]));
        assert_eq!(cmap.lookup(0x99), None);
    }
}
