//! ISO-4217 currencies.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::CoreError;

/// Active ISO-4217 alphabetic codes and their minor-unit exponents, as "CODE:exp" pairs.
///
/// Kept as data rather than an enum so adding a code is a one-line change. `XXX` ("no currency")
/// is included because some exports genuinely carry none; it is treated as two decimals.
const ISO_4217: &str = "AED:2 AFN:2 ALL:2 AMD:2 ANG:2 AOA:2 ARS:2 AUD:2 AWG:2 AZN:2 BAM:2 BBD:2 BDT:2 \
BGN:2 BHD:3 BIF:0 BMD:2 BND:2 BOB:2 BRL:2 BSD:2 BTN:2 BWP:2 BYN:2 BZD:2 CAD:2 CDF:2 CHF:2 CLP:0 \
CNY:2 COP:2 CRC:2 CUP:2 CVE:2 CZK:2 DJF:0 DKK:2 DOP:2 DZD:2 EGP:2 ERN:2 ETB:2 EUR:2 FJD:2 FKP:2 \
GBP:2 GEL:2 GHS:2 GIP:2 GMD:2 GNF:0 GTQ:2 GYD:2 HKD:2 HNL:2 HTG:2 HUF:2 IDR:2 ILS:2 INR:2 IQD:3 \
IRR:2 ISK:0 JMD:2 JOD:3 JPY:0 KES:2 KGS:2 KHR:2 KMF:0 KPW:2 KRW:0 KWD:3 KYD:2 KZT:2 LAK:2 LBP:2 \
LKR:2 LRD:2 LSL:2 LYD:3 MAD:2 MDL:2 MGA:2 MKD:2 MMK:2 MNT:2 MOP:2 MRU:2 MUR:2 MVR:2 MWK:2 MXN:2 \
MYR:2 MZN:2 NAD:2 NGN:2 NIO:2 NOK:2 NPR:2 NZD:2 OMR:3 PAB:2 PEN:2 PGK:2 PHP:2 PKR:2 PLN:2 PYG:0 \
QAR:2 RON:2 RSD:2 RUB:2 RWF:0 SAR:2 SBD:2 SCR:2 SDG:2 SEK:2 SGD:2 SHP:2 SLE:2 SOS:2 SRD:2 SSP:2 \
STN:2 SVC:2 SYP:2 SZL:2 THB:2 TJS:2 TMT:2 TND:3 TOP:2 TRY:2 TTD:2 TWD:2 TZS:2 UAH:2 UGX:0 USD:2 \
UYU:2 UZS:2 VES:2 VND:0 VUV:0 WST:2 XAF:0 XCD:2 XOF:0 XPF:0 XXX:2 YER:2 ZAR:2 ZMW:2 ZWL:2";

/// An ISO-4217 currency code that is known to exist. The only way to get one is [`Currency::parse`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

impl Currency {
    /// Parses a code case-insensitively ("ngn" → NGN). Symbols such as "₦" or "€" are not codes;
    /// ingestion maps those before calling this.
    pub fn parse(text: &str) -> Result<Self, CoreError> {
        let upper = text.trim().to_ascii_uppercase();
        if upper.len() != 3 || !upper.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(CoreError::UnknownCurrency(text.chars().take(12).collect()));
        }
        ISO_4217
            .split_ascii_whitespace()
            .find_map(|entry| {
                let (code, exp) = entry.split_once(':')?;
                (code == upper).then(|| exp.parse::<u8>().ok()).flatten()
            })
            .and_then(|exponent| {
                let bytes = upper.as_bytes();
                Some(Currency { code: [*bytes.first()?, *bytes.get(1)?, *bytes.get(2)?], exponent })
            })
            .ok_or_else(|| CoreError::UnknownCurrency(text.chars().take(12).collect()))
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of decimals of the minor unit (2 for NGN, 0 for JPY and XOF, 3 for KWD).
    pub fn minor_units(&self) -> u32 {
        u32::from(self.exponent)
    }

    /// The "no currency" code, for sources that state none and callers that give no default.
    pub fn unknown() -> Self {
        Currency { code: *b"XXX", exponent: 2 }
    }

    /// True for the "no currency" placeholder.
    pub fn is_unknown(&self) -> bool {
        &self.code == b"XXX"
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Currency::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_parse_with_their_minor_units() {
        assert_eq!(Currency::parse("ngn").unwrap().minor_units(), 2);
        assert_eq!(Currency::parse("XOF").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse(" EUR ").unwrap().code(), "EUR");
    }

    #[test]
    fn unknown_or_malformed_codes_are_rejected() {
        for bad in ["", "EU", "EURO", "ABC", "€", "12A", "ÉUR"] {
            assert!(Currency::parse(bad).is_err(), "{bad:?}");
        }
    }
}
