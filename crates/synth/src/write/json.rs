//! The five aggregator JSON formats, written the way each provider writes them: Mono and Okra
//! newest first, Mono in minor units, Dojah with amounts as strings, Periculum and MyBankStatement
//! with a leading "Opening Balance" row and en-US `M/D/YYYY` dates where the provider uses them.
//!
//! Text is escaped by serde_json; amounts are written from their exact decimal text (JSON number
//! literals or strings as the provider does), never through a float.
//!
//! What the formats cannot carry, and what we do instead so that every statement reads back
//! exactly:
//! * Periculum, Mono and Dojah have no currency field (Mono's v1 had one per row, which we keep).
//!   We write the statement currency anyway — `currency` at the root (Periculum), on each row
//!   (Mono), in `entity` (Dojah) — because the readers otherwise assume naira (or nothing, for
//!   Periculum), and a JPY or KWD statement must not come back as naira.
//! * Mono's minor units follow that currency's exponent: 1 234 means ₦12.34, ¥1 234 or
//!   KWD 1.234. An amount with more decimals than the currency has is written with a fraction of
//!   a minor unit rather than rounded.
//! * Balances are always written when the statement has them; a missing one is `null` (or `""`
//!   where the provider uses strings).

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::{AccountKind, Amount, Statement, Transaction};

use super::OutputFormat;

/// Writes an aggregator JSON document.
pub fn write(format: OutputFormat, statement: &Statement) -> Vec<u8> {
    let text = match format {
        OutputFormat::Periculum => periculum(statement),
        OutputFormat::Mono => mono(statement),
        OutputFormat::Okra => okra(statement),
        OutputFormat::Dojah => dojah(statement),
        OutputFormat::MyBankStatement => mybankstatement(statement),
        _ => String::new(),
    };
    text.into_bytes()
}

/// A JSON string literal.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

fn quoted_or_null(text: Option<&str>) -> String {
    text.map_or_else(|| "null".to_owned(), quoted)
}

/// An exact amount as a JSON number literal (its decimal text is one: no exponent, no "+").
fn number(amount: Amount) -> String {
    amount.to_string()
}

fn number_or_null(amount: Option<Amount>) -> String {
    amount.map_or_else(|| "null".to_owned(), number)
}

/// An amount in minor units of a currency with `exponent` decimals, shifting the decimal point
/// in the text so nothing is rounded.
fn minor_units(amount: Amount, exponent: u32) -> String {
    if let Some(minor) = amount.to_minor(exponent) {
        return minor.to_string();
    }
    let text = amount.to_string();
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let shift = usize::try_from(exponent).unwrap_or(0).min(frac.len());
    let (moved, rest) = frac.split_at(shift);
    let whole = format!("{int}{moved}");
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if rest.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{rest}")
    }
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn timestamp(date: NaiveDate) -> String {
    format!("{}T00:00:00.000Z", iso(date))
}

fn us_date(date: NaiveDate) -> String {
    format!("{}/{}/{}", date.month(), date.day(), date.year())
}

fn kind(t: &Transaction) -> &'static str {
    if t.amount.is_negative() {
        "debit"
    } else {
        "credit"
    }
}

fn account_number(statement: &Statement) -> Option<&str> {
    statement.account.number.as_ref().map(|n| n.reveal())
}

fn account_type(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Savings => "SAVINGS",
        AccountKind::Checking => "CURRENT",
        AccountKind::CreditCard => "CREDIT CARD",
        AccountKind::Loan => "LOAN",
        AccountKind::Wallet => "WALLET",
        AccountKind::Investment | AccountKind::Unknown => "",
    }
}

/// First and last day: the stated period, else the span of the rows.
fn period(statement: &Statement) -> Option<(NaiveDate, NaiveDate)> {
    statement
        .period
        .or_else(|| statement.transaction_span())
        .map(|p| (p.start, p.end))
}

fn statement_name(statement: &Statement) -> String {
    match period(statement) {
        Some((start, end)) => format!("Statement {} to {}", iso(start), iso(end)),
        None => "Statement".to_owned(),
    }
}

/// Periculum: `{"statementName", ..., "transactions": [{date, description, balance, amount, type}]}`.
fn periculum(statement: &Statement) -> String {
    let mut rows = Vec::with_capacity(statement.transactions.len() + 1);
    let row = |date: NaiveDate,
               description: &str,
               balance: Option<Amount>,
               amount: Amount,
               kind: &str| {
        format!(
            "    {{\n      \"date\": {},\n      \"description\": {},\n      \"balance\": {},\n      \"amount\": {},\n      \"type\": {}\n    }}",
            quoted(&iso(date)),
            quoted(description),
            number_or_null(balance),
            number(amount.abs()),
            quoted(kind)
        )
    };
    if let (Some(opening), Some((start, _))) = (statement.opening_balance, period(statement)) {
        rows.push(row(
            start,
            "Opening Balance",
            Some(opening),
            Amount::ZERO.with_min_scale(statement.currency.minor_units()),
            "Credit",
        ));
    }
    for t in &statement.transactions {
        let kind = if t.amount.is_negative() {
            "Debit"
        } else {
            "Credit"
        };
        rows.push(row(t.date, &t.description, t.balance, t.amount, kind));
    }
    let account = &statement.account;
    format!(
        "{{\n  \"statementName\": {},\n  \"clientFullName\": {},\n  \"bankName\": {},\n  \"accountType\": {},\n  \"accountName\": {},\n  \"accountNumber\": {},\n  \"currency\": {},\n  \"transactions\": [\n{}\n  ]\n}}\n",
        quoted(&statement_name(statement)),
        quoted_or_null(account.holder.as_deref()),
        quoted_or_null(account.bank.as_deref()),
        quoted(account_type(account.kind)),
        quoted_or_null(account.holder.as_deref()),
        quoted_or_null(account_number(statement)),
        quoted(statement.currency.code()),
        rows.join(",\n")
    )
}

/// Mono v2: `{"status", "message", "data": [...newest first...], "meta"}`, amounts in minor units.
fn mono(statement: &Statement) -> String {
    let exponent = statement.currency.minor_units();
    let currency = quoted(statement.currency.code());
    let rows: Vec<String> = statement
        .transactions
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| {
            let id = t.reference.clone().unwrap_or_else(|| format!("{:024x}", i + 1));
            let category = t.bank_code.as_deref().map(|c| format!(",\n      \"category\": {}", quoted(c))).unwrap_or_default();
            format!(
                "    {{\n      \"id\": {},\n      \"narration\": {},\n      \"amount\": {},\n      \"type\": \"{}\",\n      \"balance\": {},\n      \"date\": {},\n      \"currency\": {}{}\n    }}",
                quoted(&id),
                quoted(&t.description),
                minor_units(t.amount.abs(), exponent),
                kind(t),
                t.balance.map_or_else(|| "null".to_owned(), |b| minor_units(b, exponent)),
                quoted(&timestamp(t.date)),
                currency,
                category
            )
        })
        .collect();
    format!(
        "{{\n  \"status\": \"successful\",\n  \"message\": \"Transaction retrieved successfully\",\n  \"data\": [\n{}\n  ],\n  \"meta\": {{\n    \"total\": {},\n    \"page\": 1,\n    \"previous\": null,\n    \"next\": null\n  }}\n}}\n",
        rows.join(",\n"),
        statement.transactions.len()
    )
}

/// Okra: `{"status", "message", "data": {"pagination", "transaction": [...newest first...]}}`.
fn okra(statement: &Statement) -> String {
    let account = &statement.account;
    let bank = quoted_or_null(account.bank.as_deref());
    let holder = quoted_or_null(account.holder.as_deref());
    let nuban = quoted_or_null(account_number(statement));
    let currency = quoted(statement.currency.code());
    let rows: Vec<String> = statement
        .transactions
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| {
            let id = quoted(&format!("{:024x}", i + 1));
            let cleared = t.value_date.unwrap_or(t.date);
            let (debit, credit) = if t.amount.is_negative() {
                (number(t.amount.abs()), "null".to_owned())
            } else {
                ("null".to_owned(), number(t.amount))
            };
            format!(
                "      {{\n        \"_id\": {id},\n        \"bank\": {{\"name\": {bank}}},\n        \"cleared_date\": {},\n        \"credit\": {credit},\n        \"customer\": {{\"name\": {holder}}},\n        \"debit\": {debit},\n        \"notes\": {{\"desc\": {}, \"topics\": [], \"places\": [], \"people\": []}},\n        \"ref\": {},\n        \"trans_date\": {},\n        \"account\": {{\"nuban\": {nuban}, \"name\": {holder}}},\n        \"balance\": {},\n        \"currency\": {currency},\n        \"unformatted_cleared_date\": {},\n        \"unformatted_trans_date\": {},\n        \"id\": {id}\n      }}",
                quoted(&timestamp(cleared)),
                quoted(&t.description),
                quoted_or_null(t.reference.as_deref()),
                quoted(&timestamp(t.date)),
                number_or_null(t.balance),
                quoted(&cleared.format("%d-%m-%Y").to_string()),
                quoted(&t.date.format("%d-%m-%Y").to_string()),
            )
        })
        .collect();
    let n = statement.transactions.len();
    format!(
        "{{\n  \"status\": \"success\",\n  \"message\": \"Transactions retrieved successfully\",\n  \"data\": {{\n    \"pagination\": {{\"totalDocs\": {n}, \"limit\": {n}, \"hasPrevPage\": false, \"hasNextPage\": false, \"page\": 1, \"totalPages\": 1, \"pagingCounter\": 1}},\n    \"transaction\": [\n{}\n    ]\n  }}\n}}\n",
        rows.join(",\n")
    )
}

/// Dojah: `{"statementName", "entity": {"transactions": [...], "total", ...}}`, amounts as strings.
fn dojah(statement: &Statement) -> String {
    let bank = quoted(statement.account.bank.as_deref().unwrap_or(""));
    let rows: Vec<String> = statement
        .transactions
        .iter()
        .map(|t| {
            format!(
                "            {{\n                \"transaction_date\": {},\n                \"value_date\": {},\n                \"trans_type\": \"{}\",\n                \"bank_name\": {bank},\n                \"amount\": {},\n                \"available_balance\": {},\n                \"reference\": {},\n                \"narration\": {}\n            }}",
                quoted(&iso(t.date)),
                quoted(&iso(t.value_date.unwrap_or(t.date))),
                kind(t),
                quoted(&t.amount.abs().to_string()),
                quoted(&t.balance.map(|b| b.to_string()).unwrap_or_default()),
                quoted(t.reference.as_deref().unwrap_or("")),
                quoted(&t.description),
            )
        })
        .collect();
    format!(
        "{{\n    \"statementName\": {},\n    \"entity\": {{\n        \"transactions\": [\n{}\n        ],\n        \"total\": {},\n        \"previous_page\": \"\",\n        \"next_page\": \"\",\n        \"total_pages\": 1,\n        \"current_page\": 1,\n        \"currency\": {}\n    }}\n}}\n",
        quoted(&statement_name(statement)),
        rows.join(",\n"),
        statement.transactions.len(),
        quoted(statement.currency.code())
    )
}

/// MyBankStatement inside Periculum's envelope: `{"bankStatement": {"mbs": {"jsonData": {...},
/// "bank"}}}`, with en-US dates and credit/debit columns.
fn mybankstatement(statement: &Statement) -> String {
    let zero = Amount::ZERO.with_min_scale(statement.currency.minor_units());
    let mut rows = Vec::with_capacity(statement.transactions.len() + 1);
    let row = |date: NaiveDate,
               value_date: NaiveDate,
               narration: &str,
               credit: Amount,
               debit: Amount,
               balance: Option<Amount>| {
        format!(
            "                    {{\n                        \"PTransactionDate\": {},\n                        \"PValueDate\": {},\n                        \"PNarration\": {},\n                        \"PCredit\": {},\n                        \"PDebit\": {},\n                        \"PBalance\": {}\n                    }}",
            quoted(&us_date(date)),
            quoted(&us_date(value_date)),
            quoted(narration),
            number(credit),
            number(debit),
            number_or_null(balance)
        )
    };
    let span = period(statement);
    if let (Some(opening), Some((start, _))) = (statement.opening_balance, span) {
        rows.push(row(
            start,
            start,
            "OPB Opening Balance",
            zero,
            zero,
            Some(opening),
        ));
    }
    let (mut credits, mut debits) = (Vec::new(), Vec::new());
    for t in &statement.transactions {
        let (credit, debit) = if t.amount.is_negative() {
            (zero, t.amount.abs())
        } else {
            (t.amount, zero)
        };
        if t.amount.is_negative() {
            debits.push(debit);
        } else if !t.amount.is_zero() {
            credits.push(credit);
        }
        rows.push(row(
            t.date,
            t.value_date.unwrap_or(t.date),
            &t.description,
            credit,
            debit,
            t.balance,
        ));
    }
    let total = |items: Vec<Amount>| {
        Amount::checked_sum(items)
            .map(|a| a.to_string())
            .unwrap_or_default()
    };
    let balance_text = |b: Option<Amount>| b.map(|b| b.to_string()).unwrap_or_default();
    let account = &statement.account;
    let period_text = span
        .map(|(start, end)| {
            format!(
                "{} 12:00:00 AM to {} 12:00:00 AM",
                us_date(start),
                us_date(end)
            )
        })
        .unwrap_or_default();
    let holder = account.holder.as_deref().unwrap_or("");
    format!(
        "{{\n    \"bankStatement\": {{\n        \"mbs\": {{\n            \"jsonData\": {{\n                \"statementName\": {},\n                \"status\": \"success\",\n                \"Name\": {},\n                \"Nuban\": {},\n                \"AccountCategory\": \"IND\",\n                \"AccountType\": {},\n                \"AvailableBal\": {},\n                \"BookBal\": {},\n                \"TotalCredit\": {},\n                \"TotalDebit\": {},\n                \"Period\": {},\n                \"Currency\": {},\n                \"Applicants\": {},\n                \"Signatories\": [],\n                \"Details\": [\n{}\n                ]\n            }},\n            \"bank\": {}\n        }}\n    }}\n}}\n",
        quoted(&statement_name(statement)),
        quoted(holder),
        quoted(account_number(statement).unwrap_or("")),
        quoted(account_type(account.kind)),
        quoted(&balance_text(
            statement.available_balance.or(statement.closing_balance)
        )),
        quoted(&balance_text(statement.closing_balance)),
        quoted(&total(credits)),
        quoted(&total(debits)),
        quoted(&period_text),
        quoted(statement.currency.code()),
        quoted(holder),
        rows.join(",\n"),
        quoted(account.bank.as_deref().unwrap_or("")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_shift_the_decimal_point_without_rounding() {
        let a = |t: &str| Amount::parse(t).unwrap();
        assert_eq!(minor_units(a("1470.85"), 2), "147085");
        assert_eq!(minor_units(a("-5"), 0), "-5");
        assert_eq!(minor_units(a("1.234"), 3), "1234");
        assert_eq!(minor_units(a("0.125"), 2), "12.5");
        assert_eq!(minor_units(a("-0.00125"), 2), "-0.125");
    }

    #[test]
    fn strings_are_escaped_by_serde_json() {
        assert_eq!(quoted("a\"b\\c\td"), r#""a\"b\\c\td""#);
    }
}
