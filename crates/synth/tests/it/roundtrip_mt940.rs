//! Round trips through MT940: random ledgers written by the synth writer and read back.

use ledgerlens_synth::write::OutputFormat;
use ledgerlens_synth::{GenerateOptions, generate};
use proptest::prelude::*;

use crate::harness::{assert_round_trip, statement};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_ledgers_survive_mt940(s in statement()) {
        assert_round_trip(OutputFormat::Mt940, &s)?;
    }
}

#[test]
fn a_two_thousand_row_statement_survives_mt940() {
    let s = generate(&GenerateOptions {
        transactions: 2_000,
        seed: 940,
        ..GenerateOptions::default()
    });
    assert_round_trip(OutputFormat::Mt940, &s).unwrap();
}

#[test]
fn the_written_file_is_sniffed_as_mt940() {
    let s = generate(&GenerateOptions {
        transactions: 3,
        ..GenerateOptions::default()
    });
    let bytes = ledgerlens_synth::write(OutputFormat::Mt940, &s);
    assert_eq!(
        ledgerlens_ingest::detect_format(&bytes).unwrap(),
        ledgerlens_core::Format::Mt940
    );
}
