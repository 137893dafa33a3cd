//! One document's analysis: ingest → enrich → analytics, every profile at once.
//!
//! This is the same sequence as `ledgerlens analyze` (scores included), so the API answers byte for byte what the
//! CLI prints for the same file and options. All profiles are computed in one pass and stored:
//! the expensive part (parsing, enrichment) is shared, and reading a profile later is a lookup.
//! Synchronous and CPU-bound: the worker runs it on the blocking pool.

use ledgerlens_analytics::{AnalysisOptions, Prepared};
use ledgerlens_enrich::Enricher;
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_scoring::Profile;
use ledgerlens_scoring::config::ScoringConfig;
use ledgerlens_scoring::legitimacy::Evidence;
use serde::{Deserialize, Serialize};

/// The profiles an analysis can be read in (`?profile=`), as the CLI's `--profile`.
pub const PROFILES: [&str; 5] = ["native", "periculum", "finx", "xray", "envoyx"];

/// What the client said about the applicant at upload; stored with the document as JSON.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DocumentOptions {
    /// The applicant's name as the lender knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_holder_name: Option<String>,
    /// Declared business type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_type: Option<String>,
    /// Declared sector (NACE code or text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// ISO 3166 alpha-2 country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl DocumentOptions {
    fn analysis_options(&self) -> AnalysisOptions {
        AnalysisOptions {
            account_holder_name: self.account_holder_name.clone(),
            business_type: self.business_type.clone(),
            sector: self.sector.clone(),
            country: self.country.clone(),
            ..AnalysisOptions::default()
        }
    }
}

/// Why a document could not be analysed: a stable code (the CLI's codes) and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Stable machine code.
    pub code: String,
    /// Human message.
    pub message: String,
}

impl Failure {
    fn new(code: &str, message: impl Into<String>) -> Self {
        Failure {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// Analyses one file: `(profile, JSON)` for every profile of [`PROFILES`].
///
/// `progress` is told each step of spec 003 this part of the pipeline completes (3 to 10, see
/// [`crate::progress::STEPS`]): it runs on the blocking pool, so it only forwards the number.
#[allow(
    clippy::too_many_arguments,
    reason = "the pipeline's inputs, each needed once"
)]
pub fn analyse(
    filename: &str,
    bytes: &[u8],
    options: &DocumentOptions,
    password: Option<String>,
    read_options: &ReadOptions,
    enricher: &Enricher,
    scoring: &ScoringConfig,
    progress: &dyn Fn(u32),
) -> Result<Vec<(String, String)>, Failure> {
    let read_options = ReadOptions {
        password,
        ..read_options.clone()
    };
    // Validation is the content sniffing the upload already passed; if it fails now (a file
    // changed under us), reading fails below with the precise code.
    if ledgerlens_ingest::sniff::detect(bytes).is_ok() {
        progress(3);
    }
    let document = read_document(filename, bytes, &read_options)
        .map_err(|e| Failure::new(e.code(), e.to_string()))?;
    progress(4);
    let forensics = document.forensics;
    let options = options.analysis_options();
    let prepared = Prepared::new(document.statements, enricher, &options);
    progress(5);
    let ledger = prepared.ledger(&options).ok_or_else(|| {
        Failure::new(
            "no_statements",
            "the file holds no transactions or balances to analyse",
        )
    })?;
    // Revenue, cash flow, expenses and balances come out of this one analytics pass.
    for step in 6..=9 {
        progress(step);
    }
    let evidence = Evidence {
        forensics: forensics.iter().collect(),
        reconciliations: prepared
            .accounts
            .iter()
            .map(|(statement, _)| &statement.reconciliation)
            .collect(),
    };
    let scored = PROFILES
        .iter()
        .map(|name| {
            let profile = Profile::parse(name)
                .ok_or_else(|| Failure::new("internal_error", format!("profile {name}")))?;
            // As the CLI prints it: a `Value`, so both write keys in the same order.
            let value =
                ledgerlens_scoring::scored_profile(profile, &ledger, &options, &evidence, scoring)
                    .map_err(|e| Failure::new("scoring_failed", e.to_string()))?;
            Ok(((*name).to_owned(), value.to_string()))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    progress(10);
    Ok(scored)
}
