//! Parse throughput on a 100 000-transaction statement in every format ledgerlens reads.
//!
//! Run with `cargo bench -p ledgerlens-ingest --bench parse`. Criterion reports time per file and
//! throughput in MiB/s ("bytes" group) and transactions/s ("transactions" group). The statements
//! come from `ledgerlens-synth`, so the figures are reproducible on any machine.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ledgerlens_core::Currency;
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_synth::write::{CsvDialect, OutputFormat};
use ledgerlens_synth::{GenerateOptions, generate};

const TRANSACTIONS: usize = 100_000;

const FORMATS: &[(&str, OutputFormat)] = &[
    ("csv", OutputFormat::Csv(CsvDialect::EnglishSigned)),
    ("csv_fr", OutputFormat::Csv(CsvDialect::FrenchDebitCredit)),
    ("ofx1", OutputFormat::Ofx1),
    ("ofx2", OutputFormat::Ofx2),
    ("mt940", OutputFormat::Mt940),
    ("camt053", OutputFormat::Camt053),
    ("mono", OutputFormat::Mono),
    ("okra", OutputFormat::Okra),
    ("dojah", OutputFormat::Dojah),
    ("periculum", OutputFormat::Periculum),
    ("mybankstatement", OutputFormat::MyBankStatement),
    ("qif", OutputFormat::Qif),
    ("xlsx", OutputFormat::Xlsx),
];

fn files() -> Vec<(&'static str, Vec<u8>)> {
    let currency = Currency::parse("NGN").unwrap_or_else(|_| Currency::unknown());
    let statement = generate(&GenerateOptions {
        transactions: TRANSACTIONS,
        currency,
        ..GenerateOptions::default()
    });
    FORMATS
        .iter()
        .map(|(name, format)| (*name, ledgerlens_synth::write(*format, &statement)))
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = files();
    let options = ReadOptions::default();
    for (unit, per_file) in [("bytes", true), ("transactions", false)] {
        let mut group = c.benchmark_group(format!("parse_100k/{unit}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(6))
            .warm_up_time(Duration::from_secs(1));
        for (name, bytes) in &files {
            let throughput = if per_file {
                Throughput::Bytes(u64::try_from(bytes.len()).unwrap_or(u64::MAX))
            } else {
                Throughput::Elements(TRANSACTIONS as u64)
            };
            group.throughput(throughput);
            group.bench_function(*name, |b| {
                b.iter(|| {
                    let doc = read_document(name, black_box(bytes), &options);
                    black_box(doc.map(|d| d.statements.len()).unwrap_or(0))
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
