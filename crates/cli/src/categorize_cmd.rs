//! `ledgerlens categorize`: bulk enrichment of a CSV of descriptions, useful on its own.

use std::io::{BufWriter, Write};

use anyhow::{Context as _, Result};
use clap::Args;
use ledgerlens_enrich::{Enricher, Scratch, TxInput, categorize};
use rust_decimal::Decimal;

use crate::input::InputError;

/// Arguments of `categorize`.
#[derive(Debug, Args)]
pub struct CategorizeArgs {
    /// Country of the accounts (ISO 3166 alpha-2): selects the country rule packs.
    #[arg(long)]
    pub country: Option<String>,
    /// Currency: selects the rule packs when no country is given.
    #[arg(long)]
    pub currency: Option<String>,
    /// A tenant rule file (same format as the packs; its rules and overrides win). Repeatable.
    #[arg(long = "rules")]
    pub rules: Vec<String>,
    /// Input CSV (default: stdin). Needs a `description` column; `amount` (signed) is used when
    /// present, other columns are passed through.
    #[arg(long, default_value = "-")]
    pub input: String,
}

/// Largest CSV read, like every other input.
const MAX_BYTES: u64 = 512 << 20;

/// Runs `categorize`.
pub fn run(args: &CategorizeArgs) -> Result<()> {
    let mut tenant = Vec::new();
    for path in &args.rules {
        let text = std::fs::read_to_string(path).map_err(|e| InputError {
            file: path.clone(),
            code: "unreadable_file",
            message: e.to_string(),
        })?;
        tenant.push((path.clone(), text));
    }
    let tenant_refs: Vec<(&str, &str)> = tenant
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let enricher = Enricher::with_tenant_files(&tenant_refs).map_err(|e| InputError {
        file: "--rules".to_owned(),
        code: "bad_rules",
        message: e.to_string(),
    })?;
    let book = enricher.rulebook();
    let scope = book.scope(args.country.as_deref(), args.currency.as_deref());

    let bytes = crate::input::read_limited(&args.input, MAX_BYTES)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = reader.headers().context("reading the CSV header")?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let description = column("description").ok_or_else(|| InputError {
        file: args.input.clone(),
        code: "missing_column",
        message: "the CSV needs a `description` column".to_owned(),
    })?;
    let amount = column("amount");

    let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut writer = csv::Writer::from_writer(stdout);
    let mut header: Vec<&str> = headers.iter().collect();
    header.extend([
        "category_primary",
        "category_detailed",
        "counterparty",
        "channel",
        "confidence",
    ]);
    writer.write_record(&header)?;
    let mut scratch = Scratch::default();
    for (line, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("reading CSV record {}", line + 2))?;
        let text = record.get(description).unwrap_or("");
        let value = amount
            .and_then(|index| record.get(index))
            .and_then(parse_amount);
        let enriched = categorize(
            book,
            scope,
            TxInput {
                description: text,
                amount: value,
                bank_code: None,
                counterparty: None,
            },
            &[],
            &mut scratch,
        );
        let mut row: Vec<String> = record.iter().map(str::to_owned).collect();
        row.resize(headers.len(), String::new());
        row.push(enriched.category.primary().code().to_owned());
        row.push(enriched.category.code().to_owned());
        row.push(
            enriched
                .counterparty
                .map(|c| c.key.to_string())
                .unwrap_or_default(),
        );
        row.push(enriched.channel.name().to_owned());
        row.push(format!("{:.2}", enriched.confidence));
        writer.write_record(&row)?;
    }
    writer.flush()?;
    writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing output: {}", e.error()))?
        .flush()?;
    Ok(())
}

/// Amounts as people export them: `-1 234,50`, `1,234.50`, `(12.00)`; unreadable → unknown.
fn parse_amount(text: &str) -> Option<Decimal> {
    let mark = ledgerlens_ingest::number::decisive_decimal_mark(text);
    ledgerlens_ingest::number::parse_amount(text, mark)
        .ok()
        .map(|amount| amount.as_decimal())
}
