//! PDF objects and the parser that builds them from tokens.

use super::Decline;
use super::lexer::{Lexer, Token};

/// Arrays and dictionaries nest at most this deep (pdfium allows 64).
pub const MAX_NESTING: u32 = 64;

/// An indirect reference: object number and generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ref {
    /// Object number.
    pub num: u32,
    /// Generation.
    pub generation: u16,
}

/// A PDF object. Stream data borrows the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Object<'a> {
    /// `null`, and anything missing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real.
    Real(f64),
    /// A name, `#xx` escapes resolved.
    Name(Vec<u8>),
    /// A string, decoded.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Object<'a>>),
    /// A dictionary.
    Dict(Dict<'a>),
    /// A stream: its dictionary and its raw (still encoded) bytes.
    Stream(Dict<'a>, &'a [u8]),
    /// `N G R`.
    Ref(Ref),
}

/// A dictionary: few keys, so a vector searched in order beats a map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dict<'a>(pub Vec<(Vec<u8>, Object<'a>)>);

static NULL: Object<'static> = Object::Null;

impl<'a> Dict<'a> {
    /// The value of `key`, `Null` when absent.
    pub fn get(&self, key: &[u8]) -> &Object<'a> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&NULL, |(_, v)| v)
    }

    /// True when `key` is present (and not null).
    pub fn has(&self, key: &[u8]) -> bool {
        !matches!(self.get(key), Object::Null)
    }
}

impl<'a> Object<'a> {
    /// The number, when this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Object::Int(i) => Some(*i as f64),
            Object::Real(r) => Some(*r),
            _ => None,
        }
    }

    /// The integer, when this is one (reals that are whole count too, as pdfium reads them).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Object::Int(i) => Some(*i),
            Object::Real(r) if r.is_finite() && r.fract() == 0.0 && r.abs() < 9.0e15 => {
                Some(*r as i64)
            }
            _ => None,
        }
    }

    /// The name, when this is one.
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The dictionary of a dictionary or of a stream.
    pub fn as_dict(&self) -> Option<&Dict<'a>> {
        match self {
            Object::Dict(d) | Object::Stream(d, _) => Some(d),
            _ => None,
        }
    }

    /// The array, when this is one.
    pub fn as_array(&self) -> Option<&[Object<'a>]> {
        match self {
            Object::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// Resolves `#xx` escapes of a name.
pub fn decode_name(raw: &[u8]) -> Vec<u8> {
    if !raw.contains(&b'#') {
        return raw.to_vec();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0usize;
    while let Some(&b) = raw.get(i) {
        if b == b'#' {
            let hex = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Parses one object at the lexer's position. `N G R` becomes a reference. Streams are not
/// recognised here (the caller that reads `N G obj` does it, knowing the file).
pub fn parse_object<'a>(lexer: &mut Lexer<'a>, depth: u32) -> Result<Object<'a>, Decline> {
    let token = lexer
        .next_token()
        .ok_or(Decline::Malformed("unexpected end of data"))?;
    parse_from(lexer, token, depth)
}

/// Parses an object whose first token has been read.
pub fn parse_from<'a>(
    lexer: &mut Lexer<'a>,
    token: Token<'a>,
    depth: u32,
) -> Result<Object<'a>, Decline> {
    if depth > MAX_NESTING {
        return Err(Decline::Malformed("objects nested too deeply"));
    }
    Ok(match token {
        Token::Int(i) => {
            // `N G R`? Look ahead without consuming when it is not.
            let save = lexer.pos();
            if let (Ok(num), Some(Token::Int(g))) = (u32::try_from(i), lexer.next_token())
                && let Some(Token::Keyword(b"R")) = lexer.next_token()
                && let Ok(generation) = u16::try_from(g)
            {
                return Ok(Object::Ref(Ref { num, generation }));
            }
            lexer.seek(save);
            Object::Int(i)
        }
        Token::Real(r) => Object::Real(r),
        Token::Name(n) => Object::Name(decode_name(n)),
        Token::Str => Object::Str(std::mem::take(&mut lexer.string)),
        Token::ArrayOpen => {
            let mut items = Vec::new();
            loop {
                match lexer.next_token() {
                    None => return Err(Decline::Malformed("unterminated array")),
                    Some(Token::ArrayClose) => break,
                    Some(t) => items.push(parse_from(lexer, t, depth + 1)?),
                }
            }
            Object::Array(items)
        }
        Token::DictOpen => Object::Dict(parse_dict_body(lexer, depth)?),
        Token::Keyword(b"true") => Object::Bool(true),
        Token::Keyword(b"false") => Object::Bool(false),
        Token::Keyword(b"null") => Object::Null,
        Token::ArrayClose | Token::DictClose | Token::Keyword(_) => {
            return Err(Decline::Malformed(
                "unexpected token where an object was due",
            ));
        }
    })
}

/// The entries of a dictionary whose `<<` has been read, up to its `>>`.
pub fn parse_dict_body<'a>(lexer: &mut Lexer<'a>, depth: u32) -> Result<Dict<'a>, Decline> {
    let mut entries = Vec::new();
    loop {
        match lexer.next_token() {
            None => return Err(Decline::Malformed("unterminated dictionary")),
            Some(Token::DictClose) => break,
            Some(Token::Name(key)) => {
                let key = decode_name(key);
                let value = match lexer.next_token() {
                    None => return Err(Decline::Malformed("unterminated dictionary")),
                    // A key without a value (`/A >>`): pdfium drops it.
                    Some(Token::DictClose) => break,
                    Some(t) => parse_from(lexer, t, depth + 1)?,
                };
                if !matches!(value, Object::Null) {
                    entries.push((key, value));
                }
            }
            Some(_) => return Err(Decline::Malformed("a dictionary key is not a name")),
        }
    }
    Ok(Dict(entries))
}

/// A copy of an object that borrows nothing (streams, which borrow the file, cannot be copied).
pub fn detach(object: &Object<'_>) -> Option<Object<'static>> {
    Some(match object {
        Object::Null => Object::Null,
        Object::Bool(b) => Object::Bool(*b),
        Object::Int(i) => Object::Int(*i),
        Object::Real(r) => Object::Real(*r),
        Object::Name(n) => Object::Name(n.clone()),
        Object::Str(s) => Object::Str(s.clone()),
        Object::Ref(r) => Object::Ref(*r),
        Object::Array(items) => Object::Array(items.iter().map(detach).collect::<Option<_>>()?),
        Object::Dict(d) => Object::Dict(detach_dict(d)?),
        Object::Stream(..) => return None,
    })
}

/// [`detach`] for a dictionary.
pub fn detach_dict(dict: &Dict<'_>) -> Option<Dict<'static>> {
    Some(Dict(
        dict.0
            .iter()
            .map(|(k, v)| Some((k.clone(), detach(v)?)))
            .collect::<Option<_>>()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_arrays_and_dictionaries_parse() {
        let mut lexer = Lexer::new(b"<< /A 1 0 R /B [1 2.5 /N (s)] /C << /D true >> >>", 0);
        let object = parse_object(&mut lexer, 0).unwrap();
        let dict = object.as_dict().unwrap();
        assert_eq!(
            dict.get(b"A"),
            &Object::Ref(Ref {
                num: 1,
                generation: 0
            })
        );
        assert_eq!(dict.get(b"B").as_array().map(<[_]>::len), Some(4));
        assert_eq!(
            dict.get(b"C").as_dict().unwrap().get(b"D"),
            &Object::Bool(true)
        );
        assert_eq!(dict.get(b"Z"), &Object::Null);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(10_000);
        let mut lexer = Lexer::new(text.as_bytes(), 0);
        assert!(parse_object(&mut lexer, 0).is_err());
    }

    #[test]
    fn escaped_names_are_decoded() {
        assert_eq!(decode_name(b"A#20B#zz"), b"A B#zz");
    }
}
