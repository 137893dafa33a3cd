//! Round trips for the delimited and XLSX writers and readers: every dialect, random ledgers and
//! one large statement, read back exactly.

use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_synth::generate::{GenerateOptions, generate};
use ledgerlens_synth::write::{CsvDialect, OutputFormat, write};
use proptest::prelude::*;

use crate::harness::{assert_round_trip, statement};

const FORMATS: [OutputFormat; 6] = [
    OutputFormat::Csv(CsvDialect::EnglishSigned),
    OutputFormat::Csv(CsvDialect::FrenchDebitCredit),
    OutputFormat::Csv(CsvDialect::GermanNewestFirst),
    OutputFormat::Csv(CsvDialect::UsTabCrDr),
    OutputFormat::Csv(CsvDialect::SpanishParentheses),
    OutputFormat::Xlsx,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn english_signed_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Csv(CsvDialect::EnglishSigned), &s)?;
    }

    #[test]
    fn french_debit_credit_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Csv(CsvDialect::FrenchDebitCredit), &s)?;
    }

    #[test]
    fn german_newest_first_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Csv(CsvDialect::GermanNewestFirst), &s)?;
    }

    #[test]
    fn us_tab_cr_dr_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Csv(CsvDialect::UsTabCrDr), &s)?;
    }

    #[test]
    fn spanish_parentheses_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Csv(CsvDialect::SpanishParentheses), &s)?;
    }

    #[test]
    fn xlsx_round_trips(s in statement()) {
        assert_round_trip(OutputFormat::Xlsx, &s)?;
    }
}

#[test]
fn two_thousand_rows_read_back_exactly_in_every_dialect() {
    let s = generate(&GenerateOptions {
        transactions: 2000,
        ..GenerateOptions::default()
    });
    for format in FORMATS {
        assert_round_trip(format, &s).unwrap_or_else(|e| panic!("{format:?}: {e}"));
    }
}

#[test]
fn the_german_preamble_gives_account_holder_and_balances() {
    let s = generate(&GenerateOptions {
        transactions: 30,
        ..GenerateOptions::default()
    });
    let bytes = write(OutputFormat::Csv(CsvDialect::GermanNewestFirst), &s);
    let doc = read_document("de.csv", &bytes, &ReadOptions::default()).unwrap();
    let got = &doc.statements[0];
    assert_eq!(got.account.holder.as_deref(), Some("ADA OBI"));
    assert_eq!(got.account.number, s.account.number);
    assert_eq!(got.opening_balance, s.opening_balance);
    assert_eq!(got.closing_balance, s.closing_balance);
    assert!(
        doc.warnings.iter().any(|w| w.contains("newest-first")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn each_dialect_is_sniffed_as_its_format() {
    let s = generate(&GenerateOptions {
        transactions: 5,
        ..GenerateOptions::default()
    });
    for format in FORMATS {
        let want = if format == OutputFormat::Xlsx {
            "xlsx"
        } else {
            "csv"
        };
        assert_eq!(
            ledgerlens_ingest::detect_format(&write(format, &s))
                .unwrap()
                .name(),
            want,
            "{format:?}"
        );
    }
}
