//! The document being read: its text, where each part of it is (for error locations), and the
//! capped transaction arrays every provider reads its rows from.

use std::fmt;
use std::marker::PhantomData;

use ledgerlens_core::Format;
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::fields::At;
use crate::dates::DateOrder;
use crate::{IngestError, ReadOptions};

/// Most transactions one document may hold. A decade of a very busy account is well under a
/// million; beyond this the input is hostile or not a statement, and we refuse it rather than
/// exhaust memory. Lowered under test so the limit itself can be tested.
#[cfg(not(test))]
pub(super) const MAX_TRANSACTIONS: usize = 5_000_000;
#[cfg(test)]
pub(super) const MAX_TRANSACTIONS: usize = 1_000;

/// Longest text field kept (narrations, names). Real narrations are under 300 bytes.
pub(super) const MAX_TEXT_BYTES: usize = 16 * 1024;

/// A JSON array of transactions, each kept raw until its provider reads it, with a cap on how many
/// are accepted.
#[derive(Debug, Default)]
pub(super) struct Rows<'a>(pub Vec<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for Rows<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowsVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for RowsVisitor<'a> {
            type Value = Rows<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of transactions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Rows<'a>, A::Error> {
                let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(raw) = seq.next_element::<&'a RawValue>()? {
                    if rows.len() >= MAX_TRANSACTIONS {
                        return Err(A::Error::custom(format!(
                            "more than {MAX_TRANSACTIONS} transactions in one document"
                        )));
                    }
                    rows.push(raw);
                }
                Ok(Rows(rows))
            }
        }
        deserializer.deserialize_seq(RowsVisitor(PhantomData))
    }
}

/// The text being read and where it came from, for error locations.
#[derive(Clone, Copy, Debug)]
pub(super) struct Doc<'a> {
    pub format: Format,
    pub text: &'a str,
    pub options: &'a ReadOptions,
    /// Set when `text` was decoded from a JSON string inside the file (MyBankStatement's
    /// `jsonData`), so line numbers refer to that embedded document, not the file.
    pub embedded_in: Option<&'static str>,
}

impl<'a> Doc<'a> {
    /// Parses the whole document.
    pub fn root<T: Deserialize<'a>>(&self) -> Result<T, IngestError> {
        serde_json::from_str(self.text).map_err(|e| self.json_error(&e, 1, None))
    }

    /// Parses a part of the document captured earlier, with locations relative to the whole text.
    pub fn sub<T: Deserialize<'a>>(&self, raw: &'a RawValue) -> Result<T, IngestError> {
        serde_json::from_str(raw.get()).map_err(|e| {
            let start = self
                .offset_of(raw.get())
                .map_or(1, |o| line_at(self.text, o));
            self.json_error(&e, start, None)
        })
    }

    /// The 0-based byte offset of a slice of this document.
    fn offset_of(&self, part: &str) -> Option<usize> {
        let base = self.text.as_ptr().addr();
        let at = part.as_ptr().addr().checked_sub(base)?;
        (at <= self.text.len()).then_some(at)
    }

    /// A serde_json error, with its line made absolute (`first_line` is the line the parsed
    /// slice starts on) and prefixed with the transaction it is in.
    fn json_error(
        &self,
        err: &serde_json::Error,
        first_line: u32,
        row: Option<u32>,
    ) -> IngestError {
        let message = err.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_owned();
        let detail = match err.classify() {
            serde_json::error::Category::Eof => format!(
                "the document ends early ({message}); braces or brackets are unbalanced or the file is truncated"
            ),
            serde_json::error::Category::Syntax => format!("invalid JSON: {message}"),
            _ => message,
        };
        let line = u32::try_from(err.line())
            .unwrap_or(u32::MAX)
            .saturating_add(first_line.saturating_sub(1));
        let mut location = match row {
            Some(r) => format!("transaction {r}, line {line}"),
            None if first_line == 1 && err.column() > 0 => {
                format!("line {line}, column {}", err.column())
            }
            None => format!("line {line}"),
        };
        if let Some(outer) = self.embedded_in {
            location = format!("{location} of the embedded {outer}");
        }
        IngestError::malformed(self.format, Some(location), detail)
    }

    /// A tracker of line numbers for rows visited in document order.
    pub fn lines(&self) -> Lines<'a> {
        Lines {
            doc: *self,
            offset: 0,
            line: 1,
        }
    }

    /// Where statement-level errors are reported.
    pub fn header(&self) -> At {
        At {
            format: self.format,
            row: None,
            line: None,
        }
    }

    /// A statement-level error.
    pub fn error(&self, detail: impl Into<String>) -> IngestError {
        IngestError::malformed(
            self.format,
            self.embedded_in.map(|e| format!("the embedded {e}")),
            detail,
        )
    }

    /// The caller's hint, else the provider's habit.
    pub fn date_hint(&self, provider: Option<DateOrder>) -> Option<DateOrder> {
        self.options.date_order_hint.or(provider)
    }
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> u32 {
    let newlines = text
        .as_bytes()
        .get(..offset)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
    u32::try_from(newlines)
        .unwrap_or(u32::MAX)
        .saturating_add(1)
}

/// Counts lines incrementally as rows are visited in order, so locating every row stays linear.
#[derive(Debug)]
pub(super) struct Lines<'a> {
    doc: Doc<'a>,
    offset: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    /// Where the `index`-th (0-based) row starts.
    pub fn at(&mut self, index: usize, raw: &RawValue) -> At {
        let row = u32::try_from(index + 1).ok();
        let line = match (self.doc.embedded_in, self.doc.offset_of(raw.get())) {
            (None, Some(offset)) => {
                if offset < self.offset {
                    self.offset = 0;
                    self.line = 1;
                }
                let skipped = self
                    .doc
                    .text
                    .as_bytes()
                    .get(self.offset..offset)
                    .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
                self.line = self
                    .line
                    .saturating_add(u32::try_from(skipped).unwrap_or(u32::MAX));
                self.offset = offset;
                Some(self.line)
            }
            _ => None,
        };
        At {
            format: self.doc.format,
            row,
            line,
        }
    }

    /// Parses one row where it stands.
    pub fn parse<T: Deserialize<'a>>(&self, at: &At, raw: &'a RawValue) -> Result<T, IngestError> {
        serde_json::from_str(raw.get()).map_err(|e| match at.line {
            Some(line) => self.doc.json_error(&e, line, at.row),
            None => at.error(e.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_beyond_the_limit_are_refused_with_a_clear_error() {
        let text = format!("[{}{{}}]", "{},".repeat(MAX_TRANSACTIONS));
        let err = serde_json::from_str::<Rows<'_>>(&text).unwrap_err();
        assert!(
            err.to_string().contains("more than 1000 transactions"),
            "{err}"
        );
        let text = format!("[{}{{}}]", "{},".repeat(MAX_TRANSACTIONS - 1));
        assert_eq!(
            serde_json::from_str::<Rows<'_>>(&text).unwrap().0.len(),
            MAX_TRANSACTIONS
        );
    }
}
