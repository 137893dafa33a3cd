//! `ledgerlens benchmark build`: the percentile tables the Bank X-Ray grades read.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use ledgerlens_analytics::profiles::xray;
use ledgerlens_analytics::{AnalysisOptions, Prepared, StatementType};
use ledgerlens_scoring::benchmark::{Benchmark, DEFAULT_MIN_POPULATION, Member, RevenueBand};

use crate::input::InputError;

#[path = "../../scoring/benchmarks/population.rs"]
#[allow(
    dead_code,
    reason = "shared with the scoring crate's example; not every item is used here"
)]
mod population;

/// `benchmark` subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchmarkCommand {
    /// Build a benchmark from a population of analysed statements.
    Build(BuildArgs),
}

/// Arguments of `benchmark`.
#[derive(Debug, Args)]
pub struct BenchmarkArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: BenchmarkCommand,
}

/// Arguments of `benchmark build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The population: `personas` (the generated population of the shipped default), or a CSV
    /// manifest with columns `file,country,sector` (one statement file per row; sector a NACE
    /// code or section).
    #[arg(long)]
    pub from: String,
    /// Where to write the benchmark JSON.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Least population of a cell for it to grade anybody.
    #[arg(long, default_value_t = DEFAULT_MIN_POPULATION)]
    pub min_population: usize,
    /// Identifier recorded in every grade made with it.
    #[arg(long, default_value = "custom")]
    pub id: String,
    /// Version recorded in every grade made with it.
    #[arg(long, default_value = "1")]
    pub version: String,
}

/// Runs `benchmark`.
pub fn run(args: &BenchmarkArgs) -> Result<()> {
    let BenchmarkCommand::Build(build) = &args.command;
    let benchmark = if build.from == "personas" {
        population::default_benchmark()
    } else {
        from_manifest(build)?
    };
    std::fs::write(&build.out, benchmark.to_json())
        .with_context(|| format!("writing {}", build.out.display()))?;
    eprintln!(
        "ledgerlens: benchmark {} v{}: {} members, {} cells, sha256 {}",
        benchmark.id,
        benchmark.version,
        benchmark.population,
        benchmark.cells.len(),
        benchmark.version_ref().sha256
    );
    Ok(())
}

/// One analysed row of a manifest.
struct Analysed {
    country: String,
    sector: String,
    band: Option<RevenueBand>,
    indicators: xray::XrayIndicators,
}

fn from_manifest(args: &BuildArgs) -> Result<Benchmark> {
    let bad = |message: String| InputError {
        file: args.from.clone(),
        code: "bad_manifest",
        message,
    };
    let mut reader = csv::Reader::from_path(&args.from).map_err(|e| bad(e.to_string()))?;
    let enricher = ledgerlens_enrich::Enricher::builtin()?;
    let mut members = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let (Some(file), Some(country), Some(sector)) =
            (record.get(0), record.get(1), record.get(2))
        else {
            return Err(bad(format!("row {}: needs file,country,sector", row + 2)).into());
        };
        let bytes = crate::input::read_limited(file, ledgerlens_ingest::DEFAULT_MAX_BYTES)?;
        let document = ledgerlens_ingest::read_document(
            file,
            &bytes,
            &ledgerlens_ingest::ReadOptions::default(),
        )
        .map_err(|e| InputError::from_ingest(file, &e))?;
        let Some(currency) = document
            .statements
            .first()
            .map(|s| s.currency.code().to_owned())
        else {
            continue;
        };
        let options = AnalysisOptions {
            country: Some(country.trim().to_ascii_uppercase()),
            statement_type: Some(StatementType::Business),
            ..AnalysisOptions::default()
        };
        let prepared = Prepared::new(document.statements, &enricher, &options);
        let Some(ledger) = prepared.ledger(&options) else {
            continue;
        };
        let report = xray::build(&ledger, &options);
        members.push(Analysed {
            country: country.trim().to_ascii_uppercase(),
            sector: sector.trim().to_owned(),
            band: RevenueBand::of_report(&report, &currency),
            indicators: report.indicators,
        });
    }
    Ok(Benchmark::build(
        &args.id,
        &args.version,
        &format!("built by ledgerlens benchmark build from {}", args.from),
        args.min_population,
        members.iter().map(|m| Member {
            country: &m.country,
            sector: &m.sector,
            revenue_band: m.band,
            indicators: &m.indicators,
        }),
    ))
}
