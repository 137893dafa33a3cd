//! Writers: a statement out in each format ledgerlens reads, the way real banks write them.
//!
//! Each writer documents what its format cannot carry (MT940's restricted character set, QIF's lack
//! of balances); [`expected_description`] states the resulting transformation so round-trip tests
//! compare against what the format can say, not against what we wish it could.

pub mod camt;
pub mod delimited;
pub mod excel;
pub mod json;
pub mod mt940;
pub mod ofx;
pub mod qif;

use ledgerlens_core::Statement;

/// Variants of delimited exports, covering the choices real banks make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvDialect {
    /// Comma-separated, English headers, signed amount, dot decimals, ISO dates, UTF-8.
    EnglishSigned,
    /// Semicolon-separated, French headers, separate Débit/Crédit columns, decimal comma,
    /// dd/mm/yyyy, Windows-1252.
    FrenchDebitCredit,
    /// Semicolon-separated, German headers, signed amount with thousands dots, dd.mm.yyyy, newest
    /// first, a preamble of account lines before the header.
    GermanNewestFirst,
    /// Tab-separated, English headers, amount + CR/DR column, mm/dd/yyyy, UTF-16LE with BOM.
    UsTabCrDr,
    /// Comma-separated, Spanish headers, parentheses for debits, dd/mm/yyyy, UTF-8 BOM.
    SpanishParentheses,
}

/// Every format a statement can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// A delimited export.
    Csv(CsvDialect),
    /// An XLSX workbook.
    Xlsx,
    /// Quicken Interchange Format.
    Qif,
    /// OFX 1.02 SGML.
    Ofx1,
    /// OFX 2.2 XML.
    Ofx2,
    /// SWIFT MT940.
    Mt940,
    /// camt.053.001.08.
    Camt053,
    /// Periculum statement JSON.
    Periculum,
    /// Mono transactions JSON (kobo).
    Mono,
    /// Okra transactions JSON.
    Okra,
    /// Dojah transactions JSON.
    Dojah,
    /// MyBankStatement JSON.
    MyBankStatement,
}

impl OutputFormat {
    /// All formats, for tests and benchmarks that sweep them.
    pub const ALL: [OutputFormat; 16] = [
        OutputFormat::Csv(CsvDialect::EnglishSigned),
        OutputFormat::Csv(CsvDialect::FrenchDebitCredit),
        OutputFormat::Csv(CsvDialect::GermanNewestFirst),
        OutputFormat::Csv(CsvDialect::UsTabCrDr),
        OutputFormat::Csv(CsvDialect::SpanishParentheses),
        OutputFormat::Xlsx,
        OutputFormat::Qif,
        OutputFormat::Ofx1,
        OutputFormat::Ofx2,
        OutputFormat::Mt940,
        OutputFormat::Camt053,
        OutputFormat::Periculum,
        OutputFormat::Mono,
        OutputFormat::Okra,
        OutputFormat::Dojah,
        OutputFormat::MyBankStatement,
    ];

    /// A conventional file name extension (only for naming files; readers never look at it).
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Csv(_) => "csv",
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Qif => "qif",
            OutputFormat::Ofx1 | OutputFormat::Ofx2 => "ofx",
            OutputFormat::Mt940 => "sta",
            OutputFormat::Camt053 => "xml",
            _ => "json",
        }
    }

    /// True when the format carries a running balance on each row.
    pub fn carries_row_balances(self) -> bool {
        !matches!(self, OutputFormat::Qif | OutputFormat::Ofx1 | OutputFormat::Ofx2 | OutputFormat::Mt940 | OutputFormat::Camt053)
    }

    /// True when the format carries opening and closing balances.
    pub fn carries_opening_and_closing(self) -> bool {
        matches!(self, OutputFormat::Mt940 | OutputFormat::Camt053 | OutputFormat::Csv(CsvDialect::GermanNewestFirst))
    }
}

/// Writes a statement in a format.
pub fn write(format: OutputFormat, statement: &Statement) -> Vec<u8> {
    match format {
        OutputFormat::Csv(dialect) => delimited::write(dialect, statement),
        OutputFormat::Xlsx => excel::write(statement),
        OutputFormat::Qif => qif::write(statement),
        OutputFormat::Ofx1 => ofx::write(statement, ofx::Version::Sgml1),
        OutputFormat::Ofx2 => ofx::write(statement, ofx::Version::Xml2),
        OutputFormat::Mt940 => mt940::write(statement),
        OutputFormat::Camt053 => camt::write(statement),
        OutputFormat::Periculum
        | OutputFormat::Mono
        | OutputFormat::Okra
        | OutputFormat::Dojah
        | OutputFormat::MyBankStatement => json::write(format, statement),
    }
}

/// The description a reader should find after `description` went through `format`.
pub fn expected_description(format: OutputFormat, description: &str) -> String {
    let collapsed = description.split_whitespace().collect::<Vec<_>>().join(" ");
    match format {
        OutputFormat::Mt940 => mt940::swift_charset(&collapsed),
        _ => collapsed,
    }
}
