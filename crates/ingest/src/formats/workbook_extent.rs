//! Bounding a workbook's sheet extents before calamine builds them.
//!
//! calamine turns a sheet's cells into a dense grid spanning the smallest and largest cell
//! positions. One stray cell at XFD1048576 (or a forged BIFF row number) makes that grid billions
//! of cells: fuzzing found a 26 KB XLS that asked for 18 GB. Real statements are a few thousand
//! rows by a dozen columns, so every sheet's extent is measured here first — BIFF cell records in
//! an XLS, `<row r>` / `<c r>` references in an XLSX — and a sheet spanning more than
//! [`MAX_CELLS`] is refused.

use std::io::Read;

use ledgerlens_core::Format;

use crate::error::IngestError;

/// Largest grid a sheet may span: 1 000 000 cells is ~80 000 statement rows of 12 columns.
pub const MAX_CELLS: u64 = 1_000_000;

/// Largest inflated sheet XML scanned (the ZIP guard already bounds the total).
const MAX_SHEET_XML: u64 = 1 << 30;

fn too_big(format: Format, rows: u64, cols: u64) -> IngestError {
    IngestError::malformed(
        format,
        None,
        format!("a sheet spans {rows} rows × {cols} columns, far beyond any bank statement"),
    )
}

/// Running bounding box of cell positions.
#[derive(Default)]
struct Extent {
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl Extent {
    fn add(&mut self, row: u64, col: u64) {
        let widen = |span: &mut Option<(u64, u64)>, v: u64| {
            *span = Some(span.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
        };
        widen(&mut self.rows, row);
        widen(&mut self.cols, col);
    }

    fn check(&self, format: Format) -> Result<(), IngestError> {
        if let (Some((r0, r1)), Some((c0, c1))) = (self.rows, self.cols) {
            let (rows, cols) = (r1 - r0 + 1, c1 - c0 + 1);
            if rows.saturating_mul(cols) > MAX_CELLS {
                return Err(too_big(format, rows, cols));
            }
        }
        Ok(())
    }
}

/// Checks the cell extents of an XLS workbook stream (BIFF records).
pub fn check_biff(workbook: &[u8]) -> Result<(), IngestError> {
    let mut extent = Extent::default();
    let mut at = 0usize;
    while let (Some(kind), Some(len)) = (u16_at(workbook, at), u16_at(workbook, at + 2)) {
        let body = workbook
            .get(at + 4..at + 4 + usize::from(len))
            .unwrap_or_default();
        match kind {
            // BOF: a new substream (sheet) starts.
            0x0809 => {
                extent.check(Format::Xls)?;
                extent = Extent::default();
            }
            // DIMENSIONS: calamine reserves rows × columns cells from it, trusting it as written
            // (u32 arithmetic that wraps when the last row precedes the first).
            0x0200 => {
                let (rows, cols) = dimensions_span(body);
                if rows.saturating_mul(cols) > MAX_CELLS {
                    return Err(too_big(Format::Xls, rows, cols));
                }
            }
            // NUMBER, RK, LABELSST, LABEL, FORMULA, BLANK, BOOLERR, RSTRING: row, col first.
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0006 | 0x0201 | 0x0205 | 0x00D6 => {
                if let (Some(row), Some(col)) = (u16_at(body, 0), u16_at(body, 2)) {
                    extent.add(u64::from(row), u64::from(col));
                }
            }
            // MULRK, MULBLANK: row, first column, ..., last column in the final two bytes.
            0x00BD | 0x00BE => {
                let last = body.len().checked_sub(2).and_then(|i| u16_at(body, i));
                if let (Some(row), Some(first), Some(last)) =
                    (u16_at(body, 0), u16_at(body, 2), last)
                {
                    extent.add(u64::from(row), u64::from(first));
                    extent.add(u64::from(row), u64::from(last));
                }
            }
            _ => {}
        }
        at += 4 + usize::from(len);
    }
    extent.check(Format::Xls)
}

/// Rows and columns calamine will reserve for a DIMENSIONS record, computed as it does.
fn dimensions_span(body: &[u8]) -> (u64, u64) {
    let u32_at = |at: usize| {
        body.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    };
    let fields = match body.len() {
        10 => u16_at(body, 0)
            .zip(u16_at(body, 2))
            .zip(u16_at(body, 4).zip(u16_at(body, 6)))
            .map(|((rf, rl), (cf, cl))| {
                (u32::from(rf), u32::from(rl), u32::from(cf), u32::from(cl))
            }),
        14 => u32_at(0)
            .zip(u32_at(4))
            .zip(u16_at(body, 8).zip(u16_at(body, 10)))
            .map(|((rf, rl), (cf, cl))| (rf, rl, u32::from(cf), u32::from(cl))),
        _ => None,
    };
    let Some((rf, rl, mut cf, cl)) = fields else {
        return (0, 0);
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl >= 1 && cl >= 1 {
        let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1);
        let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1);
        (u64::from(rows), u64::from(cols))
    } else {
        (1, 1)
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// Checks the cell extents of every worksheet of an XLSX archive.
pub fn check_xlsx(bytes: &[u8]) -> Result<(), IngestError> {
    let fail = |detail: String| IngestError::malformed(Format::Xlsx, None, detail);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("cannot open the workbook archive: {e}")))?;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| fail(format!("corrupt archive entry: {e}")))?;
        let name = entry.name().to_ascii_lowercase();
        if !(name.starts_with("xl/worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        let mut xml = Vec::new();
        (&mut entry)
            .take(MAX_SHEET_XML)
            .read_to_end(&mut xml)
            .map_err(|e| fail(format!("cannot inflate {name}: {e}")))?;
        sheet_extent(&xml).check(Format::Xlsx)?;
    }
    Ok(())
}

/// Scans `<row r="N">` and `<c r="AB12">` references; cells without a reference follow the
/// previous one, as calamine places them.
fn sheet_extent(xml: &[u8]) -> Extent {
    let mut extent = Extent::default();
    let (mut row, mut col) = (0u64, 0u64);
    let mut at = 0;
    while let Some(offset) = xml
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        at += offset + 1;
        let tag = xml.get(at..).unwrap_or_default();
        let is_row = tag.starts_with(b"row")
            && tag
                .get(3)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>');
        let is_cell = tag.starts_with(b"c")
            && tag
                .get(1)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if !is_row && !is_cell {
            continue;
        }
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let reference = attribute_r(tag.get(..end).unwrap_or_default());
        if is_row {
            row = reference
                .and_then(parse_u64)
                .map_or(row + 1, |r| r.saturating_sub(1));
            col = 0;
        } else {
            match reference.and_then(cell_ref) {
                Some((r, c)) => {
                    row = r;
                    col = c;
                }
                None => col += 1,
            }
            extent.add(row, col);
        }
    }
    extent
}

fn attribute_r(tag: &[u8]) -> Option<&[u8]> {
    let start = tag.windows(3).position(|w| w == b" r=")? + 3;
    let quote = *tag.get(start)?;
    let rest = tag.get(start + 1..)?;
    let end = rest.iter().position(|&b| b == quote)?;
    rest.get(..end)
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// "AB12" → (row 11, column 27), zero-based.
fn cell_ref(reference: &[u8]) -> Option<(u64, u64)> {
    let split = reference.iter().position(u8::is_ascii_digit)?;
    let (letters, digits) = reference.split_at(split);
    let col = letters.iter().try_fold(0u64, |acc, &b| {
        b.is_ascii_alphabetic().then(|| {
            acc.saturating_mul(26)
                .saturating_add(u64::from(b.to_ascii_uppercase() - b'A' + 1))
        })
    })?;
    Some((parse_u64(digits)?.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_decode() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"AB12"), Some((11, 27)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
    }

    #[test]
    fn one_far_away_cell_makes_the_sheet_too_big() {
        let xml = br#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"/></row></sheetData>"#;
        assert!(sheet_extent(xml).check(Format::Xlsx).is_err());
        let small = br#"<sheetData><row r="1"><c r="A1"/><c r="F1"/></row><row r="2"><c/><c/></row></sheetData>"#;
        assert!(sheet_extent(small).check(Format::Xlsx).is_ok());
    }

    #[test]
    fn a_biff_cell_at_the_far_corner_is_refused() {
        let mut biff = Vec::new();
        for (row, col) in [(0u16, 0u16), (65_535, 255)] {
            biff.extend_from_slice(&0x0203u16.to_le_bytes());
            biff.extend_from_slice(&14u16.to_le_bytes());
            biff.extend_from_slice(&row.to_le_bytes());
            biff.extend_from_slice(&col.to_le_bytes());
            biff.extend_from_slice(&[0; 10]);
        }
        assert!(check_biff(&biff).is_err());
        assert!(check_biff(biff.get(..18).unwrap()).is_ok());
    }

    #[test]
    fn a_dimensions_record_claiming_a_huge_sheet_is_refused() {
        let mut record = 0x0200u16.to_le_bytes().to_vec();
        record.extend_from_slice(&14u16.to_le_bytes());
        // First row 10, last row 5: calamine's u32 arithmetic wraps to four billion rows.
        for v in [10u32, 5] {
            record.extend_from_slice(&v.to_le_bytes());
        }
        record.extend_from_slice(&[0, 0, 3, 0, 0, 0]);
        assert!(check_biff(&record).is_err());
        assert_eq!(
            dimensions_span(&[0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 12, 0, 0, 0]),
            (100, 12)
        );
    }
}
