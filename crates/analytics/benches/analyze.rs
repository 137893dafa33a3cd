//! Time to analyse a 12-month, ~5 000-transaction ledger once it is enriched (the issue's
//! target: every profile in < 10 ms on one core). Enrichment is timed apart: it is the
//! enrich crate's cost, paid once per ledger whatever the profiles asked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs,
    reason = "a benchmark harness fails loudly by design"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ledgerlens_analytics::profiles::{envoyx, finx, periculum, xray};
use ledgerlens_analytics::{AnalysisOptions, Facts, Prepared, native};
use ledgerlens_core::{AccountNumber, Statement};
use ledgerlens_enrich::Enricher;
use ledgerlens_synth::persona::{PersonaKind, PersonaOptions, persona};

/// Twelve months of several busy holders of one currency, as separate accounts, until about
/// 5 000 transactions.
fn statements() -> Vec<Statement> {
    let kinds = [
        PersonaKind::SmeEmployer,
        PersonaKind::Gambler,
        PersonaKind::MultiLenderBorrower,
        PersonaKind::SalariedConsumer,
        PersonaKind::GigWorker,
        PersonaKind::WestAfricanClinic,
        PersonaKind::Student,
        PersonaKind::Pensioner,
    ];
    let mut out = Vec::new();
    let mut count = 0;
    for (i, kind) in kinds.iter().cycle().enumerate() {
        if count >= 5_000 {
            break;
        }
        let mut s = persona(&PersonaOptions {
            kind: *kind,
            country: "NG".to_owned(),
            seed: 1_000 + i as u64,
            months: 12,
            ..PersonaOptions::default()
        })
        .statement;
        s.account.number =
            AccountNumber::parse(&format!("{:010}", 7_000_000_000u64 + i as u64)).ok();
        count += s.transactions.len();
        out.push(s);
    }
    out
}

fn bench(c: &mut Criterion) {
    let enricher = Enricher::builtin().unwrap();
    let options = AnalysisOptions::default();
    let input = statements();
    let total: usize = input.iter().map(|s| s.transactions.len()).sum();
    eprintln!(
        "ledger: {} accounts, {total} transactions, 12 months",
        input.len()
    );
    c.bench_function("prepare (merge + enrich)", |b| {
        b.iter(|| Prepared::new(black_box(input.clone()), &enricher, &options));
    });
    let prepared = Prepared::new(input, &enricher, &options);
    let ledger = prepared.ledger(&options).unwrap();
    c.bench_function("native", |b| {
        b.iter(|| native::build(black_box(&ledger), &options))
    });
    c.bench_function("periculum", |b| {
        b.iter(|| periculum::build(black_box(&ledger), &options));
    });
    c.bench_function("finx", |b| {
        b.iter(|| finx::build(black_box(&ledger), &options));
    });
    c.bench_function("xray", |b| {
        b.iter(|| xray::build(black_box(&ledger), &options));
    });
    c.bench_function("envoyx", |b| {
        b.iter(|| envoyx::build(black_box(&ledger), &options));
    });
    c.bench_function("all profiles", |b| {
        b.iter(|| {
            // What a caller asking for every profile does: the shared aggregates once.
            let ledger = black_box(&ledger);
            let facts = Facts::of(ledger);
            (
                native::build_with(ledger, &options, &facts),
                periculum::build_with(ledger, &options, &facts),
                finx::build(ledger, &options),
                xray::build(ledger, &options),
                envoyx::build(ledger, &options),
            )
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
