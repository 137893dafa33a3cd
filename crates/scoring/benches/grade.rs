//! Time to score one analysed statement: Bank X-Ray grading (nine indicators against the
//! embedded benchmark), the EnvoyX score with every flag and the legitimacy verdict, replay
//! hashes included. The target: scoring adds < 1 ms per statement on top of the
//! analysis. The analysis itself (enrichment, profiles) is the analytics crate's cost.

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
use ledgerlens_analytics::profiles::{envoyx, xray};
use ledgerlens_analytics::{AnalysisOptions, Prepared, StatementType};
use ledgerlens_core::reconcile;
use ledgerlens_enrich::Enricher;
use ledgerlens_scoring::benchmark::Benchmark;
use ledgerlens_scoring::config::ScoringConfig;
use ledgerlens_scoring::envoyx::{Preferences, ScoreRequest, score};
use ledgerlens_scoring::legitimacy::Evidence;
use ledgerlens_scoring::xray::{XrayContext, grade};
use ledgerlens_synth::persona::{PersonaKind, PersonaOptions, persona};

fn bench(c: &mut Criterion) {
    let enricher = Enricher::builtin().unwrap();
    let statement = persona(&PersonaOptions {
        kind: PersonaKind::SmeEmployer,
        country: "NG".to_owned(),
        seed: 11,
        months: 12,
        ..PersonaOptions::default()
    })
    .statement;
    let reconciliation = reconcile(&statement);
    let options = AnalysisOptions {
        country: Some("NG".to_owned()),
        business_type: Some("retail".to_owned()),
        statement_type: Some(StatementType::Business),
        ..AnalysisOptions::default()
    };
    let prepared = Prepared::new(vec![statement], &enricher, &options);
    let ledger = prepared.ledger(&options).unwrap();
    let report = xray::build(&ledger, &options);
    let analysis = envoyx::build(&ledger, &options);
    eprintln!(
        "statement: {} transactions, 12 months",
        report.all_transactions.len()
    );
    let benchmark = Benchmark::embedded().unwrap();
    let config = ScoringConfig::default();
    let context = XrayContext {
        country: Some("NG".to_owned()),
        sector: Some("G".to_owned()),
        ..XrayContext::default()
    };
    let request = ScoreRequest {
        business_type: Some("retail".to_owned()),
        ..ScoreRequest::default()
    };
    let evidence = Evidence {
        forensics: vec![],
        reconciliations: vec![&reconciliation],
    };
    c.bench_function("xray grade", |b| {
        b.iter(|| {
            grade(
                black_box(&report),
                &context,
                Some("NGN"),
                benchmark,
                &config,
            )
        });
    });
    c.bench_function("envoyx score + flags + legitimacy", |b| {
        b.iter(|| {
            score(
                black_box(&analysis),
                &request,
                &Preferences::default(),
                &evidence,
                &config,
            )
        });
    });
    c.bench_function("all scoring of one statement", |b| {
        b.iter(|| {
            (
                grade(
                    black_box(&report),
                    &context,
                    Some("NGN"),
                    benchmark,
                    &config,
                ),
                score(
                    black_box(&analysis),
                    &request,
                    &Preferences::default(),
                    &evidence,
                    &config,
                ),
            )
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
