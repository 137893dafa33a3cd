//! OFX leaf values: datetimes, amounts, account types, and the NAME + MEMO description rule.

use chrono::NaiveDate;
use ledgerlens_core::{AccountKind, Amount};

use crate::dates::{DateOrder, parse_date};
use crate::number::parse_amount;

/// Reads an OFX datetime `YYYYMMDD[HHMMSS[.XXX]][[+-]hh[:mm] TZ]` as the calendar date written.
///
/// The time and the `[-5:EST]` zone are deliberately ignored rather than used to shift the date to
/// UTC: a statement lists the day the bank booked a movement in its own books, and converting
/// "20240131000000[-5:EST]" to 1 February would move it into the next month's cash flow. Files
/// that write a dashed ISO date instead are accepted too. Empty or impossible dates
/// ("00000000", 31 February) give `None`.
pub fn ofx_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits >= 8 {
        let year = text.get(..4)?.parse().ok()?;
        let month = text.get(4..6)?.parse().ok()?;
        let day = text.get(6..8)?.parse().ok()?;
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    if digits == 4 && text.get(4..5) == Some("-") {
        return parse_date(text, DateOrder::YearFirst);
    }
    None
}

/// Reads an OFX amount. The specification allows either `.` or `,` as the decimal mark and no
/// grouping, so a lone comma is a decimal comma ("-12,50"); anything fancier ("1.234,56",
/// "$120") goes through the locale-tolerant parser.
pub fn ofx_amount(text: &str) -> Option<Amount> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let unsigned = compact.strip_prefix('+').unwrap_or(&compact);
    let separators = unsigned
        .bytes()
        .filter(|b| matches!(b, b'.' | b','))
        .count();
    if separators <= 1 {
        let dotted = unsigned.replace(',', ".");
        let dotted = dotted.strip_suffix('.').unwrap_or(&dotted);
        let canonical = match dotted.strip_prefix('.') {
            Some(rest) => format!("0.{rest}"),
            None => dotted.replacen("-.", "-0.", 1),
        };
        if let Ok(amount) = Amount::parse(&canonical) {
            return Some(amount);
        }
    }
    parse_amount(text, None).ok()
}

/// An amount with more decimals than ledgerlens carries (some generators write
/// "-995.4190396554627"), rounded to the eight decimals [`Amount`] allows. Callers warn: this is
/// the one place a value read is not the value written.
pub fn ofx_amount_rounded(text: &str) -> Option<Amount> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let canonical = compact
        .strip_prefix('+')
        .unwrap_or(&compact)
        .replace(',', ".");
    let value = rust_decimal::Decimal::from_str_exact(&canonical).ok()?;
    Amount::from_decimal(value.round_dp(8)).ok()
}

/// Maps ACCTTYPE (OFX words, or the digits of Microsoft OFC files) to an account kind.
pub fn account_kind(accttype: &str) -> AccountKind {
    match accttype.trim().to_ascii_uppercase().as_str() {
        "CHECKING" | "0" => AccountKind::Checking,
        "SAVINGS" | "CD" | "1" => AccountKind::Savings,
        "CREDITCARD" | "2" => AccountKind::CreditCard,
        "MONEYMRKT" | "3" => AccountKind::Investment,
        "CREDITLINE" | "LOAN" | "4" => AccountKind::Loan,
        _ => AccountKind::Unknown,
    }
}

/// Collapses runs of whitespace (including no-break spaces) to single spaces.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Joins NAME and MEMO into one description.
///
/// Banks use the two fields inconsistently: NAME is capped at 32 characters, so many put a
/// truncated payee in NAME and the full text in MEMO; others repeat NAME in MEMO, or put unrelated
/// detail there. The rule, applied to whitespace-collapsed text, is deterministic:
/// - one of them empty: the other;
/// - the same text (case-insensitively): NAME;
/// - MEMO contains NAME (case-insensitively): MEMO alone, as it says everything NAME says;
/// - NAME contains MEMO: NAME alone;
/// - otherwise: `NAME - MEMO`.
///
/// The OFX writer relies on the second case to carry descriptions longer than 32 characters
/// exactly: NAME gets a prefix, MEMO the full text.
pub fn join_name_memo(name: &str, memo: &str) -> String {
    let (name, memo) = (collapse(name), collapse(memo));
    if name.is_empty() {
        return memo;
    }
    if memo.is_empty() {
        return name;
    }
    let (lower_name, lower_memo) = (name.to_lowercase(), memo.to_lowercase());
    if lower_memo == lower_name {
        name
    } else if lower_memo.contains(&lower_name) {
        memo
    } else if lower_name.contains(&lower_memo) {
        name
    } else {
        format!("{name} - {memo}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn datetimes_keep_the_calendar_date_written_whatever_the_zone() {
        assert_eq!(ofx_date("20240131"), Some(d(2024, 1, 31)));
        assert_eq!(ofx_date("20240131233000.000[-5:EST]"), Some(d(2024, 1, 31)));
        assert_eq!(ofx_date("20240131000000[+9:JST]"), Some(d(2024, 1, 31)));
        assert_eq!(ofx_date("20180804093914:014"), Some(d(2018, 8, 4)));
        assert_eq!(ofx_date("2024-01-31"), Some(d(2024, 1, 31)));
        for bad in [
            "",
            "00000000000000",
            "20120231",
            "201120000000",
            "2024",
            "abc",
        ] {
            assert_eq!(ofx_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts_accept_a_decimal_comma_and_no_grouping() {
        for (text, want) in [
            ("-12,50", "-12.50"),
            ("200,29", "200.29"),
            ("+3.5", "3.5"),
            ("1,234", "1.234"),
            (" -0.01 ", "-0.01"),
            (".5", "0.5"),
            ("-.5", "-0.5"),
            ("12.", "12"),
            ("$120", "120"),
            ("1.234,56", "1234.56"),
        ] {
            assert_eq!(
                ofx_amount(text).map(|a| a.to_string()),
                Some(want.to_owned()),
                "{text}"
            );
        }
        for bad in ["", "abc", "12-34"] {
            assert_eq!(ofx_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts_beyond_eight_decimals_are_only_read_when_rounding_is_asked_for() {
        assert_eq!(ofx_amount("-995.4190396554627"), None);
        assert_eq!(
            ofx_amount_rounded("-995.4190396554627").map(|a| a.to_string()),
            Some("-995.41903966".to_owned())
        );
    }

    #[test]
    fn memo_is_appended_only_when_it_adds_information() {
        assert_eq!(join_name_memo("SHOP", ""), "SHOP");
        assert_eq!(join_name_memo("", "  memo  text "), "memo text");
        assert_eq!(
            join_name_memo("EFTPOS WDL ALDI", "EFTPOS WDL ALDI   GEELONG"),
            "EFTPOS WDL ALDI GEELONG"
        );
        assert_eq!(
            join_name_memo("Check Paid #1001", "check paid #1001"),
            "Check Paid #1001"
        );
        assert_eq!(
            join_name_memo("DEPOSIT", "automatic deposit"),
            "automatic deposit"
        );
        assert_eq!(
            join_name_memo("Cheque", "Transfer from checking"),
            "Cheque - Transfer from checking"
        );
    }

    #[test]
    fn account_types_map_to_kinds() {
        assert_eq!(account_kind("checking"), AccountKind::Checking);
        assert_eq!(account_kind("CREDITLINE"), AccountKind::Loan);
        assert_eq!(account_kind("1"), AccountKind::Savings);
        assert_eq!(account_kind(""), AccountKind::Unknown);
    }
}
