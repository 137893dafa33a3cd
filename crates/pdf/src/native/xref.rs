//! The cross-reference: where each object lives. Classic tables, xref streams, hybrid files
//! (`/XRefStm`), `/Prev` chains of incremental updates, and — when all of that is broken — a
//! table rebuilt by scanning the file for `N G obj`.

use std::collections::{HashMap, HashSet};

use super::Decline;
use super::filters::{Budget, decode};
use super::lexer::{Lexer, Token, memfind, memrfind};
use super::object::{Dict, Object, detach, parse_dict_body, parse_object};

/// Most xref sections followed through `/Prev` (and xref streams used when rebuilding).
const MAX_SECTIONS: usize = 256;

/// Bytes read when peeking at an object's dictionary while rebuilding the table.
const PEEK_WINDOW: usize = 4096;

/// Bytes a trailer dictionary may take while rebuilding the table.
const TRAILER_WINDOW: usize = 1 << 16;

/// Where an object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Deleted.
    Free,
    /// At a byte offset of the file.
    At(usize),
    /// The `index`-th object of object stream `stream`.
    InStream {
        /// Object number of the object stream.
        stream: u32,
        /// Index inside it.
        index: u32,
    },
}

/// The merged cross-reference of a file and its newest trailer.
#[derive(Debug, Default)]
pub struct Xref {
    /// Object number → location (newest section wins).
    pub entries: HashMap<u32, Entry>,
    /// The trailer: `/Root`, `/Info`, `/Encrypt`, `/ID`.
    pub trailer: Dict<'static>,
}

/// Reads the cross-reference from `startxref` backwards through `/Prev`.
pub fn load(bytes: &[u8], base: usize, budget: &Budget) -> Result<Xref, Decline> {
    let tail_from = bytes.len().saturating_sub(2048);
    let tail = bytes.get(tail_from..).unwrap_or_default();
    let at = memrfind(tail, b"startxref").ok_or(Decline::Malformed("no startxref"))?;
    let mut lexer = Lexer::new(bytes, tail_from + at + b"startxref".len());
    let Some(Token::Int(offset)) = lexer.next_token() else {
        return Err(Decline::Malformed("startxref without an offset"));
    };
    let mut xref = Xref::default();
    let mut next = usize::try_from(offset).ok();
    let mut seen = HashSet::new();
    let mut first = true;
    while let Some(offset) = next {
        if seen.len() >= MAX_SECTIONS || !seen.insert(offset) {
            break;
        }
        let at = offset
            .checked_add(base)
            .filter(|&a| a < bytes.len())
            .ok_or(Decline::Malformed("an xref offset beyond the end"))?;
        let trailer = read_section(bytes, at, base, budget, &mut xref)?;
        if first {
            xref.trailer = trailer.clone();
            first = false;
        } else {
            for key in [&b"Root"[..], b"Info", b"Encrypt", b"ID"] {
                if !xref.trailer.has(key) && trailer.has(key) {
                    xref.trailer
                        .0
                        .push((key.to_vec(), trailer.get(key).clone()));
                }
            }
        }
        next = trailer
            .get(b"Prev")
            .as_i64()
            .and_then(|p| usize::try_from(p).ok());
    }
    if !xref.trailer.has(b"Root") {
        return Err(Decline::Malformed("the trailer names no catalog"));
    }
    Ok(xref)
}

/// One section (a table with its trailer, or an xref stream); entries not yet known are added.
fn read_section(
    bytes: &[u8],
    at: usize,
    base: usize,
    budget: &Budget,
    xref: &mut Xref,
) -> Result<Dict<'static>, Decline> {
    let mut lexer = Lexer::new(bytes, at);
    match lexer.next_token() {
        Some(Token::Keyword(b"xref")) => {
            let mut section = HashMap::new();
            read_table(&mut lexer, &mut section)?;
            let trailer = match parse_object(&mut lexer, 0)? {
                Object::Dict(d) => detach_trailer(&d)?,
                _ => return Err(Decline::Malformed("a trailer that is not a dictionary")),
            };
            // A hybrid file: the stream's entries stand in for the table's for this section.
            if let Some(stm) = trailer
                .get(b"XRefStm")
                .as_i64()
                .and_then(|o| usize::try_from(o).ok())
            {
                let at = stm
                    .checked_add(base)
                    .ok_or(Decline::Malformed("bad XRefStm"))?;
                let mut hybrid = HashMap::new();
                read_stream_section(bytes, at, budget, &mut hybrid)?;
                for (num, entry) in hybrid {
                    if matches!(section.get(&num), None | Some(Entry::Free)) {
                        section.insert(num, entry);
                    }
                }
            }
            merge(xref, section, base);
            Ok(trailer)
        }
        _ => {
            let mut section = HashMap::new();
            let trailer = read_stream_section(bytes, at, budget, &mut section)?;
            merge(xref, section, base);
            Ok(trailer)
        }
    }
}

/// Adds a section's entries the newer sections did not define; offsets become absolute.
fn merge(xref: &mut Xref, section: HashMap<u32, Entry>, base: usize) {
    for (num, entry) in section {
        let entry = match entry {
            Entry::At(o) => o.checked_add(base).map_or(Entry::Free, Entry::At),
            other => other,
        };
        xref.entries.entry(num).or_insert(entry);
    }
}

fn detach_trailer(dict: &Dict<'_>) -> Result<Dict<'static>, Decline> {
    super::object::detach_dict(dict).ok_or(Decline::Malformed("a stream inside a trailer"))
}

/// Subsections `start count` then `offset generation n|f` lines, up to `trailer`.
fn read_table(lexer: &mut Lexer<'_>, section: &mut HashMap<u32, Entry>) -> Result<(), Decline> {
    let most = lexer.data().len() / 18 + 1;
    loop {
        let start = match lexer.next_token() {
            Some(Token::Keyword(b"trailer")) => return Ok(()),
            Some(Token::Int(s)) => u32::try_from(s).map_err(|_| Decline::Malformed("bad xref"))?,
            _ => return Err(Decline::Malformed("a damaged xref table")),
        };
        let Some(Token::Int(count)) = lexer.next_token() else {
            return Err(Decline::Malformed("a damaged xref table"));
        };
        let count =
            usize::try_from(count)
                .ok()
                .filter(|&c| c <= most)
                .ok_or(Decline::Malformed(
                    "an xref subsection larger than the file",
                ))?;
        for i in 0..count {
            let (
                Some(Token::Int(offset)),
                Some(Token::Int(_generation)),
                Some(Token::Keyword(kind)),
            ) = (lexer.next_token(), lexer.next_token(), lexer.next_token())
            else {
                return Err(Decline::Malformed("a damaged xref entry"));
            };
            let num = u32::try_from(i)
                .ok()
                .and_then(|i| start.checked_add(i))
                .ok_or(Decline::Malformed("bad xref"))?;
            let entry = match kind {
                b"n" => match usize::try_from(offset) {
                    Ok(o) if o > 0 => Entry::At(o),
                    _ => Entry::Free,
                },
                b"f" => Entry::Free,
                _ => return Err(Decline::Malformed("a damaged xref entry")),
            };
            section.entry(num).or_insert(entry);
        }
    }
}

/// An xref stream at `at` (`N G obj << /Type /XRef … >> stream`).
fn read_stream_section(
    bytes: &[u8],
    at: usize,
    budget: &Budget,
    section: &mut HashMap<u32, Entry>,
) -> Result<Dict<'static>, Decline> {
    let (dict, raw) = stream_at(bytes, at)?;
    if dict.get(b"Type").as_name() != Some(b"XRef") {
        return Err(Decline::Malformed(
            "the xref offset points at neither a table nor a stream",
        ));
    }
    let data = decode(&dict, raw, budget, &|o| detach(o))?;
    let widths: Vec<usize> = dict
        .get(b"W")
        .as_array()
        .unwrap_or_default()
        .iter()
        .map(|w| {
            w.as_i64()
                .and_then(|w| usize::try_from(w).ok())
                .filter(|&w| w <= 8)
        })
        .collect::<Option<_>>()
        .ok_or(Decline::Malformed("bad /W in an xref stream"))?;
    let [w0, w1, w2] = widths[..] else {
        return Err(Decline::Malformed("bad /W in an xref stream"));
    };
    let row = w0 + w1 + w2;
    if row == 0 {
        return Err(Decline::Malformed("bad /W in an xref stream"));
    }
    let size = dict.get(b"Size").as_i64().unwrap_or(0);
    let index: Vec<i64> = match dict.get(b"Index").as_array() {
        Some(items) => items.iter().filter_map(Object::as_i64).collect(),
        None => vec![0, size],
    };
    let mut rows = data.chunks_exact(row);
    for pair in index.chunks_exact(2) {
        let [start, count] = pair else { continue };
        let (Ok(start), Ok(count)) = (u32::try_from(*start), u32::try_from(*count)) else {
            return Err(Decline::Malformed("bad /Index in an xref stream"));
        };
        for i in 0..count {
            let Some(r) = rows.next() else {
                break;
            };
            let field = |from: usize, width: usize, default: u64| {
                if width == 0 {
                    return default;
                }
                r.get(from..from + width)
                    .unwrap_or_default()
                    .iter()
                    .fold(0u64, |v, &b| v << 8 | u64::from(b))
            };
            let kind = field(0, w0, 1);
            let second = field(w0, w1, 0);
            let third = field(w0 + w1, w2, 0);
            let entry = match kind {
                1 => match usize::try_from(second) {
                    Ok(o) if o > 0 => Entry::At(o),
                    _ => Entry::Free,
                },
                2 => Entry::InStream {
                    stream: u32::try_from(second).map_err(|_| Decline::Malformed("bad xref"))?,
                    index: u32::try_from(third).map_err(|_| Decline::Malformed("bad xref"))?,
                },
                _ => Entry::Free,
            };
            let Some(num) = start.checked_add(i) else {
                break;
            };
            section.entry(num).or_insert(entry);
        }
    }
    detach_trailer(&dict)
}

/// The `N G obj` header at `at`: the object number, and the lexer after `obj`.
pub fn object_header(bytes: &[u8], at: usize) -> Option<(u32, Lexer<'_>)> {
    let mut lexer = Lexer::new(bytes, at);
    let (Some(Token::Int(num)), Some(Token::Int(_)), Some(Token::Keyword(b"obj"))) =
        (lexer.next_token(), lexer.next_token(), lexer.next_token())
    else {
        return None;
    };
    Some((u32::try_from(num).ok()?, lexer))
}

/// A stream object at `at` whose `/Length` is direct (xref streams and object streams found by
/// scanning), or found by searching for `endstream`.
pub fn stream_at(bytes: &[u8], at: usize) -> Result<(Dict<'static>, &[u8]), Decline> {
    let (_, mut lexer) =
        object_header(bytes, at).ok_or(Decline::Malformed("no object at an xref offset"))?;
    let Some(Token::DictOpen) = lexer.next_token() else {
        return Err(Decline::Malformed("an xref stream without a dictionary"));
    };
    let dict = parse_dict_body(&mut lexer, 0)?;
    let dict = detach_trailer(&dict)?;
    let Some(Token::Keyword(b"stream")) = lexer.next_token() else {
        return Err(Decline::Malformed("an xref stream without data"));
    };
    lexer.skip_stream_eol();
    let length = dict
        .get(b"Length")
        .as_i64()
        .and_then(|l| usize::try_from(l).ok());
    let raw = stream_data(bytes, lexer.pos(), length);
    Ok((dict, raw))
}

/// The data of a stream starting at `start`: `length` bytes when `endstream` follows them,
/// otherwise up to the next `endstream`.
pub fn stream_data(bytes: &[u8], start: usize, length: Option<usize>) -> &[u8] {
    if let Some(end) = length.and_then(|l| start.checked_add(l))
        && let Some(after) = bytes.get(end..)
    {
        let mut lexer = Lexer::new(after, 0);
        lexer.skip_white();
        if after
            .get(lexer.pos()..)
            .is_some_and(|r| r.starts_with(b"endstream"))
        {
            return bytes.get(start..end).unwrap_or_default();
        }
    }
    let rest = bytes.get(start..).unwrap_or_default();
    let end = memfind(rest, b"endstream").unwrap_or(rest.len());
    let mut data = rest.get(..end).unwrap_or_default();
    if let Some(d) = data.strip_suffix(b"\n") {
        data = d.strip_suffix(b"\r").unwrap_or(d);
    } else if let Some(d) = data.strip_suffix(b"\r") {
        data = d;
    }
    data
}

/// Rebuilds the cross-reference by scanning for `N G obj` (the last definition wins) and the
/// last trailer naming a catalog; xref streams found on the way add their object-stream entries.
pub fn reconstruct(bytes: &[u8], budget: &Budget) -> Result<Xref, Decline> {
    let mut xref = Xref::default();
    let mut streams = Vec::new();
    let mut from = 0usize;
    while let Some(found) = bytes.get(from..).and_then(|r| memfind(r, b"obj")) {
        let at = from + found;
        from = at + 3;
        // Back over "N G " before "obj".
        if let Some(start) = header_start(bytes, at)
            && let Some((num, lexer)) = object_header(bytes, start)
        {
            xref.entries.insert(num, Entry::At(start));
            // Peek at the dictionary within a small window: an unterminated one must not make
            // the scan quadratic.
            let window = bytes
                .get(..lexer.pos().saturating_add(PEEK_WINDOW).min(bytes.len()))
                .unwrap_or_default();
            let mut peek = Lexer::new(window, lexer.pos());
            if streams.len() < MAX_SECTIONS
                && let Some(Token::DictOpen) = peek.next_token()
                && let Ok(dict) = parse_dict_body(&mut peek, 0)
                && dict.get(b"Type").as_name() == Some(b"XRef")
            {
                streams.push(start);
            }
        }
    }
    let mut pos = 0usize;
    while let Some(found) = bytes.get(pos..).and_then(|r| memfind(r, b"trailer")) {
        pos += found + 7;
        let window = bytes
            .get(..pos.saturating_add(TRAILER_WINDOW).min(bytes.len()))
            .unwrap_or_default();
        let mut lexer = Lexer::new(window, pos);
        if let Ok(Object::Dict(d)) = parse_object(&mut lexer, 0)
            && d.has(b"Root")
            && let Some(d) = super::object::detach_dict(&d)
        {
            xref.trailer = d;
        }
    }
    for at in streams {
        let mut section = HashMap::new();
        if let Ok(trailer) = read_stream_section(bytes, at, budget, &mut section) {
            for (num, entry) in section {
                if matches!(entry, Entry::InStream { .. }) {
                    xref.entries.entry(num).or_insert(entry);
                }
            }
            if !xref.trailer.has(b"Root") && trailer.has(b"Root") {
                xref.trailer = trailer;
            }
        }
    }
    if !xref.trailer.has(b"Root") {
        return Err(Decline::Malformed("no catalog found by scanning"));
    }
    Ok(xref)
}

/// The start of `N G ` before the `obj` at `at`, when the bytes there read so.
fn header_start(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    let mut fields = 0;
    while fields < 2 {
        // Whitespace, then digits.
        let white_end = i;
        while i > 0 && super::lexer::is_white(*bytes.get(i - 1)?) {
            i -= 1;
        }
        if i == white_end {
            return None;
        }
        let digits_end = i;
        while i > 0 && bytes.get(i - 1)?.is_ascii_digit() {
            i -= 1;
        }
        if i == digits_end {
            return None;
        }
        fields += 1;
    }
    if i > 0
        && !super::lexer::is_white(*bytes.get(i - 1)?)
        && !super::lexer::is_delim(*bytes.get(i - 1)?)
    {
        return None;
    }
    Some(i)
}
