//! A source file and what was read from it.

use std::fmt;

use serde::Serialize;

use crate::forensics::Forensics;
use crate::statement::Statement;

/// A statement file format, as detected from content (never from the file name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Format {
    /// Delimited text: CSV, TSV, semicolon or pipe separated.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
    /// Legacy Excel 97–2003 workbook (BIFF8).
    Xls,
    /// Quicken Interchange Format.
    Qif,
    /// OFX 1.x (SGML) or QFX.
    Ofx1,
    /// OFX 2.x (XML).
    Ofx2,
    /// SWIFT MT940 customer statement.
    Mt940,
    /// SWIFT MT942 interim transaction report.
    Mt942,
    /// ISO 20022 camt.053 bank-to-customer statement (also camt.052 reports).
    Camt053,
    /// Periculum statement JSON.
    PericulumJson,
    /// Mono transactions JSON.
    MonoJson,
    /// Okra transactions JSON.
    OkraJson,
    /// Dojah transactions JSON.
    DojahJson,
    /// MyBankStatement JSON (`bankStatement.mbs.jsonData`).
    MyBankStatementJson,
    /// PDF document (text layer, or scanned pages read by OCR).
    Pdf,
    /// A photo or scan of a statement page (PNG, JPEG, TIFF), read by OCR.
    Image,
}

impl Format {
    /// Stable lowercase name used on the wire and in the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Qif => "qif",
            Format::Ofx1 => "ofx1",
            Format::Ofx2 => "ofx2",
            Format::Mt940 => "mt940",
            Format::Mt942 => "mt942",
            Format::Camt053 => "camt053",
            Format::PericulumJson => "periculum_json",
            Format::MonoJson => "mono_json",
            Format::OkraJson => "okra_json",
            Format::DojahJson => "dojah_json",
            Format::MyBankStatementJson => "mybankstatement_json",
            Format::Pdf => "pdf",
            Format::Image => "image",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One input file: its identity and the statements read from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Document {
    /// File name as given by the caller (no directories).
    pub file: String,
    /// Detected format.
    pub format: Format,
    /// Hex SHA-256 of the raw bytes, so the same upload is recognised again.
    pub sha256: String,
    /// Statements found; several for multi-account OFX or multi-statement MT940.
    pub statements: Vec<Statement>,
    /// Non-fatal observations made while reading (skipped summary rows, guessed date order).
    pub warnings: Vec<String>,
    /// How the file was produced and edited (PDFs and images; `None` for structured formats).
    pub forensics: Option<Forensics>,
}
