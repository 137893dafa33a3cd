//! Query parameters of the statement and transaction listings: paging and filters, parsed once
//! into [`Filters`] so a bad value is a 400 naming the parameter, never a silent empty page.
//!
//! Semantics (docs/service.md, "Statements, transactions, runs, synchronous analysis, report and
//! operations"):
//! - `from`/`to`: booking date, both inclusive (`YYYY-MM-DD`);
//! - `min_amount`/`max_amount`: the *absolute* amount, exact decimal comparison, both inclusive,
//!   so `min_amount=100` finds a 100.00 debit as well as a 100.00 credit;
//! - `direction`: `credit` (money in) or `debit` (money out); zero amounts are neither;
//! - `category`: a primary (`FOOD_AND_DRINK`) or detailed code, case-insensitive;
//! - `counterparty`: the counterparty's key or name, case-insensitive, whole value;
//! - `q`: case-insensitive text in the narration or the counterparty's name or key.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::ApiError;

/// Page size of the listings: default and largest.
pub(crate) const DEFAULT_LIMIT: usize = 100;
pub(crate) const MAX_LIMIT: usize = 500;

/// Longest text filter accepted.
const MAX_TEXT_BYTES: usize = 256;

/// The parameters each listing knows.
pub(crate) const STATEMENT_PARAMETERS: [&str; 2] = ["limit", "cursor"];
pub(crate) const TRANSACTION_PARAMETERS: [&str; 10] = [
    "limit",
    "cursor",
    "from",
    "to",
    "min_amount",
    "max_amount",
    "direction",
    "category",
    "counterparty",
    "q",
];

/// Money in or out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Credit,
    Debit,
}

/// A page request with its filters.
#[derive(Debug, Default)]
pub(crate) struct Filters {
    pub(crate) limit: usize,
    /// Index of the first item to look at (from the cursor).
    pub(crate) start: usize,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    min_amount: Option<Decimal>,
    max_amount: Option<Decimal>,
    direction: Option<Direction>,
    category: Option<String>,
    counterparty: Option<String>,
    q: Option<String>,
}

fn invalid(parameter: &str, why: &str) -> ApiError {
    ApiError::bad_field("invalid_parameter", parameter, why)
}

/// An opaque cursor: the index of the next item, versioned so its form can change.
pub(crate) fn cursor(next: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{next}"))
}

fn parse_cursor(text: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("v1:")?.parse().ok()
}

fn date(parameter: &str, text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| invalid(parameter, "a date as YYYY-MM-DD"))
}

fn amount(parameter: &str, text: &str) -> Result<Decimal, ApiError> {
    let value = text
        .parse::<Decimal>()
        .map_err(|_| invalid(parameter, "a decimal amount such as 100 or 99.95"))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(invalid(
            parameter,
            "compared with the absolute amount, so it cannot be negative",
        ));
    }
    Ok(value)
}

fn text(parameter: &str, value: &str) -> Result<String, ApiError> {
    if value.len() > MAX_TEXT_BYTES {
        return Err(invalid(
            parameter,
            &format!("at most {MAX_TEXT_BYTES} bytes"),
        ));
    }
    Ok(value.trim().to_lowercase())
}

impl Filters {
    /// Parses a raw query string; `known` lists the parameters this listing takes (any other is
    /// refused, so a misspelt filter is not silently ignored).
    pub(crate) fn parse(query: Option<&str>, known: &[&str]) -> Result<Filters, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_parameter",
                    format!("unreadable query string: {e}"),
                )
            })?;
        let mut filters = Filters {
            limit: DEFAULT_LIMIT,
            ..Filters::default()
        };
        for (name, value) in &pairs {
            if !known.contains(&name.as_str()) {
                return Err(ApiError::bad_field(
                    "unknown_parameter",
                    name,
                    &format!("not a parameter of this listing ({})", known.join(", ")),
                ));
            }
            let value = value.as_str();
            match name.as_str() {
                "limit" => {
                    filters.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| invalid("limit", "an integer from 1 to 500"))?;
                }
                "cursor" if !value.is_empty() => {
                    filters.start = parse_cursor(value)
                        .ok_or_else(|| invalid("cursor", "not a cursor this API returned"))?;
                }
                "from" => filters.from = Some(date("from", value)?),
                "to" => filters.to = Some(date("to", value)?),
                "min_amount" => filters.min_amount = Some(amount("min_amount", value)?),
                "max_amount" => filters.max_amount = Some(amount("max_amount", value)?),
                "direction" => {
                    filters.direction = Some(match value {
                        "credit" => Direction::Credit,
                        "debit" => Direction::Debit,
                        _ => return Err(invalid("direction", "credit or debit")),
                    });
                }
                "category" => filters.category = Some(text("category", value)?),
                "counterparty" => filters.counterparty = Some(text("counterparty", value)?),
                "q" => filters.q = Some(text("q", value)?),
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (filters.from, filters.to)
            && from > to
        {
            return Err(invalid("from", "after `to`"));
        }
        if let (Some(min), Some(max)) = (filters.min_amount, filters.max_amount)
            && min > max
        {
            return Err(invalid("min_amount", "greater than `max_amount`"));
        }
        Ok(filters)
    }

    /// True when a stored transaction (see [`crate::ledger_bodies::transactions`]) passes every
    /// filter.
    pub(crate) fn matches(&self, tx: &Value) -> bool {
        let field = |name: &str| tx.get(name).and_then(Value::as_str);
        if self.from.is_some() || self.to.is_some() {
            let Some(date) =
                field("date").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            else {
                return false;
            };
            if self.from.is_some_and(|from| date < from) || self.to.is_some_and(|to| date > to) {
                return false;
            }
        }
        if self.min_amount.is_some() || self.max_amount.is_some() {
            let Some(amount) = field("amount").and_then(|a| a.parse::<Decimal>().ok()) else {
                return false;
            };
            let amount = amount.abs();
            if self.min_amount.is_some_and(|min| amount < min)
                || self.max_amount.is_some_and(|max| amount > max)
            {
                return false;
            }
        }
        if let Some(direction) = self.direction {
            let wanted = match direction {
                Direction::Credit => "credit",
                Direction::Debit => "debit",
            };
            if field("direction") != Some(wanted) {
                return false;
            }
        }
        if let Some(category) = &self.category {
            let codes = ["primary", "detailed"].map(|level| {
                tx.pointer(&format!("/category/{level}"))
                    .and_then(Value::as_str)
                    .map(str::to_lowercase)
            });
            if !codes.iter().flatten().any(|code| code == category) {
                return false;
            }
        }
        let counterparty = ["key", "name"].map(|part| {
            tx.pointer(&format!("/counterparty/{part}"))
                .and_then(Value::as_str)
                .map(str::to_lowercase)
        });
        if let Some(wanted) = &self.counterparty
            && !counterparty.iter().flatten().any(|c| c == wanted)
        {
            return false;
        }
        if let Some(q) = &self.q {
            let narration = field("narration").map(str::to_lowercase);
            if !narration
                .iter()
                .chain(counterparty.iter().flatten())
                .any(|text| text.contains(q.as_str()))
            {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use serde_json::json;

    fn tx() -> Value {
        json!({
            "date": "2024-03-05",
            "amount": "-100.00",
            "direction": "debit",
            "narration": "POS Shoprite Lekki",
            "category": { "primary": "GENERAL_MERCHANDISE", "detailed": "GENERAL_MERCHANDISE_SUPERSTORES" },
            "counterparty": { "key": "SHOPRITE", "name": "Shoprite" },
        })
    }

    fn parse(query: &str) -> Filters {
        Filters::parse(Some(query), &TRANSACTION_PARAMETERS).unwrap()
    }

    #[test]
    fn amounts_compare_exactly_on_the_absolute_value_both_ends_included() {
        assert!(parse("min_amount=100").matches(&tx()));
        assert!(parse("max_amount=100.000").matches(&tx()));
        assert!(!parse("min_amount=100.01").matches(&tx()));
        assert!(!parse("max_amount=99.99").matches(&tx()));
    }

    #[test]
    fn dates_are_inclusive_and_text_is_case_insensitive() {
        assert!(parse("from=2024-03-05&to=2024-03-05").matches(&tx()));
        assert!(!parse("from=2024-03-06").matches(&tx()));
        assert!(parse("q=shoprite%20LEKKI").matches(&tx()));
        assert!(parse("category=general_merchandise").matches(&tx()));
        assert!(parse("counterparty=shoprite").matches(&tx()));
        assert!(!parse("direction=credit").matches(&tx()));
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (query, parameter) in [
            ("limit=0", "limit"),
            ("limit=501", "limit"),
            ("from=05/03/2024", "from"),
            ("min_amount=ten", "min_amount"),
            ("max_amount=-1", "max_amount"),
            ("direction=out", "direction"),
            ("cursor=nope", "cursor"),
            ("colour=red", "colour"),
        ] {
            let error = Filters::parse(Some(query), &TRANSACTION_PARAMETERS).unwrap_err();
            assert_eq!(error.details["field"], parameter, "{query}");
        }
    }

    #[test]
    fn cursors_round_trip() {
        assert_eq!(parse_cursor(&cursor(42)), Some(42));
    }
}
