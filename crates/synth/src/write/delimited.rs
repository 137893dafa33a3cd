//! Delimited exports in the dialects of [`CsvDialect`], written the way the banks that use them do.
//!
//! Every dialect names the currency somewhere (a column, or the German preamble) so that a reader
//! can give the statement its currency. The French dialect is Windows-1252: a character that code
//! page lacks is written as an HTML numeric reference by `encoding_rs` (as Windows exporters do),
//! which no generated description contains.

use chrono::NaiveDate;
use encoding_rs::WINDOWS_1252;
use ledgerlens_core::{Amount, Statement, Transaction};

use super::CsvDialect;

/// Quotes a field when it holds the delimiter, a quote, a line break or edge whitespace.
fn field(text: &str, delimiter: char) -> String {
    let needs = text.contains(delimiter)
        || text.contains('"')
        || text.contains('\n')
        || text.contains('\r')
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace);
    if needs {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn line(cells: &[String], delimiter: char) -> String {
    let mut out = cells
        .iter()
        .map(|c| field(c, delimiter))
        .collect::<Vec<_>>()
        .join(&delimiter.to_string());
    out.push_str("\r\n");
    out
}

/// "1234567.5" → "1.234.567,5": thousands dots and a decimal comma.
fn german(amount: Amount) -> String {
    let text = amount.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int_part, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

fn comma_decimal(amount: Amount) -> String {
    amount.to_string().replace('.', ",")
}

fn parenthesised(amount: Amount) -> String {
    if amount.is_negative() {
        format!("({})", amount.abs())
    } else {
        amount.to_string()
    }
}

fn date(d: NaiveDate, pattern: &str) -> String {
    d.format(pattern).to_string()
}

fn opt_date(d: Option<NaiveDate>, pattern: &str) -> String {
    d.map(|d| date(d, pattern)).unwrap_or_default()
}

fn opt_amount(a: Option<Amount>, f: fn(Amount) -> String) -> String {
    a.map(f).unwrap_or_default()
}

fn reference(t: &Transaction) -> String {
    t.reference.clone().unwrap_or_default()
}

/// A comma-separated export with one signed amount column, in a language's headers, date format
/// and negative-amount style (English and Spanish differ only there).
fn signed_comma_table(
    s: &Statement,
    headers: [&str; 7],
    date_format: &str,
    amount: fn(Amount) -> String,
) -> String {
    let mut out = line(&headers.map(str::to_owned), ',');
    for t in &s.transactions {
        out.push_str(&line(
            &[
                date(t.date, date_format),
                opt_date(t.value_date, date_format),
                t.description.clone(),
                reference(t),
                amount(t.amount),
                opt_amount(t.balance, amount),
                s.currency.code().to_owned(),
            ],
            ',',
        ));
    }
    out
}

fn english(s: &Statement) -> String {
    let headers = [
        "Date",
        "Value Date",
        "Description",
        "Reference",
        "Amount",
        "Balance",
        "Currency",
    ];
    signed_comma_table(s, headers, "%Y-%m-%d", |a| a.to_string())
}

fn french(s: &Statement) -> String {
    let mut out = line(
        &[
            "Date",
            "Date de valeur",
            "Libellé",
            "Référence",
            "Débit",
            "Crédit",
            "Solde",
            "Devise",
        ]
        .map(str::to_owned),
        ';',
    );
    for t in &s.transactions {
        let (debit, credit) = if t.amount.is_negative() {
            (comma_decimal(t.amount.abs()), String::new())
        } else {
            (String::new(), comma_decimal(t.amount))
        };
        out.push_str(&line(
            &[
                date(t.date, "%d/%m/%Y"),
                opt_date(t.value_date, "%d/%m/%Y"),
                t.description.clone(),
                reference(t),
                debit,
                credit,
                opt_amount(t.balance, comma_decimal),
                s.currency.code().to_owned(),
            ],
            ';',
        ));
    }
    out
}

fn german_newest_first(s: &Statement) -> String {
    let mut out = String::new();
    let account = s
        .account
        .iban
        .as_ref()
        .map(|i| i.reveal().to_owned())
        .or_else(|| s.account.number.as_ref().map(|n| n.reveal().to_owned()));
    out.push_str(&line(
        &[
            "Kontoinhaber".to_owned(),
            s.account.holder.clone().unwrap_or_default(),
        ],
        ';',
    ));
    out.push_str(&line(
        &["Kontonummer".to_owned(), account.unwrap_or_default()],
        ';',
    ));
    out.push_str(&line(
        &["Währung".to_owned(), s.currency.code().to_owned()],
        ';',
    ));
    out.push_str(&line(
        &[
            "Anfangssaldo".to_owned(),
            opt_amount(s.opening_balance, german),
        ],
        ';',
    ));
    out.push_str(&line(
        &["Endsaldo".to_owned(), opt_amount(s.closing_balance, german)],
        ';',
    ));
    out.push_str("\r\n");
    out.push_str(&line(
        &[
            "Buchungstag",
            "Wertstellung",
            "Verwendungszweck",
            "Referenz",
            "Betrag",
            "Saldo",
        ]
        .map(str::to_owned),
        ';',
    ));
    for t in s.transactions.iter().rev() {
        out.push_str(&line(
            &[
                date(t.date, "%d.%m.%Y"),
                opt_date(t.value_date, "%d.%m.%Y"),
                t.description.clone(),
                reference(t),
                german(t.amount),
                opt_amount(t.balance, german),
            ],
            ';',
        ));
    }
    out
}

fn us_tab(s: &Statement) -> String {
    let mut out = line(
        &[
            "Date (MM/DD/YYYY)",
            "Description",
            "Reference",
            "Amount",
            "CR/DR",
            "Balance",
            "Currency",
        ]
        .map(str::to_owned),
        '\t',
    );
    for t in &s.transactions {
        let marker = if t.amount.is_negative() { "DR" } else { "CR" };
        out.push_str(&line(
            &[
                date(t.date, "%m/%d/%Y"),
                t.description.clone(),
                reference(t),
                t.amount.abs().to_string(),
                marker.to_owned(),
                opt_amount(t.balance, |a| a.to_string()),
                s.currency.code().to_owned(),
            ],
            '\t',
        ));
    }
    out
}

fn spanish(s: &Statement) -> String {
    let headers = [
        "Fecha",
        "Fecha valor",
        "Concepto",
        "Referencia",
        "Importe",
        "Saldo",
        "Divisa",
    ];
    signed_comma_table(s, headers, "%d/%m/%Y", parenthesised)
}

/// Writes a delimited export.
pub fn write(dialect: CsvDialect, statement: &Statement) -> Vec<u8> {
    match dialect {
        CsvDialect::EnglishSigned => english(statement).into_bytes(),
        CsvDialect::FrenchDebitCredit => WINDOWS_1252.encode(&french(statement)).0.into_owned(),
        CsvDialect::GermanNewestFirst => german_newest_first(statement).into_bytes(),
        CsvDialect::UsTabCrDr => {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(us_tab(statement).encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        }
        CsvDialect::SpanishParentheses => {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend_from_slice(spanish(statement).as_bytes());
            bytes
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    #[test]
    fn german_amounts_group_thousands_with_dots() {
        assert_eq!(german(a("-1234567.50")), "-1.234.567,50");
        assert_eq!(german(a("123")), "123");
        assert_eq!(german(a("1234")), "1.234");
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("a,b", ','), "\"a,b\"");
        assert_eq!(field("say \"hi\"", ';'), "\"say \"\"hi\"\"\"");
        assert_eq!(field("a,b", ';'), "a,b");
        assert_eq!(field("tab\there", '\t'), "\"tab\there\"");
    }

    #[test]
    fn parentheses_mark_debits() {
        assert_eq!(parenthesised(a("-12.50")), "(12.50)");
        assert_eq!(parenthesised(a("3")), "3");
    }
}
