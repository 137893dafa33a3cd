//! The one error type of ingestion. Every variant has a stable machine code (`code()`), used by the
//! CLI's one-line errors and, later, the API's JSON errors.

use ledgerlens_core::Format;

/// Why a file could not be read into statements.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The file has no content (or only whitespace).
    #[error("the file is empty")]
    Empty,
    /// The file is larger than the configured limit.
    #[error("the file is {size_bytes} bytes, over the {limit_bytes}-byte limit")]
    TooLarge {
        /// Size of the input.
        size_bytes: u64,
        /// The limit in force.
        limit_bytes: u64,
    },
    /// The content matches no supported statement format.
    #[error("unrecognised format: {0}")]
    UnknownFormat(String),
    /// The format was recognised but this build cannot read it yet.
    #[error("{format} files are not supported yet: {detail}")]
    Unsupported {
        /// The detected format.
        format: Format,
        /// What is missing.
        detail: String,
    },
    /// The text is not in any encoding we can decode.
    #[error("cannot decode text: {0}")]
    Encoding(String),
    /// The file is in a known format but its content is broken.
    #[error("malformed {format} file{}: {detail}", location.as_deref().map(|l| format!(" at {l}")).unwrap_or_default())]
    Malformed {
        /// The detected format.
        format: Format,
        /// Where, when known: "line 12", "row 3", "entry 4".
        location: Option<String>,
        /// What is wrong, in words a user can act on.
        detail: String,
    },
    /// The file parsed but holds no transactions or balances at all.
    #[error("no statement data found in this {0} file")]
    NoStatements(Format),
    /// A PDF needs a password and none was given.
    #[error("this PDF is password-protected; pass --password")]
    PdfPasswordRequired,
    /// The password given does not open the PDF.
    #[error("the password does not open this PDF")]
    PdfPasswordIncorrect,
    /// The document is a scan or photo and needs OCR, which this build or machine lacks.
    #[error("this document is a scan or photo and needs OCR: {0}")]
    OcrUnavailable(String),
    /// OCR ran but failed or ran over its time budget.
    #[error("OCR failed: {0}")]
    OcrFailed(String),
}

impl IngestError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::Empty => "empty_file",
            IngestError::TooLarge { .. } => "file_too_large",
            IngestError::UnknownFormat(_) => "unknown_format",
            IngestError::Unsupported { .. } => "unsupported_format",
            IngestError::Encoding(_) => "bad_encoding",
            IngestError::Malformed { .. } => "malformed_file",
            IngestError::NoStatements(_) => "no_statements",
            IngestError::PdfPasswordRequired => "pdf_password_required",
            IngestError::PdfPasswordIncorrect => "pdf_password_incorrect",
            IngestError::OcrUnavailable(_) => "ocr_unavailable",
            IngestError::OcrFailed(_) => "ocr_failed",
        }
    }

    /// Shorthand for a [`IngestError::Malformed`] error.
    pub fn malformed(format: Format, location: Option<String>, detail: impl Into<String>) -> Self {
        IngestError::Malformed {
            format,
            location,
            detail: detail.into(),
        }
    }
}
