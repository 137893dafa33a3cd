//! How figures are printed: money as exact decimals, ratios as percentages, codes as words.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Money as a credit officer reads it ([`ledgerlens_core::money::grouped`]): one formatter for
/// the report, the scores' reasons and the CLI.
pub fn money(value: Decimal) -> String {
    ledgerlens_core::money::grouped(value)
}

/// Money from the analysis' decimal string; text that is not a decimal is shown as it is.
pub fn money_text(raw: &str) -> String {
    match Decimal::from_str(raw.trim()) {
        Ok(value) => money(value),
        Err(_) => raw.to_owned(),
    }
}

/// A 0–1 ratio as a percentage with one decimal.
pub fn percent(ratio: f64) -> String {
    if ratio.is_finite() {
        format!("{:.1}%", ratio * 100.0)
    } else {
        "–".to_owned()
    }
}

/// `1 Jan 2024`: unambiguous in every locale, unlike 01/02/2024.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// An ISO date string from the analysis as `1 Jan 2024`, or as given when it is not a date.
pub fn long_date_text(raw: &str) -> String {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(long_date)
        .unwrap_or_else(|_| raw.to_owned())
}

/// `2024-03` as `Mar 2024`.
pub fn month_label(raw: &str) -> String {
    NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d")
        .map(|d| d.format("%b %Y").to_string())
        .unwrap_or_else(|_| raw.to_owned())
}

/// `BUSINESS_EXPENSES_SUPPLIERS` as `Business expenses suppliers`; an enum code as words.
pub fn humanize(code: &str) -> String {
    let lower = code.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A detailed category as a short label: the part after its primary ("Airtime and data" for
/// `RENT_AND_UTILITIES_AIRTIME_AND_DATA`). The section or the amount's sign already says the
/// primary, and the whole code humanised did not fit a table column.
pub fn category_label(code: &str) -> String {
    match ledgerlens_core::Category::parse(code) {
        Some(category) => {
            let primary = category.primary().code();
            let detailed = category.code();
            let rest = detailed
                .strip_prefix(primary)
                .and_then(|rest| rest.strip_prefix('_'))
                .filter(|rest| !rest.is_empty())
                .unwrap_or(detailed);
            humanize(rest)
                .split(' ')
                .map(|word| match word.to_ascii_lowercase().as_str() {
                    "sms" | "atm" | "pos" | "ussd" | "tv" | "vat" | "bnpl" => {
                        word.to_ascii_uppercase()
                    }
                    _ => word.to_owned(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
        None => humanize(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_label_drops_its_primary() {
        assert_eq!(
            category_label("RENT_AND_UTILITIES_AIRTIME_AND_DATA"),
            "Airtime and data"
        );
        assert_eq!(category_label("INCOME_WAGES"), "Wages");
        assert_eq!(category_label("BANK_FEES_SMS_ALERTS"), "SMS alerts");
        assert_eq!(
            category_label("TRANSFER_OUT_OTHER_TRANSFER_OUT"),
            "Other transfer out"
        );
        assert_eq!(category_label("OTHER_UNCATEGORIZED"), "Uncategorized");
        assert_eq!(category_label("NOT_A_CODE"), "Not a code");
    }

    #[test]
    fn money_is_grouped_exact_and_cents_rounded_only_past_two_decimals() {
        assert_eq!(money_text("155916.60"), "155,916.60");
        assert_eq!(money_text("-1234567.5"), "-1,234,567.50");
        assert_eq!(money_text("0"), "0.00");
        assert_eq!(money_text("999"), "999.00");
        assert_eq!(money_text("20450.58796703"), "20,450.59");
        assert_eq!(money_text("-0.005"), "-0.01");
        assert_eq!(money_text("12.345"), "12.35");
        assert_eq!(money_text("n/a"), "n/a");
        assert_eq!(money_text("100000"), "100,000.00");
    }

    #[test]
    fn dates_months_and_codes_read_as_words() {
        let date = NaiveDate::from_ymd_opt(2024, 1, 5).unwrap();
        assert_eq!(long_date(date), "5 Jan 2024");
        assert_eq!(month_label("2024-03"), "Mar 2024");
        assert_eq!(humanize("BUSINESS_EXPENSES"), "Business expenses");
        assert_eq!(percent(0.5061), "50.6%");
    }
}
