//! Round trips through camt.053.001.08: random ledgers written by the synth writer and read back.

use ledgerlens_synth::write::OutputFormat;
use ledgerlens_synth::{GenerateOptions, generate};
use proptest::prelude::*;

use crate::harness::{assert_round_trip, statement};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_ledgers_survive_camt053(s in statement()) {
        assert_round_trip(OutputFormat::Camt053, &s)?;
    }
}

#[test]
fn a_two_thousand_row_statement_survives_camt053() {
    let s = generate(&GenerateOptions {
        transactions: 2_000,
        seed: 53,
        ..GenerateOptions::default()
    });
    assert_round_trip(OutputFormat::Camt053, &s).unwrap();
}

#[test]
fn references_and_value_dates_survive_camt053() {
    let s = generate(&GenerateOptions {
        transactions: 50,
        ..GenerateOptions::default()
    });
    let bytes = ledgerlens_synth::write(OutputFormat::Camt053, &s);
    let doc = ledgerlens_ingest::read_document(
        "s.xml",
        &bytes,
        &ledgerlens_ingest::ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(doc.format, ledgerlens_core::Format::Camt053);
    let got = &doc.statements[0];
    assert_eq!(got.account.holder, s.account.holder);
    assert_eq!(got.account.number, s.account.number);
    for (g, w) in got.transactions.iter().zip(&s.transactions) {
        assert_eq!(g.reference, w.reference);
        assert_eq!(g.value_date, w.value_date);
    }
}
