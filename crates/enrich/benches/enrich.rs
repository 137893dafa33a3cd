//! Enrichment throughput: the whole pipeline (categorise, counterparty, channel, recurrence,
//! income, loans) over realistic persona ledgers, rule packs loaded.
//!
//! Run with `cargo bench -p ledgerlens-enrich --bench enrich`; criterion reports transactions
//! per second. The target is ≥ 500 000 per core.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ledgerlens_core::Statement;
use ledgerlens_enrich::{Context, Enricher};
use ledgerlens_synth::persona::{COUNTRIES, PersonaKind, PersonaOptions, Vocabulary, persona};

/// Every persona in every country, 12 months each: ~tens of thousands of varied narrations.
fn ledgers() -> Vec<(Statement, Context)> {
    let mut out = Vec::new();
    for (index, country) in COUNTRIES.iter().enumerate() {
        for kind in PersonaKind::ALL {
            let labeled = persona(&PersonaOptions {
                kind,
                country: (*country).to_owned(),
                seed: 1000 + index as u64,
                months: 12,
                vocabulary: Vocabulary::All,
                ..PersonaOptions::default()
            });
            let mut context = Context::of(&labeled.statement);
            context.country = Some(labeled.country.clone());
            out.push((labeled.statement, context));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let Ok(enricher) = Enricher::builtin() else {
        return;
    };
    let ledgers = ledgers();
    let transactions: usize = ledgers.iter().map(|(s, _)| s.transactions.len()).sum();
    let mut group = c.benchmark_group("enrich");
    group.throughput(Throughput::Elements(transactions as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(format!("all_personas_{transactions}_tx"), |b| {
        b.iter(|| {
            for (statement, context) in &ledgers {
                black_box(enricher.enrich(black_box(statement), context));
            }
        });
    });
    group.finish();
    let mut load = c.benchmark_group("load");
    load.sample_size(10);
    load.bench_function("compile_builtin_packs", |b| {
        b.iter(|| black_box(Enricher::builtin().map(|e| e.rulebook().rule_count())))
    });
    load.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
