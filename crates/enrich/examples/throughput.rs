//! Enrichment throughput in CPU time, for a shared machine where wall-clock benchmarks are
//! inflated by other processes: `perf stat -e task-clock cargo run --release -p
//! ledgerlens-enrich --example throughput -- 20` and divide the transactions it prints by the
//! task-clock seconds of the enrichment phase it reports (ledger generation is timed apart).

use std::time::Instant;

use ledgerlens_enrich::{Context, Enricher};
use ledgerlens_synth::persona::{COUNTRIES, PersonaKind, PersonaOptions, Vocabulary, persona};

/// CPU seconds (user + system) this process has used so far, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let Ok(enricher) = Enricher::builtin() else {
        eprintln!("packs failed to load");
        return;
    };
    let mut ledgers = Vec::new();
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
            ledgers.push((labeled.statement, context));
        }
    }
    let transactions: usize = ledgers.iter().map(|(s, _)| s.transactions.len()).sum();
    let (cpu_before, wall_before) = (cpu_seconds(), Instant::now());
    let mut checksum = 0usize;
    for _ in 0..rounds {
        for (statement, context) in &ledgers {
            checksum += enricher.enrich(statement, context).series.len();
        }
    }
    let cpu = cpu_seconds() - cpu_before;
    let wall = wall_before.elapsed().as_secs_f64();
    let total = transactions * rounds;
    println!(
        "{total} transactions ({transactions} × {rounds}) in {cpu:.2} s CPU ({wall:.2} s wall): {:.0} per CPU-second (checksum {checksum})",
        total as f64 / cpu.max(1e-9)
    );
}
