//! One document's analysis: ingest → enrich → analytics, every profile at once.
//!
//! This is the same sequence as `ledgerlens analyze` (scores included), so the API answers byte for byte what the
//! CLI prints for the same file and options. All profiles are computed in one pass and stored:
//! the expensive part (parsing, enrichment) is shared, and reading a profile later is a lookup.
//! The statements and enriched transactions are stored beside them for the same reason.
//! Synchronous and CPU-bound: the worker runs it on the blocking pool.

use ledgerlens_analytics::{AnalysisOptions, Ledger, Prepared};
use ledgerlens_core::Forensics;
use ledgerlens_enrich::Enricher;
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_scoring::Profile;
use ledgerlens_scoring::config::ScoringConfig;
use ledgerlens_scoring::legitimacy::Evidence;
use serde::{Deserialize, Serialize};

/// The profiles an analysis can be read in (`?profile=`), as the CLI's `--profile`.
pub const PROFILES: [&str; 5] = ["native", "periculum", "finx", "xray", "envoyx"];

/// The stored body of a document's statements (account, period, balances, reconciliation).
/// Stored beside the profiles, but not a profile: `?profile=` does not offer it.
pub const STATEMENTS_BODY: &str = "statements";

/// The stored body of a document's enriched transactions, in ledger order.
pub const TRANSACTIONS_BODY: &str = "transactions";

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
    /// The analysis options these stand for (as of the statements' last day).
    pub fn analysis_options(&self) -> AnalysisOptions {
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
    /// A failure with a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Failure {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// A file read and enriched: what every analysis of it starts from.
///
/// Owns what a [`Ledger`] borrows, so the worker, the synchronous `POST /v1/analyze` and the
/// score and affordability runs share one reading step and cannot drift apart.
#[derive(Debug)]
pub struct ReadStatement {
    /// The statements merged per account and enriched.
    pub prepared: Prepared,
    /// PDF forensics of the file, when it has some.
    pub forensics: Option<Forensics>,
    /// The options the analysis runs with.
    pub options: AnalysisOptions,
}

impl ReadStatement {
    /// The ledger view; a file with nothing to analyse is a failure the client can act on.
    pub fn ledger(&self) -> Result<Ledger<'_>, Failure> {
        self.prepared.ledger(&self.options).ok_or_else(|| {
            Failure::new(
                "no_statements",
                "the file holds no transactions or balances to analyse",
            )
        })
    }

    /// What the legitimacy checks read besides the ledger.
    pub fn evidence(&self) -> Evidence<'_> {
        Evidence {
            forensics: self.forensics.iter().collect(),
            reconciliations: self
                .prepared
                .accounts
                .iter()
                .map(|(statement, _)| &statement.reconciliation)
                .collect(),
        }
    }

    /// One profile as the CLI prints it (a `Value` turned to text, so both write keys in the
    /// same order).
    pub fn profile_json(
        &self,
        ledger: &Ledger<'_>,
        profile: Profile,
        scoring: &ScoringConfig,
    ) -> Result<String, Failure> {
        ledgerlens_scoring::scored_profile(
            profile,
            ledger,
            &self.options,
            &self.evidence(),
            scoring,
        )
        .map(|value| value.to_string())
        .map_err(|e| Failure::new("scoring_failed", e.to_string()))
    }
}

/// Reads and enriches one file, telling `progress` (when there is one to tell) of steps 3 to 5
/// of spec 003.
pub fn read(
    filename: &str,
    bytes: &[u8],
    options: AnalysisOptions,
    password: Option<String>,
    read_options: &ReadOptions,
    enricher: &Enricher,
    progress: Option<&dyn Fn(u32)>,
) -> Result<ReadStatement, Failure> {
    let read_options = ReadOptions {
        password,
        ..read_options.clone()
    };
    let step = |n: u32| {
        if let Some(progress) = progress {
            progress(n);
        }
    };
    // Validation is the content sniffing the upload already passed; if it fails now (a file
    // changed under us), reading fails below with the precise code. Only a caller following
    // the steps pays for sniffing twice.
    if progress.is_some() && ledgerlens_ingest::sniff::detect(bytes).is_ok() {
        step(3);
    }
    let document = read_document(filename, bytes, &read_options)
        .map_err(|e| Failure::new(e.code(), e.to_string()))?;
    step(4);
    let prepared = Prepared::new(document.statements, enricher, &options);
    step(5);
    Ok(ReadStatement {
        prepared,
        forensics: document.forensics,
        options,
    })
}

/// Analyses one file: `(profile, JSON)` for every profile of [`PROFILES`], then the
/// [`STATEMENTS_BODY`] and [`TRANSACTIONS_BODY`] the listing endpoints page through.
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
    let read = read(
        filename,
        bytes,
        options.analysis_options(),
        password,
        read_options,
        enricher,
        Some(progress),
    )?;
    let ledger = read.ledger()?;
    // Revenue, cash flow, expenses and balances come out of this one analytics pass.
    for step in 6..=9 {
        progress(step);
    }
    let mut bodies = PROFILES
        .iter()
        .map(|name| {
            let profile = Profile::parse(name)
                .ok_or_else(|| Failure::new("internal_error", format!("profile {name}")))?;
            Ok((
                (*name).to_owned(),
                read.profile_json(&ledger, profile, scoring)?,
            ))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    bodies.push((
        STATEMENTS_BODY.to_owned(),
        crate::ledger_bodies::statements(&read.prepared).to_string(),
    ));
    bodies.push((
        TRANSACTIONS_BODY.to_owned(),
        crate::ledger_bodies::transactions(&ledger).to_string(),
    ));
    progress(10);
    Ok(bodies)
}
