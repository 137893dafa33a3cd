//! `ledgerlens analyze FILE... --profile native|periculum|finx|xray|envoyx`

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use ledgerlens_analytics::{AnalysisOptions, Prepared, StatementType};
use ledgerlens_core::{Document, Format};
use ledgerlens_ingest::{ReadOptions, read_document, sniff};
use ledgerlens_scoring::Profile as ScoredProfile;

use crate::engines::Engines;
use crate::input::{InputError, display_name, read_limited};

/// The shapes `analyze` can answer in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// Our own complete shape (docs/analytics.md).
    Native,
    /// Periculum Insights' statement analytics.
    Periculum,
    /// finleap finX risk report.
    Finx,
    /// Sopra Bank X-Ray report body.
    Xray,
    /// EnvoyX bank statement analysis.
    Envoyx,
}

/// Consumer or business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatementTypeArg {
    /// A person's account.
    Consumer,
    /// A business's account.
    Business,
}

/// Arguments of `analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Statement files of one applicant (any supported format); several files of one account are
    /// merged, several accounts are analysed together.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Password for encrypted PDFs.
    #[arg(long)]
    pub password: Option<String>,
    /// The shape of the answer.
    #[arg(long, value_enum, default_value = "native")]
    pub profile: Profile,
    /// The applicant's name as the lender knows it (name matching).
    #[arg(long)]
    pub account_holder: Option<String>,
    /// Declared business type (e.g. clinic, pharmacy, retail).
    #[arg(long)]
    pub business_type: Option<String>,
    /// Declared sector (NACE code or text).
    #[arg(long)]
    pub sector: Option<String>,
    /// Applicant's country (ISO 3166 alpha-2): rule packs and benchmarks.
    #[arg(long)]
    pub country: Option<String>,
    /// Consumer or business statement (default: from the holder's name).
    #[arg(long, value_enum)]
    pub statement_type: Option<StatementTypeArg>,
    /// The date the analysis is as of, YYYY-MM-DD (default: the last day covered).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// OCR languages for scans and photos.
    #[arg(long, default_value = "eng")]
    pub ocr_lang: String,
    /// Pretty-print the JSON.
    #[arg(long)]
    pub pretty: bool,
    /// Also write the PDF report of the native analysis to this path (docs/report.md).
    #[arg(long, value_name = "PATH")]
    pub pdf: Option<std::path::PathBuf>,
    /// The generation date printed on the PDF report, YYYY-MM-DD (default: today, UTC).
    #[arg(long, requires = "pdf")]
    pub report_date: Option<NaiveDate>,
}

impl AnalyzeArgs {
    fn options(&self) -> AnalysisOptions {
        AnalysisOptions {
            as_of: self.as_of,
            account_holder_name: self.account_holder.clone(),
            business_type: self.business_type.clone(),
            sector: self.sector.clone(),
            country: self.country.clone(),
            statement_type: self.statement_type.map(|kind| match kind {
                StatementTypeArg::Consumer => StatementType::Consumer,
                StatementTypeArg::Business => StatementType::Business,
            }),
        }
    }
}

/// Reads every file as `parse` does.
pub(crate) fn read_all(args: &AnalyzeArgs) -> Result<Vec<Document>> {
    let mut options = ReadOptions {
        password: args.password.clone(),
        ..ReadOptions::default()
    };
    let mut engines = Engines::default();
    let mut documents = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let bytes = read_limited(path, options.max_bytes)?;
        let format = sniff::detect(&bytes).unwrap_or(Format::Csv);
        engines.prepare(format, &mut options, &args.ocr_lang);
        let document = read_document(&display_name(path), &bytes, &options).map_err(|e| {
            let mut error = InputError::from_ingest(path, &e);
            if let Some(why) = engines.explain(&e, format) {
                error.message = format!("{} ({why})", error.message);
            }
            error
        })?;
        documents.push(document);
    }
    Ok(documents)
}

/// Runs `analyze`.
pub fn run(args: &AnalyzeArgs) -> Result<()> {
    let documents = read_all(args)?;
    let forensics: Vec<ledgerlens_core::Forensics> = documents
        .iter()
        .filter_map(|document| document.forensics.clone())
        .collect();
    let statements = documents
        .into_iter()
        .flat_map(|document| document.statements)
        .collect();
    let options = args.options();
    let enricher = ledgerlens_enrich::Enricher::builtin()?;
    let prepared = Prepared::new(statements, &enricher, &options);
    let ledger = prepared.ledger(&options).ok_or_else(|| InputError {
        file: args.files.join(", "),
        code: "no_statements",
        message: "the files hold no transactions or balances to analyse".to_owned(),
    })?;
    let evidence = ledgerlens_scoring::legitimacy::Evidence {
        forensics: forensics.iter().collect(),
        reconciliations: prepared
            .accounts
            .iter()
            .map(|(statement, _)| &statement.reconciliation)
            .collect(),
    };
    let profile = match args.profile {
        Profile::Native => ScoredProfile::Native,
        Profile::Periculum => ScoredProfile::Periculum,
        Profile::Finx => ScoredProfile::Finx,
        Profile::Xray => ScoredProfile::Xray,
        Profile::Envoyx => ScoredProfile::Envoyx,
    };
    let config = ledgerlens_scoring::config::ScoringConfig::default();
    let value = ledgerlens_scoring::scored_profile(profile, &ledger, &options, &evidence, &config)?;
    if let Some(path) = &args.pdf {
        let native = match profile {
            ScoredProfile::Native => value.clone(),
            _ => ledgerlens_scoring::scored_profile(
                ScoredProfile::Native,
                &ledger,
                &options,
                &evidence,
                &config,
            )?,
        };
        write_report(
            args,
            path,
            native,
            ledgerlens_report::transactions_of(&ledger),
        )?;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.pretty {
        serde_json::to_writer_pretty(&mut out, &value)?;
    } else {
        serde_json::to_writer(&mut out, &value)?;
    }
    use std::io::Write;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes the PDF report: the applicant is `--account-holder`, else the statement's holder.
fn write_report(
    args: &AnalyzeArgs,
    path: &std::path::Path,
    native: serde_json::Value,
    transactions: Vec<ledgerlens_report::ReportTransaction>,
) -> Result<()> {
    let applicant = args
        .account_holder
        .clone()
        .or_else(|| {
            native
                .pointer("/accounts/0/holder")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| args.files.join(", "));
    // The command line is the one place that may read the clock; the report itself never does.
    let generated_on = args.report_date.unwrap_or_else(|| {
        chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive()
    });
    let input = ledgerlens_report::ReportInput::from_analysis(
        applicant,
        native,
        transactions,
        generated_on,
    )?;
    let bytes = ledgerlens_report::render_pdf(&input)?;
    std::fs::write(path, bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}
