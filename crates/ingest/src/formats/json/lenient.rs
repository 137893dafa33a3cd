//! The two leniencies we grant vendor JSON: trailing commas, and non-breaking spaces between
//! tokens.
//!
//! Mono's own documentation publishes responses with a comma after the last array element or
//! object member (`{"a": 1,}`), and integrators copy those samples into fixtures and proxies. A
//! trailing comma is unambiguous — nothing is lost or guessed by ignoring it — so we accept it and
//! say so in a warning. Likewise Dojah's sample on Periculum's documentation page is indented with
//! U+00A0 non-breaking spaces (an artefact of copying from HTML that every integrator who pastes
//! it inherits); between tokens they mean nothing, so they are read as spaces. Inside strings
//! nothing is changed. Anything else that strict JSON forbids (unbalanced braces, missing commas,
//! comments, single quotes) is *not* repaired: guessing where a brace was meant to go could
//! attach transactions to the wrong object, so those documents fail with a `malformed_file` error
//! that names the line and column.
//!
//! The comma is replaced by a space rather than removed, so every byte keeps its offset and the
//! line and column numbers of later errors still point into the file as the user sees it.

use std::borrow::Cow;

/// What the lenient pass changed: how many bytes it blanked and the 1-based line of the first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Repairs {
    /// Trailing commas blanked, and the line of the first.
    pub trailing_commas: Option<(usize, u32)>,
    /// Non-breaking spaces between tokens blanked, and the line of the first.
    pub nbsp: Option<(usize, u32)>,
}

impl Repairs {
    /// A warning describing the repairs, if any were made.
    pub fn warning(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some((count, line)) = self.trailing_commas {
            parts.push(format!("{count} trailing comma(s), first at line {line}"));
        }
        if let Some((count, line)) = self.nbsp {
            parts.push(format!(
                "{count} non-breaking space(s) between tokens, first at line {line}"
            ));
        }
        (!parts.is_empty()).then(|| {
            format!("ignored {}: strict JSON forbids them, but the vendor's published samples contain them", parts.join(" and "))
        })
    }
}

fn note(slot: &mut Option<(usize, u32)>, line: u32) {
    let (count, _) = slot.get_or_insert((0, line));
    *count += 1;
}

/// The text with trailing commas and inter-token non-breaking spaces blanked out.
pub(super) fn strip_trailing_commas(text: &str) -> (Cow<'_, str>, Repairs) {
    let bytes = text.as_bytes();
    let mut blanked: Option<Vec<u8>> = None;
    let mut repairs = Repairs::default();
    let mut line = 1u32;
    let mut in_string = false;
    let mut escaped = false;
    // The last significant byte outside strings: a comma is "trailing" only after a value.
    let mut previous = 0u8;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\n' {
            line = line.saturating_add(1);
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                previous = b'"';
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b',' && !matches!(previous, b'[' | b'{' | b',' | 0) {
            let next = bytes
                .get(i + 1..)
                .and_then(|rest| rest.iter().find(|c| !c.is_ascii_whitespace()));
            if matches!(next, Some(b']' | b'}')) {
                if let Some(c) = blanked.get_or_insert_with(|| bytes.to_vec()).get_mut(i) {
                    *c = b' ';
                }
                note(&mut repairs.trailing_commas, line);
            }
            previous = b',';
        } else if b == 0xC2 && bytes.get(i + 1) == Some(&0xA0) {
            if let Some(pair) = blanked
                .get_or_insert_with(|| bytes.to_vec())
                .get_mut(i..i + 2)
            {
                pair.fill(b' ');
            }
            note(&mut repairs.nbsp, line);
            i += 1;
        } else if !b.is_ascii_whitespace() {
            previous = b;
        }
        i += 1;
    }
    match blanked.map(String::from_utf8) {
        // Only ASCII commas and whole two-byte U+00A0 sequences were replaced by ASCII spaces, so
        // the bytes are still UTF-8.
        Some(Ok(fixed)) => (Cow::Owned(fixed), repairs),
        _ => (Cow::Borrowed(text), Repairs::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_before_closers_become_spaces() {
        let (fixed, found) = strip_trailing_commas("{\"a\": [1, 2,\n ],\n \"b\": {\"c\": 1,}, }");
        assert_eq!(fixed, "{\"a\": [1, 2 \n ],\n \"b\": {\"c\": 1 }  }");
        assert_eq!(found.trailing_commas, Some((3, 1)));
        assert!(
            found
                .warning()
                .unwrap()
                .contains("3 trailing comma(s), first at line 1")
        );
        assert!(serde_json::from_str::<serde_json::Value>(&fixed).is_ok());
    }

    #[test]
    fn commas_inside_strings_are_left_alone() {
        let text = r#"{"a": "x,]", "b": "q\",}"}"#;
        let (fixed, found) = strip_trailing_commas(text);
        assert_eq!(fixed, text);
        assert_eq!(found, Repairs::default());
    }

    #[test]
    fn other_defects_are_not_repaired() {
        for broken in ["[,]", "[1,,]", "{\"a\": 1", "[1 2]"] {
            let (fixed, _) = strip_trailing_commas(broken);
            assert!(
                serde_json::from_str::<serde_json::Value>(&fixed).is_err(),
                "{broken}"
            );
        }
    }

    #[test]
    fn valid_json_is_borrowed_untouched() {
        let (fixed, found) = strip_trailing_commas("{\"a\": [1, 2]}");
        assert!(matches!(fixed, Cow::Borrowed(_)));
        assert_eq!(found.warning(), None);
    }

    #[test]
    fn non_breaking_spaces_between_tokens_become_spaces_but_not_inside_strings() {
        let (fixed, found) = strip_trailing_commas("{\n\u{a0}\u{a0}\"a\":\u{a0}\"x\u{a0}y\"}");
        assert_eq!(fixed, "{\n    \"a\":  \"x\u{a0}y\"}");
        assert_eq!(found.nbsp, Some((3, 2)));
        let value: serde_json::Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(value["a"], "x\u{a0}y");
    }
}
