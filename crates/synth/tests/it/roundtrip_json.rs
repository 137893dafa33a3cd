//! Round trips for the five aggregator JSON writers and readers: random ledgers in every harness
//! currency (including zero- and three-decimal ones), and one long generated statement each.

use ledgerlens_core::{Currency, Format};
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_synth::write::{OutputFormat, write};
use ledgerlens_synth::{GenerateOptions, generate};
use proptest::prelude::*;

use crate::harness::{assert_round_trip, statement};

const FORMATS: [(OutputFormat, Format); 5] = [
    (OutputFormat::Periculum, Format::PericulumJson),
    (OutputFormat::Mono, Format::MonoJson),
    (OutputFormat::Okra, Format::OkraJson),
    (OutputFormat::Dojah, Format::DojahJson),
    (OutputFormat::MyBankStatement, Format::MyBankStatementJson),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn periculum_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Periculum, &s)?;
    }

    #[test]
    fn mono_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Mono, &s)?;
    }

    #[test]
    fn okra_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Okra, &s)?;
    }

    #[test]
    fn dojah_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Dojah, &s)?;
    }

    #[test]
    fn mybankstatement_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::MyBankStatement, &s)?;
    }
}

#[test]
fn a_two_thousand_row_statement_round_trips_in_every_aggregator_format() {
    for currency in ["NGN", "XOF", "KWD"] {
        let s = generate(&GenerateOptions {
            transactions: 2_000,
            seed: 7,
            currency: Currency::parse(currency).unwrap(),
            ..GenerateOptions::default()
        });
        for (format, _) in FORMATS {
            assert_round_trip(format, &s).unwrap_or_else(|e| panic!("{format:?} {currency}: {e}"));
        }
    }
}

#[test]
fn each_writer_is_sniffed_as_its_own_format_and_keeps_the_account() {
    let s = generate(&GenerateOptions {
        transactions: 30,
        ..GenerateOptions::default()
    });
    for (format, detected) in FORMATS {
        let bytes = write(format, &s);
        let doc = read_document("w.json", &bytes, &ReadOptions::default()).unwrap();
        assert_eq!(doc.format, detected, "{format:?}");
        let got = &doc.statements[0];
        assert_eq!(got.transactions.len(), 30, "{format:?}");
        let value_dates = |st: &ledgerlens_core::Statement| {
            st.transactions
                .iter()
                .map(|t| t.value_date)
                .collect::<Vec<_>>()
        };
        if !matches!(format, OutputFormat::Mono | OutputFormat::Periculum) {
            assert_eq!(value_dates(got), value_dates(&s), "{format:?}: value dates");
        }
        assert_eq!(
            got.opening_balance, s.opening_balance,
            "{format:?}: opening"
        );
        assert_eq!(
            got.closing_balance, s.closing_balance,
            "{format:?}: closing"
        );
        if format == OutputFormat::MyBankStatement {
            assert_eq!(got.period, s.period);
            assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        }
        if format != OutputFormat::Mono && format != OutputFormat::Dojah {
            assert_eq!(
                got.account.number, s.account.number,
                "{format:?}: account number"
            );
            assert_eq!(got.account.holder, s.account.holder, "{format:?}: holder");
        }
        if format != OutputFormat::Mono {
            assert_eq!(got.account.bank, s.account.bank, "{format:?}: bank");
        }
        if matches!(
            format,
            OutputFormat::Mono | OutputFormat::Okra | OutputFormat::Dojah
        ) {
            let refs = |st: &ledgerlens_core::Statement| {
                st.transactions
                    .iter()
                    .map(|t| t.reference.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(refs(got), refs(&s), "{format:?}: references");
        }
    }
}

#[test]
fn mono_writes_kobo_as_mono_does() {
    let s = generate(&GenerateOptions {
        transactions: 3,
        ..GenerateOptions::default()
    });
    let text = String::from_utf8(write(OutputFormat::Mono, &s)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let newest = s.transactions.last().unwrap();
    let first = &value["data"][0];
    assert_eq!(first["amount"].as_i64(), newest.amount.abs().to_minor(2));
    assert_eq!(
        first["balance"].as_i64(),
        newest.balance.unwrap().to_minor(2)
    );
    assert_eq!(
        first["type"],
        if newest.amount.is_negative() {
            "debit"
        } else {
            "credit"
        }
    );
}
