//! `ledgerlens parse FILE...`

use crate::engines::Engines;
use crate::input::{InputError, display_name, read_limited};
use crate::output;
use anyhow::Result;
use clap::{Args, ValueEnum};
use ledgerlens_core::{Currency, Document, Format, merge_statements};
use ledgerlens_ingest::{DEFAULT_MAX_BYTES, DateOrder, ReadOptions, read_document, sniff};

/// Output encodings of `parse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputKind {
    /// The documented JSON (docs/parse-json.md).
    Json,
    /// One row per transaction: date,value_date,description,amount,balance,currency,account,
    /// then the enrichment: category_primary,category_detailed,counterparty,channel,confidence.
    Csv,
}

/// Day/month order for genuinely ambiguous files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    /// 31/12/2024
    Dmy,
    /// 12/31/2024
    Mdy,
}

/// Arguments of `parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Statement files (any supported format; detected from content). `-` reads stdin.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Password for encrypted PDFs.
    #[arg(long)]
    pub password: Option<String>,
    /// Output encoding.
    #[arg(long, value_enum, default_value = "json")]
    pub output: OutputKind,
    /// Show account numbers and IBANs in full (masked by default).
    #[arg(long)]
    pub reveal_account: bool,
    /// ISO-4217 currency to assume when a file states none.
    #[arg(long)]
    pub currency: Option<String>,
    /// Day/month order to assume when a file's dates cannot decide it.
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrderArg>,
    /// Largest file accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Pretty-print the JSON.
    #[arg(long)]
    pub pretty: bool,
    /// OCR languages for scans and photos, tesseract style (`eng`, `eng+fra`).
    #[arg(long, default_value = "eng")]
    pub ocr_lang: String,
    /// Country of the account (ISO 3166 alpha-2) for categorisation: selects the country
    /// rule packs (default: chosen by the statement's currency).
    #[arg(long)]
    pub country: Option<String>,
    /// After the output, print the run's wall time and peak memory on stderr
    /// (`elapsed_ms=… peak_rss_kib=…`).
    #[arg(long)]
    pub stats: bool,
}

/// Runs `parse`. The PDF and OCR engines are bound on the first file that needs them (see
/// [`Engines`]).
pub fn run(args: &ParseArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let outcome = parse_and_write(args);
    if args.stats {
        eprintln!(
            "ledgerlens: stats elapsed_ms={} peak_rss_kib={}",
            started.elapsed().as_millis(),
            peak_rss_kib().map_or_else(|| "unknown".to_owned(), |k| k.to_string())
        );
    }
    outcome
}

/// The process's high-water resident set (Linux `VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn parse_and_write(args: &ParseArgs) -> Result<()> {
    let mut options = read_options(args)?;
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
    let merged = if documents.len() > 1 {
        Some(merge_statements(all_statements(&documents)))
    } else {
        None
    };
    let enricher = ledgerlens_enrich::Enricher::builtin()?;
    let enrichments = output::enrich_all(
        &enricher,
        &documents,
        merged.as_deref(),
        args.country.as_deref(),
    );
    let view = ledgerlens_core::view::ViewOptions {
        reveal_account: args.reveal_account,
    };
    // Stdout is line-buffered with a 1 KiB buffer: a 100 000-row ledger would be tens of
    // thousands of write calls without a larger buffer of our own.
    let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match args.output {
        OutputKind::Json => output::write_json(
            stdout,
            &documents,
            merged.as_deref(),
            &enrichments,
            view,
            args.pretty,
        ),
        OutputKind::Csv => {
            output::write_csv(stdout, &documents, merged.as_deref(), &enrichments, view)
        }
    }
}

fn all_statements(documents: &[Document]) -> Vec<ledgerlens_core::Statement> {
    documents
        .iter()
        .flat_map(|d| d.statements.iter().cloned())
        .collect()
}

fn read_options(args: &ParseArgs) -> Result<ReadOptions> {
    let default_currency = match &args.currency {
        Some(code) => Some(Currency::parse(code).map_err(|e| InputError {
            file: "--currency".to_owned(),
            code: "bad_argument",
            message: e.to_string(),
        })?),
        None => None,
    };
    Ok(ReadOptions {
        password: args.password.clone(),
        default_currency,
        date_order_hint: args.date_order.map(|o| match o {
            DateOrderArg::Dmy => DateOrder::DayFirst,
            DateOrderArg::Mdy => DateOrder::MonthFirst,
        }),
        max_bytes: args.max_bytes,
        ..ReadOptions::default()
    })
}
