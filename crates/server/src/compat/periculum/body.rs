//! Reading Periculum's request bodies: raw bodies bounded by the upload limit, JSON fields
//! matched without regard to case, and the envelope of the five aggregator JSON formats.
//!
//! Field names are matched case-insensitively because Periculum's own documentation sends
//! `IdentifierName`/`Value` where its table says `identifierName`/`value`: its service binds JSON
//! without regard to case, and clients written against it rely on that.

use axum::http::{HeaderMap, StatusCode, header};
use futures_util::StreamExt;
use ledgerlens_core::Format;
use serde_json::{Map, Value};

use crate::ApiError;
use crate::documents::too_large;
use crate::json_body::Body;

/// The whole body, refused with 413 beyond `limit` (by its declared length before reading a
/// byte, else as soon as the bytes read pass it).
pub(super) async fn read_limited(
    headers: &HeaderMap,
    body: axum::body::Body,
    limit: u64,
) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_body",
                format!("the body could not be read: {e}"),
            )
        })?;
        let size = u64::try_from(bytes.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
        if size > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn malformed(why: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "malformed_json",
        format!("the body is not valid JSON: {why}"),
    )
    .with_detail("field", "body")
}

/// The fields of `object` renamed to their spelling in `known`, matched without regard to case;
/// a field not in `known`, or given twice in two spellings, is a 400 naming it.
pub(super) fn canonical(
    object: Map<String, Value>,
    known: &[&str],
) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (key, value) in object {
        let Some(name) = known.iter().find(|k| k.eq_ignore_ascii_case(&key)) else {
            return Err(ApiError::bad_field(
                "unknown_field",
                &key,
                &format!("not a field of this request ({})", known.join(", ")),
            ));
        };
        if out.insert((*name).to_owned(), value).is_some() {
            return Err(ApiError::bad_field(
                "invalid_field",
                name,
                "given more than once",
            ));
        }
    }
    Ok(out)
}

/// A JSON object body with its fields spelled as in `known`, read field by field with the
/// native reader (exact decimals, field-named 400s). An empty body is `{}`.
pub(super) fn fields(bytes: &[u8], known: &[&str]) -> Result<(Body, Map<String, Value>), ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((Body::parse(b"{}", known)?, Map::new()));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(malformed)?;
    let Value::Object(object) = value else {
        return Err(ApiError::bad_field(
            "malformed_json",
            "body",
            "expected a JSON object",
        ));
    };
    let object = canonical(object, known)?;
    let text = Value::Object(object.clone()).to_string();
    Ok((Body::parse(text.as_bytes(), known)?, object))
}

/// The statement JSON as a value, with the leniencies the readers grant (trailing commas, and
/// the non-breaking spaces Periculum's own Dojah sample is indented with).
pub(super) fn envelope(bytes: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(malformed)?;
    let text = text.trim_start_matches('\u{feff}');
    serde_json::from_str(&ledgerlens_ingest::formats::json::lenient_text(text)).map_err(malformed)
}

/// The format a `format=` value names.
pub(super) fn format_named(name: &str) -> Option<Format> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "periculum" => Format::PericulumJson,
        "mono" => Format::MonoJson,
        "okra" => Format::OkraJson,
        "dojah" => Format::DojahJson,
        "mybankstatement" => Format::MyBankStatementJson,
        _ => return None,
    })
}

/// The name of a format as `format=` spells it.
pub(super) fn format_param(format: Format) -> &'static str {
    match format {
        Format::PericulumJson => "periculum",
        Format::MonoJson => "mono",
        Format::OkraJson => "okra",
        Format::DojahJson => "dojah",
        Format::MyBankStatementJson => "mybankstatement",
        _ => "other",
    }
}

/// A field of an object, whatever the case of its name.
fn field<'v>(object: &'v Value, name: &str) -> Option<&'v Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The object the statement's own fields sit in: the root, except for MyBankStatement, whose
/// spec example puts `statementName` in `bankStatement.mbs.jsonData` (an object, or a JSON string
/// holding one).
fn holder(envelope: &Value, format: Format) -> Value {
    if format == Format::MyBankStatementJson
        && let Some(data) = field(envelope, "bankStatement")
            .and_then(|b| field(b, "mbs"))
            .and_then(|m| field(m, "jsonData"))
    {
        return match data {
            Value::String(text) => {
                serde_json::from_str(&ledgerlens_ingest::formats::json::lenient_text(text))
                    .unwrap_or(Value::Null)
            }
            other => other.clone(),
        };
    }
    envelope.clone()
}

/// The describing fields of a JSON statement (spec 004's common request fields).
#[derive(Debug, Default)]
pub(super) struct Described {
    pub statement_name: Option<String>,
    pub client_full_name: Option<String>,
    pub bank_name: Option<String>,
    pub account_type: Option<String>,
    pub account_name: Option<String>,
}

/// Longest describing field kept.
const MAX_TEXT: usize = 300;

/// Reads the describing fields; a field of the wrong type or too long is a 400.
pub(super) fn described(envelope: &Value, format: Format) -> Result<Described, ApiError> {
    let holder = holder(envelope, format);
    let text = |name: &str| -> Result<Option<String>, ApiError> {
        // A root field wins over MyBankStatement's nested one.
        let value = field(envelope, name).or_else(|| field(&holder, name));
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.len() > MAX_TEXT => Err(ApiError::bad_field(
                "invalid_field",
                name,
                &format!("at most {MAX_TEXT} bytes"),
            )),
            Some(Value::String(text)) => Ok(Some(text.trim().to_owned()).filter(|t| !t.is_empty())),
            Some(_) => Err(ApiError::bad_field(
                "invalid_field",
                name,
                "expected a string",
            )),
        }
    };
    Ok(Described {
        statement_name: text("statementName")?,
        client_full_name: text("clientFullName")?,
        bank_name: text("bankName")?,
        account_type: text("accountType")?,
        account_name: text("accountName")?,
    })
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly by design"
)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_are_matched_whatever_their_case_and_named_when_unknown() {
        let (body, object) = fields(
            br#"{"StatementKey": 3, "DTI": 0.3, "loantenure": 6}"#,
            &["statementKey", "dti", "loanTenure"],
        )
        .unwrap();
        assert_eq!(object["statementKey"], 3);
        assert_eq!(body.whole("loanTenure").unwrap(), Some(6));
        let err = fields(br#"{"tenure": 6}"#, &["loanTenure"]).unwrap_err();
        assert_eq!(err.code, "unknown_field");
        let err = fields(br#"{"dti": 1, "DTI": 2}"#, &["dti"]).unwrap_err();
        assert_eq!(err.code, "invalid_field");
        let err = fields(b"[1]", &["dti"]).unwrap_err();
        assert_eq!(err.code, "malformed_json");
    }

    #[test]
    fn the_statement_name_is_found_where_each_format_puts_it() {
        let mono =
            envelope("{\n\u{a0}\"statementName\": \"M\",\n\"data\": [],\n}".as_bytes()).unwrap();
        assert_eq!(
            described(&mono, Format::MonoJson)
                .unwrap()
                .statement_name
                .as_deref(),
            Some("M")
        );
        let mbs =
            json!({"bankStatement": {"mbs": {"jsonData": {"statementName": "S", "Details": []}}}});
        assert_eq!(
            described(&mbs, Format::MyBankStatementJson)
                .unwrap()
                .statement_name
                .as_deref(),
            Some("S")
        );
        let wrapped = json!({"bankStatement": {"mbs": {"jsonData": "{\"statementName\": \"W\"}"}}});
        assert_eq!(
            described(&wrapped, Format::MyBankStatementJson)
                .unwrap()
                .statement_name
                .as_deref(),
            Some("W")
        );
        let missing = json!({"transactions": []});
        assert!(
            described(&missing, Format::PericulumJson)
                .unwrap()
                .statement_name
                .is_none()
        );
        let wrong = json!({"statementName": 5});
        assert_eq!(
            described(&wrong, Format::PericulumJson).unwrap_err().code,
            "invalid_field"
        );
    }

    #[test]
    fn format_names_round_trip() {
        for name in ["periculum", "mono", "okra", "dojah", "mybankstatement"] {
            assert_eq!(format_param(format_named(name).unwrap()), name);
        }
        assert_eq!(format_named("MONO"), Some(Format::MonoJson));
        assert!(format_named("csv").is_none());
    }
}
