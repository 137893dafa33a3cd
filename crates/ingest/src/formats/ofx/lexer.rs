//! One tolerant tag reader for both OFX generations.
//!
//! OFX 1.x is SGML: leaf elements are usually left unclosed (`<TRNAMT>-12.50` then the next tag),
//! aggregates are closed. OFX 2.x is XML: everything is closed. Real files mix the two (closed
//! leaves in SGML files, self-closing tags, a whole body on one line, lowercase tags, raw `&` in
//! memos, `<!-- -->` comments). Rather than two parsers, one tokenizer turns the text into tags and
//! text runs, and [`Elements`] turns those into a flat stream of aggregate starts/ends and leaf
//! values, deciding per tag whether it is a leaf from what follows it. Nothing builds a tree, so
//! memory stays proportional to nesting depth and every step is linear in the input.

use std::borrow::Cow;

use ledgerlens_core::Format;

use crate::error::IngestError;

/// Deepest aggregate nesting accepted; real OFX nests about ten levels.
const MAX_DEPTH: usize = 128;
/// Longest tag name accepted; OFX names are at most about 32 characters.
const MAX_NAME: usize = 64;
/// Longest leaf value accepted, so a missing `<` cannot turn the rest of a file into one value.
const MAX_VALUE: usize = 1 << 20;

/// A lexical unit of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    /// `<NAME ...>`
    Open(&'a str, u32),
    /// `</NAME>`
    Close(&'a str),
    /// `<NAME/>`
    SelfClosing(&'a str, u32),
    /// Text between tags, raw (entities not yet decoded).
    Text(&'a str),
    /// The inside of a `<![CDATA[ ... ]]>` section, taken literally.
    CData(&'a str),
}

/// What the statement extractor sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// An aggregate opens (`<STMTTRN>`); `line` is 1-based.
    Start { name: &'a str, line: u32 },
    /// An aggregate closes, explicitly or because an enclosing one closed or the file ended.
    End { name: &'a str },
    /// A leaf element and its value: trimmed, entities decoded, possibly empty.
    Leaf {
        name: &'a str,
        value: Cow<'a, str>,
        line: u32,
    },
}

struct Tokens<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    format: Format,
}

impl<'a> Tokens<'a> {
    fn malformed(&self, line: u32, detail: impl Into<String>) -> IngestError {
        IngestError::malformed(self.format, Some(format!("line {line}")), detail)
    }

    /// Moves to `to`, counting the newlines passed over.
    fn advance(&mut self, to: usize) {
        let passed = self.text.get(self.pos..to).unwrap_or_default();
        let newlines = passed.bytes().filter(|&b| b == b'\n').count();
        self.line = self
            .line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.pos = to;
    }

    /// Position of the next `<` that really starts markup; a `<` followed by a space or a digit is
    /// text that a careless bank left unescaped.
    fn next_markup(&self, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut at = from;
        loop {
            let offset = self.text.get(at..)?.find('<')?;
            let lt = at + offset;
            let next = bytes.get(lt + 1).copied().unwrap_or(b' ');
            if next.is_ascii_alphabetic() || matches!(next, b'/' | b'?' | b'!' | b'_') {
                return Some(lt);
            }
            at = lt + 1;
        }
    }

    /// Skips from `start` past `terminator`, failing if the file ends first.
    fn skip_past(&mut self, start: usize, terminator: &str, what: &str) -> Result<(), IngestError> {
        let line = self.line;
        let end = self
            .text
            .get(start..)
            .and_then(|rest| rest.find(terminator))
            .ok_or_else(|| self.malformed(line, format!("{what} is never closed")))?;
        self.advance(start + end + terminator.len());
        Ok(())
    }

    fn next(&mut self) -> Result<Option<Token<'a>>, IngestError> {
        loop {
            if self.pos >= self.text.len() {
                return Ok(None);
            }
            let Some(lt) = self.next_markup(self.pos) else {
                let rest = self.text.get(self.pos..).unwrap_or_default();
                self.advance(self.text.len());
                return Ok(Some(Token::Text(rest)));
            };
            if lt > self.pos {
                let run = self.text.get(self.pos..lt).unwrap_or_default();
                self.advance(lt);
                return Ok(Some(Token::Text(run)));
            }
            let rest = self.text.get(lt..).unwrap_or_default();
            if rest.starts_with("<?") {
                self.skip_past(lt, "?>", "a processing instruction")?;
                continue;
            }
            if rest.starts_with("<!--") {
                self.skip_past(lt + 4, "-->", "a comment")?;
                continue;
            }
            if rest.starts_with("<![CDATA[") {
                let body_start = lt + 9;
                let line = self.line;
                let end = self
                    .text
                    .get(body_start..)
                    .and_then(|r| r.find("]]>"))
                    .ok_or_else(|| self.malformed(line, "a CDATA section is never closed"))?;
                let body = self
                    .text
                    .get(body_start..body_start + end)
                    .unwrap_or_default();
                self.advance(body_start + end + 3);
                return Ok(Some(Token::CData(body)));
            }
            if rest.starts_with("<!") {
                self.skip_past(lt, ">", "a declaration")?;
                continue;
            }
            return self.tag(lt).map(Some);
        }
    }

    /// Reads a tag starting at `lt`. Attributes (only ever seen in XML declarations and broken
    /// files) are skipped; a tag cut short by another `<` ends there.
    fn tag(&mut self, lt: usize) -> Result<Token<'a>, IngestError> {
        let line = self.line;
        let bytes = self.text.as_bytes();
        let closing = bytes.get(lt + 1) == Some(&b'/');
        let name_start = lt + if closing { 2 } else { 1 };
        let mut i = name_start;
        while let Some(&b) = bytes.get(i) {
            if b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'<') {
                break;
            }
            i += 1;
        }
        let name = self.text.get(name_start..i).unwrap_or_default();
        if name.is_empty() {
            return Err(self.malformed(line, "a tag has no name"));
        }
        if name.len() > MAX_NAME {
            return Err(self.malformed(
                line,
                format!("a tag name is longer than {MAX_NAME} characters"),
            ));
        }
        let mut quote: Option<u8> = None;
        let mut self_closing = false;
        let end = loop {
            let Some(&b) = bytes.get(i) else {
                return Err(
                    self.malformed(line, format!("the tag <{name}> is never closed with '>'"))
                );
            };
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => break i + 1,
                (None, b'<') => break i,
                (None, b'/') => self_closing = true,
                (None, c) if !c.is_ascii_whitespace() => self_closing = false,
                _ => {}
            }
            i += 1;
        };
        self.advance(end);
        Ok(if closing {
            Token::Close(name)
        } else if self_closing {
            Token::SelfClosing(name, line)
        } else {
            Token::Open(name, line)
        })
    }
}

/// Leaf elements that can appear with an empty value and no closing tag (`<BALAMT>` followed by
/// the next tag). Without this list such a leaf would be taken for an aggregate and swallow its
/// siblings; any other name followed directly by a tag is an aggregate.
fn is_known_leaf(name: &str) -> bool {
    const LEAVES: &[&str] = &[
        "ACCTID",
        "ACCTTYPE",
        "BALAMT",
        "BANKID",
        "BRANCHID",
        "BROKERID",
        "CHECKNUM",
        "CHKNUM",
        "CODE",
        "CURDEF",
        "CURRATE",
        "CURSYM",
        "FITID",
        "LANGUAGE",
        "LEDGER",
        "MEMO",
        "MESSAGE",
        "NAME",
        "ORG",
        "FID",
        "PAYEEID",
        "REFNUM",
        "SEVERITY",
        "SIC",
        "TOTAL",
        "TRNAMT",
        "TRNTYPE",
        "TRNUID",
        "UNIQUEID",
        "UNIQUEIDTYPE",
        "UNITS",
        "UNITPRICE",
        "AVAILCASH",
        "SRVRTID",
        "CORRECTFITID",
        "CORRECTACTION",
        "INV401KSOURCE",
        "SUBACCTFUND",
        "SUBACCTSEC",
        "INCOMETYPE",
        "BUYTYPE",
        "SELLTYPE",
        "VALUE",
        "DESC",
        "BALTYPE",
    ];
    let upper = name.len() > 2 && name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("DT"));
    upper || LEAVES.iter().any(|l| l.eq_ignore_ascii_case(name))
}

/// Decodes SGML/XML character references. An `&` that starts no known reference is kept as is:
/// banks write "R&D" unescaped in SGML files.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let reference = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let body = after.get(..semi)?;
            let c = match body {
                "amp" | "AMP" => '&',
                "lt" | "LT" => '<',
                "gt" | "GT" => '>',
                "quot" | "QUOT" => '"',
                "apos" | "APOS" => '\'',
                "nbsp" | "NBSP" => '\u{a0}',
                _ => {
                    let num = body.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse::<u32>().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, semi))
        });
        match reference {
            Some((c, semi)) => {
                out.push(c);
                rest = after.get(semi + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Turns the token stream into [`Event`]s, closing what the file leaves open.
pub struct Elements<'a> {
    tokens: Tokens<'a>,
    peeked: Option<Token<'a>>,
    open: Vec<&'a str>,
    /// While an end tag closes several aggregates at once: the depth to unwind to.
    unwind_to: Option<usize>,
    finished: bool,
}

impl std::fmt::Debug for Elements<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Elements")
            .field("line", &self.tokens.line)
            .field("open", &self.open)
            .finish()
    }
}

impl<'a> Elements<'a> {
    /// Reads `text` as OFX of the given flavour (used only to label errors).
    pub fn new(text: &'a str, format: Format) -> Self {
        Elements {
            tokens: Tokens {
                text,
                pos: 0,
                line: 1,
                format,
            },
            peeked: None,
            open: Vec::new(),
            unwind_to: None,
            finished: false,
        }
    }

    /// Names of the aggregates currently open, outermost first.
    pub fn open(&self) -> &[&'a str] {
        &self.open
    }

    fn token(&mut self) -> Result<Option<Token<'a>>, IngestError> {
        match self.peeked.take() {
            Some(t) => Ok(Some(t)),
            None => self.tokens.next(),
        }
    }

    /// The next token that is not whitespace-only text.
    fn significant_token(&mut self) -> Result<Option<Token<'a>>, IngestError> {
        loop {
            match self.token()? {
                Some(Token::Text(t)) if t.trim().is_empty() => {}
                other => return Ok(other),
            }
        }
    }

    /// The next event, or `None` at the end of the input.
    pub fn next_event(&mut self) -> Result<Option<Event<'a>>, IngestError> {
        loop {
            if let Some(depth) = self.unwind_to {
                let popped = if self.open.len() > depth {
                    self.open.pop()
                } else {
                    None
                };
                if let Some(name) = popped {
                    return Ok(Some(Event::End { name }));
                }
                self.unwind_to = None;
            }
            let Some(token) = self.token()? else {
                if self.finished {
                    return Ok(None);
                }
                self.finished = true;
                self.unwind_to = Some(0);
                continue;
            };
            match token {
                Token::Text(_) | Token::CData(_) => {}
                Token::SelfClosing(name, line) => {
                    return Ok(Some(Event::Leaf {
                        name,
                        value: Cow::Borrowed(""),
                        line,
                    }));
                }
                Token::Close(name) => {
                    if let Some(index) = self
                        .open
                        .iter()
                        .rposition(|open| open.eq_ignore_ascii_case(name))
                    {
                        self.unwind_to = Some(index);
                    }
                    // A close tag matching nothing open is the redundant close of a leaf: ignored.
                }
                Token::Open(name, line) => return self.after_open(name, line).map(Some),
            }
        }
    }

    /// Decides whether the tag just opened is a leaf (text follows) or an aggregate.
    fn after_open(&mut self, name: &'a str, line: u32) -> Result<Event<'a>, IngestError> {
        let next = self.significant_token()?;
        let value: Option<Cow<'a, str>> = match next {
            Some(Token::Text(raw)) => Some(decode_entities(raw.trim())),
            Some(Token::CData(raw)) => Some(Cow::Borrowed(raw.trim())),
            Some(Token::Close(close)) if close.eq_ignore_ascii_case(name) => {
                return Ok(Event::Leaf {
                    name,
                    value: Cow::Borrowed(""),
                    line,
                });
            }
            other => {
                self.peeked = other;
                None
            }
        };
        if let Some(value) = value {
            if value.len() > MAX_VALUE {
                return Err(self.tokens.malformed(
                    line,
                    format!("the value of <{name}> is longer than {MAX_VALUE} bytes"),
                ));
            }
            // Swallow the leaf's own closing tag, when the file writes one.
            match self.significant_token()? {
                Some(Token::Close(close)) if close.eq_ignore_ascii_case(name) => {}
                other => self.peeked = other,
            }
            return Ok(Event::Leaf { name, value, line });
        }
        if is_known_leaf(name) {
            return Ok(Event::Leaf {
                name,
                value: Cow::Borrowed(""),
                line,
            });
        }
        if self.open.len() >= MAX_DEPTH {
            return Err(self.tokens.malformed(
                line,
                format!("elements nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.open.push(name);
        Ok(Event::Start { name, line })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Vec<String> {
        let mut reader = Elements::new(text, Format::Ofx1);
        let mut out = Vec::new();
        while let Some(e) = reader.next_event().unwrap() {
            out.push(match e {
                Event::Start { name, line } => format!("+{name}@{line}"),
                Event::End { name } => format!("-{name}"),
                Event::Leaf { name, value, .. } => format!("{name}={value}"),
            });
        }
        out
    }

    #[test]
    fn unclosed_sgml_leaves_and_closed_xml_leaves_read_the_same() {
        let sgml = events("<STMTTRN>\n<TRNAMT>-12.50\n<NAME>Shop\n</STMTTRN>");
        let xml = events("<STMTTRN>\n<TRNAMT>-12.50</TRNAMT>\n<NAME>Shop</NAME>\n</STMTTRN>");
        assert_eq!(
            sgml,
            ["+STMTTRN@1", "TRNAMT=-12.50", "NAME=Shop", "-STMTTRN"]
        );
        assert_eq!(sgml, xml);
    }

    #[test]
    fn an_empty_known_leaf_does_not_swallow_its_siblings() {
        let got = events("<LEDGERBAL><BALAMT>\n<DTASOF>20190924</LEDGERBAL>");
        assert_eq!(
            got,
            ["+LEDGERBAL@1", "BALAMT=", "DTASOF=20190924", "-LEDGERBAL"]
        );
    }

    #[test]
    fn a_close_tag_closes_everything_left_open_inside_it() {
        let got = events("<A><B><C>x</A>");
        assert_eq!(got, ["+A@1", "+B@1", "C=x", "-B", "-A"]);
    }

    #[test]
    fn the_end_of_the_file_closes_what_is_still_open() {
        assert_eq!(
            events("<OFX><A><X>1"),
            ["+OFX@1", "+A@1", "X=1", "-A", "-OFX"]
        );
    }

    #[test]
    fn headers_declarations_comments_and_self_closing_tags_are_handled() {
        let text = "<?xml version=\"1.0\"?>\n<?OFX OFXHEADER=\"200\"?>\n<!-- <NAME>hidden</NAME> -->\n<ofx><memo/><name>a &amp; b &lt;c&gt; R&D&nbsp;&#233;</name></ofx>";
        assert_eq!(
            events(text),
            ["+ofx@4", "memo=", "name=a & b <c> R&D\u{a0}é", "-ofx"]
        );
    }

    #[test]
    fn a_stray_less_than_sign_is_text() {
        assert_eq!(events("<A><MEMO>1 < 2</A>"), ["+A@1", "MEMO=1 < 2", "-A"]);
    }

    #[test]
    fn broken_markup_is_a_located_error() {
        let mut reader = Elements::new("<A>\n<B", Format::Ofx1);
        let mut result = Ok(None);
        for _ in 0..5 {
            result = reader.next_event();
            if result.is_err() {
                break;
            }
        }
        let err = result.unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        let deep = "<A>".repeat(MAX_DEPTH + 1);
        let mut reader = Elements::new(&deep, Format::Ofx1);
        let outcome = (0..MAX_DEPTH + 2).try_for_each(|_| reader.next_event().map(|_| ()));
        assert!(outcome.is_err());
    }
}
