//! `ledgerlens bench`: the PDF and OCR figures the project promises, measured on generated
//! statements whose truth is known, on the machine it runs on.
//!
//! - `bench pdf`: text-PDF pages per second on one core (words, table, reconciliation) with the
//!   engine the product uses (our own extractor, pdfium behind it) and with pdfium alone, the
//!   same files through `pdftotext -layout` when poppler is installed, and the peak memory of a
//!   whole `ledgerlens parse` process on a 50-page statement.
//! - `bench ocr`: scanned statements at several resolutions, read back through OCR: seconds per
//!   page on one core, and how many amounts and whole rows come back exact.
//!
//! Medians of repeated runs are reported, never a single timing.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use ledgerlens_core::{Amount, Statement};
use ledgerlens_ingest::pdf::{OcrLimits, PdfEngine, PdfLimits};
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_ocr::Tesseract;
use ledgerlens_pdf::{PdfiumEngine, TextPdfEngine};
use ledgerlens_synth::pdf::{Layout, RenderOptions, render, sample_statement};
use ledgerlens_synth::scan::{ScanOptions, image_pdf};

use crate::synth_cmd::scan_pages;

/// Arguments of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[command(subcommand)]
    pub what: BenchWhat,
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchWhat {
    /// Text PDFs: pages/s on one core, against pdftotext -layout, and peak memory.
    Pdf {
        /// Pages of the long statement (its peak memory is measured too).
        #[arg(long, default_value_t = 50)]
        pages: usize,
        /// Timed runs per measurement (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Scans: OCR seconds per page and accuracy at each resolution.
    Ocr {
        /// Resolutions, dpi.
        #[arg(long, value_delimiter = ',', default_value = "150,200,300")]
        dpi: Vec<u32>,
        /// Statements per layout at each resolution.
        #[arg(long, default_value_t = 2)]
        statements: u64,
        /// Transactions per statement.
        #[arg(long, default_value_t = 60)]
        transactions: usize,
        /// OCR processes at once (1 = the one-core figure).
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// Only these layouts (by name: ng, ng-courier, uk, fr, us); all when empty.
        #[arg(long, value_delimiter = ',')]
        layout: Vec<String>,
    },
}

/// Runs `bench`.
pub fn run(args: &BenchArgs) -> Result<()> {
    match &args.what {
        BenchWhat::Pdf { pages, runs } => bench_pdf(*pages, (*runs).max(1)),
        BenchWhat::Ocr {
            dpi,
            statements,
            transactions,
            workers,
            layout,
        } => bench_ocr(dpi, *statements, *transactions, *workers, layout),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn pdf_engine() -> Result<Arc<PdfiumEngine>> {
    PdfiumEngine::load(None).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Median seconds of `read_document` over `runs`, and the pages the last read counted.
fn time_read(pdf: &[u8], options: &ReadOptions, runs: usize) -> Result<(f64, usize)> {
    let mut count = 0usize;
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let document = read_document("bench.pdf", pdf, options)?;
        times.push(started.elapsed().as_secs_f64());
        count = document.forensics.as_ref().map_or(0, |f| f.pages as usize);
    }
    Ok((median(times), count))
}

fn bench_pdf(pages: usize, runs: usize) -> Result<()> {
    let pdfium = pdf_engine()?;
    let engine = Arc::new(TextPdfEngine::new(pdfium.clone()));
    let options = ReadOptions {
        pdf_engine: Some(engine.clone() as Arc<dyn PdfEngine>),
        ..ReadOptions::default()
    };
    let pdfium_options = ReadOptions {
        pdf_engine: Some(pdfium as Arc<dyn PdfEngine>),
        ..ReadOptions::default()
    };
    let dir = std::env::temp_dir().join(format!("ledgerlens-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!("text PDFs, one core (median of {runs} runs)");
    println!(
        "layout      pages  ledgerlens pages/s  (pdfium only)  pdftotext -layout pages/s  ratio"
    );
    let mut long_file = None;
    for layout in Layout::ALL {
        // About 60 rows a page in every layout.
        let statement = sample_statement(layout, 7, pages.saturating_mul(60).max(60));
        let pdf = render(&statement, layout, &RenderOptions::default());
        let path = dir.join(format!("{}.pdf", layout.name()));
        std::fs::write(&path, &pdf)?;
        // Say so when the product engine handed this file to pdfium: its figure is pdfium's.
        let native = matches!(
            engine.extract_native(&pdf, &PdfLimits::default()),
            Ok(Ok(_))
        );
        let (ours, count) = time_read(&pdf, &options, runs)?;
        let (theirs_pdfium, _) = time_read(&pdf, &pdfium_options, runs)?;
        let theirs = time_pdftotext(&path, runs);
        #[allow(clippy::cast_precision_loss)]
        let (n, ours_rate) = (count as f64, count as f64 / ours);
        let pdfium_rate = n / theirs_pdfium;
        let marker = if native { "" } else { " (declined: pdfium)" };
        match theirs {
            Some(t) => println!(
                "{:<11} {count:>5}  {ours_rate:>18.0}  {pdfium_rate:>13.0}  {:>25.0}  {:>5.2}×{marker}",
                layout.name(),
                n / t,
                ours_rate / (n / t)
            ),
            None => println!(
                "{:<11} {count:>5}  {ours_rate:>18.0}  {pdfium_rate:>13.0}  {:>25}{marker}",
                layout.name(),
                "(pdftotext not installed)"
            ),
        }
        if layout == Layout::Nigerian {
            long_file = Some((path, count));
        }
    }
    if let Some((path, count)) = long_file {
        let (peak, elapsed) = peak_memory(&path)?;
        println!(
            "peak memory of `ledgerlens parse` on the {count}-page statement: {:.1} MiB ({elapsed} ms)",
            peak / 1024.0
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Median seconds of `pdftotext -layout FILE -` on the file, or `None` without poppler.
fn time_pdftotext(path: &std::path::Path, runs: usize) -> Option<f64> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new("pdftotext")
            .arg("-layout")
            .arg(path)
            .arg("-")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        times.push(started.elapsed().as_secs_f64());
    }
    Some(median(times))
}

/// Peak resident memory (KiB) and wall time of a whole `ledgerlens parse` process, as that
/// process reports them itself (`parse --stats`).
fn peak_memory(path: &std::path::Path) -> Result<(f64, u64)> {
    let exe = std::env::current_exe()?;
    let output = Command::new(exe)
        .arg("parse")
        .arg("--stats")
        .arg(path)
        .stdout(Stdio::null())
        .output()
        .context("running ledgerlens parse --stats")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let field = |name: &str| {
        stderr
            .split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .and_then(|v| v.parse::<f64>().ok())
    };
    match (field("peak_rss_kib="), field("elapsed_ms=")) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (Some(peak), Some(ms)) => Ok((peak, ms as u64)),
        _ => bail!("parse --stats reported no figures: {stderr}"),
    }
}

/// How much of a true ledger a reading got exactly: each true row matched at most once.
#[derive(Debug, Default, Clone, Copy)]
pub struct Agreement {
    /// Rows in the truth.
    pub rows: usize,
    /// True amounts found among the amounts read.
    pub amounts: usize,
    /// True (date, amount, balance) rows found among the rows read.
    pub exact_rows: usize,
}

/// Compares a reading with the truth as multisets: a missed row costs one, an extra row costs
/// nothing here (it breaks reconciliation, which is reported separately).
pub fn agreement(truth: &Statement, read: &[&Statement]) -> Agreement {
    let mut amounts: HashMap<Amount, usize> = HashMap::new();
    let mut rows: HashMap<(chrono::NaiveDate, Amount, Option<Amount>), usize> = HashMap::new();
    for t in read.iter().flat_map(|s| s.transactions.iter()) {
        *amounts.entry(t.amount).or_default() += 1;
        *rows.entry((t.date, t.amount, t.balance)).or_default() += 1;
    }
    let mut out = Agreement {
        rows: truth.transactions.len(),
        ..Agreement::default()
    };
    for t in &truth.transactions {
        if let Some(n) = amounts.get_mut(&t.amount).filter(|n| **n > 0) {
            *n -= 1;
            out.amounts += 1;
        }
        if let Some(n) = rows
            .get_mut(&(t.date, t.amount, t.balance))
            .filter(|n| **n > 0)
        {
            *n -= 1;
            out.exact_rows += 1;
        }
    }
    out
}

fn bench_ocr(
    dpis: &[u32],
    statements: u64,
    transactions: usize,
    workers: usize,
    only: &[String],
) -> Result<()> {
    let layouts: Vec<Layout> = Layout::ALL
        .into_iter()
        .filter(|l| only.is_empty() || only.iter().any(|n| n == l.name()))
        .collect();
    if layouts.is_empty() {
        bail!("no layout is named {}", only.join(", "));
    }
    let engine = pdf_engine()?;
    let ocr = Tesseract::locate("eng").map_err(|e| anyhow::anyhow!("{e}"))?;
    let options = ReadOptions {
        pdf_engine: Some(engine.clone() as Arc<dyn PdfEngine>),
        ocr_engine: Some(Arc::new(ocr)),
        ocr_limits: OcrLimits {
            workers: workers.max(1),
            ..OcrLimits::default()
        },
        ..ReadOptions::default()
    };
    println!(
        "scanned statements (skew 0.7°, noise σ 6, dust, blur), {} layouts × {statements}, OCR with {} worker(s)",
        layouts.len(),
        workers.max(1)
    );
    println!("dpi   pages  s/page  amounts exact  rows exact (date, amount, balance)  reconciled");
    for &dpi in dpis {
        let (mut pages, mut seconds) = (0usize, 0f64);
        let mut total = Agreement::default();
        let mut reconciled = 0usize;
        let mut count = 0usize;
        let mut failures = Vec::new();
        let mut by_layout: Vec<(&'static str, Agreement)> = Vec::new();
        for &layout in &layouts {
            let mut mine = Agreement::default();
            for seed in 1..=statements {
                let truth = sample_statement(layout, seed, transactions);
                let pdf = render(&truth, layout, &RenderOptions::default());
                let scan = ScanOptions {
                    seed,
                    ..ScanOptions::default()
                };
                let scanned = scan_pages(engine.as_ref(), &pdf, None, dpi, &scan)?;
                pages += scanned.len();
                let file = image_pdf(&scanned, dpi);
                drop(scanned);
                let started = Instant::now();
                let read = read_document("scan.pdf", &file, &options);
                seconds += started.elapsed().as_secs_f64();
                count += 1;
                match read {
                    Ok(document) => {
                        let statements: Vec<&Statement> = document.statements.iter().collect();
                        let a = agreement(&truth, &statements);
                        mine.rows += a.rows;
                        mine.amounts += a.amounts;
                        mine.exact_rows += a.exact_rows;
                        total.rows += a.rows;
                        total.amounts += a.amounts;
                        total.exact_rows += a.exact_rows;
                        reconciled += usize::from(document.statements.iter().all(|s| {
                            s.reconciliation.status
                                == ledgerlens_core::ReconciliationStatus::Reconciled
                        }));
                    }
                    Err(e) => {
                        mine.rows += truth.transactions.len();
                        total.rows += truth.transactions.len();
                        failures.push(format!("{}-{seed}: {e}", layout.name()));
                    }
                }
            }
            by_layout.push((layout.name(), mine));
        }
        #[allow(clippy::cast_precision_loss)]
        let pct = |n: usize| 100.0 * n as f64 / total.rows.max(1) as f64;
        #[allow(clippy::cast_precision_loss)]
        let per_page = seconds / pages.max(1) as f64;
        println!(
            "{dpi:<5} {pages:>5}  {per_page:>6.2}  {:>12.2}%  {:>33.2}%  {reconciled}/{count}",
            pct(total.amounts),
            pct(total.exact_rows)
        );
        for (name, a) in &by_layout {
            #[allow(clippy::cast_precision_loss)]
            let pct = |n: usize| 100.0 * n as f64 / a.rows.max(1) as f64;
            println!(
                "      {name:<11} amounts {:>6.2}%  rows {:>6.2}%",
                pct(a.amounts),
                pct(a.exact_rows)
            );
        }
        for f in failures {
            println!("      failed: {f}");
        }
    }
    Ok(())
}
