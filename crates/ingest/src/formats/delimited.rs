//! Delimited text exports: CSV, semicolon, tab and pipe separated.
//!
//! The delimiter is the one under which the rows agree on a field count (a preamble of account
//! lines may disagree; the table below it should not). Quoting follows RFC 4180 as the `csv` crate
//! reads it, leniently: banks emit stray spaces before quotes and ragged rows. Everything after
//! splitting into cells is the shared table logic in [`super::tabular`].

use std::borrow::Cow;

use ledgerlens_core::Format;

use super::tabular::{self, Row, Table};
use crate::{IngestError, Input, Parsed};

/// Delimiters tried, in order of preference when they tie.
const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];

/// Records looked at to choose the delimiter.
const SAMPLE_RECORDS: usize = 200;

/// Longest field accepted; a statement cell is never near this.
const MAX_FIELD_BYTES: usize = 64 * 1024;

/// Files saved by old Mac tools end lines with a bare CR; line numbers need LF.
fn normalise_newlines(text: &str) -> Cow<'_, str> {
    let text = text.trim_start_matches('\u{feff}');
    if text.contains('\r') && !text.contains('\n') {
        Cow::Owned(text.replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes())
}

/// How well the first records agree on a field count under `delimiter`: the number of records
/// with the most common count, when that count is at least two.
fn consistency(text: &str, delimiter: u8) -> (usize, usize) {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for record in reader(text, delimiter).records().take(SAMPLE_RECORDS) {
        let Ok(record) = record else { break };
        let n = record.len();
        if n < 2 || record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match counts.iter_mut().find(|(len, _)| *len == n) {
            Some((_, c)) => *c += 1,
            None => counts.push((n, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(len, c)| (c, len))
        .map_or((0, 0), |(len, c)| (c, len))
}

/// The delimiter under which the rows agree best.
pub fn detect_delimiter(text: &str) -> Option<u8> {
    let mut best: Option<(u8, (usize, usize))> = None;
    for d in DELIMITERS {
        let score = consistency(text, d);
        if score.0 > 0 && best.is_none_or(|(_, s)| score > s) {
            best = Some((d, score));
        }
    }
    best.map(|(d, _)| d)
}

/// Splits text into rows.
fn rows(text: &str, delimiter: u8, limit: Option<usize>) -> Result<Vec<Row>, IngestError> {
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut reader = reader(text, delimiter);
    let mut index: u32 = 0;
    loop {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let line = u32::try_from(reader.position().line()).unwrap_or(u32::MAX);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(IngestError::malformed(
                    Format::Csv,
                    Some(format!("line {line}")),
                    e.to_string(),
                ));
            }
        }
        if let Some(field) = record.iter().find(|f| f.len() > MAX_FIELD_BYTES) {
            return Err(IngestError::malformed(
                Format::Csv,
                Some(format!("line {line}")),
                format!("a field of {} bytes (an unclosed quote?)", field.len()),
            ));
        }
        index = index.saturating_add(1);
        let line =
            u32::try_from(record.position().map_or(u64::from(line), |p| p.line())).unwrap_or(line);
        out.push(Row {
            cells: record.iter().map(str::to_owned).collect(),
            numeric: Vec::new(),
            line: Some(line),
            number: index,
        });
    }
    Ok(out)
}

/// Parses a delimited file.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let text = normalise_newlines(input.text);
    let delimiter = detect_delimiter(&text).ok_or_else(|| {
        IngestError::malformed(
            Format::Csv,
            None,
            "no delimiter (comma, semicolon, tab or pipe) splits the rows consistently",
        )
    })?;
    let table = Table {
        format: Format::Csv,
        rows: rows(&text, delimiter, None)?,
    };
    tabular::interpret(&table, input.options)
}

/// True when the text reads as a table whose header (or, lacking one, whose values) show a date
/// column and an amount-ish column, under a delimiter that splits the rows consistently.
pub fn sniff(text: &str) -> bool {
    let head: String = text.chars().take(64 * 1024).collect();
    let truncated = head.len() < text.len();
    let sample = normalise_newlines(&head);
    let Some(delimiter) = detect_delimiter(&sample) else {
        return false;
    };
    rows(&sample, delimiter, Some(tabular::MAX_HEADER_SCAN + 20)).is_ok_and(|mut rows| {
        // A row cut by the sample's end would spoil a header-less table's field count.
        if truncated && rows.len() > 1 {
            rows.pop();
        }
        tabular::has_header(&rows)
    })
}

#[cfg(test)]
mod tests {
    use ledgerlens_core::Amount;

    use super::*;
    use crate::ReadOptions;

    fn parse_text(text: &str) -> Result<Parsed, IngestError> {
        parse(&Input {
            bytes: text.as_bytes(),
            text,
            options: &ReadOptions::default(),
        })
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_rows_consistently() {
        assert_eq!(detect_delimiter("a;b;c\n1,5;2;3\n4;5,5;6\n"), Some(b';'));
        assert_eq!(detect_delimiter("a,b,c\n\"x;y\",2,3\n"), Some(b','));
        assert_eq!(detect_delimiter("a\tb\n1\t2\n"), Some(b'\t'));
        assert_eq!(detect_delimiter("a|b|c\n1|2|3\n"), Some(b'|'));
    }

    #[test]
    fn sniffing_wants_a_date_and_an_amount_header() {
        assert!(sniff("Date,Description,Amount\n2024-01-01,x,1.00\n"));
        assert!(sniff(
            "Title line\n\nDatum;Omschrijving;Bedrag\n01-02-2024;x;1,00\n"
        ));
        assert!(!sniff("name,age\nbob,3\n"));
        assert!(!sniff("just some prose, with a comma\nand more\n"));
    }

    #[test]
    fn a_headerless_table_sniffs_by_its_values_but_prose_and_scraps_do_not() {
        let bare = "17-06-2022,NL91ABNA0417164300,Rent for June,-500.00\n\
                    18-06-2022,NL91ABNA0417164300,Salary,1200.00\n\
                    19-06-2022,NL91ABNA0417164300,Groceries at the market,-23.45\n";
        assert!(sniff(bare));
        let parsed = parse_text(bare).unwrap();
        let s = &parsed.statements[0];
        assert_eq!(s.transactions.len(), 3);
        assert_eq!(s.transactions[2].amount, Amount::parse("-23.45").unwrap());
        assert!(!sniff(
            "Dear lender,\nplease find my statement attached.\nRegards\n"
        ));
        assert!(!sniff(
            "Dear lender, hello, there\nplease, find, it\nRegards, me, you\n"
        ));
        assert!(!sniff("2024-01-01,a,1.00\n2024-01-02,b,2.00\n"));
    }

    #[test]
    fn quoted_fields_keep_their_delimiters_and_quotes() {
        let parsed =
            parse_text("Date,Description,Amount\n2024-01-01,\"a, \"\"b\"\"; c\",-1.00\n").unwrap();
        let t = &parsed.statements[0].transactions[0];
        assert_eq!(t.description, "a, \"b\"; c");
        assert_eq!(t.amount, Amount::parse("-1.00").unwrap());
    }

    #[test]
    fn an_unclosed_quote_is_a_located_error_not_a_giant_field() {
        let mut text = String::from(
            "Date,Description,Amount\n2024-01-01,ok,1.00\n2024-01-02,\"never closed,2.00\n",
        );
        text.push_str(&"x".repeat(MAX_FIELD_BYTES + 10));
        let err = parse_text(&text).unwrap_err();
        assert_eq!(err.code(), "malformed_file");
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn bare_carriage_returns_end_lines() {
        let parsed =
            parse_text("Date,Description,Amount\r6/12/15,x,\"1,000.00\"\r6/13/15,y,2\r").unwrap();
        let s = &parsed.statements[0];
        assert_eq!(s.transactions.len(), 2);
        assert_eq!(s.transactions[1].provenance.line, Some(3));
        assert_eq!(s.transactions[0].amount, Amount::parse("1000.00").unwrap());
    }
}

#[cfg(test)]
mod scale_tests {
    use super::*;
    use crate::ReadOptions;

    #[test]
    fn a_hundred_thousand_rows_parse_in_one_linear_pass() {
        let mut text = String::from("Date;Description;Amount;Balance\n");
        let mut balance = 0i64;
        for i in 0..100_000i64 {
            let amount = if i % 3 == 0 { 12_345 } else { -4_321 };
            balance += amount;
            let day = 1 + (i / 4_000) % 28;
            text.push_str(&format!(
                "{day:02}.01.2024;Row {i}, \"x\";{},{:02};{},{:02}\n",
                amount / 100,
                (amount % 100).abs(),
                balance / 100,
                (balance % 100).abs()
            ));
        }
        let started = std::time::Instant::now();
        let parsed = parse(&Input {
            bytes: text.as_bytes(),
            text: &text,
            options: &ReadOptions::default(),
        })
        .unwrap();
        eprintln!("100k rows: {:?}", started.elapsed());
        assert_eq!(parsed.statements[0].transactions.len(), 100_000);
    }
}
