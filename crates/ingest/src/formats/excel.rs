//! Excel workbooks (XLSX and legacy XLS), read with calamine into the same table logic as CSV.
//!
//! Cells become text: strings as they are, date cells as ISO dates, numbers as exact decimals.
//! Excel stores numbers as IEEE-754 doubles. A decimal with at most 15 significant digits (every
//! real statement amount) has a unique nearest double, and Rust's `{}` formatting of a double
//! prints the *shortest* decimal that reads back to the same double; since the original decimal
//! is one such string and has ≤ 15 digits, the shortest one is that decimal (possibly without
//! trailing zeros). So `format!("{f}")` recovers the amount exactly, with no float arithmetic.
//! Only a value computed by a formula (0.1 + 0.2) can show more digits; those are cut to Excel's
//! own 15 significant digits, which is what Excel displays.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;
use ledgerlens_core::{Amount, Format};

use super::tabular::{self, Row, Table};
use crate::{IngestError, Input, Parsed};

/// Most sheets looked at for a statement table.
const MAX_SHEETS: usize = 64;

/// Most rows read from one sheet (a year of a very busy account is well under this).
const MAX_ROWS: usize = 1_000_000;

/// Most columns read from one row.
const MAX_COLUMNS: usize = 256;

/// Exact decimal text of a numeric cell (see the module doc for why this is exact).
pub fn number_text(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let shortest = format!("{value}");
    if Amount::parse(&shortest).is_ok() {
        return Some(shortest);
    }
    let magnitude = value.abs();
    let int_digits = if magnitude < 1.0 {
        1
    } else {
        format!("{:.0}", magnitude.trunc()).len()
    };
    let decimals = 15usize.saturating_sub(int_digits).min(8);
    let rounded = format!("{value:.decimals$}");
    let trimmed = if rounded.contains('.') {
        rounded.trim_end_matches('0').trim_end_matches('.')
    } else {
        rounded.as_str()
    };
    Amount::parse(trimmed).ok().map(|_| trimmed.to_owned())
}

fn cell_text(cell: &Data) -> (String, bool) {
    match cell {
        Data::Empty | Data::Error(_) => (String::new(), false),
        Data::String(s) => (s.clone(), false),
        Data::Int(i) => (i.to_string(), true),
        Data::Float(f) => number_text(*f).map_or((String::new(), false), |t| (t, true)),
        Data::Bool(b) => (b.to_string(), false),
        Data::DateTime(dt) => {
            if dt.is_datetime() {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                let date = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d));
                (date.map(|d| d.to_string()).unwrap_or_default(), false)
            } else {
                (String::new(), false)
            }
        }
        Data::DateTimeIso(s) => (s.get(..10).unwrap_or(s).to_owned(), false),
        Data::DurationIso(_) => (String::new(), false),
    }
}

fn table(format: Format, range: &calamine::Range<Data>) -> Result<Table, IngestError> {
    let first_row = range.start().map_or(0, |(r, _)| r);
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        if i >= MAX_ROWS {
            return Err(IngestError::malformed(
                format,
                None,
                format!("a sheet with more than {MAX_ROWS} rows"),
            ));
        }
        let (texts, numeric): (Vec<String>, Vec<bool>) =
            cells.iter().take(MAX_COLUMNS).map(cell_text).unzip();
        let number = u32::try_from(i)
            .ok()
            .and_then(|i| i.checked_add(first_row + 1))
            .unwrap_or(u32::MAX);
        rows.push(Row {
            cells: texts,
            numeric,
            line: None,
            number,
        });
    }
    Ok(Table { format, rows })
}

/// Parses an XLSX or XLS workbook: the first sheet with a statement header.
pub fn parse(format: Format, input: &Input<'_>) -> Result<Parsed, IngestError> {
    // calamine trusts the file's bookkeeping (a looping XLS sector chain cost 23 GB) and can panic
    // on corrupt structures (both found by fuzzing): check the structure first, contain the rest.
    // Checked by content, not by the format asked for: calamine's XLSX reader also opens compound
    // files (to detect password-protected workbooks).
    super::workbook_guard::check(format, input.bytes)?;
    crate::guard::contain(format, "the workbook", || read_workbook(format, input))
}

fn read_workbook(format: Format, input: &Input<'_>) -> Result<Parsed, IngestError> {
    let cursor = Cursor::new(input.bytes);
    let mut workbook: Sheets<_> = match format {
        Format::Xls => calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|e| e.to_string()),
        _ => calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| e.to_string()),
    }
    .map_err(|e| IngestError::malformed(format, None, format!("cannot open the workbook: {e}")))?;
    let names = workbook.sheet_names();
    let mut first_error = None;
    for (index, name) in names.iter().enumerate().take(MAX_SHEETS) {
        let range = match workbook.worksheet_range(name) {
            Ok(range) => range,
            Err(e) => {
                first_error.get_or_insert_with(|| format!("sheet {:?}: {e}", name));
                continue;
            }
        };
        let table = table(format, &range)?;
        if tabular::has_header(&table.rows) {
            let mut parsed = tabular::interpret(&table, input.options)?;
            if index > 0 {
                parsed.warnings.push(format!(
                    "read sheet {name:?}; earlier sheets hold no statement table"
                ));
            }
            return Ok(parsed);
        }
    }
    let detail = first_error.unwrap_or_else(|| {
        format!(
            "no sheet has a header row with a date column and an amount column in its first {} rows",
            tabular::MAX_HEADER_SCAN
        )
    });
    Err(IngestError::malformed(format, None, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_become_the_decimals_that_were_typed() {
        for (value, want) in [
            (-33.5, "-33.5"),
            (1525.0, "1525"),
            (0.1, "0.1"),
            (1234567.891, "1234567.891"),
            (-0.07, "-0.07"),
        ] {
            assert_eq!(number_text(value).as_deref(), Some(want));
        }
        assert_eq!(number_text(0.1 + 0.2).as_deref(), Some("0.3"));
        assert_eq!(number_text(f64::NAN), None);
    }
}
