//! Ingestion: statement files in, [`Document`]s with reconciled [`Statement`]s out.
//!
//! The format is always sniffed from the content, never taken from the file name: borrowers rename
//! files, and banks name CSVs ".xls". Each format lives in its own module under [`formats`]; they
//! all produce raw statements that [`finalize`] puts in chronological order and reconciles, so
//! every format gets the same guarantees.
//!
//! This crate performs no I/O: callers hand it bytes.

pub mod dates;
pub mod error;
pub mod finalize;
pub mod formats;
pub mod guard;
pub mod number;
pub mod pdf;
pub mod sniff;
pub mod text;

use ledgerlens_core::{Currency, Document, Format, Statement};
use sha2::{Digest, Sha256};

pub use dates::DateOrder;
pub use error::IngestError;

/// Default upper bound on an input file. A year of a busy account is a few megabytes in any
/// format; 256 MiB leaves room for aggregated multi-account exports while refusing absurd input.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// What the caller knows that the file may not say.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Password for encrypted PDFs.
    pub password: Option<String>,
    /// Currency to assume when the file states none.
    pub default_currency: Option<Currency>,
    /// Day/month order to assume when a file's dates are genuinely ambiguous.
    pub date_order_hint: Option<DateOrder>,
    /// Largest input accepted, in bytes.
    pub max_bytes: u64,
    /// The engine that extracts words from PDFs (and scans); without one, PDFs are refused with
    /// a clear `unsupported_format`.
    pub pdf_engine: Option<std::sync::Arc<dyn pdf::PdfEngine>>,
    /// Bounds on PDF extraction.
    pub pdf_limits: pdf::PdfLimits,
    /// The engine that reads scans and photos; without one, images and image-only PDF pages are
    /// refused with `ocr_unavailable`.
    pub ocr_engine: Option<std::sync::Arc<dyn pdf::OcrEngine>>,
    /// Bounds on OCR.
    pub ocr_limits: pdf::OcrLimits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            password: None,
            default_currency: None,
            date_order_hint: None,
            max_bytes: DEFAULT_MAX_BYTES,
            pdf_engine: None,
            pdf_limits: pdf::PdfLimits::default(),
            ocr_engine: None,
            ocr_limits: pdf::OcrLimits::default(),
        }
    }
}

/// One file handed to a format parser: the raw bytes, and their decoded text for text formats.
#[derive(Debug)]
pub struct Input<'a> {
    /// The raw bytes.
    pub bytes: &'a [u8],
    /// The decoded text; empty for binary formats (XLSX, XLS, PDF).
    pub text: &'a str,
    /// The caller's options.
    pub options: &'a ReadOptions,
}

/// What a format parser found.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Statements, transactions in source order (finalisation orders them).
    pub statements: Vec<Statement>,
    /// Non-fatal observations worth telling the analyst.
    pub warnings: Vec<String>,
    /// Forensics of the file, for formats that have any (PDF, images).
    pub forensics: Option<ledgerlens_core::Forensics>,
}

/// Reads one file into a document: sniff, parse, order, reconcile.
pub fn read_document(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Document, IngestError> {
    check_size(bytes, options)?;
    let format = sniff::detect(bytes)?;
    read_as(format, file_name, bytes, options)
}

/// Reads a file as a given format, skipping detection (for callers that know better, and for
/// fuzzing one parser at a time).
pub fn read_as(
    format: Format,
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Document, IngestError> {
    check_size(bytes, options)?;
    let decoded;
    let text: &str = if sniff::is_text(format) {
        decoded = text::decode(bytes)?.0;
        &decoded
    } else {
        ""
    };
    let input = Input {
        bytes,
        text,
        options,
    };
    let parsed = formats::parse(format, &input)?;
    let mut warnings = parsed.warnings;
    let mut statements = finalize::finalize(file_name, parsed.statements, options, &mut warnings);
    mark_unreconciled_ocr_rows(&mut statements, &mut warnings);
    if statements.iter().all(|s| {
        s.transactions.is_empty() && s.opening_balance.is_none() && s.closing_balance.is_none()
    }) {
        return Err(IngestError::NoStatements(format));
    }
    Ok(Document {
        file: file_name.to_owned(),
        format,
        sha256: sha256_hex(bytes),
        statements,
        warnings,
        forensics: parsed.forensics,
    })
}

/// Rows read by OCR whose printed balance does not follow from the row before are kept (the
/// analyst may correct them) but marked, and counted in a warning: a machine's reading that the
/// bank's arithmetic does not confirm must never pass silently as fact.
fn mark_unreconciled_ocr_rows(statements: &mut [Statement], warnings: &mut Vec<String>) {
    let mut marked = 0usize;
    for statement in statements {
        let breaks: Vec<usize> = statement
            .reconciliation
            .breaks
            .iter()
            .map(|b| b.index)
            .collect();
        for index in breaks {
            if let Some(ocr) = statement
                .transactions
                .get_mut(index)
                .and_then(|t| t.provenance.ocr.as_mut())
            {
                ocr.unreconciled = true;
                marked += 1;
            }
        }
    }
    if marked > 0 {
        warnings.push(format!(
            "ocr: {marked} row(s) read by OCR break the running balance and are marked \
             `unreconciled`; check them against the document"
        ));
    }
}

fn check_size(bytes: &[u8], options: &ReadOptions) -> Result<(), IngestError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > options.max_bytes {
        return Err(IngestError::TooLarge {
            size_bytes: size,
            limit_bytes: options.max_bytes,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    Ok(())
}

/// Hex SHA-256 of the input.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The format a file would be read as, without parsing it.
pub fn detect_format(bytes: &[u8]) -> Result<Format, IngestError> {
    sniff::detect(bytes)
}
