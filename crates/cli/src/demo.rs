//! `ledgerlens demo`: the README's first command. It writes a sample statement in every supported
//! format, reads each back through the full ingestion path, and prints what was found; then runs
//! the main job through the service on the embedded defaults (see `demo_service`), so a new user
//! sees the whole job run on a fresh machine without any customer data.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ledgerlens_core::{Currency, ReconciliationStatus};
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_synth::pdf::{Layout, RenderOptions, render, sample_statement};
use ledgerlens_synth::{GenerateOptions, generate};

use crate::input::InputError;
use crate::sample_cmd::SampleFormat;

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the generated statements (created if missing).
    #[arg(long, default_value = "ledgerlens-demo")]
    pub dir: PathBuf,
    /// Transactions per statement.
    #[arg(long, default_value_t = 250)]
    pub transactions: usize,
}

/// Runs `demo`.
pub fn run(args: &DemoArgs) -> Result<()> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let currency = Currency::parse("NGN")?;
    let statement = generate(&GenerateOptions {
        transactions: args.transactions.min(100_000),
        currency,
        ..GenerateOptions::default()
    });
    println!(
        "{:<28} {:<22} {:>6} {:>16} {:>16} {:<12} {:>7}",
        "file", "detected format", "rows", "opening", "closing", "reconciled", "sanity"
    );
    let mut failures = 0;
    for format in SampleFormat::value_variants() {
        let output = format.output_format();
        let name = format!(
            "sample-{}.{}",
            format
                .to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default(),
            output.extension()
        );
        let path = args.dir.join(&name);
        let bytes = ledgerlens_synth::write(output, &statement);
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        failures += read_and_show(&name, &bytes, &ReadOptions::default())?;
    }
    failures += pdf_samples(args, &statement)?;
    println!(
        "\nStatements written to {}; try: ledgerlens parse {}/sample-mt940.sta --pretty",
        args.dir.display(),
        args.dir.display()
    );
    crate::demo_service::run(&args.dir)?;
    if failures > 0 {
        anyhow::bail!("{failures} statements failed to reconcile");
    }
    Ok(())
}

/// Reads one file and prints a line per statement; returns how many failed to reconcile.
fn read_and_show(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<usize> {
    let document =
        read_document(name, bytes, options).map_err(|e| InputError::from_ingest(name, &e))?;
    let mut failures = 0;
    for s in &document.statements {
        let status = match s.reconciliation.status {
            ReconciliationStatus::Reconciled => "yes",
            ReconciliationStatus::Breaks => "BREAKS",
            ReconciliationStatus::Unverifiable => "no balances",
        };
        if s.reconciliation.status == ReconciliationStatus::Breaks {
            failures += 1;
        }
        let show = |a: Option<ledgerlens_core::Amount>| {
            a.map_or_else(|| "-".to_owned(), |a| a.to_string())
        };
        let sanity = s
            .reconciliation
            .data_sanity
            .map_or_else(|| "-".to_owned(), |d| format!("{d}%"));
        println!(
            "{:<28} {:<22} {:>6} {:>16} {:>16} {:<12} {:>7}",
            name,
            document.format.name(),
            s.transactions.len(),
            show(s.opening_balance),
            show(s.closing_balance),
            status,
            sanity
        );
    }
    Ok(failures)
}

/// The same kind of ledger printed as a PDF in every bank-like layout, read back through the PDF
/// engine — when libpdfium is installed (`scripts/ensure-pdfium`); otherwise says so and goes on.
fn pdf_samples(args: &DemoArgs, statement: &ledgerlens_core::Statement) -> Result<usize> {
    // The product's engine: our extractor, with pdfium behind it for what it declines.
    let engine = match ledgerlens_pdf::PdfiumEngine::load(None) {
        Ok(pdfium) => std::sync::Arc::new(ledgerlens_pdf::TextPdfEngine::new(pdfium)),
        Err(e) => {
            println!(
                "(PDF samples skipped: {})",
                e.to_string().lines().last().unwrap_or_default()
            );
            return Ok(0);
        }
    };
    let options = ReadOptions {
        pdf_engine: Some(engine),
        ..ReadOptions::default()
    };
    let mut failures = 0;
    for layout in Layout::ALL {
        let ledger = sample_statement(layout, 42, statement.transactions.len().min(2_000));
        let bytes = render(&ledger, layout, &RenderOptions::default());
        let name = format!("sample-{}.pdf", layout.name());
        let path = args.dir.join(&name);
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        failures += read_and_show(&name, &bytes, &options)?;
    }
    Ok(failures)
}
