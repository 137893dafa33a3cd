//! Statement JSON from the aggregators Periculum's Insights API accepts: Periculum's own shape,
//! Mono, Okra, Dojah and MyBankStatement.
//!
//! Each provider has its own module; [`source`] (the document, locations, capped row arrays),
//! [`fields`] (exact scalars) and [`build`] (rows into a statement) hold what they share. Two
//! decisions apply to all of them:
//!
//! * **Leniency.** Trailing commas and non-breaking spaces between tokens are accepted (vendors
//!   publish samples with them; see [`lenient`]); every other departure from strict JSON is a `malformed_file` error with a line
//!   and column. Unbalanced braces in particular are never guessed at.
//! * **Limits.** serde_json's recursion limit (128) bounds nesting, [`source::MAX_TRANSACTIONS`]
//!   bounds the number of rows and [`source::MAX_TEXT_BYTES`] the length of any text we keep.
//!
//! Sniffing looks only at object keys (a key inside a narration does not count) in the first
//! 64 KiB, which may end mid-document, so it never parses. Each provider is recognised by keys
//! no other uses; JSON with none of them is left unrecognised. Zeeh Africa's transactions JSON
//! (`tranId`, `closingBalance`) is deliberately left unrecognised too: its amounts are in naira
//! while Mono's, whose other keys it shares, are in kobo, so claiming it would misread every amount
//! a hundredfold.

mod build;
mod dojah;
mod fields;
mod lenient;
mod mono;
mod mybankstatement;
mod okra;
mod periculum;
mod source;

use std::collections::HashMap;

use ledgerlens_core::Format;

use crate::{IngestError, Input, Parsed};

use source::Doc;

/// How much of the text sniffing looks at.
const SNIFF_BYTES: usize = 64 * 1024;
/// Distinct keys sniffing remembers; statements use a few dozen.
const SNIFF_KEYS: usize = 1024;

/// The first [`SNIFF_BYTES`] of a text, cut at a character boundary.
fn head(text: &str) -> &str {
    let mut end = text.len().min(SNIFF_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// Object keys in the head of a JSON text, with the nesting depth they first appear at (1 for the
/// root object's own keys). Tolerates a head cut off anywhere.
fn keys(text: &str) -> HashMap<&str, u32> {
    let head = head(text);
    let bytes = head.as_bytes();
    let mut found = HashMap::new();
    let mut depth = 0u32;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while let Some(&c) = bytes.get(j) {
                    match c {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                let end = j;
                j += 1;
                while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                let is_key = bytes.get(j) == Some(&b':') && found.len() < SNIFF_KEYS;
                if let Some(key) = head.get(start..end).filter(|_| is_key) {
                    found.entry(key).or_insert(depth);
                }
                i = end + 1;
                continue;
            }
            b'{' | b'[' => depth = depth.saturating_add(1),
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    found
}

/// The text with the two leniencies every reader here grants (trailing commas, non-breaking
/// spaces between tokens) blanked out, so that a caller reading a vendor document's envelope
/// (the Periculum compatible API reads `statementName`) accepts exactly what the readers accept.
pub fn lenient_text(text: &str) -> std::borrow::Cow<'_, str> {
    lenient::strip_trailing_commas(text).0
}

/// Detects which aggregator produced a JSON document, from its distinctive keys.
pub fn sniff(text: &str) -> Option<Format> {
    let keys = keys(text);
    let has = |k: &str| keys.contains_key(k);
    let any = |ks: &[&str]| ks.iter().any(|k| has(k));
    let head = head(text);
    // MyBankStatement: its envelope, or its P-prefixed detail rows, possibly inside a JSON string.
    if (has("bankStatement") && any(&["mbs", "jsonData"]))
        || any(&[
            "PTransactionDate",
            "PNarration",
            "GetStatementJSONObjectResult",
        ])
        || head.contains("\\\"PTransactionDate\\\"")
    {
        return Some(Format::MyBankStatementJson);
    }
    if any(&["tranId", "closingBalance"]) {
        return None;
    }
    if any(&[
        "trans_date",
        "unformatted_trans_date",
        "cleared_date",
        "unformatted_cleared_date",
    ]) {
        return Some(Format::OkraJson);
    }
    if any(&[
        "trans_type",
        "transaction_type",
        "transaction_amount",
        "transaction_description",
    ]) || (keys.get("entity") == Some(&1) && any(&["account_id", "transactions"]))
    {
        return Some(Format::DojahJson);
    }
    if has("narration") && has("amount") && has("type") {
        return Some(Format::MonoJson);
    }
    let periculum_row = has("date") && has("description") && has("amount") && has("type");
    if periculum_row && (has("transactions") || text.trim_start().starts_with('[')) {
        return Some(Format::PericulumJson);
    }
    None
}

/// Parses an aggregator JSON document.
pub fn parse(format: Format, input: &Input<'_>) -> Result<Parsed, IngestError> {
    let body = input.text.trim_start_matches('\u{feff}');
    let (text, repairs) = lenient::strip_trailing_commas(body);
    let doc = Doc {
        format,
        text: &text,
        options: input.options,
        embedded_in: None,
    };
    let mut parsed = match format {
        Format::PericulumJson => periculum::parse(doc),
        Format::MonoJson => mono::parse(doc),
        Format::OkraJson => okra::parse(doc),
        Format::DojahJson => dojah::parse(doc),
        Format::MyBankStatementJson => mybankstatement::parse(doc),
        _ => Err(IngestError::Unsupported {
            format,
            detail: "not an aggregator JSON format".to_owned(),
        }),
    }?;
    if let Some(warning) = repairs.warning() {
        parsed.warnings.insert(0, warning);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests;
