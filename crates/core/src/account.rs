//! Accounts and their identifiers, which mask themselves.
//!
//! A statement's account number is personal data. Its `Display`, `Debug` and `Serialize` all show
//! only the last four characters (`****1234`); the full value must be asked for by name with
//! [`AccountNumber::reveal`], so it cannot leak into a log line or an API response by accident.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::currency::Currency;
use crate::error::CoreError;

/// How many trailing characters a masked identifier keeps.
const VISIBLE_TAIL: usize = 4;

fn masked(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let tail_start = chars.len().saturating_sub(VISIBLE_TAIL);
    let tail: String = chars.get(tail_start..).unwrap_or_default().iter().collect();
    format!("****{tail}")
}

/// A bank account number (or card number, or any opaque account identifier).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountNumber(String);

impl AccountNumber {
    /// Keeps letters, digits and the separators banks print (`-`, `/`, `.`); rejects an identifier
    /// with no letter or digit at all.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let cleaned: String = text.split_whitespace().collect::<Vec<_>>().join("");
        if !cleaned.chars().any(|c| c.is_alphanumeric()) {
            return Err(CoreError::EmptyAccountNumber);
        }
        Ok(AccountNumber(cleaned.chars().take(64).collect()))
    }

    /// The full number. Call only where the caller has explicitly asked for unmasked output.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// The masked form, `****1234`.
    pub fn masked(&self) -> String {
        masked(&self.0)
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountNumber({})", self.masked())
    }
}

impl Serialize for AccountNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

/// An International Bank Account Number whose length and mod-97 check digits have been verified.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban(String);

impl Iban {
    /// Parses an IBAN written with or without spaces, in either case.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if !(15..=34).contains(&compact.len()) {
            return Err(CoreError::InvalidIban("length must be 15 to 34 characters"));
        }
        let bytes = compact.as_bytes();
        let shape_ok = bytes.iter().take(2).all(u8::is_ascii_uppercase)
            && bytes.iter().skip(2).take(2).all(u8::is_ascii_digit)
            && bytes.iter().all(u8::is_ascii_alphanumeric);
        if !shape_ok {
            return Err(CoreError::InvalidIban(
                "must be a country code, two digits, then letters or digits",
            ));
        }
        let rearranged = bytes.iter().skip(4).chain(bytes.iter().take(4));
        let mut remainder: u32 = 0;
        for &b in rearranged {
            let value = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A') + 10
            };
            remainder = if value >= 10 {
                (remainder * 100 + value) % 97
            } else {
                (remainder * 10 + value) % 97
            };
        }
        if remainder != 1 {
            return Err(CoreError::InvalidIban("check digits do not match"));
        }
        Ok(Iban(compact))
    }

    /// The full IBAN, compact. Call only where unmasked output was asked for.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// The two-letter country of the account.
    pub fn country(&self) -> &str {
        self.0.get(..2).unwrap_or_default()
    }

    /// Country, check digits and the last four characters: `DE89****3000`.
    pub fn masked(&self) -> String {
        format!("{}{}", self.0.get(..4).unwrap_or_default(), masked(&self.0))
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({})", self.masked())
    }
}

impl Serialize for Iban {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

/// What kind of account a statement describes; credit cards invert the everyday meaning of the
/// balance, which analytics must know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Current / checking account.
    Checking,
    /// Savings or deposit account.
    Savings,
    /// Credit card or other revolving credit.
    CreditCard,
    /// Loan or credit line.
    Loan,
    /// Money-market or investment cash account.
    Investment,
    /// Mobile-money wallet.
    Wallet,
    /// The source does not say.
    #[default]
    Unknown,
}

/// The account a statement belongs to, as far as the source tells.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Bank or institution name.
    pub bank: Option<String>,
    /// Bank identifier: BIC, routing/sort code, NIP bank code.
    pub bank_id: Option<String>,
    /// Account number (masked on output).
    pub number: Option<AccountNumber>,
    /// IBAN (masked on output).
    pub iban: Option<Iban>,
    /// Name of the account holder as the bank prints it.
    pub holder: Option<String>,
    /// Account type.
    pub kind: AccountKind,
    /// Account currency, when the source states it.
    pub currency: Option<Currency>,
}

impl Account {
    /// The unmasked number, else the unmasked IBAN: what a statement file prints as "the
    /// account". For writers of files and callers that asked for unmasked output only.
    pub fn revealed_identifier(&self) -> Option<&str> {
        self.number
            .as_ref()
            .map(AccountNumber::reveal)
            .or_else(|| self.iban.as_ref().map(Iban::reveal))
    }

    /// A key identifying the account across files: IBAN, else number (+ bank id), else `None`
    /// (anonymous accounts are never merged with each other).
    pub fn identity_key(&self) -> Option<String> {
        if let Some(iban) = &self.iban {
            return Some(format!("iban:{}", iban.reveal()));
        }
        let number = self.number.as_ref()?;
        let digits: String = number
            .reveal()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        Some(format!(
            "acct:{}:{}",
            self.bank_id.as_deref().unwrap_or(""),
            digits
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_numbers_mask_themselves_everywhere() {
        let n = AccountNumber::parse("0123 4567 89").unwrap();
        assert_eq!(n.to_string(), "****6789");
        assert_eq!(format!("{n:?}"), "AccountNumber(****6789)");
        assert_eq!(serde_json_string(&n), "\"****6789\"");
        assert_eq!(n.reveal(), "0123456789");
    }

    #[test]
    fn short_account_numbers_still_mask() {
        assert_eq!(AccountNumber::parse("12").unwrap().to_string(), "****12");
    }

    #[test]
    fn ibans_are_checked_and_masked() {
        let iban = Iban::parse("de89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(iban.reveal(), "DE89370400440532013000");
        assert_eq!(iban.to_string(), "DE89****3000");
        assert_eq!(iban.country(), "DE");
        assert!(Iban::parse("DE88370400440532013000").is_err());
        assert!(Iban::parse("GB82WEST12345698765432").is_ok());
        assert!(Iban::parse("not an iban").is_err());
    }

    fn serde_json_string<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }
}
