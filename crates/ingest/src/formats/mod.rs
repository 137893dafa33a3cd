//! One module per statement format. Each exposes `parse(&Input) -> Result<Parsed, IngestError>`.

pub mod camt;
pub mod delimited;
pub mod excel;
pub mod json;
pub mod mt940;
pub mod ofx;
pub mod qif;
pub mod tabular;
pub mod workbook_extent;
pub mod workbook_guard;

use ledgerlens_core::Format;

use crate::{IngestError, Input, Parsed};

/// Dispatches to the parser of a detected format.
pub fn parse(format: Format, input: &Input<'_>) -> Result<Parsed, IngestError> {
    match format {
        Format::Csv => delimited::parse(input),
        Format::Xlsx | Format::Xls => excel::parse(format, input),
        Format::Qif => qif::parse(input),
        Format::Ofx1 | Format::Ofx2 => ofx::parse(input),
        Format::Mt940 | Format::Mt942 => mt940::parse(input),
        Format::Camt053 => camt::parse(input),
        Format::PericulumJson
        | Format::MonoJson
        | Format::OkraJson
        | Format::DojahJson
        | Format::MyBankStatementJson => json::parse(format, input),
        Format::Pdf => crate::pdf::scan::read_pdf(input),
        Format::Image => crate::pdf::scan::read_image(input),
        _ => Err(IngestError::Unsupported {
            format,
            detail: "no parser".to_owned(),
        }),
    }
}
