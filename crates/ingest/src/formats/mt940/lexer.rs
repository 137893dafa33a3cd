//! Splitting MT940/MT942 text into `:tag:` fields.
//!
//! Real files wrap SWIFT messages in `{1:..}{2:..}{4:` blocks, or start straight at `:20:`; they
//! separate messages with a lone `-` (or `-}`), carry banner lines before the first tag, use CRLF
//! or LF, and pad lines with spaces. Free-text fields (`:86:`, `:NS:`) wrap across lines, and a
//! wrapped line can itself start with something tag-shaped (a timestamp split as `...T13` /
//! `:12:11`), so inside free text only tags that exist in MT940/MT942 start a new field.

use ledgerlens_core::Format;

use crate::error::IngestError;

/// Largest content of one field. A `:86:` holds at most 6×65 characters by the standard and a few
/// kilobytes in the wildest real files; anything near this is not a statement.
const MAX_FIELD_BYTES: usize = 256 * 1024;

/// Tags that mean something in MT940 or MT942.
const KNOWN_TAGS: &[&str] = &[
    "20", "21", "25", "25P", "28", "28C", "60F", "60M", "61", "62F", "62M", "64", "65", "86",
    "34F", "13", "13D", "90D", "90C", "NS",
];

/// One field: its tag, the text after the tag on its first line, and its continuation lines.
#[derive(Debug)]
pub(super) struct Field<'a> {
    /// The tag without colons: "61", "60F", "NS".
    pub tag: &'a str,
    /// 1-based line of the tag.
    pub line: u32,
    /// Text after the tag on the tag's line (line end not included).
    pub first: &'a str,
    /// Continuation lines, as written (carriage returns removed, padding kept).
    pub more: Vec<&'a str>,
}

impl<'a> Field<'a> {
    /// All lines of the field, first one included.
    pub fn lines(&self) -> impl Iterator<Item = &'a str> + use<'a, '_> {
        std::iter::once(self.first).chain(self.more.iter().copied())
    }
}

/// What the lexer finds, in file order.
#[derive(Debug)]
pub(super) enum Token<'a> {
    /// A field.
    Field(Field<'a>),
    /// The end of a message (`-` or `-}`), at a line.
    EndOfMessage,
}

/// The tokens of a file, and whether a SWIFT block 2 named it an MT942.
#[derive(Debug, Default)]
pub(super) struct Lexed<'a> {
    pub tokens: Vec<Token<'a>>,
    pub mt942_header: bool,
}

/// Splits `:TAG:rest` into (TAG, rest) when the line starts with a tag-shaped prefix.
pub(super) fn split_tag(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.get(..5.min(rest.len()))?.find(':')?;
    let tag = rest.get(..end)?;
    let bytes = tag.as_bytes();
    let shaped = match bytes {
        [a, b] => a.is_ascii_digit() && b.is_ascii_digit() || tag == "NS",
        [a, b, c] => a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_uppercase(),
        _ => false,
    };
    shaped.then(|| (tag, rest.get(end + 1..).unwrap_or_default()))
}

/// True for tags MT940/MT942 define.
pub(super) fn is_known(tag: &str) -> bool {
    KNOWN_TAGS.contains(&tag)
}

/// Reads "86:text" (the rest of a tag whose colon ended the previous line) as (tag, text).
fn wrapped_tag(line: &str) -> Option<(&str, &str)> {
    let (tag, rest) = line.split_once(':')?;
    (tag.len() <= 3 && is_known(tag)).then_some((tag, rest))
}

/// Tokenises a whole file. Fails only on absurdly long fields.
pub(super) fn lex(text: &str, format: Format) -> Result<Lexed<'_>, IngestError> {
    let mut out = Lexed::default();
    let mut current: Option<Field<'_>> = None;
    let mut current_bytes = 0usize;
    // A line holding only ":" whose next line continues with "86:…" (a tag wrapped after its colon).
    let mut lone_colon = false;
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let mut line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.starts_with('{') {
            if let Some(pos) = line.find("{2:") {
                let kind = line.get(pos + 4..pos + 7).unwrap_or_default();
                out.mt942_header |= kind == "942";
            }
            match line.find("{4:") {
                Some(pos) => line = line.get(pos + 3..).unwrap_or_default(),
                None => continue,
            }
        }
        let trimmed = line.trim_end();
        if trimmed == "-" || trimmed.starts_with("-}") {
            if let Some(field) = current.take() {
                out.tokens.push(Token::Field(field));
            }
            out.tokens.push(Token::EndOfMessage);
            continue;
        }
        if trimmed.trim_start().is_empty() {
            continue;
        }
        if trimmed == ":" {
            lone_colon = true;
            continue;
        }
        let rewrapped = std::mem::take(&mut lone_colon)
            .then(|| wrapped_tag(line))
            .flatten();
        let in_free_text = current
            .as_ref()
            .is_some_and(|f| f.tag == "86" || f.tag == "NS");
        let tagged = rewrapped.or_else(|| {
            split_tag(trimmed)
                .filter(|(tag, _)| is_known(tag) || !in_free_text)
                .map(|(tag, _)| (tag, line.get(tag.len() + 2..).unwrap_or_default()))
        });
        if let Some((tag, first)) = tagged {
            if let Some(field) = current.take() {
                out.tokens.push(Token::Field(field));
            }
            current_bytes = first.len();
            current = Some(Field {
                tag,
                line: line_no,
                first,
                more: Vec::new(),
            });
            continue;
        }
        if let Some(field) = current.as_mut() {
            current_bytes += line.len();
            if current_bytes > MAX_FIELD_BYTES {
                return Err(IngestError::malformed(
                    format,
                    Some(format!("line {}", field.line)),
                    format!(
                        "the :{}: field runs over {MAX_FIELD_BYTES} bytes",
                        field.tag
                    ),
                ));
            }
            field.more.push(line);
        }
        // Lines before the first tag (banners, "ABNANL2A", "940") carry no statement data.
    }
    if let Some(field) = current.take() {
        out.tokens.push(Token::Field(field));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(String, u32, Vec<String>)> {
        lex(text, Format::Mt940)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| match t {
                Token::Field(f) => (
                    f.tag.to_owned(),
                    f.line,
                    f.lines().map(str::to_owned).collect(),
                ),
                Token::EndOfMessage => ("-".to_owned(), 0, Vec::new()),
            })
            .collect()
    }

    #[test]
    fn tags_split_only_when_tag_shaped() {
        assert_eq!(
            split_tag(":61:1105240524D9,N192"),
            Some(("61", "1105240524D9,N192"))
        );
        assert_eq!(split_tag(":28C:19322/1"), Some(("28C", "19322/1")));
        assert_eq!(split_tag(":NS:22Test"), Some(("NS", "22Test")));
        assert_eq!(split_tag(":940:"), None);
        assert_eq!(split_tag("20:x"), None);
    }

    #[test]
    fn swift_blocks_banners_and_separators_are_understood() {
        let text = "ABNANL2A\r\n940\r\n{1:F01X}{2:I942X}{4:\r\n:20:REF\r\n:86:free\r\n text\r\n\r\n-}{5:}\r\n:20:B";
        let lexed = lex(text, Format::Mt940).unwrap();
        assert!(lexed.mt942_header);
        let f = fields(text);
        assert_eq!(f.len(), 4);
        assert_eq!(f[0], ("20".to_owned(), 4, vec!["REF".to_owned()]));
        assert_eq!(f[1].2, vec!["free".to_owned(), " text".to_owned()]);
        assert_eq!(f[2].0, "-");
        assert_eq!(f[3].1, 9);
    }

    #[test]
    fn a_wrapped_timestamp_inside_free_text_is_not_a_new_field() {
        let f = fields(":86:?24/PL 12-09-2014T16\n:26:37 Fo?25lgenr.\n:62F:C160301EUR1,00");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].2.len(), 2);
        assert_eq!(f[1].0, "62F");
    }

    #[test]
    fn a_tag_wrapped_after_its_first_colon_is_rejoined() {
        let f = fields(":61:1811261126CR\n30,00N062NONREF\n:\n86:166?00GUTSCHR\n");
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].0, "86");
        assert_eq!(f[1].2, vec!["166?00GUTSCHR".to_owned()]);
    }

    #[test]
    fn a_huge_field_is_refused() {
        let text = format!(
            ":86:x\n{}",
            "y".repeat(70_000) + "\n" + &"z\n".repeat(200_000)
        );
        let err = lex(&text, Format::Mt940).unwrap_err();
        assert_eq!(err.code(), "malformed_file");
    }
}
