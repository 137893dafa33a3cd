//! Fields read exactly: every value is kept as a [`RawValue`] and interpreted here rather than
//! typed in the provider structs, because the vendors are loose about types (Dojah sends amounts as
//! strings, Periculum as numbers, MyBankStatement as either) and because a JSON number must reach
//! [`Amount`] as the text the vendor wrote: through `f64`, `0.1` would become an approximation.

use std::borrow::Cow;

use ledgerlens_core::{Amount, Currency, Format};
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::source::MAX_TEXT_BYTES;
use crate::IngestError;
use crate::number::{DecimalMark, parse_amount};

/// A JSON value reduced to what a statement field can be.
#[derive(Debug)]
pub(super) enum Scalar<'a> {
    /// `null` or absent.
    Absent,
    /// A string, unescaped.
    Text(Cow<'a, str>),
    /// A number, exactly as written.
    Number(&'a str),
    /// `true` / `false`.
    Bool,
    /// An object or array where a scalar was expected.
    Composite,
}

/// Reads a raw value as a scalar.
pub(super) fn scalar(raw: Option<&RawValue>) -> Result<Scalar<'_>, String> {
    let Some(raw) = raw else {
        return Ok(Scalar::Absent);
    };
    let text = raw.get().trim();
    Ok(match text.as_bytes().first() {
        None | Some(b'n') => Scalar::Absent,
        Some(b'"') => match serde_json::from_str::<&str>(text) {
            Ok(s) => Scalar::Text(Cow::Borrowed(s)),
            Err(_) => Scalar::Text(Cow::Owned(
                serde_json::from_str::<String>(text).map_err(|e| e.to_string())?,
            )),
        },
        Some(b't' | b'f') => Scalar::Bool,
        Some(b'{' | b'[') => Scalar::Composite,
        Some(_) => Scalar::Number(text),
    })
}

/// A JSON number literal as an exact amount (exponents allowed, as JSON allows them).
pub(super) fn exact_number(text: &str) -> Result<Amount, String> {
    if text.contains(['e', 'E']) {
        let value = Decimal::from_scientific(text)
            .map_err(|_| format!("number {text:?} is out of range"))?;
        return Amount::from_decimal(value.normalize()).map_err(|e| e.to_string());
    }
    Amount::parse(text).map_err(|e| e.to_string())
}

/// Where a field is being read: a transaction (1-based, with its line) or the statement header.
#[derive(Clone, Copy, Debug)]
pub(super) struct At {
    pub format: Format,
    pub row: Option<u32>,
    pub line: Option<u32>,
}

impl At {
    /// An error here.
    pub fn error(&self, detail: impl Into<String>) -> IngestError {
        let location = match (self.row, self.line) {
            (Some(r), Some(l)) => Some(format!("transaction {r}, line {l}")),
            (Some(r), None) => Some(format!("transaction {r}")),
            (None, _) => None,
        };
        IngestError::malformed(self.format, location, detail)
    }

    /// A text field, trimmed; empty text counts as absent. Numbers are accepted as their digits
    /// (account numbers are sometimes sent as numbers).
    pub fn text<'r>(
        &self,
        name: &str,
        raw: Option<&'r RawValue>,
    ) -> Result<Option<Cow<'r, str>>, IngestError> {
        let value = match scalar(raw).map_err(|e| self.error(format!("{name}: {e}")))? {
            Scalar::Absent | Scalar::Bool => None,
            Scalar::Text(t) => Some(t),
            Scalar::Number(n) => Some(Cow::Borrowed(n)),
            Scalar::Composite => {
                return Err(self.error(format!("{name} should be text, not an object or array")));
            }
        };
        match value {
            Some(t) if t.len() > MAX_TEXT_BYTES => {
                Err(self.error(format!("{name} is longer than {MAX_TEXT_BYTES} bytes")))
            }
            Some(t) if t.trim().is_empty() => Ok(None),
            Some(Cow::Borrowed(t)) => Ok(Some(Cow::Borrowed(t.trim()))),
            Some(Cow::Owned(t)) => Ok(Some(Cow::Owned(t.trim().to_owned()))),
            None => Ok(None),
        }
    }

    /// A text field with its whitespace collapsed to single spaces.
    pub fn collapsed(
        &self,
        name: &str,
        raw: Option<&RawValue>,
    ) -> Result<Option<String>, IngestError> {
        Ok(self
            .text(name, raw)?
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    /// An amount in major units, from a number or a dot-decimal string.
    pub fn amount(
        &self,
        name: &str,
        raw: Option<&RawValue>,
    ) -> Result<Option<Amount>, IngestError> {
        let bad = |detail: String| self.error(format!("{name}: {detail}"));
        match scalar(raw).map_err(bad)? {
            Scalar::Absent => Ok(None),
            Scalar::Number(n) => exact_number(n).map(Some).map_err(bad),
            Scalar::Text(t) if t.trim().is_empty() => Ok(None),
            Scalar::Text(t) => Amount::parse(t.trim())
                .or_else(|_| parse_amount(&t, Some(DecimalMark::Dot)))
                .map(Some)
                .map_err(|_| {
                    bad(format!(
                        "{:?} is not an amount",
                        t.chars().take(40).collect::<String>()
                    ))
                }),
            Scalar::Bool | Scalar::Composite => Err(bad("expected a number".to_owned())),
        }
    }

    /// An amount in minor units of a currency with `exponent` decimals (Mono's kobo): the value
    /// is divided by 10^exponent exactly, by moving the decimal point.
    pub fn minor_amount(
        &self,
        name: &str,
        raw: Option<&RawValue>,
        exponent: u32,
    ) -> Result<Option<Amount>, IngestError> {
        let Some(value) = self.amount(name, raw)? else {
            return Ok(None);
        };
        let mut decimal = value.as_decimal();
        let scale = decimal.scale() + exponent;
        decimal
            .set_scale(scale)
            .map_err(|_| self.error(format!("{name}: {value} minor units cannot be scaled")))?;
        Amount::from_decimal(decimal)
            .map(Some)
            .map_err(|_| self.error(format!("{name}: {value} has too many decimals")))
    }

    /// Applies a debit/credit type to an unsigned amount. Without a type the amount keeps its own
    /// sign.
    pub fn signed(&self, amount: Amount, kind: Option<&str>) -> Result<Amount, IngestError> {
        let Some(kind) = kind else { return Ok(amount) };
        match kind.trim().to_ascii_lowercase().as_str() {
            "debit" | "dr" | "d" | "withdrawal" => Ok(amount.abs().negated()),
            "credit" | "cr" | "c" | "deposit" => Ok(amount.abs()),
            other => Err(self.error(format!(
                "transaction type {:?} is neither debit nor credit",
                other.chars().take(40).collect::<String>()
            ))),
        }
    }

    /// A currency code field.
    pub fn currency(
        &self,
        name: &str,
        raw: Option<&RawValue>,
    ) -> Result<Option<Currency>, IngestError> {
        self.currency_like(name, raw, None)
    }

    /// A currency code field that is usually `known` (every row repeats it): that case is
    /// answered without looking the code up again.
    pub fn currency_like(
        &self,
        name: &str,
        raw: Option<&RawValue>,
        known: Option<Currency>,
    ) -> Result<Option<Currency>, IngestError> {
        match self.text(name, raw)? {
            None => Ok(None),
            Some(code) if known.is_some_and(|k| k.code() == code) => Ok(known),
            Some(code) if code == "₦" || code.eq_ignore_ascii_case("naira") => {
                Ok(Currency::parse("NGN").ok())
            }
            Some(code) => Currency::parse(&code)
                .map(Some)
                .map_err(|e| self.error(format!("{name}: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> At {
        At {
            format: Format::MonoJson,
            row: Some(3),
            line: Some(12),
        }
    }

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn numbers_keep_the_digits_the_vendor_wrote() {
        let a = at()
            .amount("amount", Some(&raw("16162.02")))
            .unwrap()
            .unwrap();
        assert_eq!(a.to_string(), "16162.02");
        assert_eq!(
            at().amount("amount", Some(&raw("0.1")))
                .unwrap()
                .unwrap()
                .to_string(),
            "0.1"
        );
        assert_eq!(
            at().amount("amount", Some(&raw("1.5e3"))).unwrap().unwrap(),
            Amount::parse("1500").unwrap()
        );
    }

    #[test]
    fn string_amounts_and_nulls_are_understood() {
        assert_eq!(
            at().amount("a", Some(&raw("\"2016.4\""))).unwrap(),
            Some(Amount::parse("2016.4").unwrap())
        );
        assert_eq!(
            at().amount("a", Some(&raw("\"2,000.500\""))).unwrap(),
            Some(Amount::parse("2000.5").unwrap())
        );
        assert_eq!(at().amount("a", Some(&raw("null"))).unwrap(), None);
        assert_eq!(at().amount("a", Some(&raw("\"\""))).unwrap(), None);
        assert_eq!(at().amount("a", None).unwrap(), None);
        assert!(at().amount("a", Some(&raw("\"abc\""))).is_err());
        assert!(at().amount("a", Some(&raw("[1]"))).is_err());
    }

    #[test]
    fn minor_units_move_the_decimal_point_exactly() {
        let ngn = at()
            .minor_amount("amount", Some(&raw("147085")), 2)
            .unwrap()
            .unwrap();
        assert_eq!(ngn.to_string(), "1470.85");
        let kwd = at()
            .minor_amount("amount", Some(&raw("1234")), 3)
            .unwrap()
            .unwrap();
        assert_eq!(kwd.to_string(), "1.234");
        let xof = at()
            .minor_amount("amount", Some(&raw("\"500\"")), 0)
            .unwrap()
            .unwrap();
        assert_eq!(xof.to_string(), "500");
    }

    #[test]
    fn the_type_decides_the_sign() {
        let five = Amount::parse("5").unwrap();
        assert_eq!(at().signed(five, Some("Debit")).unwrap(), five.negated());
        assert_eq!(at().signed(five.negated(), Some("credit")).unwrap(), five);
        assert_eq!(at().signed(five.negated(), None).unwrap(), five.negated());
        let err = at().signed(five, Some("sideways")).unwrap_err();
        assert_eq!(err.code(), "malformed_file");
        assert!(err.to_string().contains("transaction 3, line 12"), "{err}");
    }

    #[test]
    fn text_is_unescaped_trimmed_and_capped() {
        assert_eq!(
            at().text("n", Some(&raw(r#"" a\"b ""#)))
                .unwrap()
                .as_deref(),
            Some("a\"b")
        );
        assert_eq!(
            at().text("n", Some(&raw("725460028"))).unwrap().as_deref(),
            Some("725460028")
        );
        assert_eq!(
            at().collapsed("n", Some(&raw(r#""OSO  \t AYOMIDE""#)))
                .unwrap()
                .as_deref(),
            Some("OSO AYOMIDE")
        );
        let long = format!("\"{}\"", "x".repeat(MAX_TEXT_BYTES + 1));
        assert!(at().text("n", Some(&raw(&long))).is_err());
    }
}
