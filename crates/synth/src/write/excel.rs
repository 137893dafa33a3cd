//! A minimal valid XLSX workbook: one sheet, dates as real date cells (serial numbers with a date
//! format), amounts as numeric cells, text as inline strings.
//!
//! The ZIP container is written by hand with the "stored" method (no compression): a workbook is
//! a handful of small XML files, and this keeps the synth crate free of a zip dependency. Amounts
//! are written in their exact decimal form; Excel (and calamine) hold them as doubles, which is
//! exact enough for the reader to recover them (see the ingest crate's excel module).

use chrono::NaiveDate;
use ledgerlens_core::Statement;

/// CRC-32 (IEEE 802.3), as ZIP requires, bit by bit: the files are small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A ZIP archive of stored entries.
fn zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
        let crc = crc32(data);
        let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        u32le(&mut out, 0x0403_4b50);
        for v in [20u16, 0, 0, 0, 0x21] {
            u16le(&mut out, v);
        }
        for v in [crc, size, size] {
            u32le(&mut out, v);
        }
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        u32le(&mut central, 0x0201_4b50);
        for v in [20u16, 20, 0, 0, 0, 0x21] {
            u16le(&mut central, v);
        }
        for v in [crc, size, size] {
            u32le(&mut central, v);
        }
        for v in [name_len, 0, 0, 0, 0] {
            u16le(&mut central, v);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
    let central_size = u32::try_from(central.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&central);
    let count = u16::try_from(entries.len()).unwrap_or(u16::MAX);
    u32le(&mut out, 0x0605_4b50);
    for v in [0u16, 0, count, count] {
        u16le(&mut out, v);
    }
    u32le(&mut out, central_size);
    u32le(&mut out, central_offset);
    u16le(&mut out, 0);
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if u32::from(c) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// Excel's serial day number (1900 date system) of a date after 1900-02-28.
fn serial(date: NaiveDate) -> i64 {
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .map_or(0, |epoch| date.signed_duration_since(epoch).num_days())
}

fn column_letter(index: usize) -> char {
    char::from(b'A' + u8::try_from(index % 26).unwrap_or(0))
}

enum Cell {
    Text(String),
    Number(String),
    Date(NaiveDate),
    Empty,
}

fn row_xml(out: &mut String, row: usize, cells: &[Cell]) {
    out.push_str(&format!("<row r=\"{row}\">"));
    for (i, cell) in cells.iter().enumerate() {
        let r = format!("{}{row}", column_letter(i));
        match cell {
            Cell::Text(t) => out.push_str(&format!(
                "<c r=\"{r}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                escape(t)
            )),
            Cell::Number(n) => out.push_str(&format!("<c r=\"{r}\"><v>{n}</v></c>")),
            Cell::Date(d) => {
                out.push_str(&format!("<c r=\"{r}\" s=\"1\"><v>{}</v></c>", serial(*d)))
            }
            Cell::Empty => {}
        }
    }
    out.push_str("</row>");
}

fn sheet(statement: &Statement) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    let header = [
        "Date",
        "Value Date",
        "Description",
        "Reference",
        "Amount",
        "Balance",
        "Currency",
    ];
    row_xml(&mut out, 1, &header.map(|h| Cell::Text(h.to_owned())));
    for (i, t) in statement.transactions.iter().enumerate() {
        let cells = [
            Cell::Date(t.date),
            t.value_date.map_or(Cell::Empty, Cell::Date),
            Cell::Text(t.description.clone()),
            t.reference.clone().map_or(Cell::Empty, Cell::Text),
            Cell::Number(t.amount.to_string()),
            t.balance
                .map_or(Cell::Empty, |b| Cell::Number(b.to_string())),
            Cell::Text(statement.currency.code().to_owned()),
        ];
        row_xml(&mut out, i + 2, &cells);
    }
    out.push_str("</sheetData></worksheet>");
    out
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

const WORKBOOK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Statement\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

const WORKBOOK_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";

/// Style 0 is general; style 1 is the built-in short date format (numFmtId 14).
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts><fills count=\"1\"><fill><patternFill patternType=\"none\"/></fill></fills><borders count=\"1\"><border/></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>";

/// Writes an XLSX workbook.
pub fn write(statement: &Statement) -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ("_rels/.rels", ROOT_RELS.as_bytes().to_vec()),
        ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
        (
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.as_bytes().to_vec(),
        ),
        ("xl/styles.xml", STYLES.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet(statement).into_bytes()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn serial_days_count_from_excel_epoch() {
        assert_eq!(serial(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()), 45292);
    }

    #[test]
    fn the_archive_starts_like_a_zip_and_names_the_workbook() {
        let bytes = zip(&[("xl/workbook.xml", b"x".to_vec())]);
        assert!(bytes.starts_with(b"PK\x03\x04"));
        assert!(bytes.windows(11).any(|w| w == b"xl/workbook"));
    }
}
