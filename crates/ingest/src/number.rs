//! Amounts as banks print them, in any locale: "1.234,56", "1 234,56", "1'234.56", "(1,234.56)",
//! "1.234,56-", "₦12,500.00 CR", "-12.50", "+3", "USD 5.00".
//!
//! No crate does this (see STACK.md). The one real ambiguity is a single separator followed by three
//! digits ("1,234" or "1.234"): is it a thousands separator or a three-decimal fraction? One value
//! cannot tell; a whole column can. [`infer_decimal_mark`] decides for the column, and every value
//! is then parsed with that decision.

use ledgerlens_core::Amount;

/// Which character separates the fraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalMark {
    /// "1,234.56"
    Dot,
    /// "1.234,56"
    Comma,
}

/// Why a piece of text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnAmount(pub String);

impl std::fmt::Display for NotAnAmount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an amount: {:?}", self.0)
    }
}

/// Longest text we consider; a real amount is never longer.
const MAX_AMOUNT_CHARS: usize = 64;

const CURRENCY_SYMBOLS: &[&str] = &[
    "₦", "$", "€", "£", "¥", "₵", "₹", "₣", "R$", "CFA", "FCFA", "Fr.", "kr", "zł", "Ksh", "KSh",
    "GH₵",
];

/// Splits off sign markers and currency decorations; returns (negative?, bare number text).
fn strip_decorations(text: &str) -> Option<(bool, String)> {
    let trimmed = text.trim();
    let mut s = if trimmed.contains('\u{2212}') {
        trimmed.replace('\u{2212}', "-")
    } else {
        trimmed.to_owned()
    };
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') && s.len() >= 2 {
        negative = true;
        s = s.get(1..s.len() - 1)?.trim().to_owned();
    }
    // Credit/debit suffixes: "12.00 CR", "12.00DR", "12.00 Dr.", "12,00 D", "12,00 C" (French "C"/"D").
    let upper = s.to_ascii_uppercase();
    for (suffix, is_debit) in [
        ("DR.", true),
        ("CR.", false),
        ("DR", true),
        ("CR", false),
        (" D", true),
        (" C", false),
    ] {
        if upper.ends_with(suffix) && s.len() > suffix.len() {
            let cut = s.len() - suffix.len();
            if s.is_char_boundary(cut) {
                s = s.get(..cut)?.trim().to_owned();
                negative ^= is_debit;
                break;
            }
        }
    }
    // A sign written before the currency symbol: "-$5.00", "-₦ 1,000".
    if let Some(rest) = s.strip_prefix('-')
        && rest
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii_digit() && c != '.')
    {
        negative ^= true;
        s = rest.trim_start().to_owned();
    }
    loop {
        let before = s.len();
        for symbol in CURRENCY_SYMBOLS {
            if let Some(rest) = s.strip_prefix(symbol) {
                s = rest.trim_start().to_owned();
            }
            if let Some(rest) = s.strip_suffix(symbol) {
                s = rest.trim_end().to_owned();
            }
        }
        // Three-letter ISO codes before or after the number: "NGN 1,000.00", "1.000,00 EUR".
        if s.len() > 3 {
            let head = s.get(..3).unwrap_or_default();
            if head.bytes().all(|b| b.is_ascii_uppercase()) {
                s = s.get(3..).unwrap_or_default().trim_start().to_owned();
            }
        }
        if s.len() > 3 && s.is_char_boundary(s.len() - 3) {
            let tail = s.get(s.len() - 3..).unwrap_or_default();
            if tail.bytes().all(|b| b.is_ascii_uppercase()) {
                s = s
                    .get(..s.len() - 3)
                    .unwrap_or_default()
                    .trim_end()
                    .to_owned();
            }
        }
        if s.len() == before {
            break;
        }
    }
    if let Some(rest) = s.strip_prefix('-') {
        negative ^= true;
        s = rest.trim_start().to_owned();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.trim_start().to_owned();
    } else if let Some(rest) = s.strip_suffix('-') {
        // SAP and German exports: "1.234,56-".
        negative ^= true;
        s = rest.trim_end().to_owned();
    }
    // A sign inside the currency decoration: "$-5.00" / "-$5.00" both handled by the loop order.
    if let Some(rest) = s.strip_prefix('-') {
        negative ^= true;
        s = rest.to_owned();
    }
    Some((negative, s))
}

fn is_group_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’')
}

/// Decimal mark implied by a single value, when the value alone is decisive.
fn decisive_mark(bare: &str) -> Option<DecimalMark> {
    let last_dot = bare.rfind('.');
    let last_comma = bare.rfind(',');
    match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c {
            DecimalMark::Dot
        } else {
            DecimalMark::Comma
        }),
        (Some(p), None) | (None, Some(p)) => {
            let mark = if last_dot.is_some() {
                DecimalMark::Dot
            } else {
                DecimalMark::Comma
            };
            let sep = if mark == DecimalMark::Dot { '.' } else { ',' };
            let count = bare.matches(sep).count();
            let digits_after = bare
                .get(p + 1..)
                .map_or(0, |t| t.chars().filter(char::is_ascii_digit).count());
            if count > 1 {
                // Repeated: a thousands separator, so the other mark is the decimal one.
                Some(if mark == DecimalMark::Dot {
                    DecimalMark::Comma
                } else {
                    DecimalMark::Dot
                })
            } else if digits_after == 3 {
                None
            } else {
                Some(mark)
            }
        }
        (None, None) => None,
    }
}

/// The decimal mark a single value proves on its own ("1.234,56" proves a comma), or `None` when
/// the value is ambiguous ("1,234") or has no separator. Callers use it to tell a column that
/// decided from one that merely defaulted.
pub fn decisive_decimal_mark(text: &str) -> Option<DecimalMark> {
    strip_decorations(text).and_then(|(_, bare)| decisive_mark(&bare))
}

/// Decides the decimal mark of a column from all its values. Values that are decisive on their own
/// vote; if none is, a dot is assumed (the common case for exports that print "1,234" only when
/// the thousands separator is a comma).
pub fn infer_decimal_mark<'a, I: IntoIterator<Item = &'a str>>(values: I) -> DecimalMark {
    let (mut dot, mut comma) = (0usize, 0usize);
    for value in values {
        if let Some((_, bare)) = strip_decorations(value) {
            match decisive_mark(&bare) {
                Some(DecimalMark::Dot) => dot += 1,
                Some(DecimalMark::Comma) => comma += 1,
                None => {}
            }
        }
    }
    if comma > dot {
        DecimalMark::Comma
    } else {
        DecimalMark::Dot
    }
}

/// Parses one amount. With `mark` = `None` the value decides for itself (dot when ambiguous).
pub fn parse_amount(text: &str, mark: Option<DecimalMark>) -> Result<Amount, NotAnAmount> {
    let fail = || NotAnAmount(text.chars().take(MAX_AMOUNT_CHARS).collect());
    if text.len() > MAX_AMOUNT_CHARS * 4 {
        return Err(fail());
    }
    let (negative, bare) = strip_decorations(text).ok_or_else(fail)?;
    let mark = mark
        .or_else(|| decisive_mark(&bare))
        .unwrap_or(DecimalMark::Dot);
    let (decimal, group) = match mark {
        DecimalMark::Dot => ('.', ','),
        DecimalMark::Comma => (',', '.'),
    };
    let mut canonical = String::with_capacity(bare.len() + 1);
    if negative {
        canonical.push('-');
    }
    let mut seen_decimal = false;
    let mut digits = 0;
    for c in bare.chars() {
        if c.is_ascii_digit() {
            canonical.push(c);
            digits += 1;
        } else if c == decimal && !seen_decimal {
            canonical.push('.');
            seen_decimal = true;
        } else if (c == group || is_group_separator(c)) && !seen_decimal && digits > 0 {
            continue;
        } else {
            return Err(fail());
        }
    }
    if digits == 0 {
        return Err(fail());
    }
    if canonical.ends_with('.') {
        canonical.pop();
    }
    if canonical.starts_with('.') || canonical.starts_with("-.") {
        canonical = canonical.replacen('.', "0.", 1);
    }
    Amount::parse(&canonical).map_err(|_| fail())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, mark: Option<DecimalMark>) -> String {
        parse_amount(text, mark)
            .map(|a| a.to_string())
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn every_locale_form_reads_exactly() {
        let cases = [
            ("1,234.56", "1234.56"),
            ("1.234,56", "1234.56"),
            ("1 234,56", "1234.56"),
            ("1\u{a0}234,56", "1234.56"),
            ("1'234.56", "1234.56"),
            ("(1,234.56)", "-1234.56"),
            ("1.234,56-", "-1234.56"),
            ("-12.50", "-12.50"),
            ("+3", "3"),
            ("₦12,500.00 CR", "12500.00"),
            ("12,500.00 DR", "-12500.00"),
            ("12.00Dr", "-12.00"),
            ("USD 5.00", "5.00"),
            ("5,00 EUR", "5.00"),
            ("−7,5", "-7.5"),
            ("$-5.00", "-5.00"),
            ("-$5.00", "-5.00"),
            ("0", "0"),
            (".5", "0.5"),
            ("12,34 D", "-12.34"),
            ("1,00,000.00", "100000.00"),
        ];
        for (input, want) in cases {
            assert_eq!(p(input, None), want, "{input}");
        }
    }

    #[test]
    fn a_lone_three_digit_group_follows_the_column_decision() {
        assert_eq!(p("1,234", Some(DecimalMark::Dot)), "1234");
        assert_eq!(p("1,234", Some(DecimalMark::Comma)), "1.234");
        assert_eq!(p("1.234", Some(DecimalMark::Comma)), "1234");
    }

    #[test]
    fn the_column_decides_the_mark_from_decisive_values() {
        assert_eq!(
            infer_decimal_mark(["1.234", "12,50", "3,00"]),
            DecimalMark::Comma
        );
        assert_eq!(infer_decimal_mark(["1,234", "12.50"]), DecimalMark::Dot);
        assert_eq!(infer_decimal_mark(["1,234"]), DecimalMark::Dot);
    }

    #[test]
    fn only_unambiguous_values_prove_a_decimal_mark() {
        assert_eq!(decisive_decimal_mark("1.234,56"), Some(DecimalMark::Comma));
        assert_eq!(decisive_decimal_mark("-$7,971.39"), Some(DecimalMark::Dot));
        assert_eq!(decisive_decimal_mark("1,234"), None);
        assert_eq!(decisive_decimal_mark("2500"), None);
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in ["", "abc", "1.2.3,4,5x", "12-34", "--", "()", "1e5", "١٢٣"] {
            assert!(parse_amount(bad, None).is_err(), "{bad:?}");
        }
    }
}
