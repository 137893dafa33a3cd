//! Tokens of the PDF syntax, shared by the file parser and the content-stream interpreter.
//!
//! The lexer never fails: bytes it cannot make sense of become [`Token::Keyword`]s or are
//! skipped, and the caller decides whether that is fatal. Every loop advances, so hostile input
//! costs at most one pass.

/// One token. Names and keywords borrow the input; strings are decoded (escapes resolved) into
/// the lexer's reusable buffer and handed out as a slice of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    /// An integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A name without its slash, `#xx` escapes still in place.
    Name(&'a [u8]),
    /// A literal `(…)` or hex `<…>` string, decoded.
    Str,
    /// `[`
    ArrayOpen,
    /// `]`
    ArrayClose,
    /// `<<`
    DictOpen,
    /// `>>`
    DictClose,
    /// Anything else: operators, `obj`, `R`, `true`, `null`, stray bytes.
    Keyword(&'a [u8]),
}

/// Most nested parentheses kept track of inside a literal string.
const MAX_PAREN_DEPTH: u32 = 1 << 16;

/// A cursor over PDF bytes.
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    /// The bytes of the last [`Token::Str`].
    pub string: Vec<u8>,
}

pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

pub(crate) fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    /// A lexer at `pos` of `data`.
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Lexer {
            data,
            pos: pos.min(data.len()),
            string: Vec::new(),
        }
    }

    /// The input.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Offset of the next byte.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to `pos` (clamped to the input).
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos.min(self.data.len());
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Skips whitespace and comments.
    pub fn skip_white(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end of the input.
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            self.skip_white();
            let b = self.peek()?;
            let data = self.data;
            match b {
                b'/' => {
                    self.pos += 1;
                    let start = self.pos;
                    self.skip_regular();
                    return Some(Token::Name(data.get(start..self.pos).unwrap_or_default()));
                }
                b'(' => {
                    self.pos += 1;
                    self.literal_string();
                    return Some(Token::Str);
                }
                b'<' => {
                    if data.get(self.pos + 1) == Some(&b'<') {
                        self.pos += 2;
                        return Some(Token::DictOpen);
                    }
                    self.pos += 1;
                    self.hex_string();
                    return Some(Token::Str);
                }
                b'>' => {
                    self.pos += 1;
                    if self.peek() == Some(b'>') {
                        self.pos += 1;
                        return Some(Token::DictClose);
                    }
                    // A stray '>': skip it.
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Token::ArrayOpen);
                }
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayClose);
                }
                b'{' | b'}' | b')' => {
                    self.pos += 1;
                    return Some(Token::Keyword(
                        data.get(self.pos - 1..self.pos).unwrap_or_default(),
                    ));
                }
                _ => {
                    let start = self.pos;
                    self.skip_regular();
                    if self.pos == start {
                        self.pos += 1;
                    }
                    let word = data.get(start..self.pos).unwrap_or_default();
                    return Some(number(word).unwrap_or(Token::Keyword(word)));
                }
            }
        }
    }

    fn skip_regular(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
    }

    fn literal_string(&mut self) {
        self.string.clear();
        let mut depth = 0u32;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'(' => {
                    depth = depth.saturating_add(1).min(MAX_PAREN_DEPTH);
                    self.string.push(b);
                }
                b')' => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                    self.string.push(b);
                }
                b'\\' => self.escape(),
                b'\r' => {
                    // An end of line inside a string reads as a single newline.
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    self.string.push(b'\n');
                }
                _ => self.string.push(b),
            }
        }
    }

    fn escape(&mut self) {
        let Some(b) = self.peek() else {
            return;
        };
        self.pos += 1;
        let out = match b {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'b' => 8,
            b'f' => 12,
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                return;
            }
            b'\n' => return,
            b'0'..=b'7' => {
                let mut value = u32::from(b - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                u8::try_from(value & 0xFF).unwrap_or(0)
            }
            other => other,
        };
        self.string.push(out);
    }

    fn hex_string(&mut self) {
        self.string.clear();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            let Some(v) = hex_value(b) else {
                continue;
            };
            match high.take() {
                Some(h) => self.string.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            self.string.push(h << 4);
        }
    }

    /// Skips the end of line after the `stream` keyword: CRLF or LF (a lone CR is tolerated).
    pub fn skip_stream_eol(&mut self) {
        match self.peek() {
            Some(b'\r') => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            Some(b'\n') => self.pos += 1,
            _ => {}
        }
    }

    /// Finds `needle` at or after the cursor, returning its offset.
    pub fn find(&self, needle: &[u8]) -> Option<usize> {
        let rest = self.data.get(self.pos..)?;
        memfind(rest, needle).map(|p| p + self.pos)
    }
}

/// The first offset of `needle` in `haystack`.
pub fn memfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0usize;
    while let Some(rest) = haystack.get(from..) {
        let at = rest.iter().position(|&b| b == first)? + from;
        if haystack.get(at..at.checked_add(needle.len())?)? == needle {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The last offset of `needle` in `haystack`.
pub fn memrfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A number token: integers, reals with or without a leading digit, a sign; PDF has no
/// exponents. Writers' oddities (`--5`, `1.2.3`) read as pdfium reads them: as far as they parse.
fn number(word: &[u8]) -> Option<Token<'static>> {
    let first = *word.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    let mut i = 0usize;
    let mut negative = false;
    while let Some(&c) = word.get(i) {
        match c {
            b'-' => negative = !negative,
            b'+' => {}
            _ => break,
        }
        i += 1;
    }
    let mut int: i64 = 0;
    let mut any = false;
    let mut overflow = false;
    while let Some(&c) = word.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        any = true;
        match int
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(c - b'0')))
        {
            Some(v) => int = v,
            None => overflow = true,
        }
        i += 1;
    }
    if word.get(i) == Some(&b'.') {
        i += 1;
        let mut value = if overflow { f64::MAX } else { int as f64 };
        let mut scale = 0.1f64;
        while let Some(&c) = word.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            any = true;
            value += f64::from(c - b'0') * scale;
            scale *= 0.1;
            i += 1;
        }
        if !any {
            return None;
        }
        return Some(Token::Real(if negative { -value } else { value }));
    }
    if !any || i != word.len() {
        // `12abc` is not a number: let the caller see the keyword.
        if any && i < word.len() {
            return None;
        }
        if !any {
            return None;
        }
    }
    if overflow {
        return Some(Token::Real(if negative { f64::MIN } else { f64::MAX }));
    }
    Some(Token::Int(if negative { -int } else { int }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &[u8]) -> Vec<String> {
        let mut lexer = Lexer::new(text, 0);
        let mut out = Vec::new();
        while let Some(t) = lexer.next_token() {
            out.push(match t {
                Token::Str => format!("S{:?}", String::from_utf8_lossy(&lexer.string)),
                other => format!("{other:?}"),
            });
        }
        out
    }

    #[test]
    fn numbers_names_and_strings_read_as_pdf_defines_them() {
        let t = tokens(b"12 -3.5 .5 /Name#20x (a\\(b\\)\\101) <48 69> << >> [ ] Tj % c\nET");
        assert_eq!(
            t,
            [
                "Int(12)",
                "Real(-3.5)",
                "Real(0.5)",
                "Name([78, 97, 109, 101, 35, 50, 48, 120])",
                "S\"a(b)A\"",
                "S\"Hi\"",
                "DictOpen",
                "DictClose",
                "ArrayOpen",
                "ArrayClose",
                "Keyword([84, 106])",
                "Keyword([69, 84])",
            ]
        );
    }

    #[test]
    fn an_unterminated_string_ends_at_the_input_end() {
        let t = tokens(b"(abc");
        assert_eq!(t, ["S\"abc\""]);
    }

    #[test]
    fn memfind_finds_first_and_last() {
        assert_eq!(memfind(b"abcabc", b"bc"), Some(1));
        assert_eq!(memrfind(b"abcabc", b"bc"), Some(4));
        assert_eq!(memfind(b"ab", b"abc"), None);
    }
}
