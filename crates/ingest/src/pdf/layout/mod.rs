//! Positioned words to statements, without per-bank templates.
//!
//! The steps, each in its own module:
//! 1. [`lines`]: words into text lines (vertical overlap, tilt removed), left to right;
//! 2. [`header`]: the header rows on each page (a page may hold several tables; names may be set
//!    on two lines), from the shared multilingual vocabulary;
//! 3. [`columns`]: column boundaries from the header, refined by where the amounts of the whole
//!    document align (right edges pile up on one x per money column);
//! 4. [`rows`]: lines into rows — a date starts a row, a bare text line continues one, page
//!    furniture repeated on most pages is dropped, balance lines give opening and closing;
//! 5. [`meta`]: statement facts from the text above the table on its first page and the pages
//!    before it (a card's summary page);
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

/// Most pages before the first table whose text is read for the statement's facts.
pub const MAX_META_PAGES: usize = 4;

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
    let headers: Vec<Vec<header::Found>> = pages.iter().map(|p| header::find_all(p)).collect();
    let Some(first) = headers.iter().position(|h| !h.is_empty()) else {
        return Err(IngestError::NoStatements(Format::Pdf));
    };
    let (layouts, segments) = segment(&pages, &headers);
    let lines_of = |s: &Segment| -> &[Line] {
        pages
            .get(s.page)
            .and_then(|p| p.get(s.start..s.end))
            .unwrap_or_default()
    };
    let columns: Vec<Columns> = layouts
        .iter()
        .enumerate()
        .map(|(k, cells)| {
            let data = segments.iter().filter(|s| s.layout == k).flat_map(lines_of);
            columns::infer(cells, data)
        })
        .collect();
    // Each line's signature is computed once, and only when there are pages to compare.
    let signatures: Vec<Vec<(String, i32)>> = if pages.len() < 2 {
        Vec::new()
    } else {
        pages
            .iter()
            .map(|p| p.iter().map(signature).collect())
            .collect()
    };
    let repeated = repeated_lines(&signatures);
    let mut table: Vec<TableLine<'_>> = Vec::new();
    for s in &segments {
        let Some(cols) = columns.get(s.layout) else {
            continue;
        };
        let sigs = signatures
            .get(s.page)
            .and_then(|p| p.get(s.start..s.end))
            .unwrap_or_default();
        for (k, line) in lines_of(s).iter().enumerate() {
            table.push(TableLine {
                line,
                columns: cols,
                repeated: !repeated.is_empty()
                    && sigs.get(k).is_some_and(|sig| repeated.contains_key(sig)),
            });
        }
    }
    let extract = rows::extract(&table, &mut warnings)?;
    if extract.rows.is_empty() && extract.opening.is_none() && extract.closing.is_none() {
        return Err(IngestError::NoStatements(Format::Pdf));
    }
    // Card issuers print the summary (balances, period) on a page of its own before the
    // transactions, so the facts are read from the pages before the table too.
    let table_start = headers
        .get(first)
        .and_then(|h| h.first())
        .map_or(0, |f| f.first);
    let above = pages
        .iter()
        .take(first)
        .skip(first.saturating_sub(MAX_META_PAGES))
        .flatten()
        .chain(
            pages
                .get(first)
                .and_then(|p| p.get(..table_start))
                .unwrap_or_default(),
        );
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

/// A run of table lines on one page read with one layout's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    page: usize,
    /// First line (after a header).
    start: usize,
    /// One past the last line.
    end: usize,
    /// Index into the layouts.
    layout: usize,
}

/// The distinct header layouts of the document and the runs of lines each one governs.
///
/// Pages may lay the table out differently (a wider first page) and a page may hold several
/// tables (payments, then purchases); each distinct header gets its own columns. Lines under a
/// header belong to it up to the next header; a page without a header continues the table of
/// the page before; lines above a page's first header are not table lines.
fn segment(pages: &[Vec<Line>], headers: &[Vec<header::Found>]) -> (Vec<Vec<Cell>>, Vec<Segment>) {
    let mut layouts: Vec<Vec<Cell>> = Vec::new();
    let mut segments = Vec::new();
    let mut current: Option<usize> = None;
    for (page, lines) in pages.iter().enumerate() {
        let found = headers.get(page).map(Vec::as_slice).unwrap_or_default();
        if found.is_empty() {
            if let Some(layout) = current {
                segments.push(Segment {
                    page,
                    start: 0,
                    end: lines.len(),
                    layout,
                });
            }
            continue;
        }
        for (k, h) in found.iter().enumerate() {
            let known = layouts.iter().position(|c| same_geometry(c, &h.cells));
            let layout = known.unwrap_or_else(|| {
                layouts.push(h.cells.clone());
                layouts.len() - 1
            });
            let end = found.get(k + 1).map_or(lines.len(), |n| n.first);
            segments.push(Segment {
                page,
                start: h.last + 1,
                end,
                layout,
            });
            current = Some(layout);
        }
    }
    (layouts, segments)
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
fn repeated_lines(pages: &[Vec<(String, i32)>]) -> HashMap<(String, i32), (usize, usize)> {
    let mut seen: HashMap<(String, i32), (usize, usize)> = HashMap::new();
    if pages.len() < 2 {
        return seen;
    }
    for (p, lines) in pages.iter().enumerate() {
        for sig in lines {
            match seen.get_mut(sig) {
                Some(entry) if entry.1 != p => *entry = (entry.0 + 1, p),
                Some(_) => {}
                None => {
                    seen.insert(sig.clone(), (1, p));
                }
            }
        }
    }
    let total = pages.len();
    seen.retain(|_, (count, _)| *count >= 2 && *count * 2 > total);
    seen
}
