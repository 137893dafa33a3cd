//! Document forensics: structured findings about how a file was made and edited, kept with the
//! document for the legitimacy verdict that scoring gives later.
//!
//! Each finding carries a stable code, a severity and a reason in plain words, so an analyst can
//! read why a statement looks tampered with without knowing PDF internals.

use serde::Serialize;

/// How much a finding should weigh.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; not a sign of tampering by itself.
    Info,
    /// Unusual for a genuine bank statement.
    Warning,
    /// Strong sign of editing or fabrication.
    Critical,
}

/// One forensic observation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable machine code, e.g. `incremental_update`, `odd_font`, `text_over_image`.
    pub code: String,
    /// Weight.
    pub severity: Severity,
    /// Plain-language reason an analyst can read.
    pub reason: String,
    /// 1-based page the finding is about, when it is about one page.
    pub page: Option<u32>,
}

/// What is known about how a document was produced, plus the findings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Forensics {
    /// PDF Producer (the library that wrote the file).
    pub producer: Option<String>,
    /// PDF Creator (the application).
    pub creator: Option<String>,
    /// Creation date as written in the file.
    pub created: Option<String>,
    /// Modification date as written in the file.
    pub modified: Option<String>,
    /// Number of incremental updates appended after the original file (edits after creation).
    pub incremental_updates: u32,
    /// Whether the file was encrypted.
    pub encrypted: bool,
    /// Number of pages.
    pub pages: u32,
    /// Font names used on each page (index 0 = page 1).
    pub fonts_per_page: Vec<Vec<String>>,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
}
