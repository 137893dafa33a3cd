//! `ledgerlens`: the command line.
//!
//! Exit codes are part of the interface: 0 success, 2 bad input (unreadable, unknown or malformed
//! file — the one-line message names the file and a stable error code), 1 anything else.

mod admin_cmd;
mod affordability_cmd;
mod analyze_cmd;
mod backends;
mod bench_cmd;
mod benchmark_cmd;
mod categorize_cmd;
mod config_file;
mod demo;
mod demo_service;
mod engines;
mod input;
mod migrate_cmd;
mod output;
mod parse_cmd;
mod sample_cmd;
mod score_cmd;
mod serve_cmd;
mod synth_cmd;
mod worker_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::input::InputError;

/// A faster allocator for a workload of many small strings (descriptions, references).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Bank statements in, exact ledgers out.
#[derive(Debug, Parser)]
#[command(name = "ledgerlens", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse statement files into a reconciled ledger (JSON or CSV on stdout).
    Parse(parse_cmd::ParseArgs),
    /// Write a synthetic statement in any supported format.
    Sample(sample_cmd::SampleArgs),
    /// Generate sample statements in every format into a folder and parse them all.
    Demo(demo::DemoArgs),
    /// Write statements with a known truth as text PDFs in bank-like layouts, encrypted, or
    /// scanned (PDF, PNG, JPEG at any dpi, skewed and noisy).
    Synth(synth_cmd::SynthArgs),
    /// Measure PDF and OCR speed and accuracy on generated statements.
    Bench(bench_cmd::BenchArgs),
    /// Analyse statements: every figure, in our shape or a seed product's
    /// (`--profile native|periculum|finx|xray|envoyx`).
    Analyze(analyze_cmd::AnalyzeArgs),
    /// Build the percentile tables the Bank X-Ray grades read (`benchmark build --from …`).
    Benchmark(benchmark_cmd::BenchmarkArgs),
    /// Categorise a CSV of descriptions (stdin → stdout): appends category_primary,
    /// category_detailed, counterparty, channel, confidence.
    Categorize(categorize_cmd::CategorizeArgs),
    /// Credit score of statements (or of given variables) on a points scorecard (spec 004).
    Score(score_cmd::ScoreArgs),
    /// How much the applicant can repay monthly and over a tenure (spec 004).
    Affordability(affordability_cmd::AffordabilityArgs),
    /// Run the HTTP API and its background workers (docs/service.md).
    Serve(serve_cmd::ServeArgs),
    /// Run the background workers and webhook sender alone, without the HTTP API
    /// (docs/service.md).
    Worker(worker_cmd::WorkerArgs),
    /// Apply the pending database migrations and print the versions applied.
    Migrate(migrate_cmd::MigrateArgs),
    /// Administer the service's store: tenants, API keys, OAuth clients.
    Admin(admin_cmd::AdminArgs),
}

fn main() -> ExitCode {
    // A panic that ingestion contains (a dependency's, turned into `malformed_file`) is handled and
    // must not print; any other is a bug, reported on one line like every other error.
    std::panic::set_hook(Box::new(|info| {
        if !ledgerlens_ingest::guard::is_contained() {
            eprintln!(
                "ledgerlens: internal error (please report): {}",
                one_line(&info.to_string())
            );
        }
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse(args) => parse_cmd::run(&args),
        Command::Sample(args) => sample_cmd::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Synth(args) => synth_cmd::run(&args),
        Command::Bench(args) => bench_cmd::run(&args),
        Command::Categorize(args) => categorize_cmd::run(&args),
        Command::Analyze(args) => analyze_cmd::run(&args),
        Command::Benchmark(args) => benchmark_cmd::run(&args),
        Command::Score(args) => score_cmd::run(&args),
        Command::Affordability(args) => affordability_cmd::run(&args),
        Command::Serve(args) => serve_cmd::run(&args),
        Command::Admin(args) => admin_cmd::run(&args),
        Command::Worker(args) => worker_cmd::run(&args),
        Command::Migrate(args) => migrate_cmd::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(input) = error.downcast_ref::<InputError>() {
                eprintln!(
                    "ledgerlens: error[{}]: {}: {}",
                    input.code,
                    input.file,
                    one_line(&input.message)
                );
                ExitCode::from(2)
            } else {
                eprintln!("ledgerlens: error: {}", one_line(&format!("{error:#}")));
                ExitCode::from(1)
            }
        }
    }
}

/// Errors are promised to fit on one line, whatever the parser's message held.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
