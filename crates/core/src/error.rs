//! The one error type of the core crate.

/// Why a domain value could not be built from its textual form.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoreError {
    /// The text is not an exact decimal amount (only digits, one optional sign and one dot).
    #[error("not a decimal amount: {0:?}")]
    InvalidAmount(String),
    /// Adding or subtracting amounts left the representable range (about ±7.9e28).
    #[error("amount arithmetic overflowed")]
    AmountOverflow,
    /// The code is not an active ISO-4217 alphabetic currency code.
    #[error("unknown ISO-4217 currency code: {0:?}")]
    UnknownCurrency(String),
    /// The IBAN has a bad shape, length or check digits.
    #[error("invalid IBAN: {0}")]
    InvalidIban(&'static str),
    /// An account number must hold at least one letter or digit.
    #[error("empty account number")]
    EmptyAccountNumber,
}
