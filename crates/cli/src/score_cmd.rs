//! `ledgerlens score FILE... [--scorecard my.toml]` and
//! `ledgerlens score --variables vars.json [--scorecard my.toml]`: spec 004's credit score.
//!
//! Statements go through exactly `analyze`'s reading and analysis (Periculum profile), then
//! [`ledgerlens_scoring::periculum_variables`], then the scorecard; `--variables` skips the
//! statements and scores given figures. The answer is spec 004's credit-score object followed
//! by `ruleResults` (machine codes) and `replay` (versions and hashes); `--spec-only` prints the
//! spec's seven fields alone.

use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use ledgerlens_analytics::profiles::periculum;
use ledgerlens_analytics::{AnalysisOptions, Prepared};
use ledgerlens_scoring::points::{Scorecard, ScorecardFormat, variables_from_json};
use ledgerlens_scoring::{ScoringError, periculum_variables};
use serde::Serialize;

use crate::analyze_cmd::{AnalyzeArgs, Profile, StatementTypeArg, read_all};
use crate::input::{InputError, read_limited};

/// The largest scorecard or variables file read (a scorecard of 10 000 rules is ~2 MB).
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Arguments of `score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Statement files of one applicant (as for `analyze`); not with `--variables`.
    #[arg(required_unless_present = "variables", conflicts_with = "variables")]
    pub files: Vec<String>,
    /// Score these variable values (JSON object keyed by variable name, e.g.
    /// `{"AccountActivity":0.35,"AccountSweep":"No"}`) instead of statements.
    #[arg(long, value_name = "FILE")]
    pub variables: Option<String>,
    /// Points scorecard (TOML, or JSON for `.json`); default: spec 004's rule set.
    #[arg(long, value_name = "FILE")]
    pub scorecard: Option<String>,
    /// Applicant's country (ISO 3166 alpha-2): rule packs of the analysis.
    #[arg(long)]
    pub country: Option<String>,
    /// Password for encrypted PDFs.
    #[arg(long)]
    pub password: Option<String>,
    /// The applicant's name as the lender knows it.
    #[arg(long)]
    pub account_holder: Option<String>,
    /// Consumer or business statement (default: from the holder's name).
    #[arg(long, value_enum)]
    pub statement_type: Option<StatementTypeArg>,
    /// The date the score is as of, YYYY-MM-DD (default: the statements' last day; none for
    /// `--variables`).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// OCR languages for scans and photos.
    #[arg(long, default_value = "eng")]
    pub ocr_lang: String,
    /// Print only spec 004's fields (no `ruleResults`, no `replay`).
    #[arg(long)]
    pub spec_only: bool,
    /// Pretty-print the JSON.
    #[arg(long)]
    pub pretty: bool,
}

/// Loads `--scorecard` (or the default); a bad one is bad input (exit 2, `bad_scorecard`), with
/// the message naming the rule.
pub(crate) fn load_scorecard(path: Option<&str>) -> Result<Scorecard> {
    let Some(path) = path else {
        return Ok(Scorecard::periculum_default()?);
    };
    let bytes = read_limited(path, MAX_CONFIG_BYTES)?;
    let bad = |message: String| InputError {
        file: path.to_owned(),
        code: "bad_scorecard",
        message,
    };
    let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".to_owned()))?;
    let name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    Scorecard::parse(&text, ScorecardFormat::of_file_name(path), &name).map_err(|e| {
        // The file is already named by the error line; keep the scorecard's own words.
        let message = e.to_string();
        let prefix = format!("scorecard {name}: ");
        bad(message
            .strip_prefix(&prefix)
            .map_or_else(|| message.clone(), str::to_owned))
        .into()
    })
}

/// Reads the statements as `analyze` does and builds the Periculum analysis; `None` only
/// through the error path (no transactions).
pub(crate) fn periculum_of(
    files: &[String],
    password: Option<&str>,
    options: &AnalysisOptions,
    ocr_lang: &str,
) -> Result<(periculum::PericulumAnalytics, NaiveDate)> {
    let args = AnalyzeArgs {
        files: files.to_vec(),
        password: password.map(str::to_owned),
        profile: Profile::Periculum,
        account_holder: options.account_holder_name.clone(),
        business_type: None,
        sector: None,
        country: options.country.clone(),
        statement_type: None,
        as_of: options.as_of,
        ocr_lang: ocr_lang.to_owned(),
        pretty: false,
        pdf: None,
        report_date: None,
    };
    let documents = read_all(&args)?;
    let statements = documents
        .into_iter()
        .flat_map(|document| document.statements)
        .collect();
    let enricher = ledgerlens_enrich::Enricher::builtin()?;
    let prepared = Prepared::new(statements, &enricher, options);
    let ledger = prepared.ledger(options).ok_or_else(|| InputError {
        file: files.join(", "),
        code: "no_statements",
        message: "the files hold no transactions or balances to analyse".to_owned(),
    })?;
    Ok((periculum::build(&ledger, options), ledger.as_of))
}

/// Analysis options from the shared flags.
pub(crate) fn analysis_options(
    country: Option<&str>,
    account_holder: Option<&str>,
    statement_type: Option<StatementTypeArg>,
    as_of: Option<NaiveDate>,
) -> AnalysisOptions {
    AnalysisOptions {
        as_of,
        account_holder_name: account_holder.map(str::to_owned),
        country: country.map(str::to_owned),
        statement_type: statement_type.map(|kind| match kind {
            StatementTypeArg::Consumer => ledgerlens_analytics::StatementType::Consumer,
            StatementTypeArg::Business => ledgerlens_analytics::StatementType::Business,
        }),
        ..AnalysisOptions::default()
    }
}

/// Writes one JSON value and a newline to stdout.
pub(crate) fn print_json<T: Serialize>(value: &T, pretty: bool) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if pretty {
        serde_json::to_writer_pretty(&mut out, value)?;
    } else {
        serde_json::to_writer(&mut out, value)?;
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Runs `score`.
pub fn run(args: &ScoreArgs) -> Result<()> {
    let scorecard = load_scorecard(args.scorecard.as_deref())?;
    let (variables, as_of) = if let Some(path) = &args.variables {
        let bytes = read_limited(path, MAX_CONFIG_BYTES)?;
        let text = String::from_utf8_lossy(&bytes);
        let variables = variables_from_json(&text).map_err(|e| InputError {
            file: path.clone(),
            code: "bad_variables",
            message: match e {
                ScoringError::Variables(message) => message,
                other => other.to_string(),
            },
        })?;
        (variables, args.as_of)
    } else {
        let options = analysis_options(
            args.country.as_deref(),
            args.account_holder.as_deref(),
            args.statement_type,
            args.as_of,
        );
        let (analytics, as_of) = periculum_of(
            &args.files,
            args.password.as_deref(),
            &options,
            &args.ocr_lang,
        )?;
        (periculum_variables(&analytics), Some(as_of))
    };
    let result = scorecard.evaluate(&variables, as_of);
    if args.spec_only {
        print_json(&result.credit_score, args.pretty)
    } else {
        print_json(&result, args.pretty)
    }
}
