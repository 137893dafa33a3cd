//! What scoring adds per statement once the analysis exists (the target: < 1 ms): the
//! scorecard variables of a Periculum analysis, the default points scorecard on them (reasons,
//! outcomes and replay hash included), and affordability. The analysis itself is the analytics
//! crate's cost and is built once outside the timed loop.

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
use ledgerlens_analytics::{AnalysisOptions, Prepared, profiles::periculum};
use ledgerlens_enrich::Enricher;
use ledgerlens_scoring::affordability::{AffordabilityInputs, AffordabilityRequest, affordability};
use ledgerlens_scoring::{Scorecard, periculum_variables};
use ledgerlens_synth::persona::{PersonaKind, PersonaOptions, persona};
use rust_decimal::Decimal;

fn bench(c: &mut Criterion) {
    let enricher = Enricher::builtin().unwrap();
    let options = AnalysisOptions::default();
    let statement = persona(&PersonaOptions {
        kind: PersonaKind::SalariedConsumer,
        country: "NG".to_owned(),
        seed: 7,
        months: 12,
        ..PersonaOptions::default()
    })
    .statement;
    let prepared = Prepared::new(vec![statement], &enricher, &options);
    let ledger = prepared.ledger(&options).unwrap();
    let analytics = periculum::build(&ledger, &options);
    let scorecard = Scorecard::periculum_default().unwrap();
    let request = AffordabilityRequest {
        dti: Decimal::new(3, 1),
        loan_tenure: 6,
        average_monthly_total_expenses: None,
        average_monthly_loan_repayment_amount: None,
    };
    c.bench_function(
        "score one statement (variables + points + affordability)",
        |b| {
            b.iter(|| {
                let variables = periculum_variables(black_box(&analytics));
                let score = scorecard.evaluate(&variables, Some(ledger.as_of));
                let inputs = AffordabilityInputs::from_periculum(&analytics).unwrap();
                let afford = affordability(&inputs, &request, Some(ledger.as_of)).unwrap();
                black_box((score, afford))
            });
        },
    );
    c.bench_function("load the default scorecard", |b| {
        b.iter(|| black_box(Scorecard::periculum_default().unwrap()));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
