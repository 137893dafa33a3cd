//! `ledgerlens sample`: a synthetic statement in any format, for trying ledgerlens without real
//! customer data.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ledgerlens_core::Currency;
use ledgerlens_synth::write::{CsvDialect, OutputFormat};
use ledgerlens_synth::{GenerateOptions, generate};

use crate::input::InputError;

/// Formats `sample` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SampleFormat {
    /// English CSV, signed amounts.
    Csv,
    /// French semicolon CSV, débit/crédit columns, Windows-1252.
    CsvFr,
    /// German CSV, newest first, preamble with balances.
    CsvDe,
    /// US tab-separated, CR/DR marker, UTF-16.
    CsvUs,
    /// Spanish CSV, parentheses for debits.
    CsvEs,
    /// Excel workbook.
    Xlsx,
    /// Quicken QIF.
    Qif,
    /// OFX 1.02 (SGML).
    Ofx1,
    /// OFX 2.2 (XML).
    Ofx2,
    /// SWIFT MT940.
    Mt940,
    /// ISO 20022 camt.053.
    Camt053,
    /// Periculum JSON.
    Periculum,
    /// Mono JSON.
    Mono,
    /// Okra JSON.
    Okra,
    /// Dojah JSON.
    Dojah,
    /// MyBankStatement JSON.
    Mybankstatement,
}

impl SampleFormat {
    /// The writer behind a sample format.
    pub fn output_format(self) -> OutputFormat {
        match self {
            SampleFormat::Csv => OutputFormat::Csv(CsvDialect::EnglishSigned),
            SampleFormat::CsvFr => OutputFormat::Csv(CsvDialect::FrenchDebitCredit),
            SampleFormat::CsvDe => OutputFormat::Csv(CsvDialect::GermanNewestFirst),
            SampleFormat::CsvUs => OutputFormat::Csv(CsvDialect::UsTabCrDr),
            SampleFormat::CsvEs => OutputFormat::Csv(CsvDialect::SpanishParentheses),
            SampleFormat::Xlsx => OutputFormat::Xlsx,
            SampleFormat::Qif => OutputFormat::Qif,
            SampleFormat::Ofx1 => OutputFormat::Ofx1,
            SampleFormat::Ofx2 => OutputFormat::Ofx2,
            SampleFormat::Mt940 => OutputFormat::Mt940,
            SampleFormat::Camt053 => OutputFormat::Camt053,
            SampleFormat::Periculum => OutputFormat::Periculum,
            SampleFormat::Mono => OutputFormat::Mono,
            SampleFormat::Okra => OutputFormat::Okra,
            SampleFormat::Dojah => OutputFormat::Dojah,
            SampleFormat::Mybankstatement => OutputFormat::MyBankStatement,
        }
    }
}

/// Arguments of `sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: SampleFormat,
    /// Number of transactions.
    #[arg(long, default_value_t = 120)]
    pub transactions: usize,
    /// Random seed; the same seed gives the same statement.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// ISO-4217 currency.
    #[arg(long, default_value = "NGN")]
    pub currency: String,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<std::path::PathBuf>,
}

/// Upper bound on generated transactions: enough for any benchmark, small enough to fit in memory.
const MAX_SAMPLE_TRANSACTIONS: usize = 5_000_000;

/// Runs `sample`.
pub fn run(args: &SampleArgs) -> Result<()> {
    let currency = Currency::parse(&args.currency).map_err(|e| InputError {
        file: "--currency".to_owned(),
        code: "bad_argument",
        message: e.to_string(),
    })?;
    if args.transactions > MAX_SAMPLE_TRANSACTIONS {
        return Err(InputError {
            file: "--transactions".to_owned(),
            code: "bad_argument",
            message: format!("at most {MAX_SAMPLE_TRANSACTIONS} transactions"),
        }
        .into());
    }
    let statement = generate(&GenerateOptions {
        seed: args.seed,
        transactions: args.transactions,
        currency,
        ..GenerateOptions::default()
    });
    let bytes = ledgerlens_synth::write(args.format.output_format(), &statement);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(())
}
