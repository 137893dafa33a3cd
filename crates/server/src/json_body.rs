//! JSON request bodies read field by field, so every refusal is a 400 that names the field
//! (`malformed_json` for text that is not JSON at all, `unknown_field`, `invalid_field`).
//!
//! Money and ratios are read as exact decimals from a JSON string (`"0.35"`) or a JSON number
//! (whose shortest text is taken, as the scoring crate reads analysis figures), never through
//! a float computation.

use axum::http::StatusCode;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::ApiError;

/// A JSON object body.
#[derive(Debug)]
pub(crate) struct Body(Map<String, Value>);

impl Body {
    /// Parses `bytes` as one JSON object whose keys are all in `known` (an empty body is `{}`).
    pub(crate) fn parse(bytes: &[u8], known: &[&str]) -> Result<Body, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(Map::new()));
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {e}"),
            )
            .with_detail("field", "body")
        })?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_field(
                "malformed_json",
                "body",
                "expected a JSON object",
            ));
        };
        if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(ApiError::bad_field(
                "unknown_field",
                key,
                &format!("not a field of this request ({})", known.join(", ")),
            ));
        }
        Ok(Body(map))
    }

    fn present(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }

    /// A text field.
    pub(crate) fn text(&self, field: &str) -> Result<Option<String>, ApiError> {
        match self.present(field) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(ApiError::bad_field(
                "invalid_field",
                field,
                "expected a string",
            )),
        }
    }

    /// Whether the body names `field` at all (`null` included: a PATCH clears with it).
    pub(crate) fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// A field of any type, as is (`None` when absent or null).
    pub(crate) fn value(&self, field: &str) -> Option<&Value> {
        self.present(field)
    }

    /// An object field, as is.
    pub(crate) fn object(&self, field: &str) -> Result<Option<&Value>, ApiError> {
        match self.present(field) {
            None => Ok(None),
            Some(value @ Value::Object(_)) => Ok(Some(value)),
            Some(_) => Err(ApiError::bad_field(
                "invalid_field",
                field,
                "expected an object",
            )),
        }
    }

    /// A `YYYY-MM-DD` date field.
    pub(crate) fn date(&self, field: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.text(field)?
            .map(|text| {
                NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    ApiError::bad_field("invalid_field", field, "a date as YYYY-MM-DD")
                })
            })
            .transpose()
    }

    /// An exact decimal, from a string or a number.
    pub(crate) fn decimal(&self, field: &str) -> Result<Option<Decimal>, ApiError> {
        let bad = || ApiError::bad_field("invalid_field", field, "a decimal number such as 0.35");
        let text = match self.present(field) {
            None => return Ok(None),
            Some(Value::String(text)) => text.trim().to_owned(),
            Some(Value::Number(number)) => number.to_string(),
            Some(_) => return Err(bad()),
        };
        text.parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&text))
            .map(Some)
            .map_err(|_| bad())
    }

    /// A whole number field.
    pub(crate) fn whole(&self, field: &str) -> Result<Option<u32>, ApiError> {
        match self.present(field) {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| {
                    ApiError::bad_field("invalid_field", field, "a whole number of months")
                }),
        }
    }
}
