//! Exact signed amounts.
//!
//! Every amount and balance in ledgerlens is a [`Amount`]: a base-10 decimal with up to 28
//! significant digits, never a float. Sources disagree on precision (Mono sends kobo, CAMT sends
//! "1815.00", some CSVs send four decimals), so the scale travels with the value and equality is
//! numeric: `12.5 == 12.50`. Arithmetic is checked: an overflow is an error, never a wrap.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::CoreError;

/// Money as a credit officer reads it: thousands grouped with commas, at least two decimals,
/// e.g. `-1,234,567.80`.
///
/// The decimal is formatted, never converted through a float, so the printed figure is the
/// analysis' own. Figures carried to more than cents (averages, shares of a total) are rounded
/// to the cent, half away from zero: the only change ever made to an amount shown to a person.
pub fn grouped(value: Decimal) -> String {
    let mut value = if value.scale() > 2 {
        value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    } else {
        value
    };
    if value.scale() < 2 {
        value.rescale(2);
    }
    let text = value.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 2);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    let digits = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (digits - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    // A value too large to rescale (near `Decimal::MAX`) still prints two decimals.
    out.push('.');
    out.push_str(if frac.is_empty() { "00" } else { frac });
    out
}

/// The largest scale we accept. Real statements use 0–4 decimals; anything beyond 8 is noise or
/// hostile input and would only slow arithmetic down.
const MAX_SCALE: u32 = 8;

/// A signed, exact decimal amount. Credits are positive, debits negative.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

impl Amount {
    /// Zero, with no decimals.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Builds an amount from an integer count of minor units (`from_minor(1815, 2)` is 18.15).
    pub fn from_minor(minor: i64, exponent: u32) -> Result<Self, CoreError> {
        if exponent > MAX_SCALE {
            return Err(CoreError::InvalidAmount(format!("{minor}e-{exponent}")));
        }
        Ok(Amount(Decimal::new(minor, exponent)))
    }

    /// The amount as an integer count of minor units, if it is exactly representable.
    pub fn to_minor(self, exponent: u32) -> Option<i64> {
        let factor = Decimal::from(10_i64.checked_pow(exponent)?);
        let scaled = self.0.checked_mul(factor)?;
        if !scaled.fract().is_zero() {
            return None;
        }
        scaled.to_i64()
    }

    /// Parses the canonical form: an optional sign, digits, and an optional dot with digits.
    ///
    /// Locale forms ("1.234,56", "(12.00)", "12.00 CR") are the ingestion layer's business; the core
    /// accepts only text that is already unambiguous.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let invalid = || CoreError::InvalidAmount(text.chars().take(40).collect());
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((i, f)) => (i, f),
            None => (unsigned, ""),
        };
        let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.is_empty() && frac_part.is_empty()
            || !digits_ok(int_part)
            || !digits_ok(frac_part)
            || (unsigned.contains('.') && frac_part.is_empty())
            || frac_part.len() > MAX_SCALE as usize
            || int_part.trim_start_matches('0').len() > 20
        {
            return Err(invalid());
        }
        Decimal::from_str_exact(text)
            .map(Amount)
            .map_err(|_| invalid())
    }

    /// The underlying decimal, for arithmetic the core does not wrap (ratios, comparisons).
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Wraps a decimal, refusing scales beyond what statements can carry.
    pub fn from_decimal(value: Decimal) -> Result<Self, CoreError> {
        if value.scale() > MAX_SCALE {
            return Err(CoreError::InvalidAmount(value.to_string()));
        }
        Ok(Amount(value))
    }

    /// Checked addition.
    pub fn checked_add(self, other: Amount) -> Result<Amount, CoreError> {
        self.0
            .checked_add(other.0)
            .map(Amount)
            .ok_or(CoreError::AmountOverflow)
    }

    /// Checked subtraction.
    pub fn checked_sub(self, other: Amount) -> Result<Amount, CoreError> {
        self.0
            .checked_sub(other.0)
            .map(Amount)
            .ok_or(CoreError::AmountOverflow)
    }

    /// Sums amounts, failing on overflow rather than wrapping.
    pub fn checked_sum<I: IntoIterator<Item = Amount>>(items: I) -> Result<Amount, CoreError> {
        items
            .into_iter()
            .try_fold(Amount::ZERO, Amount::checked_add)
    }

    /// The amount with its sign flipped (debit ↔ credit).
    pub fn negated(self) -> Amount {
        Amount(-self.0)
    }

    /// The absolute value.
    pub fn abs(self) -> Amount {
        Amount(self.0.abs())
    }

    /// True for zero, whatever the scale.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// True for strictly negative amounts (debits).
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Number of decimals carried.
    pub fn scale(self) -> u32 {
        self.0.scale()
    }

    /// The same value written with at least `decimals` decimals (`12.5` → `12.50`), so that output
    /// follows the currency's minor units without ever dropping digits the source gave.
    pub fn with_min_scale(self, decimals: u32) -> Amount {
        if self.0.scale() >= decimals {
            return self;
        }
        let mut value = self.0;
        value.rescale(decimals.min(MAX_SCALE));
        Amount(value)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_zero() {
            // Avoid "-0.00": a negative zero is still zero.
            let mut zero = Decimal::ZERO;
            zero.rescale(self.0.scale());
            return fmt::Display::fmt(&zero, f);
        }
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

impl FromStr for Amount {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

/// Amounts travel as decimal strings on the wire (`"-12.50"`), never as JSON numbers, because
/// JSON numbers are floats in most clients.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Amount::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_money_is_the_exact_decimal_with_commas_and_cents() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(grouped(d("75823.95")), "75,823.95");
        assert_eq!(grouped(d("-1234567.8")), "-1,234,567.80");
        assert_eq!(grouped(d("999")), "999.00");
        assert_eq!(grouped(d("100000")), "100,000.00");
        assert_eq!(grouped(d("0.125")), "0.13");
        assert_eq!(grouped(d("-0.125")), "-0.13");
        assert_eq!(grouped(d("-0.001")), "0.00");
        assert_eq!(
            grouped(d("79228162514264337593543950335")),
            "79,228,162,514,264,337,593,543,950,335.00"
        );
    }

    #[test]
    fn parsing_keeps_the_exact_value_and_scale() {
        let a = Amount::parse("-12.50").unwrap();
        assert_eq!(a.to_string(), "-12.50");
        assert_eq!(a, Amount::parse("-12.5").unwrap());
        assert_eq!(Amount::parse("+7").unwrap().to_string(), "7");
    }

    #[test]
    fn parsing_rejects_anything_but_canonical_decimals() {
        for bad in [
            "",
            "-",
            ".",
            "1.",
            "1e5",
            "1,00",
            " 1",
            "1 ",
            "--1",
            "0x10",
            "1.123456789",
            "NaN",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn cents_add_up_exactly_where_floats_would_not() {
        let tenth = Amount::parse("0.10").unwrap();
        let sum = Amount::checked_sum(std::iter::repeat_n(tenth, 10)).unwrap();
        assert_eq!(sum, Amount::parse("1").unwrap());
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let huge = Amount::from_decimal(Decimal::MAX).unwrap();
        assert_eq!(huge.checked_add(huge), Err(CoreError::AmountOverflow));
    }

    #[test]
    fn minor_units_round_trip() {
        let a = Amount::from_minor(147085, 2).unwrap();
        assert_eq!(a.to_string(), "1470.85");
        assert_eq!(a.to_minor(2), Some(147085));
        assert_eq!(Amount::parse("-2700").unwrap().to_minor(0), Some(-2700));
        assert_eq!(Amount::parse("1.005").unwrap().to_minor(2), None);
    }

    #[test]
    fn negative_zero_displays_as_zero() {
        assert_eq!(Amount::parse("-0.00").unwrap().to_string(), "0.00");
    }

    #[test]
    fn min_scale_pads_but_never_truncates() {
        assert_eq!(
            Amount::parse("5").unwrap().with_min_scale(2).to_string(),
            "5.00"
        );
        assert_eq!(
            Amount::parse("5.125")
                .unwrap()
                .with_min_scale(2)
                .to_string(),
            "5.125"
        );
    }

    #[test]
    fn amounts_serialise_as_strings() {
        let a = Amount::parse("100.00").unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"100.00\"");
        let back: Amount = serde_json::from_str("\"100.00\"").unwrap();
        assert_eq!(back, a);
    }
}
