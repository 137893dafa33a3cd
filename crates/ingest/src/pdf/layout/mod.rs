//! Positioned words to statements, without per-bank templates.
//!
//! The steps, each in its own module:
//! 1. [`lines`]: words into text lines (vertical overlap, tilt removed), left to right;
//! 2. [`header`]: the table's header row on each page, from the shared multilingual vocabulary;
//! 3. [`columns`]: column boundaries from the header, refined by where the amounts of the whole
//!    document align (right edges pile up on one x per money column);
//! 4. [`rows`]: lines into rows — a date starts a row, a bare text line continues one, page
//!    furniture repeated on most pages is dropped, balance lines give opening and closing;
//! 5. [`meta`]: statement facts from the text above the table on its first page;
//! 6. [`choose`]: every plausible reading (day/month order, which column is money out, where a
//!    lone amount's sign comes from) built as a ledger and reconciled; the best one wins, with
//!    years for yearless dates from the period ([`year`]).

mod choose;
mod columns;
mod header;
mod lines;
mod meta;
mod rows;
mod year;

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use ledgerlens_core::Format;

use self::columns::Columns;
use self::header::Cell;
use self::lines::Line;
use self::rows::TableLine;
use super::PdfText;
use crate::formats::tabular::vocab::Role;
use crate::{IngestError, Parsed};

/// Most pages read.
pub const MAX_PAGES: usize = 5_000;

/// Most words on one page (engines bound this too; a denser page is not a statement).
pub const MAX_WORDS_PER_PAGE: usize = 50_000;

fn malformed(location: Option<String>, detail: impl Into<String>) -> IngestError {
    IngestError::malformed(Format::Pdf, location, detail)
}

/// Rebuilds the statements printed on the pages.
pub fn read(text: PdfText) -> Result<Parsed, IngestError> {
    if text.pages.len() > MAX_PAGES {
        return Err(malformed(
            None,
            format!(
                "{} pages, over the {MAX_PAGES}-page limit",
                text.pages.len()
            ),
        ));
    }
    let mut warnings = Vec::new();
    let mut pages: Vec<Vec<Line>> = Vec::with_capacity(text.pages.len());
    let (mut chars, mut unreadable) = (0usize, 0usize);
    for page in text.pages {
        let number = page.number;
        if page.words.len() > MAX_WORDS_PER_PAGE {
            return Err(malformed(
                Some(format!("page {number}")),
                format!(
                    "{} words on one page, over the {MAX_WORDS_PER_PAGE}-word limit",
                    page.words.len()
                ),
            ));
        }
        for w in &page.words {
            for c in w.text.chars().take(64) {
                chars += 1;
                unreadable += usize::from(garbled(c));
            }
        }
        let (page_lines, truncated) = lines::build(page);
        if truncated {
            return Err(malformed(
                Some(format!("page {number}")),
                format!(
                    "more than {} text lines on one page",
                    lines::MAX_LINES_PER_PAGE
                ),
            ));
        }
        pages.push(page_lines);
    }
    if chars == 0 {
        return Err(IngestError::NoStatements(Format::Pdf));
    }
    if unreadable * 3 > chars {
        return Err(malformed(
            None,
            "the text layer is unreadable (its fonts map glyphs to no characters); the PDF needs OCR",
        ));
    }
    let headers: Vec<Option<(usize, Vec<Cell>)>> = pages.iter().map(|p| header::find(p)).collect();
    let Some(first) = headers.iter().position(Option::is_some) else {
        return Err(IngestError::NoStatements(Format::Pdf));
    };

    // Pages may lay the table out differently (a wider first page); each distinct header gets
    // its own columns, and a page without a header continues the table of the page before.
    let mut layouts: Vec<Vec<Cell>> = Vec::new();
    let mut page_layout: Vec<Option<usize>> = Vec::with_capacity(pages.len());
    let mut current = None;
    for h in &headers {
        if let Some((_, cells)) = h {
            let known = layouts.iter().position(|c| same_geometry(c, cells));
            current = Some(known.unwrap_or_else(|| {
                layouts.push(cells.clone());
                layouts.len() - 1
            }));
        }
        page_layout.push(current);
    }
    let body = |p: usize| -> &[Line] {
        let lines = pages.get(p).map(Vec::as_slice).unwrap_or_default();
        match headers.get(p).and_then(Option::as_ref) {
            Some((i, _)) => lines.get(i + 1..).unwrap_or_default(),
            None => lines,
        }
    };
    let columns: Vec<Columns> = layouts
        .iter()
        .enumerate()
        .map(|(k, cells)| {
            let data = (0..pages.len())
                .filter(|&p| page_layout.get(p).copied().flatten() == Some(k))
                .flat_map(body);
            columns::infer(cells, data)
        })
        .collect();
    let repeated = repeated_lines(&pages);
    let mut table: Vec<TableLine<'_>> = Vec::new();
    for p in 0..pages.len() {
        let Some(cols) = page_layout
            .get(p)
            .copied()
            .flatten()
            .and_then(|k| columns.get(k))
        else {
            continue;
        };
        for line in body(p) {
            table.push(TableLine {
                line,
                columns: cols,
                repeated: repeated.contains_key(&signature(line)),
            });
        }
    }
    let extract = rows::extract(&table, &mut warnings)?;
    if extract.rows.is_empty() && extract.opening.is_none() && extract.closing.is_none() {
        return Err(IngestError::NoStatements(Format::Pdf));
    }
    let header_index = headers
        .get(first)
        .and_then(Option::as_ref)
        .map_or(0, |(i, _)| *i);
    let above = pages
        .get(first)
        .and_then(|p| p.get(..header_index))
        .unwrap_or_default();
    let meta = meta::harvest(above);
    let has = |role: Role| columns.iter().any(|c| c.find(role).is_some());
    let context = choose::Context {
        extract: &extract,
        meta: &meta,
        header_currency: columns.iter().find_map(|c| c.currency),
        header_order: columns.iter().find_map(|c| c.date_order),
        split_columns: has(Role::Debit) || has(Role::Credit),
        marker_column: has(Role::Marker),
        balance_column: has(Role::Balance),
    };
    let statement = choose::best(&context, &mut warnings);
    Ok(Parsed {
        statements: vec![statement],
        warnings,
        forensics: None,
    })
}

/// Characters a broken text layer produces: replacement marks, controls, private-use glyphs.
/// A character no font meant: what a text layer without a usable ToUnicode map yields.
pub(crate) fn garbled(c: char) -> bool {
    c == '\u{FFFD}' || c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c)
}

fn same_geometry(a: &[Cell], b: &[Cell]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.role == y.role && (x.x0 - y.x0).abs() < 3.0 && (x.x1 - y.x1).abs() < 3.0
        })
}

/// A line's text with digits blanked, and its height on the page in 3-point steps: page
/// furniture ("Page 2 of 5", the bank's address) matches itself from page to page.
fn signature(line: &Line) -> (String, i32) {
    let text: String = line
        .text()
        .chars()
        .take(120)
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    // Page coordinates are bounded (a few thousand points), so the cast cannot overflow.
    let bucket = (line.y0 / 3.0).round() as i32;
    (text, bucket)
}

/// Signatures of lines that recur on more than half of the pages (with their page count and the
/// last page seen), for documents of two pages or more.
fn repeated_lines(pages: &[Vec<Line>]) -> HashMap<(String, i32), (usize, usize)> {
    let mut seen: HashMap<(String, i32), (usize, usize)> = HashMap::new();
    if pages.len() < 2 {
        return seen;
    }
    for (p, lines) in pages.iter().enumerate() {
        for line in lines {
            let entry = seen.entry(signature(line)).or_insert((0, usize::MAX));
            if entry.1 != p {
                entry.1 = p;
                entry.0 += 1;
            }
        }
    }
    let total = pages.len();
    seen.retain(|_, (count, _)| *count >= 2 && *count * 2 > total);
    seen
}
